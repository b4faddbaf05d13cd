// agora-gateway for the tests ($AGORA_GATEWAY, else the debug build) started with a TOML
// config on 127.0.0.1, and a small OpenAI-style upstream to put behind it.
import { createServer } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtBinary, freePort, spawnLogged } from './node.js';

/** `settings` as TOML (flat keys: strings, numbers, booleans). */
function toToml(settings) {
  return Object.entries(settings)
    .map(([key, value]) => `${key} = ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`)
    .join('\n');
}

/**
 * The settings of a gateway in `dir` selling `serviceId` in front of the OpenAI-style
 * `upstreamUrl`, metered from `usage.total_tokens` at 1,000 tokens per unit (Token1k),
 * on a free port unless `listen` is given; `overrides` add to them or replace them.
 */
export async function tokenGatewaySettings({ dir, upstreamUrl, nodeUrl, serviceId, listen }, overrides = {}) {
  return {
    listen: listen ?? `127.0.0.1:${await freePort()}`,
    upstream: `${upstreamUrl}/v1`,
    node: nodeUrl,
    service_id: serviceId,
    database: join(dir, 'gateway.sqlite'),
    metering: 'json_field',
    usage_field: 'usage.total_tokens',
    quantity_per_unit: 1000,
    ...overrides,
  };
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

  return { url, log, pid: child.pid, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

/**
 * An OpenAI-style chat completion server on 127.0.0.1: each POST answers with a `usage`
 * block whose `total_tokens` is `tokensFor(request JSON)` (after `delayMs` when the
 * request has it), or 500 when the request has `fail: true`. `served` counts the requests
 * received, the successful calls and the tokens reported.
 */
export function startUpstream(tokensFor) {
  const served = { received: 0, calls: 0, tokens: 0, lastHeaders: null };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', async () => {
      served.received += 1;
      const input = JSON.parse(body || '{}');
      if (input.delayMs) await new Promise((resolve) => setTimeout(resolve, input.delayMs));
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
  // Node closes a connection idle for 5 s by default, racing a gateway that reuses it
  // after a quiet spell (a 502 for that call): AI servers keep theirs open longer.
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, served, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/**
 * An OpenAI-style server that streams chat completions as Server-Sent Events (and
 * answers one JSON document, with the same usage, when the request does not ask for a
 * stream). What it
 * does is read from the request's `test` object: `chunks` events (default 20),
 * `delayMs` apart (default 0), each worth `tokensPerChunk` tokens (default 50); `usage`
 * says where the usage goes: 'final' (a last event, only when the request asks for it
 * with `stream_options.include_usage`, as OpenAI does), 'every' (cumulative usage in
 * every event, as vLLM's continuous_usage_stats) or 'none'; `format: 'ndjson'` streams
 * JSON lines instead, as Ollama does, the usage in the last. `served` keeps each request
 * body and the time (performance.now()) each event was sent.
 */
export function startStreamingUpstream() {
  const served = { requests: [], sentAt: [] };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', async () => {
      const input = JSON.parse(body || '{}');
      served.requests.push(input);
      const { chunks = 20, delayMs = 0, tokensPerChunk = 50, usage = 'final' } = input.test ?? {};
      if (!input.stream) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ object: 'chat.completion', choices: [], usage: { total_tokens: chunks * tokensPerChunk } }));
        return;
      }
      const sentAt = [];
      served.sentAt.push(sentAt);
      let closed = false;
      response.on('close', () => { closed = true; });
      if (input.test?.format === 'ndjson') {
        // Ollama-style: one JSON document per line, the usage in the last.
        response.writeHead(200, { 'content-type': 'application/x-ndjson' });
        for (let i = 0; i < chunks && !closed; i += 1) {
          response.write(`${JSON.stringify({ message: { content: `t${i} ` }, done: false })}\n`);
          sentAt.push(performance.now());
          if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
        }
        response.end(`${JSON.stringify({ done: true, usage: { total_tokens: chunks * tokensPerChunk } })}\n`);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const send = (data) => { response.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`); sentAt.push(performance.now()); };
      for (let i = 0; i < chunks && !closed; i += 1) {
        const event = { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: `t${i} ` } }] };
        if (usage === 'every') event.usage = { total_tokens: (i + 1) * tokensPerChunk };
        send(event);
        if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
      if (closed) return;
      if (usage === 'final' && input.stream_options?.include_usage) {
        send({ object: 'chat.completion.chunk', choices: [], usage: { total_tokens: chunks * tokensPerChunk } });
      }
      send('[DONE]');
      response.end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, served, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) });
    });
  });
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target` ("host:port") that can be made to hang:
 * while `hung`, it keeps every connection (and accepts new ones) but passes nothing
 * either way, like a node that accepts connections and never answers.
 */
export function startHangingProxy(target) {
  const [host, port] = target.split(':');
  const state = { hung: false };
  const sockets = new Set();
  const server = createNetServer((client) => {
    const upstream = connect(Number(port), host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => { sockets.delete(socket); client.destroy(); upstream.destroy(); });
    }
    client.on('data', (chunk) => { if (!state.hung) upstream.write(chunk); });
    upstream.on('data', (chunk) => { if (!state.hung) client.write(chunk); });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        hang: () => { state.hung = true; },
        // Connections that hung stay broken (their requests were lost): close them, as a
        // restarted node would.
        recover: () => { state.hung = false; for (const socket of sockets) socket.destroy(); },
        close: () => new Promise((r) => { for (const socket of sockets) socket.destroy(); server.close(r); }),
      });
    });
  });
}
