//! The records pallet-services keeps.

use crate::{BalanceOf, Config};
use agora_primitives::{DatasetId, Price, ServiceStatus};
use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::*, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{traits::Saturating, Perbill};

/// A provider's display name.
pub type NameOf<T> = BoundedVec<u8, <T as Config>::MaxNameLen>;
/// One tag of a service (e.g. `llm`, `vision`).
pub type TagOf<T> = BoundedVec<u8, <T as Config>::MaxTagLen>;
/// The tags of a service.
pub type TagsOf<T> = BoundedVec<TagOf<T>, <T as Config>::MaxTags>;
/// Where a service's off-chain description lives.
pub type UriOf<T> = BoundedVec<u8, <T as Config>::MaxUriLen>;

/// Part of a bond on its way out: still held (and slashable) until `unlock_at`.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct UnbondingChunk<T: Config> {
	/// How much is unbonding.
	pub amount: BalanceOf<T>,
	/// The block from which `withdraw_unbonded` releases it.
	pub unlock_at: BlockNumberFor<T>,
}

/// A registered provider.
///
/// Everything it has bonded is held under `HoldReason::ProviderBond`: the active `bond`
/// plus every `unbonding` chunk.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Provider<T: Config> {
	/// Display name.
	pub name: NameOf<T>,
	/// The active bond: never below `MinProviderBond` while `live_services > 0`.
	pub bond: BalanceOf<T>,
	/// Unbonded amounts waiting out `UnbondingPeriod`, oldest first.
	pub unbonding: BoundedVec<UnbondingChunk<T>, <T as Config>::MaxUnbondingChunks>,
	/// Services that are Active or Paused (neither Retired nor Delisted).
	pub live_services: u32,
}

impl<T: Config> Provider<T> {
	/// What the provider has on hold for its bond: active bond plus unbonding chunks.
	pub fn total_bonded(&self) -> BalanceOf<T> {
		self.unbonding
			.iter()
			.fold(self.bond, |total, chunk| total.saturating_add(chunk.amount))
	}
}

/// The aggregate of a service's ratings: `sum / count` is the average number of stars.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Default, Debug)]
pub struct Rating {
	/// Sum of the stars given (each 1..=5).
	pub sum: u64,
	/// Number of accounts that rated.
	pub count: u32,
}

/// A listed AI service.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Service<T: Config> {
	/// Who serves it and is paid for it. Never changes.
	pub provider: T::AccountId,
	/// Display name.
	pub name: NameOf<T>,
	/// Search tags.
	pub tags: TagsOf<T>,
	/// Off-chain description (API, model card, terms).
	pub metadata_uri: UriOf<T>,
	/// Hash of the document at `metadata_uri`, so clients can check it was not swapped.
	pub metadata_hash: H256,
	/// Current price; open channels keep the price they opened with.
	pub price: Price<BalanceOf<T>>,
	/// Whether it takes new channels.
	pub status: ServiceStatus,
	/// Share of every settlement paid to the contributors of `dataset`.
	pub contributor_share: Perbill,
	/// The dataset it is built on, if any.
	pub dataset: Option<DatasetId>,
	/// Ratings from paying users.
	pub rating: Rating,
	/// The storage deposit held from the provider (`HoldReason::ServiceDeposit`).
	pub deposit: BalanceOf<T>,
	/// Block it was listed in.
	pub created_at: BlockNumberFor<T>,
	/// Block of its last change.
	pub updated_at: BlockNumberFor<T>,
}
