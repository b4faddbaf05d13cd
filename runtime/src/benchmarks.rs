//! The pallets whose weights `agora-node benchmark pallet` measures: every pallet with a
//! call or a transaction extension (`scripts/benchmark-all.sh` regenerates them all).
//!
//! pallet-grandpa is not here: its generated weights name `check_equivocation_proof`,
//! which its `Config::WeightInfo` does not have, so runtimes keep its defaults; of its
//! calls only Root's `note_stalled` can run until equivocation reports are wired (see
//! docs/benchmarks.md).

use alloc::vec::Vec;
use codec::Encode;
use frame_support::traits::fungible::Mutate;

use crate::{AccountId, Balances, Runtime, SessionKeys, AGR};

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_transaction_payment, TransactionPayment]
	[pallet_session, SessionBench::<Runtime>]
	[pallet_sudo, Sudo]
	[pallet_utility, Utility]
	[pallet_services, Services]
	[pallet_metering, Metering]
	[pallet_rewards, Rewards]
	[pallet_governance, Governance]
	[pallet_validators, Validators]
);

impl pallet_transaction_payment::BenchmarkConfig for Runtime {}

impl session::Config for Runtime {
	fn prepare_key_owner(owner: &AccountId) -> (SessionKeys, Vec<u8>) {
		Balances::set_balance(owner, 1_000 * AGR);
		let generated = SessionKeys::generate(&owner.encode(), None);
		(generated.keys, generated.proof.encode())
	}
}

/// pallet-session's calls. Its own benchmarks (`pallet-session-benchmarking`) make their
/// validators through pallet-staking, which Agora does not have: here any funded account
/// sets keys, as on this chain (pallet-validators decides who validates).
pub mod session {
	use alloc::vec::Vec;
	use frame_benchmarking::v2::*;
	use frame_system::RawOrigin;
	use pallet_session::Call;

	pub struct Pallet<T: Config>(pallet_session::Pallet<T>);

	pub trait Config:
		pallet_session::Config<ValidatorId = <Self as frame_system::Config>::AccountId>
	{
		/// Funds `owner` for the key deposit; returns keys it owns and their proof.
		fn prepare_key_owner(owner: &Self::AccountId) -> (Self::Keys, Vec<u8>);
	}

	#[benchmarks]
	mod benchmarks {
		use super::*;

		/// The first registration: it holds the key deposit and takes a consumer reference.
		#[benchmark]
		fn set_keys() {
			let owner: T::AccountId = whitelisted_caller();
			let (keys, proof) = T::prepare_key_owner(&owner);

			#[extrinsic_call]
			_(RawOrigin::Signed(owner.clone()), keys, proof);

			assert!(pallet_session::NextKeys::<T>::contains_key(&owner));
		}

		#[benchmark]
		fn purge_keys() -> Result<(), BenchmarkError> {
			let owner: T::AccountId = whitelisted_caller();
			let (keys, proof) = T::prepare_key_owner(&owner);
			pallet_session::Pallet::<T>::set_keys(
				RawOrigin::Signed(owner.clone()).into(),
				keys,
				proof,
			)?;

			#[extrinsic_call]
			_(RawOrigin::Signed(owner.clone()));

			assert!(!pallet_session::NextKeys::<T>::contains_key(&owner));
			Ok(())
		}
	}
}
