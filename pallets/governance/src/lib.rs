//! # Governance pallet
//!
//! AGR holders decide fees, bonds, slashes, treasury spends and runtime upgrades. With
//! this pallet a chain without a sudo key can still change every parameter and upgrade
//! its runtime: it decides and dispatches; the call it dispatches is any pallet's.
//!
//! ## Overview
//!
//! - Anyone **proposes** a call ([`Pallet::propose`]); its encoding is bounded
//!   (`MaxProposalLen`) and `proposal_deposit` is held (`HoldReason::ProposalDeposit`).
//!   A runtime upgrade is proposed as `System::authorize_upgrade(code_hash)`; once it is
//!   enacted, anyone applies the code with the permissionless
//!   `System::apply_authorized_upgrade(code)`, so proposals stay small.
//! - Holders **vote** ([`Pallet::vote`]) with a balance and a [`Conviction`]: `None`
//!   counts 0.1× and locks nothing, `Locked1x`…`Locked6x` count 1×…6× and, when the vote
//!   was on the winning side, keep the balance locked for 1, 2, 4, 8, 16 or 32
//!   `vote_locking_period`s after the proposal ends. The balance stays in the account,
//!   **held** (`HoldReason::Vote`), never moved; an account's votes and locks overlap, so
//!   the hold is their maximum, not their sum. Voting again replaces the vote;
//!   [`Pallet::remove_vote`] withdraws it (or turns it into its lock once the proposal
//!   ended) and [`Pallet::unlock`] releases what no vote or lock still needs.
//! - Why a hold and not a freeze: `pallet-balances` applies a freeze to the *total*
//!   balance, held funds included, so a frozen balance may also sit under a channel
//!   deposit or a contribution deposit that a counterparty can claim or forfeit, and a
//!   plain transfer may move out the free part that such a hold "covers". A vote would
//!   then count tokens that leave the account (and vote again elsewhere). A vote hold is
//!   taken from free funds only, no other hold can take it and no claim, forfeit or
//!   transfer reaches it: only funds not on hold vote, and funds that voted stay until
//!   their vote and lock end.
//! - At the end of `voting_period` the proposal is decided in `on_initialize`: it passes
//!   when turnout ≥ `min_turnout` × total issuance and ayes ≥ `approval_threshold` of
//!   ayes + nays. The deposit is returned either way. A passed proposal is dispatched
//!   with Root origin `enactment_delay` blocks later, in `on_initialize` as well, and its
//!   result is in [`Event::ProposalEnacted`]: nobody has to send a transaction.
//! - The proposer withdraws a proposal nobody voted on, or the governance origin cancels
//!   any proposal being voted on, slashing its deposit to the treasury ([`Pallet::cancel`]).
//!
//! ## Treasury and parameters
//!
//! The treasury account receives protocol fees and slashes; [`Pallet::spend`] pays from
//! it and only the governance origin (Root, i.e. a passed proposal) may call it.
//!
//! Each pallet owns its governed parameters (its `Parameters` storage and its own
//! `set_parameters`, which a proposal dispatches). This pallet's are the periods, the
//! thresholds and the proposal deposit above ([`GovernanceParameters`]), changed with
//! [`Pallet::set_parameters`] within `ParameterBounds`. A voting period plus enactment
//! delay never reaches `MaxDecisionTime` (in Agora's runtime, pallet-services' unbonding
//! period), so a slash is always enacted before the bond it targets can leave.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod api;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod features;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
// Also built with `std`: the runtime's tests check every pallet's invariants after each
// step of their attack and property tests.
#[cfg(any(feature = "try-runtime", feature = "std", test))]
mod try_state;
pub mod types;
pub mod weights;

pub use agora_primitives::Conviction;
pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible::{Credit, Inspect};

/// The balance type of the governance currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Slashed deposits on their way to the treasury.
pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

/// The limits of this pallet's parameters.
pub type ParameterBoundsOf<T> =
	ParameterBounds<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// This pallet's governed parameters.
pub type ParametersOf<T> =
	GovernanceParameters<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// A change of one of this pallet's governed parameters.
pub type ParameterChangeOf<T> =
	ParameterChange<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use agora_primitives::{InvalidAmount, ProposalId, Tally, Vote, MAX_PARAMETER_CHANGES};
	use alloc::boxed::Box;
	use frame_support::{
		dispatch::{GetDispatchInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::{
			fungible::{self, BalancedHold, MutateHold},
			OnUnbalanced,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{Bounded, Dispatchable, Saturating};

	/// 1: votes are held, not frozen; `LiveProposalsOf` (see [`migrations::v1`]).
	/// 2: `Parameters` holds only governance's own; the others moved to their pallets (the
	/// runtime migrates: it alone sees every pallet).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The calls proposals dispatch.
		type RuntimeCall: Parameter
			+ Dispatchable<RuntimeOrigin = Self::RuntimeOrigin, PostInfo = PostDispatchInfo>
			+ GetDispatchInfo
			+ From<frame_system::Call<Self>>;

		/// The currency votes and deposits are held in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ BalancedHold<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Cancels proposals (slashing the deposit), spends the treasury and sets
		/// parameters: Root, i.e. a passed proposal (or sudo on a development chain).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The treasury account `spend` pays from.
		type Treasury: Get<Self::AccountId>;

		/// Where slashed proposal deposits go (the treasury): those of proposals cancelled
		/// by governance or that did not reach the minimum turnout.
		type OnCancel: OnUnbalanced<CreditOf<Self>>;

		/// The parameters of a new chain, until genesis or governance sets others. Not
		/// metadata constants: they change without a runtime upgrade, so clients read the
		/// `Parameters` storage.
		type DefaultParameters: Get<ParametersOf<Self>>;

		/// The limits every parameter set must respect, at genesis and in
		/// `set_parameters`.
		type ParameterBounds: Get<ParameterBoundsOf<Self>>;

		/// What a voting period plus enactment delay must stay below (in Agora's runtime,
		/// pallet-services' unbonding period): a provider that unbonds the moment a
		/// slash against it is proposed still has its bond held when the slash is enacted.
		type MaxDecisionTime: Get<BlockNumberFor<Self>>;

		/// Longest encoded call a proposal may carry, in bytes.
		#[pallet::constant]
		type MaxProposalLen: Get<u32>;

		/// Heaviest call a proposal may carry: enactment runs it in `on_initialize`.
		#[pallet::constant]
		type MaxCallWeight: Get<Weight>;

		/// Most call weight the enactments of one block may declare together; what does
		/// not fit is dispatched in the following blocks, in order. At least
		/// `MaxCallWeight`, so every proposal fits a block.
		#[pallet::constant]
		type MaxEnactmentWeight: Get<Weight>;

		/// Most proposals being voted on at once.
		#[pallet::constant]
		type MaxLiveProposals: Get<u32>;

		/// Most proposals one account may have being voted on at once.
		#[pallet::constant]
		type MaxLiveProposalsPerAccount: Get<u32>;

		/// Most recorded votes per account.
		#[pallet::constant]
		type MaxVotesPerAccount: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A proposer's deposit while its proposal is voted on.
		ProposalDeposit,
		/// Balance voted or still locked by a conviction vote.
		Vote,
	}

	/// Every proposal ever made (the call bytes are dropped once enacted).
	#[pallet::storage]
	pub type Proposals<T: Config> =
		StorageMap<_, Twox64Concat, ProposalId, Proposal<T>, OptionQuery>;

	/// The id the next proposal gets.
	#[pallet::storage]
	pub type NextProposalId<T: Config> = StorageValue<_, ProposalId, ValueQuery>;

	/// How many proposals are being voted on.
	#[pallet::storage]
	pub type LiveProposals<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// How many proposals each account has being voted on.
	#[pallet::storage]
	pub type LiveProposalsOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Recorded votes, per proposal and voter.
	#[pallet::storage]
	pub type Votes<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		ProposalId,
		Blake2_128Concat,
		T::AccountId,
		Vote<BalanceOf<T>>,
		OptionQuery,
	>;

	/// Each voter's votes and locks.
	#[pallet::storage]
	pub type VotingOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Voting<T>, ValueQuery>;

	/// Proposals whose voting ends in each block.
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<ProposalId, T::MaxLiveProposals>,
		ValueQuery,
	>;

	/// Passed proposals dispatched in each block.
	#[pallet::storage]
	pub type Enactments<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<ProposalId, T::MaxLiveProposals>,
		ValueQuery,
	>;

	/// The governed parameters in force.
	#[pallet::storage]
	pub type Parameters<T: Config> =
		StorageValue<_, ParametersOf<T>, ValueQuery, T::DefaultParameters>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Parameters to start with instead of `DefaultParameters` (the development
		/// preset shortens the periods).
		pub parameters: Option<ParametersOf<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(parameters) = &self.parameters {
				if let Err(error) = Pallet::<T>::validate_parameters(parameters) {
					panic!("genesis governance parameters are invalid: {error:?}");
				}
				Parameters::<T>::put(parameters);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `proposer` proposed a call; voting ends with block `ends_at`.
		Proposed {
			proposal_id: ProposalId,
			proposer: T::AccountId,
			deposit: BalanceOf<T>,
			ends_at: BlockNumberFor<T>,
		},
		/// `who` voted (replacing any earlier vote of its own).
		Voted { proposal_id: ProposalId, who: T::AccountId, vote: Vote<BalanceOf<T>> },
		/// `who` removed its vote; `locked_until` is set when the vote left a lock.
		VoteRemoved {
			proposal_id: ProposalId,
			who: T::AccountId,
			locked_until: Option<BlockNumberFor<T>>,
		},
		/// `who`'s votes and locks now hold `locked`.
		Unlocked { who: T::AccountId, locked: BalanceOf<T> },
		/// Voting ended and the proposal passed; it is dispatched in block `enact_at`.
		ProposalApproved {
			proposal_id: ProposalId,
			tally: Tally<BalanceOf<T>>,
			enact_at: BlockNumberFor<T>,
		},
		/// Voting ended and the proposal failed on turnout or approval; `deposit_slashed`
		/// went to the treasury when it did not reach the minimum turnout.
		ProposalRejected {
			proposal_id: ProposalId,
			tally: Tally<BalanceOf<T>>,
			deposit_slashed: BalanceOf<T>,
		},
		/// The proposal's call was dispatched with Root origin; `result` is what it returned.
		ProposalEnacted { proposal_id: ProposalId, result: DispatchResult },
		/// The proposal was due but the block's enactment weight was spent: it is
		/// dispatched in block `enact_at` instead.
		EnactmentDeferred { proposal_id: ProposalId, enact_at: BlockNumberFor<T> },
		/// The proposal was withdrawn (`slashed` zero) or cancelled by governance.
		ProposalCancelled { proposal_id: ProposalId, slashed: BalanceOf<T> },
		/// The treasury paid `amount` to `beneficiary`.
		TreasurySpent { amount: BalanceOf<T>, beneficiary: T::AccountId },
		/// Governance changed parameters of this pallet.
		ParametersSet { changes: BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The call's encoding is longer than `MaxProposalLen`.
		ProposalTooLarge,
		/// The call's weight exceeds `MaxCallWeight`.
		CallTooHeavy,
		/// `MaxLiveProposals` proposals are being voted on.
		TooManyProposals,
		/// The account already has `MaxLiveProposalsPerAccount` proposals being voted on.
		TooManyProposalsOfAccount,
		/// Proposal ids are exhausted.
		ProposalIdOverflow,
		/// No proposal has this id.
		UnknownProposal,
		/// The proposal is not being voted on.
		VotingClosed,
		/// A vote of zero balance.
		ZeroBalance,
		/// The account's free balance (what is not on hold, less the existential
		/// deposit) is below the balance voted.
		InsufficientFunds,
		/// The account has `MaxVotesPerAccount` recorded votes.
		TooManyVotes,
		/// The account has no vote on this proposal.
		NotVoted,
		/// The account has no votes or locks.
		NothingToUnlock,
		/// Only the proposer may withdraw its proposal.
		NotProposer,
		/// A proposal with votes can only be cancelled by governance.
		ProposalHasVotes,
		/// The amount is zero.
		ZeroAmount,
		/// `set_parameters` without changes.
		NoParameterChanges,
		/// A proposal deposit of zero.
		ZeroParameterAmount,
		/// A proposal deposit above the largest allowed.
		ParameterAmountTooLarge,
		/// A period of zero blocks or above the longest allowed.
		PeriodOutOfBounds,
		/// A voting period below the shortest allowed.
		VotingPeriodTooShort,
		/// A minimum turnout outside the bounds.
		MinTurnoutOutOfBounds,
		/// An approval threshold below a strict majority or above the largest allowed.
		ApprovalThresholdOutOfBounds,
		/// A voting period plus enactment delay not below `MaxDecisionTime` (the unbonding
		/// period of provider bonds).
		DecisionOutlastsUnbonding,
	}

	impl<T> From<InvalidAmount> for Error<T> {
		fn from(error: InvalidAmount) -> Self {
			match error {
				InvalidAmount::Zero => Error::ZeroParameterAmount,
				InvalidAmount::TooLarge => Error::ParameterAmountTooLarge,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Decides the proposals whose voting ended with the previous block and dispatches
		/// those due now, as long as their calls' declared weight fits
		/// `MaxEnactmentWeight`; the rest move to the next block, in order. Both lists are
		/// bounded by `MaxLiveProposals`.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::decide_and_enact(now)
		}

		fn integrity_test() {
			assert!(T::MaxLiveProposals::get() > 0, "MaxLiveProposals must be positive");
			assert!(T::MaxVotesPerAccount::get() > 0, "MaxVotesPerAccount must be positive");
			assert!(
				T::MaxLiveProposalsPerAccount::get() > 0,
				"MaxLiveProposalsPerAccount must be positive"
			);
			assert!(
				T::MaxCallWeight::get().all_lte(T::MaxEnactmentWeight::get()),
				"MaxEnactmentWeight must fit the heaviest proposal"
			);
			let bounds = T::ParameterBounds::get();
			assert!(
				Self::validate_parameters(&T::DefaultParameters::get()).is_ok(),
				"DefaultParameters must be within ParameterBounds"
			);
			// Enactment blocks are computed by adding periods to the block number: with
			// periods bounded far below the largest block number they never saturate.
			assert!(
				bounds.max_period.saturating_mul(4u32.into()) < BlockNumberFor::<T>::max_value(),
				"ParameterBounds::max_period must be far below the largest block number"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Propose `call` for dispatch with Root origin; `proposal_deposit` is held until
		/// voting ends, `voting_period` blocks from now.
		#[pallet::call_index(0)]
		pub fn propose(
			origin: OriginFor<T>,
			call: Box<<T as Config>::RuntimeCall>,
		) -> DispatchResult {
			let proposer = ensure_signed(origin)?;
			Self::do_propose(proposer, call)
		}

		/// Vote on a proposal being voted on with `balance` (held in the account, not
		/// moved) and `conviction`; replaces the caller's earlier vote on it. Only free
		/// funds vote: what other holds (deposits, bonds, channels) cover does not count.
		#[pallet::call_index(1)]
		pub fn vote(
			origin: OriginFor<T>,
			proposal_id: ProposalId,
			aye: bool,
			balance: BalanceOf<T>,
			conviction: Conviction,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_vote(who, proposal_id, aye, balance, conviction)
		}

		/// Remove the caller's vote. While the proposal is voted on, the vote leaves the
		/// tally; once it ended, a conviction vote on the winning side becomes a lock until
		/// `lock_periods × vote_locking_period` blocks after the end. The freeze shrinks to
		/// what remaining votes and locks need.
		#[pallet::call_index(2)]
		pub fn remove_vote(origin: OriginFor<T>, proposal_id: ProposalId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_vote(who, proposal_id)
		}

		/// Shrink `who`'s vote hold to what its recorded votes and unexpired locks still
		/// need. Anyone may call it for anyone.
		#[pallet::call_index(3)]
		pub fn unlock(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_unlock(who)
		}

		/// Withdraw (the proposer, before any vote) or cancel (the governance origin) a
		/// proposal being voted on. Either way the deposit goes to the treasury: a slot taken
		/// and given back costs what a proposal failing its turnout does, so withdrawing
		/// before the end and proposing again cannot hold a slot for free.
		#[pallet::call_index(4)]
		pub fn cancel(origin: OriginFor<T>, proposal_id: ProposalId) -> DispatchResult {
			// `None`: the governance origin.
			let signer = match T::GovernanceOrigin::try_origin(origin) {
				Ok(_) => None,
				Err(origin) => Some(ensure_signed(origin)?),
			};
			Self::do_cancel(signer, proposal_id)
		}

		/// Governance origin only: pay `amount` from the treasury to `beneficiary`.
		#[pallet::call_index(5)]
		pub fn spend(
			origin: OriginFor<T>,
			amount: BalanceOf<T>,
			beneficiary: T::AccountId,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_spend(amount, beneficiary)
		}

		/// Governance origin only: change parameters of this pallet. The changes apply in
		/// order and the result is checked as a whole (see
		/// [`Pallet::validate_parameters`]); a refused set changes nothing.
		///
		/// Index 6 was the old `set_parameters` of every marketplace parameter; it stays
		/// unused, so that a proposal stored with the old encoding fails to decode at
		/// enactment instead of being read as other changes.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::set_parameters(changes.len() as u32))]
		pub fn set_parameters(
			origin: OriginFor<T>,
			changes: BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_parameters(changes)
		}
	}
}
