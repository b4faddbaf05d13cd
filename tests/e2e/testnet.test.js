// A four-validator local testnet that survives faults: all nodes agree on finality;
// blocks keep being produced and finalized without a killed validator; restarted on its
// base path it catches up and authors again; stopped and restarted, the chain carries on
// from its last finalized block with balances intact. (validator-change.test.js changes
// the set of such a testnet through governance.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GENESIS_VALIDATORS, accounts, finalizedHead, useFourValidators, waitBest, waitFinalized, waitForAuthor,
} from './lib/testnet.js';

describe('local testnet of four validators', () => {
  const net = useFourValidators();
  const { nodes } = net;

  test('all four produce and finalize blocks and report the same finalized hashes', async () => {
    await Promise.all(GENESIS_VALIDATORS.map((name) => waitFinalized(nodes[name].api, 3)));
    const heights = await Promise.all(GENESIS_VALIDATORS.map(async (name) => (await finalizedHead(nodes[name].api)).number.toNumber()));
    const height = Math.min(...heights);
    const hashes = await Promise.all(GENESIS_VALIDATORS.map(async (name) => (await nodes[name].api.rpc.chain.getBlockHash(height)).toHex()));
    assert.equal(new Set(hashes).size, 1, `finalized block ${height}: ${hashes}`);
    const { api } = nodes.alice;
    assert.deepEqual((await api.query.session.validators()).map(String),
      GENESIS_VALIDATORS.map((name) => accounts[name].address));
  });

  let daveFinalized;

  test('with one validator killed, the other three keep producing and finalizing', async () => {
    const { api } = nodes.alice;
    const daveHead = await finalizedHead(nodes.dave.api);
    daveFinalized = { number: daveHead.number.toNumber(), hash: daveHead.hash.toHex() };
    await nodes.dave.kill();
    delete nodes.dave;
    const [best, finalized] = [(await api.rpc.chain.getHeader()).number.toNumber(), (await finalizedHead(api)).number.toNumber()];
    await waitBest(api, (h) => h.number.toNumber() >= best + 4);
    const head = await waitFinalized(api, finalized + 4);
    for (const name of ['bob', 'charlie']) {
      await waitFinalized(nodes[name].api, head.number.toNumber());
      assert.equal((await nodes[name].api.rpc.chain.getBlockHash(head.number)).toHex(), head.hash.toHex(), name);
    }
  });

  test('restarted on its base path, it catches up with finality intact and authors again', async () => {
    const { api } = nodes.alice;
    const target = await finalizedHead(api);
    nodes.dave = await net.testnet.start('dave');
    const dave = nodes.dave.api;
    await waitFinalized(dave, target.number.toNumber());
    // Nothing it had finalized changed, nor anything the others finalized meanwhile.
    assert.equal((await dave.rpc.chain.getBlockHash(daveFinalized.number)).toHex(), daveFinalized.hash);
    assert.equal((await dave.rpc.chain.getBlockHash(target.number)).toHex(), target.hash.toHex());
    const authored = await waitForAuthor(dave, accounts.dave.address);
    assert.ok(authored.number.toNumber() > target.number.toNumber());
  });

  test('stopped and restarted, the chain carries on from its last finalized block', async () => {
    const before = await finalizedHead(nodes.alice.api);
    const at = await nodes.alice.api.at(before.hash);
    const ferdie = (await at.query.system.account(accounts.ferdie.address)).data.toJSON();
    const issuance = (await at.query.balances.totalIssuance()).toBigInt();

    await Promise.all(GENESIS_VALIDATORS.map((name) => nodes[name].stop()));
    await Promise.all(GENESIS_VALIDATORS.map(async (name) => { nodes[name] = await net.testnet.start(name); }));

    const { api } = nodes.alice;
    const head = await waitFinalized(api, before.number.toNumber() + 3);
    for (const name of GENESIS_VALIDATORS) {
      await waitFinalized(nodes[name].api, head.number.toNumber());
      const node = nodes[name].api;
      assert.equal((await node.rpc.chain.getBlockHash(before.number)).toHex(), before.hash.toHex(), name);
      assert.equal((await node.rpc.chain.getBlockHash(head.number)).toHex(), head.hash.toHex(), name);
    }
    const now = await api.at(head.hash);
    assert.deepEqual((await now.query.system.account(accounts.ferdie.address)).data.toJSON(), ferdie);
    assert.equal((await now.query.balances.totalIssuance()).toBigInt(), issuance);
  });
});
