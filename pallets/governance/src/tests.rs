//! Tests of pallet-governance: the proposal life cycle, tallies, convictions and their
//! locks, overlapping vote holds, enactment, treasury spends, parameters, every error (each
//! leaving state untouched), and random vote sequences checked by `try_state`.

use crate::{
	mock::*, Conviction, Deadlines, Enactments, Error, Event, HoldReason, LiveProposals,
	NextProposalId, ParameterChange, Proposals, Votes, VotingOf,
};
use agora_primitives::{ProposalId, ProposalStatus, Tally, Vote};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::GetDispatchInfo,
	traits::{
		fungible::{Inspect, InspectHold, Mutate, MutateHold},
		tokens::Preservation,
		Hooks,
	},
	weights::Weight,
};
use sp_runtime::{ArithmeticError, BuildStorage, DispatchError, Perbill, TokenError};

fn origin(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn free(who: &AccountId) -> Balance {
	Balances::free_balance(who)
}

fn vote_held(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Governance(HoldReason::Vote), who)
}

fn deposit_held(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Governance(HoldReason::ProposalDeposit), who)
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Governance(event) => Some(event),
			_ => None,
		})
		.collect()
}

fn remark() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark { remark: b"agora".to_vec() })
}

fn spend(amount: Balance, beneficiary: AccountId) -> RuntimeCall {
	RuntimeCall::Governance(crate::Call::spend { amount, beneficiary })
}

fn propose(who: AccountId, call: RuntimeCall) -> ProposalId {
	let id = NextProposalId::<Test>::get();
	assert_ok!(Governance::propose(origin(who), Box::new(call)));
	id
}

fn vote(who: AccountId, id: ProposalId, aye: bool, balance: Balance, conviction: Conviction) {
	assert_ok!(Governance::vote(origin(who), id, aye, balance, conviction));
}

/// Runs the blocks after the current one up to `n`, with the pallet's `on_initialize`.
fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Governance::on_initialize(next);
	}
}

fn status(id: ProposalId) -> ProposalStatus<u64> {
	Proposals::<Test>::get(id).unwrap().status
}

fn tally(id: ProposalId) -> Tally<Balance> {
	Proposals::<Test>::get(id).unwrap().tally
}

/// A proposal made at block 1 is voted on through block 11, decided at 12 and, if it
/// passed, enacted at 14.
const DECIDED_AT: u64 = 1 + VOTING_PERIOD + 1;
const ENACTED_AT: u64 = DECIDED_AT + ENACTMENT_DELAY;

// ---------------------------------------------------------------- life cycle

#[test]
fn a_passed_proposal_is_enacted_without_further_transactions() {
	run_test(|| {
		let id = propose(alice(), spend(200, dave()));
		assert_eq!(deposit_held(&alice()), PROPOSAL_DEPOSIT);
		assert_eq!(status(id), ProposalStatus::Voting { ends_at: 1 + VOTING_PERIOD });
		assert_eq!(LiveProposals::<Test>::get(), 1);
		vote(bob(), id, true, 600, Conviction::Locked1x);
		vote(charlie(), id, false, 100, Conviction::Locked1x);
		assert_eq!(tally(id), Tally { ayes: 600, nays: 100, turnout: 700 });

		// Votes are still taken in the last block of the voting period.
		run_to(1 + VOTING_PERIOD);
		vote(dave(), id, true, 10, Conviction::None);
		run_to(DECIDED_AT);
		let tally = Tally { ayes: 601, nays: 100, turnout: 710 };
		assert_eq!(status(id), ProposalStatus::Approved { ended_at: 11, enact_at: ENACTED_AT });
		assert!(events().contains(&Event::ProposalApproved {
			proposal_id: id,
			tally,
			enact_at: ENACTED_AT
		}));
		assert_eq!(deposit_held(&alice()), 0);
		assert_eq!(free(&alice()), BALANCE);
		assert_eq!(LiveProposals::<Test>::get(), 0);
		assert_noop!(
			Governance::vote(origin(dave()), id, true, 1, Conviction::None),
			Error::<Test>::VotingClosed
		);

		// Dave's 10 voted stay held in his account.
		run_to(ENACTED_AT - 1);
		assert_eq!(Balances::total_balance(&dave()), BALANCE);
		run_to(ENACTED_AT);
		assert_eq!(Balances::total_balance(&dave()), BALANCE + 200);
		assert_eq!(free(&treasury()), TREASURY_BALANCE - 200);
		assert_eq!(
			status(id),
			ProposalStatus::Enacted { ended_at: 11, at: ENACTED_AT, succeeded: true }
		);
		assert!(Proposals::<Test>::get(id).unwrap().call.is_empty());
		assert!(events().contains(&Event::ProposalEnacted { proposal_id: id, result: Ok(()) }));
		assert!(Enactments::<Test>::iter().next().is_none());
		assert!(Deadlines::<Test>::iter().next().is_none());
	});
}

#[test]
fn a_proposal_without_enough_turnout_fails() {
	run_test(|| {
		let id = propose(alice(), remark());
		// 499 of the 500 needed, with any conviction.
		vote(bob(), id, true, 499, Conviction::Locked6x);
		run_to(DECIDED_AT);
		assert_eq!(status(id), ProposalStatus::Rejected { ended_at: 11 });
		// Without the turnout, the deposit goes to the treasury.
		assert!(events().contains(&Event::ProposalRejected {
			proposal_id: id,
			tally: Tally { ayes: 499 * 6, nays: 0, turnout: 499 },
			deposit_slashed: PROPOSAL_DEPOSIT,
		}));
		assert_eq!(free(&alice()), BALANCE - PROPOSAL_DEPOSIT);
		assert_eq!(deposit_held(&alice()), 0);
		assert_eq!(free(&treasury()), TREASURY_BALANCE + PROPOSAL_DEPOSIT);
		assert!(Proposals::<Test>::get(id).unwrap().call.is_empty());
		run_to(ENACTED_AT + 5);
		assert!(!events().iter().any(|e| matches!(e, Event::ProposalEnacted { .. })));
	});
}

#[test]
fn a_proposal_without_enough_approval_fails() {
	run_test(|| {
		let id = propose(alice(), remark());
		vote(bob(), id, true, 300, Conviction::Locked1x);
		vote(charlie(), id, false, 400, Conviction::Locked1x);
		run_to(DECIDED_AT);
		assert_eq!(status(id), ProposalStatus::Rejected { ended_at: 11 });
		// Enough turnout: voted down, not spam; the deposit is returned.
		assert!(events().contains(&Event::ProposalRejected {
			proposal_id: id,
			tally: Tally { ayes: 300, nays: 400, turnout: 700 },
			deposit_slashed: 0,
		}));
		assert_eq!((free(&alice()), deposit_held(&alice())), (BALANCE, 0));
	});
}

/// An attacker fills every proposal slot with proposals nobody supports. Each account
/// holds at most `MaxLiveProposalsPerAccount` of them, and each that ends without the
/// minimum turnout forfeits its deposit: keeping the slots full costs a deposit per slot
/// and voting period, and the slots free up when the period ends.
#[test]
fn proposal_slot_squatting_is_bounded_and_costly() {
	run_test(|| {
		MaxLiveProposalsPerAccount::set(2);
		propose(charlie(), remark());
		propose(charlie(), remark());
		assert_noop!(
			Governance::propose(origin(charlie()), Box::new(remark())),
			Error::<Test>::TooManyProposalsOfAccount
		);
		// The per-account count frees up with the proposal.
		propose(dave(), remark());
		assert_noop!(
			Governance::propose(origin(alice()), Box::new(remark())),
			Error::<Test>::TooManyProposals
		);
		assert_eq!(crate::LiveProposalsOf::<Test>::get(charlie()), 2);
		run_to(DECIDED_AT);
		assert_eq!(free(&charlie()), BALANCE - 2 * PROPOSAL_DEPOSIT);
		assert_eq!(free(&dave()), BALANCE - PROPOSAL_DEPOSIT);
		assert_eq!(free(&treasury()), TREASURY_BALANCE + 3 * PROPOSAL_DEPOSIT);
		assert!(!crate::LiveProposalsOf::<Test>::contains_key(charlie()));
		// An honest proposal gets in as soon as the squatters' period ends.
		propose(alice(), remark());
		MaxLiveProposalsPerAccount::set(MAX_LIVE);
	});
}

/// A holder with the turnout's worth of tokens votes on the squatter's proposals to get
/// their deposits refunded: a vote against does not refund them, and one for them with
/// no conviction is outweighed by honest holders voting against with conviction.
#[test]
fn turnout_alone_does_not_refund_a_squatters_deposit() {
	run_test(|| {
		let against = propose(charlie(), remark());
		let weakly_for = propose(charlie(), remark());
		vote(bob(), against, false, 600, Conviction::None);
		vote(bob(), weakly_for, true, 600, Conviction::None);
		vote(dave(), weakly_for, false, 200, Conviction::Locked1x);
		run_to(DECIDED_AT);
		// 60 ayes against 200 nays: less than a third for it.
		for id in [against, weakly_for] {
			assert!(events().contains(&Event::ProposalRejected {
				proposal_id: id,
				tally: tally(id),
				deposit_slashed: PROPOSAL_DEPOSIT,
			}));
		}
		assert_eq!(free(&charlie()), BALANCE - 2 * PROPOSAL_DEPOSIT);
	});
}

/// A proposal passed when its call fit; a runtime upgrade then made the call heavier than
/// a whole block's enactment weight. It fails instead of waiting for ever and holding up
/// the proposals due after it.
#[test]
fn a_call_heavier_than_any_block_fails_instead_of_blocking_the_queue() {
	run_test(|| {
		let heavy = propose(alice(), spend(10, dave()));
		let next = propose(bob(), remark());
		for id in [heavy, next] {
			vote(charlie(), id, true, 600, Conviction::Locked1x);
		}
		run_to(DECIDED_AT);
		MaxEnactmentWeight::set(Weight::from_parts(1, 1));
		run_to(ENACTED_AT);
		// (A stored event keeps `DispatchError::Other` without its message.)
		assert!(events().iter().any(|event| matches!(
			event,
			Event::ProposalEnacted { proposal_id, result: Err(DispatchError::Other(_)) }
				if *proposal_id == heavy
		)));
		assert_eq!(
			status(heavy),
			ProposalStatus::Enacted { ended_at: 11, at: ENACTED_AT, succeeded: false }
		);
		assert!(Proposals::<Test>::get(heavy).unwrap().call.is_empty());
		assert_eq!(free(&dave()), BALANCE);
		// The proposal due after it is not held up, and nothing is left queued.
		assert!(matches!(status(next), ProposalStatus::Enacted { at: ENACTED_AT, .. }));
		assert!(Enactments::<Test>::iter().next().is_none());
		MaxEnactmentWeight::set(Weight::from_parts(2_000_000_000, 2_000_000));
	});
}

#[test]
fn a_tie_is_not_a_majority() {
	run_test(|| {
		let id = propose(alice(), remark());
		vote(bob(), id, true, 300, Conviction::Locked2x);
		vote(charlie(), id, false, 600, Conviction::Locked1x);
		assert_eq!(tally(id), Tally { ayes: 600, nays: 600, turnout: 900 });
		run_to(DECIDED_AT);
		assert_eq!(status(id), ProposalStatus::Rejected { ended_at: 11 });
	});
}

#[test]
fn conviction_weighs_votes() {
	run_test(|| {
		let id = propose(alice(), remark());
		// More balance for, but without conviction it counts a tenth.
		vote(bob(), id, true, 990, Conviction::None);
		vote(charlie(), id, false, 200, Conviction::Locked1x);
		assert_eq!(tally(id), Tally { ayes: 99, nays: 200, turnout: 1_190 });
		run_to(DECIDED_AT);
		assert_eq!(status(id), ProposalStatus::Rejected { ended_at: 11 });

		let id = propose(alice(), remark());
		vote(bob(), id, true, 100, Conviction::Locked6x);
		vote(charlie(), id, false, 500, Conviction::Locked1x);
		assert_eq!(tally(id), Tally { ayes: 600, nays: 500, turnout: 600 });
		run_to(DECIDED_AT + 1 + VOTING_PERIOD);
		assert!(matches!(status(id), ProposalStatus::Approved { .. }));
	});
}

#[test]
fn a_failing_call_is_reported_and_nothing_else_breaks() {
	run_test(|| {
		let failing = propose(alice(), spend(TREASURY_BALANCE * 5, dave()));
		let working = propose(bob(), remark());
		for id in [failing, working] {
			vote(charlie(), id, true, 600, Conviction::Locked1x);
		}
		run_to(ENACTED_AT);
		assert!(events().contains(&Event::ProposalEnacted {
			proposal_id: failing,
			result: Err(TokenError::FundsUnavailable.into())
		}));
		assert!(events().contains(&Event::ProposalEnacted { proposal_id: working, result: Ok(()) }));
		assert_eq!(
			status(failing),
			ProposalStatus::Enacted { ended_at: 11, at: ENACTED_AT, succeeded: false }
		);
		assert_eq!(free(&treasury()), TREASURY_BALANCE);
		assert_eq!(free(&dave()), BALANCE);
	});
}

#[test]
fn a_proposal_changes_parameters() {
	run_test(|| {
		let change = ParameterChange::ProposalDeposit(PROPOSAL_DEPOSIT + 5);
		let call = RuntimeCall::Governance(crate::Call::set_parameters {
			changes: vec![change.clone()].try_into().unwrap(),
		});
		let id = propose(alice(), call);
		vote(bob(), id, true, 600, Conviction::Locked1x);
		run_to(ENACTED_AT);
		assert_eq!(Governance::parameters().proposal_deposit, PROPOSAL_DEPOSIT + 5);
		assert!(
			events().contains(&Event::ParametersSet { changes: vec![change].try_into().unwrap() })
		);
	});
}

#[test]
fn enactments_beyond_a_blocks_weight_move_to_the_next_blocks_in_order() {
	run_test(|| {
		// Each call declares the heaviest weight allowed; a block enacts two of them.
		let heavy = || {
			let changes = vec![ParameterChange::ProposalDeposit(PROPOSAL_DEPOSIT)];
			RuntimeCall::Governance(crate::Call::set_parameters {
				changes: changes.try_into().unwrap(),
			})
		};
		let declared = heavy().get_dispatch_info().call_weight;
		MaxCallWeight::set(declared);
		MaxEnactmentWeight::set(declared.saturating_mul(2));
		let ids: Vec<_> = (0..MAX_LIVE).map(|_| propose(alice(), heavy())).collect();
		for id in &ids {
			vote(bob(), *id, true, 600, Conviction::Locked1x);
		}
		run_to(ENACTED_AT);
		let enacted =
			|id| events().contains(&Event::ProposalEnacted { proposal_id: id, result: Ok(()) });
		assert!(enacted(ids[0]) && enacted(ids[1]) && !enacted(ids[2]));
		assert!(events()
			.contains(&Event::EnactmentDeferred { proposal_id: ids[2], enact_at: ENACTED_AT + 1 }));
		assert_eq!(
			status(ids[2]),
			ProposalStatus::Approved { ended_at: 11, enact_at: ENACTED_AT + 1 }
		);
		assert_eq!(Enactments::<Test>::get(ENACTED_AT + 1).to_vec(), vec![ids[2]]);
		Governance::do_try_state().unwrap();
		run_to(ENACTED_AT + 1);
		assert!(enacted(ids[2]));
		assert!(Enactments::<Test>::iter().next().is_none());
		MaxCallWeight::set(Weight::from_parts(1_000_000_000, 1_000_000));
		MaxEnactmentWeight::set(Weight::from_parts(2_000_000_000, 2_000_000));
	});
}

#[test]
fn scheduling_at_the_last_block_number_never_loops() {
	run_test(|| {
		let ids: Vec<_> = (0..MAX_LIVE).map(|_| propose(alice(), remark())).collect();
		for id in &ids {
			vote(bob(), *id, true, 600, Conviction::Locked1x);
		}
		run_to(DECIDED_AT);
		for id in &ids {
			Enactments::<Test>::mutate(ENACTED_AT, |list| list.retain(|x| x != id));
		}
		// The last block number's list is full: scheduling there returns, it does not
		// spin on a saturated block number.
		for id in 100..100 + MAX_LIVE {
			Enactments::<Test>::try_append(u64::MAX, id).unwrap();
		}
		assert_eq!(Governance::schedule(ids[0], u64::MAX), None);
		assert_eq!(Governance::schedule(ids[0], u64::MAX - 1), Some(u64::MAX - 1));
		Enactments::<Test>::remove(u64::MAX);
		Enactments::<Test>::remove(u64::MAX - 1);
		for id in &ids {
			Enactments::<Test>::try_append(ENACTED_AT, *id).unwrap();
		}
	});
}

#[test]
fn enactments_beyond_a_blocks_room_move_to_the_next_block() {
	run_test(|| {
		let ids: Vec<_> = (0..MAX_LIVE).map(|_| propose(alice(), remark())).collect();
		for id in &ids {
			vote(bob(), *id, true, 600, Conviction::Locked1x);
		}
		// The block after the next three is already full (a parameter change shortened
		// the delay of earlier proposals, say): the newcomers go one block later.
		for id in 100..100 + MAX_LIVE {
			Enactments::<Test>::try_append(ENACTED_AT, id).unwrap();
		}
		run_to(DECIDED_AT);
		for id in ids {
			assert_eq!(
				status(id),
				ProposalStatus::Approved { ended_at: 11, enact_at: ENACTED_AT + 1 }
			);
		}
		Enactments::<Test>::remove(ENACTED_AT);
	});
}

// ---------------------------------------------------------------- votes, holds, locks

#[test]
fn changing_a_vote_replaces_it() {
	run_test(|| {
		let id = propose(alice(), remark());
		vote(bob(), id, true, 300, Conviction::Locked2x);
		vote(bob(), id, false, 400, Conviction::Locked1x);
		assert_eq!(tally(id), Tally { ayes: 0, nays: 400, turnout: 400 });
		assert_eq!(
			Votes::<Test>::get(id, bob()),
			Some(Vote { aye: false, balance: 400, conviction: Conviction::Locked1x })
		);
		assert_eq!(VotingOf::<Test>::get(bob()).votes.to_vec(), vec![(id, 400)]);
		assert_eq!(vote_held(&bob()), 400);
	});
}

#[test]
fn voted_balance_is_held_not_moved() {
	run_test(|| {
		let id = propose(alice(), remark());
		vote(bob(), id, true, 600, Conviction::Locked1x);
		assert_eq!(free(&bob()), BALANCE - 600);
		assert_eq!(vote_held(&bob()), 600);
		assert_eq!(Balances::total_balance(&bob()), BALANCE);
		// Only what is not held moves, the existential deposit staying.
		assert_noop!(
			Balances::transfer(&bob(), &dave(), 400, Preservation::Expendable),
			TokenError::Frozen
		);
		assert_ok!(Balances::transfer(&bob(), &dave(), 399, Preservation::Expendable));
		assert_eq!(vote_held(&bob()), 600);
	});
}

#[test]
fn only_funds_not_on_hold_vote() {
	run_test(|| {
		let id = propose(alice(), remark());
		// Alice's 100 deposit is held: 899 of her 1,000 are free beyond the existential
		// deposit, and only those vote.
		assert_noop!(
			Governance::vote(origin(alice()), id, true, 900, Conviction::Locked1x),
			Error::<Test>::InsufficientFunds
		);
		vote(alice(), id, true, 899, Conviction::Locked1x);
		assert_eq!(vote_held(&alice()), 899);
		// Another hold cannot take what the vote holds.
		let other = RuntimeHoldReason::Governance(HoldReason::ProposalDeposit);
		assert_noop!(Balances::hold(&other, &alice(), 1), TokenError::FundsUnavailable);
		// Raising the vote needs free funds too; lowering it releases the difference.
		vote(alice(), id, true, 500, Conviction::Locked1x);
		assert_eq!((vote_held(&alice()), free(&alice())), (500, 400));
	});
}

#[test]
fn removing_a_vote_while_voting_takes_it_out_of_the_tally_and_thaws() {
	run_test(|| {
		let id = propose(alice(), remark());
		vote(bob(), id, true, 300, Conviction::Locked6x);
		assert_ok!(Governance::remove_vote(origin(bob()), id));
		assert_eq!(tally(id), Tally::default());
		assert_eq!(vote_held(&bob()), 0);
		assert!(!VotingOf::<Test>::contains_key(bob()));
		assert!(Votes::<Test>::get(id, bob()).is_none());
		assert!(events().contains(&Event::VoteRemoved {
			proposal_id: id,
			who: bob(),
			locked_until: None
		}));
		// With no vote left, the proposer may withdraw it again.
		assert_ok!(Governance::cancel(origin(alice()), id));
	});
}

#[test]
fn overlapping_votes_hold_the_largest_not_the_sum() {
	run_test(|| {
		let first = propose(alice(), remark());
		let second = propose(alice(), remark());
		vote(bob(), first, true, 300, Conviction::Locked1x);
		vote(bob(), second, false, 700, Conviction::Locked1x);
		assert_eq!(vote_held(&bob()), 700);
		assert_ok!(Governance::remove_vote(origin(bob()), second));
		assert_eq!(vote_held(&bob()), 300);
	});
}

#[test]
fn a_winning_conviction_vote_stays_locked_after_the_end() {
	run_test(|| {
		let id = propose(alice(), remark());
		vote(bob(), id, true, 500, Conviction::Locked2x); // winning side
		vote(charlie(), id, false, 100, Conviction::Locked6x); // losing side
		vote(dave(), id, true, 100, Conviction::None); // no conviction
		run_to(DECIDED_AT + 1);

		// Locked 2 × 5 blocks after the end at block 11: until block 21.
		assert_ok!(Governance::remove_vote(origin(bob()), id));
		assert!(events().contains(&Event::VoteRemoved {
			proposal_id: id,
			who: bob(),
			locked_until: Some(21)
		}));
		assert_eq!(vote_held(&bob()), 500);
		for who in [charlie(), dave()] {
			assert_ok!(Governance::remove_vote(origin(who.clone()), id));
			assert_eq!(vote_held(&who), 0);
			assert!(!VotingOf::<Test>::contains_key(&who));
		}

		run_to(20);
		assert_ok!(Governance::unlock(origin(dave()), bob()));
		assert_eq!(vote_held(&bob()), 500);
		run_to(21);
		assert_ok!(Governance::unlock(origin(dave()), bob()));
		assert_eq!(vote_held(&bob()), 0);
		assert!(!VotingOf::<Test>::contains_key(bob()));
		assert!(events().contains(&Event::Unlocked { who: bob(), locked: 0 }));
	});
}

#[test]
fn lock_periods_double_with_each_conviction() {
	run_test(|| {
		let convictions =
			[(Conviction::Locked1x, 1), (Conviction::Locked3x, 4), (Conviction::Locked6x, 32)];
		let mut ids = Vec::new();
		for _ in convictions {
			ids.push(propose(alice(), remark()));
		}
		for (id, (conviction, _)) in ids.iter().zip(convictions) {
			vote(bob(), *id, true, 600, conviction);
		}
		run_to(DECIDED_AT);
		for (id, (_, periods)) in ids.iter().zip(convictions) {
			assert_ok!(Governance::remove_vote(origin(bob()), *id));
			assert!(events().contains(&Event::VoteRemoved {
				proposal_id: *id,
				who: bob(),
				locked_until: Some(11 + periods * LOCKING_PERIOD)
			}));
		}
		// The locks merged: the largest amount until the latest end.
		let prior = VotingOf::<Test>::get(bob()).prior;
		assert_eq!((prior.until, prior.amount), (11 + 32 * LOCKING_PERIOD, 600));
	});
}

#[test]
fn votes_on_a_cancelled_proposal_leave_no_lock() {
	run_test(|| {
		let id = propose(alice(), remark());
		vote(bob(), id, true, 500, Conviction::Locked6x);
		assert_ok!(Governance::cancel(RuntimeOrigin::root(), id));
		assert_ok!(Governance::remove_vote(origin(bob()), id));
		assert_eq!(vote_held(&bob()), 0);
	});
}

// ---------------------------------------------------------------- cancellation

#[test]
fn the_proposer_withdraws_a_proposal_nobody_voted_on_and_forfeits_its_deposit() {
	run_test(|| {
		let id = propose(alice(), remark());
		assert_ok!(Governance::cancel(origin(alice()), id));
		// Withdrawing costs what failing the turnout does: a slot given back before the end
		// and taken again is not free.
		assert_eq!(free(&alice()), BALANCE - PROPOSAL_DEPOSIT);
		assert_eq!(free(&treasury()), TREASURY_BALANCE + PROPOSAL_DEPOSIT);
		assert_eq!(deposit_held(&alice()), 0);
		assert_eq!(status(id), ProposalStatus::Cancelled { at: 1 });
		assert_eq!(LiveProposals::<Test>::get(), 0);
		assert!(Deadlines::<Test>::get(11).is_empty());
		assert!(events()
			.contains(&Event::ProposalCancelled { proposal_id: id, slashed: PROPOSAL_DEPOSIT }));
		// Never decided.
		run_to(DECIDED_AT);
		assert_eq!(status(id), ProposalStatus::Cancelled { at: 1 });
	});
}

#[test]
fn governance_cancels_and_slashes_the_deposit_to_the_treasury() {
	run_test(|| {
		let id = propose(alice(), remark());
		vote(bob(), id, true, 600, Conviction::Locked1x);
		assert_ok!(Governance::cancel(RuntimeOrigin::root(), id));
		assert_eq!(free(&alice()), BALANCE - PROPOSAL_DEPOSIT);
		assert_eq!(deposit_held(&alice()), 0);
		assert_eq!(free(&treasury()), TREASURY_BALANCE + PROPOSAL_DEPOSIT);
		assert!(events()
			.contains(&Event::ProposalCancelled { proposal_id: id, slashed: PROPOSAL_DEPOSIT }));
	});
}

#[test]
fn cancel_errors_leave_state_untouched() {
	run_test(|| {
		assert_noop!(Governance::cancel(origin(alice()), 0), Error::<Test>::UnknownProposal);
		let id = propose(alice(), remark());
		assert_noop!(Governance::cancel(origin(bob()), id), Error::<Test>::NotProposer);
		assert_noop!(Governance::cancel(RuntimeOrigin::none(), id), DispatchError::BadOrigin);
		vote(bob(), id, true, 1, Conviction::None);
		assert_noop!(Governance::cancel(origin(alice()), id), Error::<Test>::ProposalHasVotes);
		run_to(DECIDED_AT);
		assert_noop!(Governance::cancel(RuntimeOrigin::root(), id), Error::<Test>::VotingClosed);
	});
}

// ---------------------------------------------------------------- errors of the other calls

#[test]
fn propose_errors_leave_state_untouched() {
	run_test(|| {
		let long = RuntimeCall::System(frame_system::Call::remark {
			remark: vec![0; MAX_PROPOSAL_LEN as usize],
		});
		assert_noop!(
			Governance::propose(origin(alice()), Box::new(long)),
			Error::<Test>::ProposalTooLarge
		);
		MaxCallWeight::set(Weight::zero());
		assert_noop!(
			Governance::propose(origin(alice()), Box::new(remark())),
			Error::<Test>::CallTooHeavy
		);
		MaxCallWeight::set(Weight::from_parts(1_000_000_000, 1_000_000));
		assert_noop!(
			Governance::propose(origin(pauper()), Box::new(remark())),
			TokenError::FundsUnavailable
		);
		assert_noop!(
			Governance::propose(RuntimeOrigin::none(), Box::new(remark())),
			DispatchError::BadOrigin
		);
		for _ in 0..MAX_LIVE {
			propose(alice(), remark());
		}
		assert_noop!(
			Governance::propose(origin(bob()), Box::new(remark())),
			Error::<Test>::TooManyProposals
		);
		NextProposalId::<Test>::put(ProposalId::MAX);
		assert_ok!(Governance::cancel(origin(alice()), 0));
		assert_noop!(
			Governance::propose(origin(bob()), Box::new(remark())),
			Error::<Test>::ProposalIdOverflow
		);
		NextProposalId::<Test>::put(MAX_LIVE);
	});
}

#[test]
fn vote_errors_leave_state_untouched() {
	run_test(|| {
		let ids: Vec<_> = (0..MAX_LIVE).map(|_| propose(alice(), remark())).collect();
		assert_noop!(
			Governance::vote(origin(bob()), ids[0], true, 0, Conviction::None),
			Error::<Test>::ZeroBalance
		);
		assert_noop!(
			Governance::vote(origin(bob()), 9, true, 1, Conviction::None),
			Error::<Test>::UnknownProposal
		);
		// The existential deposit stays free.
		assert_noop!(
			Governance::vote(origin(bob()), ids[0], true, BALANCE, Conviction::None),
			Error::<Test>::InsufficientFunds
		);
		for id in &ids {
			vote(bob(), *id, true, 10, Conviction::None);
		}
		run_to(DECIDED_AT);
		// Votes on ended proposals stay recorded until removed.
		let next = propose(alice(), remark());
		assert_noop!(
			Governance::vote(origin(bob()), next, true, 10, Conviction::None),
			Error::<Test>::TooManyVotes
		);
		assert_ok!(Governance::remove_vote(origin(bob()), ids[0]));
		vote(bob(), next, true, 10, Conviction::None);
	});
}

#[test]
fn a_vote_the_tally_cannot_count_exactly_is_refused() {
	// Not `run_test`: the tallies are tampered with, so `try_state` would rightly fail.
	new_test_ext().execute_with(|| {
		let id = propose(alice(), remark());
		// A tally no real issuance reaches: the vote's weight does not fit beside it.
		Proposals::<Test>::mutate(id, |p| p.as_mut().unwrap().tally.ayes = Balance::MAX - 5);
		assert_noop!(
			Governance::vote(origin(bob()), id, true, 10, Conviction::Locked1x),
			ArithmeticError::Overflow
		);
		// A recorded vote its tally does not hold (a bug, never a state the calls make) is
		// refused rather than counted as zero.
		vote(bob(), id, false, 10, Conviction::Locked1x);
		Proposals::<Test>::mutate(id, |p| p.as_mut().unwrap().tally.nays = 3);
		assert_noop!(Governance::remove_vote(origin(bob()), id), ArithmeticError::Underflow);
		assert_noop!(
			Governance::vote(origin(bob()), id, false, 20, Conviction::Locked1x),
			ArithmeticError::Underflow
		);
	});
}

#[test]
fn remove_vote_and_unlock_errors_leave_state_untouched() {
	run_test(|| {
		let id = propose(alice(), remark());
		assert_noop!(Governance::remove_vote(origin(bob()), id), Error::<Test>::NotVoted);
		assert_noop!(Governance::remove_vote(origin(bob()), 7), Error::<Test>::NotVoted);
		assert_noop!(Governance::unlock(origin(bob()), charlie()), Error::<Test>::NothingToUnlock);
		assert_noop!(Governance::unlock(RuntimeOrigin::none(), bob()), DispatchError::BadOrigin);
	});
}

// ---------------------------------------------------------------- treasury and parameters

#[test]
fn only_governance_spends_the_treasury() {
	run_test(|| {
		assert_noop!(Governance::spend(origin(alice()), 10, alice()), DispatchError::BadOrigin);
		assert_noop!(
			Governance::spend(RuntimeOrigin::root(), 0, alice()),
			Error::<Test>::ZeroAmount
		);
		// The treasury is kept alive.
		assert_noop!(
			Governance::spend(RuntimeOrigin::root(), TREASURY_BALANCE, alice()),
			TokenError::NotExpendable
		);
		assert_ok!(Governance::spend(RuntimeOrigin::root(), 250, alice()));
		assert_eq!(free(&alice()), BALANCE + 250);
		assert_eq!(free(&treasury()), TREASURY_BALANCE - 250);
		assert!(events().contains(&Event::TreasurySpent { amount: 250, beneficiary: alice() }));
	});
}

#[test]
fn set_parameters_refuses_unusable_sets_without_changing_anything() {
	run_test(|| {
		let set = |changes: Vec<ParameterChange<Balance, u64>>| {
			Governance::set_parameters(RuntimeOrigin::root(), changes.try_into().unwrap())
		};
		assert_noop!(
			Governance::set_parameters(origin(alice()), Default::default()),
			DispatchError::BadOrigin
		);
		assert_noop!(set(vec![]), Error::<Test>::NoParameterChanges);
		assert_noop!(
			set(vec![
				ParameterChange::VotingPeriod(MIN_VOTING_PERIOD),
				ParameterChange::ProposalDeposit(0)
			]),
			Error::<Test>::ZeroParameterAmount
		);
		assert_noop!(set(vec![ParameterChange::VotingPeriod(0)]), Error::<Test>::PeriodOutOfBounds);
		assert_noop!(
			set(vec![ParameterChange::EnactmentDelay(0)]),
			Error::<Test>::PeriodOutOfBounds
		);
		assert_noop!(
			set(vec![ParameterChange::ApprovalThreshold(Perbill::zero())]),
			Error::<Test>::ApprovalThresholdOutOfBounds
		);
		assert_ok!(set(vec![
			ParameterChange::VotingPeriod(3),
			ParameterChange::MinTurnout(Perbill::from_percent(1)),
		]));
		let parameters = Governance::parameters();
		assert_eq!(
			(parameters.voting_period, parameters.min_turnout),
			(3, Perbill::from_percent(1))
		);
		// The new voting period applies to new proposals.
		let id = propose(alice(), remark());
		assert_eq!(status(id), ProposalStatus::Voting { ends_at: 4 });
	});
}

/// Each bound of `ParameterBounds`, one value beyond it refused with its error and the
/// value at it accepted.
#[test]
fn every_parameter_bound_is_enforced() {
	run_test(|| {
		use ParameterChange::*;
		let set = |changes: Vec<ParameterChange<Balance, u64>>| {
			Governance::set_parameters(RuntimeOrigin::root(), changes.try_into().unwrap())
		};
		let cases: Vec<(Vec<ParameterChange<Balance, u64>>, Vec<_>, Error<Test>)> = vec![
			// A deposit nobody can pay would stop every later proposal.
			(
				vec![ProposalDeposit(MAX_AMOUNT + 1)],
				vec![ProposalDeposit(MAX_AMOUNT)],
				Error::<Test>::ParameterAmountTooLarge,
			),
			(
				vec![ProposalDeposit(0)],
				vec![ProposalDeposit(1)],
				Error::<Test>::ZeroParameterAmount,
			),
			(
				vec![VoteLockingPeriod(MAX_PERIOD + 1)],
				vec![VoteLockingPeriod(MAX_PERIOD)],
				Error::<Test>::PeriodOutOfBounds,
			),
			(
				vec![VoteLockingPeriod(0)],
				vec![VoteLockingPeriod(1)],
				Error::<Test>::PeriodOutOfBounds,
			),
			(
				vec![EnactmentDelay(u64::MAX)],
				vec![EnactmentDelay(MAX_DECISION_TIME - VOTING_PERIOD - 1)],
				Error::<Test>::PeriodOutOfBounds,
			),
			(
				vec![VotingPeriod(MIN_VOTING_PERIOD - 1)],
				vec![VotingPeriod(MIN_VOTING_PERIOD)],
				Error::<Test>::VotingPeriodTooShort,
			),
			// 100 % turnout: nothing could ever pass again, not even a runtime upgrade.
			(
				vec![MinTurnout(Perbill::from_percent(100))],
				vec![MinTurnout(Perbill::from_percent(50))],
				Error::<Test>::MinTurnoutOutOfBounds,
			),
			// No turnout at all: a single planck would pass any call.
			(
				vec![MinTurnout(Perbill::zero())],
				vec![MinTurnout(Perbill::from_percent(1))],
				Error::<Test>::MinTurnoutOutOfBounds,
			),
			(
				vec![ApprovalThreshold(Perbill::from_percent(50))],
				vec![ApprovalThreshold(Perbill::from_percent(60))],
				Error::<Test>::ApprovalThresholdOutOfBounds,
			),
			(
				vec![ApprovalThreshold(Perbill::from_percent(91))],
				vec![ApprovalThreshold(Perbill::from_percent(90))],
				Error::<Test>::ApprovalThresholdOutOfBounds,
			),
			// A slash must be enacted before the bond it targets can leave: voting plus
			// enactment stays below the unbonding period (`MaxDecisionTime`).
			(
				vec![VotingPeriod(MAX_DECISION_TIME - ENACTMENT_DELAY)],
				vec![VotingPeriod(MAX_DECISION_TIME - ENACTMENT_DELAY - 1)],
				Error::<Test>::DecisionOutlastsUnbonding,
			),
			(
				vec![EnactmentDelay(MAX_DECISION_TIME - VOTING_PERIOD)],
				vec![EnactmentDelay(MAX_DECISION_TIME - VOTING_PERIOD - 1)],
				Error::<Test>::DecisionOutlastsUnbonding,
			),
		];
		for (refused, accepted, error) in cases {
			assert_noop!(set(refused), error);
			let before = Governance::parameters();
			assert_ok!(set(accepted));
			assert_ne!(Governance::parameters(), before);
			crate::Parameters::<Test>::put(before);
		}
	});
}

#[test]
#[should_panic(expected = "genesis governance parameters are invalid: MinTurnoutOutOfBounds")]
fn genesis_refuses_parameters_out_of_bounds() {
	let mut parameters = default_parameters();
	parameters.min_turnout = Perbill::from_percent(100);
	let _ = RuntimeGenesisConfig {
		governance: crate::GenesisConfig { parameters: Some(parameters) },
		..Default::default()
	}
	.build_storage();
}

/// Proposals stored before the parameters moved to their pallets call index 6 with the
/// old changes; read as the new ones they would set other parameters, so the call moved
/// to index 7 and the old bytes no longer decode (enactment then reports it).
#[test]
fn the_old_set_parameters_encoding_no_longer_decodes() {
	use codec::{Decode, Encode};
	use frame_support::traits::PalletInfoAccess;
	let index = Governance::index() as u8;
	// One change: the old variant 5, `UnbondingPeriod(600_000_000)`.
	let old = [vec![index, 6, 4, 5], 600_000_000u32.encode()].concat();
	assert!(RuntimeCall::decode(&mut &old[..]).is_err());
	let new = RuntimeCall::Governance(crate::Call::set_parameters {
		changes: vec![ParameterChange::ProposalDeposit(1)].try_into().unwrap(),
	});
	assert_eq!(new.encode()[..2], [index, 7]);
}

#[test]
fn set_parameters_accepts_every_bound_at_once() {
	run_test(|| {
		use ParameterChange::*;
		// The enactment delay alone would break a bound (voting + enactment below
		// MAX_DECISION_TIME); with the shorter voting period it keeps it.
		assert_ok!(Governance::set_parameters(
			RuntimeOrigin::root(),
			vec![
				EnactmentDelay(MAX_DECISION_TIME - MIN_VOTING_PERIOD - 1),
				VotingPeriod(MIN_VOTING_PERIOD),
				MinTurnout(Perbill::from_percent(50)),
				ApprovalThreshold(Perbill::from_percent(90)),
			]
			.try_into()
			.unwrap()
		));
		assert_eq!(Governance::decision_time(), MAX_DECISION_TIME - 1);
	});
}

#[test]
fn genesis_sets_the_parameters() {
	let mut parameters = default_parameters();
	parameters.voting_period = 7;
	let storage = RuntimeGenesisConfig {
		governance: crate::GenesisConfig { parameters: Some(parameters.clone()) },
		..Default::default()
	}
	.build_storage()
	.unwrap();
	sp_io::TestExternalities::new(storage).execute_with(|| {
		assert_eq!(Governance::parameters(), parameters);
	});
	new_test_ext().execute_with(|| assert_eq!(Governance::parameters(), default_parameters()));
}

#[test]
fn views_list_proposals_and_votes() {
	run_test(|| {
		let first = propose(alice(), remark());
		let second = propose(bob(), remark());
		vote(charlie(), second, false, 70, Conviction::Locked3x);
		let page = Governance::proposals_page(None, 10);
		assert_eq!(page.iter().map(|p| p.id).collect::<Vec<_>>(), vec![first, second]);
		assert_eq!(page[1].tally, Tally { ayes: 0, nays: 210, turnout: 70 });
		assert_eq!(page[0].call, codec::Encode::encode(&remark()));
		assert_eq!(Governance::proposals_page(Some(first), 10).len(), 1);
		assert_eq!(Governance::proposals_page(None, 1).len(), 1);
		let (votes, held) = Governance::votes_of(charlie());
		assert_eq!(
			votes,
			vec![(second, Vote { aye: false, balance: 70, conviction: Conviction::Locked3x })]
		);
		assert_eq!(held, 70);
	});
}

// ---------------------------------------------------------------- invariants

#[test]
fn try_state_detects_a_vote_hold_that_is_not_the_max() {
	run_test(|| {
		let id = propose(alice(), remark());
		vote(bob(), id, true, 300, Conviction::Locked1x);
		let reason = RuntimeHoldReason::Governance(HoldReason::Vote);
		assert_ok!(Balances::hold(&reason, &bob(), 1));
		assert!(Governance::do_try_state().is_err());
		assert_ok!(Balances::release(
			&reason,
			&bob(),
			1,
			frame_support::traits::tokens::Precision::Exact
		));
		Proposals::<Test>::mutate(id, |p| p.as_mut().unwrap().tally.ayes += 1);
		assert!(Governance::do_try_state().is_err());
		Proposals::<Test>::mutate(id, |p| p.as_mut().unwrap().tally.ayes -= 1);
	});
}

mod random_sequences {
	use super::*;
	use proptest::prelude::*;

	#[derive(Debug, Clone)]
	enum Op {
		Propose { who: u8 },
		Vote { who: u8, nth: u8, aye: bool, balance: Balance, conviction: u8 },
		Remove { who: u8, nth: u8 },
		Unlock { who: u8 },
		Advance { blocks: u64 },
	}

	fn op() -> impl Strategy<Value = Op> {
		prop_oneof![
			(0u8..4).prop_map(|who| Op::Propose { who }),
			(0u8..4, 0u8..6, any::<bool>(), 1u128..1_100, 0u8..7).prop_map(
				|(who, nth, aye, balance, conviction)| Op::Vote {
					who,
					nth,
					aye,
					balance,
					conviction
				}
			),
			(0u8..4, 0u8..6).prop_map(|(who, nth)| Op::Remove { who, nth }),
			(0u8..4).prop_map(|who| Op::Unlock { who }),
			(1u64..8).prop_map(|blocks| Op::Advance { blocks }),
		]
	}

	fn voter(i: u8) -> AccountId {
		[alice(), bob(), charlie(), dave()][i as usize % 4].clone()
	}

	fn conviction(i: u8) -> Conviction {
		Conviction::ALL[i as usize % Conviction::ALL.len()]
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]
		#[test]
		fn vote_holds_and_tallies_stay_consistent(ops in proptest::collection::vec(op(), 1..60)) {
			new_test_ext().execute_with(|| {
				let issuance = Balances::total_issuance();
				for op in ops {
					let proposals = NextProposalId::<Test>::get().max(1);
					// Failing calls are part of the sequence: they must change nothing.
					let _ = match op {
						Op::Propose { who } =>
							Governance::propose(origin(voter(who)), Box::new(remark())),
						Op::Vote { who, nth, aye, balance, conviction: c } => Governance::vote(
							origin(voter(who)), nth as u32 % proposals, aye, balance, conviction(c)),
						Op::Remove { who, nth } =>
							Governance::remove_vote(origin(voter(who)), nth as u32 % proposals),
						Op::Unlock { who } => Governance::unlock(origin(alice()), voter(who)),
						Op::Advance { blocks } => {
							run_to(System::block_number() + blocks);
							Ok(())
						},
					};
					prop_assert!(Governance::do_try_state().is_ok());
					prop_assert_eq!(Balances::total_issuance(), issuance);
				}
				Ok(())
			})?;
		}
	}
}
