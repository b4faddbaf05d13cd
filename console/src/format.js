// How the Console writes chain values: AGR with its 12 decimals, accounts in SS58 with
// Agora's prefix 4242, blocks as wall time.
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { SS58_PREFIX } from '@agora/client';

export const DECIMALS = 12;
export const PLANCK_PER_AGR = 10n ** BigInt(DECIMALS);
/** Target block time of every Agora chain (docs/architecture.md). */
export const BLOCK_MS = 6000;

/** `planck` (bigint, number or decimal string) as "1,234.5 AGR", every significant decimal kept. */
export function agr(planck) {
  const value = BigInt(planck ?? 0);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const whole = (abs / PLANCK_PER_AGR).toLocaleString('en-US');
  const fraction = (abs % PLANCK_PER_AGR).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''} AGR`;
}

/** "1,234.5" (AGR) as planck; throws a readable error for anything else. */
export function parseAgr(text) {
  const clean = String(text).replaceAll(',', '').trim();
  const match = /^(\d+)(?:\.(\d{0,12}))?$/.exec(clean);
  if (!match) throw new Error(`"${text}" is not an amount of AGR (up to ${DECIMALS} decimals)`);
  return BigInt(match[1]) * PLANCK_PER_AGR + BigInt((match[2] ?? '').padEnd(DECIMALS, '0'));
}

/** Any SS58 address or 0x account as Agora's SS58 (prefix 4242). */
export function ss58(address) {
  return encodeAddress(decodeAddress(address), SS58_PREFIX);
}

/** "5Grw…utQY" for tight places; the full address stays in the title. */
export function short(address) {
  const full = ss58(address);
  return `${full.slice(0, 6)}…${full.slice(-4)}`;
}

/** `blocks` as "about 1 h 5 min" at the target block time. */
export function blocksToTime(blocks) {
  const seconds = Math.max(0, Number(blocks)) * (BLOCK_MS / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

/** A share in parts per billion as "5 %". */
export function percent(perBillion) {
  return `${(Number(perBillion) / 1e7).toLocaleString('en-US', { maximumFractionDigits: 7 })} %`;
}

/** Invisible and direction-changing characters: they let one name pass for another. */
const DECEPTIVE = /[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\u3164\ufeff\uffa0\u{e0000}-\u{e007f}]/gu;

/**
 * Text a provider, curator or proposer chose (names, tags), with every invisible or
 * direction-changing character shown as its code point: "paypal\u202Eexe" reads
 * "paypal⟨U+202E⟩exe", not a reversed name.
 */
export function visible(text) {
  return String(text).replace(DECEPTIVE, (c) => `⟨U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/** Bytes given as 0x-hex, as (visible) text when they are printable UTF-8. */
export function hexText(hex) {
  try {
    const bytes = Uint8Array.from(hex.slice(2).match(/../g) ?? [], (b) => parseInt(b, 16));
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return /^[\x20-\x7e\u00a0-\uffff]*$/.test(text) ? visible(text) : hex;
  } catch {
    return hex;
  }
}
