// Batch settlement on a real dev node: five consumers open 50 channels on one service,
// and the provider settles one receipt per channel with a single `claim_batch`, two of
// them bad (a forged signature, an overdraft). The 48 good ones settle with exact
// balances for every consumer, the provider and the treasury; the two bad ones are
// reported by `ClaimRejected` events and their channels are untouched.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import {
  PALLET_IDS, claimBatch, findEvent, palletAccount, receiptSigner, signReceipt, submitOk,
} from '@agora/client';
import { balancesIn, listService, statesAround, validatorPayIn } from './lib/fixtures.js';
import { startDevNode } from './lib/node.js';

const AGR = 10n ** 12n;
const PRICE_PER_UNIT = 10n ** 9n; // 0.001 AGR per unit
const DEPOSIT = 2n * AGR;
const PROTOCOL_FEE = 20_000_000n; // 2 %, Perbill
const PERBILL = 1_000_000_000n;
const CHANNELS_PER_CONSUMER = 10;

describe('claim_batch of 50 channels on agora-node --dev', () => {
  let node;

  before(async () => {
    node = await startDevNode();
  });

  after(async () => {
    await node?.stop();
  });

  test('48 good receipts settle in one transaction; 2 bad ones are reported and change nothing', async () => {
    const { api } = node;
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
    const bob = keyring.addFromUri('//Bob');
    const consumers = ['Alice', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((name) => ({
      account: keyring.addFromUri(`//${name}`),
      app: keyring.addFromUri(`//${name}App`),
    }));

    const serviceId = await listService(api, bob,
      { name: 'embeddings', tags: ['embeddings'], price: { unit: 'Request', perUnit: PRICE_PER_UNIT } });

    // Every consumer opens ten channels in one transaction; all five land in one block.
    const opened = await Promise.all(consumers.map(({ account, app }) => {
      const opens = Array.from({ length: CHANNELS_PER_CONSUMER },
        () => api.tx.metering.openChannel(serviceId, DEPOSIT, 1_000, receiptSigner(app),
          { unit: 'Request', perUnit: PRICE_PER_UNIT }));
      return submitOk(api, api.tx.utility.batchAll(opens), account);
    }));
    const channels = [];
    opened.forEach((inclusion, index) => {
      for (const { event } of inclusion.events) {
        if (api.events.metering.ChannelOpened.is(event)) {
          channels.push({ id: event.data.channelId.toNumber(), consumer: consumers[index] });
        }
      }
    });
    assert.equal(channels.length, 50);
    assert.deepEqual(channels.map((c) => c.id).sort((a, b) => a - b), Array.from({ length: 50 }, (_, id) => id));

    // Channel i used 100 + i units. Two items are bad: channel 7's receipt is signed by
    // another consumer's app key; channel 31's is for more than its deposit covers.
    const genesisHash = api.genesisHash;
    const unitsOf = (id) => BigInt(100 + id);
    const forgedId = 7;
    const overdraftId = 31;
    const overdraftUnits = DEPOSIT / PRICE_PER_UNIT + 1n;
    const items = channels.map(({ id, consumer }) => {
      if (id === forgedId) return signReceipt(consumers.find((c) => c !== consumer).app, genesisHash, id, unitsOf(id));
      if (id === overdraftId) return signReceipt(consumer.app, genesisHash, id, overdraftUnits);
      return signReceipt(consumer.app, genesisHash, id, unitsOf(id));
    });

    const batch = await claimBatch(api, bob, items);
    assert.equal(batch.settled.length, 48);
    assert.deepEqual(
      batch.rejected.sort((a, b) => a.channelId - b.channelId),
      [{ channelId: forgedId, error: 'metering.BadSignature' }, { channelId: overdraftId, error: 'metering.Overdraft' }],
    );
    const good = channels.filter(({ id }) => id !== forgedId && id !== overdraftId);
    const amountOf = (id) => unitsOf(id) * PRICE_PER_UNIT;
    const feeOf = (id) => amountOf(id) * PROTOCOL_FEE / PERBILL;
    for (const settled of batch.settled) {
      assert.equal(settled.amount, amountOf(settled.channelId));
      assert.equal(settled.protocolFee, feeOf(settled.channelId));
      assert.equal(settled.contributorShare, 0n);
      assert.equal(settled.providerNet, amountOf(settled.channelId) - feeOf(settled.channelId));
    }
    const total = good.reduce((sum, { id }) => sum + amountOf(id), 0n);
    const fees = good.reduce((sum, { id }) => sum + feeOf(id), 0n);
    const batchEvent = findEvent(api, batch.events, 'metering', 'BatchClaimed');
    assert.deepEqual(
      [batchEvent.payee.toString(), batchEvent.settled.toNumber(), batchEvent.rejected.toNumber(), batch.amount],
      [bob.address, 48, 2, total],
    );

    // Balances around the block: the provider, the treasury and each consumer.
    const [before, after] = await statesAround(api, batch.blockHash);
    assert.equal((await balancesIn(after, bob.address)).free,
      (await balancesIn(before, bob.address)).free + total - fees - batch.fee);
    const treasury = palletAccount(PALLET_IDS.treasury);
    // Besides the protocol fees, its share of the block's transaction fees (docs/token.md).
    assert.equal((await balancesIn(after, treasury)).free,
      (await balancesIn(before, treasury)).free + fees + await validatorPayIn(api, batch.blockHash, treasury));
    for (const { account: consumer } of consumers) {
      const spent = good.filter((c) => c.consumer.account === consumer).reduce((sum, { id }) => sum + amountOf(id), 0n);
      const [was, is] = [await balancesIn(before, consumer.address), await balancesIn(after, consumer.address)];
      // Alice, a consumer here, also authors the block and is paid for it.
      const paid = await validatorPayIn(api, batch.blockHash, consumer.address);
      assert.deepEqual(is, { free: was.free + paid, held: was.held - spent }, consumer.address);
    }

    // The rejected channels are exactly as they were.
    for (const id of [forgedId, overdraftId]) {
      const channel = (await after.query.metering.channels(id)).unwrap();
      assert.equal(channel.claimed.toBigInt(), 0n);
      assert.deepEqual(channel.toJSON(), (await before.query.metering.channels(id)).unwrap().toJSON());
    }
  });
});
