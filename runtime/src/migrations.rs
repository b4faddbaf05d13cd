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
