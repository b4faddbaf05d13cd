// Smoke test of a fresh dev chain through @polkadot/api: identity, block production and
// finality, a transfer with exact balances, the existential-deposit rule, bad RPC input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { submit } from '@agora/client';
import { encodeAddress } from '@polkadot/util-crypto';
import { validatorPayIn } from './lib/fixtures.js';
import { startDevNode, rpcCall, waitForHead } from './lib/node.js';

const AGR = 10n ** 12n;
const EXISTENTIAL_DEPOSIT = AGR / 1000n;

describe('agora-node --dev', () => {
  let node;
  let alice;
  let bob;

  before(async () => {
    node = await startDevNode();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
  });

  after(async () => {
    await node?.stop();
  });

  test('identifies as Agora with the AGR token and its own SS58 prefix', async () => {
    const { api } = node;
    assert.equal((await api.rpc.system.chain()).toString(), 'Agora Development');
    const raw = await rpcCall(node.httpUrl, 'system_properties', []);
    assert.deepEqual(raw.result, { ss58Format: 4242, tokenDecimals: 12, tokenSymbol: 'AGR' });
    // What wallets read through polkadot.js.
    const properties = await api.rpc.system.properties();
    assert.equal(properties.ss58Format.unwrap().toNumber(), 4242);
    assert.deepEqual(properties.tokenDecimals.unwrap().toJSON(), [12]);
    assert.deepEqual(properties.tokenSymbol.unwrap().toJSON(), ['AGR']);
    assert.equal(api.runtimeVersion.specName.toString(), 'agora');
    assert.equal(api.consts.system.ss58Prefix.toNumber(), 4242);
    assert.equal(api.consts.balances.existentialDeposit.toBigInt(), EXISTENTIAL_DEPOSIT);
  });

  test("the standard RPC reads the chain's own SS58 addresses, and generic ones", async () => {
    // 4242 is not in the SS58 registry: the node must make it its default format, or
    // polkadot.js's nonce lookup (system_accountNextIndex) fails for every Agora address.
    const own = await rpcCall(node.httpUrl, 'system_accountNextIndex', [alice.address]);
    const generic = await rpcCall(node.httpUrl, 'system_accountNextIndex', [encodeAddress(alice.publicKey, 42)]);
    assert.equal(own.error, undefined, JSON.stringify(own.error));
    assert.equal(typeof own.result, 'number');
    assert.equal(generic.result, own.result);
    const other = await rpcCall(node.httpUrl, 'system_accountNextIndex', [encodeAddress(alice.publicKey, 12345)]);
    assert.deepEqual([other.error.code, other.error.message], [-32602, 'Invalid params']);
    assert.match(other.error.data, /Unknown SS58 address format/);
  });

  test('produces at least 3 blocks and finalizes at least 1', async () => {
    const { api } = node;
    const best = await waitForHead((cb) => api.rpc.chain.subscribeNewHeads(cb), (h) => h.number.toNumber() >= 3);
    assert.ok(best.number.toNumber() >= 3);
    const finalized = await waitForHead(
      (cb) => api.rpc.chain.subscribeFinalizedHeads(cb),
      (h) => h.number.toNumber() >= 1,
    );
    assert.ok(finalized.number.toNumber() >= 1);
    const hash = await api.rpc.chain.getBlockHash(finalized.number);
    assert.equal(hash.toHex(), finalized.hash.toHex());
  });

  test('transferKeepAlive moves exactly the amount; the sender also pays the fee', async () => {
    const { api } = node;
    const amount = 123n * AGR + 456n;
    const { blockHash, events, error } = await submit(
      api, api.tx.balances.transferKeepAlive(bob.address, amount), alice,
    );
    assert.equal(error, null);

    const header = await api.rpc.chain.getHeader(blockHash);
    const before = await api.at(header.parentHash);
    const after = await api.at(blockHash);
    const balance = async (at, who) => (await at.query.system.account(who)).data.free.toBigInt();

    const feeEvent = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
    assert.ok(feeEvent, 'TransactionFeePaid emitted');
    const fee = feeEvent.event.data.actualFee.toBigInt();
    assert.ok(fee > 0n);
    assert.equal(feeEvent.event.data.who.toString(), alice.address);

    assert.equal(await balance(after, bob.address), (await balance(before, bob.address)) + amount);
    // Alice authors every block of --dev: she gets back her share of the block's fees.
    const authorPay = await validatorPayIn(api, blockHash, alice.address);
    assert.ok(authorPay > 0n);
    assert.equal(await balance(after, alice.address), (await balance(before, alice.address)) - amount - fee + authorPay);

    const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
    assert.equal(transfer.event.data.amount.toBigInt(), amount);
  });

  // pallet-balances (stable2609) transfers through the fungible traits: creating an
  // account below the existential deposit fails with TokenError::BelowMinimum.
  test('a transfer below the existential deposit to a new account fails with token.BelowMinimum', async () => {
    const { api } = node;
    const fresh = new Keyring({ type: 'sr25519', ss58Format: 4242 }).addFromUri('//AgoraSmokeFresh');
    const { blockHash, error } = await submit(
      api, api.tx.balances.transferKeepAlive(fresh.address, EXISTENTIAL_DEPOSIT - 1n), alice,
    );
    assert.equal(error, 'token.BelowMinimum');
    const account = await (await api.at(blockHash)).query.system.account(fresh.address);
    assert.equal(account.data.free.toBigInt(), 0n);
  });

  test('agora_version reports the runtime and marketplace API versions', async () => {
    const { api, httpUrl } = node;
    const methods = (await rpcCall(httpUrl, 'rpc_methods', [])).result.methods;
    assert.ok(methods.includes('agora_version'));

    const best = await rpcCall(httpUrl, 'agora_version', []);
    assert.deepEqual(best.result, { specName: 'agora', specVersion: api.runtimeVersion.specVersion.toNumber(), marketplaceApiVersion: 2 });

    const genesis = (await api.rpc.chain.getBlockHash(0)).toHex();
    const atGenesis = await rpcCall(httpUrl, 'agora_version', [genesis]);
    assert.deepEqual(atGenesis.result, best.result);

    const unknown = await rpcCall(httpUrl, 'agora_version', [`0x${'ab'.repeat(32)}`]);
    assert.equal(unknown.error.code, 4001);
    assert.match(unknown.error.message, /unknown block/);

    const malformed = await rpcCall(httpUrl, 'agora_version', ['0x12']);
    assert.equal(malformed.error.code, -32602);
  });

  test('malformed RPC calls get "Invalid params" and the node keeps serving', async () => {
    const { httpUrl } = node;
    const header = await rpcCall(httpUrl, 'chain_getHeader', ['0x1234']);
    assert.equal(header.error.code, -32602);
    assert.match(header.error.message, /Invalid params/);

    const storage = await rpcCall(httpUrl, 'state_getStorage', ['zz']);
    assert.equal(storage.error.code, -32602);
    assert.match(storage.error.message, /Invalid params/);

    const health = await rpcCall(httpUrl, 'system_health', []);
    assert.equal(health.result.shouldHavePeers, false);
    const head = await rpcCall(httpUrl, 'chain_getHeader', []);
    assert.match(head.result.number, /^0x[0-9a-f]+$/);
  });

  test('Prometheus metrics are served on 127.0.0.1', async () => {
    const response = await fetch(`http://127.0.0.1:${node.prometheusPort}/metrics`);
    assert.equal(response.status, 200);
    const body = await response.text();
    assert.match(body, /substrate_block_height\{status="finalized"/);
  });
});
