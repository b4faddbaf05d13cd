//! The end of voting and enactment: deciding proposals, queueing and dispatching the
//! passed ones within the enactment weight.

use crate::*;
use agora_primitives::{ProposalId, ProposalStatus};
use codec::DecodeLimit;
use frame_support::{
	dispatch::GetDispatchInfo,
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{CheckedAdd, Dispatchable, One, Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// The work of `on_initialize`: decides the proposals whose voting ended with the
	/// previous block and dispatches those due in `now` within `MaxEnactmentWeight`.
	pub(crate) fn decide_and_enact(now: BlockNumberFor<T>) -> Weight {
		let ending = Deadlines::<T>::take(now.saturating_sub(One::one()));
		let due = Enactments::<T>::take(now);
		let mut weight = T::WeightInfo::on_initialize(ending.len() as u32, due.len() as u32);
		if !ending.is_empty() {
			// Read once: every proposal ending here is decided on the same terms.
			let parameters = Parameters::<T>::get();
			let total_issuance = T::Currency::total_issuance();
			for proposal_id in ending {
				Self::decide(proposal_id, now, &parameters, total_issuance);
			}
		}
		let mut budget = T::MaxEnactmentWeight::get();
		let mut due = due.into_iter();
		for proposal_id in due.by_ref() {
			match Self::enact(proposal_id, now, budget) {
				Enactment::Dispatched(spent) => {
					weight.saturating_accrue(spent);
					budget = budget.saturating_sub(spent);
				},
				Enactment::Deferred => {
					Self::defer(proposal_id, now);
					weight.saturating_accrue(T::DbWeight::get().reads_writes(2, 2));
					break;
				},
			}
		}
		// Once one proposal waits, those after it wait too, after those already due in
		// the next block.
		due.for_each(|proposal_id| {
			Self::defer(proposal_id, now);
			weight.saturating_accrue(T::DbWeight::get().reads_writes(2, 2));
		});
		weight
	}

	/// Ends the voting on `proposal_id` and schedules the call if it passed. The
	/// deposit is returned when the proposal reached the minimum turnout with at least
	/// a third of the votes for it ([`Tally::refunds_deposit`]); otherwise it goes to
	/// the treasury, so that filling proposal slots with proposals nobody supports, or
	/// that a large majority rejects, costs a deposit per slot and voting period. A
	/// rejected proposal's call bytes are dropped (its events keep its history).
	fn decide(
		proposal_id: ProposalId,
		now: BlockNumberFor<T>,
		parameters: &ParametersOf<T>,
		total_issuance: BalanceOf<T>,
	) {
		let Some(mut proposal) = Proposals::<T>::get(proposal_id) else { return };
		if !matches!(proposal.status, ProposalStatus::Voting { .. }) {
			return;
		}
		let ended_at = now.saturating_sub(One::one());
		let tally = proposal.tally;
		let deposit_slashed = if tally.refunds_deposit(total_issuance, parameters.min_turnout) {
			let released = T::Currency::release(
				&HoldReason::ProposalDeposit.into(),
				&proposal.proposer,
				proposal.deposit,
				Precision::BestEffort,
			);
			debug_assert!(released.is_ok(), "a proposal's deposit is held");
			Zero::zero()
		} else {
			Self::forfeit_deposit(&proposal)
		};
		if tally.passes(total_issuance, parameters.min_turnout, parameters.approval_threshold) {
			let at = now.saturating_add(parameters.enactment_delay);
			if let Some(enact_at) = Self::queue(proposal_id, &mut proposal, ended_at, at, now) {
				Self::deposit_event(Event::ProposalApproved { proposal_id, tally, enact_at });
			}
		} else {
			proposal.status = ProposalStatus::Rejected { ended_at };
			proposal.call = Default::default();
			Self::deposit_event(Event::ProposalRejected { proposal_id, tally, deposit_slashed });
		}
		Self::end_voting(&proposal.proposer);
		Proposals::<T>::insert(proposal_id, proposal);
	}

	/// Queues `proposal_id` for dispatch in block `at`, or the first later block with
	/// room, and returns that block. Never loops: the search stops at the largest block
	/// number, and then returns `None` (each block's list is bounded, and the parameter
	/// bounds keep `at` centuries below that number, so it does not happen).
	pub(crate) fn schedule(
		proposal_id: ProposalId,
		mut at: BlockNumberFor<T>,
	) -> Option<BlockNumberFor<T>> {
		loop {
			if Enactments::<T>::try_append(at, proposal_id).is_ok() {
				return Some(at);
			}
			at = at.checked_add(&One::one())?;
		}
	}

	/// Schedules passed `proposal` for block `at` or later and records where in its
	/// status; if no block has room, records it as enacted without success instead.
	fn queue(
		proposal_id: ProposalId,
		proposal: &mut Proposal<T>,
		ended_at: BlockNumberFor<T>,
		at: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> Option<BlockNumberFor<T>> {
		let scheduled = Self::schedule(proposal_id, at);
		match scheduled {
			Some(enact_at) => proposal.status = ProposalStatus::Approved { ended_at, enact_at },
			None => {
				let result = Err(DispatchError::Other("no block left to enact the proposal in"));
				Self::record_enacted(proposal_id, proposal, ended_at, now, result);
			},
		}
		scheduled
	}

	/// Moves a due proposal that did not fit this block's enactment weight to the next
	/// block with room.
	fn defer(proposal_id: ProposalId, now: BlockNumberFor<T>) {
		let Some(mut proposal) = Proposals::<T>::get(proposal_id) else { return };
		let ProposalStatus::Approved { ended_at, .. } = proposal.status else { return };
		let next = now.saturating_add(One::one());
		if let Some(enact_at) = Self::queue(proposal_id, &mut proposal, ended_at, next, now) {
			Self::deposit_event(Event::EnactmentDeferred { proposal_id, enact_at });
		}
		Proposals::<T>::insert(proposal_id, proposal);
	}

	/// Dispatches a passed proposal's call with Root origin if its declared weight fits
	/// `budget`.
	fn enact(proposal_id: ProposalId, now: BlockNumberFor<T>, budget: Weight) -> Enactment {
		let Some(mut proposal) = Proposals::<T>::get(proposal_id) else {
			return Enactment::Dispatched(Weight::zero());
		};
		let ProposalStatus::Approved { ended_at, .. } = proposal.status else {
			return Enactment::Dispatched(Weight::zero());
		};
		let call = <T as Config>::RuntimeCall::decode_all_with_depth_limit(
			frame_support::MAX_EXTRINSIC_DEPTH,
			&mut &proposal.call[..],
		);
		let (result, weight) = match call {
			Ok(call) => {
				let declared = call.get_dispatch_info().call_weight;
				if declared.all_lte(budget) {
					match call.dispatch(frame_system::RawOrigin::Root.into()) {
						Ok(post) => (Ok(()), post.actual_weight.unwrap_or(declared)),
						Err(error) => {
							(Err(error.error), error.post_info.actual_weight.unwrap_or(declared))
						},
					}
				} else if budget != T::MaxEnactmentWeight::get() {
					return Enactment::Deferred;
				} else {
					// It does not fit even an untouched block, so it would wait for ever
					// (weights can grow with a runtime upgrade after it was proposed).
					let heavy = "the call is heavier than a block's enactment weight";
					(Err(DispatchError::Other(heavy)), Weight::zero())
				}
			},
			// The runtime changed since the proposal was made.
			Err(_) => {
				(Err(DispatchError::Other("proposal call no longer decodes")), Weight::zero())
			},
		};
		Self::record_enacted(proposal_id, &mut proposal, ended_at, now, result);
		Proposals::<T>::insert(proposal_id, proposal);
		Enactment::Dispatched(weight)
	}

	/// Records that `proposal` was dispatched in block `now` with `result` (or could not
	/// be), dropping its call bytes.
	fn record_enacted(
		proposal_id: ProposalId,
		proposal: &mut Proposal<T>,
		ended_at: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
		result: DispatchResult,
	) {
		proposal.call = Default::default();
		proposal.status = ProposalStatus::Enacted { ended_at, at: now, succeeded: result.is_ok() };
		Self::deposit_event(Event::ProposalEnacted { proposal_id, result });
	}
}
