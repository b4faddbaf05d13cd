//! The configuration of every pallet in the runtime.

use alloc::vec::Vec;
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf},
	weights::{constants::WEIGHT_REF_TIME_PER_SECOND, ConstantMultiplier, IdentityFee, Weight},
};
use frame_support::{traits::tokens::imbalance::ResolveTo, PalletId};
use frame_system::limits::{BlockLength, BlockWeights};
use frame_system::EnsureRoot;
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{AccountIdConversion, ConvertInto, One, OpaqueKeys},
	Perbill,
};
use sp_staking::SessionIndex;
use sp_version::RuntimeVersion;

use super::{
	weights::{self, BlockExecutionWeight, ExtrinsicBaseWeight, ParityDbWeight},
	AccountId, Aura, Balance, Balances, Block, BlockNumber, Hash, Historical, Metering, Nonce,
	Offences, OriginCaller, PalletInfo, Rewards, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask, Services, Session,
	SessionKeys, System, UncheckedExtrinsic, Validators, AGR, DAYS, EXISTENTIAL_DEPOSIT, HOURS,
	MICRO_AGR, SLOT_DURATION, VERSION, YEARS,
};

/// Share of a block's weight and length that ordinary (non-operational) transactions may use.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;

	/// Two seconds of compute per six-second block, of which normal transactions may use
	/// 75 % and operational ones the rest. The base weights of a block and of an extrinsic
	/// are this runtime's own (`benchmark overhead`); every block also pays for reading
	/// and committing the hot accounts once (see [`HotAccounts`]).
	pub RuntimeBlockWeights: BlockWeights = {
		let max_block = Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX);
		let normal = NORMAL_DISPATCH_RATIO * max_block;
		BlockWeights::builder()
			.base_block(BlockExecutionWeight::get().saturating_add(hot_accounts_weight()))
			.for_class(DispatchClass::all(), |class| class.base_extrinsic = ExtrinsicBaseWeight::get())
			.for_class(DispatchClass::Normal, |class| class.max_total = Some(normal))
			.for_class(DispatchClass::Operational, |class| {
				class.max_total = Some(max_block);
				class.reserved = Some(max_block - normal);
			})
			.avg_block_initialization(Perbill::from_percent(10))
			.build_or_panic()
	};
	/// 5 MiB per block, of which normal transactions may fill 75 %.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	pub const SS58Prefix: u16 = agora_primitives::token::SS58_PREFIX;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores state in ParityDB (RocksDB is not even compiled): storage accesses
	/// are priced with what `benchmark storage` measured of ParityDB on this chain's state.
	type DbWeight = ParityDbWeight;
	type SystemWeightInfo = weights::frame_system::WeightInfo<Runtime>;
	type ExtensionsWeightInfo = weights::frame_system_extensions::WeightInfo<Runtime>;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = Session;
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

/// How many sessions back an equivocation can be proven: the sessions whose validator
/// roots `Historical` keeps, and whose GRANDPA set ids `Grandpa` maps to them. A day of
/// hour-long sessions; a node reports an equivocation as soon as it sees it.
pub const KEPT_SESSIONS: u32 = 24;

parameter_types! {
	/// How long an equivocation report may wait in the pool: the kept sessions.
	pub const ReportLongevity: u64 = KEPT_SESSIONS as u64 * HOURS as u64;
}

/// GRANDPA equivocations are reported (unsigned, by the node that sees them, or signed by
/// anyone), proven against the offender's session keys of that session (`Historical`),
/// and handed to `Offences`, whose handler (pallet-validators) disables and removes the
/// offender. Its calls keep pallet-grandpa's own weights: priced for RocksDB and 100
/// validators, they over-charge this chain (docs/benchmarks.md).
impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<{ KEPT_SESSIONS as u64 }>;
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem =
		pallet_grandpa::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

/// Validators hold no stake: a validator's full identification is nothing more than its
/// id, for every validator.
pub struct NoIdentification;

impl sp_runtime::traits::Convert<AccountId, Option<()>> for NoIdentification {
	fn convert(_validator: AccountId) -> Option<()> {
		Some(())
	}
}

/// The root of each session's validators and their keys, for `KEPT_SESSIONS` sessions:
/// what a key-ownership proof of a past session is checked against.
impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = NoIdentification;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	type OnOffenceHandler = Validators;
}

/// Unsigned extrinsics the runtime makes itself: GRANDPA's equivocation reports.
impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateBare<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}

/// pallet-validators as `pallet-session`'s session manager, with each session's root
/// noted for `Historical` and roots older than `KEPT_SESSIONS` pruned.
pub struct ValidatorsWithHistory;

impl pallet_session::SessionManager<AccountId> for ValidatorsWithHistory {
	fn new_session(new_index: SessionIndex) -> Option<Vec<AccountId>> {
		<Validators as pallet_session::SessionManager<_>>::new_session(new_index)
	}

	fn new_session_genesis(new_index: SessionIndex) -> Option<Vec<AccountId>> {
		<Validators as pallet_session::SessionManager<_>>::new_session_genesis(new_index)
	}

	fn start_session(start_index: SessionIndex) {
		<Validators as pallet_session::SessionManager<_>>::start_session(start_index);
		Historical::prune_up_to(start_index.saturating_sub(KEPT_SESSIONS));
	}

	fn end_session(end_index: SessionIndex) {
		<Validators as pallet_session::SessionManager<_>>::end_session(end_index)
	}
}

impl pallet_session::historical::SessionManager<AccountId, ()> for ValidatorsWithHistory {
	fn new_session(new_index: SessionIndex) -> Option<Vec<(AccountId, ())>> {
		<Self as pallet_session::SessionManager<_>>::new_session(new_index)
			.map(|validators| validators.into_iter().map(|who| (who, ())).collect())
	}

	fn new_session_genesis(new_index: SessionIndex) -> Option<Vec<(AccountId, ())>> {
		<Self as pallet_session::SessionManager<_>>::new_session_genesis(new_index)
			.map(|validators| validators.into_iter().map(|who| (who, ())).collect())
	}

	fn start_session(start_index: SessionIndex) {
		<Self as pallet_session::SessionManager<_>>::start_session(start_index)
	}

	fn end_session(end_index: SessionIndex) {
		<Self as pallet_session::SessionManager<_>>::end_session(end_index)
	}
}

/// Each block's author: the validator of the session at the index Aura's pre-digest
/// names. Its blocks are counted for its session's issuance and it is paid its share of
/// the block's fees (pallet-validators).
impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
	type EventHandler = Validators;
}

/// Sessions as long as pallet-validators' `SessionLength`, from block 0.
type Sessions =
	pallet_session::PeriodicSessions<pallet_validators::CurrentSessionLength<Runtime>, ConstU32<0>>;

/// Aura and GRANDPA keys change at session boundaries: the validator set comes from
/// pallet-validators, which governance changes.
impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = Sessions;
	type NextSessionRotation = Sessions;
	type SessionManager =
		pallet_session::historical::NoteHistoricalRoot<Self, ValidatorsWithHistory>;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// An offender is disabled at once (it can no longer author), a third of the set at
	/// most: more would risk finality.
	type DisablingStrategy = pallet_session::disabling::UpToLimitDisablingStrategy;
	type WeightInfo = weights::pallet_session::WeightInfo<Runtime>;
	type Currency = Balances;
	/// Held while an account has session keys registered: their storage is not free.
	type KeyDeposit = ConstU128<AGR>;
}

/// The validators parameters of a new chain.
pub fn validator_parameters() -> pallet_validators::ValidatorParameters {
	pallet_validators::ValidatorParameters {
		// As on Polkadot: a fifth of every fee and all of every tip to the author, who
		// orders transactions by tip; the rest funds the treasury.
		author_fee_share: Perbill::from_percent(20),
		author_tip_share: Perbill::from_percent(100),
		// 5 % of the supply a year, four fifths of it to the validators: while a young
		// network's fees cannot pay for its nodes, issuance does.
		yearly_inflation: Perbill::from_percent(5),
		treasury_issuance_share: Perbill::from_percent(20),
		// Two sessions (two hours): one missed session can be a restart or an upgrade.
		offline_after_sessions: 2,
		// Reported only: removing a validator is governance's call until the network
		// has enough validators that losing one to a false report costs nothing.
		remove_offline: false,
		// An equivocation is proven by the offender's own signatures: no false report.
		remove_offenders: true,
	}
}

parameter_types! {
	pub ValidatorDefaults: pallet_validators::ValidatorParameters = validator_parameters();
	/// The most inflation governance may set: more would dilute holders faster than any
	/// validator set needs paying.
	pub const MaxYearlyInflation: Perbill = Perbill::from_percent(20);
}

impl pallet_validators::Config for Runtime {
	type NativeBalance = Balances;
	type Treasury = TreasuryAccount;
	type BlocksPerYear = ConstU32<YEARS>;
	type MaxYearlyInflation = MaxYearlyInflation;
	type DefaultParameters = ValidatorDefaults;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	/// As many as Aura and GRANDPA accept.
	type MaxValidators = ConstU32<32>;
	type MinValidators = ConstU32<1>;
	type DefaultSessionLength = ConstU32<HOURS>;
	/// Half a minute: a session must outlast key propagation and a GRANDPA round or two.
	type MinSessionLength = ConstU32<5>;
	type WeightInfo = pallet_validators::weights::SubstrateWeight<Runtime>;
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = weights::pallet_timestamp::WeightInfo<Runtime>;
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = weights::pallet_balances::WeightInfo<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
	/// Price of one byte of transaction: keeps large transactions from being nearly free.
	pub const TransactionByteFee: Balance = 10 * MICRO_AGR;
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Fees and tips are split between the block's author and the treasury
	/// (pallet-validators' governed shares); none is burned.
	type OnChargeTransaction = FungibleAdapter<Balances, pallet_validators::DealWithFees<Runtime>>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = weights::pallet_transaction_payment::WeightInfo<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = weights::pallet_sudo::WeightInfo<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = weights::pallet_utility::WeightInfo<Runtime>;
}

parameter_types! {
	/// The treasury's pallet id: its account receives slashes and protocol fees, and only
	/// governance spends from it.
	pub const TreasuryPalletId: PalletId = PalletId(*b"agr/trsy");
	pub TreasuryAccount: AccountId = TreasuryPalletId::get().into_account_truncating();
}

parameter_types! {
	/// Accounts that transactions credit in almost every block: the treasury (protocol fees,
	/// slashes) and the rewards account (dataset revenue). However many transactions of a
	/// block credit one of them, the block reads it from the database once and commits it
	/// once, so the block pays for that (`base_block`) and the benchmarks leave these
	/// accounts out of each call's weight, as Substrate's node runtime does for its
	/// treasury. Without it, every settlement would pay a read and a write for each of them
	/// that the block never performs.
	pub HotAccounts: [AccountId; 2] = [TreasuryAccount::get(), Rewards::account_id()];
}

/// What a block pays for its hot accounts: one read and one write each.
fn hot_accounts_weight() -> Weight {
	let accounts = HotAccounts::get().len() as u64;
	<Runtime as frame_system::Config>::DbWeight::get().reads_writes(accounts, accounts)
}

/// Storage keys that benchmarks do not charge to the call they measure: the hot accounts
/// (paid once per block, see [`HotAccounts`]) and the genesis hash, which `CheckGenesis`
/// reads, and charges, in every signed transaction before its call runs.
#[cfg(feature = "runtime-benchmarks")]
pub fn benchmark_whitelist() -> alloc::vec::Vec<sp_storage::TrackedStorageKey> {
	HotAccounts::get()
		.iter()
		.map(frame_system::Account::<Runtime>::hashed_key_for)
		.chain(core::iter::once(frame_system::BlockHash::<Runtime>::hashed_key_for(0)))
		.map(Into::into)
		.collect()
}

// Each pallet owns its governed parameters (its `Parameters` storage and
// `set_parameters`): here are the values a new chain starts with, unless its genesis sets
// others, and the bounds only a runtime upgrade changes (`docs/security.md` explains each).

/// The services parameters of a new chain.
pub fn service_parameters() -> pallet_services::ServiceParameters<Balance, BlockNumber> {
	pallet_services::ServiceParameters {
		// Enough that a slash hurts.
		min_provider_bond: 100 * AGR,
		// Covers a service's worst-case footprint (~2.5 KiB).
		service_deposit: AGR,
		min_spend_to_rate: AGR,
		// Longer than voting + enactment (8 days) with a week to spare: a slash proposed
		// the moment a provider unbonds is enacted before the bond can be withdrawn,
		// even if its enactment waits behind others.
		unbonding_period: 14 * DAYS,
	}
}

/// The metering parameters of a new chain.
pub fn metering_parameters() -> pallet_metering::MeteringParameters<Balance> {
	pallet_metering::MeteringParameters {
		protocol_fee: Perbill::from_percent(2),
		// Keeps dust channels out of state.
		min_channel_deposit: AGR,
	}
}

/// The rewards parameters of a new chain.
pub fn reward_parameters() -> pallet_rewards::RewardParameters<Balance> {
	pallet_rewards::RewardParameters {
		// A dataset's record is at most ~0.5 KiB and lives as long as the chain.
		dataset_deposit: 10 * AGR,
		contribution_deposit: AGR,
		submission_deposit: AGR,
	}
}

/// The governance parameters of a new chain; the development presets shorten the periods.
pub fn governance_parameters() -> pallet_governance::GovernanceParameters<Balance, BlockNumber> {
	pallet_governance::GovernanceParameters {
		proposal_deposit: 100 * AGR,
		voting_period: 7 * DAYS,
		enactment_delay: DAYS,
		vote_locking_period: 7 * DAYS,
		min_turnout: Perbill::from_percent(10),
		// Strictly more ayes than nays: a tie fails.
		approval_threshold: Perbill::from_parts(500_000_001),
	}
}

/// The largest period governance may set (voting, enactment, vote locking, unbonding):
/// 90 days. Conviction locks reach 32 periods (8 years at most).
pub const MAX_GOVERNED_PERIOD: BlockNumber = 90 * DAYS;

/// What governance may set its own parameters to: nothing in these bounds leaves the
/// chain ungovernable.
pub fn governance_parameter_bounds() -> pallet_governance::ParameterBounds<Balance, BlockNumber> {
	pallet_governance::ParameterBounds {
		max_amount: MaxGovernedAmount::get(),
		max_period: MAX_GOVERNED_PERIOD,
		// One minute: the development presets vote for 10 blocks.
		min_voting_period: 10,
		min_min_turnout: Perbill::from_percent(2),
		max_min_turnout: Perbill::from_percent(33),
		min_approval_threshold: Perbill::from_parts(500_000_001),
		max_approval_threshold: Perbill::from_percent(80),
	}
}

parameter_types! {
	pub ServiceDefaults: pallet_services::ServiceParameters<Balance, BlockNumber> =
		service_parameters();
	pub MeteringDefaults: pallet_metering::MeteringParameters<Balance> = metering_parameters();
	pub RewardDefaults: pallet_rewards::RewardParameters<Balance> = reward_parameters();
	pub GovernanceDefaults: pallet_governance::GovernanceParameters<Balance, BlockNumber> =
		governance_parameters();
	pub GovernanceParameterBounds: pallet_governance::ParameterBounds<Balance, BlockNumber> =
		governance_parameter_bounds();
	/// The largest deposit, bond or threshold governance may set: 100× the default
	/// proposal deposit, a hundredth of a development account.
	pub const MaxGovernedAmount: Balance = 10_000 * AGR;
	/// Providers keep the bulk of what they earn.
	pub const MaxProtocolFee: Perbill = Perbill::from_percent(20);
	/// How long a slash proposed now may take to be enacted: governance's voting period
	/// plus enactment delay, read at each check.
	pub SlashDelay: BlockNumber = pallet_governance::Pallet::<Runtime>::decision_time();
	/// What governance's voting period plus enactment delay must stay below: the
	/// unbonding period of provider bonds, read at each check.
	pub UnbondingPeriod: BlockNumber = Services::parameters().unbonding_period;
}

impl pallet_services::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type OnSlash = ResolveTo<TreasuryAccount, Balances>;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type PaidUsage = Metering;
	type Channels = Metering;
	type Datasets = Rewards;
	type DefaultParameters = ServiceDefaults;
	type MaxParameterAmount = MaxGovernedAmount;
	type MaxUnbondingPeriod = ConstU32<MAX_GOVERNED_PERIOD>;
	type SlashDelay = SlashDelay;
	type MaxNameLen = ConstU32<64>;
	type MaxTags = ConstU32<8>;
	type MaxTagLen = ConstU32<32>;
	type MaxUriLen = ConstU32<256>;
	type MaxUnbondingChunks = ConstU32<16>;
	type MaxServicesPerProvider = ConstU32<64>;
	type WeightInfo = pallet_services::weights::SubstrateWeight<Runtime>;
}

impl pallet_metering::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Services = Services;
	type OnProtocolFee = ResolveTo<TreasuryAccount, Balances>;
	type RevenueSink = Rewards;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type DefaultParameters = MeteringDefaults;
	type MaxParameterAmount = MaxGovernedAmount;
	type MaxProtocolFee = MaxProtocolFee;
	/// Thirty days; a consumer extends a channel it keeps using.
	type MaxChannelDuration = ConstU32<{ 30 * DAYS }>;
	type MaxChannelsPerConsumer = ConstU32<64>;
	/// A gateway settles up to 100 channels in one transaction.
	type MaxClaimsPerBatch = ConstU32<100>;
	type WeightInfo = pallet_metering::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helpers::ListedService;
}

parameter_types! {
	/// Derives the account holding every dataset pool and campaign budget.
	pub const RewardsPalletId: PalletId = PalletId(*b"agr/rwds");
}

impl pallet_rewards::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type PalletId = RewardsPalletId;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type Treasury = TreasuryAccount;
	type OnUnassignedRevenue = ResolveTo<TreasuryAccount, Balances>;
	type DefaultParameters = RewardDefaults;
	type MaxParameterAmount = MaxGovernedAmount;
	/// Ten times the dataset deposit: a campaign record is about 1 KiB.
	type MinCampaignBudget = ConstU128<{ 10 * AGR }>;
	type MaxNameLen = ConstU32<64>;
	type MaxUriLen = ConstU32<256>;
	type MaxPendingPerDataset = ConstU32<256>;
	type MaxPendingPerContributor = ConstU32<32>;
	type MaxReviewers = ConstU32<16>;
	type MaxPendingSubmissions = ConstU32<256>;
	type WeightInfo = pallet_rewards::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Enactment dispatches a proposal's call in `on_initialize`: at most a quarter block.
	pub MaxProposalCallWeight: Weight =
		RuntimeBlockWeights::get().max_block.saturating_div(4);
	/// A block's enactments together declare at most a quarter block too: however many
	/// proposals pass at once, the rest of the block stays for transactions.
	pub MaxEnactmentWeight: Weight = MaxProposalCallWeight::get();
}

impl pallet_governance::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type Treasury = TreasuryAccount;
	type OnCancel = ResolveTo<TreasuryAccount, Balances>;
	type DefaultParameters = GovernanceDefaults;
	type ParameterBounds = GovernanceParameterBounds;
	type MaxDecisionTime = UnbondingPeriod;
	/// Enough for a batch of parameter changes or `authorize_upgrade`; the code of an
	/// upgrade is applied separately.
	type MaxProposalLen = ConstU32<4096>;
	type MaxCallWeight = MaxProposalCallWeight;
	type MaxEnactmentWeight = MaxEnactmentWeight;
	type MaxLiveProposals = ConstU32<32>;
	/// An attacker needs eight accounts, and eight deposits per slot and period, to hold
	/// every slot (see `docs/security.md`).
	type MaxLiveProposalsPerAccount = ConstU32<4>;
	type MaxVotesPerAccount = ConstU32<64>;
	type WeightInfo = pallet_governance::weights::SubstrateWeight<Runtime>;
}

/// What the metering benchmarks need from pallet-services.
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmark_helpers {
	use super::*;
	use agora_primitives::{Price, PriceUnit, ServiceId};
	use alloc::vec::Vec;
	use frame_support::traits::fungible::Mutate;

	/// Registers the provider and lists an Active service with a dataset share.
	pub struct ListedService;
	impl pallet_metering::BenchmarkHelper<AccountId, Balance> for ListedService {
		fn active_service(provider: &AccountId, price_per_unit: Balance) -> ServiceId {
			let origin = || RuntimeOrigin::signed(provider.clone());
			let bond = Services::parameters().min_provider_bond;
			let _ = Balances::set_balance(provider, bond.saturating_mul(10));
			let id = pallet_services::NextServiceId::<Runtime>::get();
			let registered = Services::register_provider(origin(), b"bench".to_vec(), bond);
			let listed = Services::list_service(
				origin(),
				b"bench".to_vec(),
				Vec::new(),
				Vec::new(),
				Default::default(),
				Price { unit: PriceUnit::Token1k, per_unit: price_per_unit },
				Perbill::from_percent(10),
				Some(<Rewards as agora_primitives::DatasetInspect>::benchmark_dataset()),
			);
			assert!(registered.is_ok() && listed.is_ok(), "benchmark service is listed");
			id
		}

		fn dataset() -> agora_primitives::DatasetId {
			<Rewards as agora_primitives::DatasetInspect>::benchmark_dataset()
		}
	}
}
