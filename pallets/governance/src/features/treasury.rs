//! The treasury: spending from it.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::Mutate, tokens::Preservation},
};
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
	/// Pays `amount` from the treasury to `beneficiary`; see [`Pallet::spend`].
	pub(crate) fn do_spend(amount: BalanceOf<T>, beneficiary: T::AccountId) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		T::Currency::transfer(&T::Treasury::get(), &beneficiary, amount, Preservation::Preserve)?;
		Self::deposit_event(Event::TreasurySpent { amount, beneficiary });
		Ok(())
	}
}
