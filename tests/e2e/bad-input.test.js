// Bad input on a real dev node: claims with a bad signature, by someone other than the
// payee, of a stale receipt and of a receipt for another chain, and a listing on an
// unknown dataset, each fail with their own error and change nothing but the sender's fee; malformed agora_* RPC calls get their
// JSON-RPC error code and message, and the node keeps serving.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import {
  PALLET_IDS, claim, openChannel, palletAccount, receiptSigner, signReceipt, submit,
} from '@agora/client';
import {
  DEFAULT_PRICE, balancesIn, listService, statesAround, validatorPayIn,
} from './lib/fixtures.js';
import { rpcCall, startDevNode } from './lib/node.js';

const AGR = 10n ** 12n;

describe('bad input on agora-node --dev', () => {
  let node;
  let keys;
  let channelId;

  before(async () => {
    node = await startDevNode();
    const { api } = node;
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
    keys = Object.fromEntries(['Bob', 'Charlie', 'CharlieApp', 'Dave']
      .map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`)]));
    const serviceId = await listService(api, keys.bob);
    ({ channelId } = await openChannel(api, keys.charlie, {
      serviceId, deposit: 10n * AGR, duration: 1_000, receiptSigner: receiptSigner(keys.charlieapp),
      agreedPrice: DEFAULT_PRICE,
    }));
    // One settled receipt, so that an older one is stale.
    await claim(api, keys.bob, signReceipt(keys.charlieapp, api.genesisHash, channelId, 100));
  });

  after(async () => {
    await node?.stop();
  });

  /**
   * Sends a claim that must fail with `expected`, and checks that the block changed
   * nothing but the sender's fee: the channel, the consumer, the payee and the treasury
   * (which receives its share of the block's fees, and of a session's issuance).
   */
  async function refusedClaim(signed, sender, expected) {
    const { api } = node;
    const result = await submit(api, api.tx.metering.claim(signed.receipt, signed.signature, false), sender);
    assert.equal(result.error, expected);
    const [before, after] = await statesAround(api, result.blockHash);
    assert.deepEqual((await after.query.metering.channels(channelId)).toJSON(),
      (await before.query.metering.channels(channelId)).toJSON());
    const accounts = [keys.charlie.address, keys.bob.address, keys.dave.address, palletAccount(PALLET_IDS.treasury)];
    for (const who of accounts) {
      const [was, is] = [await balancesIn(before, who), await balancesIn(after, who)];
      const fee = who === sender.address ? result.fee : 0n;
      assert.ok(fee > 0n || who !== sender.address, 'the sender paid a fee');
      const paid = await validatorPayIn(api, result.blockHash, who);
      assert.deepEqual(is, { free: was.free - fee + paid, held: was.held }, who);
    }
  }

  test('a receipt whose signature does not match is refused: BadSignature', async () => {
    const { api } = node;
    const signed = signReceipt(keys.charlieapp, api.genesisHash, channelId, 200);
    const tampered = { ...signed, receipt: { ...signed.receipt, cumulativeUnits: 900n } };
    await refusedClaim(tampered, keys.bob, 'metering.BadSignature');
  });

  test('only the payee may claim: NotPayee', async () => {
    const { api } = node;
    await refusedClaim(signReceipt(keys.charlieapp, api.genesisHash, channelId, 200), keys.dave, 'metering.NotPayee');
  });

  test('an older receipt than the one settled is refused: StaleReceipt', async () => {
    const { api } = node;
    await refusedClaim(signReceipt(keys.charlieapp, api.genesisHash, channelId, 100), keys.bob, 'metering.StaleReceipt');
  });

  test('a receipt signed for another chain is refused: WrongChain', async () => {
    await refusedClaim(signReceipt(keys.charlieapp, new Uint8Array(32).fill(7), channelId, 200), keys.bob, 'metering.WrongChain');
  });

  test('a listing on a dataset that does not exist is refused: UnknownDataset', async () => {
    const { api } = node;
    const listing = api.tx.services.listService('rag', ['rag'], '', `0x${'44'.repeat(32)}`,
      { unit: 'Request', perUnit: 10n ** 9n }, 100_000_000, 99);
    const result = await submit(api, listing, keys.bob);
    assert.equal(result.error, 'services.UnknownDataset');
    const [before, after] = await statesAround(api, result.blockHash);
    assert.equal((await after.query.services.nextServiceId()).toNumber(), (await before.query.services.nextServiceId()).toNumber());
    const [was, is] = [await balancesIn(before, keys.bob.address), await balancesIn(after, keys.bob.address)];
    assert.deepEqual(is, { free: was.free - result.fee, held: was.held });
  });

  test('malformed agora_* calls get a specific JSON-RPC error; the node keeps serving', async () => {
    const { api, httpUrl } = node;
    const before = (await api.rpc.agora.getChannel(channelId)).toJSON();
    const signature = signReceipt(keys.charlieapp, api.genesisHash, channelId, 200).signature.Sr25519;
    const cases = [
      ['agora_getProvider', ['not-an-address'], 4002, /'not-an-address' is not an SS58 address/],
      ['agora_listServices', [{ limit: 5_000 }], 4002, /^limit 5000 exceeds the maximum 1000$/],
      ['agora_listServices', [{ status: 'Sleeping' }], 4002, /^unknown status 'Sleeping' \(Active, Paused, Retired or Delisted\)$/],
      ['agora_listServices', [{ colour: 'red' }], -32602, /^Invalid params: unknown field `colour`/],
      ['agora_getChannel', ['seven'], -32602, /^Invalid params: invalid type: string "seven", expected u64/],
      ['agora_getChannel', [999], 4004, /^no open channel 999$/],
      ['agora_verifyReceipt', [channelId, 200, { sr25519: '0x1234' }], 4002, /^the signature is 2 bytes, not 64$/],
      ['agora_verifyReceipt', [channelId, 200, { sr25519: `0xzz${signature.slice(4)}` }], 4002, /is not hex/],
      // Refused by length before any decoding (base58 decoding is quadratic), and the
      // error repeats only a prefix of the input.
      ['agora_pendingRewards', ['5'.repeat(100_000)], 4002, /^'5{24}…' \(100000 bytes\) is not an SS58 address: longer than 50 characters$/],
      ['agora_verifyReceipt', [channelId, 200, { sr25519: `0x${'ab'.repeat(50_000)}` }], 4002, /longer than 64 bytes of hex$/],
      ['agora_listServices', [{ tag: 'x'.repeat(100_000) }], 4002, /^tag 'x{24}…' \(100000 bytes\) is longer than 64 bytes$/],
      ['agora_listProposals', [{ limit: 101 }], 4002, /^limit 101 exceeds the maximum 100$/],
      ['agora_getService', [0, `0x${'ab'.repeat(32)}`], 4001, /^unknown block/],
    ];
    for (const [method, params, code, message] of cases) {
      const response = await rpcCall(httpUrl, method, params);
      assert.equal(response.result, undefined, method);
      assert.equal(response.error.code, code, `${method} ${JSON.stringify(params)}: ${JSON.stringify(response.error)}`);
      // jsonrpsee puts the detail of a -32602 in `data`.
      const text = [response.error.message, response.error.data].filter(Boolean).join(': ');
      assert.match(text, message, method);
    }
    // Still serving, and nothing moved.
    assert.deepEqual((await api.rpc.agora.getChannel(channelId)).toJSON(), before);
    const check = await rpcCall(httpUrl, 'agora_verifyReceipt', [channelId, 200, { sr25519: signature }]);
    assert.deepEqual(check.result, { valid: true, amount: (200n * 10n ** 10n - 100n * 10n ** 10n).toString(), error: null });
  });
});
