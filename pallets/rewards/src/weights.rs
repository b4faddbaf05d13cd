
//! Weights for `pallet_rewards`. Placeholder until `scripts/benchmark-pallet.sh rewards`
//! generates them.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed by `pallet_rewards`.
pub trait WeightInfo {
	fn register_dataset() -> Weight;
	fn contribute() -> Weight;
	fn review_accept() -> Weight;
	fn review_reject() -> Weight;
	fn claim_rewards(c: u32, ) -> Weight;
	fn create_campaign(r: u32, ) -> Weight;
	fn submit_work() -> Weight;
	fn review_submission_approve() -> Weight;
	fn review_submission_reject() -> Weight;
	fn close_campaign(s: u32, ) -> Weight;
}

/// Weights for `pallet_rewards`, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_dataset() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn contribute() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn review_accept() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn review_reject() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn claim_rewards(_c: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn create_campaign(_r: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn submit_work() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn review_submission_approve() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn review_submission_reject() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn close_campaign(_s: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
}

// For tests.
impl WeightInfo for () {
	fn register_dataset() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn contribute() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn review_accept() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn review_reject() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn claim_rewards(_c: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn create_campaign(_r: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn submit_work() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn review_submission_approve() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn review_submission_reject() -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
	fn close_campaign(_s: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(8, 8))
	}
}
