// A runtime upgrade by governance alone on a real dev node: token holders vote
// `system.authorizeUpgrade(hash)` of a runtime one `spec_version` ahead (built beside the
// real one by runtime/build.rs, see upgradeWasm), which also moves
// pallet-metering from index 11 to 16; once enacted, anyone applies the code; the chain
// keeps producing and finalizing blocks, reports the new version, and balances and
// marketplace state (the channel deposit held under Metering's old index among them) are
// intact and still work. The provider's agora-gateway, started before the upgrade, keeps
// settling after it without a restart: it signs from the chain's metadata.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import {
  claim, findEvent, openChannel, propose, receiptHeaders, receiptSigner, signReceipt, submit,
  submitOk, vote,
} from '@agora/client';
import { DEFAULT_PRICE, eventsAt, issuanceMintedBetween, listService } from './lib/fixtures.js';
import { startGateway, startUpstream, tokenGatewaySettings } from './lib/gateway.js';
import { builtBinary, eventually, startDevNode, waitForHead } from './lib/node.js';

const AGR = 10n ** 12n;

/** The upgrade-test runtime: $AGORA_UPGRADE_WASM, else the one of the debug build. */
function upgradeWasm() {
  return readFileSync(builtBinary(
    'wbuild/agora-runtime/agora_runtime_upgrade_test.wasm', 'AGORA_UPGRADE_WASM'));
}

/** Metering's index in the metadata at block `hash` (default: the best block). */
async function meteringIndex(api, hash) {
  const metadata = await api.rpc.state.getMetadata(hash ?? await api.rpc.chain.getBlockHash());
  return metadata.asLatest.pallets.find((pallet) => pallet.name.eq('Metering')).index.toNumber();
}

describe('runtime upgrade through governance on agora-node --dev', () => {
  let node;
  let code;
  let dir;
  let upstream;
  let gateway;

  before(async () => {
    code = upgradeWasm();
    node = await startDevNode();
    dir = mkdtempSync(join(tmpdir(), 'agora-upgrade-'));
    upstream = await startUpstream((input) => input.tokens);
  });

  after(async () => {
    await gateway?.stop();
    await upstream?.close();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('holders authorize a new runtime; it is applied and the chain carries on with its state', async () => {
    const { api } = node;
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
    const [alice, bob, charlie, dave, app] = ['Alice', 'Bob', 'Charlie', 'Dave', 'CharlieApp']
      .map((name) => keyring.addFromUri(`//${name}`));
    const before = await api.rpc.state.getRuntimeVersion();
    assert.equal(before.specName.toString(), 'agora');
    assert.equal(before.specVersion.toNumber(), 105);

    // Marketplace state that must survive: a provider, a service and an open channel.
    const serviceId = await listService(api, bob);
    const channel = await openChannel(api, charlie, {
      serviceId, deposit: 10n * AGR, duration: 1_000, receiptSigner: receiptSigner(app),
      agreedPrice: DEFAULT_PRICE,
    });

    // Bob's gateway sells the service and settles every 2 s. Each call uses 1,000 tokens:
    // one unit, paid by a receipt for the channel's running total.
    gateway = await startGateway(dir, await tokenGatewaySettings(
      { dir, upstreamUrl: upstream.url, nodeUrl: node.httpUrl, serviceId },
      { settle_interval: 2, inclusion_timeout: 30 },
    ), '//Bob');
    const paidCall = async (units) => {
      const response = await fetch(`${gateway.url}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...receiptHeaders(signReceipt(app, api.genesisHash, channel.channelId, units)),
        },
        body: JSON.stringify({ model: 'tiny', messages: [], tokens: 1_000 }),
      });
      assert.equal(response.status, 200, await response.text());
    };
    const settledTo = (units) => eventually(async () => {
      const state = (await api.query.metering.channels(channel.channelId)).unwrap();
      return state.claimed.toBigInt() === BigInt(units) * DEFAULT_PRICE.perUnit;
    }, `the gateway to settle ${units} units`, 120_000);
    assert.equal(await meteringIndex(api), 11);
    await paidCall(1);
    await settledTo(1);

    // Nothing is authorized yet: the code cannot be applied.
    const early = await submit(api, api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), dave);
    assert.equal(early.error, 'system.NothingAuthorized');

    const codeHash = blake2AsHex(code, 256);
    const { proposalId, endsAt } = await propose(api, alice, api.tx.system.authorizeUpgrade(codeHash));
    await vote(api, bob, proposalId, { aye: true, balance: 700_000n * AGR, conviction: 'Locked1x' });
    await vote(api, alice, proposalId, { aye: true, balance: 600_000n * AGR });

    // Decided at endsAt + 1, enacted two blocks later by governance's Root origin.
    const enactAt = endsAt + 1 + 2;
    const enactedHead = await waitForHead((cb) => api.rpc.chain.subscribeNewHeads(cb), (h) => h.number.toNumber() >= enactAt, 180_000);
    const enactHash = await api.rpc.chain.getBlockHash(enactAt);
    const enacted = (await eventsAt(api, enactHash, 'governance')).find((e) => e.method === 'ProposalEnacted');
    assert.equal(enacted.data.proposalId.toNumber(), proposalId);
    assert.ok(enacted.data.result.isOk);
    const authorized = (await eventsAt(api, enactHash, 'system')).find((e) => e.method === 'UpgradeAuthorized');
    assert.equal(authorized.data.codeHash.toHex(), codeHash);
    assert.ok(enactedHead.number.toNumber() >= enactAt);

    // Anyone may now apply exactly that code; it takes effect from the next block.
    const applied = await submitOk(api, api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), dave);
    assert.ok(findEvent(api, applied.events, 'system', 'CodeUpdated'));
    assert.equal(applied.fee, 0n, 'applying an authorized upgrade is free');
    const appliedHeader = await api.rpc.chain.getHeader(applied.blockHash);

    // Blocks keep being produced and finalized under the new runtime.
    const finalized = await waitForHead((cb) => api.rpc.chain.subscribeFinalizedHeads(cb),
      (h) => h.number.toNumber() >= appliedHeader.number.toNumber() + 3, 120_000);
    const version = await api.rpc.state.getRuntimeVersion(finalized.hash);
    assert.equal(version.specVersion.toNumber(), 106);
    assert.equal(version.specName.toString(), 'agora');
    assert.equal(await meteringIndex(api, finalized.hash), 16);
    // The version at a block is the code in its post-state: 105 from the block that applied it.
    assert.equal((await api.rpc.state.getRuntimeVersion(appliedHeader.parentHash)).specVersion.toNumber(), 105);
    assert.equal((await api.rpc.state.getRuntimeVersion(applied.blockHash)).specVersion.toNumber(), 106);

    // State is intact: the channel, the service and the balances as they were.
    const [was, is] = [await api.at(applied.blockHash), await api.at(finalized.hash)];
    assert.deepEqual((await is.query.metering.channels(channel.channelId)).toJSON(),
      (await was.query.metering.channels(channel.channelId)).toJSON());
    assert.deepEqual((await is.query.services.services(serviceId)).toJSON(), (await was.query.services.services(serviceId)).toJSON());
    for (const who of [bob, charlie]) {
      assert.deepEqual((await is.query.system.account(who.address)).data.toJSON(),
        (await was.query.system.account(who.address)).data.toJSON(), who.address);
    }
    // Issuance changed only by what the sessions ended meanwhile minted (docs/token.md).
    const from = (await api.rpc.chain.getHeader(applied.blockHash)).number.toNumber();
    const minted = await issuanceMintedBetween(api, from, finalized.number.toNumber());
    assert.equal((await is.query.balances.totalIssuance()).toBigInt(), (await was.query.balances.totalIssuance()).toBigInt() + minted);

    // And it still works. The gateway, not restarted, reads the new metadata and settles
    // the next call at Metering's new index (a claim_batch at 11 would not even decode).
    await paidCall(2);
    await settledTo(2);
    assert.ok(gateway.log.join('').includes('the runtime was upgraded'), 'the gateway noticed the upgrade');
    // Bob settles a receipt himself under the new runtime: the 248 units beyond the 2.
    const settled = await claim(api, bob, signReceipt(app, api.genesisHash, channel.channelId, 250));
    assert.equal(settled.amount, 248n * DEFAULT_PRICE.perUnit);
    assert.equal((await api.rpc.state.getRuntimeVersion(settled.blockHash)).specVersion.toNumber(), 106);
  });
});
