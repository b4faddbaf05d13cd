import { useState } from 'react';
import { blake2AsHex } from '@polkadot/util-crypto';
import { useChainData } from '../chain.jsx';
import { useWallet } from '../wallet.jsx';
import { agr, hexText, ss58 } from '../format.js';
import Address from '../components/Address.jsx';
import DocumentFields, { checkDocument } from '../components/DocumentFields.jsx';
import Field from '../components/Field.jsx';
import TxButton from '../components/TxButton.jsx';

function RegisterDataset({ onDone }) {
  const [name, setName] = useState('');
  const [uri, setUri] = useState('');
  const [hash, setHash] = useState('');
  return (
    <div className="card">
      <h3>Curate a dataset</h3>
      <Field label="name" name="dataset-name" value={name} onChange={setName} />
      <DocumentFields prefix="dataset" uri={uri} hash={hash} onUri={setUri} onHash={setHash} />
      <TxButton label="Register dataset" name="register-dataset" build={async (api) => {
        await checkDocument(uri, hash);
        return api.tx.rewards.registerDataset(name, uri, hash);
      }} onDone={onDone} />
    </div>
  );
}

/** Contributions waiting for the review of a dataset this account curates. */
function Reviews({ pending, onDone }) {
  if (pending.length === 0) return null;
  return (
    <div className="card" data-testid="reviews">
      <h3>Contributions to review</h3>
      <ul>{pending.map((c) => (
        <li key={c.id} data-testid={`contribution-${c.id}`}>
          #{c.id} to dataset #{c.dataset}: {c.units} units from <Address value={c.contributor} /> (content {c.contentHash.slice(0, 10)}…)
          {' '}<TxButton label="Accept" name="accept" build={(api) => api.tx.rewards.review(c.id, true)} onDone={onDone} />
          <TxButton label="Reject" name="reject" build={(api) => api.tx.rewards.review(c.id, false)} onDone={onDone} />
        </li>
      ))}</ul>
    </div>
  );
}

function Contribute({ datasets, onDone }) {
  const [dataset, setDataset] = useState('');
  const [content, setContent] = useState('');
  const [units, setUnits] = useState('1');
  return (
    <div className="card">
      <h3>Contribute to a dataset</h3>
      <Field label="dataset">
        <select name="contribute-dataset" value={dataset} onChange={(e) => setDataset(e.target.value)}>
          <option value="">choose…</option>
          {datasets.map((d) => <option key={d.id} value={d.id}>#{d.id} {d.name}</option>)}
        </select>
      </Field>
      <Field label="content (its blake2-256 hash is what goes on chain)" name="content" value={content} onChange={setContent} />
      <Field label="units" name="units" value={units} onChange={setUnits} hint="the curator accepts or rejects; accepted units become your shares" />
      <TxButton label="Contribute" name="contribute" build={(api) => {
        if (dataset === '') throw new Error('choose a dataset');
        return api.tx.rewards.contribute(Number(dataset), blake2AsHex(content), units);
      }} onDone={onDone} />
    </div>
  );
}

export default function Contributors() {
  const { account } = useWallet();
  const data = useChainData(async (api) => {
    const datasets = (await api.query.rewards.datasets.entries()).map(([key, value]) => {
      const d = value.unwrap();
      return { id: key.args[0].toNumber(), name: hexText(d.name.toHex()), curator: d.curator.toString(), totalShares: d.totalShares.toBigInt() };
    }).sort((a, b) => a.id - b.id);
    const campaigns = (await api.query.rewards.campaigns.entries()).map(([key, value]) => {
      const c = value.unwrap();
      return {
        id: key.args[0].toNumber(), sponsor: c.sponsor.toString(), kind: c.kind.toString(), available: c.available.toBigInt(),
        rewardPerUnit: c.rewardPerUnit.toBigInt(), deadline: c.deadline.toNumber(), pending: c.pendingSubmissions.toNumber(),
      };
    }).sort((a, b) => a.id - b.id);
    if (!account) return { datasets, campaigns, stakes: {}, pending: { datasets: [], submissions: [] }, reviews: [] };
    const stakes = Object.fromEntries((await api.query.rewards.stakes.entries(account.address))
      .map(([key, value]) => [key.args[1].toNumber(), value.unwrap().shares.toBigInt()]));
    const pending = (await api.rpc.agora.pendingRewards(account.address)).toJSON();
    // The contributions of the datasets this account curates, read in one query.
    const curated = datasets.filter((d) => ss58(d.curator) === ss58(account.address));
    const ids = (await Promise.all(curated.map((d) => api.query.rewards.datasetContributions.keys(d.id))))
      .flat().map((key) => key.args[1]);
    const contributions = ids.length ? await api.query.rewards.contributions.multi(ids) : [];
    const reviews = contributions
      .map((c, i) => ({ id: ids[i].toNumber(), contribution: c.unwrapOr(null) }))
      .filter(({ contribution }) => contribution?.status.isPending)
      .map(({ id, contribution }) => ({
        id, dataset: contribution.dataset.toNumber(), units: contribution.units.toNumber(),
        contributor: contribution.contributor.toString(), contentHash: contribution.contentHash.toHex(),
      }));
    return { datasets, campaigns, stakes, pending, reviews };
  }, [account?.address]);
  if (data.error) return <p role="alert" className="error">{data.error}</p>;
  if (!data.data) return <p>Loading…</p>;
  const { datasets, campaigns, stakes, pending, reviews } = data.data;
  const owed = Object.fromEntries(pending.datasets.map((d) => [d.datasetId, BigInt(d.amount)]));
  return (
    <section>
      <h2>Contributors</h2>
      <h3>Datasets</h3>
      <table data-testid="datasets">
        <thead><tr><th>dataset</th><th>curator</th><th>my shares</th><th>pending reward</th><th /></tr></thead>
        <tbody>{datasets.map((d) => (
          <tr key={d.id}>
            <td>#{d.id} {d.name}</td>
            <td><Address value={d.curator} /></td>
            <td>{stakes[d.id] ? `${stakes[d.id]} of ${d.totalShares}` : '—'}</td>
            <td>{agr(owed[d.id] ?? 0n)}</td>
            <td>{owed[d.id] > 0n && <TxButton label="Claim" name="claim-rewards" build={(api) => api.tx.rewards.claimRewards(d.id)} onDone={data.reload} />}</td>
          </tr>
        ))}</tbody>
      </table>
      {pending.submissions.length > 0 && (
        <p>Campaign submissions under review: {pending.submissions.map((s) => `#${s.submissionId} of campaign #${s.campaignId} (${agr(s.reward)}, ${s.approvals} approvals)`).join('; ')}</p>
      )}
      <div className="cards">
        {account && <Contribute datasets={datasets} onDone={data.reload} />}
        {account && <RegisterDataset onDone={data.reload} />}
        <Reviews pending={reviews} onDone={data.reload} />
      </div>
      <h3>Campaigns</h3>
      <table data-testid="campaigns">
        <thead><tr><th>campaign</th><th>sponsor</th><th>kind</th><th>budget left</th><th>per unit</th><th>deadline</th><th>pending</th></tr></thead>
        <tbody>{campaigns.map((c) => (
          <tr key={c.id}><td>#{c.id}</td><td><Address value={c.sponsor} /></td><td>{c.kind}</td><td>{agr(c.available)}</td><td>{agr(c.rewardPerUnit)}</td><td>#{c.deadline}</td><td>{c.pending}</td></tr>
        ))}</tbody>
      </table>
      {campaigns.length === 0 && <p>No campaign is running.</p>}
    </section>
  );
}
