// A four-validator local testnet that survives faults: all nodes agree on finality;
// blocks keep being produced and finalized without a killed validator; every session
// pays its validators for the blocks each authored, and the killed one, earning nothing,
// is reported after two silent sessions; restarted on its base path it catches up and
// authors again; stopped and restarted, the chain carries on from its last finalized
// block with balances intact. (validator-change.test.js changes the set of such a
// testnet through governance.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/node.js';
import { issuanceMintedBetween } from './lib/fixtures.js';
import {
  GENESIS_VALIDATORS, accounts, authorOf, finalizedHead, useFourValidators, waitBest, waitFinalized,
  waitForAuthor,
} from './lib/testnet.js';

const BILLION = 1_000_000_000n;

/** The Validators events of block `number`, as [method, data] (fields by name). */
async function validatorsEvents(api, number) {
  const at = await api.at(await api.rpc.chain.getBlockHash(number));
  return (await at.query.system.events())
    .filter(({ event }) => event.section === 'validators')
    .map(({ event }) => [event.method, event.data]);
}

/**
 * Checks the issuance block `number` minted for the session it ended against
 * docs/token.md's formula, given the blocks each validator authored in that session:
 * minted = ⌊⌊inflation × issuance⌋ × blocks ÷ blocksPerYear⌋, the treasury's share off
 * the top, each validator ⌊rest × its blocks ÷ blocks⌋, and each validator's balance
 * grew by exactly that in the block (no transaction pays fees here).
 */
async function checkSessionIssuance(api, number, tally, events) {
  const [parent, block] = await Promise.all([number - 1, number]
    .map(async (n) => api.at(await api.rpc.chain.getBlockHash(n))));
  const issuance = (await parent.query.balances.totalIssuance()).toBigInt();
  const { yearlyInflation, treasuryIssuanceShare } = (await parent.query.validators.parameters()).toJSON();
  const blocksPerYear = api.consts.validators.blocksPerYear.toBigInt();
  const blocks = [...tally.values()].reduce((sum, n) => sum + n, 0n);
  const minted = ((issuance * BigInt(yearlyInflation)) / BILLION) * blocks / blocksPerYear;
  const pot = minted - (minted * BigInt(treasuryIssuanceShare)) / BILLION;
  const [, issued] = events.find(([method]) => method === 'IssuanceMinted');
  assert.equal(issued.minted.toBigInt(), minted, `session ending at block ${number}`);
  assert.equal((await block.query.balances.totalIssuance()).toBigInt() - issuance, minted);
  let toValidators = 0n;
  for (const name of GENESIS_VALIDATORS) {
    const who = accounts[name].address;
    const expected = pot * (tally.get(who) ?? 0n) / blocks;
    const [before, after] = await Promise.all([parent, block]
      .map(async (at) => (await at.query.system.account(who)).data.free.toBigInt()));
    assert.equal(after - before, expected, `${name} at block ${number}`);
    const rewarded = events.find(([method, data]) => method === 'ValidatorRewarded' && data.who.toString() === who);
    assert.equal(rewarded ? rewarded[1].amount.toBigInt() : 0n, expected, `${name}'s event at block ${number}`);
    toValidators += expected;
  }
  assert.equal(issued.toValidators.toBigInt(), toValidators);
  assert.equal(issued.toTreasury.toBigInt(), minted - toValidators);
  return minted;
}

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

  test('each session pays its validators by blocks authored; Dave, stopped, earns nothing and is reported', async () => {
    const { api } = nodes.alice;
    const dave = accounts.dave.address;
    let scanned = 0;
    const reported = await eventually(async () => {
      const best = (await api.rpc.chain.getHeader()).number.toNumber();
      for (; scanned < best; scanned += 1) {
        const events = await validatorsEvents(api, scanned + 1);
        const offline = events.find(([method, data]) => method === 'ValidatorOffline' && data.who.toString() === dave);
        if (offline) return { number: scanned + 1, data: offline[1] };
      }
      return undefined;
    }, 'Dave reported offline', 480_000);
    assert.equal(reported.data.sessions.toNumber(), 2);
    assert.equal(reported.data.removed.isTrue, false);
    assert.ok((await api.query.validators.validators()).map(String).includes(dave), 'reported, not removed');

    // Every session up to then, block by block: who authored it, and what its end paid.
    let tally = new Map();
    let sessions = 0;
    const silent = [];
    for (let number = 1; number <= reported.number; number += 1) {
      const author = await authorOf(api, await api.rpc.chain.getBlockHash(number));
      tally.set(author, (tally.get(author) ?? 0n) + 1n);
      const events = await validatorsEvents(api, number);
      if (!events.some(([method]) => method === 'IssuanceMinted')) continue;
      assert.ok(await checkSessionIssuance(api, number, tally, events) > 0n);
      if (!tally.has(dave)) silent.push(number);
      sessions += 1;
      tally = new Map();
    }
    assert.ok(sessions >= 3, `${sessions} sessions checked`);
    // The two silent sessions that got Dave reported paid it nothing.
    assert.equal(silent.length, 2);
    assert.equal(silent[1], reported.number);
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
    // Issuance grew only by what the sessions that ended meanwhile minted.
    const minted = await issuanceMintedBetween(api, before.number.toNumber(), head.number.toNumber());
    assert.equal((await now.query.balances.totalIssuance()).toBigInt(), issuance + minted);
  });
});
