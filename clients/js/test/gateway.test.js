import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { channelAccount, signReceipt } from '../src/index.js';

const GATEWAY = 'http://gateway.test';
const GENESIS = `0x${'11'.repeat(32)}`;

/** `channelAccount` of channel 7 against a gateway answering `answer()`; what it sent. */
async function ask(answer, options = {}) {
  await cryptoWaitReady();
  const appKey = new Keyring({ type: 'sr25519' }).addFromUri('//AppKey');
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, units: init.headers['Agora-Units'] });
    return answer(init);
  };
  const account = channelAccount(GATEWAY, 7, signReceipt(appKey, GENESIS, 7, 0n), { fetch, ...options });
  return { account, sent };
}

const json = (status, body) => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });

test('a gateway\'s account of a channel is read with a receipt of the channel', async () => {
  const { account, sent } = await ask(() => json(200, { channelId: 7, owedUnits: 12, signedUnits: 10, deposit: '1000' }));
  assert.deepEqual(await account, { owedUnits: 12n, signedUnits: 10n });
  assert.deepEqual(sent, [{ url: `${GATEWAY}/agora/channels/7`, units: '0' }]);
});

test('an answer that is not an account is refused with what was wrong, whatever its shape', async () => {
  const refusals = [
    [json(200, 'not json'), 'http://gateway.test answered HTTP 200 with something other than JSON'],
    [json(200, 'null'), 'http://gateway.test answered without the channel\'s used and signed units'],
    [json(200, { owedUnits: {}, signedUnits: 'many' }), 'http://gateway.test answered without the channel\'s used and signed units'],
    [json(200, { owedUnits: 1e300, signedUnits: 0 }), 'http://gateway.test answered without the channel\'s used and signed units'],
    [json(200, { owedUnits: -1, signedUnits: 0 }), 'http://gateway.test answered without the channel\'s used and signed units'],
    [json(200, { owedUnits: 1.5, signedUnits: 0 }), 'http://gateway.test answered without the channel\'s used and signed units'],
    [json(200, { owedUnits: '3', signedUnits: 3 }), 'http://gateway.test answered without the channel\'s used and signed units'],
    [json(401, { error: 'bad_receipt', message: 'the receipt is not signed by the channel\'s key' }), 'http://gateway.test refused (HTTP 401): the receipt is not signed by the channel\'s key'],
    [json(404, { message: { html: '<b>x</b>' } }), 'http://gateway.test refused (HTTP 404): no message'],
    [json(500, { message: 'x'.repeat(5000) }), `http://gateway.test refused (HTTP 500): ${'x'.repeat(200)}`],
  ];
  for (const [response, message] of refusals) {
    const { account } = await ask(() => response);
    await assert.rejects(account, { message });
  }
});

test('a gateway that does not answer in time, or at all, counts as not answering', async () => {
  const silent = (init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
  const { account } = await ask(silent, { timeoutMs: 50 });
  await assert.rejects(account, { message: 'no answer from http://gateway.test within 0.05 s' });
  const { account: refused } = await ask(() => Promise.reject(new TypeError('Failed to fetch')));
  await assert.rejects(refused, { message: 'cannot reach http://gateway.test: Failed to fetch' });
  // A body that never ends is no answer either.
  const endless = (init) => new Response(new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"owedUnits":'));
      init.signal.addEventListener('abort', () => controller.error(init.signal.reason));
    },
  }), { status: 200 });
  const { account: dripping } = await ask(endless, { timeoutMs: 50 });
  await assert.rejects(dripping, { message: 'no answer from http://gateway.test within 0.05 s' });
});
