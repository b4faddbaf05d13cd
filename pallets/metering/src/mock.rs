//! A test runtime: System, Balances and this pallet, with a settable service registry,
//! the treasury and a single dataset pool as plain accounts.

use crate as pallet_metering;
use agora_primitives::{
	DatasetId, Price, PriceUnit, RevenueSink, ServiceId, ServiceInspect, ServiceStatus,
	ServiceTerms,
};
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{
		fungible::{Balanced, Credit},
		tokens::imbalance::ResolveTo,
		ConstU128, ConstU32, ConstU64, Imbalance,
	},
};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{BuildStorage, Perbill};
use std::collections::BTreeMap;

pub use agora_test_config::{account, AccountId, Balance};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Metering: pallet_metering,
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

pub fn consumer() -> AccountId {
	account(1)
}
pub fn provider() -> AccountId {
	account(2)
}
pub fn other() -> AccountId {
	account(3)
}
pub fn treasury() -> AccountId {
	account(90)
}
pub fn pool() -> AccountId {
	account(91)
}

parameter_types! {
	pub TreasuryAccount: AccountId = treasury();
}

thread_local! {
	static SERVICES: RefCell<BTreeMap<ServiceId, ServiceTerms<AccountId, Balance>>> = RefCell::new(BTreeMap::new());
	static REVENUE: RefCell<Vec<(DatasetId, Balance)>> = RefCell::new(Vec::new());
	#[cfg(feature = "runtime-benchmarks")]
	static NEXT_DATASET: core::cell::Cell<DatasetId> = const { core::cell::Cell::new(100) };
}

/// Stand-in for pallet-services.
pub struct MockServices;
impl MockServices {
	/// Service `id` of [`provider`].
	pub fn set(
		id: ServiceId,
		per_unit: Balance,
		share: Perbill,
		dataset: Option<DatasetId>,
		status: ServiceStatus,
	) {
		Self::set_of(provider(), id, per_unit, share, dataset, status);
	}

	/// Service `id` of `provider`.
	pub fn set_of(
		provider: AccountId,
		id: ServiceId,
		per_unit: Balance,
		share: Perbill,
		dataset: Option<DatasetId>,
		status: ServiceStatus,
	) {
		let terms = ServiceTerms {
			provider,
			price: Price { unit: PriceUnit::Token1k, per_unit },
			contributor_share: share,
			dataset,
			status,
		};
		SERVICES.with(|services| services.borrow_mut().insert(id, terms));
	}
}
impl ServiceInspect<AccountId, Balance> for MockServices {
	fn service_terms(id: ServiceId) -> Option<ServiceTerms<AccountId, Balance>> {
		SERVICES.with(|services| services.borrow().get(&id).cloned())
	}
}

/// Stand-in for pallet-rewards: every dataset's revenue lands in [`pool`], and each
/// delivery is logged.
pub struct PoolSink;
impl RevenueSink<Credit<AccountId, Balances>> for PoolSink {
	fn on_revenue(dataset: DatasetId, revenue: Credit<AccountId, Balances>) {
		REVENUE.with(|log| log.borrow_mut().push((dataset, revenue.peek())));
		let _ = <Balances as Balanced<AccountId>>::resolve(&pool(), revenue);
	}
}

/// The revenue deliveries so far: `(dataset, amount)`.
pub fn revenue_log() -> Vec<(DatasetId, Balance)> {
	REVENUE.with(|log| log.borrow().clone())
}

#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, Balance> for MockBenchmarkHelper {
	fn active_service(provider: &AccountId, price_per_unit: Balance) -> ServiceId {
		MockServices::set_of(
			provider.clone(),
			0,
			price_per_unit,
			Perbill::from_percent(10),
			Some(1),
			ServiceStatus::Active,
		);
		0
	}

	/// A fresh id each time: the mock's sink pays every dataset into one pool account.
	fn dataset() -> DatasetId {
		NEXT_DATASET.with(|next| next.replace(next.get() + 1))
	}
}

pub const MIN_DEPOSIT: Balance = 100;
pub const MAX_DURATION: u64 = 100;
pub const MAX_CHANNELS: u32 = 3;
pub const MAX_BATCH: u32 = 8;

pub const MAX_PARAMETER_AMOUNT: Balance = 10_000;
pub const PROTOCOL_FEE: Perbill = Perbill::from_percent(3);
pub const MAX_PROTOCOL_FEE: Perbill = Perbill::from_percent(50);

parameter_types! {
	pub MockParameters: pallet_metering::ParametersOf<Test> = pallet_metering::MeteringParameters {
		protocol_fee: PROTOCOL_FEE,
		min_channel_deposit: MIN_DEPOSIT,
	};
	pub const MaxProtocolFee: Perbill = MAX_PROTOCOL_FEE;
}

impl pallet_metering::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Services = MockServices;
	type OnProtocolFee = ResolveTo<TreasuryAccount, Balances>;
	type RevenueSink = PoolSink;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type DefaultParameters = MockParameters;
	type MaxParameterAmount = ConstU128<MAX_PARAMETER_AMOUNT>;
	type MaxProtocolFee = MaxProtocolFee;
	type MaxChannelDuration = ConstU64<MAX_DURATION>;
	type MaxChannelsPerConsumer = ConstU32<MAX_CHANNELS>;
	type MaxClaimsPerBatch = ConstU32<MAX_BATCH>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

pub const INITIAL_BALANCE: Balance = 1_000_000;

/// Externalities with the consumer, provider and another account endowed, treasury and
/// pool alive, a keystore for signing, at block 1; service 0 is Active at 10 per unit
/// with a 10 % share for dataset 7, service 1 likewise without a dataset.
pub fn new_test_ext() -> sp_io::TestExternalities {
	SERVICES.with(|services| services.borrow_mut().clear());
	REVENUE.with(|log| log.borrow_mut().clear());
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(consumer(), INITIAL_BALANCE),
			(provider(), INITIAL_BALANCE),
			(other(), INITIAL_BALANCE),
			(treasury(), 1),
			(pool(), 1),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| {
		System::set_block_number(1);
		MockServices::set(0, 10, Perbill::from_percent(10), Some(7), ServiceStatus::Active);
		MockServices::set(1, 10, Perbill::zero(), None, ServiceStatus::Active);
	});
	ext
}

/// Runs `test` in fresh externalities, then checks the pallet's invariants.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Metering::do_try_state().expect("invariants hold after the test");
	});
}
