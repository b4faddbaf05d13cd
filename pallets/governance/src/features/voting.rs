//! Proposals and votes: proposing, voting with conviction, removing votes, the vote hold
//! and cancelling.

use crate::*;
use agora_primitives::{ProposalId, ProposalStatus, Tally, Vote};
use alloc::boxed::Box;
use codec::Encode;
use frame_support::{
	dispatch::GetDispatchInfo,
	pallet_prelude::*,
	traits::{
		fungible::{BalancedHold, Inspect, InspectHold, MutateHold},
		tokens::{Fortitude, Precision, Preservation},
		Imbalance, OnUnbalanced,
	},
};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Records `proposer`'s proposal of `call`; see [`Pallet::propose`].
	pub(crate) fn do_propose(
		proposer: T::AccountId,
		call: Box<<T as Config>::RuntimeCall>,
	) -> DispatchResult {
		let encoded: BoundedVec<u8, T::MaxProposalLen> =
			call.encode().try_into().map_err(|_| Error::<T>::ProposalTooLarge)?;
		ensure!(
			call.get_dispatch_info().call_weight.all_lte(T::MaxCallWeight::get()),
			Error::<T>::CallTooHeavy
		);
		let live = LiveProposals::<T>::get();
		ensure!(live < T::MaxLiveProposals::get(), Error::<T>::TooManyProposals);
		let live_of_proposer = LiveProposalsOf::<T>::get(&proposer);
		ensure!(
			live_of_proposer < T::MaxLiveProposalsPerAccount::get(),
			Error::<T>::TooManyProposalsOfAccount
		);
		let proposal_id = NextProposalId::<T>::get();
		let next_id = proposal_id.checked_add(1).ok_or(Error::<T>::ProposalIdOverflow)?;
		let parameters = Parameters::<T>::get();
		let deposit = parameters.proposal_deposit;
		let now = frame_system::Pallet::<T>::block_number();
		let ends_at = now.saturating_add(parameters.voting_period);
		Deadlines::<T>::try_append(ends_at, proposal_id)
			.map_err(|_| Error::<T>::TooManyProposals)?;
		T::Currency::hold(&HoldReason::ProposalDeposit.into(), &proposer, deposit)?;

		Proposals::<T>::insert(
			proposal_id,
			Proposal {
				proposer: proposer.clone(),
				call: encoded,
				deposit,
				tally: Tally::default(),
				status: ProposalStatus::Voting { ends_at },
				proposed_at: now,
			},
		);
		NextProposalId::<T>::put(next_id);
		LiveProposals::<T>::put(live.saturating_add(1));
		LiveProposalsOf::<T>::insert(&proposer, live_of_proposer.saturating_add(1));
		Self::deposit_event(Event::Proposed { proposal_id, proposer, deposit, ends_at });
		Ok(())
	}

	/// Records or replaces `who`'s vote; see [`Pallet::vote`].
	pub(crate) fn do_vote(
		who: T::AccountId,
		proposal_id: ProposalId,
		aye: bool,
		balance: BalanceOf<T>,
		conviction: Conviction,
	) -> DispatchResult {
		ensure!(!balance.is_zero(), Error::<T>::ZeroBalance);
		let mut proposal = Proposals::<T>::get(proposal_id).ok_or(Error::<T>::UnknownProposal)?;
		ensure!(matches!(proposal.status, ProposalStatus::Voting { .. }), Error::<T>::VotingClosed);
		let mut voting = VotingOf::<T>::get(&who);
		let vote = Vote { aye, balance, conviction };
		match Votes::<T>::get(proposal_id, &who) {
			Some(previous) => {
				proposal.tally.remove(&previous)?;
				for (id, voted) in voting.votes.iter_mut() {
					if *id == proposal_id {
						*voted = balance;
					}
				}
			},
			None => voting
				.votes
				.try_push((proposal_id, balance))
				.map_err(|_| Error::<T>::TooManyVotes)?,
		}
		proposal.tally.add(&vote)?;
		Self::set_vote_hold(&who, &voting)?;
		Proposals::<T>::insert(proposal_id, proposal);
		Votes::<T>::insert(proposal_id, &who, vote);
		VotingOf::<T>::insert(&who, voting);
		Self::deposit_event(Event::Voted { proposal_id, who, vote });
		Ok(())
	}

	/// Removes `who`'s vote, leaving a lock if it won; see [`Pallet::remove_vote`].
	pub(crate) fn do_remove_vote(who: T::AccountId, proposal_id: ProposalId) -> DispatchResult {
		let vote = Votes::<T>::get(proposal_id, &who).ok_or(Error::<T>::NotVoted)?;
		let mut proposal = Proposals::<T>::get(proposal_id).ok_or(Error::<T>::UnknownProposal)?;
		let mut voting = VotingOf::<T>::get(&who);
		voting.votes.retain(|(id, _)| *id != proposal_id);
		let won = |passed: bool| vote.aye == passed;
		let ended_on_winning_side = match proposal.status {
			ProposalStatus::Voting { .. } => {
				proposal.tally.remove(&vote)?;
				Proposals::<T>::insert(proposal_id, &proposal);
				None
			},
			ProposalStatus::Approved { ended_at, .. }
			| ProposalStatus::Enacted { ended_at, .. } => won(true).then_some(ended_at),
			ProposalStatus::Rejected { ended_at } => won(false).then_some(ended_at),
			ProposalStatus::Cancelled { .. } => None,
		};
		let now = frame_system::Pallet::<T>::block_number();
		let locked_until = ended_on_winning_side
			.filter(|_| vote.conviction.lock_periods() > 0)
			.map(|ended_at| {
				let period = Parameters::<T>::get().vote_locking_period;
				ended_at
					.saturating_add(period.saturating_mul(vote.conviction.lock_periods().into()))
			})
			.filter(|until| *until > now);
		if let Some(until) = locked_until {
			voting.prior.accumulate(until, vote.balance);
		}
		voting.prior.expire(now);
		Self::set_vote_hold(&who, &voting)?;
		Self::store_voting(&who, voting);
		Votes::<T>::remove(proposal_id, &who);
		Self::deposit_event(Event::VoteRemoved { proposal_id, who, locked_until });
		Ok(())
	}

	/// Shrinks `who`'s vote hold; see [`Pallet::unlock`].
	pub(crate) fn do_unlock(who: T::AccountId) -> DispatchResult {
		ensure!(VotingOf::<T>::contains_key(&who), Error::<T>::NothingToUnlock);
		let mut voting = VotingOf::<T>::get(&who);
		voting.prior.expire(frame_system::Pallet::<T>::block_number());
		let locked = voting.locked();
		Self::set_vote_hold(&who, &voting)?;
		Self::store_voting(&who, voting);
		Self::deposit_event(Event::Unlocked { who, locked });
		Ok(())
	}

	/// Withdraws (`Some(proposer)`) or cancels (`None`: the governance origin) a proposal;
	/// see [`Pallet::cancel`].
	pub(crate) fn do_cancel(
		signer: Option<T::AccountId>,
		proposal_id: ProposalId,
	) -> DispatchResult {
		let mut proposal = Proposals::<T>::get(proposal_id).ok_or(Error::<T>::UnknownProposal)?;
		let ProposalStatus::Voting { ends_at } = proposal.status else {
			return Err(Error::<T>::VotingClosed.into());
		};
		if let Some(caller) = signer {
			ensure!(caller == proposal.proposer, Error::<T>::NotProposer);
			ensure!(proposal.tally.turnout.is_zero(), Error::<T>::ProposalHasVotes);
		}
		let slashed = Self::forfeit_deposit(&proposal);
		Deadlines::<T>::mutate(ends_at, |ids| ids.retain(|id| *id != proposal_id));
		Self::end_voting(&proposal.proposer);
		proposal.status =
			ProposalStatus::Cancelled { at: frame_system::Pallet::<T>::block_number() };
		proposal.call = Default::default();
		Proposals::<T>::insert(proposal_id, proposal);
		Self::deposit_event(Event::ProposalCancelled { proposal_id, slashed });
		Ok(())
	}

	/// Sets `who`'s vote hold to what `voting` needs: a raise is taken from free funds
	/// only (the existential deposit and any freeze stay untouched), or fails with
	/// `InsufficientFunds`.
	fn set_vote_hold(who: &T::AccountId, voting: &Voting<T>) -> DispatchResult {
		let reason = HoldReason::Vote.into();
		let held = T::Currency::balance_on_hold(&reason, who);
		let needed = voting.locked();
		if needed > held {
			let raise = needed.saturating_sub(held);
			let free =
				T::Currency::reducible_balance(who, Preservation::Preserve, Fortitude::Polite);
			ensure!(raise <= free, Error::<T>::InsufficientFunds);
			T::Currency::hold(&reason, who, raise)
		} else if needed < held {
			T::Currency::release(&reason, who, held.saturating_sub(needed), Precision::Exact)
				.map(|_| ())
		} else {
			Ok(())
		}
	}

	fn store_voting(who: &T::AccountId, voting: Voting<T>) {
		if voting.is_empty() {
			VotingOf::<T>::remove(who);
		} else {
			VotingOf::<T>::insert(who, voting);
		}
	}

	/// One fewer proposal of `proposer` is being voted on.
	pub(crate) fn end_voting(proposer: &T::AccountId) {
		LiveProposals::<T>::mutate(|live| live.saturating_dec());
		LiveProposalsOf::<T>::mutate_exists(proposer, |live| {
			*live = live.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0)
		});
	}

	/// Sends `proposal`'s held deposit to the treasury (`OnCancel`); returns the amount.
	pub(crate) fn forfeit_deposit(proposal: &Proposal<T>) -> BalanceOf<T> {
		let reason = HoldReason::ProposalDeposit.into();
		let (credit, _) = T::Currency::slash(&reason, &proposal.proposer, proposal.deposit);
		let slashed = credit.peek();
		T::OnCancel::on_unbalanced(credit);
		slashed
	}
}
