//! A runtime with this pallet as `pallet-session`'s session manager: sessions of
//! `SESSION_LENGTH` blocks by default, and a session handler that records the authorities each
//! session starts with.

use crate as pallet_validators;
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	weights::constants::ParityDbWeight,
};
use frame_system::EnsureRoot;
use sp_runtime::{
	impl_opaque_keys,
	testing::UintAuthorityId,
	traits::{ConvertInto, OpaqueKeys},
	BuildStorage, KeyTypeId, RuntimeAppPublic,
};
use sp_staking::SessionIndex;

type Block = frame_system::mocking::MockBlock<Test>;

pub const SESSION_LENGTH: u64 = 5;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Validators: pallet_validators,
		Session: pallet_session,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type DbWeight = ParityDbWeight;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

impl pallet_validators::Config for Test {
	type GovernanceOrigin = EnsureRoot<u64>;
	type MaxValidators = ConstU32<4>;
	type MinValidators = ConstU32<2>;
	type DefaultSessionLength = ConstU64<SESSION_LENGTH>;
	type MinSessionLength = ConstU64<2>;
	type WeightInfo = ();
}

impl_opaque_keys! {
	pub struct MockSessionKeys {
		pub authority: UintAuthorityId,
	}
}

impl From<UintAuthorityId> for MockSessionKeys {
	fn from(authority: UintAuthorityId) -> Self {
		Self { authority }
	}
}

thread_local! {
	/// The authorities of each session the handler was told about, in order.
	pub static AUTHORITIES: RefCell<Vec<Vec<u64>>> = const { RefCell::new(Vec::new()) };
}

/// Stands in for Aura and GRANDPA: records who authors each new session.
pub struct RecordingSessionHandler;

impl pallet_session::SessionHandler<u64> for RecordingSessionHandler {
	const KEY_TYPE_IDS: &'static [KeyTypeId] = &[UintAuthorityId::ID];

	fn on_genesis_session<Ks: OpaqueKeys>(validators: &[(u64, Ks)]) {
		AUTHORITIES.with(|a| a.borrow_mut().push(validators.iter().map(|(v, _)| *v).collect()));
	}

	fn on_new_session<Ks: OpaqueKeys>(
		_changed: bool,
		validators: &[(u64, Ks)],
		_queued: &[(u64, Ks)],
	) {
		AUTHORITIES.with(|a| a.borrow_mut().push(validators.iter().map(|(v, _)| *v).collect()));
	}

	fn on_disabled(_validator_index: u32) {}
}

/// Sessions as long as the pallet's `SessionLength`.
pub type Sessions =
	pallet_session::PeriodicSessions<pallet_validators::CurrentSessionLength<Test>, ConstU64<0>>;

parameter_types! {
	pub const KeyDeposit: u64 = 10;
}

impl pallet_session::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = u64;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = Sessions;
	type NextSessionRotation = Sessions;
	type SessionManager = Validators;
	type SessionHandler = RecordingSessionHandler;
	type Keys = MockSessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = ();
	type Currency = Balances;
	type KeyDeposit = KeyDeposit;
}

/// Accounts 1–3 validate from genesis with keys set; 4 and 5 are funded, keyless.
pub fn new_test_ext() -> sp_io::TestExternalities {
	AUTHORITIES.with(|a| a.borrow_mut().clear());
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=5).map(|who| (who, 1_000)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_validators::GenesisConfig::<Test> { validators: vec![1, 2, 3], session_length: None }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_session::GenesisConfig::<Test> {
		keys: (1..=3).map(|who| (who, who, UintAuthorityId(who).into())).collect(),
		non_authority_keys: vec![],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs blocks up to and including `n`, rotating sessions on the way.
pub fn run_to_block(n: u64) {
	System::run_to_block::<AllPalletsWithSystem>(n);
}

/// The session index and its authorities now.
pub fn session() -> (SessionIndex, Vec<u64>) {
	(Session::current_index(), Session::validators())
}
