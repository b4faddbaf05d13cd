//! The marketplace parameters: reading and changing them.

use crate::*;
use frame_support::pallet_prelude::*;

impl<T: Config> Pallet<T> {
	/// The marketplace parameters in force.
	pub fn parameters() -> ParametersOf<T> {
		Parameters::<T>::get()
	}

	/// Applies `changes` if the result is within bounds; see [`Pallet::set_parameters`].
	pub(crate) fn do_set_parameters(
		changes: BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>>,
	) -> DispatchResult {
		ensure!(!changes.is_empty(), Error::<T>::NoParameterChanges);
		let mut parameters = Parameters::<T>::get();
		for change in changes.iter() {
			parameters.apply(change.clone());
		}
		parameters.validate(&T::ParameterBounds::get()).map_err(Error::<T>::from)?;
		Parameters::<T>::put(parameters);
		Self::deposit_event(Event::ParametersSet { changes });
		Ok(())
	}
}
