//! Storage migrations of pallet-rewards.

/// Version 0 → 1: `DatasetsByCurator` and `SubmissionsOf` index datasets and pending
/// submissions by account.
///
/// Before version 1, `agora_pendingRewards` read every dataset and every pending
/// submission of every account. One read and one write per dataset and per pending
/// submission, in the upgrade's block (pending submissions are bounded per campaign).
pub mod v1 {
	use crate::{Config, Datasets, DatasetsByCurator, Pallet, Submissions, SubmissionsOf};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	#[cfg(feature = "try-runtime")]
	use {alloc::vec::Vec, frame_support::ensure, sp_runtime::TryRuntimeError};

	/// The migration without its version check; use [`MigrateToV1`].
	pub struct InnerMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut entries = 0u64;
			for (id, dataset) in Datasets::<T>::iter() {
				DatasetsByCurator::<T>::insert(&dataset.curator, id, ());
				entries = entries.saturating_add(1);
			}
			for (campaign_id, submission_id, submission) in Submissions::<T>::iter() {
				SubmissionsOf::<T>::insert(
					&submission.contributor,
					(campaign_id, submission_id),
					(),
				);
				entries = entries.saturating_add(1);
			}
			T::DbWeight::get().reads_writes(entries, entries)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			ensure!(
				DatasetsByCurator::<T>::iter_keys().next().is_none()
					&& SubmissionsOf::<T>::iter_keys().next().is_none(),
				TryRuntimeError::Other("the account indexes are not empty before their migration")
			);
			Ok(Vec::new())
		}

		/// Every dataset and pending submission is indexed under its account.
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: Vec<u8>) -> Result<(), TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// Runs [`InnerMigrateToV1`] once, when the pallet's storage version is 0, and sets it
	/// to 1.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		InnerMigrateToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
