import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { PayingClient, SpendLimitExceeded } from '../src/index.js';

const GENESIS = `0x${'11'.repeat(32)}`;

/** A client on channel 7 of a service priced 5 planck per unit, talking to `gateway`. */
async function clientOf(gateway, maxUnitsPerCall) {
  await cryptoWaitReady();
  const appKey = new Keyring({ type: 'sr25519' }).addFromUri('//AppKey');
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, units: init.headers['Agora-Units'] });
    return gateway(url, init);
  };
  const client = new PayingClient({ genesisHash: { toHex: () => GENESIS } }, {
    discovered: {
      service: { id: 3, price: { unit: 'Request', perUnit: '5' } },
      metadata: { endpoints: [{ url: 'http://gateway.test/v1' }] },
      endpoint: 'http://gateway.test/v1',
    },
    account: null, appKey, deposit: 1_000n, duration: 100, maxUnitsPerCall, fetch,
  });
  client.channelId = 7;
  return { client, sent };
}

const json = (status, body, headers = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

test('a gateway asking for more than maxUnitsPerCall gets no receipt for it', async () => {
  const { client, sent } = await clientOf(() => json(402, { error: 'receipt_too_low', message: 'pay', requiredUnits: 200 }), 10);
  await assert.rejects(client.fetch('/chat'), (error) => {
    assert.ok(error instanceof SpendLimitExceeded);
    assert.equal(error.message, 'the gateway asked for a receipt of 200 units, more than the 10 one call may cost');
    return true;
  });
  // Only the first attempt went out, with a receipt for what was already signed (0).
  assert.deepEqual(sent.map((s) => s.units), ['0']);
  assert.equal(client.signedUnits, 0n);
});

test('calls within the limit are paid, and so is handing in what is owed; an inflated owed count is not signed', async () => {
  let owed = 3;
  const { client, sent } = await clientOf((url) => (url.endsWith('/agora/receipts')
    ? json(200, { signedUnits: owed, owedUnits: owed })
    : json(200, { ok: true }, { 'agora-owed-units': String(owed) })), 10);
  assert.equal((await client.fetch('/chat')).status, 200);
  assert.equal(await client.settle(), 15n); // 3 units at 5 planck
  assert.deepEqual(sent.map((s) => [s.url, s.units]), [['http://gateway.test/v1/chat', '0'], ['http://gateway.test/agora/receipts', '3']]);
  // The next call's answer claims 50 units owed: within one call's 10 it is not.
  owed = 50;
  assert.equal((await client.fetch('/chat')).status, 200);
  await assert.rejects(client.settle(), SpendLimitExceeded);
  assert.equal(client.signedUnits, 3n);
  assert.equal(sent.length, 3);
});

test('without maxUnitsPerCall a call may cost up to the deposit, as before', async () => {
  let attempt = 0;
  const { client, sent } = await clientOf(() => {
    attempt += 1;
    return attempt === 1 ? json(402, { error: 'receipt_too_low', message: 'pay', requiredUnits: 200 }) : json(200, { ok: true }, { 'agora-owed-units': '200' });
  });
  assert.equal((await client.fetch('/chat')).status, 200);
  assert.deepEqual(sent.map((s) => s.units), ['0', '200']);
  assert.equal(client.signedUnits, 200n);
});
