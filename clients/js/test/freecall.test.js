// Free-call headers: the text agora-gateway verifies (gateway/src/free_calls.rs checks the
// same ed25519 vector), signed by any of the three schemes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { stringToU8a } from '@polkadot/util';
import { cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto';
import { freeCallHeaders, freeCallText } from '../src/index.js';

const CALL = { genesisHash: `0x${'11'.repeat(32)}`, serviceId: 3, path: '/v1/chat/completions', nonce: 'n-1', time: 1_764_460_800 };
const TEXT = `agora/free-call/v1:0x${'11'.repeat(32)}:3:1764460800:n-1:POST:/v1/chat/completions`;
// ed25519 signatures are deterministic: the same in Rust, Python and here.
const ALICE_ED25519_SIGNATURE = '0x829221878342590fb77b6663d3ffad3532645fc354b7681e882be46090149aa613138455145ea1b70861fdbcd904c4d789dad0f58e9a48488ce97913331b9e07';

test('the signed text names chain, service, time, nonce, method and path', () => {
  assert.equal(freeCallText({ ...CALL, method: 'post' }), TEXT);
  assert.equal(freeCallText({ ...CALL, genesisHash: new Uint8Array(32).fill(0x11), method: 'POST' }), TEXT);
  assert.throws(() => freeCallText({ ...CALL, genesisHash: '0x11', method: 'POST' }), /genesisHash must be 32 bytes/);
  assert.throws(() => freeCallText({ ...CALL, path: 'v1/chat', method: 'POST' }), /path must start with/);
});

test('ed25519 //Alice signs the shared vector', async () => {
  await cryptoWaitReady();
  const alice = new Keyring({ type: 'ed25519' }).addFromUri('//Alice');
  assert.deepEqual(freeCallHeaders(alice, CALL), {
    'Agora-Caller': alice.address,
    'Agora-Caller-Time': '1764460800',
    'Agora-Caller-Nonce': 'n-1',
    'Agora-Caller-Signature': `ed25519:${ALICE_ED25519_SIGNATURE}`,
  });
});

test('sr25519 and ecdsa accounts sign too, with a new nonce and the current time by default', async () => {
  await cryptoWaitReady();
  for (const type of ['sr25519', 'ecdsa']) {
    const pair = new Keyring({ type }).addFromUri('//Caller');
    const before = Math.floor(Date.now() / 1000);
    const headers = freeCallHeaders(pair, { genesisHash: CALL.genesisHash, serviceId: 3, path: '/x', method: 'GET' });
    const time = Number(headers['Agora-Caller-Time']);
    assert.ok(time >= before && time <= before + 1);
    assert.match(headers['Agora-Caller-Nonce'], /^[0-9a-f]{24}$/);
    assert.notEqual(freeCallHeaders(pair, { ...CALL, nonce: undefined })['Agora-Caller-Nonce'], headers['Agora-Caller-Nonce']);
    const [scheme, signature] = headers['Agora-Caller-Signature'].split(':');
    assert.equal(scheme, type);
    const text = freeCallText({ genesisHash: CALL.genesisHash, serviceId: 3, time, nonce: headers['Agora-Caller-Nonce'], method: 'GET', path: '/x' });
    assert.ok(signatureVerify(stringToU8a(text), signature, pair.address).isValid);
  }
});
