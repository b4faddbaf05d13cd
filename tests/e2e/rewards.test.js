// pallet-rewards campaigns through @polkadot/api on a real dev node: a campaign pays
// approved work from its budget, a participant cannot review its own submission, and the
// `RewardsApi` runtime API agrees. (Dataset revenue sharing is in marketplace.test.js.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { findEvent, submit, submitOk } from '@agora/client';
import { balancesAround } from './lib/fixtures.js';
import { startDevNode } from './lib/node.js';

const AGR = 10n ** 12n;

describe('rewards pallet on agora-node --dev', () => {
  let node;
  let keys;

  before(async () => {
    node = await startDevNode();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
    keys = Object.fromEntries(['Alice', 'Bob', 'Dave', 'Ferdie']
      .map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`)]));
  });

  after(async () => {
    await node?.stop();
  });

  test('a campaign pays approved work from its budget', async () => {
    const { api } = node;
    const { alice, bob, dave, ferdie } = keys;
    const deadline = (await api.query.system.number()).toNumber() + 100;
    const created = await submitOk(api, api.tx.rewards.createCampaign(
      'Labeling', 50n * AGR, AGR, deadline, [bob.address, dave.address], 2, 'ipfs://labels',
    ), alice);
    const campaignId = findEvent(api, created.events, 'rewards', 'CampaignCreated').campaignId.toNumber();

    const submitted = await submitOk(api, api.tx.rewards.submitWork(campaignId, `0x${'cc'.repeat(32)}`, 7), ferdie);
    const submissionId = findEvent(api, submitted.events, 'rewards', 'WorkSubmitted').submissionId.toNumber();

    const selfReview = await submit(api, api.tx.rewards.reviewSubmission(campaignId, submissionId, true), ferdie);
    assert.equal(selfReview.error, 'rewards.NotReviewer');

    await submitOk(api, api.tx.rewards.reviewSubmission(campaignId, submissionId, true), bob);
    const approved = await submitOk(api, api.tx.rewards.reviewSubmission(campaignId, submissionId, true), dave);
    assert.equal(findEvent(api, approved.events, 'rewards', 'SubmissionApproved').reward.toBigInt(), 7n * AGR);
    // Paid 7 AGR and the 1 AGR deposit released (Ferdie sent nothing in that block).
    const [ferdieBefore, ferdieAfter] = await balancesAround(api, approved.blockHash, ferdie.address);
    assert.deepEqual(ferdieAfter, { free: ferdieBefore.free + 7n * AGR + AGR, held: ferdieBefore.held - AGR });

    const campaign = (await api.call.rewardsApi.campaign(campaignId)).unwrap();
    assert.equal(campaign.available.toBigInt(), 43n * AGR);
    assert.equal(campaign.committed.toBigInt(), 0n);
  });
});
