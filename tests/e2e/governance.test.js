// pallet-governance through @polkadot/api on a real dev node (voting period 10 blocks,
// enactment 2 blocks later): three holders vote with different convictions on a protocol
// fee change, which passes and is enacted with no further transaction; a second proposal
// fails on turnout; voted balances are frozen, not moved.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { rpcCall, startDevNode, sendAndWaitInBlock, waitForHead } from './lib/node.js';

const AGR = 10n ** 12n;

function eventOf(api, result, pallet, name) {
  const record = result.events.find(({ event }) => api.events[pallet][name].is(event));
  assert.ok(record, `${pallet}.${name} emitted`);
  return record.event.data;
}

/** The governance events of block `number`. */
async function governanceEventsAt(api, number) {
  const hash = await api.rpc.chain.getBlockHash(number);
  const events = await (await api.at(hash)).query.system.events();
  return events.map(({ event }) => event).filter((event) => event.section === 'governance');
}

describe('governance pallet on agora-node --dev', () => {
  let node;
  let keys;

  before(async () => {
    node = await startDevNode();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
    keys = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve']
      .map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`)]));
  });

  after(async () => {
    await node?.stop();
  });

  test('a fee change passes on conviction votes and is enacted by itself; a low-turnout proposal fails', async () => {
    const { api } = node;
    const { alice, bob, charlie, dave, eve } = keys;
    const ok = async (tx, signer) => {
      const result = await sendAndWaitInBlock(api, tx, signer);
      assert.equal(result.dispatchError, null);
      return result;
    };
    const parameters = await api.query.governance.parameters();
    assert.equal(parameters.protocolFee.toNumber(), 20_000_000); // 2 %
    assert.equal(parameters.votingPeriod.toNumber(), 10);

    const feeChange = api.tx.governance.setParameters([{ ProtocolFee: 50_000_000 }]); // 5 %
    const proposed = await ok(api.tx.governance.propose(feeChange), alice);
    const feeProposal = eventOf(api, proposed, 'governance', 'Proposed');
    const endsAt = feeProposal.endsAt.toNumber();
    const remark = await ok(api.tx.governance.propose(api.tx.system.remark('agora')), eve);
    const quiet = eventOf(api, remark, 'governance', 'Proposed');
    const quietProposal = quiet.proposalId.toNumber();
    const feeId = feeProposal.proposalId.toNumber();

    // Turnout needed: 10 % of 12,000,000 AGR. Bob, Charlie and Dave vote 1,400,000 AGR.
    await ok(api.tx.governance.vote(feeId, true, 600_000n * AGR, 'Locked1x'), bob);
    await ok(api.tx.governance.vote(feeId, true, 500_000n * AGR, 'Locked3x'), charlie);
    await ok(api.tx.governance.vote(feeId, false, 300_000n * AGR, 'None'), dave);
    // 100,000 AGR: far from the turnout.
    await ok(api.tx.governance.vote(quietProposal, true, 100_000n * AGR, 'Locked6x'), eve);

    const tally = (await api.query.governance.proposals(feeId)).unwrap().tally;
    assert.equal(tally.ayes.toBigInt(), 600_000n * AGR + 1_500_000n * AGR);
    assert.equal(tally.nays.toBigInt(), 30_000n * AGR);
    assert.equal(tally.turnout.toBigInt(), 1_400_000n * AGR);

    // Frozen, not moved.
    const bobAccount = (await api.query.system.account(bob.address)).data;
    assert.equal(bobAccount.frozen.toBigInt(), 600_000n * AGR);
    const freezes = await api.query.balances.freezes(bob.address);
    assert.deepEqual(freezes.map((f) => [f.id.toString(), f.amount.toBigInt()]),
      [['{"governance":"Vote"}', 600_000n * AGR]]);

    // Decided in block endsAt + 1, enacted two blocks later; nobody sends anything.
    const enactAt = endsAt + 1 + 2;
    const lastDecision = Math.max(enactAt, quiet.endsAt.toNumber() + 1);
    await waitForHead((cb) => api.rpc.chain.subscribeNewHeads(cb), (h) => h.number.toNumber() >= lastDecision, 180_000);
    const decided = await governanceEventsAt(api, endsAt + 1);
    const approved = decided.find((e) => e.method === 'ProposalApproved');
    assert.equal(approved.data.proposalId.toNumber(), feeId);
    assert.equal(approved.data.enactAt.toNumber(), enactAt);
    const quietDecided = await governanceEventsAt(api, quiet.endsAt.toNumber() + 1);
    const rejected = quietDecided.find((e) => e.method === 'ProposalRejected');
    assert.equal(rejected.data.proposalId.toNumber(), quietProposal);
    assert.equal(rejected.data.tally.turnout.toBigInt(), 100_000n * AGR);

    const enacted = (await governanceEventsAt(api, enactAt)).find((e) => e.method === 'ProposalEnacted');
    assert.equal(enacted.data.proposalId.toNumber(), feeId);
    assert.ok(enacted.data.result.isOk);
    assert.equal((await api.query.governance.parameters()).protocolFee.toNumber(), 50_000_000);
    assert.equal((await api.call.governanceApi.parameters()).protocolFee.toNumber(), 50_000_000);
    const status = (await api.query.governance.proposals(quietProposal)).unwrap().status;
    assert.ok(status.isRejected);
    const listed = await rpcCall(node.httpUrl, 'agora_listProposals', [{ status: 'Rejected' }]);
    assert.deepEqual(listed.result.map((p) => [p.id, p.tally.turnout]), [[quietProposal, (100_000n * AGR).toString()]]);
    const enactedRpc = (await rpcCall(node.httpUrl, 'agora_listProposals', [{ status: 'Enacted' }])).result;
    assert.equal(enactedRpc[0].status.succeeded, true);

    // Bob's winning Locked1x vote keeps 600,000 AGR locked for 10 blocks after the end.
    const removed = await ok(api.tx.governance.removeVote(feeId), bob);
    assert.equal(eventOf(api, removed, 'governance', 'VoteRemoved').lockedUntil.unwrap().toNumber(), endsAt + 10);
    assert.equal((await api.query.system.account(bob.address)).data.frozen.toBigInt(), 600_000n * AGR);
    // Dave's vote without conviction leaves no lock.
    await ok(api.tx.governance.removeVote(feeId), dave);
    assert.equal((await api.query.system.account(dave.address)).data.frozen.toBigInt(), 0n);
  });
});
