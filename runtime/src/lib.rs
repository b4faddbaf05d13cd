//! # Agora runtime
//!
//! The FRAME runtime of the Agora chain, compiled to WASM and executed by `agora-node`.
//!
//! - [`configs`]: the configuration of every pallet;
//! - [`apis`]: the runtime APIs the node and RPC call into;
//! - [`genesis_config_presets`]: the `development` and `local_testnet` genesis states.
//!
//! Pallet indices 0–9 hold the chain's machinery; 10–13 belong to the marketplace pallets
//! (Services, Metering, Rewards, Governance) so that adding them never
//! moves the existing pallets' indices, which transaction encodings depend on.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`-generated code trips this lint on recent rustc.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
pub mod migrations;
#[cfg(test)]
mod tests;
pub mod weights;

extern crate alloc;

use alloc::vec::Vec;

use sp_runtime::{generic, impl_opaque_keys, traits::BlakeTwo256, MultiAddress};
use sp_version::RuntimeVersion;

pub use agora_primitives::{
	token::{AGR, MICRO_AGR, MILLI_AGR},
	AccountId, Balance, BlockNumber, Hash, Nonce, Signature,
};
pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Opaque types, used by the node to handle blocks without knowing the runtime's types,
/// so that it keeps syncing across runtime upgrades that change those types.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The keys a validator registers: Aura for authoring, GRANDPA for finality.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// Declares `VERSION` with the given `spec_version` and `transaction_version`.
/// `#[runtime_version]` embeds the version in the WASM and only accepts literals, so the
/// `upgrade-test` build passes its own literals through this macro.
macro_rules! agora_runtime_version {
	($spec_version:tt, $transaction_version:tt) => {
		#[sp_version::runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: alloc::borrow::Cow::Borrowed("agora"),
			impl_name: alloc::borrow::Cow::Borrowed("agora"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 1,
			apis: apis::RUNTIME_API_VERSIONS,
			// Bump when the encoding of existing calls or transaction extensions changes.
			// 2: `metering.open_channel` takes the agreed price.
			// 3: each pallet sets its own parameters; `governance.set_parameters` changes
			// only governance's.
			transaction_version: $transaction_version,
			system_version: 1,
		};
	};
}

// Bump on every change of the runtime's logic; polkadot.js and the node compare it.
#[cfg(not(feature = "upgrade-test"))]
agora_runtime_version!(105, 3);
// One version ahead, so the end-to-end tests enact a real upgrade through governance
// (built by `build.rs` beside the real one). Never deployed. It moves Metering (see
// `agora_runtime_pallets!`), which changes how its calls encode: a transaction version too.
#[cfg(feature = "upgrade-test")]
agora_runtime_version!(106, 4);

/// Target block time. Blocks are authored at most once per Aura slot of this length.
pub const MILLI_SECS_PER_BLOCK: u64 = 6000;

/// The Aura slot length. It cannot change once the chain runs: that would stall authoring.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// Blocks per minute, hour and day, for periods expressed in blocks.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;
/// Blocks in a year of 365.25 days: what the yearly inflation is minted over.
pub const YEARS: BlockNumber = DAYS * 36_525 / 100;

/// The smallest balance an account may hold: below it the account is reaped. One
/// thousandth of an AGR keeps dust accounts out of state while staying negligible.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_AGR;

/// The address format of transactions.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The transaction extensions: what a signed transaction carries besides its call, in the
/// order of the current solochain template so that polkadot.js signs without custom types.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to run on the next runtime upgrade, besides the pallets' own. Each runs
/// only from the storage version it migrates.
type Migrations = (
	migrations::ClearVoteFreezes,
	migrations::UpgradeTest,
	pallet_governance::migrations::v1::MigrateToV1<Runtime>,
	migrations::SplitParameters,
	pallet_metering::migrations::v1::MigrateToV1<Runtime>,
	pallet_metering::migrations::v2::MigrateToV2<Runtime>,
	pallet_services::migrations::v1::MigrateToV1<Runtime>,
	pallet_rewards::migrations::v1::MigrateToV1<Runtime>,
);

/// Executive: dispatches blocks and transactions to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// Declares the runtime's pallets, Metering at index `$metering_index`: `#[runtime]` takes
/// only literal indices, and the `upgrade-test` build moves Metering (11 → 16) so that the
/// end-to-end tests prove that clients reading the metadata (`agora-gateway` through
/// `agora-tx`, polkadot.js) follow a pallet that moved. Its holds move with it
/// ([`migrations::MoveMeteringHolds`]).
macro_rules! agora_runtime_pallets {
	($metering_index:tt) => {
		#[frame_support::runtime]
		mod runtime {
			#[runtime::runtime]
			#[runtime::derive(
				RuntimeCall,
				RuntimeEvent,
				RuntimeError,
				RuntimeOrigin,
				RuntimeFreezeReason,
				RuntimeHoldReason,
				RuntimeSlashReason,
				RuntimeLockId,
				RuntimeTask,
				RuntimeViewFunction
			)]
			pub struct Runtime;

			#[runtime::pallet_index(0)]
			pub type System = frame_system;

			#[runtime::pallet_index(1)]
			pub type Timestamp = pallet_timestamp;

			#[runtime::pallet_index(2)]
			pub type Aura = pallet_aura;

			#[runtime::pallet_index(3)]
			pub type Grandpa = pallet_grandpa;

			#[runtime::pallet_index(4)]
			pub type Balances = pallet_balances;

			#[runtime::pallet_index(5)]
			pub type TransactionPayment = pallet_transaction_payment;

			#[runtime::pallet_index(6)]
			pub type Sudo = pallet_sudo;

			#[runtime::pallet_index(7)]
			pub type Utility = pallet_utility;

			// Before Session: each block's author is found (and counted for its session)
			// while the session that authored it is still current.
			#[runtime::pallet_index(8)]
			pub type Authorship = pallet_authorship;

			#[runtime::pallet_index(10)]
			pub type Services = pallet_services;

			#[runtime::pallet_index($metering_index)]
			pub type Metering = pallet_metering;

			#[runtime::pallet_index(12)]
			pub type Rewards = pallet_rewards;

			#[runtime::pallet_index(13)]
			pub type Governance = pallet_governance;

			// Validators before Session: Session's genesis asks Validators for the first set.
			#[runtime::pallet_index(14)]
			pub type Validators = pallet_validators;

			#[runtime::pallet_index(15)]
			pub type Session = pallet_session;

			// 16 is Metering's in the upgrade-test runtime.
			#[runtime::pallet_index(17)]
			pub type Historical = pallet_session::historical;

			#[runtime::pallet_index(18)]
			pub type Offences = pallet_offences;
		}
	};
}

#[cfg(not(feature = "upgrade-test"))]
agora_runtime_pallets!(11);
#[cfg(feature = "upgrade-test")]
agora_runtime_pallets!(16);
