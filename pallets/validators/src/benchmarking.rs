//! Benchmarks of the validators pallet, at the worst case: a full set to search.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::{traits::EnsureOrigin, BoundedVec};

/// Fills the set with `count` fresh accounts.
fn fill_set<T: Config>(count: u32) {
	let set: Vec<T::AccountId> = (0..count).map(|i| account("validator", i, 0)).collect();
	Validators::<T>::put(BoundedVec::try_from(set).expect("count is within MaxValidators"));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_validator() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		fill_set::<T>(T::MaxValidators::get() - 1);
		let who: T::AccountId = account("new", 0, 0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert_eq!(Validators::<T>::get().last(), Some(&who));
		Ok(())
	}

	#[benchmark]
	fn remove_validator() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let max = T::MaxValidators::get();
		fill_set::<T>(max);
		let who: T::AccountId = account("validator", max - 1, 0);
		OfflineSessions::<T>::insert(&who, 1);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(!Validators::<T>::get().contains(&who));
		Ok(())
	}

	#[benchmark]
	fn set_session_length() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let length = T::MinSessionLength::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, length);

		assert_eq!(SessionLength::<T>::get(), length);
		Ok(())
	}

	/// Every parameter changed, `n` changes in all: each is applied, then the set checked.
	#[benchmark]
	fn set_parameters(n: Linear<1, MAX_PARAMETER_CHANGES>) -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let changes: Vec<ParameterChange> = (0..n)
			.map(|i| match i % 7 {
				0 => ParameterChange::AuthorFeeShare(Perbill::from_percent(30)),
				1 => ParameterChange::AuthorTipShare(Perbill::from_percent(90)),
				2 => ParameterChange::YearlyInflation(T::MaxYearlyInflation::get()),
				3 => ParameterChange::TreasuryIssuanceShare(Perbill::from_percent(10)),
				4 => ParameterChange::OfflineAfterSessions(3),
				5 => ParameterChange::RemoveOffline(true),
				_ => ParameterChange::RemoveOffenders(false),
			})
			.collect();
		let changes = BoundedVec::try_from(changes).expect("n is within the bound");

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, changes);

		assert_eq!(Parameters::<T>::get().author_fee_share, Perbill::from_percent(30));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
