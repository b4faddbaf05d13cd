// Free trial calls through agora-gateway (docs/gateway.md, "Free trial calls"): no channel,
// no AGR; the caller's account signs the request instead of a receipt.
import { isHex, stringToU8a, u8aToHex } from '@polkadot/util';
import { randomAsHex } from '@polkadot/util-crypto';

const SCHEMES = { sr25519: 'sr25519', ed25519: 'ed25519', ecdsa: 'ecdsa' };

/**
 * The text a caller signs for a free call:
 * `agora/free-call/v1:{genesis hash}:{service id}:{time}:{nonce}:{METHOD}:{path and query}`.
 */
export function freeCallText({ genesisHash, serviceId, time, nonce, method, path }) {
  const genesis = typeof genesisHash === 'string' ? genesisHash : u8aToHex(genesisHash);
  if (!isHex(genesis, 256)) throw new TypeError('genesisHash must be 32 bytes (a Uint8Array or 0x-hex)');
  if (!path.startsWith('/')) throw new TypeError(`path must start with '/': '${path}'`);
  return `agora/free-call/v1:${genesis.toLowerCase()}:${serviceId}:${time}:${nonce}:${method.toUpperCase()}:${path}`;
}

/**
 * The headers of a free call to `path` (and query) of a service's gateway, signed by the
 * caller's keyring `pair` (sr25519, ed25519 or ecdsa): `Agora-Caller`,
 * `Agora-Caller-Time`, `Agora-Caller-Nonce` and `Agora-Caller-Signature`. A request is
 * good once: sign every request anew (a new nonce each time, by default).
 */
export function freeCallHeaders(pair, {
  genesisHash, serviceId, path, method = 'POST', nonce = randomAsHex(12).slice(2), time = Math.floor(Date.now() / 1000),
}) {
  const scheme = SCHEMES[pair.type];
  if (!scheme) throw new TypeError(`cannot sign free calls with a ${pair.type} key`);
  const text = freeCallText({ genesisHash, serviceId, time, nonce, method, path });
  return {
    'Agora-Caller': pair.address,
    'Agora-Caller-Time': String(time),
    'Agora-Caller-Nonce': nonce,
    'Agora-Caller-Signature': `${scheme}:${u8aToHex(pair.sign(stringToU8a(text)))}`,
  };
}
