import { useState } from 'react';
import { useChain, useChainData } from '../chain.jsx';
import { useWallet } from '../wallet.jsx';
import { agr, blocksToTime, parseAgr, percent, visible } from '../format.js';
import DocumentFields, { checkDocument } from '../components/DocumentFields.jsx';
import Field from '../components/Field.jsx';
import TxButton from '../components/TxButton.jsx';

/** Comma-separated tags as the list a listing holds. */
const tagList = (text) => text.split(',').map((t) => t.trim()).filter(Boolean);

function Register({ onDone }) {
  const [name, setName] = useState('');
  const [bond, setBond] = useState('100');
  return (
    <div className="card">
      <h3>Become a provider</h3>
      <Field label="name" name="provider-name" value={name} onChange={setName} />
      <Field label="bond (AGR)" name="bond" value={bond} onChange={setBond} hint="held while you provide; governance can slash it" />
      <TxButton label="Register" name="register" build={(api) => api.tx.services.registerProvider(name, parseAgr(bond))} onDone={onDone} />
    </div>
  );
}

function Bond({ provider, best, onDone }) {
  const [amount, setAmount] = useState('10');
  return (
    <div className="card">
      <h3>Bond</h3>
      <p data-testid="bond">{agr(provider.bond)} bonded · {provider.liveServices} live service(s)</p>
      {provider.unbonding.length > 0 && (
        <ul>{provider.unbonding.map((chunk) => (
          <li key={chunk.unlocksAt}>{agr(chunk.amount)} unlocks at #{chunk.unlocksAt} {best >= chunk.unlocksAt ? '(withdrawable)' : `(${blocksToTime(chunk.unlocksAt - best)} left)`}</li>
        ))}</ul>
      )}
      <Field label="amount (AGR)" name="bond-amount" value={amount} onChange={setAmount} />
      <TxButton label="Bond more" name="bond-extra" build={(api) => api.tx.services.bondExtra(parseAgr(amount))} onDone={onDone} />
      <TxButton label="Unbond" name="unbond" build={(api) => api.tx.services.unbond(parseAgr(amount))} onDone={onDone} />
      <TxButton label="Withdraw unbonded" name="withdraw" build={(api) => api.tx.services.withdrawUnbonded()} onDone={onDone} />
    </div>
  );
}

function ListService({ onDone }) {
  const priceUnits = useChainData(async (a) => {
    const price = a.registry.lookup.getSiType(a.tx.services.listService.meta.fields[4].type);
    const unitType = price.def.asComposite.fields.find((f) => f.name.unwrapOr('').toString() === 'unit').type;
    return a.registry.lookup.getSiType(unitType).def.asVariant.variants.map((v) => v.name.toString());
  }, [], { everyBlock: false });
  const [form, setForm] = useState({ name: '', tags: '', uri: '', hash: '', unit: 'Request', perUnit: '0.01', share: '0', dataset: '' });
  const set = (key) => (value) => setForm((f) => ({ ...f, [key]: value }));
  const build = async (a) => {
    const share = Math.round(Number(form.share) * 1e7);
    if (form.share.trim() === '' || !Number.isFinite(share) || share < 0 || share > 1e9) throw new Error(`"${form.share}" is not a percentage`);
    const dataset = form.dataset.trim() === '' ? null : Number(form.dataset);
    const tags = tagList(form.tags);
    await checkDocument(form.uri, form.hash);
    return a.tx.services.listService(form.name, tags, form.uri, form.hash, { unit: form.unit, perUnit: parseAgr(form.perUnit) }, share, dataset);
  };
  return (
    <div className="card">
      <h3>List a service</h3>
      <Field label="name" name="service-name" value={form.name} onChange={set('name')} />
      <Field label="tags (comma-separated)" name="service-tags" value={form.tags} onChange={set('tags')} />
      <DocumentFields prefix="service" uri={form.uri} hash={form.hash} onUri={set('uri')} onHash={set('hash')} />
      <Field label="price unit">
        <select name="price-unit" value={form.unit} onChange={(e) => set('unit')(e.target.value)}>
          {(priceUnits.data ?? [form.unit]).map((u) => <option key={u}>{u}</option>)}
        </select>
      </Field>
      <Field label="price per unit (AGR)" name="price" value={form.perUnit} onChange={set('perUnit')} />
      <Field label="dataset contributors' share (%)" name="share" value={form.share} onChange={set('share')} />
      <Field label="dataset id (optional)" name="dataset" value={form.dataset} onChange={set('dataset')} />
      <TxButton label="List service" name="list-service" build={build} onDone={onDone} />
    </div>
  );
}

/**
 * `updateService` with what the provider changed: a field not typed in shows the listing
 * as it is now and is sent as `None` (left as it is), so a change made elsewhere in the
 * meantime is never undone; a typed field is sent only if it differs from the listing.
 */
function EditService({ service, onDone }) {
  const listed = {
    name: service.name, tags: service.tags.join(', '), uri: service.metadataUri, hash: service.metadataHash,
    perUnit: agr(service.price.perUnit).replace(' AGR', '').replaceAll(',', ''),
  };
  const [typed, setTyped] = useState({});
  const value = (key) => typed[key] ?? listed[key];
  const set = (key) => (text) => setTyped((t) => ({ ...t, [key]: text }));
  const build = async (api) => {
    const name = value('name').trim();
    const tags = tagList(value('tags'));
    const [uri, hash] = [value('uri').trim(), value('hash').trim().toLowerCase()];
    const perUnit = parseAgr(value('perUnit'));
    // Only typed fields count: a listed value the form cannot show exactly (a tag with
    // a comma, a name with outer spaces) is never re-sent changed.
    const edited = (...keys) => keys.some((key) => typed[key] !== undefined);
    const update = [
      edited('name') && name !== service.name ? name : null,
      edited('tags') && tags.join('\n') !== service.tags.join('\n') ? tags : null,
      edited('uri', 'hash') && (uri !== service.metadataUri || hash !== service.metadataHash) ? [uri, hash] : null,
      edited('perUnit') && perUnit !== BigInt(service.price.perUnit) ? { unit: service.price.unit, perUnit } : null,
    ];
    if (update.every((field) => field === null)) throw new Error('nothing was changed');
    if (update[2]) await checkDocument(uri, hash);
    return api.tx.services.updateService(service.id, ...update);
  };
  const done = (inclusion) => {
    setTyped({});
    return onDone(inclusion);
  };
  return (
    <details>
      <summary>Edit</summary>
      <Field label="name" name="edit-name" value={value('name')} onChange={set('name')} />
      <Field label="tags (comma-separated)" name="edit-tags" value={value('tags')} onChange={set('tags')} />
      <DocumentFields prefix="edit" uri={value('uri')} hash={value('hash')} onUri={set('uri')} onHash={set('hash')} />
      <Field label={`price per ${service.price.unit} (AGR)`} name="edit-price" value={value('perUnit')} onChange={set('perUnit')} />
      <TxButton label="Update" name="update-service" build={build} onDone={done} />
    </details>
  );
}

function MyService({ service, onDone }) {
  const open = service.status === 'Active' || service.status === 'Paused';
  return (
    <tr data-testid={`my-service-${service.id}`}>
      <td><a href={`#/service/${service.id}`}>#{service.id} {visible(service.name)}</a></td>
      <td>{service.status}</td>
      <td>{agr(service.price.perUnit)} per {service.price.unit} · {visible(service.tags.join(', '))}</td>
      <td>{open && <EditService service={service} onDone={onDone} />}</td>
      <td className="actions">
        {service.status === 'Active' && <TxButton label="Pause" name="pause" build={(api) => api.tx.services.pauseService(service.id)} onDone={onDone} />}
        {service.status === 'Paused' && <TxButton label="Resume" name="resume" build={(api) => api.tx.services.resumeService(service.id)} onDone={onDone} />}
        {open && <TxButton label="Retire" name="retire" build={(api) => api.tx.services.retireService(service.id)} onDone={onDone} />}
      </td>
    </tr>
  );
}

export default function Provider() {
  const { best } = useChain();
  const { account } = useWallet();
  const data = useChainData(async (api) => {
    if (!account) return null;
    const provider = await api.rpc.agora.getProvider(account.address).then((p) => p.toJSON(), () => null);
    if (!provider) return { provider: null };
    const services = (await api.rpc.agora.listServices({ provider: account.address })).map((s) => s.toJSON());
    const channels = (await api.rpc.agora.listChannels({ payee: account.address })).map((c) => c.toJSON());
    const protocolFee = (await api.query.metering.parameters()).protocolFee.toNumber();
    return { provider, services, channels, protocolFee };
  }, [account?.address]);
  if (!account) return <p>Choose an account.</p>;
  if (data.error) return <p role="alert" className="error">{data.error}</p>;
  if (!data.data) return <p>Loading…</p>;
  if (!data.data.provider) return <section><h2>Provider</h2><Register onDone={data.reload} /></section>;
  const { provider, services, channels, protocolFee } = data.data;
  const revenue = channels.reduce((sum, c) => sum + BigInt(c.claimed), 0n);
  return (
    <section>
      <h2>Provider: {visible(provider.name)}</h2>
      <div className="cards">
        <Bond provider={provider} best={best} onDone={data.reload} />
        <ListService onDone={data.reload} />
      </div>
      <h3>My services</h3>
      <table data-testid="my-services">
        <thead><tr><th>service</th><th>status</th><th>price · tags</th><th /><th /></tr></thead>
        <tbody>{services.map((s) => <MyService key={s.id} service={s} onDone={data.reload} />)}</tbody>
      </table>
      <h3>Revenue: channels paying me</h3>
      <p data-testid="revenue">{agr(revenue)} claimed from {channels.length} open channel(s), before the protocol fee ({percent(protocolFee)}) and dataset contributors' shares.</p>
      <table>
        <thead><tr><th>channel</th><th>service</th><th>deposit</th><th>claimed</th><th>expires</th></tr></thead>
        <tbody>{channels.map((c) => <tr key={c.id}><td>#{c.id}</td><td>#{c.serviceId}</td><td>{agr(c.deposit)}</td><td>{agr(c.claimed)}</td><td>#{c.expiresAt}</td></tr>)}</tbody>
      </table>
    </section>
  );
}
