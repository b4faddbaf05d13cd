// Accounts from whatever wallet extension the browser has (polkadot.js, Talisman,
// SubWallet: anything that fills `window.injectedWeb3`), through @polkadot/extension-dapp.
// Keys never reach the page: the extension signs.
import { createContext, useContext, useEffect, useState } from 'react';
import { web3Accounts, web3Enable, web3FromAddress } from '@polkadot/extension-dapp';
import { SS58_PREFIX } from '@agora/client';

const WalletContext = createContext(null);
const STORED_ACCOUNT = 'agora-console/account';

export function WalletProvider({ children }) {
  const [accounts, setAccounts] = useState([]);
  const [selected, setSelected] = useState(() => localStorage.getItem(STORED_ACCOUNT));
  const [status, setStatus] = useState('looking for a wallet');

  useEffect(() => {
    let active = true;
    (async () => {
      const extensions = await web3Enable('Agora Console');
      if (!active) return;
      if (extensions.length === 0) {
        setStatus('no wallet extension: install polkadot.js, Talisman or SubWallet to sign');
        return;
      }
      const found = await web3Accounts({ ss58Format: SS58_PREFIX });
      if (!active) return;
      setAccounts(found);
      setStatus(`${extensions.map((e) => e.name).join(', ')}: ${found.length} account(s)`);
    })().catch((e) => active && setStatus(`the wallet refused: ${e.message}`));
    return () => { active = false; };
  }, []);

  const account = accounts.find((a) => a.address === selected) ?? accounts[0] ?? null;
  const choose = (address) => {
    localStorage.setItem(STORED_ACCOUNT, address);
    setSelected(address);
  };
  /** The selected account as @agora/client signs with it: `{ address, signer }`. */
  const signer = async () => {
    if (!account) throw new Error('connect a wallet and choose an account first');
    const injector = await web3FromAddress(account.address);
    return { address: account.address, signer: injector.signer };
  };

  return (
    <WalletContext.Provider value={{ accounts, account, choose, signer, status }}>
      {children}
    </WalletContext.Provider>
  );
}

/** `{ accounts, account, choose, signer, status }`. */
export function useWallet() {
  return useContext(WalletContext);
}
