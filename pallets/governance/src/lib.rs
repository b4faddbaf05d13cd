//! # Governance pallet
//!
//! AGR holders decide fees, bonds, slashes, treasury spends and runtime upgrades. With
//! this pallet a chain without a sudo key can still change every parameter and upgrade
//! its runtime.
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
//! it and only the governance origin (Root, i.e. a passed proposal) may call it. Every
//! marketplace parameter of the other pallets ([`MarketplaceParameters`]) lives in this
//! pallet's storage and changes with [`Pallet::set_parameters`] (governance origin), no
//! runtime upgrade needed; the runtime feeds them to the pallets' `Config`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod api;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use agora_primitives::{Conviction, MarketplaceParameters, ParameterBounds, ParameterChange};
pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible::{Credit, Inspect};

/// The balance type of the governance currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Slashed deposits on their way to the treasury.
pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

/// The limits of the runtime's parameter sets.
pub type ParameterBoundsOf<T> =
	ParameterBounds<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// The parameter set of the runtime.
pub type ParametersOf<T> =
	MarketplaceParameters<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// One parameter change of the runtime.
pub type ParameterChangeOf<T> =
	ParameterChange<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// Most parameter changes in one `set_parameters` call.
pub const MAX_PARAMETER_CHANGES: u32 = 16;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use agora_primitives::{InvalidParameters, ProposalId, ProposalStatus, Tally, Vote};
	use alloc::boxed::Box;
	use codec::DecodeLimit;
	use frame_support::{
		dispatch::{GetDispatchInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::{
			fungible::{self, BalancedHold, Inspect, InspectHold, Mutate, MutateHold},
			tokens::{Fortitude, Precision, Preservation},
			Imbalance, OnUnbalanced,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{Bounded, CheckedAdd, Dispatchable, One, Saturating, Zero};

	/// 1: votes are held, not frozen; `LiveProposalsOf` (see [`migrations::v1`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

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

		/// The parameters in force until governance changes them (and the genesis values
		/// unless the chain spec sets others).
		type DefaultParameters: Get<ParametersOf<Self>>;

		/// The limits every parameter set must respect, at genesis and in
		/// `set_parameters`.
		type ParameterBounds: Get<ParameterBoundsOf<Self>>;

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

	/// The marketplace parameters in force.
	#[pallet::storage]
	pub type Parameters<T: Config> =
		StorageValue<_, ParametersOf<T>, ValueQuery, T::DefaultParameters>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Parameters to start with instead of `DefaultParameters` (the development
		/// preset shortens the governance periods).
		pub parameters: Option<ParametersOf<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(parameters) = &self.parameters {
				if let Err(error) = parameters.validate(&T::ParameterBounds::get()) {
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
		/// Marketplace parameters changed.
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
		/// A minimum deposit or bond set to zero.
		ZeroParameterAmount,
		/// A deposit, bond or rating threshold above the largest allowed.
		ParameterAmountTooLarge,
		/// A period of zero blocks or above the longest allowed.
		PeriodOutOfBounds,
		/// A voting period below the shortest allowed.
		VotingPeriodTooShort,
		/// A protocol fee above the largest allowed.
		ProtocolFeeTooHigh,
		/// A minimum turnout outside the bounds.
		MinTurnoutOutOfBounds,
		/// An approval threshold below a strict majority or above the largest allowed.
		ApprovalThresholdOutOfBounds,
		/// An unbonding period not longer than the voting period plus the enactment delay.
		UnbondingShorterThanGovernance,
	}

	impl<T> From<InvalidParameters> for Error<T> {
		fn from(error: InvalidParameters) -> Self {
			match error {
				InvalidParameters::ZeroAmount => Error::ZeroParameterAmount,
				InvalidParameters::AmountTooLarge => Error::ParameterAmountTooLarge,
				InvalidParameters::PeriodOutOfBounds => Error::PeriodOutOfBounds,
				InvalidParameters::VotingPeriodTooShort => Error::VotingPeriodTooShort,
				InvalidParameters::ProtocolFeeTooHigh => Error::ProtocolFeeTooHigh,
				InvalidParameters::MinTurnoutOutOfBounds => Error::MinTurnoutOutOfBounds,
				InvalidParameters::ApprovalThresholdOutOfBounds => {
					Error::ApprovalThresholdOutOfBounds
				},
				InvalidParameters::UnbondingShorterThanGovernance => {
					Error::UnbondingShorterThanGovernance
				},
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
			let ending = Deadlines::<T>::take(now.saturating_sub(One::one()));
			let due = Enactments::<T>::take(now);
			let mut weight = T::WeightInfo::on_initialize(ending.len() as u32, due.len() as u32);
			if !ending.is_empty() {
				// Read once: every proposal ending here is decided on the same terms.
				let parameters = Parameters::<T>::get();
				let total_issuance = T::Currency::total_issuance();
				for proposal_id in ending {
					Self::decide(proposal_id, now, &parameters, total_issuance);
				}
			}
			let mut budget = T::MaxEnactmentWeight::get();
			let mut due = due.into_iter();
			for proposal_id in due.by_ref() {
				match Self::enact(proposal_id, now, budget) {
					Enactment::Dispatched(spent) => {
						weight.saturating_accrue(spent);
						budget = budget.saturating_sub(spent);
					},
					Enactment::Deferred => {
						Self::defer(proposal_id, now);
						weight.saturating_accrue(T::DbWeight::get().reads_writes(2, 2));
						break;
					},
				}
			}
			// Once one proposal waits, those after it wait too, after those already due in
			// the next block.
			due.for_each(|proposal_id| {
				Self::defer(proposal_id, now);
				weight.saturating_accrue(T::DbWeight::get().reads_writes(2, 2));
			});
			weight
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
				T::DefaultParameters::get().validate(&bounds).is_ok(),
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
			let encoded: BoundedVec<u8, T::MaxProposalLen> =
				call.encode().try_into().map_err(|_| Error::<T>::ProposalTooLarge)?;
			ensure!(
				call.get_dispatch_info().call_weight.all_lte(T::MaxCallWeight::get()),
				Error::<T>::CallTooHeavy
			);
			let live = LiveProposals::<T>::get();
			ensure!(live < T::MaxLiveProposals::get(), Error::<T>::TooManyProposals);
			let live_of_proposer = LiveProposalsOf::<T>::get(&proposer);
			ensure!(
				live_of_proposer < T::MaxLiveProposalsPerAccount::get(),
				Error::<T>::TooManyProposalsOfAccount
			);
			let proposal_id = NextProposalId::<T>::get();
			let next_id = proposal_id.checked_add(1).ok_or(Error::<T>::ProposalIdOverflow)?;
			let parameters = Parameters::<T>::get();
			let deposit = parameters.proposal_deposit;
			let now = frame_system::Pallet::<T>::block_number();
			let ends_at = now.saturating_add(parameters.voting_period);
			Deadlines::<T>::try_append(ends_at, proposal_id)
				.map_err(|_| Error::<T>::TooManyProposals)?;
			T::Currency::hold(&HoldReason::ProposalDeposit.into(), &proposer, deposit)?;

			Proposals::<T>::insert(
				proposal_id,
				Proposal {
					proposer: proposer.clone(),
					call: encoded,
					deposit,
					tally: Tally::default(),
					status: ProposalStatus::Voting { ends_at },
					proposed_at: now,
				},
			);
			NextProposalId::<T>::put(next_id);
			LiveProposals::<T>::put(live.saturating_add(1));
			LiveProposalsOf::<T>::insert(&proposer, live_of_proposer.saturating_add(1));
			Self::deposit_event(Event::Proposed { proposal_id, proposer, deposit, ends_at });
			Ok(())
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
			ensure!(!balance.is_zero(), Error::<T>::ZeroBalance);
			let mut proposal =
				Proposals::<T>::get(proposal_id).ok_or(Error::<T>::UnknownProposal)?;
			ensure!(
				matches!(proposal.status, ProposalStatus::Voting { .. }),
				Error::<T>::VotingClosed
			);
			let mut voting = VotingOf::<T>::get(&who);
			let vote = Vote { aye, balance, conviction };
			match Votes::<T>::get(proposal_id, &who) {
				Some(previous) => {
					proposal.tally.remove(&previous);
					for (id, voted) in voting.votes.iter_mut() {
						if *id == proposal_id {
							*voted = balance;
						}
					}
				},
				None => voting
					.votes
					.try_push((proposal_id, balance))
					.map_err(|_| Error::<T>::TooManyVotes)?,
			}
			proposal.tally.add(&vote);
			Self::set_vote_hold(&who, &voting)?;
			Proposals::<T>::insert(proposal_id, proposal);
			Votes::<T>::insert(proposal_id, &who, vote);
			VotingOf::<T>::insert(&who, voting);
			Self::deposit_event(Event::Voted { proposal_id, who, vote });
			Ok(())
		}

		/// Remove the caller's vote. While the proposal is voted on, the vote leaves the
		/// tally; once it ended, a conviction vote on the winning side becomes a lock until
		/// `lock_periods × vote_locking_period` blocks after the end. The freeze shrinks to
		/// what remaining votes and locks need.
		#[pallet::call_index(2)]
		pub fn remove_vote(origin: OriginFor<T>, proposal_id: ProposalId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let vote = Votes::<T>::get(proposal_id, &who).ok_or(Error::<T>::NotVoted)?;
			let mut proposal =
				Proposals::<T>::get(proposal_id).ok_or(Error::<T>::UnknownProposal)?;
			let mut voting = VotingOf::<T>::get(&who);
			voting.votes.retain(|(id, _)| *id != proposal_id);
			let won = |passed: bool| vote.aye == passed;
			let ended_on_winning_side = match proposal.status {
				ProposalStatus::Voting { .. } => {
					proposal.tally.remove(&vote);
					Proposals::<T>::insert(proposal_id, &proposal);
					None
				},
				ProposalStatus::Approved { ended_at, .. }
				| ProposalStatus::Enacted { ended_at, .. } => won(true).then_some(ended_at),
				ProposalStatus::Rejected { ended_at } => won(false).then_some(ended_at),
				ProposalStatus::Cancelled { .. } => None,
			};
			let now = frame_system::Pallet::<T>::block_number();
			let locked_until = ended_on_winning_side
				.filter(|_| vote.conviction.lock_periods() > 0)
				.map(|ended_at| {
					let period = Parameters::<T>::get().vote_locking_period;
					ended_at.saturating_add(
						period.saturating_mul(vote.conviction.lock_periods().into()),
					)
				})
				.filter(|until| *until > now);
			if let Some(until) = locked_until {
				voting.prior.accumulate(until, vote.balance);
			}
			voting.prior.expire(now);
			Self::set_vote_hold(&who, &voting)?;
			Self::store_voting(&who, voting);
			Votes::<T>::remove(proposal_id, &who);
			Self::deposit_event(Event::VoteRemoved { proposal_id, who, locked_until });
			Ok(())
		}

		/// Shrink `who`'s vote hold to what its recorded votes and unexpired locks still
		/// need. Anyone may call it for anyone.
		#[pallet::call_index(3)]
		pub fn unlock(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			ensure_signed(origin)?;
			ensure!(VotingOf::<T>::contains_key(&who), Error::<T>::NothingToUnlock);
			let mut voting = VotingOf::<T>::get(&who);
			voting.prior.expire(frame_system::Pallet::<T>::block_number());
			let locked = voting.locked();
			Self::set_vote_hold(&who, &voting)?;
			Self::store_voting(&who, voting);
			Self::deposit_event(Event::Unlocked { who, locked });
			Ok(())
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
			let mut proposal =
				Proposals::<T>::get(proposal_id).ok_or(Error::<T>::UnknownProposal)?;
			let ProposalStatus::Voting { ends_at } = proposal.status else {
				return Err(Error::<T>::VotingClosed.into());
			};
			if let Some(caller) = signer {
				ensure!(caller == proposal.proposer, Error::<T>::NotProposer);
				ensure!(proposal.tally.turnout.is_zero(), Error::<T>::ProposalHasVotes);
			}
			let slashed = Self::forfeit_deposit(&proposal);
			Deadlines::<T>::mutate(ends_at, |ids| ids.retain(|id| *id != proposal_id));
			Self::end_voting(&proposal.proposer);
			proposal.status =
				ProposalStatus::Cancelled { at: frame_system::Pallet::<T>::block_number() };
			proposal.call = Default::default();
			Proposals::<T>::insert(proposal_id, proposal);
			Self::deposit_event(Event::ProposalCancelled { proposal_id, slashed });
			Ok(())
		}

		/// Governance origin only: pay `amount` from the treasury to `beneficiary`.
		#[pallet::call_index(5)]
		pub fn spend(
			origin: OriginFor<T>,
			amount: BalanceOf<T>,
			beneficiary: T::AccountId,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			T::Currency::transfer(
				&T::Treasury::get(),
				&beneficiary,
				amount,
				Preservation::Preserve,
			)?;
			Self::deposit_event(Event::TreasurySpent { amount, beneficiary });
			Ok(())
		}

		/// Governance origin only: change marketplace parameters. The result must be within
		/// `ParameterBounds` (see [`MarketplaceParameters::validate`]); a refused set
		/// changes nothing.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_parameters(changes.len() as u32))]
		pub fn set_parameters(
			origin: OriginFor<T>,
			changes: BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(!changes.is_empty(), Error::<T>::NoParameterChanges);
			let mut parameters = Parameters::<T>::get();
			for change in changes.iter() {
				parameters.apply(change.clone());
			}
			parameters.validate(&T::ParameterBounds::get()).map_err(Error::<T>::from)?;
			Parameters::<T>::put(parameters);
			Self::deposit_event(Event::ParametersSet { changes });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The marketplace parameters in force.
		pub fn parameters() -> ParametersOf<T> {
			Parameters::<T>::get()
		}

		/// Sets `who`'s vote hold to what `voting` needs: a raise is taken from free funds
		/// only (the existential deposit and any freeze stay untouched), or fails with
		/// `InsufficientFunds`.
		fn set_vote_hold(who: &T::AccountId, voting: &Voting<T>) -> DispatchResult {
			let reason = HoldReason::Vote.into();
			let held = T::Currency::balance_on_hold(&reason, who);
			let needed = voting.locked();
			if needed > held {
				let raise = needed.saturating_sub(held);
				let free =
					T::Currency::reducible_balance(who, Preservation::Preserve, Fortitude::Polite);
				ensure!(raise <= free, Error::<T>::InsufficientFunds);
				T::Currency::hold(&reason, who, raise)
			} else if needed < held {
				T::Currency::release(&reason, who, held.saturating_sub(needed), Precision::Exact)
					.map(|_| ())
			} else {
				Ok(())
			}
		}

		fn store_voting(who: &T::AccountId, voting: Voting<T>) {
			if voting.is_empty() {
				VotingOf::<T>::remove(who);
			} else {
				VotingOf::<T>::insert(who, voting);
			}
		}

		/// One fewer proposal of `proposer` is being voted on.
		fn end_voting(proposer: &T::AccountId) {
			LiveProposals::<T>::mutate(|live| live.saturating_dec());
			LiveProposalsOf::<T>::mutate_exists(proposer, |live| {
				*live = live.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0)
			});
		}

		/// Sends `proposal`'s held deposit to the treasury (`OnCancel`); returns the amount.
		fn forfeit_deposit(proposal: &Proposal<T>) -> BalanceOf<T> {
			let reason = HoldReason::ProposalDeposit.into();
			let (credit, _) = T::Currency::slash(&reason, &proposal.proposer, proposal.deposit);
			let slashed = credit.peek();
			T::OnCancel::on_unbalanced(credit);
			slashed
		}

		/// Ends the voting on `proposal_id` and schedules the call if it passed. The
		/// deposit is returned when the proposal reached the minimum turnout with at least
		/// a third of the votes for it ([`Tally::refunds_deposit`]); otherwise it goes to
		/// the treasury, so that filling proposal slots with proposals nobody supports, or
		/// that a large majority rejects, costs a deposit per slot and voting period. A
		/// rejected proposal's call bytes are dropped (its events keep its history).
		fn decide(
			proposal_id: ProposalId,
			now: BlockNumberFor<T>,
			parameters: &ParametersOf<T>,
			total_issuance: BalanceOf<T>,
		) {
			let Some(mut proposal) = Proposals::<T>::get(proposal_id) else { return };
			if !matches!(proposal.status, ProposalStatus::Voting { .. }) {
				return;
			}
			let ended_at = now.saturating_sub(One::one());
			let tally = proposal.tally;
			let deposit_slashed = if tally.refunds_deposit(total_issuance, parameters.min_turnout) {
				let released = T::Currency::release(
					&HoldReason::ProposalDeposit.into(),
					&proposal.proposer,
					proposal.deposit,
					Precision::BestEffort,
				);
				debug_assert!(released.is_ok(), "a proposal's deposit is held");
				Zero::zero()
			} else {
				Self::forfeit_deposit(&proposal)
			};
			if tally.passes(total_issuance, parameters.min_turnout, parameters.approval_threshold) {
				let at = now.saturating_add(parameters.enactment_delay);
				if let Some(enact_at) = Self::queue(proposal_id, &mut proposal, ended_at, at, now) {
					Self::deposit_event(Event::ProposalApproved { proposal_id, tally, enact_at });
				}
			} else {
				proposal.status = ProposalStatus::Rejected { ended_at };
				proposal.call = Default::default();
				Self::deposit_event(Event::ProposalRejected {
					proposal_id,
					tally,
					deposit_slashed,
				});
			}
			Self::end_voting(&proposal.proposer);
			Proposals::<T>::insert(proposal_id, proposal);
		}

		/// Queues `proposal_id` for dispatch in block `at`, or the first later block with
		/// room, and returns that block. Never loops: the search stops at the largest block
		/// number, and then returns `None` (each block's list is bounded, and the parameter
		/// bounds keep `at` centuries below that number, so it does not happen).
		pub(crate) fn schedule(
			proposal_id: ProposalId,
			mut at: BlockNumberFor<T>,
		) -> Option<BlockNumberFor<T>> {
			loop {
				if Enactments::<T>::try_append(at, proposal_id).is_ok() {
					return Some(at);
				}
				at = at.checked_add(&One::one())?;
			}
		}

		/// Schedules passed `proposal` for block `at` or later and records where in its
		/// status; if no block has room, records it as enacted without success instead.
		fn queue(
			proposal_id: ProposalId,
			proposal: &mut Proposal<T>,
			ended_at: BlockNumberFor<T>,
			at: BlockNumberFor<T>,
			now: BlockNumberFor<T>,
		) -> Option<BlockNumberFor<T>> {
			let scheduled = Self::schedule(proposal_id, at);
			match scheduled {
				Some(enact_at) => proposal.status = ProposalStatus::Approved { ended_at, enact_at },
				None => {
					let result =
						Err(DispatchError::Other("no block left to enact the proposal in"));
					Self::record_enacted(proposal_id, proposal, ended_at, now, result);
				},
			}
			scheduled
		}

		/// Moves a due proposal that did not fit this block's enactment weight to the next
		/// block with room.
		fn defer(proposal_id: ProposalId, now: BlockNumberFor<T>) {
			let Some(mut proposal) = Proposals::<T>::get(proposal_id) else { return };
			let ProposalStatus::Approved { ended_at, .. } = proposal.status else { return };
			let next = now.saturating_add(One::one());
			if let Some(enact_at) = Self::queue(proposal_id, &mut proposal, ended_at, next, now) {
				Self::deposit_event(Event::EnactmentDeferred { proposal_id, enact_at });
			}
			Proposals::<T>::insert(proposal_id, proposal);
		}

		/// Dispatches a passed proposal's call with Root origin if its declared weight fits
		/// `budget`.
		fn enact(proposal_id: ProposalId, now: BlockNumberFor<T>, budget: Weight) -> Enactment {
			let Some(mut proposal) = Proposals::<T>::get(proposal_id) else {
				return Enactment::Dispatched(Weight::zero());
			};
			let ProposalStatus::Approved { ended_at, .. } = proposal.status else {
				return Enactment::Dispatched(Weight::zero());
			};
			let call = <T as Config>::RuntimeCall::decode_all_with_depth_limit(
				frame_support::MAX_EXTRINSIC_DEPTH,
				&mut &proposal.call[..],
			);
			let (result, weight) = match call {
				Ok(call) => {
					let declared = call.get_dispatch_info().call_weight;
					if declared.all_lte(budget) {
						match call.dispatch(frame_system::RawOrigin::Root.into()) {
							Ok(post) => (Ok(()), post.actual_weight.unwrap_or(declared)),
							Err(error) => (
								Err(error.error),
								error.post_info.actual_weight.unwrap_or(declared),
							),
						}
					} else if budget != T::MaxEnactmentWeight::get() {
						return Enactment::Deferred;
					} else {
						// It does not fit even an untouched block, so it would wait for ever
						// (weights can grow with a runtime upgrade after it was proposed).
						let heavy = "the call is heavier than a block's enactment weight";
						(Err(DispatchError::Other(heavy)), Weight::zero())
					}
				},
				// The runtime changed since the proposal was made.
				Err(_) => {
					(Err(DispatchError::Other("proposal call no longer decodes")), Weight::zero())
				},
			};
			Self::record_enacted(proposal_id, &mut proposal, ended_at, now, result);
			Proposals::<T>::insert(proposal_id, proposal);
			Enactment::Dispatched(weight)
		}

		/// Records that `proposal` was dispatched in block `now` with `result` (or could not
		/// be), dropping its call bytes.
		fn record_enacted(
			proposal_id: ProposalId,
			proposal: &mut Proposal<T>,
			ended_at: BlockNumberFor<T>,
			now: BlockNumberFor<T>,
			result: DispatchResult,
		) {
			proposal.call = Default::default();
			proposal.status =
				ProposalStatus::Enacted { ended_at, at: now, succeeded: result.is_ok() };
			Self::deposit_event(Event::ProposalEnacted { proposal_id, result });
		}

		/// The pallet's invariants:
		/// - each proposal being voted on holds its deposit, sits in the deadline list of
		///   its end, and its tally is the sum of its recorded votes; `LiveProposals`
		///   counts them;
		/// - each account's `VotingOf` lists exactly its recorded votes with their
		///   balances, and its vote hold is the largest of those and its lock (the
		///   maximum, not the sum);
		/// - every approved proposal is queued for enactment.
		// Also built with `std`: the runtime's tests check every pallet's invariants after
		// each step of their attack and property tests.
		#[cfg(any(feature = "try-runtime", feature = "std", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::{BTreeMap, BTreeSet};

			let mut live = 0u32;
			let mut live_of: BTreeMap<T::AccountId, u32> = BTreeMap::new();
			let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
			let queued: BTreeSet<ProposalId> = Enactments::<T>::iter_values().flatten().collect();
			for (proposal_id, proposal) in Proposals::<T>::iter() {
				ensure!(proposal_id < NextProposalId::<T>::get(), "proposal id beyond the counter");
				match proposal.status {
					ProposalStatus::Voting { ends_at } => {
						live += 1;
						live_of.entry(proposal.proposer.clone()).or_default().saturating_inc();
						deposits
							.entry(proposal.proposer.clone())
							.or_default()
							.saturating_accrue(proposal.deposit);
						ensure!(
							Deadlines::<T>::get(ends_at).contains(&proposal_id),
							"live proposal missing from its deadline"
						);
						let mut tally = Tally::default();
						for (_, vote) in Votes::<T>::iter_prefix(proposal_id) {
							tally.add(&vote);
						}
						ensure!(tally == proposal.tally, "tally is not the sum of its votes");
					},
					ProposalStatus::Approved { .. } => ensure!(
						queued.contains(&proposal_id),
						"approved proposal not queued for enactment"
					),
					_ => {},
				}
			}
			ensure!(live == LiveProposals::<T>::get(), "live proposals miscounted");
			ensure!(
				live_of == LiveProposalsOf::<T>::iter().collect::<BTreeMap<_, _>>(),
				"live proposals of an account miscounted"
			);

			let mut voters: BTreeMap<T::AccountId, BTreeMap<ProposalId, BalanceOf<T>>> =
				BTreeMap::new();
			for (proposal_id, who, vote) in Votes::<T>::iter() {
				voters.entry(who).or_default().insert(proposal_id, vote.balance);
			}
			for (who, voting) in VotingOf::<T>::iter() {
				let listed: BTreeMap<_, _> = voting.votes.iter().copied().collect();
				ensure!(
					listed == voters.remove(&who).unwrap_or_default(),
					"VotingOf does not list the account's votes"
				);
				ensure!(
					T::Currency::balance_on_hold(&HoldReason::Vote.into(), &who) == voting.locked(),
					"vote hold is not the max of votes and locks"
				);
			}
			ensure!(voters.is_empty(), "votes of an account without a voting record");
			for who in frame_system::Account::<T>::iter_keys() {
				ensure!(
					T::Currency::balance_on_hold(&HoldReason::ProposalDeposit.into(), &who)
						== deposits.get(&who).copied().unwrap_or_default(),
					"proposal deposit hold mismatch"
				);
				if !VotingOf::<T>::contains_key(&who) {
					ensure!(
						T::Currency::balance_on_hold(&HoldReason::Vote.into(), &who).is_zero(),
						"vote hold without votes or locks"
					);
				}
			}
			Ok(())
		}
	}
}
