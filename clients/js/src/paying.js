// A paying HTTP client for a listed service: from a service id, an account and an app
// key to paid calls through the provider's agora-gateway (docs/gateway.md). It finds
// the gateway in the service's metadata document (checked against the listing's hash),
// opens a channel (or adopts one), signs a receipt for every call, answers every 402 as
// the gateway's reason says (pay more, top up, extend, open a new channel), follows the
// units owed through streamed responses, and reports what was spent.
import { extendChannel, openChannel, topUp } from './chain.js';
import { discoverService, gatewayOf } from './metadata.js';
import { unitCount, within } from './gateway.js';
import { receiptHeaders, receiptSigner, signReceipt, signsReceiptsOf } from './receipt.js';

/** The gateway refused a call for a reason the client cannot fix by paying. */
export class PaymentRefused extends Error {
  constructor(status, body) {
    super(`${status} ${body?.error ?? 'refused'}: ${body?.message ?? ''}`);
    this.name = 'PaymentRefused';
    this.status = status;
    this.reason = body?.error;
    this.body = body;
  }
}

/** The service's price is above what the client agreed to pay. */
export class PriceAboveLimit extends Error {
  constructor(serviceId, perUnit, limit) {
    super(`service ${serviceId} costs ${perUnit} planck per unit, above the limit of ${limit}`);
    this.name = 'PriceAboveLimit';
  }
}

/**
 * The gateway asked for a receipt above what one call may cost (`maxUnitsPerCall`):
 * nothing above it was signed. A gateway that names any number it likes in
 * `Agora-Owed-Units` or `receipt_too_low` is stopped here, not at the deposit.
 */
export class SpendLimitExceeded extends Error {
  constructor(units, limit) {
    super(`the gateway asked for a receipt of ${units} units, more than the ${limit} one call may cost`);
    this.name = 'SpendLimitExceeded';
    this.units = units;
    this.limit = limit;
  }
}

/** Refusals that a moment's wait may fix. */
const TRANSIENT = new Set(['overloaded', 'chain_unavailable', 'store_unavailable', 'channel_busy']);
/** Every refusal the gateway answers with (docs/gateway.md). */
const GATEWAY_REASONS = new Set([
  'missing_receipt', 'malformed_receipt', 'unknown_channel', 'wrong_payee', 'wrong_service', 'bad_signature',
  'signer_mismatch', 'channel_expiring', 'receipt_exceeds_deposit', 'deposit_exhausted', 'receipt_too_low',
  ...TRANSIENT, 'body_too_large', 'request_timeout',
]);
const ATTEMPTS = 5;
/** How long handing in a receipt (`settle`) may take. */
const SETTLE_TIMEOUT_MS = 30_000;
/**
 * How long an attempt may wait for the gateway's answer (its status and headers; a body
 * then streams as long as it takes): longer than a gateway waits for its upstream (120 s).
 * Calls take turns until answered, so one gateway that never answers would hold up every
 * later call.
 */
const ANSWER_TIMEOUT_MS = 180_000;
/** The statuses a gateway refuses a call with (docs/gateway.md). */
const REFUSAL_STATUSES = [402, 408, 413, 429, 503];
/** `agora_*`'s error code for what does not exist (rpc/src/lib.rs). */
const NOT_FOUND = 4004;

const max = (...values) => values.reduce((a, b) => (b > a ? b : a));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class PayingClient {
  #api;
  #fetch;
  #account;
  #appKey;
  #deposit;
  #duration;
  #genesisHash;
  /** Units the gateway asked to be signed at least (receipt_too_low). */
  #requiredUnits = 0n;
  /** What channels given up earlier were signed for (planck). */
  #spentBefore = 0n;
  /** The units signed on channels given up earlier: with `signedUnits`, a total that never goes down. */
  #signedBefore = 0n;
  /** The end of the last call's (or settle's) payment: they take turns, see `fetch`. */
  #turn = Promise.resolve();
  /** The listed price when the client was made: what every channel it opens agrees to. */
  #agreedPrice;
  /** The most units one call (and the receipt handed in after it) may add. */
  #maxUnitsPerCall;
  /**
   * The units signed on every channel before the latest call began: `settle()` may add
   * what that call may.
   */
  #lastCallBase = 0n;

  /**
   * @param {object} api an `ApiPromise` with `agoraRpc`
   * @param {object} options see `PayingClient.connect`
   */
  constructor(api, { discovered, account, appKey, deposit, duration, maxUnitsPerCall, fetch }) {
    this.#api = api;
    this.#fetch = fetch;
    this.#account = account;
    this.#appKey = appKey;
    this.#deposit = BigInt(deposit);
    this.#duration = duration;
    this.#maxUnitsPerCall = maxUnitsPerCall === undefined ? undefined : BigInt(maxUnitsPerCall);
    this.#genesisHash = api.genesisHash.toHex();
    /** The listing (`agora_getService`). */
    this.service = discovered.service;
    /** The service's metadata document. */
    this.metadata = discovered.metadata;
    /** Where calls go: the first endpoint of the metadata document. */
    this.endpoint = discovered.endpoint;
    /** The agora-gateway itself (receipts without a call): the endpoint's `gateway`, else its origin. */
    this.gateway = gatewayOf(discovered.metadata);
    /** The price agreed to: `{ unit, perUnit }`. */
    this.price = { unit: discovered.service.price.unit, perUnit: BigInt(discovered.service.price.perUnit) };
    this.#agreedPrice = { ...this.price };
    /** The channel paying, once opened or adopted. */
    this.channelId = null;
    /** Units the channel owes, as the gateway last said. */
    this.owedUnits = 0n;
    /** Units of the best receipt of the channel handed to the gateway: what the provider can claim from it. */
    this.signedUnits = 0n;
  }

  /**
   * Finds service `serviceId` and its gateway, and makes a client that pays for calls to it.
   * @param {object} api an `ApiPromise` created with `rpc: agoraRpc`
   * @param {object} options
   * @param {number} options.serviceId the listed service
   * @param {import('./chain.js').Account} options.account pays deposits and fees (a keyring pair, or `{ address, signer }`)
   * @param {object} options.appKey keyring pair that signs the receipts (never holds funds)
   * @param {bigint} options.deposit planck to open a channel with, and to top it up by
   * @param {number} options.duration blocks a channel lasts, and is extended by
   * @param {bigint} [options.maxPricePerUnit] refuse (`PriceAboveLimit`) a service priced above this
   * @param {number} [options.channelId] an open channel of this service signed by `appKey`, to use first
   * @param {bigint|number} [options.maxUnitsPerCall] the most units one call may add to the receipts
   *   (`SpendLimitExceeded` beyond); without it, a call may cost up to the channel's deposit
   * @param {typeof fetch} [options.fetch]
   * @returns {Promise<PayingClient>}
   */
  static async connect(api, {
    serviceId, account, appKey, deposit, duration, maxPricePerUnit, maxUnitsPerCall, channelId, fetch = (...args) => globalThis.fetch(...args),
  }) {
    const discovered = await discoverService(api, serviceId, { fetch });
    const perUnit = BigInt(discovered.service.price.perUnit);
    if (maxPricePerUnit !== undefined && perUnit > BigInt(maxPricePerUnit)) {
      throw new PriceAboveLimit(serviceId, perUnit, maxPricePerUnit);
    }
    const client = new PayingClient(api, { discovered, account, appKey, deposit, duration, maxUnitsPerCall, fetch });
    if (channelId !== undefined && channelId !== null) {
      await client.#adopt(channelId);
      // A channel opened earlier pays the price of its opening, which may be another.
      if (maxPricePerUnit !== undefined && client.price.perUnit > BigInt(maxPricePerUnit)) {
        throw new PriceAboveLimit(serviceId, client.price.perUnit, maxPricePerUnit);
      }
    }
    return client;
  }

  /**
   * What the provider can claim from this client, in planck: every receipt handed out
   * (for an adopted channel, from what was claimed on it before).
   */
  get spent() {
    return this.#spentBefore + this.signedUnits * this.price.perUnit;
  }

  async #adopt(channelId) {
    const channel = (await this.#api.rpc.agora.getChannel(channelId)).toJSON();
    if (channel.serviceId !== this.service.id || !signsReceiptsOf(channel, this.#appKey)) {
      throw new TypeError(`channel ${channelId} is not a channel of service ${this.service.id} signed by this app key`);
    }
    this.channelId = channelId;
    this.price.perUnit = BigInt(channel.pricePerUnit);
    this.signedUnits = BigInt(channel.claimed) / this.price.perUnit;
    this.owedUnits = this.signedUnits;
  }

  async #open() {
    const opened = await openChannel(this.#api, this.#account, {
      serviceId: this.service.id, deposit: this.#deposit, duration: this.#duration,
      receiptSigner: receiptSigner(this.#appKey), agreedPrice: this.#agreedPrice,
    });
    this.#spentBefore = this.spent;
    this.#signedBefore += this.signedUnits;
    this.channelId = opened.channelId;
    this.price.perUnit = opened.pricePerUnit;
    this.owedUnits = 0n;
    this.signedUnits = 0n;
    this.#requiredUnits = 0n;
  }

  /**
   * The receipt headers for `units` on the channel paying now, within what a call that
   * began with `base` units signed may add. A receipt handed out counts as signed from
   * then on, whatever the answer: the provider can claim it.
   */
  #receipt(units, base) {
    const added = this.#signedBefore + units - base;
    if (this.#maxUnitsPerCall !== undefined && added > this.#maxUnitsPerCall) {
      throw new SpendLimitExceeded(added, this.#maxUnitsPerCall);
    }
    const headers = receiptHeaders(signReceipt(this.#appKey, this.#genesisHash, this.channelId, units));
    this.signedUnits = max(this.signedUnits, units);
    return headers;
  }

  /**
   * Units the gateway says channel `channelId` owes, if it wrote a count and the channel
   * still pays (a late count about a channel given up is not the new one's).
   */
  #owed(units, channelId) {
    const count = unitCount(units);
    if (count !== null && channelId === this.channelId) this.owedUnits = max(this.owedUnits, count);
  }

  /**
   * Whether a gateway's "the deposit cannot pay" may be true, by the channel on chain:
   * what its deposit pays beyond the receipts signed is less than one top-up. The client
   * cannot check the gateway's reservations, only bound what believing it locks: however
   * often a gateway says so, the channel never holds more than one top-up beyond what
   * was signed.
   */
  async #depositShort() {
    const channel = await this.#channel();
    return channel !== null && BigInt(channel.deposit) - this.signedUnits * this.price.perUnit < this.#deposit;
  }

  /** The channel paying, as the chain has it; null once it is closed or reclaimed. */
  async #channel() {
    return this.#api.rpc.agora.getChannel(this.channelId).then((c) => c.toJSON(), (error) => {
      if (error.code === NOT_FOUND) return null;
      throw error;
    });
  }

  /** Follows a streamed response's `agora.usage` (or cut-off error) event without holding it back. */
  #watch(response, channelId) {
    if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream') || !response.body) return response;
    const decoder = new TextDecoder();
    let pending = '';
    const readEvent = (event) => {
      const data = event.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
      if (!data.startsWith('{')) return;
      try {
        const json = JSON.parse(data);
        if (event.includes('event: agora.usage') || json.error?.type === 'agora_payment') this.#owed(json.owedUnits, channelId);
      } catch { /* not JSON: not ours */ }
    };
    const watcher = new TransformStream({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        pending += decoder.decode(chunk, { stream: true }).replaceAll('\r\n', '\n');
        for (let cut = pending.indexOf('\n\n'); cut >= 0; cut = pending.indexOf('\n\n')) {
          readEvent(pending.slice(0, cut));
          pending = pending.slice(cut + 2);
        }
      },
      flush() { if (pending.trim()) readEvent(pending); },
    });
    return new Response(response.body.pipeThrough(watcher), { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /**
   * A paid call: `fetch(endpoint + path, init)` with a receipt, retried as the gateway's
   * refusals say. Resolves to the service's response (a streamed one is read as it
   * arrives); throws `PaymentRefused` for a refusal paying cannot fix.
   * @param {string} path e.g. "/chat/completions"
   * @param {RequestInit} [init]
   * @returns {Promise<Response>}
   */
  async fetch(path, init = {}) {
    return this.#inTurn(() => {
      this.#lastCallBase = this.#signedBefore + this.signedUnits;
      // What an earlier call was asked is no floor for this one (that call signed it, or
      // was refused before it could).
      this.#requiredUnits = 0n;
      return this.#paidCall(path, init, this.#lastCallBase);
    });
  }

  /**
   * Runs `pay` once the calls before it have been answered (their bodies may still be
   * streaming): each receipt follows from the one before, a channel is opened once, and
   * one call's allowance is never another's.
   */
  #inTurn(pay) {
    const paid = this.#turn.then(pay);
    this.#turn = paid.catch(() => {});
    return paid;
  }

  /**
   * One attempt: the gateway's answer and, for a refusal, its body; given up (an
   * `AbortError`) past `ANSWER_TIMEOUT_MS`, or when the caller's own signal aborts.
   */
  async #answer(url, init) {
    return within(ANSWER_TIMEOUT_MS, init.signal, async (signal) => {
      const response = await this.#fetch(url, { ...init, signal });
      const refusal = REFUSAL_STATUSES.includes(response.status) ? await response.clone().json().catch(() => null) : null;
      return { response, refusal };
    });
  }

  /**
   * `fetch`'s attempts. Every refusal that would make the client act on chain (top up,
   * extend, open another channel) is checked against the chain first: a gateway saying
   * so is not enough to lock more of the consumer's funds or spend its fees.
   */
  async #paidCall(path, init, base) {
    for (let attempt = 1; ; attempt += 1) {
      if (this.channelId === null) await this.#open();
      init.signal?.throwIfAborted(); // given up while waiting its turn: nothing to sign
      const { channelId } = this;
      const units = max(this.owedUnits, this.#requiredUnits, this.signedUnits);
      const headers = new Headers(init.headers);
      for (const [name, value] of Object.entries(this.#receipt(units, base))) headers.set(name, value);
      const { response, refusal } = await this.#answer(`${this.endpoint}${path}`, { ...init, headers });
      if (!GATEWAY_REASONS.has(refusal?.error)) {
        this.#owed(response.headers.get('agora-owed-units'), channelId);
        return this.#watch(response, channelId);
      }
      this.#owed(refusal.owedUnits, channelId);
      if (attempt >= ATTEMPTS) throw new PaymentRefused(response.status, refusal);
      switch (refusal.error) {
        case 'receipt_too_low': {
          const required = unitCount(refusal.requiredUnits) ?? unitCount(refusal.owedUnits);
          if (required === null) throw new PaymentRefused(response.status, refusal);
          this.#requiredUnits = required;
          break;
        }
        case 'deposit_exhausted':
        case 'receipt_exceeds_deposit':
          // Not short by the chain: the gateway's reservations (calls still streaming,
          // abandoned ones) may free up, or it is lying; either way, no top-up.
          if (await this.#depositShort()) await topUp(this.#api, this.#account, this.channelId, this.#deposit);
          else await sleep(250 * attempt);
          break;
        case 'channel_expiring': {
          const head = (await this.#api.rpc.chain.getHeader()).number.toNumber();
          const channel = await this.#channel();
          // Extending to no later than it expires already would only cost a fee: the
          // gateway wants more blocks left than `duration` gives.
          if (channel === null || head + this.#duration <= channel.expiresAt) {
            throw new PaymentRefused(response.status, {
              ...refusal, message: `the gateway wants the channel to last longer than ${this.#duration} blocks from now: use a longer duration`,
            });
          }
          await extendChannel(this.#api, this.#account, this.channelId, head + this.#duration);
          break;
        }
        case 'unknown_channel':
          // Closed or reclaimed: the next attempt opens a new one. A channel still open
          // on chain is one the gateway has not seen yet: wait for it instead.
          if (await this.#channel() === null) this.channelId = null;
          else await sleep(250 * attempt);
          break;
        default:
          if (!TRANSIENT.has(refusal.error)) throw new PaymentRefused(response.status, refusal);
          await sleep(250 * attempt);
      }
    }
  }

  /**
   * Signs what the channel owes and hands it to the gateway without a call, so that the
   * provider can claim every call made (the last call's usage is otherwise unsigned).
   * Resolves to `spent`.
   * @returns {Promise<bigint>}
   */
  async settle() {
    return this.#inTurn(() => this.#settle());
  }

  async #settle() {
    if (this.channelId === null || this.owedUnits <= this.signedUnits) return this.spent;
    const { channelId } = this;
    // Counted as signed once handed out (#receipt): never from the count the gateway
    // names, which a gateway could inflate to have the next call sign up to it.
    const headers = this.#receipt(this.owedUnits, this.#lastCallBase);
    const { response, view } = await within(SETTLE_TIMEOUT_MS, undefined, async (signal) => {
      const answer = await this.#fetch(`${this.gateway}/agora/receipts`, { method: 'POST', headers, signal });
      return { response: answer, view: await answer.json().catch(() => null) };
    });
    if (!response.ok) throw new PaymentRefused(response.status, view);
    this.#owed(view?.owedUnits, channelId);
    return this.spent;
  }
}
