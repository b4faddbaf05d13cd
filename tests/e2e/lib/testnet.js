// A local testnet (`--chain local`) of validator nodes on 127.0.0.1 for multi-node tests,
// the way scripts/local-testnet.sh runs one for operators: fixed node keys, the first
// node as everyone's bootnode. Each node keeps its ports and base path across restarts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Keyring } from '@polkadot/keyring';
import { freePorts, nodeBinary, spawnNode, waitForHead } from './node.js';

/** The validators of the `local` chain's genesis, in their session order. */
export const GENESIS_VALIDATORS = ['alice', 'bob', 'charlie', 'dave'];

const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
/** The well-known development accounts by lowercase name. */
export const accounts = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']
  .map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`)]));

/** The libp2p secret key of node `index`: fixed, so that its peer id is known. */
function nodeKey(index) {
  return (index + 1).toString(16).padStart(64, '0');
}

function peerIdOf(key) {
  const result = spawnSync(nodeBinary(), ['key', 'inspect-node-key'], { input: key, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`key inspect-node-key failed: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * Plans a testnet of the named nodes (the first is the bootnode) in a fresh directory,
 * on `chain` (default `local`: a chain spec file for another network).
 * `start(name, { devKeys })` runs a node: `devKeys` (default) passes `--<name>`, which
 * makes it a validator with the well-known keys of that name; otherwise it runs with
 * `--validator` and the keystore of its base path (`basePath(name)`), empty until keys are
 * inserted or made through `author_rotateKeys`.
 */
export async function createTestnet(names, { chain = 'local' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'agora-testnet-'));
  const plans = new Map();
  const ports = await freePorts(3 * names.length);
  for (const [index, name] of names.entries()) {
    const [p2pPort, rpcPort, prometheusPort] = ports.slice(3 * index, 3 * index + 3);
    plans.set(name, { key: nodeKey(index), p2pPort, rpcPort, prometheusPort });
  }
  const first = plans.get(names[0]);
  const bootnode = `/ip4/127.0.0.1/tcp/${first.p2pPort}/p2p/${peerIdOf(first.key)}`;

  const basePath = (name) => join(dir, name);

  function start(name, { devKeys = true } = {}) {
    const plan = plans.get(name);
    const args = [
      '--chain', chain,
      ...(devKeys ? [`--${name}`] : ['--validator', '--name', name]),
      '--base-path', basePath(name),
      '--node-key', plan.key,
      '--listen-addr', `/ip4/127.0.0.1/tcp/${plan.p2pPort}`,
      '--bootnodes', bootnode,
      '--prometheus-port', String(plan.prometheusPort),
      '--no-mdns',
    ];
    // Up to 6 minutes to serve RPC: each debug node compiles the runtime at start, beside
    // the other suites' nodes.
    return spawnNode(args, plan.rpcPort, { timeoutMs: 360_000 });
  }

  return { dir, basePath, start, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Plans a testnet of the genesis validators and `extra` nodes, starts the four validators
 * before the suite's tests and stops every node after them. `nodes` maps a name to its
 * running node (a test that stops one deletes it); `testnet` is set once planned.
 */
export function useFourValidators(extra = []) {
  const net = { testnet: undefined, nodes: {} };
  before(async () => {
    net.testnet = await createTestnet([...GENESIS_VALIDATORS, ...extra]);
    await Promise.all(GENESIS_VALIDATORS.map(async (name) => { net.nodes[name] = await net.testnet.start(name); }));
  });
  after(async () => {
    await Promise.all(Object.values(net.nodes).map((node) => node.stop()));
    net.testnet?.remove();
  });
  return net;
}

export const finalizedHead = async (api) => api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());

export const waitFinalized = (api, atLeast, timeoutMs = 180_000) => waitForHead(
  (cb) => api.rpc.chain.subscribeFinalizedHeads(cb), (h) => h.number.toNumber() >= atLeast, timeoutMs,
);

export const waitBest = (api, predicate, timeoutMs = 180_000) => waitForHead(
  (cb) => api.rpc.chain.subscribeNewHeads(cb), predicate, timeoutMs,
);

/** The best block and the session validators in its state. */
export async function bestWithValidators(api) {
  const head = await api.rpc.chain.getHeader();
  const validators = (await (await api.at(head.hash)).query.session.validators()).map(String);
  return { head, validators };
}

/** The account that authored block `hash` (Aura slot → session validator). */
export async function authorOf(api, hash) {
  return (await api.derive.chain.getHeader(hash)).author.toString();
}

/** Resolves with the first new best block authored by `account`. */
export function waitForAuthor(api, account, timeoutMs = 180_000) {
  return waitForHead((cb) => api.derive.chain.subscribeNewHeads(cb),
    (header) => header.author?.toString() === account, timeoutMs);
}
