// @agora/test-support: processes and raw JSON-RPC, with Node.js built-ins only. The
// end-to-end tests (tests/e2e) and the throughput harness (scripts/bench) both depend on
// this package, each from its own node_modules.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';

/**
 * Where every spawned process's whole output is written: `$AGORA_PROCESS_LOGS`, else
 * `$TMPDIR/agora-process-logs`. Suites run concurrently, so each file is named after the
 * suite (the test file), the program and its process id.
 */
export const PROCESS_LOG_DIR = process.env.AGORA_PROCESS_LOGS
  ?? join(process.env.TMPDIR ?? '/tmp', 'agora-process-logs');

/**
 * `count` distinct TCP ports on 127.0.0.1 that nothing listens on right now. All are held
 * open until every one is chosen: ports picked one after another can repeat once the
 * previous one is released, and two nodes given the same port talk to each other.
 */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve()))));
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort() {
  return (await freePorts(1))[0];
}

/**
 * Spawns `binary` keeping its last output lines in `log` and all of it in a file of
 * `PROCESS_LOG_DIR` (its path is `logFile`); a leftover process is killed when the tests
 * exit. `end(signal)` sends `signal` (SIGKILL after 10 s) and resolves once the process is
 * gone.
 */
export function spawnLogged(binary, args, env = process.env) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  mkdirSync(PROCESS_LOG_DIR, { recursive: true });
  const suite = basename(process.argv[1] ?? 'node', '.js');
  const logFile = join(PROCESS_LOG_DIR, `${suite}.${basename(binary)}.${child.pid}.log`);
  const file = createWriteStream(logFile);
  const log = [];
  const keep = (chunk) => {
    file.write(chunk);
    log.push(chunk.toString());
    if (log.length > 400) log.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.once('close', () => file.end());
  const forceKill = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  process.once('exit', forceKill);
  async function end(signal) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(forceKill, 10_000);
    await exited;
    clearTimeout(timer);
    process.removeListener('exit', forceKill);
  }
  return { child, log, logFile, forceKill, end };
}

/** One raw JSON-RPC call over HTTP; resolves to the whole response object. */
export async function rpcCall(httpUrl, method, params, { timeoutMs } = {}) {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined,
  });
  return response.json();
}

/**
 * The URL of the 127.0.0.1 JSON-RPC server a node's `log` says it runs: the node takes a
 * random port when the one it was given is taken (another test's process got it between
 * `freePorts` and the node's start).
 */
function loggedRpcUrl(log) {
  const served = log.join('').match(/Running JSON-RPC server: addr=(127\.0\.0\.1:\d+)/);
  return served ? `http://${served[1]}` : null;
}

/**
 * Resolves, with the URL it serves on, once `child` answers `system_health`: on `httpUrl`,
 * or on the port its log names if it had to take another. Fails if it exits first.
 */
export async function waitForRpc(httpUrl, child, log, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${child.spawnfile} exited with ${child.exitCode} before serving RPC:\n${log.join('')}`);
    }
    const url = loggedRpcUrl(log) ?? httpUrl;
    try {
      // A probe that gets no answer is abandoned: whatever holds the port is not (yet)
      // the node's RPC server, and waiting on it would use up the whole timeout.
      const response = await rpcCall(url, 'system_health', [], { timeoutMs: 5_000 });
      if (response.result) return url;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${child.spawnfile} did not serve RPC within ${timeoutMs} ms:\n${log.join('')}`);
}

/** A raw JSON-RPC call's `result`; throws with the node's error message otherwise. */
async function rpcResult(httpUrl, method, params) {
  const response = await rpcCall(httpUrl, method, params);
  if (response.error) throw new Error(`${method}: ${response.error.message}`);
  return response.result;
}

/**
 * Writes the whole state of the node at `httpUrl`, at its best block, to `file` as JSON
 * `{ number, hash, top: [[key, value], …] }` (hex): what the runtime's try-runtime tests
 * load (`runtime/try-runtime-tests`). Refuses child tries, which Agora's
 * runtime does not use and the snapshot would not carry. Returns the entry count.
 */
export async function saveStateSnapshot(httpUrl, file) {
  const hash = await rpcResult(httpUrl, 'chain_getBlockHash', []);
  const header = await rpcResult(httpUrl, 'chain_getHeader', [hash]);
  const top = [];
  const pageSize = 1000;
  for (let startKey = null; ;) {
    const keys = await rpcResult(httpUrl, 'state_getKeysPaged', ['0x', pageSize, startKey, hash]);
    if (keys.some((key) => key.startsWith('0x3a6368696c645f73746f726167653a'))) { // ":child_storage:"
      throw new Error('the state has child tries, which a snapshot does not carry');
    }
    if (keys.length > 0) {
      const [changeSet] = await rpcResult(httpUrl, 'state_queryStorageAt', [keys, hash]);
      top.push(...changeSet.changes.filter(([, value]) => value !== null));
    }
    if (keys.length < pageSize) break;
    startKey = keys[keys.length - 1];
  }
  writeFileSync(file, JSON.stringify({ number: Number.parseInt(header.number, 16), hash, top }));
  return top.length;
}
