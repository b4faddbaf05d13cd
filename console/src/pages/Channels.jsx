import { useState } from 'react';
import { channelAccount, discoverService, gatewayOf, signReceipt, signsReceiptsOf } from '@agora/client';
import { useChain, useChainData } from '../chain.jsx';
import { useWallet } from '../wallet.jsx';
import { agr, blocksToTime, parseAgr, visible } from '../format.js';
import { appKey } from '../appkey.js';
import TxButton from '../components/TxButton.jsx';

/**
 * What the service's gateway says the channel owes: it answers whoever shows a receipt of
 * the channel, so only channels this browser's app key signs for can be asked.
 */
function GatewayOwed({ channel }) {
  const { api } = useChain();
  const { account } = useWallet();
  const owed = useChainData(async () => {
    const key = await appKey(account.address);
    if (!signsReceiptsOf(channel, key)) return null;
    const { metadata } = await discoverService(api, channel.serviceId);
    return channelAccount(gatewayOf(metadata), channel.id, signReceipt(key, api.genesisHash.toHex(), channel.id, 0n));
  }, [channel.id, account?.address], { everyBlock: false });
  if (owed.error) return <span className="error" data-testid="gateway-error">{visible(owed.error)}</span>;
  if (owed.data === null) return <span title="receipts of this channel are signed by another app key">—</span>;
  if (!owed.data) return <span>…</span>;
  return <span>{owed.data.owedUnits.toString()} units used, {owed.data.signedUnits.toString()} signed for ({agr(owed.data.signedUnits * BigInt(channel.pricePerUnit))})</span>;
}

function ChannelRow({ channel, best, onChanged }) {
  const [topUp, setTopUp] = useState('1');
  const [extendBy, setExtendBy] = useState('100');
  const expired = best !== null && best >= channel.expiresAt;
  const left = BigInt(channel.deposit) - BigInt(channel.claimed);
  return (
    <tr data-testid={`channel-${channel.id}`}>
      <td>#{channel.id}</td>
      <td><a href={`#/service/${channel.serviceId}`}>service #{channel.serviceId}</a></td>
      <td>{agr(channel.pricePerUnit)}</td>
      <td>{agr(channel.deposit)}</td>
      <td data-testid="claimed">{agr(channel.claimed)}</td>
      <td>{agr(left)}</td>
      <td><GatewayOwed channel={channel} /></td>
      <td>{expired ? <b>expired</b> : `#${channel.expiresAt} (${blocksToTime(channel.expiresAt - (best ?? 0))} left)`}</td>
      <td className="actions">
        <input aria-label="top up (AGR)" value={topUp} onChange={(e) => setTopUp(e.target.value)} size={6} />
        <TxButton label="Top up" name="top-up" disabled={expired} build={(api) => api.tx.metering.topUp(channel.id, parseAgr(topUp))} onDone={onChanged} />
        <input aria-label="extend by (blocks)" value={extendBy} onChange={(e) => setExtendBy(e.target.value)} size={6} />
        <TxButton label="Extend" name="extend" build={(api) => {
          const blocks = Number(extendBy);
          if (!Number.isInteger(blocks) || blocks <= 0) throw new Error(`"${extendBy}" is not a number of blocks`);
          return api.tx.metering.extend(channel.id, channel.expiresAt + blocks);
        }} onDone={onChanged} />
        <TxButton label="Reclaim" name="reclaim" disabled={!expired} build={(api) => api.tx.metering.reclaim(channel.id)} onDone={onChanged} />
      </td>
    </tr>
  );
}

export default function Channels() {
  const { best } = useChain();
  const { account } = useWallet();
  const channels = useChainData(async (api) => (account
    ? (await api.rpc.agora.listChannels({ consumer: account.address })).map((c) => c.toJSON())
    : []), [account?.address]);
  if (!account) return <p>Choose an account to see its channels.</p>;
  return (
    <section>
      <h2>My channels</h2>
      {channels.error && <p role="alert" className="error">{channels.error}</p>}
      <table data-testid="channels">
        <thead><tr><th>channel</th><th>service</th><th>price per unit</th><th>deposit</th><th>claimed</th><th>left</th><th>at the gateway</th><th>expires</th><th /></tr></thead>
        <tbody>{(channels.data ?? []).map((c) => <ChannelRow key={c.id} channel={c} best={best} onChanged={channels.reload} />)}</tbody>
      </table>
      {channels.data?.length === 0 && <p>No open channel.</p>}
      <p className="hint">Claimed is what the provider has settled on chain. At the gateway: the units your calls used, and those your receipts signed for, which its next settlement claims (a gateway without credit asks for a call's reservation up front, so signed may run ahead of used; the difference pays the next calls). Reclaim returns the rest of an expired channel's deposit.</p>
    </section>
  );
}
