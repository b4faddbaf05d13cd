//! # Metering pallet
//!
//! Token-metered payments for Agora's AI services: a consumer pays for thousands of calls
//! with one on-chain settlement.
//!
//! ## Overview
//!
//! - A consumer **opens a channel** to an Active service ([`Pallet::open_channel`]),
//!   depositing AGR that is held (`HoldReason::ChannelDeposit`), never transferred. The
//!   channel fixes the service's price per unit, contributor share and dataset, and its
//!   payee (the provider), so later price changes never touch it. The consumer names the
//!   price it agreed to (unit and price per unit): a provider who raises the price, or
//!   changes its unit, while the opening waits in the pool makes it fail instead of
//!   draining the deposit.
//! - Off-chain, the channel's `signer` signs [`agora_primitives::Receipt`]s for the
//!   *cumulative* units used; the newest supersedes all earlier ones.
//! - The payee **claims** the newest receipt ([`Pallet::claim`]) or many at once
//!   ([`Pallet::claim_batch`]): the increase over what was already claimed is taken from
//!   the consumer's hold and split into the protocol fee (`OnProtocolFee`: the treasury),
//!   the contributors' share (`RevenueSink`: the dataset's pool) and the provider's net.
//!   Within a batch each item settles in its own storage transaction, and the provider,
//!   the treasury and each pool are credited once.
//! - The consumer can **top up** and **extend** an open channel of a service that is not
//!   closed, and **reclaim** what was not claimed once it has expired, or at once when
//!   governance delisted the service; a claim with `close` refunds the rest at once.
//! - The payee can **close** a channel at any time ([`Pallet::close_channel`]), refunding
//!   everything unclaimed: no consumer can keep a service (and its deposit, and its
//!   provider's registration) hostage with a channel it keeps extending.
//!
//! Its **parameters** ([`MeteringParameters`]: the protocol fee and the smallest channel
//! deposit) are this pallet's own storage, read by clients from it; governance changes
//! them with [`Pallet::set_parameters`] within the runtime's bounds.
//!
//! Every failure has its own error and leaves balances and storage untouched. The pallet
//! talks to pallet-services only through [`agora_primitives::ServiceInspect`], and tells
//! it who paid what ([`agora_primitives::PaidUsage`]) and which services still have open
//! channels ([`agora_primitives::ChannelsOfService`]).

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

pub use types::*;
pub use weights::WeightInfo;

use agora_primitives::{ChannelsOfService, PaidUsage, ServiceId};
use frame_support::traits::fungible::{Credit, Inspect};
use sp_runtime::traits::Saturating;

/// The balance type of the currency channels are funded in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// This pallet's governed parameters.
pub type ParametersOf<T> = MeteringParameters<BalanceOf<T>>;

/// A change of one of this pallet's governed parameters.
pub type ParameterChangeOf<T> = ParameterChange<BalanceOf<T>>;

/// Funds taken from consumers' holds on their way to the treasury, pools and providers.
pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

/// Sets up what benchmarks need from other pallets.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Balance> {
	/// An Active service of `provider` at `price_per_unit`, with a dataset and a non-zero
	/// contributor share (the costliest settlement), created however the runtime can.
	fn active_service(provider: &AccountId, price_per_unit: Balance) -> ServiceId;

	/// A new dataset whose pool can receive revenue, so that a batch's receipts can pay
	/// many pools (as channels of a provider's different services do).
	fn dataset() -> agora_primitives::DatasetId;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use agora_primitives::{
		check_amounts, ChannelId, InvalidAmount, ParameterSet, Price, Receipt, ReceiptError,
		ReceiptSigner, RevenueSink, ServiceInspect, ServiceStatus, Split, MAX_PARAMETER_CHANGES,
	};
	use alloc::{collections::BTreeMap, vec::Vec};
	use frame_support::{
		pallet_prelude::*,
		storage::with_storage_layer,
		traits::{
			fungible::{self, Balanced, BalancedHold, MutateHold},
			tokens::Precision,
			Imbalance, OnUnbalanced,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{CheckedAdd, CheckedMul, Saturating, Zero},
		MultiSignature, Perbill,
	};

	/// 1: `PaidTotals` holds only what closed channels paid (see [`migrations::v1`]).
	/// 2: `ChannelsByPayee` indexes open channels by payee (see [`migrations::v2`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency channels are funded in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ Balanced<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ BalancedHold<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The service registry (pallet-services).
		type Services: ServiceInspect<Self::AccountId, BalanceOf<Self>>;

		/// Where protocol fees go (the treasury).
		type OnProtocolFee: OnUnbalanced<CreditOf<Self>>;

		/// Where the contributors' share of a settlement goes (the dataset's pool).
		type RevenueSink: RevenueSink<CreditOf<Self>>;

		/// Who may change the parameters: Root, i.e. a passed proposal.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The parameters of a new chain, until genesis or governance sets others. Not
		/// metadata constants: they change without a runtime upgrade, so clients read the
		/// `Parameters` storage.
		type DefaultParameters: Get<ParametersOf<Self>>;

		/// The largest smallest-deposit governance may set: above it, nobody could open a
		/// channel.
		#[pallet::constant]
		type MaxParameterAmount: Get<BalanceOf<Self>>;

		/// The largest protocol fee governance may set: providers keep the bulk of what
		/// they earn.
		#[pallet::constant]
		type MaxProtocolFee: Get<Perbill>;

		/// The longest a channel may run, in blocks, from opening or extension.
		#[pallet::constant]
		type MaxChannelDuration: Get<BlockNumberFor<Self>>;

		/// Most channels a consumer may have open at once.
		#[pallet::constant]
		type MaxChannelsPerConsumer: Get<u32>;

		/// Most receipts in one `claim_batch`.
		#[pallet::constant]
		type MaxClaimsPerBatch: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Creates services for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, BalanceOf<Self>>;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The unclaimed part of a consumer's channel deposits.
		ChannelDeposit,
	}

	/// Open channels.
	#[pallet::storage]
	pub type Channels<T: Config> = StorageMap<_, Twox64Concat, ChannelId, Channel<T>, OptionQuery>;

	/// The id the next channel gets.
	#[pallet::storage]
	pub type NextChannelId<T: Config> = StorageValue<_, ChannelId, ValueQuery>;

	/// Each consumer's open channels, in opening order.
	#[pallet::storage]
	pub type ChannelsByConsumer<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<ChannelId, T::MaxChannelsPerConsumer>,
		ValueQuery,
	>;

	/// Each payee's open channels. A provider may have any number of channels, so this is
	/// a map rather than a bounded list: `agora_listChannels { payee }` reads one page of
	/// it, whatever the number of channels ever opened or open to other payees.
	#[pallet::storage]
	pub type ChannelsByPayee<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		ChannelId,
		(),
		OptionQuery,
	>;

	/// How many open channels pay each service.
	#[pallet::storage]
	pub type OpenChannels<T: Config> = StorageMap<_, Twox64Concat, ServiceId, u32, ValueQuery>;

	/// What each consumer paid each service through channels that have since closed or
	/// been reclaimed. With the `claimed` of its open channels, what it paid in total
	/// ([`PaidUsage`], for ratings): a settlement then writes only its channel, never
	/// this map, which is read far less often (once per rating) than claims are made.
	#[pallet::storage]
	pub type PaidTotals<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		ServiceId,
		BalanceOf<T>,
		ValueQuery,
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
					panic!("genesis metering parameters are invalid: {error:?}");
				}
				Parameters::<T>::put(parameters);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A consumer opened a channel; `deposit` is held.
		ChannelOpened {
			channel_id: ChannelId,
			consumer: T::AccountId,
			payee: T::AccountId,
			service_id: ServiceId,
			deposit: BalanceOf<T>,
			price_per_unit: BalanceOf<T>,
			expires_at: BlockNumberFor<T>,
		},
		/// A receipt for `cumulative_units` was settled: `amount` left the consumer's
		/// deposit, split into `protocol_fee`, `contributor_share` and `provider_net`.
		ChannelClaimed {
			channel_id: ChannelId,
			cumulative_units: u64,
			amount: BalanceOf<T>,
			protocol_fee: BalanceOf<T>,
			contributor_share: BalanceOf<T>,
			provider_net: BalanceOf<T>,
		},
		/// A receipt of a batch was refused; the batch's other items still settled.
		ClaimRejected { channel_id: ChannelId, error: DispatchError },
		/// A batch was settled: `settled` items paid `amount` in total, `rejected` failed.
		BatchClaimed { payee: T::AccountId, settled: u32, rejected: u32, amount: BalanceOf<T> },
		/// The consumer added `amount`; the channel's total deposit is now `deposit`.
		ChannelToppedUp { channel_id: ChannelId, amount: BalanceOf<T>, deposit: BalanceOf<T> },
		/// The consumer extended the channel to `expires_at`.
		ChannelExtended { channel_id: ChannelId, expires_at: BlockNumberFor<T> },
		/// The payee closed the channel (with its claim or without); `refunded` went back
		/// to the consumer.
		ChannelClosed { channel_id: ChannelId, refunded: BalanceOf<T> },
		/// The consumer took back `refunded` from an expired channel, which is removed.
		ChannelReclaimed { channel_id: ChannelId, refunded: BalanceOf<T> },
		/// Governance changed parameters of this pallet.
		ParametersSet { changes: BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No service has this id.
		UnknownService,
		/// The service does not take new channels.
		ServiceNotActive,
		/// The deposit is below the `min_channel_deposit` parameter.
		DepositTooSmall,
		/// The duration is zero or longer than `MaxChannelDuration`.
		InvalidDuration,
		/// The consumer already has `MaxChannelsPerConsumer` open channels.
		TooManyChannels,
		/// Channel ids are exhausted.
		ChannelIdOverflow,
		/// No open channel has this id.
		UnknownChannel,
		/// Only the channel's payee may claim.
		NotPayee,
		/// Only the channel's consumer may do this.
		NotConsumer,
		/// The channel has expired.
		ChannelExpired,
		/// The channel has not expired yet.
		ChannelNotExpired,
		/// The receipt is for another chain (another genesis hash).
		WrongChain,
		/// The receipt was signed with another kind of key than the channel's signer.
		SignerMismatch,
		/// The receipt's signature does not verify against the channel's signer.
		BadSignature,
		/// The receipt's units are not above what the channel already paid for.
		StaleReceipt,
		/// The receipt is worth more than the channel's deposit.
		Overdraft,
		/// Units × price (or a deposit) overflows.
		ArithmeticOverflow,
		/// The amount is zero.
		ZeroAmount,
		/// The new expiry is not after the current one.
		ExpiryNotLater,
		/// A batch with no items.
		EmptyBatch,
		/// A channel's funds were not on hold as its records say: an invariant is broken.
		DepositMissing,
		/// The payee's account cannot receive the payment.
		PayeeCannotReceive,
		/// The service's price per unit is above the price the consumer agreed to.
		PriceAboveAgreed,
		/// The service is priced in another unit than the one the consumer agreed to.
		PriceUnitChanged,
		/// The channel's service was retired or delisted: the channel takes no more funds
		/// or time.
		ServiceClosed,
		/// `set_parameters` without changes.
		NoParameterChanges,
		/// The smallest channel deposit set to zero.
		ZeroParameterAmount,
		/// The smallest channel deposit above `MaxParameterAmount`.
		ParameterAmountTooLarge,
		/// A protocol fee above `MaxProtocolFee`.
		ProtocolFeeTooHigh,
	}

	impl<T> From<InvalidAmount> for Error<T> {
		fn from(error: InvalidAmount) -> Self {
			match error {
				InvalidAmount::Zero => Error::ZeroParameterAmount,
				InvalidAmount::TooLarge => Error::ParameterAmountTooLarge,
			}
		}
	}

	impl<T> From<ReceiptError> for Error<T> {
		fn from(error: ReceiptError) -> Self {
			match error {
				ReceiptError::UnknownChannel => Error::UnknownChannel,
				ReceiptError::ChannelExpired => Error::ChannelExpired,
				ReceiptError::WrongChain => Error::WrongChain,
				ReceiptError::SignerMismatch => Error::SignerMismatch,
				ReceiptError::BadSignature => Error::BadSignature,
				ReceiptError::ArithmeticOverflow => Error::ArithmeticOverflow,
				ReceiptError::StaleReceipt => Error::StaleReceipt,
				ReceiptError::Overdraft => Error::Overdraft,
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
			assert!(!T::MaxChannelDuration::get().is_zero(), "MaxChannelDuration must be positive");
			assert!(T::MaxClaimsPerBatch::get() > 0, "MaxClaimsPerBatch must be positive");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Open a channel paying service `service_id`: `deposit` is held from the caller,
		/// the channel expires `duration` blocks from now, and `signer` signs its receipts.
		/// It opens only at `agreed_price`, the price the consumer agreed to, or below: same
		/// unit, a price per unit no higher.
		#[pallet::call_index(0)]
		pub fn open_channel(
			origin: OriginFor<T>,
			service_id: ServiceId,
			deposit: BalanceOf<T>,
			duration: BlockNumberFor<T>,
			signer: ReceiptSigner,
			agreed_price: Price<BalanceOf<T>>,
		) -> DispatchResult {
			let consumer = ensure_signed(origin)?;
			let terms = T::Services::service_terms(service_id).ok_or(Error::<T>::UnknownService)?;
			ensure!(terms.status == ServiceStatus::Active, Error::<T>::ServiceNotActive);
			ensure!(terms.price.unit == agreed_price.unit, Error::<T>::PriceUnitChanged);
			ensure!(terms.price.per_unit <= agreed_price.per_unit, Error::<T>::PriceAboveAgreed);
			ensure!(deposit >= Self::parameters().min_channel_deposit, Error::<T>::DepositTooSmall);
			ensure!(
				!duration.is_zero() && duration <= T::MaxChannelDuration::get(),
				Error::<T>::InvalidDuration
			);
			let channel_id = NextChannelId::<T>::get();
			let next_id = channel_id.checked_add(1).ok_or(Error::<T>::ChannelIdOverflow)?;
			ChannelsByConsumer::<T>::try_append(&consumer, channel_id)
				.map_err(|_| Error::<T>::TooManyChannels)?;
			T::Currency::hold(&HoldReason::ChannelDeposit.into(), &consumer, deposit)?;

			let now = frame_system::Pallet::<T>::block_number();
			let expires_at = now.saturating_add(duration);
			OpenChannels::<T>::mutate(service_id, |open| *open = open.saturating_add(1));
			ChannelsByPayee::<T>::insert(&terms.provider, channel_id, ());
			Channels::<T>::insert(
				channel_id,
				Channel {
					consumer: consumer.clone(),
					payee: terms.provider.clone(),
					service_id,
					signer,
					price_per_unit: terms.price.per_unit,
					contributor_share: terms.contributor_share,
					dataset: terms.dataset,
					deposit,
					claimed: Zero::zero(),
					expires_at,
					opened_at: now,
				},
			);
			NextChannelId::<T>::put(next_id);
			Self::deposit_event(Event::ChannelOpened {
				channel_id,
				consumer,
				payee: terms.provider,
				service_id,
				deposit,
				price_per_unit: terms.price.per_unit,
				expires_at,
			});
			Ok(())
		}

		/// Payee only: settle `receipt` (signed by the channel's signer), paying the
		/// increase over what was already claimed. With `close`, the rest of the deposit
		/// goes back to the consumer and the channel is removed.
		#[pallet::call_index(1)]
		#[pallet::weight(if *close { T::WeightInfo::claim_and_close() } else { T::WeightInfo::claim() })]
		pub fn claim(
			origin: OriginFor<T>,
			receipt: Receipt,
			signature: MultiSignature,
			close: bool,
		) -> DispatchResult {
			let payee = ensure_signed(origin)?;
			let context = Self::settlement_context();
			let settlement = Self::settle(&payee, &context, &receipt, &signature, close)?;
			Self::pay_out(&payee, alloc::vec![settlement]).map(|_pools| ())
		}

		/// Payee only: settle many receipts at once. Each item settles in its own storage
		/// transaction; a bad item emits `ClaimRejected` and the others still settle. The
		/// payee, the treasury and each dataset pool are credited once.
		///
		/// Charged up front as if every receipt paid a dataset pool of its own; the part
		/// for pools that receipts shared (or did not have) is refunded.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::claim_batch(0, items.len() as u32))]
		pub fn claim_batch(
			origin: OriginFor<T>,
			items: BoundedVec<ClaimItem, T::MaxClaimsPerBatch>,
		) -> DispatchResultWithPostInfo {
			let payee = ensure_signed(origin)?;
			ensure!(!items.is_empty(), Error::<T>::EmptyBatch);
			// Read once: every item settles against the same genesis hash and fee.
			let context = Self::settlement_context();
			let mut settlements = Vec::with_capacity(items.len());
			let mut rejected = 0u32;
			for item in items {
				let channel_id = item.receipt.channel_id;
				match with_storage_layer(|| {
					Self::settle(&payee, &context, &item.receipt, &item.signature, false)
				}) {
					Ok(settlement) => settlements.push(settlement),
					Err(error) => {
						rejected.saturating_inc();
						Self::deposit_event(Event::ClaimRejected { channel_id, error });
					},
				}
			}
			let settled = settlements.len() as u32;
			let amount = settlements
				.iter()
				.fold(BalanceOf::<T>::zero(), |total, s| total.saturating_add(s.credit.peek()));
			let pools = Self::pay_out(&payee, settlements)?;
			Self::deposit_event(Event::BatchClaimed { payee, settled, rejected, amount });
			let receipts = settled.saturating_add(rejected);
			Ok(Some(T::WeightInfo::claim_batch(receipts.saturating_sub(pools), pools)).into())
		}

		/// Consumer only: add `amount` to an unexpired channel's deposit, while its service
		/// is not closed (retired or delisted).
		#[pallet::call_index(3)]
		pub fn top_up(
			origin: OriginFor<T>,
			channel_id: ChannelId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let consumer = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			Channels::<T>::try_mutate(channel_id, |channel| {
				let channel = Self::consumers_live_channel(channel, &consumer)?;
				Self::ensure_service_open(channel.service_id)?;
				channel.deposit =
					channel.deposit.checked_add(&amount).ok_or(Error::<T>::ArithmeticOverflow)?;
				T::Currency::hold(&HoldReason::ChannelDeposit.into(), &consumer, amount)?;
				Self::deposit_event(Event::ChannelToppedUp {
					channel_id,
					amount,
					deposit: channel.deposit,
				});
				Ok(())
			})
		}

		/// Consumer only: move an unexpired channel's expiry later, to `new_expires_at`
		/// (at most `MaxChannelDuration` blocks from now), while its service is not closed
		/// (retired or delisted). Expiry never moves earlier.
		#[pallet::call_index(4)]
		pub fn extend(
			origin: OriginFor<T>,
			channel_id: ChannelId,
			new_expires_at: BlockNumberFor<T>,
		) -> DispatchResult {
			let consumer = ensure_signed(origin)?;
			Channels::<T>::try_mutate(channel_id, |channel| {
				let channel = Self::consumers_live_channel(channel, &consumer)?;
				Self::ensure_service_open(channel.service_id)?;
				ensure!(new_expires_at > channel.expires_at, Error::<T>::ExpiryNotLater);
				let now = frame_system::Pallet::<T>::block_number();
				ensure!(
					new_expires_at.saturating_sub(now) <= T::MaxChannelDuration::get(),
					Error::<T>::InvalidDuration
				);
				channel.expires_at = new_expires_at;
				Self::deposit_event(Event::ChannelExtended {
					channel_id,
					expires_at: new_expires_at,
				});
				Ok(())
			})
		}

		/// Consumer only: after expiry, or at once when governance delisted the service,
		/// take back what was not claimed and remove the channel.
		#[pallet::call_index(5)]
		pub fn reclaim(origin: OriginFor<T>, channel_id: ChannelId) -> DispatchResult {
			let consumer = ensure_signed(origin)?;
			let channel = Channels::<T>::get(channel_id).ok_or(Error::<T>::UnknownChannel)?;
			ensure!(channel.consumer == consumer, Error::<T>::NotConsumer);
			let expired = frame_system::Pallet::<T>::block_number() > channel.expires_at;
			ensure!(
				expired
					|| Self::service_status(channel.service_id) == Some(ServiceStatus::Delisted),
				Error::<T>::ChannelNotExpired
			);
			let refunded = Self::remove_channel(channel_id, &channel)?;
			Self::deposit_event(Event::ChannelReclaimed { channel_id, refunded });
			Ok(())
		}

		/// Payee only: close a channel at any time without claiming, refunding everything
		/// unclaimed to the consumer (to be paid first, claim with `close` instead). Lets a
		/// provider retire, remove its services and leave whatever channels consumers keep
		/// open.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::reclaim())]
		pub fn close_channel(origin: OriginFor<T>, channel_id: ChannelId) -> DispatchResult {
			let payee = ensure_signed(origin)?;
			let channel = Channels::<T>::get(channel_id).ok_or(Error::<T>::UnknownChannel)?;
			ensure!(channel.payee == payee, Error::<T>::NotPayee);
			let refunded = Self::remove_channel(channel_id, &channel)?;
			Self::deposit_event(Event::ChannelClosed { channel_id, refunded });
			Ok(())
		}

		/// Governance: change parameters of this pallet. The changes apply in order and
		/// the result is checked as a whole (see [`Pallet::validate_parameters`]); a
		/// refused set changes nothing.
		#[pallet::call_index(7)]
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

	/// The chain's genesis hash (receipts are bound to it) and the protocol fee in force.
	pub(crate) struct SettlementContext<T: Config> {
		genesis: T::Hash,
		protocol_fee: Perbill,
	}

	/// One settled receipt, its funds already taken from the consumer's hold.
	pub(crate) struct Settlement<T: Config> {
		credit: CreditOf<T>,
		split: Split<BalanceOf<T>>,
		dataset: Option<agora_primitives::DatasetId>,
	}

	impl<T: Config> Pallet<T> {
		/// The governed parameters in force.
		pub fn parameters() -> ParametersOf<T> {
			Parameters::<T>::get()
		}

		/// Whether `parameters` keep channels open to all and providers paid: a smallest
		/// deposit above zero and at most `MaxParameterAmount`, a protocol fee of at most
		/// `MaxProtocolFee`.
		pub fn validate_parameters(parameters: &ParametersOf<T>) -> Result<(), Error<T>> {
			check_amounts(&[parameters.min_channel_deposit], &[], T::MaxParameterAmount::get())?;
			ensure!(
				parameters.protocol_fee <= T::MaxProtocolFee::get(),
				Error::<T>::ProtocolFeeTooHigh
			);
			Ok(())
		}

		/// The genesis hash receipts must name.
		pub(crate) fn genesis_hash() -> T::Hash {
			frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
		}

		/// Everything that makes `receipt` claimable from `channel` now, except who asks:
		/// returns the channel's new claimed total.
		pub(crate) fn check_receipt(
			channel: &Channel<T>,
			genesis: &T::Hash,
			receipt: &Receipt,
			signature: &MultiSignature,
		) -> Result<BalanceOf<T>, ReceiptError> {
			if frame_system::Pallet::<T>::block_number() > channel.expires_at {
				return Err(ReceiptError::ChannelExpired);
			}
			if receipt.genesis_hash.as_ref() != genesis.as_ref() {
				return Err(ReceiptError::WrongChain);
			}
			channel.signer.check(receipt, signature)?;
			let units = BalanceOf::<T>::try_from(receipt.cumulative_units)
				.map_err(|_| ReceiptError::ArithmeticOverflow)?;
			let total = channel
				.price_per_unit
				.checked_mul(&units)
				.ok_or(ReceiptError::ArithmeticOverflow)?;
			if total <= channel.claimed {
				return Err(ReceiptError::StaleReceipt);
			}
			if total > channel.deposit {
				return Err(ReceiptError::Overdraft);
			}
			Ok(total)
		}

		/// What every settlement of one call shares, read once per call.
		fn settlement_context() -> SettlementContext<T> {
			SettlementContext {
				genesis: Self::genesis_hash(),
				protocol_fee: Self::parameters().protocol_fee,
			}
		}

		/// Checks `receipt` for `payee` and takes what it newly owes from the consumer's
		/// hold. Storage changes only if it succeeds (callers run it in a layer or as a
		/// whole dispatch).
		fn settle(
			payee: &T::AccountId,
			context: &SettlementContext<T>,
			receipt: &Receipt,
			signature: &MultiSignature,
			close: bool,
		) -> Result<Settlement<T>, DispatchError> {
			let channel_id = receipt.channel_id;
			let mut channel = Channels::<T>::get(channel_id).ok_or(Error::<T>::UnknownChannel)?;
			ensure!(&channel.payee == payee, Error::<T>::NotPayee);
			let total = Self::check_receipt(&channel, &context.genesis, receipt, signature)
				.map_err(Error::<T>::from)?;
			let amount = total.saturating_sub(channel.claimed);
			let (credit, missing) =
				T::Currency::slash(&HoldReason::ChannelDeposit.into(), &channel.consumer, amount);
			ensure!(missing.is_zero(), Error::<T>::DepositMissing);
			channel.claimed = total;
			let split = Split::of(
				amount,
				context.protocol_fee,
				channel.contributor_share,
				channel.dataset.is_some(),
			);
			Self::deposit_event(Event::ChannelClaimed {
				channel_id,
				cumulative_units: receipt.cumulative_units,
				amount,
				protocol_fee: split.protocol_fee,
				contributor_share: split.contributor_share,
				provider_net: split.provider_net,
			});
			if close {
				let refunded = Self::remove_channel(channel_id, &channel)?;
				Self::deposit_event(Event::ChannelClosed { channel_id, refunded });
			} else {
				Channels::<T>::insert(channel_id, &channel);
			}
			Ok(Settlement { credit, split, dataset: channel.dataset })
		}

		/// Pays settled funds out: the fees to `OnProtocolFee` once, each dataset's share to
		/// `RevenueSink` once, the rest to `payee` once. Returns how many dataset pools
		/// were credited.
		fn pay_out(
			payee: &T::AccountId,
			settlements: Vec<Settlement<T>>,
		) -> Result<u32, DispatchError> {
			let mut fees = BalanceOf::<T>::zero();
			let mut pools: BTreeMap<agora_primitives::DatasetId, BalanceOf<T>> = BTreeMap::new();
			let mut funds = CreditOf::<T>::zero();
			for Settlement { credit, split, dataset } in settlements {
				fees = fees.saturating_add(split.protocol_fee);
				if let Some(dataset) = dataset {
					let pool = pools.entry(dataset).or_default();
					*pool = pool.saturating_add(split.contributor_share);
				}
				funds = funds.merge(credit);
			}
			let (fee_credit, mut rest) = funds.split(fees);
			T::OnProtocolFee::on_unbalanced(fee_credit);
			let mut credited = 0u32;
			for (dataset, share) in pools {
				let (revenue, remaining) = rest.split(share);
				rest = remaining;
				if !revenue.peek().is_zero() {
					T::RevenueSink::on_revenue(dataset, revenue);
					credited.saturating_inc();
				}
			}
			if !rest.peek().is_zero() {
				T::Currency::resolve(payee, rest).map_err(|_| Error::<T>::PayeeCannotReceive)?;
			}
			Ok(credited)
		}

		/// Releases what `channel` still holds to its consumer, adds what it paid to the
		/// consumer's closed-channel total and removes it.
		fn remove_channel(
			channel_id: ChannelId,
			channel: &Channel<T>,
		) -> Result<BalanceOf<T>, DispatchError> {
			let refunded = T::Currency::release(
				&HoldReason::ChannelDeposit.into(),
				&channel.consumer,
				channel.unclaimed(),
				Precision::Exact,
			)?;
			if !channel.claimed.is_zero() {
				PaidTotals::<T>::mutate(&channel.consumer, channel.service_id, |paid| {
					*paid = paid.saturating_add(channel.claimed)
				});
			}
			ChannelsByConsumer::<T>::mutate(&channel.consumer, |ids| {
				ids.retain(|id| *id != channel_id)
			});
			OpenChannels::<T>::mutate_exists(channel.service_id, |open| {
				*open = open.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0)
			});
			ChannelsByPayee::<T>::remove(&channel.payee, channel_id);
			Channels::<T>::remove(channel_id);
			Ok(refunded)
		}

		/// The status of `service_id`, if it is still registered.
		fn service_status(service_id: ServiceId) -> Option<ServiceStatus> {
			T::Services::service_terms(service_id).map(|terms| terms.status)
		}

		/// Fails unless `service_id` is registered and neither retired nor delisted.
		fn ensure_service_open(service_id: ServiceId) -> DispatchResult {
			let open = Self::service_status(service_id).is_some_and(|status| !status.is_closed());
			ensure!(open, Error::<T>::ServiceClosed);
			Ok(())
		}

		/// `channel`, if it exists, belongs to `consumer` and has not expired.
		fn consumers_live_channel<'a>(
			channel: &'a mut Option<Channel<T>>,
			consumer: &T::AccountId,
		) -> Result<&'a mut Channel<T>, DispatchError> {
			let channel = channel.as_mut().ok_or(Error::<T>::UnknownChannel)?;
			ensure!(&channel.consumer == consumer, Error::<T>::NotConsumer);
			ensure!(
				frame_system::Pallet::<T>::block_number() <= channel.expires_at,
				Error::<T>::ChannelExpired
			);
			Ok(channel)
		}

		/// The pallet's invariants:
		/// - each consumer's `ChannelDeposit` hold equals the sum over its channels of
		///   `deposit − claimed`, and its index lists exactly its channels;
		/// - `ChannelsByPayee` lists exactly the open channels, each under its payee;
		/// - no channel has claimed more than its deposit, and none expires more than
		///   `MaxChannelDuration` blocks from now;
		/// - `OpenChannels` counts each service's channels;
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
			let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
			let mut per_service: BTreeMap<ServiceId, u32> = BTreeMap::new();
			let next_id = NextChannelId::<T>::get();
			let horizon = frame_system::Pallet::<T>::block_number()
				.saturating_add(T::MaxChannelDuration::get());
			for (id, channel) in Channels::<T>::iter() {
				ensure!(id < next_id, TryRuntimeError::Other("channel id beyond NextChannelId"));
				ensure!(
					channel.claimed <= channel.deposit,
					TryRuntimeError::Other("claimed above deposit")
				);
				ensure!(
					channel.expires_at <= horizon,
					TryRuntimeError::Other("channel expires beyond MaxChannelDuration")
				);
				ensure!(
					ChannelsByConsumer::<T>::get(&channel.consumer).contains(&id),
					TryRuntimeError::Other("channel missing from its consumer's index")
				);
				ensure!(
					ChannelsByPayee::<T>::contains_key(&channel.payee, id),
					TryRuntimeError::Other("channel missing from its payee's index")
				);
				let entry = held.entry(channel.consumer.clone()).or_default();
				*entry = entry.saturating_add(channel.unclaimed());
				*per_service.entry(channel.service_id).or_default() += 1;
			}
			for (consumer, ids) in ChannelsByConsumer::<T>::iter() {
				for id in ids.iter() {
					ensure!(
						Channels::<T>::get(id).is_some_and(|c| c.consumer == consumer),
						TryRuntimeError::Other("index lists a channel that is not the consumer's")
					);
				}
				let on_hold =
					T::Currency::balance_on_hold(&HoldReason::ChannelDeposit.into(), &consumer);
				ensure!(
					on_hold == held.get(&consumer).copied().unwrap_or_default(),
					TryRuntimeError::Other("channel deposit hold mismatch")
				);
			}
			for (payee, id) in ChannelsByPayee::<T>::iter_keys() {
				ensure!(
					Channels::<T>::get(id).is_some_and(|c| c.payee == payee),
					TryRuntimeError::Other("payee index lists a channel that is not the payee's")
				);
			}
			ensure!(
				OpenChannels::<T>::iter().collect::<BTreeMap<_, _>>() == per_service,
				TryRuntimeError::Other("open channel counts mismatch")
			);
			Ok(())
		}
	}
}

impl<T: Config> PaidUsage<T::AccountId, BalanceOf<T>> for Pallet<T> {
	/// What closed channels paid plus what `who`'s open channels of `service` have paid:
	/// at most `MaxChannelsPerConsumer` channel reads.
	fn paid(who: &T::AccountId, service: ServiceId) -> BalanceOf<T> {
		ChannelsByConsumer::<T>::get(who)
			.iter()
			.filter_map(Channels::<T>::get)
			.filter(|channel| channel.service_id == service)
			.fold(PaidTotals::<T>::get(who, service), |paid, channel| {
				paid.saturating_add(channel.claimed)
			})
	}

	/// The costliest state to read it from: `amount` paid through one open channel of
	/// `service`, and `who`'s channel index full of channels of other services.
	#[cfg(feature = "runtime-benchmarks")]
	fn set_paid(who: &T::AccountId, service: ServiceId, amount: BalanceOf<T>) {
		use agora_primitives::ReceiptSigner;
		use frame_support::traits::Get;
		use sp_runtime::{traits::Zero, Perbill};
		let now = frame_system::Pallet::<T>::block_number();
		let ids = (0..T::MaxChannelsPerConsumer::get()).map(|i| {
			let id = NextChannelId::<T>::mutate(|next| {
				let id = *next;
				*next = next.saturating_add(1);
				id
			});
			let paid_here = i == 0;
			ChannelsByPayee::<T>::insert(who, id, ());
			Channels::<T>::insert(
				id,
				Channel::<T> {
					consumer: who.clone(),
					payee: who.clone(),
					service_id: if paid_here { service } else { service.saturating_add(1) },
					signer: ReceiptSigner::Sr25519(sp_core::sr25519::Public::from_raw([0; 32])),
					price_per_unit: 1u32.into(),
					contributor_share: Perbill::zero(),
					dataset: None,
					deposit: amount,
					claimed: if paid_here { amount } else { Zero::zero() },
					expires_at: now,
					opened_at: now,
				},
			);
			id
		});
		ChannelsByConsumer::<T>::insert(
			who,
			frame_support::BoundedVec::truncate_from(ids.collect()),
		);
	}
}

impl<T: Config> ChannelsOfService for Pallet<T> {
	fn open_channels(service: ServiceId) -> u32 {
		OpenChannels::<T>::get(service)
	}
}
