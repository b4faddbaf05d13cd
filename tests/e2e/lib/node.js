// Starts agora-node processes for the tests (a fresh `--dev --tmp` node per suite, or the
// validators of a local testnet) on 127.0.0.1, connects @polkadot/api, and stops them.
import { freePort, freePorts, rpcCall, spawnLogged, waitForRpc } from '@agora/test-support';
import { existsSync } from 'node:fs';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { agoraRpc } from '@agora/client';

export { freePort, freePorts, rpcCall, spawnLogged };

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
 * Starts agora-node with `args`, waits until it serves RPC on `rpcPort` and connects
 * @polkadot/api to it, with the agora_* RPC of @agora/client (`api.rpc.agora.*`).
 * Returns { api, httpUrl, wsUrl, child, log, logFile, stop, kill }: `stop()` disconnects and
 * ends the node with SIGTERM (SIGKILL after 10 s); `kill()` is an immediate SIGKILL.
 */
export async function spawnNode(args, rpcPort, { timeoutMs = 180_000 } = {}) {
  const { child, log, logFile, forceKill, end } = spawnLogged(nodeBinary(), [...args, '--rpc-port', String(rpcPort)]);
  let httpUrl = `http://127.0.0.1:${rpcPort}`;
  let wsUrl;
  let api;
  try {
    httpUrl = await waitForRpc(httpUrl, child, log, timeoutMs);
    wsUrl = httpUrl.replace(/^http:/, 'ws:');
    api = await ApiPromise.create({ provider: new WsProvider(wsUrl), rpc: agoraRpc, noInitWarn: true });
  } catch (error) {
    forceKill();
    throw error;
  }
  const disconnectAnd = (signal) => api.disconnect().catch(() => {}).then(() => end(signal));
  return {
    api, httpUrl, wsUrl, child, log, logFile, stop: () => disconnectAnd('SIGTERM'), kill: () => disconnectAnd('SIGKILL'),
  };
}

/**
 * Starts a fresh `agora-node --dev --tmp` on free 127.0.0.1 ports (see `spawnNode`).
 * Also returns its `prometheusPort`.
 */
export async function startDevNode(options = {}) {
  const [rpcPort, p2pPort, prometheusPort] = await freePorts(3);
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

/** Polls `check` every 2 s until it returns something truthy, and returns that. */
export async function eventually(check, what, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
