//! The records pallet-services keeps.

use crate::{BalanceOf, Config};
use agora_primitives::{DatasetId, ParameterSet, Price, ServiceStatus};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
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
	/// The active bond: never below the `min_provider_bond` parameter while
	/// `live_services > 0`.
	pub bond: BalanceOf<T>,
	/// Unbonded amounts waiting out the `unbonding_period` parameter, oldest first.
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

/// The parameters of this pallet that governance changes without a runtime upgrade
/// ([`crate::Pallet::set_parameters`]), kept in its `Parameters` storage.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceParameters<Balance, BlockNumber> {
	/// The smallest bond a provider registers with and keeps while it has live services.
	pub min_provider_bond: Balance,
	/// The storage deposit held for every listed service.
	pub service_deposit: Balance,
	/// How much an account must have paid a service before it may rate it.
	pub min_spend_to_rate: Balance,
	/// How many blocks unbonded funds stay held (and slashable).
	pub unbonding_period: BlockNumber,
}

/// A new value for one of the [`ServiceParameters`].
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum ParameterChange<Balance, BlockNumber> {
	/// Sets [`ServiceParameters::min_provider_bond`].
	MinProviderBond(Balance),
	/// Sets [`ServiceParameters::service_deposit`].
	ServiceDeposit(Balance),
	/// Sets [`ServiceParameters::min_spend_to_rate`].
	MinSpendToRate(Balance),
	/// Sets [`ServiceParameters::unbonding_period`].
	UnbondingPeriod(BlockNumber),
}

impl<Balance: Clone, BlockNumber: Clone> ParameterSet for ServiceParameters<Balance, BlockNumber> {
	type Change = ParameterChange<Balance, BlockNumber>;

	fn apply(&mut self, change: Self::Change) {
		match change {
			ParameterChange::MinProviderBond(v) => self.min_provider_bond = v,
			ParameterChange::ServiceDeposit(v) => self.service_deposit = v,
			ParameterChange::MinSpendToRate(v) => self.min_spend_to_rate = v,
			ParameterChange::UnbondingPeriod(v) => self.unbonding_period = v,
		}
	}
}
