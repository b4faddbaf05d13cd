import { useRef, useState } from 'react';
import { PayingClient, discoverService, isHttpUrl, receiptSigner, signsReceiptsOf } from '@agora/client';
import { useChain, useChainData } from '../chain.jsx';
import { useWallet } from '../wallet.jsx';
import { agr, blocksToTime, parseAgr, percent, visible } from '../format.js';
import { appKey } from '../appkey.js';
import { chainMessage } from '../tx.js';
import Address from '../components/Address.jsx';
import Field from '../components/Field.jsx';
import TxButton from '../components/TxButton.jsx';
import { Rating } from './Marketplace.jsx';

function Quote({ service }) {
  const [units, setUnits] = useState('1000');
  const quote = useChainData(async (api) => {
    if (!/^\d+$/.test(units)) throw new Error(`"${units}" is not a number of units`);
    return (await api.rpc.agora.quote(service.id, units)).toJSON();
  }, [units], { everyBlock: false });
  return (
    <div className="card">
      <h3>Quote</h3>
      <Field label={`units (${service.price.unit})`} name="quote-units" value={units} onChange={setUnits} />
      {quote.error && <p role="alert" className="error">{quote.error}</p>}
      {quote.data && !quote.error && (
        <dl data-testid="quote">
          <dt>total</dt><dd>{agr(quote.data.total)}</dd>
          <dt>protocol fee</dt><dd>{agr(quote.data.protocolFee)}</dd>
          <dt>dataset contributors</dt><dd>{agr(quote.data.contributorShare)}</dd>
          <dt>provider</dt><dd>{agr(quote.data.providerNet)}</dd>
        </dl>
      )}
    </div>
  );
}

/** Opens a channel to the service whose receipts this browser's app key signs. */
function OpenChannel({ service, onOpened }) {
  const { account } = useWallet();
  const [deposit, setDeposit] = useState('10');
  const [duration, setDuration] = useState('600');
  const [maxPrice, setMaxPrice] = useState(() => agr(service.price.perUnit).replace(' AGR', ''));
  const build = async (api) => {
    const blocks = Number(duration);
    if (!Number.isInteger(blocks) || blocks <= 0) throw new Error(`"${duration}" is not a number of blocks`);
    const key = await appKey(account.address);
    // The price agreed to is the most the consumer accepts: a provider that raised its
    // price since makes the opening fail (metering.PriceAboveAgreed) instead of charging it.
    return api.tx.metering.openChannel(service.id, parseAgr(deposit), blocks, receiptSigner(key), { unit: service.price.unit, perUnit: parseAgr(maxPrice) });
  };
  return (
    <div className="card">
      <h3>Open a channel</h3>
      <Field label="deposit (AGR)" name="deposit" value={deposit} onChange={setDeposit} hint="held, not paid: what you do not spend comes back" />
      <Field label="duration (blocks)" name="duration" value={duration} onChange={setDuration} hint={`about ${blocksToTime(duration)}`} />
      <Field label={`most you pay per ${service.price.unit} (AGR)`} name="max-price" value={maxPrice} onChange={setMaxPrice} />
      <TxButton label="Open channel" name="open-channel" build={build} onDone={onOpened} />
    </div>
  );
}

/**
 * What `PayingClient` signs transactions with during *Try it*: nothing. Topping up,
 * extending or opening a channel is the user's own decision, on *My channels* or above,
 * never one a gateway's answer can make for them.
 */
const NO_TRANSACTIONS = {
  signPayload: () => Promise.reject(new Error('the channel needs a top-up, a later expiry or replacing: do it on My channels, then try again')),
};

/** A paid call through the service's gateway, by @agora/client's PayingClient. */
function TryIt({ service, metadata }) {
  const { api } = useChain();
  const wallet = useWallet();
  const client = useRef(null);
  const [maxUnits, setMaxUnits] = useState('10');
  const [path, setPath] = useState(metadata.api === 'openai-chat' ? '/chat/completions' : '/');
  const [body, setBody] = useState(JSON.stringify({ model: metadata.model?.name ?? 'model', messages: [{ role: 'user', content: 'Hello' }] }, null, 2));
  const [result, setResult] = useState(null);
  const shown = (paying, response, text) => ({
    status: response?.status, text, channelId: paying.channelId, owedUnits: paying.owedUnits, signedUnits: paying.signedUnits, spent: paying.spent,
  });
  const call = async () => {
    setResult({ busy: true });
    try {
      if (!/^\d+$/.test(maxUnits) || BigInt(maxUnits) === 0n) throw new Error(`"${maxUnits}" is not a number of units`);
      const key = await appKey(wallet.account.address);
      // The newest open channel of this service that this browser's app key signs for,
      // read now: the one opened a moment ago included.
      const mine = (await api.rpc.agora.listChannels({ consumer: wallet.account.address }))
        .map((c) => c.toJSON())
        .filter((c) => c.serviceId === service.id && signsReceiptsOf(c, key))
        .at(-1);
      if (!mine) throw new Error('open a channel first: this browser signs receipts only for the channels it opened');
      client.current = await PayingClient.connect(api, {
        serviceId: service.id, account: { address: wallet.account.address, signer: NO_TRANSACTIONS }, appKey: key,
        channelId: mine.id, deposit: BigInt(mine.deposit), duration: 600, maxUnitsPerCall: BigInt(maxUnits),
      });
      const response = await client.current.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      setResult(shown(client.current, response, await response.text()));
    } catch (e) {
      setResult({ error: chainMessage(api, e) });
    }
  };
  // The last call's usage is owed but not yet signed for: paid only when the user says so.
  const payOwed = async () => {
    try {
      await client.current.settle();
      setResult((r) => ({ ...shown(client.current, null, r.text), status: r.status }));
    } catch (e) {
      setResult((r) => ({ ...r, error: chainMessage(api, e) }));
    }
  };
  return (
    <div className="card">
      <h3>Try it</h3>
      <Field label="path" name="try-path" value={path} onChange={setPath} />
      <Field label={`most this call may cost (${service.price.unit} units)`} name="max-units" value={maxUnits} onChange={setMaxUnits}
        hint={`the gateway gets no receipt beyond it: at most ${/^\d+$/.test(maxUnits) ? agr(BigInt(maxUnits) * BigInt(service.price.perUnit)) : '?'}`} />
      <Field label="request body (JSON)">
        <textarea name="try-body" rows={5} value={body} onChange={(e) => setBody(e.target.value)} />
      </Field>
      <button type="button" name="try-it" onClick={call} disabled={result?.busy || !wallet.account}>Send paid call</button>
      {result?.error && <p role="alert" className="error">{visible(result.error)}</p>}
      {result?.status && (
        <div data-testid="try-result">
          <p>HTTP {result.status} on channel #{result.channelId}: {result.owedUnits.toString()} units owed, {result.signedUnits.toString()} signed for, {agr(result.spent)} spent so far</p>
          {result.owedUnits > result.signedUnits && (
            <button type="button" name="pay-owed" onClick={payOwed}>Pay the {(result.owedUnits - result.signedUnits).toString()} units owed</button>
          )}
          <pre>{result.text}</pre>
        </div>
      )}
    </div>
  );
}

export default function Service({ id }) {
  const { api } = useChain();
  const service = useChainData(async (a) => (await a.rpc.agora.getService(id)).toJSON(), [id]);
  const discovered = useChainData(() => discoverService(api, id), [id], { everyBlock: false });
  const [opened, setOpened] = useState(null);
  if (service.error) return <p role="alert" className="error">{service.error}</p>;
  if (!service.data) return <p>Loading service {id}…</p>;
  const s = service.data;
  return (
    <section>
      <h2>#{s.id} {visible(s.name)} <small>{s.status}</small></h2>
      <dl>
        <dt>provider</dt><dd><Address value={s.provider} /></dd>
        <dt>price</dt><dd>{agr(s.price.perUnit)} per {s.price.unit}</dd>
        <dt>rating</dt><dd><Rating service={s} /></dd>
        <dt>tags</dt><dd>{visible(s.tags.join(', '))}</dd>
        <dt>dataset contributors</dt><dd>{s.dataset === null ? 'none' : `${percent(s.contributorShare)} to dataset #${s.dataset}`}</dd>
        <dt>metadata</dt><dd>{isHttpUrl(s.metadataUri) ? <a href={s.metadataUri} rel="noopener noreferrer" target="_blank">{visible(s.metadataUri)}</a> : <code>{visible(s.metadataUri)}</code>} (blake2-256 {s.metadataHash.slice(0, 18)}…)</dd>
      </dl>
      <div className="card">
        <h3>Metadata document</h3>
        {discovered.error && <p role="alert" className="error">{visible(discovered.error)}</p>}
        {discovered.data && <pre data-testid="metadata">{visible(JSON.stringify(discovered.data.metadata, null, 2))}</pre>}
      </div>
      <div className="cards">
        <Quote service={s} />
        <OpenChannel key={`${s.price.unit}:${s.price.perUnit}`} service={s} onOpened={(inclusion) => setOpened(api.events.metering.ChannelOpened && inclusion.events.find(({ event }) => api.events.metering.ChannelOpened.is(event))?.event.data.channelId.toNumber())} />
        {discovered.data && <TryIt service={s} metadata={discovered.data.metadata} key={opened ?? 'none'} />}
      </div>
      {opened !== null && <p role="status" data-testid="opened">Channel #{opened} is open. <a href="#/channels">My channels</a></p>}
    </section>
  );
}
