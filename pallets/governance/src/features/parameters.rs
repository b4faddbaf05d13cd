//! The pallet's governed parameters: reading, checking and changing them.

use crate::*;
use agora_primitives::{check_amounts, ParameterSet, MAX_PARAMETER_CHANGES};
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// The governed parameters in force.
	pub fn parameters() -> ParametersOf<T> {
		Parameters::<T>::get()
	}

	/// The longest a proposal takes from being proposed to being enacted: its voting
	/// period plus enactment delay.
	pub fn decision_time() -> BlockNumberFor<T> {
		let parameters = Parameters::<T>::get();
		parameters.voting_period.saturating_add(parameters.enactment_delay)
	}

	/// Whether `parameters` keep the chain governable within `ParameterBounds`: a
	/// positive proposal deposit no larger than the largest, periods from one block to the
	/// longest (the enactment delay may not be zero either: a passed proposal is
	/// dispatched in a later block), a voting period long enough to vote, a turnout within
	/// bounds, an approval threshold between a strict majority and the largest, and a
	/// voting period plus enactment delay below `MaxDecisionTime`.
	pub fn validate_parameters(parameters: &ParametersOf<T>) -> Result<(), Error<T>> {
		let bounds = T::ParameterBounds::get();
		check_amounts(&[parameters.proposal_deposit], &[], bounds.max_amount)?;
		let periods =
			[parameters.voting_period, parameters.enactment_delay, parameters.vote_locking_period];
		ensure!(
			periods.iter().all(|period| !period.is_zero() && *period <= bounds.max_period),
			Error::<T>::PeriodOutOfBounds
		);
		ensure!(
			parameters.voting_period >= bounds.min_voting_period,
			Error::<T>::VotingPeriodTooShort
		);
		ensure!(
			(bounds.min_min_turnout..=bounds.max_min_turnout).contains(&parameters.min_turnout),
			Error::<T>::MinTurnoutOutOfBounds
		);
		ensure!(
			(bounds.min_approval_threshold..=bounds.max_approval_threshold)
				.contains(&parameters.approval_threshold),
			Error::<T>::ApprovalThresholdOutOfBounds
		);
		ensure!(
			parameters.voting_period.saturating_add(parameters.enactment_delay)
				< T::MaxDecisionTime::get(),
			Error::<T>::DecisionOutlastsUnbonding
		);
		Ok(())
	}

	/// Applies `changes` if the result is valid; see [`Pallet::set_parameters`].
	pub(crate) fn do_set_parameters(
		changes: BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>>,
	) -> DispatchResult {
		let parameters = Parameters::<T>::get().changed(
			&changes,
			Self::validate_parameters,
			Error::<T>::NoParameterChanges,
		)?;
		Parameters::<T>::put(parameters);
		Self::deposit_event(Event::ParametersSet { changes });
		Ok(())
	}
}
