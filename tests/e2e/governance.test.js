// pallet-governance through @polkadot/api on a real dev node (voting period 10 blocks,
// enactment 2 blocks later): three holders vote with different convictions on a protocol
// fee change, which passes and is enacted with no further transaction, and the next
// claim pays the new fee; a second proposal fails on turnout; voted balances are
// held in the voter's account (hold `governance.Vote`), not moved. The `#region vote` is quoted by docs/dapp-developers.md.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import {
  PALLET_IDS, claim, findEvent, marketplaceParameters, openChannel, palletAccount, propose, receiptSigner, signReceipt,
  submitOk, vote,
} from '@agora/client';
import {
  DEFAULT_PRICE, balancesAround, eventsAt, listService, validatorPayIn,
} from './lib/fixtures.js';
import { rpcCall, startDevNode, waitForHead } from './lib/node.js';

const AGR = 10n ** 12n;

/** What `address`'s votes and conviction locks hold (hold `governance.Vote`). */
async function voteHeld(api, address) {
  const holds = await api.query.balances.holds(address);
  const vote = holds.find((h) => h.id.toString() === '{"governance":"Vote"}');
  return vote ? vote.amount.toBigInt() : 0n;
}

/** The governance events of block `number`. */
async function governanceEventsAt(api, number) {
  return eventsAt(api, await api.rpc.chain.getBlockHash(number), 'governance');
}

describe('governance pallet on agora-node --dev', () => {
  let node;
  let keys;

  before(async () => {
    node = await startDevNode();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
    keys = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie', 'FerdieApp']
      .map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`)]));
  });

  after(async () => {
    await node?.stop();
  });

  test('a fee change passes on conviction votes, is enacted by itself and applies to the next claim; a low-turnout proposal fails', async () => {
    const { api } = node;
    const { alice, bob, charlie, dave, eve, ferdie, ferdieapp } = keys;
    // Each pallet owns its parameters: the fee is metering's, the periods governance's.
    assert.equal((await api.query.metering.parameters()).protocolFee.toNumber(), 20_000_000); // 2 %
    assert.equal((await api.query.governance.parameters()).votingPeriod.toNumber(), 10);

    // Ferdie pays Bob through a channel opened under the old fee.
    const serviceId = await listService(api, bob);
    const channel = await openChannel(api, ferdie, {
      serviceId, deposit: 10n * AGR, duration: 200, receiptSigner: receiptSigner(ferdieapp),
      agreedPrice: DEFAULT_PRICE,
    });

    const feeChange = api.tx.metering.setParameters([{ ProtocolFee: 50_000_000 }]); // 5 %
    const { proposalId: feeId, endsAt } = await propose(api, alice, feeChange);
    const quiet = await propose(api, eve, api.tx.system.remark('agora'));
    const quietProposal = quiet.proposalId;

    // Turnout needed: 10 % of 12,000,000 AGR. Bob, Charlie and Dave vote 1,400,000 AGR.
    // #region vote
    await vote(api, bob, feeId, { aye: true, balance: 600_000n * AGR, conviction: 'Locked1x' });
    // #endregion vote
    await vote(api, charlie, feeId, { aye: true, balance: 500_000n * AGR, conviction: 'Locked3x' });
    await vote(api, dave, feeId, { aye: false, balance: 300_000n * AGR });
    // 100,000 AGR: far from the turnout.
    await vote(api, eve, quietProposal, { aye: true, balance: 100_000n * AGR, conviction: 'Locked6x' });

    const tally = (await api.query.governance.proposals(feeId)).unwrap().tally;
    assert.equal(tally.ayes.toBigInt(), 600_000n * AGR + 1_500_000n * AGR);
    assert.equal(tally.nays.toBigInt(), 30_000n * AGR);
    assert.equal(tally.turnout.toBigInt(), 1_400_000n * AGR);

    // Held in Bob's account, not moved, and no longer free for anything else.
    assert.equal(await voteHeld(api, bob.address), 600_000n * AGR);
    assert.equal((await api.query.system.account(bob.address)).data.frozen.toBigInt(), 0n);
    const spendable = (await api.query.system.account(bob.address)).data.free.toBigInt();
    await assert.rejects(
      submitOk(api, api.tx.balances.transferKeepAlive(dave.address, spendable), bob),
      /token\.FundsUnavailable/,
    );

    // Decided in block endsAt + 1, enacted two blocks later; nobody sends anything.
    const enactAt = endsAt + 1 + 2;
    const lastDecision = Math.max(enactAt, quiet.endsAt + 1);
    await waitForHead((cb) => api.rpc.chain.subscribeNewHeads(cb), (h) => h.number.toNumber() >= lastDecision, 180_000);
    const decided = await governanceEventsAt(api, endsAt + 1);
    const approved = decided.find((e) => e.method === 'ProposalApproved');
    assert.equal(approved.data.proposalId.toNumber(), feeId);
    assert.equal(approved.data.enactAt.toNumber(), enactAt);
    const quietDecided = await governanceEventsAt(api, quiet.endsAt + 1);
    const rejected = quietDecided.find((e) => e.method === 'ProposalRejected');
    assert.equal(rejected.data.proposalId.toNumber(), quietProposal);
    assert.equal(rejected.data.tally.turnout.toBigInt(), 100_000n * AGR);
    // Short of the turnout: its 100 AGR deposit went to the treasury (no free slot squatting).
    assert.equal(rejected.data.depositSlashed.toBigInt(), 100n * AGR);

    const enacted = (await governanceEventsAt(api, enactAt)).find((e) => e.method === 'ProposalEnacted');
    assert.equal(enacted.data.proposalId.toNumber(), feeId);
    assert.ok(enacted.data.result.isOk);
    assert.equal((await api.query.metering.parameters()).protocolFee.toNumber(), 50_000_000);
    assert.equal((await marketplaceParameters(api)).protocolFee, 50_000_000);
    const parametersSet = (await eventsAt(api, await api.rpc.chain.getBlockHash(enactAt), 'metering'))
      .find((event) => event.method === 'ParametersSet');
    assert.equal(parametersSet.data.changes[0].asProtocolFee.toNumber(), 50_000_000);
    const status = (await api.query.governance.proposals(quietProposal)).unwrap().status;
    assert.ok(status.isRejected);

    // The next claim pays the new fee: 5 % of 3 AGR.
    const settled = await claim(api, bob, signReceipt(ferdieapp, api.genesisHash, channel.channelId, 300));
    assert.deepEqual([settled.amount, settled.protocolFee, settled.providerNet], [3n * AGR, 150_000_000_000n, 2_850_000_000_000n]);
    const treasury = palletAccount(PALLET_IDS.treasury);
    const [treasuryBefore, treasuryAfter] = await balancesAround(api, settled.blockHash, treasury);
    assert.equal(treasuryAfter.free, treasuryBefore.free + 150_000_000_000n + await validatorPayIn(api, settled.blockHash, treasury));

    const listed = await rpcCall(node.httpUrl, 'agora_listProposals', [{ status: 'Rejected' }]);
    assert.deepEqual(listed.result.map((p) => [p.id, p.tally.turnout]), [[quietProposal, (100_000n * AGR).toString()]]);
    const enactedRpc = (await rpcCall(node.httpUrl, 'agora_listProposals', [{ status: 'Enacted' }])).result;
    assert.equal(enactedRpc[0].status.succeeded, true);

    // Bob's winning Locked1x vote keeps 600,000 AGR locked for 10 blocks after the end.
    const removed = await submitOk(api, api.tx.governance.removeVote(feeId), bob);
    assert.equal(findEvent(api, removed.events, 'governance', 'VoteRemoved').lockedUntil.unwrap().toNumber(), endsAt + 10);
    assert.equal(await voteHeld(api, bob.address), 600_000n * AGR);
    // Dave's vote without conviction leaves no lock.
    await submitOk(api, api.tx.governance.removeVote(feeId), dave);
    assert.equal(await voteHeld(api, dave.address), 0n);
  });
});
