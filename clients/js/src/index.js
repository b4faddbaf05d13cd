// @agora/client: what a dApp needs beyond @polkadot/api to use Agora.
export { agoraRpc, agoraMethodNames } from './rpc.js';
export {
  RECEIPT_DOMAIN, encodeReceipt, receiptHeaders, receiptSigner, rpcSignature, signReceipt, signsReceiptsOf,
} from './receipt.js';
export {
  DispatchFailed, PALLET_IDS, SS58_PREFIX, claim, claimBatch, dispatchErrorName, extendChannel, findEvent, openChannel,
  marketplaceParameters, palletAccount, propose, reclaim, submit, submitOk, topUp, vote,
} from './chain.js';
export {
  API_KINDS, InvalidMetadata, MetadataMismatch, SERVICE_METADATA_SCHEMA, checkServiceMetadata, discoverService, gatewayOf, isHttpUrl, metadataHash,
} from './metadata.js';
export { channelAccount } from './gateway.js';
export { PayingClient, PaymentRefused, PriceAboveLimit, SpendLimitExceeded } from './paying.js';
export { freeCallHeaders, freeCallText } from './freecall.js';
