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
