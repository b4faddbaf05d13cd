// Processes and raw JSON-RPC, with Node.js built-ins only: shared by the end-to-end tests
// and the throughput harness (scripts/bench), which has its own node_modules.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `binary` keeping its last output lines in `log`; a leftover process is killed
 * when the tests exit. `end(signal)` sends `signal` (SIGKILL after 10 s) and resolves once
 * the process is gone.
 */
export function spawnLogged(binary, args, env = process.env) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const log = [];
  const keep = (chunk) => { log.push(chunk.toString()); if (log.length > 400) log.shift(); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const forceKill = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  process.once('exit', forceKill);
  async function end(signal) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(forceKill, 10_000);
    await exited;
    clearTimeout(timer);
    process.removeListener('exit', forceKill);
  }
  return { child, log, forceKill, end };
}

/** One raw JSON-RPC call over HTTP; resolves to the whole response object. */
export async function rpcCall(httpUrl, method, params) {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return response.json();
}

/** Resolves once `child` answers `system_health` on `httpUrl`; fails if it exits first. */
export async function waitForRpc(httpUrl, child, log, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${child.spawnfile} exited with ${child.exitCode} before serving RPC:\n${log.join('')}`);
    }
    try {
      const response = await rpcCall(httpUrl, 'system_health', []);
      if (response.result) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${child.spawnfile} did not serve RPC within ${timeoutMs} ms:\n${log.join('')}`);
}
