import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { PayingClient, SpendLimitExceeded, metadataHash, signsReceiptsOf } from '../src/index.js';

const GENESIS = `0x${'11'.repeat(32)}`;

/**
 * A chain with `channels` (id → { deposit, expiresAt }) at block 50: reads them, and
 * records the transactions sent (opening channel 8, top-ups, extensions) in `sent`.
 */
function fakeChain(channels) {
  const sent = [];
  const number = (n) => ({ toNumber: () => n, toBigInt: () => BigInt(n) });
  const included = (name, data) => ({
    signAndSend: async (...args) => {
      sent.push(name);
      args.at(-1)({ status: { isInBlock: true, asInBlock: '0x01' }, events: [{ event: { name, data } }], dispatchError: null });
      return () => {};
    },
  });
  const event = (name) => ({ is: (e) => e.name === name });
  return {
    sent,
    genesisHash: { toHex: () => GENESIS },
    rpc: {
      chain: { getHeader: async () => ({ number: number(50) }) },
      agora: {
        getChannel: async (id) => {
          if (!channels[id]) throw Object.assign(new Error(`4004: no open channel ${id}`), { code: 4004 });
          return { toJSON: () => ({ id, ...channels[id] }) };
        },
      },
    },
    tx: {
      metering: {
        openChannel: () => included('ChannelOpened', { channelId: number(8), expiresAt: number(150), pricePerUnit: number(5) }),
        topUp: () => included('ChannelToppedUp', { deposit: number(2_000) }),
        extend: (id, at) => included('ChannelExtended', { expiresAt: number(at) }),
      },
    },
    events: {
      metering: { ChannelOpened: event('ChannelOpened'), ChannelToppedUp: event('ChannelToppedUp'), ChannelExtended: event('ChannelExtended') },
      transactionPayment: { TransactionFeePaid: event('TransactionFeePaid') },
    },
  };
}

/** A client on channel 7 of a service priced 5 planck per unit, talking to `gateway`. */
async function clientOf(gateway, maxUnitsPerCall, api = { genesisHash: { toHex: () => GENESIS } }) {
  await cryptoWaitReady();
  const appKey = new Keyring({ type: 'sr25519' }).addFromUri('//AppKey');
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, units: new Headers(init.headers).get('Agora-Units') });
    return gateway(url, init);
  };
  const client = new PayingClient(api, {
    discovered: {
      service: { id: 3, price: { unit: 'Request', perUnit: '5' } },
      metadata: { endpoints: [{ url: 'http://gateway.test/v1' }] },
      endpoint: 'http://gateway.test/v1',
    },
    account: { address: 'consumer', signer: {} }, appKey, deposit: 1_000n, duration: 100, maxUnitsPerCall, fetch,
  });
  client.channelId = 7;
  return { client, sent };
}

/** A call whose first attempt the gateway refuses with `error`, on a chain with `channels`; then it serves. */
async function refusedOnce(error, channels) {
  const chain = fakeChain(channels);
  let step = 0;
  const { client, sent } = await clientOf(() => (step++ === 0 ? json(402, { error, message: 'says the gateway' }) : json(200, { ok: true })), 10, chain);
  assert.equal((await client.fetch('/chat')).status, 200);
  return { client, sent, chain };
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

test('a gateway naming more signed units than it was handed gets no receipt for them', async () => {
  let settled = false;
  const { client, sent } = await clientOf((url) => {
    if (url.endsWith('/agora/receipts')) {
      settled = true;
      return json(200, { signedUnits: 190, owedUnits: 3 });
    }
    return json(200, { ok: true }, { 'agora-owed-units': settled ? '4' : '3' });
  }, 10);
  await client.fetch('/chat');
  assert.equal(await client.settle(), 15n);
  assert.equal(client.signedUnits, 3n);
  // The next call pays from the 3 units actually signed, not the 190 claimed.
  await client.fetch('/chat');
  assert.deepEqual(sent.map((s) => s.units), ['0', '3', '3']);
  assert.equal(await client.settle(), 20n);
  assert.deepEqual(sent.map((s) => s.units), ['0', '3', '3', '4']);
});

test('a channel given up during a call does not give the next one its allowance again', async () => {
  // A first call signs 9 units of channel 7. In the next, the gateway calls channel 7
  // unknown (the chain agrees: it was closed) and asks 15 units of the new channel 8:
  // a whole new 15 in one call, past its 10. Counted from the 9 signed before the call,
  // as it once was, the 15 would have passed.
  const chain = fakeChain({});
  let step = 0;
  const answers = [
    () => json(402, { error: 'receipt_too_low', message: 'pay', requiredUnits: 9 }),
    () => json(200, { ok: true }),
    () => json(402, { error: 'unknown_channel', message: 'no such channel' }),
    () => json(402, { error: 'receipt_too_low', message: 'pay', requiredUnits: 15 }),
  ];
  const { client, sent } = await clientOf(() => answers[step++](), 10, chain);
  assert.equal((await client.fetch('/chat')).status, 200);
  await assert.rejects(client.fetch('/chat'), (error) => error instanceof SpendLimitExceeded && error.units === 15n);
  assert.deepEqual(sent.map((s) => s.units), ['0', '9', '9', '0']);
  assert.deepEqual(chain.sent, ['ChannelOpened']);
  assert.equal(client.channelId, 8);
  assert.equal(client.spent, 45n); // the 9 units of channel 7, nothing more
});

test('a refusal that would act on chain is checked against the chain first', async () => {
  // Channel 7 holds 1,000 planck, 200 units at 5, and expires at block 400.
  const chain = fakeChain({ 7: { deposit: '1000', expiresAt: 400 } });
  const refusing = (error) => () => json(402, { error, message: 'says the gateway' });
  for (const error of ['deposit_exhausted', 'receipt_exceeds_deposit', 'channel_expiring']) {
    const { client } = await clientOf(refusing(error), 10, chain);
    await assert.rejects(client.fetch('/chat'), (e) => e.name === 'PaymentRefused' && e.reason === error);
  }
  assert.deepEqual(chain.sent, [], 'no top-up, no extension: the chain says neither is needed');
  // A channel the chain still has is one the gateway has not seen yet: wait, do not
  // open another.
  const unseen = await refusedOnce('unknown_channel', { 7: { deposit: '1000', expiresAt: 400 } });
  assert.deepEqual([unseen.client.channelId, unseen.chain.sent, unseen.sent.length], [7, [], 2]);
  // A deposit that truly cannot pay another call is topped up.
  const short = await refusedOnce('deposit_exhausted', { 7: { deposit: '40', expiresAt: 400 } });
  assert.deepEqual(short.chain.sent, ['ChannelToppedUp']);
});

test('calls at once take turns: one channel is opened, and a late count of a channel given up is not the next one\'s', async () => {
  const chain = fakeChain({});
  const { client, sent } = await clientOf(() => json(200, { ok: true }), 10, chain);
  client.channelId = null;
  const answers = await Promise.all([client.fetch('/a'), client.fetch('/b'), client.fetch('/c')]);
  assert.deepEqual(answers.map((r) => r.status), [200, 200, 200]);
  assert.deepEqual([chain.sent, client.channelId, sent.length], [['ChannelOpened'], 8, 3]);

  // A stream on channel 7 is still being read when the next call finds channel 7 closed
  // and opens channel 8; the stream's usage then names 1,000 units: channel 7's, not 8's.
  const later = fakeChain({});
  let usage;
  let step = 0;
  const streaming = await clientOf(() => {
    step += 1;
    if (step === 1) {
      return new Response(new ReadableStream({ start(controller) { usage = controller; } }), { status: 200, headers: { 'content-type': 'text/event-stream' } });
    }
    if (step === 2) return json(402, { error: 'unknown_channel', message: 'closed' });
    if (step === 3) return json(200, { ok: true });
    // The new channel's own stream: its usage counts.
    return new Response('event: agora.usage\ndata: {"owedUnits":4}\n\n', { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }, 10, later);
  const stream = await streaming.client.fetch('/stream');
  assert.equal((await streaming.client.fetch('/next')).status, 200);
  assert.equal(streaming.client.channelId, 8);
  usage.enqueue(new TextEncoder().encode('event: agora.usage\ndata: {"owedUnits":1000}\n\n'));
  usage.close();
  await stream.text();
  assert.equal(streaming.client.owedUnits, 0n);
  await (await streaming.client.fetch('/stream')).text();
  assert.equal(streaming.client.owedUnits, 4n);
});

test('a call given up while waiting its turn signs nothing; the caller\'s headers are kept', async () => {
  let release;
  const first = new Promise((resolve) => { release = resolve; });
  let step = 0;
  const seen = [];
  const { client, sent } = await clientOf(async (url, init) => {
    seen.push(new Headers(init.headers).get('x-request'));
    return step++ === 0 ? first : json(200, { ok: true });
  }, 10);
  const slow = client.fetch('/a', { headers: new Headers({ 'x-request': 'a' }) });
  const abort = new AbortController();
  const queued = client.fetch('/b', { headers: [['x-request', 'b']], signal: abort.signal });
  abort.abort();
  release(json(200, { ok: true }));
  assert.equal((await slow).status, 200);
  await assert.rejects(queued, { name: 'AbortError' });
  assert.deepEqual([sent.length, seen], [1, ['a']]);
});

test('a node that cannot say whether a channel is open opens no other; an honest reservation is waited out', async () => {
  const broken = fakeChain({});
  broken.rpc.agora.getChannel = async () => { throw Object.assign(new Error('-32603: internal error'), { code: -32603 }); };
  const { client } = await clientOf(() => json(402, { error: 'unknown_channel', message: '?' }), 10, broken);
  await assert.rejects(client.fetch('/chat'), { message: '-32603: internal error' });
  assert.deepEqual([client.channelId, broken.sent], [7, []]);
  // The deposit pays plenty by the chain: a gateway still holding a reservation says
  // otherwise for a moment; the client waits instead of topping up, and the call goes through.
  const ample = await refusedOnce('deposit_exhausted', { 7: { deposit: '5000', expiresAt: 400 } });
  assert.deepEqual(ample.chain.sent, []);
  // Expiring by the chain's count too (block 50, expiry 120, duration 100): extended to 150.
  const expiring = await refusedOnce('channel_expiring', { 7: { deposit: '5000', expiresAt: 120 } });
  assert.deepEqual(expiring.chain.sent, ['ChannelExtended']);
});

test('counts a gateway writes oddly are not counts', async () => {
  const { client, sent } = await clientOf(() => json(200, { ok: true }, { 'agora-owed-units': '0x10' }), 10);
  await client.fetch('/chat');
  assert.equal(client.owedUnits, 0n);
  for (const header of ['1e3', '-5', '18446744073709551616']) {
    const odd = await clientOf(() => json(200, { ok: true }, { 'agora-owed-units': header }), 10);
    await odd.client.fetch('/chat');
    assert.equal(odd.client.owedUnits, 0n, header);
  }
  const odd = await clientOf(() => json(402, { error: 'receipt_too_low', message: 'pay', requiredUnits: '1e3' }), 10);
  await assert.rejects(odd.client.fetch('/chat'), (e) => e.name === 'PaymentRefused' && e.reason === 'receipt_too_low');
  assert.deepEqual([sent.length, odd.sent.length], [1, 1]);
});

test('a receipt handed in is counted even when the gateway answers it with an error page', async () => {
  const { client } = await clientOf((url) => (url.endsWith('/agora/receipts')
    ? new Response('<html>oops</html>', { status: 500 })
    : json(200, { ok: true }, { 'agora-owed-units': '3' })), 10);
  await client.fetch('/chat');
  await assert.rejects(client.settle(), (e) => e.name === 'PaymentRefused' && e.status === 500 && e.reason === undefined);
  assert.deepEqual([client.signedUnits, client.spent], [3n, 15n]);
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

test('connect adopts an open channel its app key signs for, and refuses one another key signs', async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const appKey = keyring.addFromUri('//AppKey');
  const document = new TextEncoder().encode(JSON.stringify({
    schema: 'agora/service-metadata/v1', name: 'tiny', description: 'd', api: 'openai-chat',
    endpoints: [{ url: 'http://gateway.test/v1' }],
  }));
  const service = { id: 3, price: { unit: 'Request', perUnit: '5' }, metadataUri: 'http://docs.test/tiny.json', metadataHash: metadataHash(document) };
  const channels = {
    7: { id: 7, serviceId: 3, pricePerUnit: '5', claimed: '20', signer: { scheme: 'sr25519', key: u8aToHex(appKey.publicKey) } },
    8: { id: 8, serviceId: 3, pricePerUnit: '5', claimed: '0', signer: { scheme: 'sr25519', key: u8aToHex(keyring.addFromUri('//Other').publicKey) } },
    9: { id: 9, serviceId: 3, pricePerUnit: '9', claimed: '0', signer: { scheme: 'sr25519', key: u8aToHex(appKey.publicKey) } },
  };
  const api = {
    genesisHash: { toHex: () => GENESIS },
    rpc: { agora: { getService: async () => ({ toJSON: () => service }), getChannel: async (id) => ({ toJSON: () => channels[id] }) } },
  };
  const fetch = async () => new Response(document);
  const options = { serviceId: 3, account: null, appKey, deposit: 100n, duration: 10, fetch };
  const adopted = await PayingClient.connect(api, { ...options, channelId: 7 });
  assert.deepEqual([adopted.channelId, adopted.signedUnits], [7, 4n]); // 20 planck claimed at 5
  await assert.rejects(PayingClient.connect(api, { ...options, channelId: 8 }), {
    name: 'TypeError', message: 'channel 8 is not a channel of service 3 signed by this app key',
  });
  // Channel 9 was opened at 9 planck a unit, when the service cost more than it does now.
  await assert.rejects(PayingClient.connect(api, { ...options, channelId: 9, maxPricePerUnit: 6n }), {
    name: 'PriceAboveLimit', message: 'service 3 costs 9 planck per unit, above the limit of 6',
  });
  assert.equal(signsReceiptsOf(channels[7], appKey), true);
  assert.equal(signsReceiptsOf(channels[8], appKey), false);
  assert.equal(signsReceiptsOf({ signer: { scheme: 'ed25519', key: channels[7].signer.key } }, appKey), false);
});
