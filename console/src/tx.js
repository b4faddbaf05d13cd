// Sending transactions from the selected account, and what the chain said when one fails:
// the pallet's own message (its error's documentation), not an index.
import { DispatchFailed, submitOk } from '@agora/client';

/**
 * "services.BondBelowMinimum: The bond is below `min_provider_bond`." for the dispatch
 * error named "services.BondBelowMinimum" (`dispatchErrorName`).
 */
export function errorMessage(api, errorName) {
  const [section, name] = errorName.split('.');
  const docs = api.errors[section]?.[name]?.meta.docs.map((d) => d.toString().trim()).join(' ');
  return docs ? `${section}.${name}: ${docs}` : errorName;
}

/** What went wrong with a transaction, in the pallet's words when the chain refused it. */
export function chainMessage(api, error) {
  if (error instanceof DispatchFailed) return errorMessage(api, error.error);
  // The pool's refusals ("1010: Invalid Transaction: Inability to pay some fees") and
  // the wallet's ("Cancelled") say what they are already.
  return error.message ?? String(error);
}

/** Signs `tx` with the wallet's account and resolves once it is in a block without error. */
export async function send(api, wallet, tx) {
  return submitOk(api, tx, await wallet.signer());
}
