
//! Weights for `pallet_governance`. Placeholder until `scripts/benchmark-pallet.sh governance`
//! generates them.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed by `pallet_governance`.
pub trait WeightInfo {
	fn propose() -> Weight;
	fn vote() -> Weight;
	fn remove_vote() -> Weight;
	fn unlock() -> Weight;
	fn cancel() -> Weight;
	fn spend() -> Weight;
	fn set_parameters(n: u32, ) -> Weight;
	fn on_initialize(d: u32, e: u32, ) -> Weight;
}

/// Weights for `pallet_governance`, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn propose() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn vote() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn remove_vote() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn unlock() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn cancel() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn spend() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn set_parameters(_n: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn on_initialize(_d: u32, _e: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
}

// For tests.
impl WeightInfo for () {
	fn propose() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn vote() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn remove_vote() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn unlock() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn cancel() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn spend() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn set_parameters(_n: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn on_initialize(_d: u32, _e: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
}
