//! Read-only views of proposals and votes, served by the `GovernanceApi` runtime API.

use crate::{BalanceOf, Config, HoldReason, NextProposalId, Pallet, Proposals, Votes, VotingOf};
use agora_primitives::{ProposalId, ProposalInfo, Vote, MAX_PROPOSALS_PAGE};
use alloc::vec::Vec;
use frame_support::traits::fungible::InspectHold;
use frame_system::pallet_prelude::BlockNumberFor;

/// A proposal as the runtime API shows it.
pub type ProposalInfoOf<T> =
	ProposalInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
	/// Up to `limit` (capped at [`MAX_PROPOSALS_PAGE`]) proposals with ids above
	/// `start_after`, in id order.
	pub fn proposals_page(start_after: Option<ProposalId>, limit: u32) -> Vec<ProposalInfoOf<T>> {
		let first = start_after.map_or(0, |id| id.saturating_add(1));
		(first..NextProposalId::<T>::get())
			.filter_map(|id| {
				Proposals::<T>::get(id).map(|proposal| ProposalInfo {
					id,
					proposer: proposal.proposer,
					call: proposal.call.into_inner(),
					deposit: proposal.deposit,
					tally: proposal.tally,
					status: proposal.status,
					proposed_at: proposal.proposed_at,
				})
			})
			.take(limit.min(MAX_PROPOSALS_PAGE) as usize)
			.collect()
	}

	/// `who`'s recorded votes and the balance its votes and locks hold.
	pub fn votes_of(who: T::AccountId) -> (Vec<(ProposalId, Vote<BalanceOf<T>>)>, BalanceOf<T>) {
		let votes = VotingOf::<T>::get(&who)
			.votes
			.iter()
			.filter_map(|(id, _)| Votes::<T>::get(id, &who).map(|vote| (*id, vote)))
			.collect();
		(votes, T::Currency::balance_on_hold(&HoldReason::Vote.into(), &who))
	}
}
