//! Benchmarks of every call, each in its worst case for bounded inputs.

use super::*;
use agora_primitives::{
	DatasetInspect, PaidUsage, Price, PriceUnit, ServiceStatus, MAX_PARAMETER_CHANGES,
};
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, EnsureOrigin, Get};
use frame_system::RawOrigin;
use sp_core::H256;
use sp_runtime::{
	traits::{Bounded, Saturating, Zero},
	Perbill,
};

/// Gives `who` plenty of funds to bond and deposit.
fn funded<T: Config>(who: T::AccountId) -> T::AccountId {
	let _ = T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	who
}

/// The caller of a provider's calls: whitelisted, as the transaction already touches its
/// account to pay the fee.
fn caller<T: Config>() -> T::AccountId {
	funded::<T>(whitelisted_caller())
}

fn bond<T: Config>() -> BalanceOf<T> {
	Pallet::<T>::parameters().min_provider_bond.saturating_mul(10u32.into())
}

fn max_name<T: Config>() -> Vec<u8> {
	vec![b'n'; T::MaxNameLen::get() as usize]
}

/// `MaxTags` different tags of `MaxTagLen` bytes, each ending in `last` plus its index:
/// every tag is a key of its own in `ServicesByTag`.
fn max_tags<T: Config>(last: u8) -> Vec<Vec<u8>> {
	(0..T::MaxTags::get() as u8)
		.map(|i| {
			let mut tag = vec![b't'; T::MaxTagLen::get() as usize];
			*tag.last_mut().expect("tags have room") = last.wrapping_add(i);
			tag
		})
		.collect()
}

fn max_uri<T: Config>() -> Vec<u8> {
	vec![b'u'; T::MaxUriLen::get() as usize]
}

fn price<T: Config>(per_unit: u32) -> Price<BalanceOf<T>> {
	Price { unit: PriceUnit::Token1k, per_unit: per_unit.into() }
}

/// A registered provider with `MaxServicesPerProvider - 1` services already listed, so
/// the index is as long as it gets.
fn provider_with_services<T: Config>(who: T::AccountId) -> T::AccountId {
	Pallet::<T>::register_provider(
		RawOrigin::Signed(who.clone()).into(),
		max_name::<T>(),
		bond::<T>(),
	)
	.expect("registers");
	for _ in 1..T::MaxServicesPerProvider::get() {
		list::<T>(&who);
	}
	who
}

fn list<T: Config>(who: &T::AccountId) -> ServiceId {
	let id = NextServiceId::<T>::get();
	Pallet::<T>::list_service(
		RawOrigin::Signed(who.clone()).into(),
		max_name::<T>(),
		max_tags::<T>(b'a'),
		max_uri::<T>(),
		H256::repeat_byte(1),
		price::<T>(10),
		Perbill::from_percent(5),
		Some(T::Datasets::benchmark_dataset()),
	)
	.expect("lists");
	id
}

/// Fills the provider's unbonding queue up to one chunk short of its bound.
fn fill_unbonding<T: Config>(who: &T::AccountId) {
	for _ in 1..T::MaxUnbondingChunks::get() {
		Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), 1u32.into()).expect("unbonds");
	}
}

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(
		<T as frame_system::Config>::RuntimeEvent::from(event).into(),
	);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_provider() {
		let who = caller::<T>();
		let bond = bond::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), max_name::<T>(), bond);
		assert_last_event::<T>(Event::ProviderRegistered { provider: who, bond });
	}

	#[benchmark]
	fn bond_extra() {
		let who = provider_with_services::<T>(caller::<T>());
		fill_unbonding::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 1u32.into());
		assert!(Providers::<T>::get(&who).is_some());
	}

	#[benchmark]
	fn unbond() {
		let who = provider_with_services::<T>(caller::<T>());
		fill_unbonding::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 1u32.into());
		assert_eq!(
			Providers::<T>::get(&who).map(|p| p.unbonding.len() as u32),
			Some(T::MaxUnbondingChunks::get())
		);
	}

	#[benchmark]
	fn withdraw_unbonded() {
		let who = provider_with_services::<T>(caller::<T>());
		fill_unbonding::<T>(&who);
		Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), 1u32.into()).expect("unbonds");
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number()
				.saturating_add(Pallet::<T>::parameters().unbonding_period),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert_eq!(Providers::<T>::get(&who).map(|p| p.unbonding.len()), Some(0));
	}

	#[benchmark]
	fn deregister_provider() {
		let who = caller::<T>();
		let bond = bond::<T>();
		Pallet::<T>::register_provider(
			RawOrigin::Signed(who.clone()).into(),
			max_name::<T>(),
			bond,
		)
		.expect("registers");
		Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), bond).expect("unbonds");
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number()
				.saturating_add(Pallet::<T>::parameters().unbonding_period),
		);
		Pallet::<T>::withdraw_unbonded(RawOrigin::Signed(who.clone()).into()).expect("withdraws");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Providers::<T>::get(&who).is_none());
	}

	#[benchmark]
	fn list_service() {
		let who = provider_with_services::<T>(caller::<T>());
		let id = NextServiceId::<T>::get();
		let dataset = T::Datasets::benchmark_dataset();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(who.clone()),
			max_name::<T>(),
			max_tags::<T>(b'a'),
			max_uri::<T>(),
			H256::repeat_byte(1),
			price::<T>(10),
			Perbill::from_percent(5),
			Some(dataset),
		);
		assert!(Services::<T>::contains_key(id));
	}

	/// `t`: the service's `t` tags replaced by `t` others (each a removal and an insertion
	/// in the tag index).
	#[benchmark]
	fn update_service(t: Linear<0, { T::MaxTags::get() }>) {
		let who = provider_with_services::<T>(caller::<T>());
		let id = list::<T>(&who);
		Services::<T>::mutate(id, |service| {
			let service = service.as_mut().expect("listed");
			Pallet::<T>::unindex_tags(id, &service.tags);
			service.tags.truncate(t as usize);
			Pallet::<T>::index_tags(id, &service.tags);
		});
		let mut tags = max_tags::<T>(b'A');
		tags.truncate(t as usize);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(who),
			id,
			Some(max_name::<T>()),
			Some(tags),
			Some((max_uri::<T>(), H256::repeat_byte(2))),
			Some(price::<T>(20)),
		);
		assert_last_event::<T>(Event::ServiceUpdated { service_id: id, price: price::<T>(20) });
	}

	#[benchmark]
	fn pause_service() {
		let who = provider_with_services::<T>(caller::<T>());
		let id = list::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);
		assert_eq!(Services::<T>::get(id).map(|s| s.status), Some(ServiceStatus::Paused));
	}

	#[benchmark]
	fn resume_service() {
		let who = provider_with_services::<T>(caller::<T>());
		let id = list::<T>(&who);
		Pallet::<T>::pause_service(RawOrigin::Signed(who.clone()).into(), id).expect("pauses");
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);
		assert_eq!(Services::<T>::get(id).map(|s| s.status), Some(ServiceStatus::Active));
	}

	#[benchmark]
	fn retire_service() {
		let who = provider_with_services::<T>(caller::<T>());
		let id = list::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);
		assert_eq!(Services::<T>::get(id).map(|s| s.status), Some(ServiceStatus::Retired));
	}

	/// `r`: the service's number of ratings, all cleared by the call.
	#[benchmark]
	fn remove_service(r: Linear<0, 1_000>) {
		let who = provider_with_services::<T>(caller::<T>());
		let id = list::<T>(&who);
		for i in 0..r {
			let rater: T::AccountId = account("rater", i, 0);
			Ratings::<T>::insert(id, rater, 3);
		}
		Services::<T>::mutate(id, |service| {
			if let Some(service) = service {
				service.rating = Rating { sum: 3 * u64::from(r), count: r };
			}
		});
		Pallet::<T>::retire_service(RawOrigin::Signed(who.clone()).into(), id).expect("retires");
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, r);
		assert!(!Services::<T>::contains_key(id));
	}

	#[benchmark]
	fn rate_service() {
		let who = provider_with_services::<T>(funded::<T>(account("provider", 0, 0)));
		let id = list::<T>(&who);
		// Re-rating is the heavier path: the old rating is read and replaced.
		let rater: T::AccountId = whitelisted_caller();
		T::PaidUsage::set_paid(&rater, id, Pallet::<T>::parameters().min_spend_to_rate);
		Ratings::<T>::insert(id, &rater, 1);
		Services::<T>::mutate(id, |service| {
			if let Some(service) = service {
				service.rating = Rating { sum: 1, count: 1 };
			}
		});
		#[extrinsic_call]
		_(RawOrigin::Signed(rater.clone()), id, 5);
		assert_eq!(Ratings::<T>::get(id, rater), Some(5));
	}

	#[benchmark]
	fn slash_provider() -> Result<(), BenchmarkError> {
		let who = provider_with_services::<T>(funded::<T>(account("provider", 0, 0)));
		fill_unbonding::<T>(&who);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		// More than everything held: every chunk is touched.
		let amount = bond::<T>().saturating_mul(2u32.into());
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), amount);
		assert_eq!(Providers::<T>::get(&who).map(|p| p.bond), Some(Zero::zero()));
		Ok(())
	}

	#[benchmark]
	fn force_delist() -> Result<(), BenchmarkError> {
		let who = provider_with_services::<T>(funded::<T>(account("provider", 0, 0)));
		let id = list::<T>(&who);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id);
		assert_eq!(Services::<T>::get(id).map(|s| s.status), Some(ServiceStatus::Delisted));
		Ok(())
	}

	#[benchmark]
	fn set_parameters(n: Linear<1, MAX_PARAMETER_CHANGES>) -> Result<(), BenchmarkError> {
		let changes: Vec<ParameterChangeOf<T>> =
			(0..n).map(|i| ParameterChange::MinSpendToRate(i.into())).collect();
		let changes = changes.try_into().expect("bounded by MAX_PARAMETER_CHANGES");
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, changes);
		assert_eq!(Parameters::<T>::get().min_spend_to_rate, (n - 1).into());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
