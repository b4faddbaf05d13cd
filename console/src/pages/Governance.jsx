import { useState } from 'react';
import { dispatchErrorName } from '@agora/client';
import { useChain, useChainData } from '../chain.jsx';
import { errorMessage } from '../tx.js';
import { useWallet } from '../wallet.jsx';
import { agr, blocksToTime, parseAgr, percent, ss58 } from '../format.js';
import Address from '../components/Address.jsx';
import Field from '../components/Field.jsx';
import TxButton from '../components/TxButton.jsx';
import DecodedCall from './governance/DecodedCall.jsx';
import Propose from './governance/Propose.jsx';
import { CONVICTIONS, lockBlocks, standing, votesOf } from './governance/rules.js';

/** Ended proposals shown besides the live ones. */
const RECENT = 20;

function VoteForm({ proposal, parameters, onDone }) {
  const [aye, setAye] = useState(true);
  const [balance, setBalance] = useState('');
  const [conviction, setConviction] = useState('Locked1x');
  let votes = null;
  try { votes = balance ? votesOf(parseAgr(balance), conviction) : null; } catch { votes = null; }
  const lock = lockBlocks(conviction, parameters.voteLockingPeriod);
  return (
    <div className="vote">
      <label><input type="radio" name={`vote-${proposal.id}`} checked={aye} onChange={() => setAye(true)} /> aye</label>
      <label><input type="radio" name={`vote-${proposal.id}`} checked={!aye} onChange={() => setAye(false)} /> nay</label>
      <input aria-label="vote balance (AGR)" name="vote-balance" placeholder="AGR" value={balance} onChange={(e) => setBalance(e.target.value)} size={10} />
      <select aria-label="conviction" name="conviction" value={conviction} onChange={(e) => setConviction(e.target.value)}>
        {CONVICTIONS.map(([name, tenths, periods]) => (
          <option key={name} value={name}>{name}: {tenths / 10}× votes, {periods ? `locked ${periods} × ${parameters.voteLockingPeriod} blocks` : 'no lock'}</option>
        ))}
      </select>
      <span data-testid="vote-preview">{votes === null ? '' : `${agr(votes)} of votes; ${lock ? `locked for ${lock} blocks (${blocksToTime(lock)}) after voting ends if ${aye ? 'aye' : 'nay'} wins` : 'not locked after voting ends'}`}</span>
      <TxButton label="Vote" name="vote" build={(api) => api.tx.governance.vote(proposal.id, aye, parseAgr(balance), conviction)} onDone={onDone} />
    </div>
  );
}

/**
 * Why an enacted call failed: the error in the block that enacted it (its
 * `governance.ProposalEnacted` event), in the pallet's words, read with that block's
 * metadata (a runtime upgrade since may have renumbered the errors). A node that no
 * longer keeps that block's state (256 blocks by default) cannot say.
 */
function EnactmentFailure({ proposalId, at }) {
  const failure = useChainData(async (api) => {
    const then = await api.at(await api.rpc.chain.getBlockHash(at));
    const enacted = (await then.query.system.events())
      .find(({ event }) => then.events.governance.ProposalEnacted.is(event) && event.data.proposalId.toNumber() === proposalId);
    if (!enacted?.event.data.result.isErr) throw new Error(`no failed enactment of #${proposalId} in block #${at}`);
    const error = enacted.event.data.result.asErr;
    // Governance's own refusals (no block left, too heavy, no longer decodes) are
    // `Other`, whose text the chain does not keep.
    if (error.isOther) return 'governance could not dispatch it (no block left to enact it in, heavier than a block allows, or no longer decoding after an upgrade)';
    return errorMessage(then, dispatchErrorName(then, error));
  }, [proposalId, at], { everyBlock: false });
  const why = failure.data ?? (failure.error ? `its error is not readable here (${failure.error})` : '…');
  return <span data-testid="enactment-error">the call failed: {why}</span>;
}

function Status({ proposalId, status, best }) {
  switch (status.status) {
    case 'Voting': return <span>voting ends at #{status.endsAt} ({blocksToTime(status.endsAt - best)}, {status.endsAt - best} blocks left)</span>;
    case 'Approved': return <span>approved at #{status.endedAt}; enacted at #{status.enactAt} ({blocksToTime(status.enactAt - best)}, {status.enactAt - best} blocks left)</span>;
    case 'Enacted': return <span>enacted at #{status.enactedAt}: {status.succeeded ? 'the call succeeded' : <EnactmentFailure proposalId={proposalId} at={status.enactedAt} />}</span>;
    case 'Rejected': return <span>rejected at #{status.endedAt}</span>;
    default: return <span>cancelled at #{status.cancelledAt}</span>;
  }
}

function ProposalCard({ proposal, parameters, issuance, best, account, onDone }) {
  const { turnoutNeeded, approval, passing } = standing(proposal.tally, parameters, issuance);
  const voting = proposal.status.status === 'Voting';
  return (
    <article className="card proposal" data-testid={`proposal-${proposal.id}`}>
      <h3>#{proposal.id} <span className="status" data-testid="status">{proposal.status.status}</span></h3>
      <p>by <Address value={proposal.proposer} /> at #{proposal.proposedAt} · deposit {agr(proposal.deposit)} · <Status proposalId={proposal.id} status={proposal.status} best={best} /></p>
      {proposal.decodedCall && <DecodedCall call={proposal.decodedCall} />}
      {proposal.decodeError && (
        <p role="alert" className="error warning">
          This call cannot be read with the chain's metadata ({proposal.decodeError}). Do not vote aye on a call nobody can read. Its bytes: <code>{proposal.call}</code>
        </p>
      )}
      {!proposal.decodedCall && !proposal.decodeError && (
        <p className="hint">{proposal.status.status === 'Enacted' ? 'The call was dispatched' : 'Voting ended'}; the call is no longer stored.</p>
      )}
      <dl className="tally" data-testid="tally">
        <dt>ayes</dt><dd data-testid="ayes">{agr(proposal.tally.ayes)}</dd>
        <dt>nays</dt><dd data-testid="nays">{agr(proposal.tally.nays)}</dd>
        <dt>turnout</dt><dd data-testid="turnout">{agr(proposal.tally.turnout)} of {agr(turnoutNeeded)} needed ({percent(parameters.minTurnout)} of the issuance)</dd>
        <dt>approval</dt><dd>{percent(approval)} of the votes are ayes; {percent(parameters.approvalThreshold)} needed</dd>
      </dl>
      {voting && <p className={passing ? 'ok' : 'hint'}>{passing ? 'Passing if voting ended now.' : 'Failing if voting ended now.'}</p>}
      {voting && account && <VoteForm proposal={proposal} parameters={parameters} onDone={onDone} />}
      {voting && account && ss58(account.address) === proposal.proposer && (
        <TxButton label="Withdraw (only without votes)" name="cancel" build={(api) => api.tx.governance.cancel(proposal.id)} onDone={onDone} />
      )}
    </article>
  );
}

function MyVotes({ account, best, onDone }) {
  const mine = useChainData(async (api) => {
    const [votes, held] = await api.call.governanceApi.votesOf(account.address);
    const voting = await api.query.governance.votingOf(account.address);
    return {
      votes: votes.map(([id, vote]) => ({ id: id.toNumber(), aye: vote.aye.isTrue, balance: vote.balance.toBigInt(), conviction: vote.conviction.toString() })),
      held: held.toBigInt(),
      prior: { amount: voting.prior.amount.toBigInt(), until: voting.prior.until.toNumber() },
    };
  }, [account.address]);
  if (!mine.data) return null;
  const { votes, held, prior } = mine.data;
  return (
    <div className="card" data-testid="my-votes">
      <h3>My votes and locks</h3>
      <p>{agr(held)} held by votes and conviction locks{prior.amount > 0n ? `; ${agr(prior.amount)} locked until #${prior.until}${best >= prior.until ? ' (unlockable)' : ''}` : ''}.</p>
      <ul>{votes.map((v) => (
        <li key={v.id}>#{v.id}: {v.aye ? 'aye' : 'nay'} {agr(v.balance)} {v.conviction}
          {' '}<TxButton label="Remove vote" name="remove-vote" build={(api) => api.tx.governance.removeVote(v.id)} onDone={onDone} /></li>
      ))}</ul>
      <TxButton label="Unlock" name="unlock" build={(api) => api.tx.governance.unlock(account.address)} onDone={onDone} />
    </div>
  );
}

export default function Governance() {
  const { best } = useChain();
  const { account } = useWallet();
  const data = useChainData(async (api) => {
    const p = await api.query.governance.parameters();
    const parameters = {
      proposalDeposit: p.proposalDeposit.toBigInt(), votingPeriod: p.votingPeriod.toNumber(), enactmentDelay: p.enactmentDelay.toNumber(),
      voteLockingPeriod: p.voteLockingPeriod.toNumber(), minTurnout: p.minTurnout.toNumber(), approvalThreshold: p.approvalThreshold.toNumber(),
    };
    const issuance = (await api.query.balances.totalIssuance()).toBigInt();
    // Every live proposal (at most 32 voted on, and those waiting for enactment), and the
    // latest 20 whatever their status: ids grow, so the newest are at the end.
    const next = (await api.query.governance.nextProposalId()).toNumber();
    const pages = await Promise.all([
      api.rpc.agora.listProposals({ status: 'Voting', limit: 100 }),
      api.rpc.agora.listProposals({ status: 'Approved', limit: 100 }),
      api.rpc.agora.listProposals(next > RECENT ? { startAfter: next - RECENT - 1, limit: RECENT } : { limit: RECENT }),
    ]);
    const byId = new Map(pages.flat().map((x) => x.toJSON()).map((p) => [p.id, p]));
    const proposals = [...byId.values()].sort((a, b) => b.id - a.id);
    return { parameters, issuance, proposals };
  });
  if (data.error) return <p role="alert" className="error">{data.error}</p>;
  if (!data.data) return <p>Loading…</p>;
  const { parameters, issuance, proposals } = data.data;
  return (
    <section>
      <h2>Governance</h2>
      <p className="hint" data-testid="rules">
        Voting lasts {parameters.votingPeriod} blocks ({blocksToTime(parameters.votingPeriod)}); a passed proposal is enacted {parameters.enactmentDelay} blocks later.
        It passes with a turnout of {percent(parameters.minTurnout)} of the issuance ({agr((issuance * BigInt(parameters.minTurnout)) / 1_000_000_000n)} of {agr(issuance)})
        and at least {percent(parameters.approvalThreshold)} of the conviction-weighted votes for it.
      </p>
      <div className="cards">
        {account && <Propose deposit={parameters.proposalDeposit} onDone={data.reload} />}
        {account && <MyVotes account={account} best={best} onDone={data.reload} />}
      </div>
      {proposals.length === 0 && <p>No proposal yet.</p>}
      {proposals.map((p) => <ProposalCard key={p.id} proposal={p} parameters={parameters} issuance={issuance} best={best} account={account} onDone={data.reload} />)}
    </section>
  );
}
