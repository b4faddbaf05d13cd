// Starts agora-node processes for the tests (a fresh `--dev --tmp` node per suite, or the
// validators of a local testnet) on 127.0.0.1, connects @polkadot/api, and stops them.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { agoraRpc } from '@agora/client';

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

/** A binary of this repository: `$envVar`, else the debug build in $CARGO_TARGET_DIR. */
export function builtBinary(name, envVar) {
  const binary = process.env[envVar]
    ?? `${process.env.CARGO_TARGET_DIR ?? '/var/tmp/agora-target'}/debug/${name}`;
  if (!existsSync(binary)) {
    throw new Error(`${name} not found at ${binary}: build it (./scripts/test.sh does) or set ${envVar}`);
  }
  return binary;
}

/** The agora-node binary: $AGORA_NODE, else the debug build in $CARGO_TARGET_DIR. */
export function nodeBinary() {
  return builtBinary('agora-node', 'AGORA_NODE');
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

async function waitForRpc(httpUrl, child, log, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`agora-node exited with ${child.exitCode} before serving RPC:\n${log.join('')}`);
    }
    try {
      const response = await rpcCall(httpUrl, 'system_health', []);
      if (response.result) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`agora-node did not serve RPC within ${timeoutMs} ms:\n${log.join('')}`);
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

/**
 * Starts agora-node with `args`, waits until it serves RPC on `rpcPort` and connects
 * @polkadot/api to it, with the agora_* RPC of @agora/client (`api.rpc.agora.*`).
 * Returns { api, httpUrl, wsUrl, child, log, stop, kill }: `stop()` disconnects and
 * ends the node with SIGTERM (SIGKILL after 10 s); `kill()` is an immediate SIGKILL.
 */
export async function spawnNode(args, rpcPort, { timeoutMs = 180_000 } = {}) {
  const { child, log, forceKill, end } = spawnLogged(nodeBinary(), [...args, '--rpc-port', String(rpcPort)]);
  const httpUrl = `http://127.0.0.1:${rpcPort}`;
  const wsUrl = `ws://127.0.0.1:${rpcPort}`;
  let api;
  try {
    await waitForRpc(httpUrl, child, log, timeoutMs);
    api = await ApiPromise.create({ provider: new WsProvider(wsUrl), rpc: agoraRpc, noInitWarn: true });
  } catch (error) {
    forceKill();
    throw error;
  }
  const disconnectAnd = (signal) => api.disconnect().catch(() => {}).then(() => end(signal));
  return { api, httpUrl, wsUrl, child, log, stop: () => disconnectAnd('SIGTERM'), kill: () => disconnectAnd('SIGKILL') };
}

/**
 * Starts a fresh `agora-node --dev --tmp` on free 127.0.0.1 ports (see `spawnNode`).
 * Also returns its `prometheusPort`.
 */
export async function startDevNode(options = {}) {
  const [rpcPort, p2pPort, prometheusPort] = [await freePort(), await freePort(), await freePort()];
  const args = [
    '--dev', '--tmp',
    '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
    '--prometheus-port', String(prometheusPort),
    '--no-mdns',
  ];
  return { ...(await spawnNode(args, rpcPort, options)), prometheusPort };
}

/** Resolves once `predicate(header)` holds for a new head from `subscribe`. */
export function waitForHead(subscribe, predicate, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    const subscription = { done: false, unsubscribe: null };
    const finish = () => {
      subscription.done = true;
      clearTimeout(timer);
      subscription.unsubscribe?.();
    };
    const timer = setTimeout(() => { finish(); reject(new Error('timed out waiting for a block')); }, timeoutMs);
    subscribe((header) => {
      if (subscription.done || !predicate(header)) return;
      finish();
      resolve(header);
    }).then((unsubscribe) => {
      subscription.unsubscribe = unsubscribe;
      if (subscription.done) unsubscribe();
    }, reject);
  });
}
