import { useState } from 'react';
import { useChainData } from '../chain.jsx';
import { agr, visible } from '../format.js';
import Address from '../components/Address.jsx';

/** "4.5 ★ (2)": the mean of the stars paying consumers gave, and how many did. */
export function Rating({ service }) {
  if (!service.ratingCount) return <span title="no paying consumer has rated it yet">unrated</span>;
  const mean = service.ratingSum / service.ratingCount;
  return <span title="mean of 1–5 stars given by accounts that paid the service at least minSpendToRate">{mean.toFixed(1)} ★ ({service.ratingCount})</span>;
}

export default function Marketplace() {
  const [search, setSearch] = useState('');
  const [tag, setTag] = useState('');
  const services = useChainData(async (api) => {
    const query = { status: 'Active', limit: 100, ...(tag ? { tag } : {}) };
    const list = (await api.rpc.agora.listServices(query)).map((s) => s.toJSON());
    const providers = [...new Set(list.map((s) => s.provider))];
    const found = await Promise.all(providers.map((p) => api.rpc.agora.getProvider(p)));
    const bonds = Object.fromEntries(providers.map((p, i) => [p, found[i].toJSON().bond]));
    return list.map((s) => ({ ...s, bond: bonds[s.provider] }));
  }, [tag]);
  const needle = search.trim().toLowerCase();
  const shown = (services.data ?? []).filter((s) => !needle || s.name.toLowerCase().includes(needle) || s.tags.some((t) => t.toLowerCase().includes(needle)));
  return (
    <section>
      <h2>Marketplace</h2>
      <div className="filters">
        <input aria-label="search services" placeholder="search by name or tag" value={search} onChange={(e) => setSearch(e.target.value)} />
        <input aria-label="tag" placeholder="exact tag (asked of the chain)" value={tag} onChange={(e) => setTag(e.target.value.trim())} />
      </div>
      {services.error && <p role="alert" className="error">{services.error}</p>}
      <table data-testid="services">
        <thead><tr><th>service</th><th>tags</th><th>price</th><th>rating</th><th>provider</th><th>provider bond</th></tr></thead>
        <tbody>
          {shown.map((s) => (
            <tr key={s.id}>
              <td><a href={`#/service/${s.id}`}>#{s.id} {visible(s.name)}</a></td>
              <td>{visible(s.tags.join(', '))}</td>
              <td>{agr(s.price.perUnit)} per {s.price.unit}</td>
              <td><Rating service={s} /></td>
              <td><Address value={s.provider} /></td>
              <td>{agr(s.bond)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {services.data && shown.length === 0 && <p>No active service matches.</p>}
      <p className="hint">Rating: the mean of 1–5 stars from accounts that paid the service at least <code>minSpendToRate</code>; the provider bond is what governance can slash for misbehaviour.</p>
    </section>
  );
}
