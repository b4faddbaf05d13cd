// @agora/client: what a dApp needs beyond @polkadot/api to use Agora.
export { agoraRpc, agoraMethodNames } from './rpc.js';
export { RECEIPT_DOMAIN, encodeReceipt, receiptHeaders, receiptSigner, rpcSignature, signReceipt } from './receipt.js';
export {
  DispatchFailed, PALLET_IDS, SS58_PREFIX, claim, claimBatch, dispatchErrorName, findEvent, openChannel,
  palletAccount, propose, reclaim, submit, submitOk, vote,
} from './chain.js';
