//! A test runtime: System, Balances and this pallet, with simple stand-ins for
//! pallet-metering (a settable paid-usage table and open-channel counts).

use crate as pallet_services;
use agora_primitives::{ChannelsOfService, DatasetId, DatasetInspect, PaidUsage, ServiceId};
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::Credit, ConstU32, ConstU64, OnUnbalanced},
};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;
use std::collections::BTreeMap;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Services: pallet_services,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = ConstU64<1>;
	type RuntimeHoldReason = RuntimeHoldReason;
}

/// The account slashed bonds are paid to (the treasury in the real runtime).
pub const SLASH_SINK: AccountId = 99;

/// Sends slashed funds to [`SLASH_SINK`].
pub struct SlashToSink;
impl OnUnbalanced<Credit<AccountId, Balances>> for SlashToSink {
	fn on_nonzero_unbalanced(credit: Credit<AccountId, Balances>) {
		use frame_support::traits::fungible::Balanced;
		let _ = <Balances as Balanced<AccountId>>::resolve(&SLASH_SINK, credit);
	}
}

thread_local! {
	static PAID: RefCell<BTreeMap<(AccountId, ServiceId), Balance>> = RefCell::new(BTreeMap::new());
	static OPEN_CHANNELS: RefCell<BTreeMap<ServiceId, u32>> = RefCell::new(BTreeMap::new());
}

/// Stand-in for pallet-metering's paid totals.
pub struct MockMetering;
impl MockMetering {
	pub fn record_paid(who: AccountId, service: ServiceId, amount: Balance) {
		PAID.with(|paid| paid.borrow_mut().insert((who, service), amount));
	}
	pub fn set_open_channels(service: ServiceId, count: u32) {
		OPEN_CHANNELS.with(|open| open.borrow_mut().insert(service, count));
	}
}
impl PaidUsage<AccountId, Balance> for MockMetering {
	fn paid(who: &AccountId, service: ServiceId) -> Balance {
		PAID.with(|paid| paid.borrow().get(&(*who, service)).copied().unwrap_or_default())
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_paid(who: &AccountId, service: ServiceId, amount: Balance) {
		Self::record_paid(*who, service, amount);
	}
}
impl ChannelsOfService for MockMetering {
	fn open_channels(service: ServiceId) -> u32 {
		OPEN_CHANNELS.with(|open| open.borrow().get(&service).copied().unwrap_or_default())
	}
}

/// Stand-in for pallet-rewards: datasets 0 to [`MAX_DATASET`] exist.
pub struct MockDatasets;
pub const MAX_DATASET: DatasetId = 9;
impl DatasetInspect for MockDatasets {
	fn dataset_exists(id: DatasetId) -> bool {
		id <= MAX_DATASET
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_dataset() -> DatasetId {
		MAX_DATASET
	}
}

pub const MIN_BOND: Balance = 100;
pub const SERVICE_DEPOSIT: Balance = 10;
pub const MIN_SPEND_TO_RATE: Balance = 50;
pub const UNBONDING_PERIOD: u64 = 10;
pub const MAX_SERVICES: u32 = 3;
pub const MAX_CHUNKS: u32 = 2;
pub const MAX_PARAMETER_AMOUNT: Balance = 1_000;
pub const MAX_UNBONDING_PERIOD: u64 = 100;
pub const SLASH_DELAY: u64 = 5;

parameter_types! {
	pub MockParameters: pallet_services::ParametersOf<Test> = pallet_services::ServiceParameters {
		min_provider_bond: MIN_BOND,
		service_deposit: SERVICE_DEPOSIT,
		min_spend_to_rate: MIN_SPEND_TO_RATE,
		unbonding_period: UNBONDING_PERIOD,
	};
}

impl pallet_services::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type OnSlash = SlashToSink;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type PaidUsage = MockMetering;
	type Channels = MockMetering;
	type Datasets = MockDatasets;
	type DefaultParameters = MockParameters;
	type MaxParameterAmount = ConstU64<MAX_PARAMETER_AMOUNT>;
	type MaxUnbondingPeriod = ConstU64<MAX_UNBONDING_PERIOD>;
	type SlashDelay = ConstU64<SLASH_DELAY>;
	type MaxNameLen = ConstU32<16>;
	type MaxTags = ConstU32<3>;
	type MaxTagLen = ConstU32<8>;
	type MaxUriLen = ConstU32<32>;
	type MaxUnbondingChunks = ConstU32<MAX_CHUNKS>;
	type MaxServicesPerProvider = ConstU32<MAX_SERVICES>;
	type WeightInfo = ();
}

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
pub const DAVE: AccountId = 4;
pub const INITIAL_BALANCE: Balance = 10_000;

/// Externalities with ALICE, BOB, CHARLIE and DAVE endowed with [`INITIAL_BALANCE`],
/// the slash sink alive, at block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	PAID.with(|paid| paid.borrow_mut().clear());
	OPEN_CHANNELS.with(|open| open.borrow_mut().clear());
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(ALICE, INITIAL_BALANCE),
			(BOB, INITIAL_BALANCE),
			(CHARLIE, INITIAL_BALANCE),
			(DAVE, INITIAL_BALANCE),
			(SLASH_SINK, 1),
		],
		..Default::default()
	}
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
		Services::do_try_state().expect("invariants hold after the test");
	});
}
