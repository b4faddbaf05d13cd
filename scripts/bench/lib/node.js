// The node under test: a release `agora-node --dev` on a base path of its own (so the
// database can be measured), its "Prepared block" log lines (build time and why the block
// ended), its memory and its database size.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { agoraRpc } from '@agora/client';
import { freePorts, spawnLogged, waitForRpc } from '@agora/test-support';
import { parseExecutedBlocks } from './measure.js';

// "🎁 Prepared block for proposing at 12 (431 ms) hash: …; parent_hash: …; end: HitBlockWeightLimit; extrinsics_count: 2397"
const PREPARED = /Prepared block for proposing at (\d+) \((\d+) ms\).*end: (\w+); extrinsics_count: (\d+)/;

/**
 * The `--pool-limit` that lets the pool hold all of a scenario's `transactions` at once.
 * The pool keeps only a tenth of that limit for "future" transactions (whose sender's
 * previous nonce it has not seen), and a scenario's transactions can all be future at
 * once: they arrive out of order over concurrent requests, and each new block's view of
 * the pool takes them in again in any order. Past that tenth the pool evicts some, and
 * every later nonce of their senders with them, without telling the submitter.
 */
export function poolLimitFor(transactions) {
  return transactions * 10;
}

/**
 * Starts `binary --dev` on free 127.0.0.1 ports with a transaction pool of `poolLimit`
 * transactions (see `poolLimitFor`), and connects @polkadot/api. The chain lives
 * in a temporary directory removed at `stop()`, or in `keepBasePath`, which is kept.
 * `archive` keeps every block's state (by default a node prunes the states of blocks
 * more than 256 behind), so that `reexecuteBlocks` can re-execute any of them.
 */
export async function startNode(binary, { poolLimit, keepBasePath, archive = false }) {
  const basePath = keepBasePath ?? mkdtempSync(join(tmpdir(), 'agora-bench-'));
  const removeBasePath = () => { if (!keepBasePath) rmSync(basePath, { recursive: true, force: true }); };
  const [rpcPort, p2pPort, prometheusPort] = await freePorts(3);
  const args = [
    '--dev', '--base-path', basePath,
    '--rpc-port', String(rpcPort),
    '--rpc-max-connections', '1000',
    '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
    '--prometheus-port', String(prometheusPort),
    '--no-mdns',
    '--pool-limit', String(poolLimit),
    '--pool-kbytes', '262144',
    ...(archive ? ['--state-pruning', 'archive-canonical'] : []),
  ];
  const { child, log, forceKill, end } = spawnLogged(binary, args);
  const prepared = new Map();
  let pending = '';
  child.stderr.on('data', (chunk) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop();
    for (const line of lines) {
      const match = PREPARED.exec(line);
      if (match) {
        const builtMs = Number(match[2]);
        // When the author began building it (the line is logged when it is done).
        const startedAt = Date.now() - builtMs;
        prepared.set(Number(match[1]), { builtMs, startedAt, end: match[3], extrinsics: Number(match[4]) });
      }
    }
  });
  let httpUrl = `http://127.0.0.1:${rpcPort}`;
  let api;
  try {
    httpUrl = await waitForRpc(httpUrl, child, log, 180_000);
    api = await ApiPromise.create({
      provider: new WsProvider(httpUrl.replace(/^http:/, 'ws:'), 1_000, {}, 600_000),
      rpc: agoraRpc,
      noInitWarn: true,
    });
  } catch (error) {
    forceKill();
    removeBasePath();
    throw error;
  }
  return {
    api,
    httpUrl,
    child,
    basePath,
    /** What the author logged when it built block `number`: `{ builtMs, startedAt, end, extrinsics }`. */
    prepared: (number) => prepared.get(number),
    /** Resident and peak resident memory of the node process, in bytes. */
    memory: () => processMemory(child.pid),
    /**
     * Bytes the node's chain data (database and keystore) takes on disk: the blocks
     * allocated, not the files' lengths, since ParityDB creates its index files sparse at
     * 32 MiB each (a run that created 8 of them "grew" 256 MiB while using a few).
     */
    databaseBytes: () => directoryBytes(join(basePath, 'chains')),
    /** Ends the node process, keeping its chain (for `reexecuteBlocks`) until `stop`. */
    async halt() {
      await api.disconnect().catch(() => {});
      await end('SIGTERM');
    },
    async stop() {
      await this.halt();
      removeBasePath();
    },
  };
}

/**
 * Re-executes blocks `from`..`to` of the chain in `basePath` (its node stopped) with
 * `binary benchmark block`, as a node imports them: one process, in order, the trie cache
 * on and each block once. Returns, per block number, `{ tookNs, declaredNs }`: the time
 * taken and the weight the block declares. `from` should be a block that does not matter:
 * the first block executed also pays for compiling the runtime.
 */
export function reexecuteBlocks(binary, basePath, from, to) {
  const args = ['benchmark', 'block', '--chain', 'dev', '--base-path', basePath,
    '--from', String(from), '--to', String(to), '--repeat', '1', '--enable-trie-cache'];
  // The figures are log lines, which the node writes to stderr.
  const run = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (run.error || run.status !== 0) {
    throw new Error(`${binary} ${args.join(' ')} failed: ${run.error?.message ?? run.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  }
  return parseExecutedBlocks(run.stderr);
}

/** Whether `binary`, which runs, has the `benchmark` subcommands (built with `runtime-benchmarks`). */
export function canBenchmark(binary) {
  try {
    execFileSync(binary, ['benchmark', 'block', '--help'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function processMemory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)[1]) * 1024;
  return { rss: kib('VmRSS'), peakRss: kib('VmHWM') };
}

function directoryBytes(path) {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    // `blocks` counts 512-byte units whatever the file system's block size (stat(2)).
    total += entry.isDirectory() ? directoryBytes(full) : statSync(full).blocks * 512;
  }
  return total;
}
