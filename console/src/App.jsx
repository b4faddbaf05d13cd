import { useEffect, useState } from 'react';
import { useChain } from './chain.jsx';
import { useWallet } from './wallet.jsx';
import { agr, short, visible } from './format.js';
import { useChainData } from './chain.jsx';
import Marketplace from './pages/Marketplace.jsx';
import Service from './pages/Service.jsx';
import Channels from './pages/Channels.jsx';
import Provider from './pages/Provider.jsx';
import Contributors from './pages/Contributors.jsx';
import Governance from './pages/Governance.jsx';
import ErrorBoundary from './components/ErrorBoundary.jsx';

const PAGES = [
  ['market', 'Marketplace'],
  ['channels', 'My channels'],
  ['provider', 'Provider'],
  ['contributors', 'Contributors'],
  ['governance', 'Governance'],
];

/** The page named by the address's #fragment: `#/market`, `#/service/3`, … */
function useRoute() {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/');
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

/** A link asked for another node: used only if the user says so. */
function ProposedNode() {
  const { proposed, connect, dismiss, url } = useChain();
  if (!proposed) return null;
  return (
    <div className="banner" role="alertdialog" data-testid="proposed-node">
      This link asks the Console to use the node <code>{visible(proposed)}</code> instead of <code>{visible(url)}</code>.
      A node you do not trust can show false balances and proposals, and encode what you sign.
      <button type="button" name="use-linked-node" onClick={() => connect(proposed)}>Use {visible(proposed)}</button>
      <button type="button" onClick={dismiss}>Stay on {visible(url)}</button>
    </div>
  );
}

function NodeBar() {
  const { url, connect, status, error, chain, best, finalized } = useChain();
  const [draft, setDraft] = useState(url);
  useEffect(() => setDraft(url), [url]);
  return (
    <form className="node" onSubmit={(e) => { e.preventDefault(); connect(draft.trim()); }}>
      <input aria-label="node URL" value={draft} onChange={(e) => setDraft(e.target.value)} />
      <button type="submit">Connect</button>
      {status === 'connected' && chain
        ? <span data-testid="chain" title={`genesis ${chain.genesis}`}>{visible(chain.name)} ({chain.genesis.slice(0, 10)}…) · runtime {chain.specVersion} · best <b data-testid="best">#{best ?? '…'}</b> · finalized <b data-testid="finalized">#{finalized ?? '…'}</b></span>
        : <span className={error ? 'error' : ''}>{error ?? status}</span>}
    </form>
  );
}

function AccountPicker() {
  const { accounts, account, choose, status } = useWallet();
  const balance = useChainData(
    async (api) => (account ? (await api.query.system.account(account.address)).data : null),
    [account?.address],
  );
  if (accounts.length === 0) return <span className="wallet">{status}</span>;
  return (
    <span className="wallet">
      <select aria-label="account" value={account?.address} onChange={(e) => choose(e.target.value)}>
        {accounts.map((a) => <option key={a.address} value={a.address}>{a.meta.name ?? short(a.address)} ({short(a.address)})</option>)}
      </select>
      {balance.data && <span data-testid="free">{agr(balance.data.free.toBigInt())} free</span>}
    </span>
  );
}

export default function App() {
  const [page, ...args] = useRoute();
  const { api, url } = useChain();
  const { account } = useWallet();
  const current = page || 'market';
  let body;
  if (!api) body = <p>Not connected to a node.</p>;
  else if (current === 'service') body = <Service key={args[0]} id={Number(args[0])} />;
  else if (current === 'channels') body = <Channels />;
  else if (current === 'provider') body = <Provider />;
  else if (current === 'contributors') body = <Contributors />;
  else if (current === 'governance') body = <Governance />;
  else body = <Marketplace />;
  return (
    <>
      <header>
        <h1>Agora Console</h1>
        <NodeBar />
        <AccountPicker />
      </header>
      <ProposedNode />
      <nav>
        {PAGES.map(([id, label]) => <a key={id} href={`#/${id}`} className={current === id ? 'active' : ''}>{label}</a>)}
      </nav>
      <main><ErrorBoundary key={[url, account?.address, current, ...args].join(' ')}>{body}</ErrorBoundary></main>
    </>
  );
}
