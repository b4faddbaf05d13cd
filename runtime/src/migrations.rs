//! Runtime migrations that no single pallet can make: they touch several pallets' storage.

use crate::{Governance, Runtime};
use frame_support::{
	storage::migration::clear_storage_prefix,
	traits::{GetStorageVersion, OnRuntimeUpgrade},
	weights::Weight,
};
use sp_runtime::Saturating;

/// Removes the freezes votes used to place, before pallet-governance's migration to
/// version 1 holds the votes instead ([`pallet_governance::migrations::v1`]).
///
/// The governance vote freeze was the runtime's only freeze, and its reason no longer
/// exists: the stored freezes no longer decode, so they are removed as raw storage, and
/// each voter's `frozen` (the largest of its freezes) is set back to zero. Runs only while
/// pallet-governance is at storage version 0.
pub struct ClearVoteFreezes;

impl OnRuntimeUpgrade for ClearVoteFreezes {
	fn on_runtime_upgrade() -> Weight {
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		if Governance::on_chain_storage_version() != 0 {
			return db.reads(1);
		}
		let cleared = clear_storage_prefix(b"Balances", b"Freezes", b"", None, None);
		let mut reads = 1u64.saturating_add(cleared.loops.into());
		let mut writes = u64::from(cleared.unique);
		for who in pallet_governance::VotingOf::<Runtime>::iter_keys() {
			frame_system::Account::<Runtime>::mutate(&who, |account| account.data.frozen = 0);
			reads.saturating_accrue(2);
			writes.saturating_inc();
		}
		db.reads_writes(reads, writes)
	}
}

/// The `upgrade-test` runtime moves pallet-metering from index 11 to 16. A hold's reason
/// is stored as a `RuntimeHoldReason`, whose first byte is its pallet's index, so the
/// channel deposits held under 11 would no longer decode: this rewrites them under 16 and
/// leaves every other hold as it is. A real runtime that moves a pallet with holds (or
/// freezes, or calls stored in proposals) needs the same.
#[cfg(feature = "upgrade-test")]
pub struct MoveMeteringHolds;

/// What only the `upgrade-test` runtime migrates: nothing in any other build.
#[cfg(not(feature = "upgrade-test"))]
pub type UpgradeTest = ();
#[cfg(feature = "upgrade-test")]
pub type UpgradeTest = MoveMeteringHolds;

#[cfg(feature = "upgrade-test")]
impl OnRuntimeUpgrade for MoveMeteringHolds {
	fn on_runtime_upgrade() -> Weight {
		use alloc::vec::Vec;
		use codec::MaxEncodedLen;
		use frame_support::storage::migration::{put_storage_value, storage_iter};
		const FROM: u8 = 11;
		let to = <crate::Metering as frame_support::traits::PalletInfoAccess>::index() as u8;
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		// Every pallet's hold reasons are fieldless enums: a reason is (pallet, variant).
		// Should one gain a field, the raw layout below would misread the holds: stop.
		if crate::RuntimeHoldReason::max_encoded_len() != 2 {
			frame_support::defensive!("hold reasons are not two bytes; holds left as they are");
			return Weight::zero();
		}
		type RawHolds = Vec<([u8; 2], u128)>;
		let mut reads = 0u64;
		let mut moved = Vec::new();
		for (key, mut holds) in storage_iter::<RawHolds>(b"Balances", b"Holds") {
			reads.saturating_inc();
			let mut changed = false;
			for (reason, _) in holds.iter_mut().filter(|(reason, _)| reason[0] == FROM) {
				reason[0] = to;
				changed = true;
			}
			if changed {
				moved.push((key, holds));
			}
		}
		let writes = moved.len() as u64;
		for (key, holds) in moved {
			put_storage_value(b"Balances", b"Holds", &key, holds);
		}
		db.reads_writes(reads, writes)
	}
}

/// pallet-governance version 1 → 2: the governed parameters, all kept in
/// `Governance::Parameters` until version 1, move to the pallets they belong to. Each of
/// pallet-services, pallet-metering and pallet-rewards gets its values in its own
/// `Parameters` storage; governance keeps its own under the same key, in its smaller
/// type. A chain that never stored them (every pallet on its defaults) has nothing to move.
pub type SplitParameters = frame_support::migrations::VersionedMigration<
	1,
	2,
	split_parameters::InnerSplitParameters,
	Governance,
	<Runtime as frame_system::Config>::DbWeight,
>;

/// The parts of [`SplitParameters`].
pub mod split_parameters {
	use crate::{Balance, BlockNumber, Runtime};
	use codec::{Decode, Encode};
	use frame_support::{storage::unhashed, traits::UncheckedOnRuntimeUpgrade, weights::Weight};
	use sp_runtime::Perbill;

	/// `Governance::Parameters` as version 1 stored it.
	#[derive(Encode, Decode, Clone, PartialEq, Debug)]
	pub struct ParametersV1 {
		pub protocol_fee: Perbill,
		pub min_channel_deposit: Balance,
		pub min_provider_bond: Balance,
		pub service_deposit: Balance,
		pub min_spend_to_rate: Balance,
		pub unbonding_period: BlockNumber,
		pub dataset_deposit: Balance,
		pub contribution_deposit: Balance,
		pub submission_deposit: Balance,
		pub proposal_deposit: Balance,
		pub voting_period: BlockNumber,
		pub enactment_delay: BlockNumber,
		pub vote_locking_period: BlockNumber,
		pub min_turnout: Perbill,
		pub approval_threshold: Perbill,
	}

	/// The storage key both versions use.
	fn key() -> [u8; 32] {
		pallet_governance::Parameters::<Runtime>::hashed_key()
	}

	/// The version 1 value, if the chain stored one.
	pub fn stored_v1() -> Option<ParametersV1> {
		unhashed::get(&key())
	}

	/// The migration without its version check; use [`super::SplitParameters`].
	pub struct InnerSplitParameters;

	impl UncheckedOnRuntimeUpgrade for InnerSplitParameters {
		fn on_runtime_upgrade() -> Weight {
			let db = <Runtime as frame_system::Config>::DbWeight::get();
			let Some(old) = stored_v1() else { return db.reads(1) };
			pallet_services::Parameters::<Runtime>::put(pallet_services::ServiceParameters {
				min_provider_bond: old.min_provider_bond,
				service_deposit: old.service_deposit,
				min_spend_to_rate: old.min_spend_to_rate,
				unbonding_period: old.unbonding_period,
			});
			pallet_metering::Parameters::<Runtime>::put(pallet_metering::MeteringParameters {
				protocol_fee: old.protocol_fee,
				min_channel_deposit: old.min_channel_deposit,
			});
			pallet_rewards::Parameters::<Runtime>::put(pallet_rewards::RewardParameters {
				dataset_deposit: old.dataset_deposit,
				contribution_deposit: old.contribution_deposit,
				submission_deposit: old.submission_deposit,
			});
			pallet_governance::Parameters::<Runtime>::put(
				pallet_governance::GovernanceParameters {
					proposal_deposit: old.proposal_deposit,
					voting_period: old.voting_period,
					enactment_delay: old.enactment_delay,
					vote_locking_period: old.vote_locking_period,
					min_turnout: old.min_turnout,
					approval_threshold: old.approval_threshold,
				},
			);
			db.reads_writes(1, 4)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(stored_v1().encode())
		}

		/// Every value moved unchanged, and each pallet's set is one it would accept.
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let old = Option::<ParametersV1>::decode(&mut &state[..])
				.map_err(|_| "the pre-upgrade state does not decode")?;
			let services = crate::Services::parameters();
			let metering = crate::Metering::parameters();
			let rewards = crate::Rewards::parameters();
			let governance = crate::Governance::parameters();
			if let Some(old) = old {
				let moved = (
					services.min_provider_bond,
					services.service_deposit,
					services.min_spend_to_rate,
					services.unbonding_period,
					metering.protocol_fee,
					metering.min_channel_deposit,
					rewards.dataset_deposit,
					rewards.contribution_deposit,
					rewards.submission_deposit,
				) == (
					old.min_provider_bond,
					old.service_deposit,
					old.min_spend_to_rate,
					old.unbonding_period,
					old.protocol_fee,
					old.min_channel_deposit,
					old.dataset_deposit,
					old.contribution_deposit,
					old.submission_deposit,
				);
				let kept = (
					governance.proposal_deposit,
					governance.voting_period,
					governance.enactment_delay,
					governance.vote_locking_period,
					governance.min_turnout,
					governance.approval_threshold,
				) == (
					old.proposal_deposit,
					old.voting_period,
					old.enactment_delay,
					old.vote_locking_period,
					old.min_turnout,
					old.approval_threshold,
				);
				frame_support::ensure!(moved && kept, "a parameter changed in the move");
			}
			crate::Services::validate_parameters(&services)
				.map_err(|_| "services parameters invalid after the move")?;
			crate::Metering::validate_parameters(&metering)
				.map_err(|_| "metering parameters invalid after the move")?;
			crate::Rewards::validate_parameters(&rewards)
				.map_err(|_| "rewards parameters invalid after the move")?;
			crate::Governance::validate_parameters(&governance)
				.map_err(|_| "governance parameters invalid after the move")?;
			Ok(())
		}
	}
}
