//! Storage migrations of pallet-services.

/// Version 0 → 1: `ServicesByTag` indexes the services by tag.
///
/// Before version 1, `agora_listServices` walked every service id ever issued, removed
/// services' included. One read per service and one write per tag, in the upgrade's
/// block: a registry far larger than Agora's live chains hold (tens of thousands of
/// services) would need a multi-block migration instead.
pub mod v1 {
	use crate::{Config, Pallet, Services};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	#[cfg(feature = "try-runtime")]
	use {
		crate::ServicesByTag, alloc::vec::Vec, frame_support::ensure, sp_runtime::TryRuntimeError,
	};

	/// The migration without its version check; use [`MigrateToV1`].
	pub struct InnerMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut reads, mut writes) = (0u64, 0u64);
			for (id, service) in Services::<T>::iter() {
				Pallet::<T>::index_tags(id, &service.tags);
				reads = reads.saturating_add(1);
				writes = writes.saturating_add(service.tags.len() as u64);
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			ensure!(
				ServicesByTag::<T>::iter_keys().next().is_none(),
				TryRuntimeError::Other("ServicesByTag is not empty before its migration")
			);
			Ok(Vec::new())
		}

		/// Every service is indexed under exactly its tags.
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
