// What the harness does on chain: the marketplace it sets up through real extrinsics
// (funded accounts, providers with services, consumers with channels), pre-signed
// transactions, submission as fast as the pool takes them, and what blocks contain.
import { Keyring } from '@polkadot/keyring';
import { receiptSigner, signReceipt, submitOk } from '@agora/client';
import { rpcCall } from '@agora/test-support';

const AGR = 10n ** 12n;
/** Services cost 1 µAGR per request: one claim of 1,000,000 units settles 1 AGR. */
export const PRICE_PER_UNIT = 10n ** 6n;
const CHANNEL_DEPOSIT = 10n * AGR;
const PROVIDER_BOND = 100n * AGR;
const MAX_SERVICES_PER_PROVIDER = 64;
const MAX_CHANNELS_PER_CONSUMER = 64;

/** sr25519 accounts derived from //Alice: `count` of them named `//Alice//bench//role//i`. */
function derive(keyring, role, count) {
  return Array.from({ length: count }, (_, i) => keyring.addFromUri(`//Alice//bench//${role}//${i}`));
}

function chunks(items, size) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function eventsOf(api, inclusion, event) {
  return inclusion.events.filter((record) => event.is(record.event)).map((record) => record.event.data);
}

/**
 * Sets up the marketplace the scenarios need, through real extrinsics:
 * `senders` funded accounts for transfers; `services` listed services (64 per provider);
 * `channels` open channels, channel k on a service of payee k mod `payees`, so each payee
 * settles an equal share. Resolves to the accounts and channels.
 */
export async function setUpMarketplace(api, { senders, services, channels, payees }, log) {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
  const alice = keyring.addFromUri('//Alice');
  const providerCount = Math.max(payees, Math.ceil(services / MAX_SERVICES_PER_PROVIDER));
  const consumerCount = Math.ceil(channels / MAX_CHANNELS_PER_CONSUMER);
  const accounts = {
    senders: derive(keyring, 'sender', senders),
    providers: derive(keyring, 'provider', providerCount),
    consumers: derive(keyring, 'consumer', consumerCount),
  };

  log(`funding ${senders} senders, ${providerCount} providers, ${consumerCount} consumers`);
  const providerFunds = PROVIDER_BOND + BigInt(MAX_SERVICES_PER_PROVIDER + 100) * AGR;
  const consumerFunds = BigInt(MAX_CHANNELS_PER_CONSUMER) * CHANNEL_DEPOSIT + 100n * AGR;
  const transfers = [
    ...accounts.senders.map((pair) => [pair.address, 1_000n * AGR]),
    ...accounts.providers.map((pair) => [pair.address, providerFunds]),
    ...accounts.consumers.map((pair) => [pair.address, consumerFunds]),
  ].map(([to, amount]) => api.tx.balances.transferKeepAlive(to, amount));
  for (const batch of chunks(transfers, 500)) await submitOk(api, api.tx.utility.batchAll(batch), alice);

  log(`listing ${services} services`);
  const servicesOf = new Map();
  await Promise.all(accounts.providers.map(async (provider, p) => {
    const count = Math.min(MAX_SERVICES_PER_PROVIDER, Math.max(0, services - p * MAX_SERVICES_PER_PROVIDER));
    const calls = [api.tx.services.registerProvider(`bench-provider-${p}`, PROVIDER_BOND)];
    for (let s = 0; s < Math.max(count, 1); s += 1) {
      calls.push(api.tx.services.listService(`bench-${p}-${s}`, ['llm', `bench-${p % 10}`], 'ipfs://bench',
        `0x${'ab'.repeat(32)}`, { unit: 'Request', perUnit: PRICE_PER_UNIT }, 0, null));
    }
    const inclusion = await submitOk(api, api.tx.utility.batchAll(calls), provider);
    servicesOf.set(p, eventsOf(api, inclusion, api.events.services.ServiceListed).map((e) => e.serviceId.toNumber()));
  }));

  log(`opening ${channels} channels`);
  const payeeOf = (k) => k % payees;
  const opened = [];
  await Promise.all(accounts.consumers.map(async (consumer, c) => {
    const first = c * MAX_CHANNELS_PER_CONSUMER;
    const indices = Array.from({ length: Math.min(MAX_CHANNELS_PER_CONSUMER, channels - first) }, (_, i) => first + i);
    const calls = indices.map((k) => api.tx.metering.openChannel(servicesOf.get(payeeOf(k))[0], CHANNEL_DEPOSIT,
      400_000, receiptSigner(consumer), { unit: 'Request', perUnit: PRICE_PER_UNIT }));
    const inclusion = await submitOk(api, api.tx.utility.batchAll(calls), consumer);
    const ids = eventsOf(api, inclusion, api.events.metering.ChannelOpened).map((e) => e.channelId.toNumber());
    indices.forEach((k, i) => opened.push({ id: ids[i], consumer, payee: payeeOf(k) }));
  }));
  if (opened.length !== channels) throw new Error(`opened ${opened.length} channels, wanted ${channels}`);
  const listed = (await api.query.services.nextServiceId()).toNumber();
  if (listed < services) throw new Error(`listed ${listed} services, wanted ${services}`);
  opened.sort((a, b) => a.id - b.id);
  return { accounts, payees: accounts.providers.slice(0, payees), channels: opened };
}

/** Resolves once `count` more blocks than the best one now have been produced. */
export async function waitBlocks(api, count) {
  const target = (await api.rpc.chain.getHeader()).number.toNumber() + count;
  while ((await api.rpc.chain.getHeader()).number.toNumber() < target) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Leaves `count` closed channels and `count` removed services on chain, through real
 * extrinsics, so that the RPC measurements run where an attacker who churned ids would
 * leave a chain: up to 100 churn consumers each open 64 one-block channels on
 * `serviceId` and reclaim them once expired, and as many churn providers each list 64
 * services and retire and remove them, in rounds until `count` of each are gone.
 */
export async function churn(api, { serviceId, count }, log) {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
  const alice = keyring.addFromUri('//Alice');
  const workers = Math.min(100, Math.ceil(count / MAX_CHANNELS_PER_CONSUMER));
  const consumers = derive(keyring, 'churn-consumer', workers);
  const providers = derive(keyring, 'churn-provider', workers);
  const funding = [
    ...consumers.map((pair) => [pair.address, BigInt(MAX_CHANNELS_PER_CONSUMER) * CHANNEL_DEPOSIT + 1_000n * AGR]),
    ...providers.map((pair) => [pair.address, PROVIDER_BOND + 1_000n * AGR]),
  ].map(([to, amount]) => api.tx.balances.transferKeepAlive(to, amount));
  for (const batch of chunks(funding, 500)) await submitOk(api, api.tx.utility.batchAll(batch), alice);
  await Promise.all(providers.map((provider, p) =>
    submitOk(api, api.tx.services.registerProvider(`churn-provider-${p}`, PROVIDER_BOND), provider)));

  const price = { unit: 'Request', perUnit: PRICE_PER_UNIT };
  let done = 0;
  while (done < count) {
    const shares = Array.from({ length: workers }, (_, w) =>
      Math.max(0, Math.min(MAX_CHANNELS_PER_CONSUMER, count - done - w * MAX_CHANNELS_PER_CONSUMER)));
    await Promise.all(shares.map(async (n, w) => {
      if (n === 0) return;
      const consumer = consumers[w];
      const opens = Array.from({ length: n }, () =>
        api.tx.metering.openChannel(serviceId, CHANNEL_DEPOSIT, 1, receiptSigner(consumer), price));
      const opened = await submitOk(api, api.tx.utility.batchAll(opens), consumer);
      const channels = eventsOf(api, opened, api.events.metering.ChannelOpened).map((e) => e.channelId);
      const provider = providers[w];
      const lists = Array.from({ length: n }, (_, s) =>
        api.tx.services.listService(`churn-${w}-${s}`, ['churn'], '', `0x${'00'.repeat(32)}`, price, 0, null));
      const listed = await submitOk(api, api.tx.utility.batchAll(lists), provider);
      const services = eventsOf(api, listed, api.events.services.ServiceListed).map((e) => e.serviceId);
      const removals = [
        ...services.map((id) => api.tx.services.retireService(id)),
        ...services.map((id) => api.tx.services.removeService(id, 0)),
      ];
      await submitOk(api, api.tx.utility.batchAll(removals), provider);
      // A channel of one block can be reclaimed from the second block after its opening.
      await waitBlocks(api, 1);
      await submitOk(api, api.tx.utility.batchAll(channels.map((id) => api.tx.metering.reclaim(id))), consumer);
    }));
    done += shares.reduce((sum, n) => sum + n, 0);
    log(`churn: ${done} of ${count} channels closed and services removed`);
  }
}

/** Next nonces of `pairs`, by address: the harness waits for its earlier transactions, so
 * none is pending and the nonce in state is the next one. */
async function nonces(api, pairs) {
  const infos = await api.query.system.account.multi(pairs.map((pair) => pair.address));
  return new Map(pairs.map((pair, i) => [pair.address, infos[i].nonce.toNumber()]));
}

/**
 * Signs each `[pair, tx]` with the pair's next nonce, immortal, and returns the
 * extrinsics as hex, in order: what a load generator sends.
 */
export async function preSign(api, calls) {
  const next = await nonces(api, [...new Set(calls.map(([pair]) => pair))]);
  const signed = [];
  for (const [pair, tx] of calls) {
    const nonce = next.get(pair.address);
    next.set(pair.address, nonce + 1);
    signed.push((await tx.signAsync(pair, { nonce, era: 0 })).toHex());
  }
  return signed;
}

/** (a): `count` transfers of 1 AGR, spread over the senders, each to the next sender. */
export function transferCalls(api, senders, count) {
  return Array.from({ length: count }, (_, i) => {
    const from = senders[i % senders.length];
    const to = senders[(i + 1) % senders.length];
    return [from, api.tx.balances.transferKeepAlive(to.address, AGR)];
  });
}

/** (b): one `claim` each of the first `count` channels' receipts for `units`. */
export function claimCalls(api, setup, count, units) {
  const genesis = api.genesisHash;
  return setup.channels.slice(0, count).map(({ id, consumer, payee }) => {
    const { receipt, signature } = signReceipt(consumer, genesis, id, units);
    return [setup.payees[payee], api.tx.metering.claim(receipt, signature, false)];
  });
}

/** (c): every channel's receipt for `units`, in `claim_batch`es of `batchSize` per payee. */
export function claimBatchCalls(api, setup, batchSize, units) {
  const genesis = api.genesisHash;
  return setup.payees.flatMap((payee, p) => {
    const items = setup.channels.filter((channel) => channel.payee === p)
      .map(({ id, consumer }) => signReceipt(consumer, genesis, id, units));
    return chunks(items, batchSize).map((batch) => [payee, api.tx.metering.claimBatch(batch)]);
  });
}

/**
 * Submits the hex extrinsics with `concurrency` requests in flight, as fast as the node
 * answers. Resolves to how many the pool accepted and the errors of the others.
 */
export async function submitAll(httpUrl, extrinsics, concurrency = 32) {
  let next = 0;
  let accepted = 0;
  const refused = [];
  async function worker() {
    while (next < extrinsics.length) {
      const hex = extrinsics[next];
      next += 1;
      const response = await rpcCall(httpUrl, 'author_submitExtrinsic', [hex]);
      if (response.error) refused.push(response.error);
      else accepted += 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { accepted, refused };
}

/**
 * What block `number` holds: per `section.method` of its signed extrinsics, how many
 * succeeded and failed and their declared weight; receipts settled and rejected; and the
 * block's declared weight (all classes, ms).
 */
async function readBlock(api, number) {
  const hash = await api.rpc.chain.getBlockHash(number);
  const [block, at] = await Promise.all([api.rpc.chain.getBlock(hash), api.at(hash)]);
  const [events, blockWeight] = await Promise.all([at.query.system.events(), at.query.system.blockWeight()]);
  const outcome = new Map();
  let settled = 0;
  let rejected = 0;
  for (const { phase, event } of events) {
    if (!phase.isApplyExtrinsic) continue;
    const index = phase.asApplyExtrinsic.toNumber();
    if (api.events.system.ExtrinsicSuccess.is(event)) outcome.set(index, { ok: true, info: event.data.dispatchInfo });
    if (api.events.system.ExtrinsicFailed.is(event)) outcome.set(index, { ok: false, info: event.data.dispatchInfo });
    if (api.events.metering.ChannelClaimed.is(event)) settled += 1;
    if (api.events.metering.ClaimRejected.is(event)) rejected += 1;
  }
  const calls = {};
  block.block.extrinsics.forEach((extrinsic, index) => {
    if (!extrinsic.isSigned) return;
    const key = `${extrinsic.method.section}.${extrinsic.method.method}`;
    const entry = (calls[key] ??= { ok: 0, failed: 0, weightPs: 0n });
    const { ok, info } = outcome.get(index);
    entry[ok ? 'ok' : 'failed'] += 1;
    entry.weightPs += info.weight.refTime.toBigInt();
  });
  const classes = ['normal', 'operational', 'mandatory'];
  const declaredPs = classes.reduce((sum, c) => sum + blockWeight[c].refTime.toBigInt(), 0n);
  return { number, hash: hash.toHex(), calls, settled, rejected, declaredMs: Number(declaredPs) / 1e9 };
}

/**
 * Reads blocks from `from` on as they are produced until `expected` extrinsics of `key`
 * are in, or `idleBlocks` blocks in a row bring none (what the pool dropped never comes).
 */
export async function collectBlocks(api, key, from, expected, { idleBlocks = 4 } = {}) {
  const blocks = [];
  let included = 0;
  let idle = 0;
  let number = from;
  while (included < expected && idle < idleBlocks) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    if (best < number) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    const block = await readBlock(api, number);
    const ours = block.calls[key];
    const count = ours ? ours.ok + ours.failed : 0;
    included += count;
    idle = count === 0 ? idle + 1 : 0;
    if (count > 0) blocks.push(block);
    number += 1;
  }
  return blocks;
}
