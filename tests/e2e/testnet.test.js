// A four-validator local testnet that survives faults and changes its validator set
// through governance: all nodes agree on finality; blocks keep being produced and
// finalized without a killed validator; restarted on its base path it catches up and
// authors again; governance adds a fifth validator whose operator set its keys over RPC,
// which then authors, and removes it, after which it no longer does; stopped and
// restarted, the chain carries on from its last finalized block with balances intact.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { propose, submit, submitOk, vote } from '@agora/client';
import { createTestnet } from './lib/testnet.js';
import { rpcCall, waitForHead } from './lib/node.js';

const AGR = 10n ** 12n;
const GENESIS_VALIDATORS = ['alice', 'bob', 'charlie', 'dave'];

const finalizedHead = async (api) => api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());
const waitFinalized = (api, atLeast, timeoutMs = 180_000) => waitForHead(
  (cb) => api.rpc.chain.subscribeFinalizedHeads(cb), (h) => h.number.toNumber() >= atLeast, timeoutMs,
);
const waitBest = (api, predicate, timeoutMs = 180_000) => waitForHead(
  (cb) => api.rpc.chain.subscribeNewHeads(cb), predicate, timeoutMs,
);

/** Polls `check` every 2 s until it returns something truthy, and returns that. */
async function eventually(check, what, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** The best block and the session validators in its state. */
async function bestWithValidators(api) {
  const head = await api.rpc.chain.getHeader();
  const validators = (await (await api.at(head.hash)).query.session.validators()).map(String);
  return { head, validators };
}

/** The account that authored block `hash` (Aura slot → session validator). */
async function authorOf(api, hash) {
  return (await api.derive.chain.getHeader(hash)).author.toString();
}

/** Resolves with the first new best block authored by `account`. */
function waitForAuthor(api, account, timeoutMs = 180_000) {
  return waitForHead((cb) => api.derive.chain.subscribeNewHeads(cb),
    (header) => header.author?.toString() === account, timeoutMs);
}

describe('local testnet of four validators', () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
  const accounts = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']
    .map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`)]));
  let testnet;
  const nodes = {};

  before(async () => {
    testnet = await createTestnet([...GENESIS_VALIDATORS, 'eve']);
    await Promise.all(GENESIS_VALIDATORS.map(async (name) => { nodes[name] = await testnet.start(name); }));
  });

  after(async () => {
    await Promise.all(Object.values(nodes).map((node) => node.stop()));
    testnet?.remove();
  });

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
    nodes.dave = await testnet.start('dave');
    const dave = nodes.dave.api;
    await waitFinalized(dave, target.number.toNumber());
    // Nothing it had finalized changed, nor anything the others finalized meanwhile.
    assert.equal((await dave.rpc.chain.getBlockHash(daveFinalized.number)).toHex(), daveFinalized.hash);
    assert.equal((await dave.rpc.chain.getBlockHash(target.number)).toHex(), target.hash.toHex());
    const authored = await waitForAuthor(dave, accounts.dave.address);
    assert.ok(authored.number.toNumber() > target.number.toNumber());
  });

  test('governance adds a fifth validator, which authors; then removes it, and it stops', async () => {
    const { api } = nodes.alice;
    const { alice, bob, charlie, eve } = accounts;

    // Eve's operator starts a validator node, generates its session keys over RPC with a
    // proof that they vouch for Eve's account, and registers them on chain (the proof
    // does not work for another account).
    nodes.eve = await testnet.start('eve', { devKeys: false });
    const rotated = await rpcCall(nodes.eve.httpUrl, 'author_rotateKeysWithOwner', [u8aToHex(eve.publicKey)]);
    const { keys, proof } = rotated.result;
    const forged = await submit(api, api.tx.session.setKeys(keys, proof), alice);
    assert.equal(forged.error, 'session.InvalidProof');
    await submitOk(api, api.tx.session.setKeys(keys, proof), eve);
    assert.ok((await api.query.session.nextKeys(eve.address)).isSome);

    const passed = async (call) => {
      const { proposalId } = await propose(api, alice, call);
      await Promise.all([
        vote(api, bob, proposalId, { aye: true, balance: 700_000n * AGR, conviction: 'Locked1x' }),
        vote(api, charlie, proposalId, { aye: true, balance: 700_000n * AGR, conviction: 'Locked1x' }),
      ]);
    };
    await passed(api.tx.validators.addValidator(eve.address));
    await eventually(async () => (await api.query.validators.validators()).map(String).includes(eve.address),
      'the addition to be enacted');
    // Its removal goes to the vote at once: pallet-session gives Eve at least one full
    // session between the two changes.
    await passed(api.tx.validators.removeValidator(eve.address));

    await eventually(async () => (await bestWithValidators(api)).validators.includes(eve.address),
      'a session with Eve');
    assert.equal((await api.query.aura.authorities()).length, 5);
    assert.equal((await api.call.grandpaApi.grandpaAuthorities()).length, 5);
    const authored = await waitForAuthor(api, eve.address);
    assert.ok(authored.number.toNumber() > 0);

    const { head: removedHead } = await eventually(async () => {
      const best = await bestWithValidators(api);
      return !best.validators.includes(eve.address) && best;
    }, 'a session without Eve');
    assert.equal((await api.query.aura.authorities()).length, 4);
    assert.equal((await api.call.grandpaApi.grandpaAuthorities()).length, 4);
    const from = removedHead.number.toNumber() + 1;
    await waitFinalized(api, from + 12);
    for (let number = from; number <= from + 12; number += 1) {
      const author = await authorOf(api, await api.rpc.chain.getBlockHash(number));
      assert.notEqual(author, eve.address, `block ${number}`);
    }
    await nodes.eve.stop();
    delete nodes.eve;
  });

  test('stopped and restarted, the chain carries on from its last finalized block', async () => {
    const before = await finalizedHead(nodes.alice.api);
    const at = await nodes.alice.api.at(before.hash);
    const ferdie = (await at.query.system.account(accounts.ferdie.address)).data.toJSON();
    const issuance = (await at.query.balances.totalIssuance()).toBigInt();

    await Promise.all(GENESIS_VALIDATORS.map((name) => nodes[name].stop()));
    await Promise.all(GENESIS_VALIDATORS.map(async (name) => { nodes[name] = await testnet.start(name); }));

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
