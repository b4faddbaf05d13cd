// agora-gateway for the tests: the binary started with a TOML config on 127.0.0.1, and a
// small OpenAI-style upstream to put behind it.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The agora-gateway binary: $AGORA_GATEWAY, else the debug build in $CARGO_TARGET_DIR. */
export function gatewayBinary() {
  const binary = process.env.AGORA_GATEWAY
    ?? `${process.env.CARGO_TARGET_DIR ?? '/var/tmp/agora-target'}/debug/agora-gateway`;
  if (!existsSync(binary)) {
    throw new Error(`agora-gateway not found at ${binary}: build it (./scripts/test.sh does) or set AGORA_GATEWAY`);
  }
  return binary;
}

/** `settings` as TOML (flat keys: strings, numbers, booleans). */
function toToml(settings) {
  return Object.entries(settings)
    .map(([key, value]) => `${key} = ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`)
    .join('\n');
}

/**
 * Writes `settings` to `dir/gateway.toml` and starts agora-gateway with it and `key` in
 * $AGORA_GATEWAY_KEY; resolves once `/health` answers 200. Returns { url, log, stop, kill }.
 */
export async function startGateway(dir, settings, key, { timeoutMs = 60_000 } = {}) {
  const file = join(dir, 'gateway.toml');
  writeFileSync(file, `${toToml(settings)}\n`);
  const child = spawn(gatewayBinary(), ['--config', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AGORA_GATEWAY_KEY: key, RUST_LOG: 'info' },
  });
  const log = [];
  const keep = (chunk) => { log.push(chunk.toString()); if (log.length > 400) log.shift(); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const forceKill = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  process.once('exit', forceKill);

  const url = `http://${settings.listen}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`agora-gateway exited with ${child.exitCode}:\n${log.join('')}`);
    const health = await fetch(`${url}/health`).catch(() => null);
    if (health?.status === 200) break;
    if (Date.now() > deadline) {
      forceKill();
      throw new Error(`agora-gateway not healthy within ${timeoutMs} ms:\n${log.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  async function end(signal) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
    process.removeListener('exit', forceKill);
  }
  return { url, log, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

/**
 * An OpenAI-style chat completion server on 127.0.0.1: each POST answers with a `usage`
 * block whose `total_tokens` is `tokensFor(request JSON)`. `served` counts the calls
 * answered and the tokens reported.
 */
export function startUpstream(tokensFor) {
  const served = { calls: 0, tokens: 0, lastHeaders: null };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      const input = JSON.parse(body || '{}');
      const totalTokens = tokensFor(input);
      served.calls += 1;
      served.tokens += totalTokens;
      served.lastHeaders = request.headers;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({
        object: 'chat.completion',
        path: request.url,
        choices: [{ index: 0, message: { role: 'assistant', content: `echo: ${input.messages?.[0]?.content ?? ''}` } }],
        usage: { prompt_tokens: Math.floor(totalTokens / 3), completion_tokens: totalTokens - Math.floor(totalTokens / 3), total_tokens: totalTokens },
      }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, served, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
