// Usage receipts, byte for byte as agora-primitives defines them (docs/payments.md):
// payload = "agora/receipt/v1" (16 ASCII bytes, no length prefix) ‖ genesis hash (32)
//           ‖ channel id (u64 LE) ‖ cumulative units (u64 LE) = 64 bytes.
import { bnToU8a, hexToU8a, isHex, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';

/** The 16 bytes every payload starts with. */
export const RECEIPT_DOMAIN = stringToU8a('agora/receipt/v1');

const U64_MAX = (1n << 64n) - 1n;

function u64(value, name) {
  const n = BigInt(value);
  if (n < 0n || n > U64_MAX) throw new RangeError(`${name} must fit in a u64, got ${value}`);
  return bnToU8a(n, { bitLength: 64, isLe: true });
}

function hash32(genesisHash) {
  const bytes = typeof genesisHash === 'string' ? (isHex(genesisHash) ? hexToU8a(genesisHash) : null) : genesisHash;
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new TypeError('genesisHash must be 32 bytes (a Uint8Array or 0x-hex)');
  }
  return bytes;
}

/** The 64-byte payload a receipt's signer signs. */
export function encodeReceipt(genesisHash, channelId, cumulativeUnits) {
  return u8aConcat(RECEIPT_DOMAIN, hash32(genesisHash), u64(channelId, 'channelId'), u64(cumulativeUnits, 'cumulativeUnits'));
}

const SCHEMES = { sr25519: 'Sr25519', ed25519: 'Ed25519', ecdsa: 'Ecdsa' };

/**
 * Signs a receipt with a @polkadot/keyring pair (sr25519, ed25519 or ecdsa) and returns
 * what `metering.claim` takes: `{ receipt: { genesisHash, channelId, cumulativeUnits },
 * signature: { Sr25519 | Ed25519 | Ecdsa: 0x… } }`. The `agora_verifyReceipt` RPC takes
 * the signature as `{ sr25519 | ed25519 | ecdsa: 0x… }`: see `rpcSignature`.
 */
export function signReceipt(pair, genesisHash, channelId, cumulativeUnits) {
  const scheme = SCHEMES[pair.type];
  if (!scheme) throw new TypeError(`cannot sign receipts with a ${pair.type} key`);
  const payload = encodeReceipt(genesisHash, channelId, cumulativeUnits);
  return {
    receipt: { genesisHash: u8aToHex(hash32(genesisHash)), channelId: BigInt(channelId), cumulativeUnits: BigInt(cumulativeUnits) },
    signature: { [scheme]: u8aToHex(pair.sign(payload)) },
  };
}

/** A `signReceipt` signature in the shape `agora_verifyReceipt` takes. */
export function rpcSignature(signature) {
  const [scheme, hex] = Object.entries(signature)[0];
  return { [scheme.toLowerCase()]: hex };
}

/**
 * The headers that pay for a call through agora-gateway (docs/gateway.md), from a
 * `signReceipt` result: `Agora-Channel`, `Agora-Units` and `Agora-Signature`
 * (`scheme:0x…`).
 */
export function receiptHeaders({ receipt, signature }) {
  const [scheme, hex] = Object.entries(signature)[0];
  return {
    'Agora-Channel': receipt.channelId.toString(),
    'Agora-Units': receipt.cumulativeUnits.toString(),
    'Agora-Signature': `${scheme.toLowerCase()}:${hex}`,
  };
}

/** The `ReceiptSigner` of `metering.openChannel` for a keyring pair. */
export function receiptSigner(pair) {
  const scheme = SCHEMES[pair.type];
  if (!scheme) throw new TypeError(`a ${pair.type} key cannot sign receipts`);
  return { [scheme]: u8aToHex(pair.publicKey) };
}

/**
 * Whether `pair` signs the receipts of `channel`, a channel as `agora_getChannel` and
 * `agora_listChannels` give it (`signer: { scheme, key }`).
 */
export function signsReceiptsOf(channel, pair) {
  const [[scheme, key]] = Object.entries(receiptSigner(pair));
  return channel.signer.scheme === scheme.toLowerCase() && channel.signer.key === key;
}
