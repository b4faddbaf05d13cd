// The connection to an Agora node: one ApiPromise with the agora_* RPC, the chain's name,
// and its best and finalized blocks as they come.
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { agoraRpc } from '@agora/client';

const ChainContext = createContext(null);
const DEFAULT_NODE = 'ws://127.0.0.1:9944';
const STORED_NODE = 'agora-console/node';

/** The node chosen last in this browser, else the dev node. */
function chosenNode() {
  return localStorage.getItem(STORED_NODE) ?? DEFAULT_NODE;
}

/**
 * A node a link asks for (`?node=`), when it is not the one chosen. It is never used
 * without the user's yes: a node answers every read and supplies the metadata that
 * transactions are encoded with, so a link to a hostile node must not switch silently.
 */
function linkedNode() {
  const linked = new URLSearchParams(window.location.search).get('node');
  return linked && linked !== chosenNode() ? linked : null;
}

export function ChainProvider({ children }) {
  const [url, setUrl] = useState(chosenNode);
  const [proposed, setProposed] = useState(linkedNode);
  const [state, setState] = useState({ api: null, status: 'connecting', error: null });
  const [blocks, setBlocks] = useState({ best: null, finalized: null });
  const [chain, setChain] = useState(null);

  useEffect(() => {
    let api;
    let closed = false;
    const unsubscribe = [];
    setState({ api: null, status: 'connecting', error: null });
    // Fail the first connection instead of retrying forever: a wrong URL says so at once.
    const provider = new WsProvider(url, false);
    provider.connect().then(async () => {
      api = await ApiPromise.create({ provider, rpc: agoraRpc, throwOnConnect: true });
      if (closed) return api.disconnect();
      const name = (await api.rpc.system.chain()).toString();
      setChain({ name, genesis: api.genesisHash.toHex(), specVersion: api.runtimeVersion.specVersion.toNumber() });
      unsubscribe.push(await api.rpc.chain.subscribeNewHeads((h) => setBlocks((b) => ({ ...b, best: h.number.toNumber() }))));
      unsubscribe.push(await api.rpc.chain.subscribeFinalizedHeads((h) => setBlocks((b) => ({ ...b, finalized: h.number.toNumber() }))));
      provider.on('disconnected', () => setState((s) => ({ ...s, status: 'disconnected' })));
      provider.on('connected', () => setState((s) => ({ ...s, status: 'connected' })));
      setState({ api, status: 'connected', error: null });
    }).catch((e) => {
      if (!closed) setState({ api: null, status: 'failed', error: `cannot connect to ${url}: ${e.message ?? e}` });
      provider.disconnect().catch(() => {});
    });
    return () => {
      closed = true;
      unsubscribe.forEach((u) => u());
      (api ? api.disconnect() : provider.disconnect()).catch(() => {});
    };
  }, [url]);

  const connect = useCallback((next) => {
    localStorage.setItem(STORED_NODE, next);
    setProposed(null);
    setUrl(next);
  }, []);
  const dismiss = useCallback(() => setProposed(null), []);

  return (
    <ChainContext.Provider value={{ ...state, url, connect, proposed, dismiss, chain, ...blocks }}>
      {children}
    </ChainContext.Provider>
  );
}

/** `{ api, status, error, url, connect, proposed, dismiss, chain, best, finalized }`. */
export function useChain() {
  return useContext(ChainContext);
}

/**
 * `load(api)` run whenever the node, `deps` or (with `everyBlock`) the best block
 * changes: `{ data, error, loading, reload }`. The last answer stays shown while the
 * next one loads, so pages do not flicker with every block.
 */
export function useChainData(load, deps = [], { everyBlock = true } = {}) {
  const { api, best } = useChain();
  // What the answer was asked for: an answer about other inputs (another service, another
  // account) is never shown, even for the moment the next one takes.
  const key = JSON.stringify(deps);
  const [result, setResult] = useState({ key: null, data: undefined, error: null });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (!api) return undefined;
    let current = true;
    load(api).then(
      (data) => current && setResult({ key, data, error: null }),
      // A failed read drops what an earlier one showed: a document that stopped matching
      // its hash is not shown from before.
      (error) => current && setResult({ key, data: undefined, error: error.message ?? String(error) }),
    );
    return () => { current = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, everyBlock ? best : null, nonce, key]);
  const fresh = result.key === key;
  return { data: fresh ? result.data : undefined, error: fresh ? result.error : null, loading: !fresh, reload: () => setNonce((n) => n + 1) };
}
