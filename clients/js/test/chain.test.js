import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PALLET_IDS, palletAccount } from '../src/index.js';

// The addresses docs/token.md publishes, which the runtime's
// `protocol_accounts_have_their_documented_addresses` test derives with sp-core.
test('palletAccount derives the documented treasury and rewards addresses', () => {
  assert.equal(palletAccount(PALLET_IDS.treasury), 'mHn3yjS29gMztFi48CSWUDjB3sMaxZgCDWNVqQb86bJWLBv26');
  assert.equal(palletAccount(PALLET_IDS.rewards), 'mHn3yjS29gMztFeY6UByejzQZQEzbozD2tuXDmSXZMgENqUis');
});

test('palletAccount refuses an id that is not 8 bytes', () => {
  assert.throws(() => palletAccount('agr/treasury'), { name: 'TypeError', message: /8 bytes/ });
});
