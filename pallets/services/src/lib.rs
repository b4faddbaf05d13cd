//! # Services pallet
//!
//! The registry of Agora's marketplace: who provides AI services, what they list, at what
//! price, and what paying users think of them.
//!
//! ## Overview
//!
//! - **Providers** bond AGR to register ([`Pallet::register_provider`]). The bond is a
//!   *hold* (`HoldReason::ProviderBond`), never a reserve. It can be raised
//!   ([`Pallet::bond_extra`]) and lowered ([`Pallet::unbond`]): unbonded funds stay held,
//!   and slashable, for `unbonding_period` blocks before [`Pallet::withdraw_unbonded`]
//!   releases them. While a provider has live services its bond never drops below
//!   `min_provider_bond`.
//! - **Services** are listed by providers ([`Pallet::list_service`]) with a price per unit
//!   of usage, a share of revenue for the contributors of the dataset they are built on,
//!   and a storage deposit held from the provider (`HoldReason::ServiceDeposit`). A service
//!   is `Active`, `Paused`, `Retired` (by its provider) or `Delisted` (by governance); a
//!   closed service that no payment channel refers to any more can be removed, which
//!   frees its storage and deposit. The provider can always close its channels itself
//!   (pallet-metering's `close_channel`), so no consumer can keep a service, its deposit
//!   or its provider's registration hostage.
//! - **Ratings** (1 to 5 stars) come only from accounts that have paid the service at
//!   least `min_spend_to_rate`, one per account and service; rating again replaces the
//!   earlier rating in the aggregate.
//! - **Governance** (`GovernanceOrigin`) can slash a provider's bond (the funds go to
//!   `OnSlash`, the treasury in Agora's runtime) and force a service off the market.
//! - **Parameters** ([`ServiceParameters`]: the bond, deposit, rating threshold and
//!   unbonding period above) are this pallet's own storage, read by clients from it:
//!   governance changes them with [`Pallet::set_parameters`] within the runtime's bounds,
//!   and the unbonding period always outlasts the time a slash takes to be decided and
//!   enacted (`SlashDelay`), so no provider can withdraw its bond ahead of a slash.
//!
//! The pallet never depends on pallet-metering: it learns who paid what and which
//! services still have open channels through [`agora_primitives::PaidUsage`] and
//! [`agora_primitives::ChannelsOfService`], and tells metering about services through
//! [`agora_primitives::ServiceInspect`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod api;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use api::ServiceInfoOf;
pub use types::*;
pub use weights::WeightInfo;

use agora_primitives::{ServiceId, ServiceInspect, ServiceTerms};
use frame_support::traits::fungible::Inspect;

/// The balance type of the currency the pallet holds bonds and deposits in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// This pallet's governed parameters.
pub type ParametersOf<T> =
	ServiceParameters<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// A change of one of this pallet's governed parameters.
pub type ParameterChangeOf<T> =
	ParameterChange<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use agora_primitives::{
		check_amounts, ChannelsOfService, DatasetId, DatasetInspect, InvalidAmount, PaidUsage,
		ParameterSet, Price, ServiceStatus, MAX_PARAMETER_CHANGES,
	};
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{self, BalancedHold, Credit, MutateHold},
			tokens::Precision,
			Imbalance, OnUnbalanced,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_core::H256;
	use sp_runtime::{
		traits::{CheckedAdd, CheckedSub, Saturating, Zero},
		ArithmeticError, Perbill,
	};

	/// The in-code storage version.
	/// 1: `ServicesByTag` indexes services by tag (see [`migrations::v1`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency bonds and deposits are held in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ BalancedHold<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Where slashed bonds go (the treasury in Agora's runtime).
		type OnSlash: OnUnbalanced<Credit<Self::AccountId, Self::Currency>>;

		/// Who may slash providers and force services off the market.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// How much each account has paid each service (pallet-metering).
		type PaidUsage: PaidUsage<Self::AccountId, BalanceOf<Self>>;

		/// How many payment channels still refer to a service (pallet-metering).
		type Channels: ChannelsOfService;

		/// Which datasets exist (pallet-rewards).
		type Datasets: DatasetInspect;

		/// The parameters of a new chain, until genesis or governance sets others. Not
		/// metadata constants: they change without a runtime upgrade, so clients read the
		/// `Parameters` storage.
		type DefaultParameters: Get<ParametersOf<Self>>;

		/// The largest bond, deposit or rating threshold governance may set.
		#[pallet::constant]
		type MaxParameterAmount: Get<BalanceOf<Self>>;

		/// The longest unbonding period governance may set.
		#[pallet::constant]
		type MaxUnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// The longest a slash proposed now may take to be enacted (in Agora's runtime,
		/// pallet-governance's voting period plus enactment delay). The unbonding period
		/// must be longer: a provider that unbonds the moment a slash against it is
		/// proposed still has its bond held when the slash is enacted.
		type SlashDelay: Get<BlockNumberFor<Self>>;

		/// Longest provider or service name, in bytes.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// Most tags per service.
		#[pallet::constant]
		type MaxTags: Get<u32>;

		/// Longest tag, in bytes.
		#[pallet::constant]
		type MaxTagLen: Get<u32>;

		/// Longest metadata URI, in bytes.
		#[pallet::constant]
		type MaxUriLen: Get<u32>;

		/// Most unbonding chunks a provider may have waiting at once.
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// Most services (of any status) a provider may have at once.
		#[pallet::constant]
		type MaxServicesPerProvider: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A provider's bond, including unbonding chunks.
		ProviderBond,
		/// The storage deposit of a listed service.
		ServiceDeposit,
	}

	/// Registered providers.
	#[pallet::storage]
	pub type Providers<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Provider<T>, OptionQuery>;

	/// Listed services.
	#[pallet::storage]
	pub type Services<T: Config> = StorageMap<_, Twox64Concat, ServiceId, Service<T>, OptionQuery>;

	/// The id the next listed service gets.
	#[pallet::storage]
	pub type NextServiceId<T: Config> = StorageValue<_, ServiceId, ValueQuery>;

	/// The services of each provider, in listing order.
	#[pallet::storage]
	pub type ServicesByProvider<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<ServiceId, T::MaxServicesPerProvider>,
		ValueQuery,
	>;

	/// The services carrying each tag, for `agora_listServices { tag }`: a page reads the
	/// services it returns, not every service listed.
	#[pallet::storage]
	pub type ServicesByTag<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, TagOf<T>, Twox64Concat, ServiceId, (), OptionQuery>;

	/// The stars (1..=5) each account gave each service.
	#[pallet::storage]
	pub type Ratings<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		ServiceId,
		Blake2_128Concat,
		T::AccountId,
		u8,
		OptionQuery,
	>;

	/// The governed parameters in force.
	#[pallet::storage]
	pub type Parameters<T: Config> =
		StorageValue<_, ParametersOf<T>, ValueQuery, T::DefaultParameters>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Parameters to start with instead of `DefaultParameters`.
		pub parameters: Option<ParametersOf<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(parameters) = &self.parameters {
				if let Err(error) = Pallet::<T>::validate_parameters(parameters) {
					panic!("genesis services parameters are invalid: {error:?}");
				}
				Parameters::<T>::put(parameters);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An account registered as a provider and bonded `bond`.
		ProviderRegistered { provider: T::AccountId, bond: BalanceOf<T> },
		/// A provider bonded `amount` more; its active bond is now `bond`.
		BondIncreased { provider: T::AccountId, amount: BalanceOf<T>, bond: BalanceOf<T> },
		/// A provider started unbonding `amount`, withdrawable from block `unlock_at`.
		Unbonded { provider: T::AccountId, amount: BalanceOf<T>, unlock_at: BlockNumberFor<T> },
		/// Unbonded funds whose period had passed were released to the provider.
		Withdrawn { provider: T::AccountId, amount: BalanceOf<T> },
		/// A provider left the marketplace.
		ProviderDeregistered { provider: T::AccountId },
		/// A service was listed; `deposit` is held from its provider.
		ServiceListed {
			service_id: ServiceId,
			provider: T::AccountId,
			price: Price<BalanceOf<T>>,
			deposit: BalanceOf<T>,
		},
		/// A service's name, tags, metadata or price changed; `price` is the current one.
		ServiceUpdated { service_id: ServiceId, price: Price<BalanceOf<T>> },
		/// A service stopped taking new channels for now.
		ServicePaused { service_id: ServiceId },
		/// A paused service takes new channels again.
		ServiceResumed { service_id: ServiceId },
		/// A service was retired by its provider.
		ServiceRetired { service_id: ServiceId },
		/// A retired service was removed and its `deposit` released.
		ServiceRemoved { service_id: ServiceId, deposit: BalanceOf<T> },
		/// `who` rated a service `stars`, replacing its earlier rating `previous` if any.
		ServiceRated { service_id: ServiceId, who: T::AccountId, stars: u8, previous: Option<u8> },
		/// Governance slashed `slashed` of the `requested` amount from a provider's bond.
		ProviderSlashed { provider: T::AccountId, requested: BalanceOf<T>, slashed: BalanceOf<T> },
		/// Governance closed a service for good (status `Delisted`).
		ServiceDelisted { service_id: ServiceId },
		/// Governance changed parameters of this pallet.
		ParametersSet { changes: BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already a registered provider.
		AlreadyProvider,
		/// The account is not a registered provider.
		NotProvider,
		/// The bond would be below the `min_provider_bond` parameter.
		BondBelowMinimum,
		/// The amount is zero.
		ZeroAmount,
		/// The amount to unbond exceeds the active bond.
		InsufficientBond,
		/// The provider already has `MaxUnbondingChunks` chunks unbonding.
		TooManyUnbondingChunks,
		/// No unbonding chunk has reached its unlock block yet.
		NothingToWithdraw,
		/// The provider still has services: retire and remove them first.
		ProviderHasServices,
		/// The provider still has an active bond: unbond it first.
		BondNotUnbonded,
		/// The provider still has unbonding funds: withdraw them first.
		UnbondingNotWithdrawn,
		/// The name is longer than `MaxNameLen`.
		NameTooLong,
		/// More than `MaxTags` tags.
		TooManyTags,
		/// A tag is longer than `MaxTagLen`, or empty.
		InvalidTag,
		/// The metadata URI is longer than `MaxUriLen`.
		MetadataUriTooLong,
		/// A price of zero per unit.
		ZeroPrice,
		/// A contributor share without a dataset to pay it to.
		ContributorShareWithoutDataset,
		/// No dataset has this id.
		UnknownDataset,
		/// The provider already has `MaxServicesPerProvider` services.
		TooManyServices,
		/// Service ids are exhausted.
		ServiceIdOverflow,
		/// No service has this id.
		UnknownService,
		/// Only the service's provider may do this.
		NotServiceProvider,
		/// Nothing to change: every field of the update is `None`.
		NoChanges,
		/// The service is not Active.
		ServiceNotActive,
		/// The service is not Paused.
		ServiceNotPaused,
		/// The service is Retired or Delisted.
		ServiceRetired,
		/// The service is neither Retired nor Delisted.
		ServiceNotRetired,
		/// Payment channels still refer to the service.
		ServiceHasOpenChannels,
		/// The given rating count is below the service's actual number of ratings.
		RatingCountWitnessTooLow,
		/// Stars must be between 1 and 5.
		InvalidStars,
		/// A provider cannot rate its own service.
		CannotRateOwnService,
		/// The account has paid the service less than the `min_spend_to_rate` parameter.
		InsufficientPaidUsage,
		/// `set_parameters` without changes.
		NoParameterChanges,
		/// A bond or deposit parameter set to zero.
		ZeroParameterAmount,
		/// A bond, deposit or rating threshold above `MaxParameterAmount`.
		ParameterAmountTooLarge,
		/// An unbonding period of zero blocks or above `MaxUnbondingPeriod`.
		UnbondingPeriodOutOfBounds,
		/// An unbonding period not longer than `SlashDelay`.
		UnbondingShorterThanSlashDelay,
	}

	impl<T> From<InvalidAmount> for Error<T> {
		fn from(error: InvalidAmount) -> Self {
			match error {
				InvalidAmount::Zero => Error::ZeroParameterAmount,
				InvalidAmount::TooLarge => Error::ParameterAmountTooLarge,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				Self::validate_parameters(&T::DefaultParameters::get()).is_ok(),
				"DefaultParameters must be valid"
			);
			assert!(T::MaxUnbondingChunks::get() > 0, "MaxUnbondingChunks must be positive");
			assert!(
				T::MaxServicesPerProvider::get() > 0,
				"MaxServicesPerProvider must be positive"
			);
			assert!(
				T::MaxNameLen::get() > 0 && T::MaxTagLen::get() > 0,
				"names and tags need room"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Register the caller as a provider, holding `bond` (at least the
		/// `min_provider_bond` parameter).
		#[pallet::call_index(0)]
		pub fn register_provider(
			origin: OriginFor<T>,
			name: Vec<u8>,
			bond: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Providers::<T>::contains_key(&who), Error::<T>::AlreadyProvider);
			let name: NameOf<T> = name.try_into().map_err(|_| Error::<T>::NameTooLong)?;
			ensure!(bond >= Self::parameters().min_provider_bond, Error::<T>::BondBelowMinimum);
			T::Currency::hold(&HoldReason::ProviderBond.into(), &who, bond)?;
			Providers::<T>::insert(
				&who,
				Provider { name, bond, unbonding: BoundedVec::new(), live_services: 0 },
			);
			Self::deposit_event(Event::ProviderRegistered { provider: who, bond });
			Ok(())
		}

		/// Add `amount` to the caller's active bond.
		#[pallet::call_index(1)]
		pub fn bond_extra(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			Providers::<T>::try_mutate(&who, |provider| {
				let provider = provider.as_mut().ok_or(Error::<T>::NotProvider)?;
				let bond = provider.bond.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
				T::Currency::hold(&HoldReason::ProviderBond.into(), &who, amount)?;
				provider.bond = bond;
				Self::deposit_event(Event::BondIncreased { provider: who.clone(), amount, bond });
				Ok(())
			})
		}

		/// Start unbonding `amount` of the caller's active bond. It stays held, and
		/// slashable, for `unbonding_period` blocks (a parameter).
		#[pallet::call_index(2)]
		pub fn unbond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let parameters = Self::parameters();
			Providers::<T>::try_mutate(&who, |provider| {
				let provider = provider.as_mut().ok_or(Error::<T>::NotProvider)?;
				let bond =
					provider.bond.checked_sub(&amount).ok_or(Error::<T>::InsufficientBond)?;
				ensure!(
					provider.live_services == 0 || bond >= parameters.min_provider_bond,
					Error::<T>::BondBelowMinimum
				);
				let unlock_at = frame_system::Pallet::<T>::block_number()
					.saturating_add(parameters.unbonding_period);
				provider
					.unbonding
					.try_push(UnbondingChunk { amount, unlock_at })
					.map_err(|_| Error::<T>::TooManyUnbondingChunks)?;
				provider.bond = bond;
				Self::deposit_event(Event::Unbonded { provider: who.clone(), amount, unlock_at });
				Ok(())
			})
		}

		/// Release every unbonding chunk of the caller whose unlock block has come.
		#[pallet::call_index(3)]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			Providers::<T>::try_mutate(&who, |provider| {
				let provider = provider.as_mut().ok_or(Error::<T>::NotProvider)?;
				let mut amount = BalanceOf::<T>::zero();
				provider.unbonding.retain(|chunk| {
					let unlocked = chunk.unlock_at <= now;
					if unlocked {
						amount = amount.saturating_add(chunk.amount);
					}
					!unlocked
				});
				ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);
				T::Currency::release(
					&HoldReason::ProviderBond.into(),
					&who,
					amount,
					Precision::Exact,
				)?;
				Self::deposit_event(Event::Withdrawn { provider: who.clone(), amount });
				Ok(())
			})
		}

		/// Leave the marketplace. The caller must have no services left and nothing
		/// bonded or unbonding.
		#[pallet::call_index(4)]
		pub fn deregister_provider(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let provider = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			ensure!(
				ServicesByProvider::<T>::decode_len(&who).unwrap_or(0) == 0,
				Error::<T>::ProviderHasServices
			);
			ensure!(provider.bond.is_zero(), Error::<T>::BondNotUnbonded);
			ensure!(provider.unbonding.is_empty(), Error::<T>::UnbondingNotWithdrawn);
			Providers::<T>::remove(&who);
			ServicesByProvider::<T>::remove(&who);
			Self::deposit_event(Event::ProviderDeregistered { provider: who });
			Ok(())
		}

		/// List a new Active service; `ServiceDeposit` is held from the caller.
		///
		/// `contributor_share` of every settlement goes to the contributors of `dataset`;
		/// it must be zero when there is no dataset.
		#[pallet::call_index(5)]
		#[allow(clippy::too_many_arguments)]
		pub fn list_service(
			origin: OriginFor<T>,
			name: Vec<u8>,
			tags: Vec<Vec<u8>>,
			metadata_uri: Vec<u8>,
			metadata_hash: H256,
			price: Price<BalanceOf<T>>,
			contributor_share: Perbill,
			dataset: Option<DatasetId>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut provider = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			let parameters = Self::parameters();
			ensure!(provider.bond >= parameters.min_provider_bond, Error::<T>::BondBelowMinimum);
			let name = Self::bounded_name(name)?;
			let tags = Self::bounded_tags(tags)?;
			let metadata_uri = Self::bounded_uri(metadata_uri)?;
			ensure!(!price.per_unit.is_zero(), Error::<T>::ZeroPrice);
			ensure!(
				dataset.is_some() || contributor_share.is_zero(),
				Error::<T>::ContributorShareWithoutDataset
			);
			ensure!(dataset.is_none_or(T::Datasets::dataset_exists), Error::<T>::UnknownDataset);

			let service_id = NextServiceId::<T>::get();
			let next_id = service_id.checked_add(1).ok_or(Error::<T>::ServiceIdOverflow)?;
			ServicesByProvider::<T>::try_append(&who, service_id)
				.map_err(|_| Error::<T>::TooManyServices)?;
			let deposit = parameters.service_deposit;
			T::Currency::hold(&HoldReason::ServiceDeposit.into(), &who, deposit)?;

			provider.live_services = provider.live_services.saturating_add(1);
			Providers::<T>::insert(&who, provider);
			Self::index_tags(service_id, &tags);
			let now = frame_system::Pallet::<T>::block_number();
			Services::<T>::insert(
				service_id,
				Service {
					provider: who.clone(),
					name,
					tags,
					metadata_uri,
					metadata_hash,
					price,
					status: ServiceStatus::Active,
					contributor_share,
					dataset,
					rating: Rating::default(),
					deposit,
					created_at: now,
					updated_at: now,
				},
			);
			NextServiceId::<T>::put(next_id);
			Self::deposit_event(Event::ServiceListed { service_id, provider: who, price, deposit });
			Ok(())
		}

		/// Change a service's name, tags, metadata or price (`None` keeps the current
		/// value). Channels already open keep the price they opened with.
		///
		/// New tags replace the old ones in the tag index: a call that changes tags is
		/// charged for replacing `MaxTags` of them and refunded down to the larger of the
		/// old and new counts; one that keeps them pays for none.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::update_service(if tags.is_some() { T::MaxTags::get() } else { 0 }))]
		pub fn update_service(
			origin: OriginFor<T>,
			service_id: ServiceId,
			name: Option<Vec<u8>>,
			tags: Option<Vec<Vec<u8>>>,
			metadata: Option<(Vec<u8>, H256)>,
			price: Option<Price<BalanceOf<T>>>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(
				name.is_some() || tags.is_some() || metadata.is_some() || price.is_some(),
				Error::<T>::NoChanges
			);
			let mut tags_replaced = 0u32;
			Services::<T>::try_mutate(service_id, |service| -> DispatchResult {
				let service = service.as_mut().ok_or(Error::<T>::UnknownService)?;
				ensure!(service.provider == who, Error::<T>::NotServiceProvider);
				ensure!(!service.status.is_closed(), Error::<T>::ServiceRetired);
				if let Some(name) = name {
					service.name = Self::bounded_name(name)?;
				}
				if let Some(tags) = tags {
					let tags = Self::bounded_tags(tags)?;
					tags_replaced = service.tags.len().max(tags.len()) as u32;
					Self::unindex_tags(service_id, &service.tags);
					Self::index_tags(service_id, &tags);
					service.tags = tags;
				}
				if let Some((uri, hash)) = metadata {
					service.metadata_uri = Self::bounded_uri(uri)?;
					service.metadata_hash = hash;
				}
				if let Some(price) = price {
					ensure!(!price.per_unit.is_zero(), Error::<T>::ZeroPrice);
					service.price = price;
				}
				service.updated_at = frame_system::Pallet::<T>::block_number();
				Self::deposit_event(Event::ServiceUpdated { service_id, price: service.price });
				Ok(())
			})?;
			Ok(Some(T::WeightInfo::update_service(tags_replaced)).into())
		}

		/// Stop taking new channels for a while; open channels carry on.
		#[pallet::call_index(7)]
		pub fn pause_service(origin: OriginFor<T>, service_id: ServiceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::set_status(
				&who,
				service_id,
				ServiceStatus::Active,
				Error::<T>::ServiceNotActive,
				ServiceStatus::Paused,
			)?;
			Self::deposit_event(Event::ServicePaused { service_id });
			Ok(())
		}

		/// Take new channels again after a pause.
		#[pallet::call_index(8)]
		pub fn resume_service(origin: OriginFor<T>, service_id: ServiceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::set_status(
				&who,
				service_id,
				ServiceStatus::Paused,
				Error::<T>::ServiceNotPaused,
				ServiceStatus::Active,
			)?;
			Self::deposit_event(Event::ServiceResumed { service_id });
			Ok(())
		}

		/// Close a service for good. Open channels carry on until they settle or expire;
		/// then the service can be removed.
		#[pallet::call_index(9)]
		pub fn retire_service(origin: OriginFor<T>, service_id: ServiceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let service = Services::<T>::get(service_id).ok_or(Error::<T>::UnknownService)?;
			ensure!(service.provider == who, Error::<T>::NotServiceProvider);
			Self::close(service_id, service, ServiceStatus::Retired)?;
			Self::deposit_event(Event::ServiceRetired { service_id });
			Ok(())
		}

		/// Remove a closed (Retired or Delisted) service no channel refers to, with its ratings, and release
		/// its deposit. `rating_count` must be at least the service's number of ratings
		/// (`rating.count`): the call's weight is charged for that many.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::remove_service(*rating_count))]
		pub fn remove_service(
			origin: OriginFor<T>,
			service_id: ServiceId,
			rating_count: u32,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let service = Services::<T>::get(service_id).ok_or(Error::<T>::UnknownService)?;
			ensure!(service.provider == who, Error::<T>::NotServiceProvider);
			ensure!(service.status.is_closed(), Error::<T>::ServiceNotRetired);
			ensure!(rating_count >= service.rating.count, Error::<T>::RatingCountWitnessTooLow);
			ensure!(
				T::Channels::open_channels(service_id) == 0,
				Error::<T>::ServiceHasOpenChannels
			);

			T::Currency::release(
				&HoldReason::ServiceDeposit.into(),
				&who,
				service.deposit,
				Precision::Exact,
			)?;
			// Every rater has exactly one entry, so `count` bounds the removal.
			let _ = Ratings::<T>::clear_prefix(service_id, service.rating.count, None);
			ServicesByProvider::<T>::mutate(&who, |ids| ids.retain(|id| *id != service_id));
			Self::unindex_tags(service_id, &service.tags);
			Services::<T>::remove(service_id);
			Self::deposit_event(Event::ServiceRemoved { service_id, deposit: service.deposit });
			Ok(Some(T::WeightInfo::remove_service(service.rating.count)).into())
		}

		/// Rate a service 1 to 5 stars. Only accounts that have paid it at least
		/// `min_spend_to_rate` (a parameter) may; rating again replaces the earlier rating.
		#[pallet::call_index(11)]
		pub fn rate_service(
			origin: OriginFor<T>,
			service_id: ServiceId,
			stars: u8,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!((1..=5).contains(&stars), Error::<T>::InvalidStars);
			Services::<T>::try_mutate(service_id, |service| {
				let service = service.as_mut().ok_or(Error::<T>::UnknownService)?;
				ensure!(!service.status.is_closed(), Error::<T>::ServiceRetired);
				ensure!(service.provider != who, Error::<T>::CannotRateOwnService);
				ensure!(
					T::PaidUsage::paid(&who, service_id) >= Self::parameters().min_spend_to_rate,
					Error::<T>::InsufficientPaidUsage
				);
				let previous = Ratings::<T>::get(service_id, &who);
				let rating = &mut service.rating;
				match previous {
					Some(old) => {
						rating.sum =
							rating.sum.saturating_sub(old.into()).saturating_add(stars.into())
					},
					None => {
						rating.sum = rating.sum.saturating_add(stars.into());
						rating.count = rating.count.saturating_add(1);
					},
				}
				Ratings::<T>::insert(service_id, &who, stars);
				Self::deposit_event(Event::ServiceRated {
					service_id,
					who: who.clone(),
					stars,
					previous,
				});
				Ok(())
			})
		}

		/// Governance: slash up to `amount` of a provider's bond, active bond first, then
		/// its unbonding chunks, newest first. The funds go to `OnSlash`.
		#[pallet::call_index(12)]
		pub fn slash_provider(
			origin: OriginFor<T>,
			provider: T::AccountId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut record = Providers::<T>::get(&provider).ok_or(Error::<T>::NotProvider)?;
			let (credit, _) =
				T::Currency::slash(&HoldReason::ProviderBond.into(), &provider, amount);
			let slashed = credit.peek();
			let mut left = slashed;
			let from_bond = left.min(record.bond);
			record.bond = record.bond.saturating_sub(from_bond);
			left = left.saturating_sub(from_bond);
			for chunk in record.unbonding.iter_mut().rev() {
				let from_chunk = left.min(chunk.amount);
				chunk.amount = chunk.amount.saturating_sub(from_chunk);
				left = left.saturating_sub(from_chunk);
			}
			record.unbonding.retain(|chunk| !chunk.amount.is_zero());
			Providers::<T>::insert(&provider, record);
			T::OnSlash::on_unbalanced(credit);
			Self::deposit_event(Event::ProviderSlashed { provider, requested: amount, slashed });
			Ok(())
		}

		/// Governance: close a service for good as `Delisted`, whoever provides it, even one
		/// its provider retired; its consumers may then reclaim their channels at once.
		#[pallet::call_index(13)]
		pub fn force_delist(origin: OriginFor<T>, service_id: ServiceId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let service = Services::<T>::get(service_id).ok_or(Error::<T>::UnknownService)?;
			Self::close(service_id, service, ServiceStatus::Delisted)?;
			Self::deposit_event(Event::ServiceDelisted { service_id });
			Ok(())
		}

		/// Governance: change parameters of this pallet. The changes apply in order and
		/// the result is checked as a whole (see [`Pallet::validate_parameters`]); a
		/// refused set changes nothing.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::set_parameters(changes.len() as u32))]
		pub fn set_parameters(
			origin: OriginFor<T>,
			changes: BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let parameters = Parameters::<T>::get().changed(
				&changes,
				Self::validate_parameters,
				Error::<T>::NoParameterChanges,
			)?;
			Parameters::<T>::put(parameters);
			Self::deposit_event(Event::ParametersSet { changes });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The governed parameters in force.
		pub fn parameters() -> ParametersOf<T> {
			Parameters::<T>::get()
		}

		/// Whether `parameters` keep the marketplace usable: a positive bond and deposit,
		/// none of the amounts above `MaxParameterAmount` (the rating threshold may be
		/// zero), and an unbonding period of at most `MaxUnbondingPeriod` blocks, longer
		/// than `SlashDelay`.
		pub fn validate_parameters(parameters: &ParametersOf<T>) -> Result<(), Error<T>> {
			check_amounts(
				&[parameters.min_provider_bond, parameters.service_deposit],
				&[parameters.min_spend_to_rate],
				T::MaxParameterAmount::get(),
			)?;
			let unbonding = parameters.unbonding_period;
			ensure!(
				!unbonding.is_zero() && unbonding <= T::MaxUnbondingPeriod::get(),
				Error::<T>::UnbondingPeriodOutOfBounds
			);
			ensure!(unbonding > T::SlashDelay::get(), Error::<T>::UnbondingShorterThanSlashDelay);
			Ok(())
		}

		fn bounded_name(name: Vec<u8>) -> Result<NameOf<T>, Error<T>> {
			name.try_into().map_err(|_| Error::<T>::NameTooLong)
		}

		fn bounded_uri(uri: Vec<u8>) -> Result<UriOf<T>, Error<T>> {
			uri.try_into().map_err(|_| Error::<T>::MetadataUriTooLong)
		}

		fn bounded_tags(tags: Vec<Vec<u8>>) -> Result<TagsOf<T>, Error<T>> {
			let tags = tags
				.into_iter()
				.map(|tag| {
					ensure!(!tag.is_empty(), Error::<T>::InvalidTag);
					TagOf::<T>::try_from(tag).map_err(|_| Error::<T>::InvalidTag)
				})
				.collect::<Result<Vec<_>, _>>()?;
			tags.try_into().map_err(|_| Error::<T>::TooManyTags)
		}

		/// Lists `service_id` under each of `tags` in `ServicesByTag`.
		pub(crate) fn index_tags(service_id: ServiceId, tags: &TagsOf<T>) {
			for tag in tags {
				ServicesByTag::<T>::insert(tag, service_id, ());
			}
		}

		/// Takes `service_id` out of `ServicesByTag` under each of `tags`.
		pub(crate) fn unindex_tags(service_id: ServiceId, tags: &TagsOf<T>) {
			for tag in tags {
				ServicesByTag::<T>::remove(tag, service_id);
			}
		}

		/// Moves the caller's service from status `from` to `to`, or fails with
		/// `wrong_status`.
		fn set_status(
			who: &T::AccountId,
			service_id: ServiceId,
			from: ServiceStatus,
			wrong_status: Error<T>,
			to: ServiceStatus,
		) -> DispatchResult {
			Services::<T>::try_mutate(service_id, |service| {
				let service = service.as_mut().ok_or(Error::<T>::UnknownService)?;
				ensure!(&service.provider == who, Error::<T>::NotServiceProvider);
				ensure!(service.status == from, wrong_status);
				service.status = to;
				service.updated_at = frame_system::Pallet::<T>::block_number();
				Ok(())
			})
		}

		/// Closes `service` (not yet closed) for good with `status` (Retired or Delisted)
		/// and takes it off its provider's live count.
		fn close(
			service_id: ServiceId,
			mut service: Service<T>,
			status: ServiceStatus,
		) -> DispatchResult {
			// Governance may still delist a service its provider retired: retiring first
			// must not spare the provider's consumers the early refund a delisting gives.
			let was_closed = service.status.is_closed();
			let retired_now_delisted =
				service.status == ServiceStatus::Retired && status == ServiceStatus::Delisted;
			ensure!(!was_closed || retired_now_delisted, Error::<T>::ServiceRetired);
			if !was_closed {
				Providers::<T>::mutate(&service.provider, |provider| {
					if let Some(provider) = provider {
						provider.live_services = provider.live_services.saturating_sub(1);
					}
				});
			}
			service.status = status;
			service.updated_at = frame_system::Pallet::<T>::block_number();
			Services::<T>::insert(service_id, service);
			Ok(())
		}

		/// The pallet's invariants:
		/// - each provider's `ProviderBond` hold equals its bond plus unbonding chunks;
		/// - each provider's `ServiceDeposit` hold equals the deposits of its services;
		/// - `live_services` counts its non-retired services, and the index lists exactly
		///   its services;
		/// - a service's rating aggregate matches its stored ratings;
		/// - `ServicesByTag` lists each service under exactly its tags;
		/// - no service id is at or beyond `NextServiceId`;
		/// - the parameters in force are valid.
		// Also built with `std`: the runtime's tests check every pallet's invariants after
		// each step of their attack and property tests.
		#[cfg(any(feature = "try-runtime", feature = "std", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use frame_support::traits::fungible::InspectHold;
			use sp_runtime::TryRuntimeError;
			ensure!(
				Self::validate_parameters(&Parameters::<T>::get()).is_ok(),
				TryRuntimeError::Other("the parameters in force are invalid")
			);
			let next_id = NextServiceId::<T>::get();
			for (who, provider) in Providers::<T>::iter() {
				let bonded = T::Currency::balance_on_hold(&HoldReason::ProviderBond.into(), &who);
				ensure!(
					bonded == provider.total_bonded(),
					TryRuntimeError::Other("bond hold mismatch")
				);
				let ids = ServicesByProvider::<T>::get(&who);
				let mut deposits = BalanceOf::<T>::zero();
				let mut live = 0u32;
				for id in ids.iter() {
					let service = Services::<T>::get(id)
						.ok_or(TryRuntimeError::Other("indexed service missing"))?;
					ensure!(
						service.provider == who,
						TryRuntimeError::Other("index lists another provider's service")
					);
					deposits = deposits.saturating_add(service.deposit);
					if !service.status.is_closed() {
						live += 1;
					}
				}
				let held = T::Currency::balance_on_hold(&HoldReason::ServiceDeposit.into(), &who);
				ensure!(held == deposits, TryRuntimeError::Other("service deposit hold mismatch"));
				ensure!(
					live == provider.live_services,
					TryRuntimeError::Other("live_services mismatch")
				);
			}
			for (id, service) in Services::<T>::iter() {
				ensure!(id < next_id, TryRuntimeError::Other("service id beyond NextServiceId"));
				ensure!(
					ServicesByProvider::<T>::get(&service.provider).contains(&id),
					TryRuntimeError::Other("service missing from its provider's index")
				);
				ensure!(
					service.tags.iter().all(|tag| ServicesByTag::<T>::contains_key(tag, id)),
					TryRuntimeError::Other("service missing from a tag's index")
				);
				let (mut sum, mut count) = (0u64, 0u32);
				for (_, stars) in Ratings::<T>::iter_prefix(id) {
					sum += u64::from(stars);
					count += 1;
				}
				ensure!(
					service.rating == Rating { sum, count },
					TryRuntimeError::Other("rating aggregate mismatch")
				);
			}
			for (tag, id) in ServicesByTag::<T>::iter_keys() {
				ensure!(
					Services::<T>::get(id).is_some_and(|service| service.tags.contains(&tag)),
					TryRuntimeError::Other("tag index lists a service without that tag")
				);
			}
			for (id, _, _) in Ratings::<T>::iter() {
				ensure!(
					Services::<T>::contains_key(id),
					TryRuntimeError::Other("rating of a removed service")
				);
			}
			Ok(())
		}
	}
}

impl<T: Config> ServiceInspect<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn service_terms(id: ServiceId) -> Option<ServiceTerms<T::AccountId, BalanceOf<T>>> {
		Services::<T>::get(id).map(|service| ServiceTerms {
			provider: service.provider,
			price: service.price,
			contributor_share: service.contributor_share,
			dataset: service.dataset,
			status: service.status,
		})
	}
}
