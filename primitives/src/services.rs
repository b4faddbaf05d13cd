//! The marketplace vocabulary that pallet-services, pallet-metering and pallet-rewards
//! share, and the traits through which they ask each other questions without depending
//! on each other's crates. The runtime wires the implementations; mocks supply simple
//! ones.

use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::Perbill;

/// Identifies a listed AI service; assigned from a counter, never reused.
pub type ServiceId = u64;

/// Identifies a dataset whose contributors share the revenue of services built on it.
pub type DatasetId = u64;

/// What one unit of a service's usage is.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum PriceUnit {
	/// One call.
	Request,
	/// One thousand tokens (input plus output) of a language model.
	Token1k,
	/// One second of compute.
	ComputeSecond,
	/// One megabyte processed or produced.
	Megabyte,
	/// One generated image.
	Image,
}

/// A service's price: `per_unit` for every `unit` of usage.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Price<Balance> {
	/// What is counted.
	pub unit: PriceUnit,
	/// What one unit costs.
	pub per_unit: Balance,
}

/// Where a service is in its life.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum ServiceStatus {
	/// Open for new payment channels.
	Active,
	/// Temporarily closed to new channels; open channels carry on.
	Paused,
	/// Closed for good by its provider; removable once no channel refers to it.
	Retired,
	/// Forced off the market by governance: closed for good like `Retired`, and the
	/// consumers of its open channels may take their unclaimed deposits back at once.
	Delisted,
}

impl ServiceStatus {
	/// Whether the service is closed for good (retired or delisted): it takes no new
	/// channels, and its open channels no more funds or time.
	pub fn is_closed(self) -> bool {
		matches!(self, ServiceStatus::Retired | ServiceStatus::Delisted)
	}
}

/// What a payment channel needs to know about a service when it opens and settles.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ServiceTerms<AccountId, Balance> {
	/// Who is paid: the service's provider.
	pub provider: AccountId,
	/// The current price (a channel snapshots it when it opens).
	pub price: Price<Balance>,
	/// Share of every settlement that goes to the dataset's contributors.
	pub contributor_share: Perbill,
	/// The dataset whose contributors share the revenue, if any.
	pub dataset: Option<DatasetId>,
	/// Whether the service takes new channels.
	pub status: ServiceStatus,
}

/// Looks up services (implemented by pallet-services, used by pallet-metering).
pub trait ServiceInspect<AccountId, Balance> {
	/// The terms of service `id`, or `None` if no such service exists.
	fn service_terms(id: ServiceId) -> Option<ServiceTerms<AccountId, Balance>>;
}

/// How much an account has paid a service (implemented by pallet-metering, used by
/// pallet-services to admit ratings only from paying users).
pub trait PaidUsage<AccountId, Balance> {
	/// Total settled by `who` to service `service`.
	fn paid(who: &AccountId, service: ServiceId) -> Balance;

	/// Records that `who` has paid `service` `amount` in total, so that benchmarks can
	/// measure the paths of paying users.
	#[cfg(feature = "runtime-benchmarks")]
	fn set_paid(who: &AccountId, service: ServiceId, amount: Balance);
}

/// How many payment channels still refer to a service (implemented by pallet-metering,
/// used by pallet-services to refuse removing a service someone still pays through).
pub trait ChannelsOfService {
	/// The number of open channels of `service`.
	fn open_channels(service: ServiceId) -> u32;
}

/// A service as the `ServicesApi` runtime API (and the `agora_*` RPC) shows it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ServiceInfo<AccountId, Balance, BlockNumber> {
	/// Its id.
	pub id: ServiceId,
	/// Who provides it.
	pub provider: AccountId,
	/// Display name.
	pub name: Vec<u8>,
	/// Search tags.
	pub tags: Vec<Vec<u8>>,
	/// Off-chain description.
	pub metadata_uri: Vec<u8>,
	/// Hash of the description.
	pub metadata_hash: H256,
	/// Current price.
	pub price: Price<Balance>,
	/// Life-cycle status.
	pub status: ServiceStatus,
	/// Share of settlements paid to the dataset's contributors.
	pub contributor_share: Perbill,
	/// The dataset it is built on.
	pub dataset: Option<DatasetId>,
	/// Sum of all stars given.
	pub rating_sum: u64,
	/// Number of ratings.
	pub rating_count: u32,
	/// Storage deposit held from the provider.
	pub deposit: Balance,
	/// Block it was listed in.
	pub created_at: BlockNumber,
	/// Block of its last change.
	pub updated_at: BlockNumber,
}

/// A provider as the `ServicesApi` runtime API shows it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ProviderInfo<Balance, BlockNumber> {
	/// Display name.
	pub name: Vec<u8>,
	/// Active bond.
	pub bond: Balance,
	/// Unbonding amounts and the block each becomes withdrawable.
	pub unbonding: Vec<(Balance, BlockNumber)>,
	/// Active or paused services.
	pub live_services: u32,
	/// All its services (any status), in listing order.
	pub services: Vec<ServiceId>,
}

/// Which services `ServicesApi::services` lists; `None` fields match everything.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ServiceFilter<AccountId> {
	/// Only services carrying this tag.
	pub tag: Option<Vec<u8>>,
	/// Only services in this status.
	pub status: Option<ServiceStatus>,
	/// Only this provider's services.
	pub provider: Option<AccountId>,
}

/// The most services one `ServicesApi::services` call returns.
pub const MAX_SERVICES_PAGE: u32 = 1_000;

sp_api::decl_runtime_apis! {
	/// Read access to the service registry, for the `agora_*` RPC.
	pub trait ServicesApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Service `id`, if it exists.
		fn service(id: ServiceId) -> Option<ServiceInfo<AccountId, Balance, BlockNumber>>;

		/// Up to `limit` (at most [`MAX_SERVICES_PAGE`]) services matching `filter`,
		/// following service `start_after` (the last service of the previous page): in id
		/// order with a provider, otherwise in storage order. A page costs what it walks
		/// through, never the ids of removed services.
		fn services(
			filter: ServiceFilter<AccountId>,
			start_after: Option<ServiceId>,
			limit: u32,
		) -> Vec<ServiceInfo<AccountId, Balance, BlockNumber>>;

		/// Provider `who`, if registered.
		fn provider(who: AccountId) -> Option<ProviderInfo<Balance, BlockNumber>>;
	}
}
