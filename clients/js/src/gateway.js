// What a provider's agora-gateway says about a channel (docs/gateway.md): read as the
// untrusted input it is, since the gateway belongs to the provider being paid.
import { receiptHeaders } from './receipt.js';

/** How long a gateway may take to answer before it counts as not answering. */
const ANSWER_TIMEOUT_MS = 10_000;
/** The most of a gateway's own message shown to a user. */
const MESSAGE_LIMIT = 200;

/** A count of units as the gateway writes it: a JSON number, whole and not negative. */
function units(value) {
  return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
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
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let response;
  let body;
  try {
    const silent = () => new Error(`no answer from ${gateway} within ${timeoutMs / 1000} s`);
    try {
      response = await fetch(`${gateway}/agora/channels/${channelId}`, { headers: receiptHeaders(signedReceipt), signal: abort.signal });
    } catch (error) {
      throw abort.signal.aborted ? silent() : new Error(`cannot reach ${gateway}: ${error.message}`);
    }
    try {
      body = await response.json();
    } catch {
      throw abort.signal.aborted ? silent() : new Error(`${gateway} answered HTTP ${response.status} with something other than JSON`);
    }
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    const message = typeof body?.message === 'string' ? body.message.slice(0, MESSAGE_LIMIT) : 'no message';
    throw new Error(`${gateway} refused (HTTP ${response.status}): ${message}`);
  }
  const owedUnits = units(body?.owedUnits);
  const signedUnits = units(body?.signedUnits);
  if (owedUnits === null || signedUnits === null) throw new Error(`${gateway} answered without the channel's used and signed units`);
  return { owedUnits, signedUnits };
}
