//! Storage migrations of pallet-governance.

/// Version 0 → 1: votes are held (`HoldReason::Vote`) instead of frozen.
///
/// Version 0 froze each voter's balance, and let a vote count up to the account's *total*
/// balance, funds on hold included. From version 1 a vote counts only free funds and is
/// held. For each voter the migration caps every recorded vote and its conviction lock at
/// what the account has free (fixing the tallies of proposals still being voted on),
/// then holds what its votes and locks need; and it counts each account's proposals
/// being voted on (`LiveProposalsOf`, new in version 1).
///
/// The old freeze must be gone first: its reason no longer exists in the runtime, so the
/// runtime clears it (it was the only freeze) before this migration runs.
pub mod v1 {
	use crate::{
		BalanceOf, Config, HoldReason, LiveProposalsOf, Pallet, Proposals, Votes, VotingOf,
	};
	use agora_primitives::ProposalStatus;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{
			fungible::{Inspect, MutateHold},
			tokens::{Fortitude, Preservation},
			Get, UncheckedOnRuntimeUpgrade,
		},
		weights::Weight,
	};
	use sp_runtime::traits::Saturating;

	/// The migration without its version check; use [`MigrateToV1`].
	pub struct InnerMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut reads = 0u64;
			let mut writes = 0u64;
			for (_, proposal) in Proposals::<T>::iter() {
				reads.saturating_inc();
				if matches!(proposal.status, ProposalStatus::Voting { .. }) {
					LiveProposalsOf::<T>::mutate(&proposal.proposer, |n| n.saturating_inc());
					writes.saturating_inc();
				}
			}
			let voters: alloc::vec::Vec<_> = VotingOf::<T>::iter().collect();
			for (who, mut voting) in voters {
				reads.saturating_accrue(2);
				let free: BalanceOf<T> =
					T::Currency::reducible_balance(&who, Preservation::Preserve, Fortitude::Polite);
				for (proposal_id, balance) in voting.votes.iter_mut() {
					if *balance <= free {
						continue;
					}
					*balance = free;
					Votes::<T>::mutate(*proposal_id, &who, |vote| {
						let Some(vote) = vote else { return };
						Proposals::<T>::mutate(*proposal_id, |proposal| {
							let Some(proposal) = proposal else { return };
							let counted = *vote;
							vote.balance = free;
							if matches!(proposal.status, ProposalStatus::Voting { .. })
								&& proposal
									.tally
									.remove(&counted)
									.and_then(|()| proposal.tally.add(vote))
									.is_err()
							{
								frame_support::defensive!(
									"a recorded vote is counted in its tally"
								);
							}
						});
					});
					reads.saturating_accrue(2);
					writes.saturating_accrue(2);
				}
				voting.prior.amount = voting.prior.amount.min(free);
				let held = T::Currency::hold(&HoldReason::Vote.into(), &who, voting.locked());
				debug_assert!(held.is_ok(), "votes were capped at the free balance");
				VotingOf::<T>::insert(&who, voting);
				writes.saturating_accrue(2);
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}

		/// After the migration the pallet's invariants hold: every vote hold is what the
		/// voter's votes and locks need, every tally the sum of its votes. (Its parameters
		/// are checked once version 2 has given them their own layout.)
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::check_proposals_and_votes()
		}
	}

	/// Runs [`InnerMigrateToV1`] once, when the pallet's storage version is 0, and sets it
	/// to 1.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		InnerMigrateToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
