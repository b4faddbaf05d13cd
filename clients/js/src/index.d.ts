// Type declarations of @agora/client (written by hand, checked by test/types.test.js:
// every export of src/index.js is declared, and test/types/usage.ts compiles).
import type { ApiPromise } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { EventRecord, Hash } from '@polkadot/types/interfaces';
import type { Signer } from '@polkadot/types/types';

type Bytes32 = Uint8Array | `0x${string}`;
type Units = number | bigint;

// --- RPC ----------------------------------------------------------------------------
/** The agora_* methods as @polkadot/api custom RPC definitions (`rpc: agoraRpc`). */
export declare const agoraRpc: { agora: Record<string, { description: string; params: object[]; type: string }> };
/** `agora_<name>` for every method of `agoraRpc`. */
export declare const agoraMethodNames: string[];

// --- Receipts -----------------------------------------------------------------------
export declare const RECEIPT_DOMAIN: Uint8Array;
export type SignatureScheme = 'Sr25519' | 'Ed25519' | 'Ecdsa';
export interface SignedReceipt {
  receipt: { genesisHash: `0x${string}`; channelId: bigint; cumulativeUnits: bigint };
  signature: Partial<Record<SignatureScheme, `0x${string}`>>;
}
/** The 64-byte payload a receipt's signer signs (docs/payments.md). */
export declare function encodeReceipt(genesisHash: Bytes32, channelId: Units, cumulativeUnits: Units): Uint8Array;
export declare function signReceipt(pair: KeyringPair, genesisHash: Bytes32, channelId: Units, cumulativeUnits: Units): SignedReceipt;
export declare function rpcSignature(signature: SignedReceipt['signature']): Record<string, `0x${string}`>;
/** `Agora-Channel`, `Agora-Units`, `Agora-Signature`: what pays for a call through agora-gateway. */
export declare function receiptHeaders(signed: SignedReceipt): Record<'Agora-Channel' | 'Agora-Units' | 'Agora-Signature', string>;
export declare function receiptSigner(pair: KeyringPair): Partial<Record<SignatureScheme, `0x${string}`>>;
/** Whether `pair` signs the receipts of `channel` (as `agora_getChannel` gives it). */
export declare function signsReceiptsOf(channel: { signer: { scheme: string; key: string } }, pair: KeyringPair): boolean;

// --- Free calls ---------------------------------------------------------------------
/** What identifies a free call: the text its caller signs (docs/gateway.md, "Free trial calls"). */
export interface FreeCall {
  genesisHash: Bytes32;
  serviceId: number | bigint;
  /** The request's path and query, as the gateway receives it (e.g. `/chat/completions`). */
  path: string;
  method?: string;
  /** New for every request (default: 24 random hex digits). */
  nonce?: string;
  /** Unix seconds (default: now). */
  time?: number;
}
export declare function freeCallText(call: Required<FreeCall>): string;
/** `Agora-Caller`, `Agora-Caller-Time`, `Agora-Caller-Nonce`, `Agora-Caller-Signature`. */
export declare function freeCallHeaders(pair: KeyringPair, call: FreeCall): Record<'Agora-Caller' | 'Agora-Caller-Time' | 'Agora-Caller-Nonce' | 'Agora-Caller-Signature', string>;

// --- Transactions -------------------------------------------------------------------
export declare const SS58_PREFIX: 4242;
export declare const PALLET_IDS: Readonly<{ treasury: string; rewards: string }>;
export declare function palletAccount(palletId: string): string;

/** A keyring pair, or an address with an injected `Signer` (browser extensions). */
export type Account = KeyringPair | { address: string; signer: Signer };

export interface Inclusion {
  blockHash: Hash;
  events: EventRecord[];
  /** The transaction fee it paid (planck). */
  fee: bigint;
  /** "section.Name" of the dispatch error, null on success. */
  error: string | null;
}
export declare class DispatchFailed extends Error {
  readonly error: string;
  readonly inclusion: Inclusion;
}
export interface Settlement {
  channelId: number;
  cumulativeUnits: bigint;
  amount: bigint;
  protocolFee: bigint;
  contributorShare: bigint;
  providerNet: bigint;
}
export interface Price { unit: string; perUnit: bigint | string }

export declare function dispatchErrorName(api: ApiPromise, dispatchError: unknown): string;
export declare function findEvent(api: ApiPromise, events: EventRecord[], pallet: string, name: string): any;
export declare function submit(api: ApiPromise, tx: SubmittableExtrinsic<'promise'>, signer: Account): Promise<Inclusion>;
export declare function submitOk(api: ApiPromise, tx: SubmittableExtrinsic<'promise'>, signer: Account): Promise<Inclusion>;
export declare function openChannel(api: ApiPromise, consumer: Account, channel: {
  serviceId: number | bigint; deposit: bigint; duration: number; receiptSigner: object; agreedPrice: Price;
}): Promise<Inclusion & { channelId: number; expiresAt: number; pricePerUnit: bigint }>;
export declare function topUp(api: ApiPromise, consumer: Account, channelId: number, amount: bigint): Promise<Inclusion & { deposit: bigint }>;
export declare function extendChannel(api: ApiPromise, consumer: Account, channelId: number, expiresAt: number): Promise<Inclusion & { expiresAt: number }>;
export declare function claim(api: ApiPromise, payee: Account, signed: SignedReceipt, options?: { close?: boolean }): Promise<Inclusion & Settlement & { refunded: bigint | null }>;
export declare function claimBatch(api: ApiPromise, payee: Account, signed: SignedReceipt[]): Promise<Inclusion & {
  settled: Settlement[]; rejected: { channelId: number; error: string }[]; amount: bigint;
}>;
export declare function reclaim(api: ApiPromise, consumer: Account, channelId: number): Promise<Inclusion & { refunded: bigint }>;
/** The marketplace parameters in force; amounts in planck, periods in blocks, shares in Perbill. */
export interface MarketplaceParameters {
  protocolFee: number;
  minChannelDeposit: bigint;
  minProviderBond: bigint;
  serviceDeposit: bigint;
  minSpendToRate: bigint;
  unbondingPeriod: number;
  datasetDeposit: bigint;
  contributionDeposit: bigint;
  submissionDeposit: bigint;
  proposalDeposit: bigint;
  votingPeriod: number;
  enactmentDelay: number;
  voteLockingPeriod: number;
  minTurnout: number;
  approvalThreshold: number;
}
export declare function marketplaceParameters(api: ApiPromise): Promise<MarketplaceParameters>;
export declare function propose(api: ApiPromise, proposer: Account, call: SubmittableExtrinsic<'promise'>): Promise<Inclusion & { proposalId: number; endsAt: number }>;
export declare function vote(api: ApiPromise, holder: Account, proposalId: number, vote: { aye: boolean; balance: bigint; conviction?: string }): Promise<Inclusion>;

// --- Service metadata ---------------------------------------------------------------
export declare const SERVICE_METADATA_SCHEMA: 'agora/service-metadata/v1';
export type ApiKind = 'openai-chat' | 'openai-embeddings' | 'openai-images' | 'custom';
export declare const API_KINDS: readonly ApiKind[];
/** An `agora/service-metadata/v1` document (docs/service-metadata.md). */
export interface ServiceMetadata {
  schema: 'agora/service-metadata/v1';
  name: string;
  description?: string;
  api: ApiKind;
  endpoints: { url: string; gateway?: string; region?: string }[];
  model?: { name?: string; version?: string; contextLength?: number; license?: string; card?: string };
  terms?: { url?: string; creditLimitUnits?: number; expiryMarginBlocks?: number };
  [extension: string]: unknown;
}
/** A service as `agora_getService` answers. */
export interface ServiceListing {
  id: number;
  provider: string;
  name: string;
  tags: string[];
  metadataUri: string;
  metadataHash: `0x${string}`;
  price: { unit: string; perUnit: string };
  status: string;
  [field: string]: unknown;
}
export declare class MetadataMismatch extends Error {
  readonly serviceId: number;
  readonly expected: string;
  readonly actual: string;
}
export declare class InvalidMetadata extends Error {}
export declare function metadataHash(bytes: Uint8Array | string): `0x${string}`;
export declare function checkServiceMetadata(document: unknown): ServiceMetadata;
export declare function discoverService(api: ApiPromise, serviceId: number, options?: { fetch?: typeof fetch }): Promise<{
  service: ServiceListing; metadata: ServiceMetadata; endpoint: string;
}>;
export declare function gatewayOf(metadata: ServiceMetadata): string;
export declare function isHttpUrl(text: unknown): boolean;

// --- A gateway's account of a channel -------------------------------------------------
export declare function channelAccount(gateway: string, channelId: number, signed: SignedReceipt, options?: {
  fetch?: typeof fetch; timeoutMs?: number;
}): Promise<{ owedUnits: bigint; signedUnits: bigint }>;

// --- Paying client ------------------------------------------------------------------
export declare class PaymentRefused extends Error {
  readonly status: number;
  readonly reason: string;
  readonly body: { error: string; message: string; owedUnits?: number; requiredUnits?: number };
}
export declare class PriceAboveLimit extends Error {}
export declare class SpendLimitExceeded extends Error {
  readonly units: bigint;
  readonly limit: bigint;
}
export interface PayingClientOptions {
  serviceId: number;
  account: Account;
  appKey: KeyringPair;
  deposit: bigint;
  duration: number;
  maxPricePerUnit?: bigint;
  /** The most units one call may add to the receipts; a call may cost up to the deposit without it. */
  maxUnitsPerCall?: bigint | number;
  channelId?: number;
  fetch?: typeof fetch;
}
export declare class PayingClient {
  static connect(api: ApiPromise, options: PayingClientOptions): Promise<PayingClient>;
  readonly service: ServiceListing;
  readonly metadata: ServiceMetadata;
  readonly endpoint: string;
  readonly gateway: string;
  readonly price: { unit: string; perUnit: bigint };
  readonly channelId: number | null;
  /** Units the paying channel owes, as the gateway last said (whole decimal counts only). */
  readonly owedUnits: bigint;
  /** Units of the paying channel's best receipt handed to the gateway. */
  readonly signedUnits: bigint;
  /** What the provider can claim from this client (planck): every receipt handed out. */
  readonly spent: bigint;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  settle(): Promise<bigint>;
}
