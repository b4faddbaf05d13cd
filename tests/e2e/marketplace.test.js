// The whole marketplace through @polkadot/api and @agora/client on a real dev node: a
// curator's dataset with an accepted contribution; a provider lists a service built on
// it; a consumer finds it with agora_listServices, gets a quote, opens a channel and
// signs three receipts off-chain with an app key; agora_verifyReceipt accepts the newest
// and rejects a forged one; the provider settles the newest; every balance is checked
// to the planck; the consumer rates the service; the contributor claims its revenue
// share; the consumer reclaims the rest after expiry.
//
// The regions marked `#region` are quoted verbatim by docs/dapp-developers.md
// (docs.test.js checks that they agree).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import {
  PALLET_IDS, agoraRpc, claim, findEvent, openChannel, palletAccount, receiptSigner, reclaim, rpcSignature,
  signReceipt, submitOk,
} from '@agora/client';
import { balancesAround, validatorPayIn } from './lib/fixtures.js';
import { saveStateSnapshot } from '@agora/test-support';
import { startDevNode, waitForHead } from './lib/node.js';

const AGR = 10n ** 12n;
const PRICE_PER_UNIT = 10n ** 10n; // 0.01 AGR per unit
const CONTRIBUTOR_SHARE = 100_000_000; // 10 %, Perbill
const PROTOCOL_FEE = 20_000_000n; // 2 %, the dev chain's default
const PERBILL = 1_000_000_000n;

describe('the marketplace on agora-node --dev', () => {
  let node;

  before(async () => {
    node = await startDevNode();
  });

  after(async () => {
    await node?.stop();
  });

  test('list, discover, pay through a channel, settle, rate, share revenue, reclaim', async (t) => {
    const { wsUrl } = node;
    // #region connect
    const api = await ApiPromise.create({ provider: new WsProvider(wsUrl), rpc: agoraRpc });
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
    const bob = keyring.addFromUri('//Bob'); // provider
    const charlie = keyring.addFromUri('//Charlie'); // consumer, pays
    const charlieApp = keyring.addFromUri('//CharlieApp'); // signs Charlie's receipts, holds nothing
    // #endregion connect
    t.after(() => api.disconnect());
    const [dave, eve] = [keyring.addFromUri('//Dave'), keyring.addFromUri('//Eve')];

    // Dave curates dataset 0 while Bob registers as a provider (one block).
    const [registered] = await Promise.all([
      submitOk(api, api.tx.rewards.registerDataset('chat-logs', 'ipfs://chat', `0x${'11'.repeat(32)}`), dave),
      submitOk(api, api.tx.services.registerProvider('bob-ai', 100n * AGR), bob),
    ]);
    assert.equal(findEvent(api, registered.events, 'rewards', 'DatasetRegistered').datasetId.toNumber(), 0);
    // Eve contributes to it; Bob lists an LLM built on it, sharing 10 % with its contributors.
    await Promise.all([
      submitOk(api, api.tx.rewards.contribute(0, `0x${'aa'.repeat(32)}`, 100), eve),
      submitOk(api, api.tx.services.listService('llm-chat', ['llm'], 'https://bob.example/v1', `0x${'22'.repeat(32)}`,
        { unit: 'Token1k', perUnit: PRICE_PER_UNIT }, CONTRIBUTOR_SHARE, 0), bob),
    ]);
    await submitOk(api, api.tx.rewards.review(0, true), dave);
    assert.equal((await api.query.rewards.stakes(eve.address, 0)).unwrap().shares.toBigInt(), 100n);

    // #region discover
    const [service] = await api.rpc.agora.listServices({ tag: 'llm', status: 'Active' });
    const quote = await api.rpc.agora.quote(service.id, 450);
    // #endregion discover
    assert.equal(service.id, 0);
    assert.equal(service.provider, bob.address);
    assert.equal(service.dataset, 0);
    assert.equal(service.contributorShare, CONTRIBUTOR_SHARE);
    assert.deepEqual(service.price, { unit: 'Token1k', perUnit: PRICE_PER_UNIT.toString() });
    const amount = 450n * PRICE_PER_UNIT; // 4.5 AGR
    const protocolFee = amount * PROTOCOL_FEE / PERBILL; // 0.09 AGR
    const contributorShare = amount * BigInt(CONTRIBUTOR_SHARE) / PERBILL; // 0.45 AGR
    const providerNet = amount - protocolFee - contributorShare; // 3.96 AGR
    assert.deepEqual(quote.toJSON(), {
      total: amount.toString(),
      protocolFee: protocolFee.toString(),
      contributorShare: contributorShare.toString(),
      providerNet: providerNet.toString(),
    });

    // A price the consumer never agreed to is refused: a provider raising its price, or
    // changing its unit, while the opening waits in the pool cannot drain the deposit.
    const opening = (agreedPrice) => openChannel(api, charlie, {
      serviceId: service.id, deposit: 10n ** 12n, duration: 5, receiptSigner: receiptSigner(charlieApp), agreedPrice,
    });
    await assert.rejects(opening({ unit: 'Token1k', perUnit: PRICE_PER_UNIT - 1n }),
      (err) => err.error === 'metering.PriceAboveAgreed');
    await assert.rejects(opening({ unit: 'Request', perUnit: PRICE_PER_UNIT }),
      (err) => err.error === 'metering.PriceUnitChanged');

    // #region open-channel
    const deposit = 10n * 10n ** 12n; // 10 AGR, held while the channel is open
    const channel = await openChannel(api, charlie, {
      serviceId: service.id, deposit, duration: 5, receiptSigner: receiptSigner(charlieApp),
      agreedPrice: service.price, // the price agora_listServices showed
    });
    // #endregion open-channel
    const [charlieBeforeOpen, charlieOpen] = await balancesAround(api, channel.blockHash, charlie.address);
    assert.deepEqual(charlieOpen, {
      free: charlieBeforeOpen.free - deposit - channel.fee, held: charlieBeforeOpen.held + deposit,
    });
    assert.equal(channel.pricePerUnit, PRICE_PER_UNIT);
    const onChain = await api.rpc.agora.getChannel(channel.channelId);
    assert.deepEqual(onChain.toJSON().signer, { scheme: 'sr25519', key: u8aToHex(charlieApp.publicKey) });

    // #region sign-receipts
    const genesisHash = api.genesisHash;
    // Usage grows off-chain; each receipt covers all units so far. Only the newest matters.
    const receipts = [120, 300, 450].map((units) => signReceipt(charlieApp, genesisHash, channel.channelId, units));
    const newest = receipts[2];
    const check = await api.rpc.agora.verifyReceipt(channel.channelId, 450, rpcSignature(newest.signature));
    // #endregion sign-receipts
    assert.deepEqual(check.toJSON(), { valid: true, amount: amount.toString(), error: null });
    // A receipt for more units than the app key signed is refused before anything is sent.
    const forged = await api.rpc.agora.verifyReceipt(channel.channelId, 4_500, rpcSignature(newest.signature));
    assert.deepEqual(forged.toJSON(), { valid: false, amount: null, error: 'BadSignature' });
    assert.equal((await api.rpc.agora.verifyReceipt(channel.channelId, 120, rpcSignature(receipts[0].signature))).toJSON().valid, true);

    // #region claim
    const settled = await claim(api, bob, newest);
    // #endregion claim
    assert.deepEqual(
      [settled.channelId, settled.cumulativeUnits, settled.amount, settled.protocolFee, settled.contributorShare, settled.providerNet],
      [channel.channelId, 450n, amount, protocolFee, contributorShare, providerNet],
    );
    const [charlieBefore, charlieAfter] = await balancesAround(api, settled.blockHash, charlie.address);
    assert.deepEqual(charlieAfter, { free: charlieBefore.free, held: charlieBefore.held - amount });
    const [bobBefore, bobAfter] = await balancesAround(api, settled.blockHash, bob.address);
    assert.deepEqual(bobAfter, { free: bobBefore.free + providerNet - settled.fee, held: bobBefore.held });
    const treasury = palletAccount(PALLET_IDS.treasury);
    const [treasuryBefore, treasuryAfter] = await balancesAround(api, settled.blockHash, treasury);
    // The protocol fee, and the treasury's share of the block's transaction fees.
    assert.equal(treasuryAfter.free, treasuryBefore.free + protocolFee + await validatorPayIn(api, settled.blockHash, treasury));
    const [poolBefore, poolAfter] = await balancesAround(api, settled.blockHash, palletAccount(PALLET_IDS.rewards));
    assert.equal(poolAfter.free, poolBefore.free + contributorShare);
    assert.equal((await api.call.rewardsApi.dataset(0)).unwrap().pool.toBigInt(), contributorShare);
    assert.equal((await api.rpc.agora.getChannel(channel.channelId)).toJSON().claimed, amount.toString());

    // Having paid, Charlie rates the service while Eve claims her share (one block).
    // #region rewards
    const pending = await api.rpc.agora.pendingRewards(eve.address);
    const [, rewards] = await Promise.all([
      submitOk(api, api.tx.services.rateService(service.id, 5), charlie),
      submitOk(api, api.tx.rewards.claimRewards(0), eve),
    ]);
    // #endregion rewards
    assert.deepEqual(pending.toJSON(), { datasets: [{ datasetId: 0, amount: contributorShare.toString() }], submissions: [] });
    assert.equal((await api.query.services.ratings(service.id, charlie.address)).unwrap().toNumber(), 5);
    const rated = (await api.rpc.agora.getService(service.id)).toJSON();
    assert.deepEqual([rated.ratingCount, rated.ratingSum], [1, 5]);
    assert.equal(findEvent(api, rewards.events, 'rewards', 'RewardsClaimed').amount.toBigInt(), contributorShare);
    const [eveBefore, eveAfter] = await balancesAround(api, rewards.blockHash, eve.address);
    assert.equal(eveAfter.free, eveBefore.free + contributorShare - rewards.fee);
    const [poolBeforeClaim, poolAfterClaim] = await balancesAround(api, rewards.blockHash, palletAccount(PALLET_IDS.rewards));
    assert.equal(poolAfterClaim.free, poolBeforeClaim.free - contributorShare);

    // After expiry the receipt can no longer be claimed, and Charlie takes back the rest.
    await waitForHead((cb) => api.rpc.chain.subscribeNewHeads(cb), (head) => head.number.toNumber() > channel.expiresAt);
    assert.equal((await api.rpc.agora.verifyReceipt(channel.channelId, 450, rpcSignature(newest.signature))).toJSON().error, 'ChannelExpired');
    // #region reclaim
    const reclaimed = await reclaim(api, charlie, channel.channelId);
    // #endregion reclaim
    assert.equal(reclaimed.refunded, deposit - amount);
    const [charlieBeforeReclaim, charlieEnd] = await balancesAround(api, reclaimed.blockHash, charlie.address);
    assert.deepEqual(charlieEnd, {
      free: charlieBeforeReclaim.free + deposit - amount - reclaimed.fee, held: charlieBeforeReclaim.held - (deposit - amount),
    });
    assert.ok((await api.query.metering.channels(channel.channelId)).isNone);

    // The state the flow leaves is what ./scripts/test.sh then runs every migration and
    // every pallet's try_state on (runtime/try-runtime-tests).
    if (process.env.AGORA_STATE_SNAPSHOT) {
      assert.ok(await saveStateSnapshot(node.httpUrl, process.env.AGORA_STATE_SNAPSHOT) > 0);
    }
  });
});
