// A local testnet (`--chain local`) of validator nodes on 127.0.0.1 for multi-node tests,
// the way scripts/local-testnet.sh runs one for operators: fixed node keys, the first
// node as everyone's bootnode. Each node keeps its ports and base path across restarts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, nodeBinary, spawnNode } from './node.js';

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
 * Plans a testnet of the named nodes (the first is the bootnode) in a fresh directory.
 * `start(name, { devKeys })` runs a node: `devKeys` (default) passes `--<name>`, which
 * makes it a validator with the well-known keys of that name; otherwise it runs with
 * `--validator` and an empty keystore, to be filled through `author_rotateKeys`.
 */
export async function createTestnet(names) {
  const dir = mkdtempSync(join(tmpdir(), 'agora-testnet-'));
  const plans = new Map();
  const ports = await freePorts(3 * names.length);
  for (const [index, name] of names.entries()) {
    const [p2pPort, rpcPort, prometheusPort] = ports.slice(3 * index, 3 * index + 3);
    plans.set(name, { key: nodeKey(index), p2pPort, rpcPort, prometheusPort });
  }
  const first = plans.get(names[0]);
  const bootnode = `/ip4/127.0.0.1/tcp/${first.p2pPort}/p2p/${peerIdOf(first.key)}`;

  function start(name, { devKeys = true } = {}) {
    const plan = plans.get(name);
    const args = [
      '--chain', 'local',
      ...(devKeys ? [`--${name}`] : ['--validator', '--name', name]),
      '--base-path', join(dir, name),
      '--node-key', plan.key,
      '--listen-addr', `/ip4/127.0.0.1/tcp/${plan.p2pPort}`,
      '--bootnodes', bootnode,
      '--prometheus-port', String(plan.prometheusPort),
      '--no-mdns',
    ];
    return spawnNode(args, plan.rpcPort);
  }

  return { dir, start, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
