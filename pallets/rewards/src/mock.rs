//! A test runtime: System, Balances and this pallet; Root is the governance origin and the
//! treasury is a plain account.

use crate as pallet_rewards;
use agora_primitives::{DatasetId, RevenueSink};
use frame_support::{
	derive_impl, parameter_types,
	traits::{
		fungible::Balanced,
		tokens::{imbalance::ResolveTo, Fortitude, Precision, Preservation},
		ConstU128, ConstU32,
	},
	PalletId,
};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

pub use agora_test_config::{account, AccountId, Balance};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Rewards: pallet_rewards,
	}
);

#[derive_impl(agora_test_config::SystemTestConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

pub const ED: Balance = agora_test_config::EXISTENTIAL_DEPOSIT;

#[derive_impl(agora_test_config::BalancesTestConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

pub fn curator() -> AccountId {
	account(1)
}
pub fn alice() -> AccountId {
	account(2)
}
pub fn bob() -> AccountId {
	account(3)
}
pub fn charlie() -> AccountId {
	account(4)
}
pub fn sponsor() -> AccountId {
	account(5)
}
pub fn reviewer(i: u8) -> AccountId {
	account(10 + i)
}
/// Pays settlement revenue in the tests, as pallet-metering would from a consumer's hold.
pub fn payer() -> AccountId {
	account(80)
}
pub fn treasury() -> AccountId {
	account(90)
}
/// An account with nothing.
pub fn pauper() -> AccountId {
	account(99)
}

pub const DATASET_DEPOSIT: Balance = 10;
pub const CONTRIBUTION_DEPOSIT: Balance = 5;
pub const SUBMISSION_DEPOSIT: Balance = 3;
pub const MIN_CAMPAIGN_BUDGET: Balance = 100;
pub const MAX_NAME_LEN: u32 = 16;
pub const MAX_URI_LEN: u32 = 32;
pub const MAX_PENDING_PER_DATASET: u32 = 3;
pub const MAX_PENDING_PER_CONTRIBUTOR: u32 = 2;
pub const MAX_REVIEWERS: u32 = 4;
pub const MAX_PENDING_SUBMISSIONS: u32 = 3;

pub const MAX_PARAMETER_AMOUNT: Balance = 1_000;

parameter_types! {
	pub const RewardsPalletId: PalletId = PalletId(*b"agr/rwds");
	pub TreasuryAccount: AccountId = treasury();
	pub MockParameters: pallet_rewards::ParametersOf<Test> = pallet_rewards::RewardParameters {
		dataset_deposit: DATASET_DEPOSIT,
		contribution_deposit: CONTRIBUTION_DEPOSIT,
		submission_deposit: SUBMISSION_DEPOSIT,
	};
}

impl pallet_rewards::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type PalletId = RewardsPalletId;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type Treasury = TreasuryAccount;
	type OnUnassignedRevenue = ResolveTo<TreasuryAccount, Balances>;
	type DefaultParameters = MockParameters;
	type MaxParameterAmount = ConstU128<MAX_PARAMETER_AMOUNT>;
	type MinCampaignBudget = ConstU128<MIN_CAMPAIGN_BUDGET>;
	type MaxNameLen = ConstU32<MAX_NAME_LEN>;
	type MaxUriLen = ConstU32<MAX_URI_LEN>;
	type MaxPendingPerDataset = ConstU32<MAX_PENDING_PER_DATASET>;
	type MaxPendingPerContributor = ConstU32<MAX_PENDING_PER_CONTRIBUTOR>;
	type MaxReviewers = ConstU32<MAX_REVIEWERS>;
	type MaxPendingSubmissions = ConstU32<MAX_PENDING_SUBMISSIONS>;
	type WeightInfo = ();
}

pub const INITIAL_BALANCE: Balance = 1_000_000;

/// Externalities at block 1 with every named account but [`pauper`] endowed and the
/// pallet account given its existential deposit by the pallet's genesis.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut endowed = vec![curator(), alice(), bob(), charlie(), sponsor(), payer(), treasury()];
	endowed.extend((0..=MAX_REVIEWERS as u8).map(reviewer));
	pallet_balances::GenesisConfig::<Test> {
		balances: endowed.into_iter().map(|who| (who, INITIAL_BALANCE)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_rewards::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` in fresh externalities, then checks the pallet's invariants and that the
/// pallet account holds exactly what it owes plus its existential deposit.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		check_invariants();
	});
}

/// `try_state`, and the pallet account's balance to the planck (no test donates to it).
pub fn check_invariants() {
	Rewards::do_try_state().expect("invariants hold");
	assert_eq!(Balances::free_balance(Rewards::account_id()), Rewards::total_owed() + ED);
}

/// Settlement revenue for `dataset`: taken from [`payer`] and handed to the pallet the way
/// pallet-metering does.
pub fn pay_revenue(dataset: DatasetId, amount: Balance) {
	let credit = <Balances as Balanced<AccountId>>::withdraw(
		&payer(),
		amount,
		Precision::Exact,
		Preservation::Preserve,
		Fortitude::Polite,
	)
	.expect("the payer has funds");
	<Rewards as RevenueSink<_>>::on_revenue(dataset, credit);
}
