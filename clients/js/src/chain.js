// Typed helpers for the marketplace and governance flows on top of an @polkadot/api
// `ApiPromise` connected to agora-node. Each helper signs and sends one transaction,
// waits until it is in a block, and returns what the flow needs next (the new channel
// id, the settled amounts, the proposal id) together with the inclusion details, or
// throws a `DispatchFailed` that names the pallet error ("metering.NotPayee").
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';

/** Agora's SS58 address prefix. */
export const SS58_PREFIX = 4242;

/** Pallet ids of the accounts that hold protocol funds (docs/token.md). */
export const PALLET_IDS = Object.freeze({ treasury: 'agr/trsy', rewards: 'agr/rwds' });

/**
 * The account of a pallet id (`modl` ‖ id ‖ zero padding), as SS58.
 * @param {string} palletId eight ASCII bytes, e.g. `PALLET_IDS.treasury`
 * @returns {string}
 */
export function palletAccount(palletId) {
  const id = stringToU8a(palletId);
  if (id.length !== 8) throw new TypeError(`a pallet id is 8 bytes, got "${palletId}"`);
  return encodeAddress(u8aConcat(stringToU8a('modl'), id, new Uint8Array(20)), SS58_PREFIX);
}

/**
 * @typedef {object} Inclusion
 * @property {import('@polkadot/types').Hash} blockHash the block that included the transaction
 * @property {import('@polkadot/types').Vec<import('@polkadot/types').EventRecord>} events its events in that block
 * @property {bigint} fee the transaction fee it paid (burned)
 * @property {string|null} error the dispatch error as "section.Name" (or "token.Reason"), null on success
 */

/** A transaction was included but its dispatch failed with `error`. */
export class DispatchFailed extends Error {
  /** @param {Inclusion} inclusion */
  constructor(inclusion) {
    super(`dispatch failed: ${inclusion.error}`);
    this.name = 'DispatchFailed';
    /** @type {string} */
    this.error = inclusion.error;
    /** @type {Inclusion} */
    this.inclusion = inclusion;
  }
}

/**
 * The name of a `DispatchError`: "section.Name" for a pallet error, "token.Reason" for
 * a token error, "arithmetic.Reason", else the error's JSON.
 * @returns {string}
 */
export function dispatchErrorName(api, dispatchError) {
  if (dispatchError.isModule) {
    const meta = api.registry.findMetaError(dispatchError.asModule);
    return `${meta.section}.${meta.name}`;
  }
  if (dispatchError.isToken) return `token.${dispatchError.asToken.type}`;
  if (dispatchError.isArithmetic) return `arithmetic.${dispatchError.asArithmetic.type}`;
  return JSON.stringify(dispatchError.toJSON());
}

/**
 * The data of the first `pallet.name` event among `events`, or undefined.
 * @param {string} pallet e.g. "metering"
 * @param {string} name e.g. "ChannelOpened"
 */
export function findEvent(api, events, pallet, name) {
  return events.find(({ event }) => api.events[pallet][name].is(event))?.event.data;
}

/**
 * An account that signs transactions: a @polkadot/keyring pair, or an address with an
 * injected `Signer` (the polkadot.js extension's, Talisman's, SubWallet's:
 * `{ address, signer: injector.signer }`).
 * @typedef {import('@polkadot/keyring/types').KeyringPair | { address: string, signer: object }} Account
 */

/**
 * Signs `tx` with `signer` (an `Account`), sends it and resolves once it is in a
 * block. A failed dispatch resolves too (see `error`); a transaction the pool refuses
 * rejects.
 * @returns {Promise<Inclusion>}
 */
export function submit(api, tx, signer) {
  return new Promise((resolve, reject) => {
    let unsubscribe = null;
    let done = false;
    const finish = () => { done = true; unsubscribe?.(); };
    const injected = signer.signer !== undefined && typeof signer.sign !== 'function';
    const send = (callback) => (injected
      ? tx.signAndSend(signer.address, { signer: signer.signer }, callback)
      : tx.signAndSend(signer, callback));
    send(({ status, events, dispatchError }) => {
      if (done) return;
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        finish();
        reject(new Error(`transaction ${status.type}`));
        return;
      }
      if (!status.isInBlock) return;
      finish();
      const paid = findEvent(api, events, 'transactionPayment', 'TransactionFeePaid');
      resolve({
        blockHash: status.asInBlock,
        events,
        fee: paid ? paid.actualFee.toBigInt() : 0n,
        error: dispatchError ? dispatchErrorName(api, dispatchError) : null,
      });
    }).then((unsub) => {
      unsubscribe = unsub;
      if (done) unsub();
    }, reject);
  });
}

/**
 * Like `submit`, but a failed dispatch throws `DispatchFailed`.
 * @returns {Promise<Inclusion>}
 */
export async function submitOk(api, tx, signer) {
  const inclusion = await submit(api, tx, signer);
  if (inclusion.error) throw new DispatchFailed(inclusion);
  return inclusion;
}

/**
 * Opens a payment channel: `deposit` (planck) of `consumer` is held for `duration`
 * blocks; receipts must be signed by `receiptSigner` (from `receiptSigner(pair)`).
 * `agreedPrice` (`{ unit, perUnit }`) is the price the consumer agreed to, e.g. the
 * `price` that `agora_getService` showed: if the provider raised its price or changed its
 * unit in the meantime, the opening fails (`metering.PriceAboveAgreed`,
 * `metering.PriceUnitChanged`) instead of paying the new price.
 * @param {{ serviceId: number|bigint, deposit: bigint, duration: number, receiptSigner: object, agreedPrice: { unit: string, perUnit: bigint|string } }} channel
 * @returns {Promise<Inclusion & { channelId: number, expiresAt: number, pricePerUnit: bigint }>}
 */
export async function openChannel(api, consumer, { serviceId, deposit, duration, receiptSigner, agreedPrice }) {
  if (agreedPrice?.unit === undefined || agreedPrice?.perUnit === undefined) {
    throw new TypeError('openChannel: agreedPrice ({ unit, perUnit }) is the price you agreed to, e.g. the service\'s `price`');
  }
  const tx = api.tx.metering.openChannel(serviceId, deposit, duration, receiptSigner, agreedPrice);
  const inclusion = await submitOk(api, tx, consumer);
  const opened = findEvent(api, inclusion.events, 'metering', 'ChannelOpened');
  return {
    ...inclusion,
    channelId: opened.channelId.toNumber(),
    expiresAt: opened.expiresAt.toNumber(),
    pricePerUnit: opened.pricePerUnit.toBigInt(),
  };
}

/**
 * The consumer adds `amount` (planck) to a channel's deposit.
 * @returns {Promise<Inclusion & { deposit: bigint }>}
 */
export async function topUp(api, consumer, channelId, amount) {
  const inclusion = await submitOk(api, api.tx.metering.topUp(channelId, amount), consumer);
  return { ...inclusion, deposit: findEvent(api, inclusion.events, 'metering', 'ChannelToppedUp').deposit.toBigInt() };
}

/**
 * The consumer moves a channel's expiry to block `expiresAt` (later than now).
 * @returns {Promise<Inclusion & { expiresAt: number }>}
 */
export async function extendChannel(api, consumer, channelId, expiresAt) {
  const inclusion = await submitOk(api, api.tx.metering.extend(channelId, expiresAt), consumer);
  return { ...inclusion, expiresAt: findEvent(api, inclusion.events, 'metering', 'ChannelExtended').expiresAt.toNumber() };
}

/**
 * @typedef {object} Settlement
 * @property {number} channelId
 * @property {bigint} cumulativeUnits
 * @property {bigint} amount what left the consumer's deposit
 * @property {bigint} protocolFee to the treasury
 * @property {bigint} contributorShare to the dataset's pool
 * @property {bigint} providerNet to the payee
 */

function settlement(claimed) {
  return {
    channelId: claimed.channelId.toNumber(),
    cumulativeUnits: claimed.cumulativeUnits.toBigInt(),
    amount: claimed.amount.toBigInt(),
    protocolFee: claimed.protocolFee.toBigInt(),
    contributorShare: claimed.contributorShare.toBigInt(),
    providerNet: claimed.providerNet.toBigInt(),
  };
}

/**
 * The payee settles one signed receipt (from `signReceipt`); `close` also refunds the
 * rest of the deposit and removes the channel.
 * @returns {Promise<Inclusion & Settlement & { refunded: bigint|null }>}
 */
export async function claim(api, payee, { receipt, signature }, { close = false } = {}) {
  const inclusion = await submitOk(api, api.tx.metering.claim(receipt, signature, close), payee);
  const closed = findEvent(api, inclusion.events, 'metering', 'ChannelClosed');
  return {
    ...inclusion,
    ...settlement(findEvent(api, inclusion.events, 'metering', 'ChannelClaimed')),
    refunded: closed ? closed.refunded.toBigInt() : null,
  };
}

/**
 * The payee settles many signed receipts in one transaction. Items that fail are
 * reported, not fatal: the others settle.
 * @returns {Promise<Inclusion & { settled: Settlement[], rejected: { channelId: number, error: string }[], amount: bigint }>}
 */
export async function claimBatch(api, payee, signedReceipts) {
  const items = signedReceipts.map(({ receipt, signature }) => ({ receipt, signature }));
  const inclusion = await submitOk(api, api.tx.metering.claimBatch(items), payee);
  const settled = [];
  const rejected = [];
  for (const { event } of inclusion.events) {
    if (api.events.metering.ChannelClaimed.is(event)) settled.push(settlement(event.data));
    if (api.events.metering.ClaimRejected.is(event)) {
      rejected.push({ channelId: event.data.channelId.toNumber(), error: dispatchErrorName(api, event.data.error) });
    }
  }
  const batch = findEvent(api, inclusion.events, 'metering', 'BatchClaimed');
  return { ...inclusion, settled, rejected, amount: batch.amount.toBigInt() };
}

/**
 * The consumer takes back what is left of an expired channel.
 * @returns {Promise<Inclusion & { refunded: bigint }>}
 */
export async function reclaim(api, consumer, channelId) {
  const inclusion = await submitOk(api, api.tx.metering.reclaim(channelId), consumer);
  return { ...inclusion, refunded: findEvent(api, inclusion.events, 'metering', 'ChannelReclaimed').refunded.toBigInt() };
}

/** The pallets that own governed parameters, each in its `Parameters` storage. */
const PARAMETER_PALLETS = ['services', 'metering', 'rewards', 'governance'];

/**
 * The governed parameters in force, of every pallet that has some, read at one block and
 * merged into plain values: amounts in planck as `bigint`, periods in blocks and shares
 * in Perbill (parts per billion) as `number`. Governance changes them without a runtime
 * upgrade (each through its pallet's `setParameters`), so they are not metadata constants
 * (`api.consts`): read them when you need them.
 * @returns {Promise<Record<string, bigint | number>>}
 */
export async function marketplaceParameters(api) {
  const sets = await api.queryMulti(PARAMETER_PALLETS.map((pallet) => api.query[pallet].parameters));
  return Object.fromEntries(sets.flatMap((set) => [...set.entries()].map(([name, value]) => [
    name, value.toRawType() === 'u128' ? value.toBigInt() : value.toNumber(),
  ])));
}

/**
 * Puts `call` (an `api.tx…` extrinsic, not signed) to a token-holder vote; the
 * proposal deposit is held until the decision.
 * @returns {Promise<Inclusion & { proposalId: number, endsAt: number }>}
 */
export async function propose(api, proposer, call) {
  const inclusion = await submitOk(api, api.tx.governance.propose(call), proposer);
  const proposed = findEvent(api, inclusion.events, 'governance', 'Proposed');
  return { ...inclusion, proposalId: proposed.proposalId.toNumber(), endsAt: proposed.endsAt.toNumber() };
}

/**
 * Votes on a proposal with `balance` (planck, held in the account while the vote counts) and a
 * conviction: 'None' (0.1×, no lock) or 'Locked1x' … 'Locked6x'.
 * @param {{ aye: boolean, balance: bigint, conviction?: string }} vote
 * @returns {Promise<Inclusion>}
 */
export function vote(api, holder, proposalId, { aye, balance, conviction = 'None' }) {
  return submitOk(api, api.tx.governance.vote(proposalId, aye, balance, conviction), holder);
}
