//! The configuration every Agora pallet's test runtime shares, and the test helpers
//! more than one pallet needs.
//!
//! The pallets that move AGR test against accounts and balances shaped like the real
//! runtime's: 32-byte account ids looked up as themselves, `u128` balances and an
//! existential deposit of one planck. Their mocks derive `frame_system::Config` and
//! `pallet_balances::Config` from the preludes here and set only what is theirs:
//!
//! ```ignore
//! #[derive_impl(agora_test_config::SystemTestConfig)]
//! impl frame_system::Config for Test {
//!     type Block = frame_system::mocking::MockBlock<Test>;
//! }
//!
//! #[derive_impl(agora_test_config::BalancesTestConfig)]
//! impl pallet_balances::Config for Test {
//!     type AccountStore = System;
//!     type RuntimeHoldReason = RuntimeHoldReason;
//! }
//! ```

// `derive_impl` resolves the prelude's paths from this crate's root.
#[doc(hidden)]
pub use {frame_system, pallet_balances};

use frame_support::{
	derive_impl,
	pallet_prelude::{inject_runtime_type, register_default_impl},
	traits::ConstU128,
};
use sp_runtime::{traits::IdentityLookup, AccountId32};

/// Accounts of the test runtimes, 32 bytes as on the chain.
pub type AccountId = AccountId32;

/// Balances of the test runtimes, planck as on the chain.
pub type Balance = u128;

/// The test runtimes' existential deposit.
pub const EXISTENTIAL_DEPOSIT: Balance = 1;

/// The account whose 32 bytes are all `byte`: tests name their actors with these.
pub fn account(byte: u8) -> AccountId {
	AccountId32::new([byte; 32])
}

/// `frame_system`'s test defaults with [`AccountId`]s and `pallet_balances` account data.
pub struct SystemTestConfig;

#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
#[register_default_impl(SystemTestConfig)]
impl frame_system::DefaultConfig for SystemTestConfig {
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

/// `pallet_balances`' test defaults with [`Balance`] and [`EXISTENTIAL_DEPOSIT`].
pub struct BalancesTestConfig;

#[derive_impl(SystemTestConfig, no_aggregated_types)]
impl frame_system::DefaultConfig for BalancesTestConfig {}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig, no_aggregated_types)]
#[register_default_impl(BalancesTestConfig)]
impl pallet_balances::DefaultConfig for BalancesTestConfig {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
}

/// Every id a client sees walking pages of at most `size` from the first, each page asked
/// for with the last id of the one before (`page(start_after)`); sorted, duplicates kept,
/// so a test sees both an id served twice and one never served.
pub fn walk_pages<Id: Ord + Copy>(
	size: u32,
	mut page: impl FnMut(Option<Id>) -> Vec<Id>,
) -> Vec<Id> {
	let mut seen = Vec::new();
	let mut after = None;
	loop {
		let ids = page(after);
		assert!(ids.len() <= size as usize, "a page holds at most its limit");
		let Some(last) = ids.last() else { break };
		after = Some(*last);
		seen.extend(ids);
	}
	seen.sort_unstable();
	seen
}
