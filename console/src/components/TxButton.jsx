import { useState } from 'react';
import { useChain } from '../chain.jsx';
import { useWallet } from '../wallet.jsx';
import { chainMessage, send } from '../tx.js';

/**
 * A button that builds a transaction with `build(api)`, has the wallet sign it and shows
 * how it went; `onDone(inclusion)` runs once it is in a block. `build` may throw to
 * refuse bad input before anything is signed.
 */
export default function TxButton({ label, build, onDone, disabled, name }) {
  const { api } = useChain();
  const wallet = useWallet();
  const [state, setState] = useState({ busy: false, message: null, failed: false });
  const run = async () => {
    setState({ busy: true, message: 'waiting for the wallet and the next block…', failed: false });
    try {
      const inclusion = await send(api, wallet, await build(api));
      setState({ busy: false, message: `in block ${inclusion.blockHash.toHex().slice(0, 10)}…`, failed: false });
      await onDone?.(inclusion);
    } catch (e) {
      setState({ busy: false, message: chainMessage(api, e), failed: true });
    }
  };
  return (
    <span className="tx">
      <button type="button" name={name} onClick={run} disabled={disabled || state.busy || !api || !wallet.account}>{label}</button>
      {state.message && <span role={state.failed ? 'alert' : 'status'} className={state.failed ? 'error' : 'ok'}>{state.message}</span>}
    </span>
  );
}
