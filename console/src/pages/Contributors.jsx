import { useState } from 'react';
import { blake2AsHex } from '@polkadot/util-crypto';
import { useChainData } from '../chain.jsx';
import { useWallet } from '../wallet.jsx';
import { agr, hexText } from '../format.js';
import Address from '../components/Address.jsx';
import Field from '../components/Field.jsx';
import TxButton from '../components/TxButton.jsx';

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
    if (!account) return { datasets, campaigns, stakes: {}, pending: { datasets: [], submissions: [] } };
    const stakes = Object.fromEntries((await api.query.rewards.stakes.entries(account.address))
      .map(([key, value]) => [key.args[1].toNumber(), value.unwrap().shares.toBigInt()]));
    const pending = (await api.rpc.agora.pendingRewards(account.address)).toJSON();
    return { datasets, campaigns, stakes, pending };
  }, [account?.address]);
  if (data.error) return <p role="alert" className="error">{data.error}</p>;
  if (!data.data) return <p>Loading…</p>;
  const { datasets, campaigns, stakes, pending } = data.data;
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
      {account && <Contribute datasets={datasets} onDone={data.reload} />}
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
