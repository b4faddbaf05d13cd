// agora-gateway for the tests ($AGORA_GATEWAY, else the debug build) started with a TOML
// config on 127.0.0.1, and a small OpenAI-style upstream to put behind it.
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtBinary, spawnLogged } from './node.js';

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
  const { child, log, forceKill, end } = spawnLogged(builtBinary('agora-gateway', 'AGORA_GATEWAY'), ['--config', file],
    { ...process.env, AGORA_GATEWAY_KEY: key, RUST_LOG: 'info' });

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

  return { url, log, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

/**
 * An OpenAI-style chat completion server on 127.0.0.1: each POST answers with a `usage`
 * block whose `total_tokens` is `tokensFor(request JSON)`, or 500 when the request has
 * `fail: true`. `served` counts the successful calls and the tokens reported.
 */
export function startUpstream(tokensFor) {
  const served = { calls: 0, tokens: 0, lastHeaders: null };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      const input = JSON.parse(body || '{}');
      if (input.fail) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'model overloaded' }));
        return;
      }
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
