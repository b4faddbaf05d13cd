// pallet-services through @polkadot/api on a real dev node: a provider registers and
// lists a service (bond and deposit held, exact balances), a bad listing is refused with
// its specific error, and governance (sudo for now) slashes the bond into the treasury.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { PALLET_IDS, marketplaceParameters, palletAccount, submit } from '@agora/client';
import { startDevNode } from './lib/node.js';

const AGR = 10n ** 12n;
const MIN_PROVIDER_BOND = 100n * AGR;
const SERVICE_DEPOSIT = AGR;

describe('services pallet on agora-node --dev', () => {
  let node;
  let alice;
  let charlie;

  before(async () => {
    node = await startDevNode();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
    alice = keyring.addFromUri('//Alice');
    charlie = keyring.addFromUri('//Charlie');
  });

  after(async () => {
    await node?.stop();
  });

  test('its governed parameters come from the chain, not from metadata constants', async () => {
    const { api } = node;
    const parameters = await marketplaceParameters(api);
    assert.equal(parameters.minProviderBond, MIN_PROVIDER_BOND);
    assert.equal(parameters.serviceDeposit, SERVICE_DEPOSIT);
    assert.equal(parameters.unbondingPeriod, 14 * 14_400);
    // Governance changes them, so metadata does not advertise them as constants;
    // the bounds set in the runtime's code still are.
    for (const governed of ['minProviderBond', 'serviceDeposit', 'minSpendToRate', 'unbondingPeriod']) {
      assert.equal(api.consts.services[governed], undefined, governed);
    }
    for (const governed of ['protocolFee', 'minChannelDeposit']) assert.equal(api.consts.metering[governed], undefined, governed);
    for (const governed of ['datasetDeposit', 'contributionDeposit', 'submissionDeposit']) {
      assert.equal(api.consts.rewards[governed], undefined, governed);
    }
    assert.equal(api.consts.services.maxTags.toNumber(), 8);
  });

  test('a provider registers and lists a service; bond and deposit are held', async () => {
    const { api } = node;
    const bond = MIN_PROVIDER_BOND + 5n * AGR;
    const account = async (at) => (await at.query.system.account(charlie.address)).data;

    const registered = await submit(
      api, api.tx.services.registerProvider('charlie-ai', bond), charlie,
    );
    assert.equal(registered.error, null);
    const header = await api.rpc.chain.getHeader(registered.blockHash);
    const before = await account(await api.at(header.parentHash));
    const afterRegister = await account(await api.at(registered.blockHash));
    const registerFee = registered.fee;
    assert.equal(afterRegister.free.toBigInt(), before.free.toBigInt() - bond - registerFee);
    assert.equal(afterRegister.reserved.toBigInt(), bond);
    const event = registered.events.find(({ event }) => api.events.services.ProviderRegistered.is(event));
    assert.equal(event.event.data.provider.toString(), charlie.address);
    assert.equal(event.event.data.bond.toBigInt(), bond);

    const metadataHash = `0x${'11'.repeat(32)}`;
    const listed = await submit(
      api,
      api.tx.services.listService(
        'llama-70b', ['llm', 'chat'], 'ipfs://bafy-llama', metadataHash,
        { unit: 'Token1k', perUnit: 2n * AGR / 1000n }, 0, null,
      ),
      charlie,
    );
    assert.equal(listed.error, null);
    const afterList = await account(await api.at(listed.blockHash));
    assert.equal(
      afterList.free.toBigInt(),
      afterRegister.free.toBigInt() - SERVICE_DEPOSIT - listed.fee,
    );
    assert.equal(afterList.reserved.toBigInt(), bond + SERVICE_DEPOSIT);

    const holds = (await (await api.at(listed.blockHash)).query.balances.holds(charlie.address)).toJSON();
    assert.deepEqual(
      holds.map(({ id, amount }) => [JSON.stringify(id), BigInt(amount)]).sort(),
      [
        [JSON.stringify({ services: 'ProviderBond' }), bond],
        [JSON.stringify({ services: 'ServiceDeposit' }), SERVICE_DEPOSIT],
      ].sort(),
    );

    const service = (await api.query.services.services(0)).unwrap();
    assert.equal(service.provider.toString(), charlie.address);
    assert.equal(service.name.toUtf8(), 'llama-70b');
    assert.deepEqual(service.tags.map((tag) => tag.toUtf8()), ['llm', 'chat']);
    assert.equal(service.price.unit.toString(), 'Token1k');
    assert.equal(service.price.perUnit.toBigInt(), 2n * AGR / 1000n);
    assert.equal(service.status.toString(), 'Active');
    assert.equal(service.metadataHash.toHex(), metadataHash);
    const provider = (await api.query.services.providers(charlie.address)).unwrap();
    assert.equal(provider.liveServices.toNumber(), 1);
  });

  test('a listing with a zero price is refused with services.ZeroPrice and holds nothing more', async () => {
    const { api } = node;
    const before = (await api.query.system.account(charlie.address)).data.reserved.toBigInt();
    const result = await submit(
      api,
      api.tx.services.listService('free', [], '', `0x${'00'.repeat(32)}`, { unit: 'Request', perUnit: 0 }, 0, null),
      charlie,
    );
    assert.equal(result.error, 'services.ZeroPrice');
    const after = (await (await api.at(result.blockHash)).query.system.account(charlie.address)).data;
    assert.equal(after.reserved.toBigInt(), before);
    assert.equal((await api.query.services.nextServiceId()).toNumber(), 1);
  });

  test('governance slashes a provider bond into the treasury', async () => {
    const { api } = node;
    const treasury = palletAccount(PALLET_IDS.treasury);
    const amount = 30n * AGR;
    const result = await submit(
      api, api.tx.sudo.sudo(api.tx.services.slashProvider(charlie.address, amount)), alice,
    );
    assert.equal(result.error, null);
    const sudid = result.events.find(({ event }) => api.events.sudo.Sudid.is(event));
    assert.ok(sudid.event.data.sudoResult.isOk, `sudo call failed: ${sudid.event.data.sudoResult}`);
    const header = await api.rpc.chain.getHeader(result.blockHash);
    const balance = async (at, who) => (await at.query.system.account(who)).data;
    const before = await api.at(header.parentHash);
    const after = await api.at(result.blockHash);
    assert.equal((await balance(after, treasury)).free.toBigInt(), (await balance(before, treasury)).free.toBigInt() + amount);
    assert.equal(
      (await balance(after, charlie.address)).reserved.toBigInt(),
      (await balance(before, charlie.address)).reserved.toBigInt() - amount,
    );
    const slashed = result.events.find(({ event }) => api.events.services.ProviderSlashed.is(event));
    assert.equal(slashed.event.data.slashed.toBigInt(), amount);
  });
});
