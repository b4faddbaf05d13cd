//! A test runtime: System, Balances and this pallet; Root is the governance origin and the
//! treasury is a plain account.

use crate as pallet_governance;
use frame_support::{
	derive_impl, parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, ConstU64},
	weights::Weight,
};
use frame_system::EnsureRoot;
use pallet_governance::{GovernanceParameters, ParameterBounds};
use sp_runtime::{BuildStorage, Perbill};

pub use agora_test_config::{account, AccountId, Balance};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Governance: pallet_governance,
	}
);

#[derive_impl(agora_test_config::SystemTestConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

#[derive_impl(agora_test_config::BalancesTestConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

pub fn alice() -> AccountId {
	account(1)
}
pub fn bob() -> AccountId {
	account(2)
}
pub fn charlie() -> AccountId {
	account(3)
}
pub fn dave() -> AccountId {
	account(4)
}
pub fn treasury() -> AccountId {
	account(90)
}
pub fn pauper() -> AccountId {
	account(99)
}

pub const VOTING_PERIOD: u64 = 10;
pub const ENACTMENT_DELAY: u64 = 2;
pub const LOCKING_PERIOD: u64 = 5;
pub const PROPOSAL_DEPOSIT: Balance = 100;
pub const MAX_PROPOSAL_LEN: u32 = 64;
pub const MAX_LIVE: u32 = 3;
pub const MAX_VOTES: u32 = 3;

/// The mock's parameters: turnout 10 % of issuance, strictly more ayes than nays.
pub fn default_parameters() -> GovernanceParameters<Balance, u64> {
	GovernanceParameters {
		proposal_deposit: PROPOSAL_DEPOSIT,
		voting_period: VOTING_PERIOD,
		enactment_delay: ENACTMENT_DELAY,
		vote_locking_period: LOCKING_PERIOD,
		min_turnout: Perbill::from_percent(10),
		approval_threshold: Perbill::from_parts(500_000_001),
	}
}

pub const MAX_AMOUNT: Balance = 10_000;
pub const MAX_PERIOD: u64 = 1_000;
pub const MIN_VOTING_PERIOD: u64 = 2;
/// Stands for pallet-services' unbonding period: voting plus enactment stays below it.
pub const MAX_DECISION_TIME: u64 = 20;

/// The mock's bounds: amounts up to 10,000, periods up to 1,000 blocks, voting at least
/// 2 blocks, turnout 1 % to 50 %, approval between a strict majority and 90 %.
pub fn parameter_bounds() -> ParameterBounds<Balance, u64> {
	ParameterBounds {
		max_amount: MAX_AMOUNT,
		max_period: MAX_PERIOD,
		min_voting_period: MIN_VOTING_PERIOD,
		min_min_turnout: Perbill::from_percent(1),
		max_min_turnout: Perbill::from_percent(50),
		min_approval_threshold: Perbill::from_parts(500_000_001),
		max_approval_threshold: Perbill::from_percent(90),
	}
}

parameter_types! {
	pub TreasuryAccount: AccountId = treasury();
	pub DefaultParameters: GovernanceParameters<Balance, u64> = default_parameters();
	pub Bounds: ParameterBounds<Balance, u64> = parameter_bounds();
	pub static MaxLiveProposalsPerAccount: u32 = MAX_LIVE;
	pub static MaxCallWeight: Weight = Weight::from_parts(1_000_000_000, 1_000_000);
	/// Two maximum-weight calls per block.
	pub static MaxEnactmentWeight: Weight = Weight::from_parts(2_000_000_000, 2_000_000);
}

impl pallet_governance::Config for Test {
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type Treasury = TreasuryAccount;
	type OnCancel = ResolveTo<TreasuryAccount, Balances>;
	type DefaultParameters = DefaultParameters;
	type ParameterBounds = Bounds;
	type MaxDecisionTime = ConstU64<MAX_DECISION_TIME>;
	type MaxProposalLen = ConstU32<MAX_PROPOSAL_LEN>;
	type MaxCallWeight = MaxCallWeight;
	type MaxEnactmentWeight = MaxEnactmentWeight;
	type MaxLiveProposals = ConstU32<MAX_LIVE>;
	type MaxLiveProposalsPerAccount = MaxLiveProposalsPerAccount;
	type MaxVotesPerAccount = ConstU32<MAX_VOTES>;
	type WeightInfo = ();
}

pub const BALANCE: Balance = 1_000;
pub const TREASURY_BALANCE: Balance = 1_000;

/// Externalities at block 1: Alice, Bob, Charlie and Dave hold 1,000 each, the treasury
/// 1,000 (total issuance 5,000, so 500 is the minimum turnout).
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<_> = [alice(), bob(), charlie(), dave()]
		.into_iter()
		.map(|who| (who, BALANCE))
		.collect();
	balances.push((treasury(), TREASURY_BALANCE));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` in fresh externalities, then checks the pallet's invariants.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Governance::do_try_state().expect("invariants hold after the test");
	});
}
