// What a provider's agora-gateway says about a channel (docs/gateway.md): read as the
// untrusted input it is, since the gateway belongs to the provider being paid.
import { receiptHeaders } from './receipt.js';

/** How long a gateway may take to answer before it counts as not answering. */
const ANSWER_TIMEOUT_MS = 10_000;
/** The most of a gateway's own message shown to a user. */
const MESSAGE_LIMIT = 200;
/** The largest count of units a receipt can carry (a u64 on chain). */
const MAX_UNITS = 2n ** 64n - 1n;

/**
 * A count of units a gateway wrote (a JSON number or a header's digits) as a bigint, or
 * null for anything else: "0x10", " 5", "1e3", 1.5 or more than a u64 are not counts.
 */
export function unitCount(value) {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
  if (typeof value !== 'string' || !/^[0-9]{1,20}$/.test(value)) return null;
  const count = BigInt(value);
  return count <= MAX_UNITS ? count : null;
}

/**
 * `work(signal)` with a signal that aborts (a `TimeoutError`) once `ms` have passed, or
 * when `callerSignal` aborts; the timer ends with the work.
 */
export async function within(ms, callerSignal, work) {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException(`no answer within ${ms / 1000} s`, 'TimeoutError')), ms);
  try {
    return await work(callerSignal ? AbortSignal.any([callerSignal, timeout.signal]) : timeout.signal);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The gateway's account of channel `channelId` (`GET /agora/channels/{id}`), which it
 * shows to whoever presents a receipt of the channel (`signedReceipt`, e.g. one for 0
 * units from the channel's app key). Resolves to `{ owedUnits, signedUnits }` (bigints):
 * the units the channel's calls used, and those of the best receipt the gateway holds.
 * Throws an `Error` whose message says what was wrong: no answer within `timeoutMs`, no
 * connection (the browser's reason: DNS, CORS, TLS), a refusal (with the gateway's message, cut to 200 characters), or an answer that is not
 * an account.
 * @param {string} gateway the gateway's root, e.g. `PayingClient#gateway`
 * @param {number} channelId
 * @param {{ receipt: object, signature: object }} signedReceipt from `signReceipt`
 * @returns {Promise<{ owedUnits: bigint, signedUnits: bigint }>}
 */
export async function channelAccount(gateway, channelId, signedReceipt, { fetch = globalThis.fetch, timeoutMs = ANSWER_TIMEOUT_MS } = {}) {
  const { response, body } = await within(timeoutMs, undefined, async (signal) => {
    const silent = () => new Error(`no answer from ${gateway} within ${timeoutMs / 1000} s`);
    let answer;
    try {
      answer = await fetch(`${gateway}/agora/channels/${channelId}`, { headers: receiptHeaders(signedReceipt), signal });
    } catch (error) {
      throw signal.aborted ? silent() : new Error(`cannot reach ${gateway}: ${error.message}`);
    }
    try {
      return { response: answer, body: await answer.json() };
    } catch {
      throw signal.aborted ? silent() : new Error(`${gateway} answered HTTP ${answer.status} with something other than JSON`);
    }
  });
  if (!response.ok) {
    const message = typeof body?.message === 'string' ? body.message.slice(0, MESSAGE_LIMIT) : 'no message';
    throw new Error(`${gateway} refused (HTTP ${response.status}): ${message}`);
  }
  // The account is JSON: its counts are numbers, not strings of digits.
  const count = (value) => (typeof value === 'number' ? unitCount(value) : null);
  const owedUnits = count(body?.owedUnits);
  const signedUnits = count(body?.signedUnits);
  if (owedUnits === null || signedUnits === null) throw new Error(`${gateway} answered without the channel's used and signed units`);
  return { owedUnits, signedUnits };
}
