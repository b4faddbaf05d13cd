//! A runtime with this pallet as `pallet-session`'s session manager: sessions of
//! `SESSION_LENGTH` blocks by default, a session handler that records the authorities each
//! session starts with, and `pallet-authorship` told each block's author by the test
//! ([`set_author`]).

use crate as pallet_validators;
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, FindAuthor},
	weights::constants::ParityDbWeight,
};
use frame_system::EnsureRoot;
use sp_runtime::{
	impl_opaque_keys,
	testing::UintAuthorityId,
	traits::{ConvertInto, OpaqueKeys},
	BuildStorage, ConsensusEngineId, KeyTypeId, Perbill, RuntimeAppPublic,
};
use sp_staking::SessionIndex;

type Block = frame_system::mocking::MockBlock<Test>;

pub const SESSION_LENGTH: u64 = 5;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Validators: pallet_validators,
		Authorship: pallet_authorship,
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
	/// Above 1, so that a small fee share cannot open an account.
	type ExistentialDeposit = ConstU64<5>;
}

/// The treasury's account.
pub const TREASURY: u64 = 99;
/// Blocks in the mock's year: a session of 5 blocks mints 1/200 of the yearly inflation.
pub const BLOCKS_PER_YEAR: u32 = 1_000;

parameter_types! {
	pub const Treasury: u64 = TREASURY;
	pub const MaxYearlyInflation: Perbill = Perbill::from_percent(20);
	pub DefaultParameters: pallet_validators::ValidatorParameters =
		pallet_validators::ValidatorParameters {
			author_fee_share: Perbill::from_percent(20),
			author_tip_share: Perbill::from_percent(100),
			yearly_inflation: Perbill::from_percent(10),
			treasury_issuance_share: Perbill::from_percent(20),
			offline_after_sessions: 2,
			remove_offline: false,
			remove_offenders: true,
		};
}

impl pallet_validators::Config for Test {
	type NativeBalance = Balances;
	type Treasury = Treasury;
	type BlocksPerYear = ConstU32<BLOCKS_PER_YEAR>;
	type MaxYearlyInflation = MaxYearlyInflation;
	type DefaultParameters = DefaultParameters;
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
	/// Who authors the blocks the test runs (none: an unknown author).
	pub static AUTHOR: RefCell<Option<u64>> = const { RefCell::new(None) };
}

/// Makes `who` the author of the blocks run from now on.
pub fn set_author(who: Option<u64>) {
	AUTHOR.with(|a| *a.borrow_mut() = who);
}

/// Finds the author the test set, as Aura finds it in the digest.
pub struct TestAuthor;

impl FindAuthor<u64> for TestAuthor {
	fn find_author<'a, I>(_digests: I) -> Option<u64>
	where
		I: 'a + IntoIterator<Item = (ConsensusEngineId, &'a [u8])>,
	{
		AUTHOR.with(|a| *a.borrow())
	}
}

impl pallet_authorship::Config for Test {
	type FindAuthor = TestAuthor;
	type EventHandler = Validators;
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
	/// At most (3 − 1) / 2 = one of the mock's three validators disabled at a time.
	type DisablingStrategy = pallet_session::disabling::UpToLimitDisablingStrategy<2>;
	type WeightInfo = ();
	type Currency = Balances;
	type KeyDeposit = KeyDeposit;
}

/// Accounts 1–3 validate from genesis with keys set; 4 and 5 are funded, keyless.
pub fn new_test_ext() -> sp_io::TestExternalities {
	AUTHORITIES.with(|a| a.borrow_mut().clear());
	set_author(None);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=5).map(|who| (who, 1_000_000)).chain([(TREASURY, 5)]).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_validators::GenesisConfig::<Test> {
		validators: vec![1, 2, 3],
		session_length: None,
		parameters: None,
	}
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

/// Runs one block per entry of `authors`, each authored by it (`None`: no known author).
pub fn run_authored(authors: &[Option<u64>]) {
	for author in authors {
		set_author(*author);
		run_to_block(System::block_number() + 1);
	}
}

/// The session index and its authorities now.
pub fn session() -> (SessionIndex, Vec<u64>) {
	(Session::current_index(), Session::validators())
}
