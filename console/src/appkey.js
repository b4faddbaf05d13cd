// The app key: an sr25519 key this browser keeps per account to sign usage receipts for
// the channels it opens (never extrinsics: those go through the wallet). A receipt can
// spend at most its channel's deposit, which bounds what a stolen app key is worth; a
// lost one only stops new receipts, and the deposit comes back by `reclaim` after expiry.
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';

const stored = (address) => `agora-console/app-key/${address}`;

/** The app key of `address` in this browser, made on first use. */
export async function appKey(address) {
  await cryptoWaitReady();
  let mnemonic = localStorage.getItem(stored(address));
  if (!mnemonic) {
    mnemonic = mnemonicGenerate();
    localStorage.setItem(stored(address), mnemonic);
  }
  return new Keyring({ type: 'sr25519' }).addFromMnemonic(mnemonic);
}
