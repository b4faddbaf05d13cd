// @agora/client: what a dApp needs beyond @polkadot/api to use Agora.
export { agoraRpc, agoraMethodNames } from './rpc.js';
export { RECEIPT_DOMAIN, encodeReceipt, receiptSigner, rpcSignature, signReceipt } from './receipt.js';
