//! Storage migrations of pallet-metering.

/// Version 0 → 1: `PaidTotals` stops counting open channels.
///
/// Up to version 0 every settlement added its amount to `PaidTotals`; from version 1 a
/// settlement writes only its channel, and `PaidTotals` holds what channels paid before
/// they closed (an open channel's `claimed` is added when it closes). Each open channel's
/// `claimed` is therefore taken out of its consumer's total once, which leaves
/// [`PaidUsage::paid`](agora_primitives::PaidUsage::paid) unchanged for everyone.
pub mod v1 {
	use crate::{BalanceOf, Channels, Config, PaidTotals, Pallet};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use sp_runtime::traits::{Saturating, Zero};
	#[cfg(feature = "try-runtime")]
	use {
		crate::ServiceId,
		alloc::vec::Vec,
		codec::{Decode, Encode},
		frame_support::ensure,
		sp_runtime::TryRuntimeError,
	};

	/// The migration without its version check; use [`MigrateToV1`].
	pub struct InnerMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut reads = 0u64;
			let mut writes = 0u64;
			for (_, channel) in Channels::<T>::iter() {
				reads.saturating_inc();
				if channel.claimed.is_zero() {
					continue;
				}
				PaidTotals::<T>::mutate_exists(&channel.consumer, channel.service_id, |paid| {
					let closed: BalanceOf<T> =
						paid.unwrap_or_default().saturating_sub(channel.claimed);
					*paid = Some(closed).filter(|closed| !closed.is_zero());
				});
				reads.saturating_inc();
				writes.saturating_inc();
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}

		/// Every (consumer, service) total as version 0 kept it.
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			let totals: Vec<(T::AccountId, ServiceId, BalanceOf<T>)> =
				PaidTotals::<T>::iter().collect();
			Ok(totals.encode())
		}

		/// What each consumer paid each service is what version 0 said it was. (The
		/// pallet's `try_state` waits for [`super::v2`], which builds the payee index it
		/// checks.)
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			use agora_primitives::PaidUsage;
			let totals: Vec<(T::AccountId, ServiceId, BalanceOf<T>)> =
				Decode::decode(&mut &state[..])
					.map_err(|_| TryRuntimeError::Other("undecodable pre-upgrade state"))?;
			for (who, service, paid) in totals {
				ensure!(
					Pallet::<T>::paid(&who, service) == paid,
					TryRuntimeError::Other("a paid total changed")
				);
			}
			Ok(())
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

/// Version 1 → 2: `ChannelsByPayee` indexes the open channels by payee.
///
/// Before version 2, `agora_listChannels { payee }` walked every channel id ever issued;
/// the index lets a page read only what it returns. One read and one write per open
/// channel, in the upgrade's block: a chain with more open channels than a block's weight
/// allows for (about 20,000 at ParityDB's 58 µs per pair in 1.5 s) would need a multi-block
/// migration instead; Agora's live chains hold far fewer.
pub mod v2 {
	use crate::{Channels, ChannelsByPayee, Config, Pallet};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	#[cfg(feature = "try-runtime")]
	use {alloc::vec::Vec, frame_support::ensure, sp_runtime::TryRuntimeError};

	/// The migration without its version check; use [`MigrateToV2`].
	pub struct InnerMigrateToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut channels = 0u64;
			for (id, channel) in Channels::<T>::iter() {
				ChannelsByPayee::<T>::insert(&channel.payee, id, ());
				channels = channels.saturating_add(1);
			}
			T::DbWeight::get().reads_writes(channels, channels)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			ensure!(
				ChannelsByPayee::<T>::iter_keys().next().is_none(),
				TryRuntimeError::Other("ChannelsByPayee is not empty before its migration")
			);
			Ok(Vec::new())
		}

		/// Every open channel is indexed under its payee, and nothing else is.
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: Vec<u8>) -> Result<(), TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// Runs [`InnerMigrateToV2`] once, when the pallet's storage version is 1, and sets it
	/// to 2.
	pub type MigrateToV2<T> = VersionedMigration<
		1,
		2,
		InnerMigrateToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
