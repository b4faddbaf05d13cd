//! # Agora primitives
//!
//! The `no_std` vocabulary shared by every part of Agora: the runtime, the node, the
//! `agora_*` RPC and (through their documented byte layouts) the JavaScript clients.
//! Keeping these definitions in one crate is what lets the pallets talk to each other
//! without depending on each other's crates (see `docs/architecture.md`).
//!
//! This crate holds:
//! - the chain's basic types ([`AccountId`], [`Balance`], [`BlockNumber`], …);
//! - the AGR token's constants ([`token`]);
//! - the marketplace vocabulary and the traits through which the pallets talk
//!   ([`services`], [`metering`]), including the usage-receipt format;
//! - the [`AgoraApi`] runtime API through which the node asks the runtime about the
//!   marketplace.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod governance;
pub mod metering;
pub mod parameters;
pub mod rewards;
pub mod services;

pub use governance::{
	Conviction, ProposalId, ProposalInfo, ProposalStatus, Tally, Vote, MAX_PROPOSALS_PAGE,
};
pub use metering::{
	ChannelId, ChannelInfo, Quote, Receipt, ReceiptError, ReceiptSigner, RevenueSink, Split,
};
pub use parameters::{check_amounts, InvalidAmount, ParameterSet, MAX_PARAMETER_CHANGES};
pub use rewards::{
	CampaignId, CampaignInfo, CampaignKind, ContributionId, ContributionInfo, ContributionStatus,
	DatasetInfo, DatasetInspect, PendingRewards, PendingSubmission, SubmissionId,
	MAX_CONTRIBUTIONS_PAGE,
};
pub use services::{
	ChannelsOfService, DatasetId, PaidUsage, Price, PriceUnit, ProviderInfo, ServiceFilter,
	ServiceId, ServiceInfo, ServiceInspect, ServiceStatus, ServiceTerms, MAX_SERVICES_PAGE,
};

use sp_runtime::{
	traits::{IdentifyAccount, Verify},
	MultiSignature,
};

/// A signature of an extrinsic (or of an off-chain payload): sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;

/// An account on the chain: the public key behind [`Signature`].
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// An amount of AGR in its smallest unit (see [`token::DECIMALS`]).
pub type Balance = u128;

/// A block height.
pub type BlockNumber = u32;

/// How many transactions an account has signed.
pub type Nonce = u32;

/// A block, state or content hash.
pub type Hash = sp_core::H256;

/// The AGR token: utility, reward and governance token of Agora.
pub mod token {
	use super::Balance;

	/// The ticker shown by wallets (`system_properties.tokenSymbol`).
	pub const SYMBOL: &str = "AGR";

	/// Number of decimals (`system_properties.tokenDecimals`).
	pub const DECIMALS: u8 = 12;

	/// One AGR in the smallest unit.
	pub const AGR: Balance = 10u128.pow(DECIMALS as u32);

	/// One thousandth of an AGR.
	pub const MILLI_AGR: Balance = AGR / 1_000;

	/// One millionth of an AGR.
	pub const MICRO_AGR: Balance = AGR / 1_000_000;

	/// The SS58 address prefix of Agora accounts. 4242 is not in the SS58 registry
	/// (checked against `ss58-registry` 1.51.0), so Agora addresses are never confused
	/// with another network's.
	pub const SS58_PREFIX: u16 = 4242;
}

/// The version of the marketplace API (`AgoraApi` and the `agora_*` RPC) this code
/// speaks. Bumped whenever a method is added or its answer changes shape or order.
/// 2: `agora_listServices` and `agora_listChannels` without a provider or consumer
/// answer in storage order, not id order.
pub const MARKETPLACE_API_VERSION: u32 = 2;

sp_api::decl_runtime_apis! {
	/// Read-only questions the node asks the runtime about the marketplace. It grows
	/// with the marketplace pallets; the `agora_*` RPC methods are served from it.
	pub trait AgoraApi {
		/// The [`MARKETPLACE_API_VERSION`] the runtime was built with, so that clients
		/// can tell what the chain (not just the node binary) understands.
		fn marketplace_api_version() -> u32;
	}
}
