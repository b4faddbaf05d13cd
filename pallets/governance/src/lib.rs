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
//!   `vote_locking_period`s after the proposal ends. The balance is **frozen**
//!   (`FreezeReason::Vote`), never moved; an account's votes and locks overlap, so the
//!   freeze is their maximum, not their sum. Voting again replaces the vote;
//!   [`Pallet::remove_vote`] withdraws it (or turns it into its lock once the proposal
//!   ended) and [`Pallet::unlock`] releases what no vote or lock still needs.
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
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use agora_primitives::{Conviction, MarketplaceParameters, ParameterChange};
pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible::{Credit, Inspect};

/// The balance type of the governance currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Slashed deposits on their way to the treasury.
pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

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
			fungible::{self, BalancedHold, Mutate, MutateFreeze, MutateHold},
			tokens::{Precision, Preservation},
			Imbalance, OnUnbalanced,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{Dispatchable, One, Saturating, Zero};

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

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

		/// The currency votes are frozen in and deposits held in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ BalancedHold<Self::AccountId>
			+ MutateFreeze<Self::AccountId, Id = Self::RuntimeFreezeReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The overarching freeze reason.
		type RuntimeFreezeReason: From<FreezeReason>;

		/// Cancels proposals (slashing the deposit), spends the treasury and sets
		/// parameters: Root, i.e. a passed proposal (or sudo on a development chain).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The treasury account `spend` pays from.
		type Treasury: Get<Self::AccountId>;

		/// Where the deposit of a cancelled proposal goes (the treasury).
		type OnCancel: OnUnbalanced<CreditOf<Self>>;

		/// The parameters in force until governance changes them (and the genesis values
		/// unless the chain spec sets others).
		type DefaultParameters: Get<ParametersOf<Self>>;

		/// Longest encoded call a proposal may carry, in bytes.
		#[pallet::constant]
		type MaxProposalLen: Get<u32>;

		/// Heaviest call a proposal may carry: enactment runs it in `on_initialize`.
		#[pallet::constant]
		type MaxCallWeight: Get<Weight>;

		/// Most proposals being voted on at once.
		#[pallet::constant]
		type MaxLiveProposals: Get<u32>;

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
	}

	/// Why the pallet freezes funds.
	#[pallet::composite_enum]
	pub enum FreezeReason {
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
				assert!(parameters.validate().is_ok(), "genesis parameters are invalid");
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
		/// `who`'s governance freeze now covers `frozen`.
		Unlocked { who: T::AccountId, frozen: BalanceOf<T> },
		/// Voting ended and the proposal passed; it is dispatched in block `enact_at`.
		ProposalApproved {
			proposal_id: ProposalId,
			tally: Tally<BalanceOf<T>>,
			enact_at: BlockNumberFor<T>,
		},
		/// Voting ended and the proposal failed on turnout or approval.
		ProposalRejected { proposal_id: ProposalId, tally: Tally<BalanceOf<T>> },
		/// The proposal's call was dispatched with Root origin; `result` is what it returned.
		ProposalEnacted { proposal_id: ProposalId, result: DispatchResult },
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
		/// Proposal ids are exhausted.
		ProposalIdOverflow,
		/// No proposal has this id.
		UnknownProposal,
		/// The proposal is not being voted on.
		VotingClosed,
		/// A vote of zero balance.
		ZeroBalance,
		/// The account's balance is below the balance voted.
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
		/// A period set to zero blocks.
		ZeroPeriod,
		/// An approval threshold of zero.
		ZeroApprovalThreshold,
	}

	impl<T> From<InvalidParameters> for Error<T> {
		fn from(error: InvalidParameters) -> Self {
			match error {
				InvalidParameters::ZeroAmount => Error::ZeroParameterAmount,
				InvalidParameters::ZeroPeriod => Error::ZeroPeriod,
				InvalidParameters::ZeroApprovalThreshold => Error::ZeroApprovalThreshold,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Decides the proposals whose voting ended with the previous block and dispatches
		/// those due now. Both lists are bounded by `MaxLiveProposals`.
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
			for proposal_id in due {
				weight.saturating_accrue(Self::enact(proposal_id, now));
			}
			weight
		}

		fn integrity_test() {
			assert!(T::MaxLiveProposals::get() > 0, "MaxLiveProposals must be positive");
			assert!(T::MaxVotesPerAccount::get() > 0, "MaxVotesPerAccount must be positive");
			assert!(
				T::DefaultParameters::get().validate().is_ok(),
				"DefaultParameters must be valid"
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
			Self::deposit_event(Event::Proposed { proposal_id, proposer, deposit, ends_at });
			Ok(())
		}

		/// Vote on a proposal being voted on with `balance` (frozen, not moved) and
		/// `conviction`; replaces the caller's earlier vote on it.
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
			ensure!(balance <= T::Currency::total_balance(&who), Error::<T>::InsufficientFunds);
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
			Self::set_freeze(&who, &voting)?;
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
			Self::set_freeze(&who, &voting)?;
			Self::store_voting(&who, voting);
			Votes::<T>::remove(proposal_id, &who);
			Self::deposit_event(Event::VoteRemoved { proposal_id, who, locked_until });
			Ok(())
		}

		/// Shrink `who`'s governance freeze to what its recorded votes and unexpired locks
		/// still need. Anyone may call it for anyone.
		#[pallet::call_index(3)]
		pub fn unlock(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			ensure_signed(origin)?;
			ensure!(VotingOf::<T>::contains_key(&who), Error::<T>::NothingToUnlock);
			let mut voting = VotingOf::<T>::get(&who);
			voting.prior.expire(frame_system::Pallet::<T>::block_number());
			let frozen = voting.frozen();
			Self::set_freeze(&who, &voting)?;
			Self::store_voting(&who, voting);
			Self::deposit_event(Event::Unlocked { who, frozen });
			Ok(())
		}

		/// Withdraw (the proposer, before any vote: the deposit is returned) or cancel (the
		/// governance origin: the deposit is slashed to the treasury) a proposal being voted
		/// on.
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
			let reason = HoldReason::ProposalDeposit.into();
			let slashed = match signer {
				None => {
					let (credit, _) =
						T::Currency::slash(&reason, &proposal.proposer, proposal.deposit);
					let slashed = credit.peek();
					T::OnCancel::on_unbalanced(credit);
					slashed
				},
				Some(caller) => {
					ensure!(caller == proposal.proposer, Error::<T>::NotProposer);
					ensure!(proposal.tally.turnout.is_zero(), Error::<T>::ProposalHasVotes);
					T::Currency::release(
						&reason,
						&proposal.proposer,
						proposal.deposit,
						Precision::BestEffort,
					)?;
					Zero::zero()
				},
			};
			Deadlines::<T>::mutate(ends_at, |ids| ids.retain(|id| *id != proposal_id));
			proposal.status =
				ProposalStatus::Cancelled { at: frame_system::Pallet::<T>::block_number() };
			Proposals::<T>::insert(proposal_id, proposal);
			LiveProposals::<T>::mutate(|live| live.saturating_dec());
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

		/// Governance origin only: change marketplace parameters. The result must be a
		/// usable set (positive minimum deposits and bonds, positive periods, a positive
		/// approval threshold); a refused set changes nothing.
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
			parameters.validate().map_err(Error::<T>::from)?;
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

		/// Sets `who`'s governance freeze to what `voting` needs.
		fn set_freeze(who: &T::AccountId, voting: &Voting<T>) -> DispatchResult {
			let reason = FreezeReason::Vote.into();
			match voting.frozen() {
				amount if amount.is_zero() => T::Currency::thaw(&reason, who),
				amount => T::Currency::set_freeze(&reason, who, amount),
			}
		}

		fn store_voting(who: &T::AccountId, voting: Voting<T>) {
			if voting.is_empty() {
				VotingOf::<T>::remove(who);
			} else {
				VotingOf::<T>::insert(who, voting);
			}
		}

		/// Ends the voting on `proposal_id`: returns the deposit and schedules the call if
		/// it passed.
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
			let released = T::Currency::release(
				&HoldReason::ProposalDeposit.into(),
				&proposal.proposer,
				proposal.deposit,
				Precision::BestEffort,
			);
			debug_assert!(released.is_ok(), "a proposal's deposit is held");
			let tally = proposal.tally;
			if tally.passes(total_issuance, parameters.min_turnout, parameters.approval_threshold) {
				let enact_at =
					Self::schedule(proposal_id, now.saturating_add(parameters.enactment_delay));
				proposal.status = ProposalStatus::Approved { ended_at, enact_at };
				Self::deposit_event(Event::ProposalApproved { proposal_id, tally, enact_at });
			} else {
				proposal.status = ProposalStatus::Rejected { ended_at };
				Self::deposit_event(Event::ProposalRejected { proposal_id, tally });
			}
			Proposals::<T>::insert(proposal_id, proposal);
			LiveProposals::<T>::mutate(|live| live.saturating_dec());
		}

		/// Queues `proposal_id` for dispatch in block `at`, or the first later block with
		/// room; returns that block.
		fn schedule(proposal_id: ProposalId, mut at: BlockNumberFor<T>) -> BlockNumberFor<T> {
			while Enactments::<T>::try_append(at, proposal_id).is_err() {
				at.saturating_inc();
			}
			at
		}

		/// Dispatches a passed proposal's call with Root origin; returns the call's weight.
		fn enact(proposal_id: ProposalId, now: BlockNumberFor<T>) -> Weight {
			let Some(mut proposal) = Proposals::<T>::get(proposal_id) else {
				return Weight::zero();
			};
			let ProposalStatus::Approved { ended_at, .. } = proposal.status else {
				return Weight::zero();
			};
			let call = <T as Config>::RuntimeCall::decode_all_with_depth_limit(
				frame_support::MAX_EXTRINSIC_DEPTH,
				&mut &proposal.call[..],
			);
			let (result, weight) = match call {
				Ok(call) => {
					let declared = call.get_dispatch_info().call_weight;
					match call.dispatch(frame_system::RawOrigin::Root.into()) {
						Ok(post) => (Ok(()), post.actual_weight.unwrap_or(declared)),
						Err(error) => {
							(Err(error.error), error.post_info.actual_weight.unwrap_or(declared))
						},
					}
				},
				// The runtime changed since the proposal was made.
				Err(_) => {
					(Err(DispatchError::Other("proposal call no longer decodes")), Weight::zero())
				},
			};
			proposal.call = Default::default();
			proposal.status =
				ProposalStatus::Enacted { ended_at, at: now, succeeded: result.is_ok() };
			Proposals::<T>::insert(proposal_id, proposal);
			Self::deposit_event(Event::ProposalEnacted { proposal_id, result });
			weight
		}

		/// The pallet's invariants:
		/// - each proposal being voted on holds its deposit, sits in the deadline list of
		///   its end, and its tally is the sum of its recorded votes; `LiveProposals`
		///   counts them;
		/// - each account's `VotingOf` lists exactly its recorded votes with their
		///   balances, and its governance freeze is the largest of those and its lock
		///   (the maximum, not the sum);
		/// - every approved proposal is queued for enactment.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::{BTreeMap, BTreeSet};
			use frame_support::traits::fungible::{InspectFreeze, InspectHold};

			let mut live = 0u32;
			let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
			let queued: BTreeSet<ProposalId> = Enactments::<T>::iter_values().flatten().collect();
			for (proposal_id, proposal) in Proposals::<T>::iter() {
				ensure!(proposal_id < NextProposalId::<T>::get(), "proposal id beyond the counter");
				match proposal.status {
					ProposalStatus::Voting { ends_at } => {
						live += 1;
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
					T::Currency::balance_frozen(&FreezeReason::Vote.into(), &who)
						== voting.frozen(),
					"governance freeze is not the max of votes and locks"
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
						T::Currency::balance_frozen(&FreezeReason::Vote.into(), &who).is_zero(),
						"governance freeze without votes or locks"
					);
				}
			}
			Ok(())
		}
	}
}
