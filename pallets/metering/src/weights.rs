//! Placeholder until `scripts/benchmark-pallet.sh metering` generates this file.
#![allow(missing_docs)]
use frame_support::weights::Weight;
pub trait WeightInfo {
	fn open_channel() -> Weight;
	fn claim(c: u32) -> Weight;
	fn claim_batch(n: u32) -> Weight;
	fn top_up() -> Weight;
	fn extend() -> Weight;
	fn reclaim() -> Weight;
}
impl WeightInfo for () {
	fn open_channel() -> Weight { Weight::zero() }
	fn claim(_c: u32) -> Weight { Weight::zero() }
	fn claim_batch(_n: u32) -> Weight { Weight::zero() }
	fn top_up() -> Weight { Weight::zero() }
	fn extend() -> Weight { Weight::zero() }
	fn reclaim() -> Weight { Weight::zero() }
}
pub struct SubstrateWeight<T>(core::marker::PhantomData<T>);
impl<T> WeightInfo for SubstrateWeight<T> {
	fn open_channel() -> Weight { Weight::zero() }
	fn claim(_c: u32) -> Weight { Weight::zero() }
	fn claim_batch(_n: u32) -> Weight { Weight::zero() }
	fn top_up() -> Weight { Weight::zero() }
	fn extend() -> Weight { Weight::zero() }
	fn reclaim() -> Weight { Weight::zero() }
}
