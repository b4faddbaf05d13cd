//! The pallet's governed parameters: reading, checking and changing them.

use crate::*;
use agora_primitives::{check_amounts, ParameterSet, MAX_PARAMETER_CHANGES};
use frame_support::pallet_prelude::*;

impl<T: Config> Pallet<T> {
	/// The governed parameters in force.
	pub fn parameters() -> ParametersOf<T> {
		Parameters::<T>::get()
	}

	/// Whether `parameters` keep state free of dust and the pallet usable: every deposit
	/// above zero and at most `MaxParameterAmount`.
	pub fn validate_parameters(parameters: &ParametersOf<T>) -> Result<(), Error<T>> {
		let deposits = [
			parameters.dataset_deposit,
			parameters.contribution_deposit,
			parameters.submission_deposit,
		];
		Ok(check_amounts(&deposits, &[], T::MaxParameterAmount::get())?)
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
