//! The invariants `try_state` checks.

use crate::*;
use agora_primitives::{ProposalId, ProposalStatus, Tally};
use frame_support::{ensure, traits::fungible::InspectHold};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// The pallet's invariants:
	/// - each proposal being voted on holds its deposit, sits in the deadline list of
	///   its end, and its tally is the sum of its recorded votes; `LiveProposals`
	///   counts them;
	/// - each account's `VotingOf` lists exactly its recorded votes with their
	///   balances, and its vote hold is the largest of those and its lock (the
	///   maximum, not the sum);
	/// - every approved proposal is queued for enactment;
	/// - the parameters in force are valid.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		ensure!(
			Self::validate_parameters(&Parameters::<T>::get()).is_ok(),
			"the parameters in force are invalid"
		);
		Self::check_proposals_and_votes()
	}

	/// The invariants of proposals, votes and holds (all of [`Self::do_try_state`] but
	/// the parameters, which a chain before version 2 still stores in their old layout).
	pub(crate) fn check_proposals_and_votes() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::{BTreeMap, BTreeSet};

		let mut live = 0u32;
		let mut live_of: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let queued: BTreeSet<ProposalId> = Enactments::<T>::iter_values().flatten().collect();
		for (proposal_id, proposal) in Proposals::<T>::iter() {
			ensure!(proposal_id < NextProposalId::<T>::get(), "proposal id beyond the counter");
			match proposal.status {
				ProposalStatus::Voting { ends_at } => {
					live += 1;
					live_of.entry(proposal.proposer.clone()).or_default().saturating_inc();
					deposits
						.entry(proposal.proposer.clone())
						.or_default()
						.saturating_accrue(proposal.deposit);
					ensure!(
						Deadlines::<T>::get(ends_at).contains(&proposal_id),
						"live proposal missing from its deadline"
					);
					let mut tally = Tally::default();
					for (_, vote) in Votes::<T>::iter_prefix(proposal_id) {
						tally.add(&vote)?;
					}
					ensure!(tally == proposal.tally, "tally is not the sum of its votes");
				},
				ProposalStatus::Approved { .. } => ensure!(
					queued.contains(&proposal_id),
					"approved proposal not queued for enactment"
				),
				_ => {},
			}
		}
		ensure!(live == LiveProposals::<T>::get(), "live proposals miscounted");
		ensure!(
			live_of == LiveProposalsOf::<T>::iter().collect::<BTreeMap<_, _>>(),
			"live proposals of an account miscounted"
		);

		let mut voters: BTreeMap<T::AccountId, BTreeMap<ProposalId, BalanceOf<T>>> =
			BTreeMap::new();
		for (proposal_id, who, vote) in Votes::<T>::iter() {
			voters.entry(who).or_default().insert(proposal_id, vote.balance);
		}
		for (who, voting) in VotingOf::<T>::iter() {
			let listed: BTreeMap<_, _> = voting.votes.iter().copied().collect();
			ensure!(
				listed == voters.remove(&who).unwrap_or_default(),
				"VotingOf does not list the account's votes"
			);
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::Vote.into(), &who) == voting.locked(),
				"vote hold is not the max of votes and locks"
			);
		}
		ensure!(voters.is_empty(), "votes of an account without a voting record");
		for who in frame_system::Account::<T>::iter_keys() {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::ProposalDeposit.into(), &who)
					== deposits.get(&who).copied().unwrap_or_default(),
				"proposal deposit hold mismatch"
			);
			if !VotingOf::<T>::contains_key(&who) {
				ensure!(
					T::Currency::balance_on_hold(&HoldReason::Vote.into(), &who).is_zero(),
					"vote hold without votes or locks"
				);
			}
		}
		Ok(())
	}
}
