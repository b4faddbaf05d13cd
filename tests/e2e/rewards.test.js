// pallet-rewards through @polkadot/api on a real dev node: a curator's dataset earns the
// contributor share of a real channel settlement, its only shareholder claims exactly that
// share, and a campaign pays approved work; the `RewardsApi` runtime API agrees.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { bnToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';
import { rpcCall, startDevNode, sendAndWaitInBlock } from './lib/node.js';

const AGR = 10n ** 12n;
const PRICE_PER_UNIT = 10n ** 10n; // 0.01 AGR per unit

function rewardsAccount() {
  return encodeAddress(u8aConcat(stringToU8a('modl'), stringToU8a('agr/rwds'), new Uint8Array(20)), 4242);
}

function receiptPayload(genesisHash, channelId, cumulativeUnits) {
  const le64 = (n) => bnToU8a(BigInt(n), { bitLength: 64, isLe: true });
  return u8aConcat(stringToU8a('agora/receipt/v1'), genesisHash, le64(channelId), le64(cumulativeUnits));
}

function eventOf(api, result, pallet, name) {
  const record = result.events.find(({ event }) => api.events[pallet][name].is(event));
  assert.ok(record, `${pallet}.${name} emitted`);
  return record.event.data;
}

/** `who`'s account data just before and just after the block that included `result`. */
async function accountAround(api, result, who) {
  const header = await api.rpc.chain.getHeader(result.blockHash);
  const before = await (await api.at(header.parentHash)).query.system.account(who);
  const after = await (await api.at(result.blockHash)).query.system.account(who);
  return [before.data, after.data];
}

function feeOf(api, events) {
  const paid = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
  return paid ? paid.event.data.actualFee.toBigInt() : 0n;
}

describe('rewards pallet on agora-node --dev', () => {
  let node;
  let keys;

  before(async () => {
    node = await startDevNode();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
    keys = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']
      .map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`)]));
  });

  after(async () => {
    await node?.stop();
  });

  test('a settlement fills the dataset pool and its shareholder claims exactly its share', async () => {
    const { api } = node;
    const { bob, charlie, dave, eve, ferdie } = keys;
    const ok = async (tx, signer) => {
      const result = await sendAndWaitInBlock(api, tx, signer);
      assert.equal(result.dispatchError, null);
      return result;
    };

    // Dave curates dataset 0; Eve's contribution is accepted, Ferdie's rejected.
    const registered = await ok(api.tx.rewards.registerDataset('chat-logs', 'ipfs://chat', `0x${'11'.repeat(32)}`), dave);
    assert.equal(eventOf(api, registered, 'rewards', 'DatasetRegistered').datasetId.toNumber(), 0);
    await ok(api.tx.rewards.contribute(0, `0x${'aa'.repeat(32)}`, 100), eve);
    await ok(api.tx.rewards.contribute(0, `0x${'bb'.repeat(32)}`, 50), ferdie);
    await ok(api.tx.utility.batchAll([api.tx.rewards.review(0, true), api.tx.rewards.review(1, false)]), dave);
    assert.equal((await api.query.rewards.stakes(eve.address, 0)).unwrap().shares.toBigInt(), 100n);
    assert.ok((await api.query.rewards.contributions(1)).isNone);

    // Bob's service is built on it with a 10 % contributor share; unknown datasets are refused.
    await ok(api.tx.services.registerProvider('bob-ai', 100n * AGR), bob);
    const price = { unit: 'Token1k', perUnit: PRICE_PER_UNIT };
    const unknown = await sendAndWaitInBlock(
      api, api.tx.services.listService('llm', [], '', `0x${'00'.repeat(32)}`, price, 100_000_000, 99), bob,
    );
    assert.equal(unknown.dispatchError, 'services.UnknownDataset');
    await ok(api.tx.services.listService('llm', [], '', `0x${'00'.repeat(32)}`, price, 100_000_000, 0), bob);

    // Charlie pays 1,000 units through a channel; Bob settles.
    const app = new Keyring({ type: 'sr25519' }).addFromUri('//CharlieApp');
    await ok(api.tx.metering.openChannel(0, 20n * AGR, 1_000, { Sr25519: app.publicKey }), charlie);
    const genesis = (await api.rpc.chain.getBlockHash(0)).toU8a();
    const signature = app.sign(receiptPayload(genesis, 0, 1_000));

    // The agora_* RPC: the service, a quote, and the receipt checked before Bob claims it.
    const rpc = async (method, params) => (await rpcCall(node.httpUrl, method, params)).result;
    const listed = await rpc('agora_listServices', [{ tag: null, status: 'Active' }]);
    assert.deepEqual(listed.map((s) => [s.id, s.dataset, s.contributorShare]), [[0, 0, 100_000_000]]);
    assert.equal((await rpc('agora_quote', [0, 1_000])).total, (1_000n * PRICE_PER_UNIT).toString());
    assert.deepEqual(await rpc('agora_verifyReceipt', [0, 1_000, { sr25519: u8aToHex(signature) }]),
      { valid: true, amount: (1_000n * PRICE_PER_UNIT).toString(), error: null });
    const forged = app.sign(receiptPayload(genesis, 0, 9_999));
    assert.equal((await rpc('agora_verifyReceipt', [0, 1_000, { sr25519: u8aToHex(forged) }])).error, 'BadSignature');

    const claimed = await ok(api.tx.metering.claim(
      { genesisHash: u8aToHex(genesis), channelId: 0, cumulativeUnits: 1_000 },
      { Sr25519: signature },
      true,
    ), bob);
    const share = 1_000n * PRICE_PER_UNIT / 10n; // 1 AGR
    const revenue = eventOf(api, claimed, 'rewards', 'RevenueReceived');
    assert.equal(revenue.amount.toBigInt(), share);
    assert.equal(revenue.toCurator.isTrue, false);

    // The runtime API and storage agree on what Eve is owed.
    const pending = await api.call.rewardsApi.pendingRewards(eve.address);
    assert.deepEqual(pending.datasets.map(([id, owed]) => [id.toNumber(), owed.toBigInt()]), [[0, share]]);
    const dataset = (await api.call.rewardsApi.dataset(0)).unwrap();
    assert.equal(dataset.pool.toBigInt(), share);
    assert.equal(dataset.totalShares.toBigInt(), 100n);

    assert.deepEqual(await rpc('agora_pendingRewards', [eve.address]),
      { datasets: [{ datasetId: 0, amount: share.toString() }], submissions: [] });

    const claim = await ok(api.tx.rewards.claimRewards(0), eve);
    assert.equal(eventOf(api, claim, 'rewards', 'RewardsClaimed').amount.toBigInt(), share);
    const [eveBefore, eveAfter] = await accountAround(api, claim, eve.address);
    assert.equal(eveAfter.free.toBigInt(), eveBefore.free.toBigInt() + share - feeOf(api, claim.events));
    const [poolBefore, poolAfter] = await accountAround(api, claim, rewardsAccount());
    assert.equal(poolAfter.free.toBigInt(), poolBefore.free.toBigInt() - share);

    const again = await sendAndWaitInBlock(api, api.tx.rewards.claimRewards(0), eve);
    assert.equal(again.dispatchError, 'rewards.NothingToClaim');
  });

  test('a campaign pays approved work from its budget', async () => {
    const { api } = node;
    const { alice, bob, dave, ferdie } = keys;
    const deadline = (await api.query.system.number()).toNumber() + 100;
    const created = await sendAndWaitInBlock(api, api.tx.rewards.createCampaign(
      'Labeling', 50n * AGR, AGR, deadline, [bob.address, dave.address], 2, 'ipfs://labels',
    ), alice);
    assert.equal(created.dispatchError, null);
    const campaignId = eventOf(api, created, 'rewards', 'CampaignCreated').campaignId.toNumber();

    const submitted = await sendAndWaitInBlock(api, api.tx.rewards.submitWork(campaignId, `0x${'cc'.repeat(32)}`, 7), ferdie);
    assert.equal(submitted.dispatchError, null);
    const submissionId = eventOf(api, submitted, 'rewards', 'WorkSubmitted').submissionId.toNumber();

    const selfReview = await sendAndWaitInBlock(api, api.tx.rewards.reviewSubmission(campaignId, submissionId, true), ferdie);
    assert.equal(selfReview.dispatchError, 'rewards.NotReviewer');

    assert.equal((await sendAndWaitInBlock(api, api.tx.rewards.reviewSubmission(campaignId, submissionId, true), bob)).dispatchError, null);
    const approved = await sendAndWaitInBlock(api, api.tx.rewards.reviewSubmission(campaignId, submissionId, true), dave);
    assert.equal(approved.dispatchError, null);
    assert.equal(eventOf(api, approved, 'rewards', 'SubmissionApproved').reward.toBigInt(), 7n * AGR);
    // Paid 7 AGR and the 1 AGR deposit released (Ferdie sent nothing in that block).
    const [ferdieBefore, ferdieAfter] = await accountAround(api, approved, ferdie.address);
    assert.equal(ferdieAfter.free.toBigInt(), ferdieBefore.free.toBigInt() + 7n * AGR + AGR);
    assert.equal(ferdieAfter.reserved.toBigInt(), ferdieBefore.reserved.toBigInt() - AGR);

    const campaign = (await api.call.rewardsApi.campaign(campaignId)).unwrap();
    assert.equal(campaign.available.toBigInt(), 43n * AGR);
    assert.equal(campaign.committed.toBigInt(), 0n);
  });
});
