// The client's receipts are byte for byte those of agora-primitives: checked against the
// worked example of docs/payments.md (which a Rust test checks against sp-core).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto';
import { encodeReceipt, receiptHeaders, receiptSigner, rpcSignature, signReceipt } from '../src/index.js';

const doc = readFileSync(new URL('../../../docs/payments.md', import.meta.url), 'utf8');
const GENESIS = `0x${'11'.repeat(32)}`;

test('encodeReceipt gives the 64-byte payload of the worked example', () => {
  const payload = encodeReceipt(GENESIS, 7, 1_500);
  assert.equal(payload.length, 64);
  assert.ok(doc.includes(u8aToHex(payload)), `docs/payments.md shows ${u8aToHex(payload)}`);
  assert.deepEqual(encodeReceipt(new Uint8Array(32).fill(0x11), 7n, 1500n), payload);
});

test('signReceipt with ed25519 //Alice gives the worked example signature', async () => {
  await cryptoWaitReady();
  const alice = new Keyring({ type: 'ed25519' }).addFromUri('//Alice');
  assert.ok(doc.includes(u8aToHex(alice.publicKey)));
  const { receipt, signature } = signReceipt(alice, GENESIS, 7, 1_500);
  assert.deepEqual(receipt, { genesisHash: GENESIS, channelId: 7n, cumulativeUnits: 1500n });
  assert.ok(doc.includes(signature.Ed25519), `docs/payments.md shows ${signature.Ed25519}`);
  assert.deepEqual(rpcSignature(signature), { ed25519: signature.Ed25519 });
  assert.deepEqual(receiptSigner(alice), { Ed25519: u8aToHex(alice.publicKey) });
  assert.deepEqual(receiptHeaders({ receipt, signature }), {
    'Agora-Channel': '7', 'Agora-Units': '1500', 'Agora-Signature': `ed25519:${signature.Ed25519}`,
  });
});

test('sr25519 and ecdsa signatures verify over the payload', async () => {
  await cryptoWaitReady();
  for (const type of ['sr25519', 'ecdsa']) {
    const pair = new Keyring({ type }).addFromUri('//Bob');
    const { signature } = signReceipt(pair, GENESIS, 3, 42);
    const [scheme, hex] = Object.entries(signature)[0];
    assert.equal(scheme.toLowerCase(), type);
    assert.ok(signatureVerify(encodeReceipt(GENESIS, 3, 42), hex, pair.address).isValid);
  }
});

test('bad input is refused with a clear error', () => {
  assert.throws(() => encodeReceipt('0x1234', 1, 1), /32 bytes/);
  assert.throws(() => encodeReceipt(GENESIS, -1, 1), /channelId must fit in a u64/);
  assert.throws(() => encodeReceipt(GENESIS, 1, 1n << 64n), /cumulativeUnits must fit in a u64/);
  assert.throws(() => receiptSigner({ type: 'ethereum' }), /cannot sign receipts/);
});
