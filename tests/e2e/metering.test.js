// pallet-metering through @polkadot/api on a real dev node: a consumer opens a channel,
// signs usage receipts off-chain with @polkadot/keyring, and the provider settles the
// newest one; exact balances for consumer, provider and treasury; a replayed and a
// foreign-chain receipt are refused with their own errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { bnToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';
import { startDevNode, sendAndWaitInBlock } from './lib/node.js';

const AGR = 10n ** 12n;
const PRICE_PER_UNIT = 10n ** 10n; // 0.01 AGR per unit

function treasuryAddress() {
  return encodeAddress(u8aConcat(stringToU8a('modl'), stringToU8a('agr/trsy'), new Uint8Array(20)), 4242);
}

/** The 64-byte receipt payload of docs/payments.md. */
function receiptPayload(genesisHash, channelId, cumulativeUnits) {
  const le64 = (n) => bnToU8a(BigInt(n), { bitLength: 64, isLe: true });
  return u8aConcat(stringToU8a('agora/receipt/v1'), genesisHash, le64(channelId), le64(cumulativeUnits));
}

function feeOf(api, events) {
  const paid = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
  return paid ? paid.event.data.actualFee.toBigInt() : 0n;
}

describe('metering pallet on agora-node --dev', () => {
  let node;
  let bob; // provider
  let charlie; // consumer
  let appKey; // signs Charlie's receipts
  let genesis;

  before(async () => {
    node = await startDevNode();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
    bob = keyring.addFromUri('//Bob');
    charlie = keyring.addFromUri('//Charlie');
    appKey = keyring.addFromUri('//CharlieApp');
    genesis = (await node.api.rpc.chain.getBlockHash(0)).toU8a();
    const { api } = node;
    const registered = await sendAndWaitInBlock(api, api.tx.services.registerProvider('bob-ai', 100n * AGR), bob);
    assert.equal(registered.dispatchError, null);
    const listed = await sendAndWaitInBlock(
      api,
      api.tx.services.listService('llm', ['llm'], 'ipfs://llm', `0x${'22'.repeat(32)}`,
        { unit: 'Token1k', perUnit: PRICE_PER_UNIT }, 0, null),
      bob,
    );
    assert.equal(listed.dispatchError, null);
  });

  after(async () => {
    await node?.stop();
  });

  test('open, sign three receipts off-chain, settle the newest; replays and foreign receipts fail', async () => {
    const { api } = node;
    const deposit = 10n * AGR;
    const opened = await sendAndWaitInBlock(
      api, api.tx.metering.openChannel(0, deposit, 1_000, { Sr25519: appKey.publicKey }), charlie,
    );
    assert.equal(opened.dispatchError, null);
    const openedEvent = opened.events.find(({ event }) => api.events.metering.ChannelOpened.is(event));
    const channelId = openedEvent.event.data.channelId.toNumber();
    assert.equal(openedEvent.event.data.payee.toString(), bob.address);
    const channel = (await api.query.metering.channels(channelId)).unwrap();
    assert.equal(channel.deposit.toBigInt(), deposit);
    assert.equal(channel.pricePerUnit.toBigInt(), PRICE_PER_UNIT);

    // Usage grows off-chain; each receipt is for the cumulative units.
    const receipts = [120, 300, 450].map((units) => ({
      receipt: { genesisHash: u8aToHex(genesis), channelId, cumulativeUnits: units },
      signature: { Sr25519: appKey.sign(receiptPayload(genesis, channelId, units)) },
    }));
    const newest = receipts[2];

    const claimed = await sendAndWaitInBlock(
      api, api.tx.metering.claim(newest.receipt, newest.signature, false), bob,
    );
    assert.equal(claimed.dispatchError, null);
    const header = await api.rpc.chain.getHeader(claimed.blockHash);
    const before = await api.at(header.parentHash);
    const after = await api.at(claimed.blockHash);
    const data = async (at, who) => (await at.query.system.account(who)).data;

    // 450 units × 0.01 AGR = 4.5 AGR: 2 % fee to the treasury, 98 % to Bob.
    const amount = 450n * PRICE_PER_UNIT;
    const fee = amount * 2n / 100n;
    const event = claimed.events.find(({ event }) => api.events.metering.ChannelClaimed.is(event));
    assert.equal(event.event.data.amount.toBigInt(), amount);
    assert.equal(event.event.data.protocolFee.toBigInt(), fee);
    assert.equal(event.event.data.providerNet.toBigInt(), amount - fee);
    assert.equal(
      (await data(after, bob.address)).free.toBigInt(),
      (await data(before, bob.address)).free.toBigInt() + amount - fee - feeOf(api, claimed.events),
    );
    assert.equal((await data(after, treasuryAddress())).free.toBigInt(), (await data(before, treasuryAddress())).free.toBigInt() + fee);
    assert.equal((await data(after, charlie.address)).reserved.toBigInt(), deposit - amount);
    assert.equal((await data(after, charlie.address)).free.toBigInt(), (await data(before, charlie.address)).free.toBigInt());
    assert.equal((await after.query.metering.paidTotals(charlie.address, 0)).toBigInt(), amount);

    // An older receipt is stale now.
    const replay = await sendAndWaitInBlock(
      api, api.tx.metering.claim(receipts[0].receipt, receipts[0].signature, false), bob,
    );
    assert.equal(replay.dispatchError, 'metering.StaleReceipt');

    // A receipt signed for another chain's genesis hash.
    const otherGenesis = new Uint8Array(32).fill(7);
    const foreign = await sendAndWaitInBlock(
      api,
      api.tx.metering.claim(
        { genesisHash: u8aToHex(otherGenesis), channelId, cumulativeUnits: 500 },
        { Sr25519: appKey.sign(receiptPayload(otherGenesis, channelId, 500)) },
        false,
      ),
      bob,
    );
    assert.equal(foreign.dispatchError, 'metering.WrongChain');
    assert.equal((await api.query.metering.channels(channelId)).unwrap().claimed.toBigInt(), amount);

    // Having paid, Charlie may rate the service.
    const rated = await sendAndWaitInBlock(api, api.tx.services.rateService(0, 4), charlie);
    assert.equal(rated.dispatchError, null);
    assert.equal((await api.query.services.ratings(0, charlie.address)).unwrap().toNumber(), 4);
  });
});
