//! Placeholder until `scripts/benchmark-pallet.sh services` generates this file.
#![allow(missing_docs)]
use frame_support::weights::Weight;
pub trait WeightInfo {
	fn register_provider() -> Weight;
	fn bond_extra() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn deregister_provider() -> Weight;
	fn list_service() -> Weight;
	fn update_service() -> Weight;
	fn pause_service() -> Weight;
	fn resume_service() -> Weight;
	fn retire_service() -> Weight;
	fn remove_service(r: u32) -> Weight;
	fn rate_service() -> Weight;
	fn slash_provider() -> Weight;
	fn force_delist() -> Weight;
}
impl WeightInfo for () {
	fn register_provider() -> Weight { Weight::zero() }
	fn bond_extra() -> Weight { Weight::zero() }
	fn unbond() -> Weight { Weight::zero() }
	fn withdraw_unbonded() -> Weight { Weight::zero() }
	fn deregister_provider() -> Weight { Weight::zero() }
	fn list_service() -> Weight { Weight::zero() }
	fn update_service() -> Weight { Weight::zero() }
	fn pause_service() -> Weight { Weight::zero() }
	fn resume_service() -> Weight { Weight::zero() }
	fn retire_service() -> Weight { Weight::zero() }
	fn remove_service(_r: u32) -> Weight { Weight::zero() }
	fn rate_service() -> Weight { Weight::zero() }
	fn slash_provider() -> Weight { Weight::zero() }
	fn force_delist() -> Weight { Weight::zero() }
}
pub struct SubstrateWeight<T>(core::marker::PhantomData<T>);
impl<T> WeightInfo for SubstrateWeight<T> {
	fn register_provider() -> Weight { Weight::zero() }
	fn bond_extra() -> Weight { Weight::zero() }
	fn unbond() -> Weight { Weight::zero() }
	fn withdraw_unbonded() -> Weight { Weight::zero() }
	fn deregister_provider() -> Weight { Weight::zero() }
	fn list_service() -> Weight { Weight::zero() }
	fn update_service() -> Weight { Weight::zero() }
	fn pause_service() -> Weight { Weight::zero() }
	fn resume_service() -> Weight { Weight::zero() }
	fn retire_service() -> Weight { Weight::zero() }
	fn remove_service(_r: u32) -> Weight { Weight::zero() }
	fn rate_service() -> Weight { Weight::zero() }
	fn slash_provider() -> Weight { Weight::zero() }
	fn force_delist() -> Weight { Weight::zero() }
}
