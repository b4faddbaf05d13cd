//! The records pallet-governance keeps.

use crate::{BalanceOf, Config};
use agora_primitives::{ParameterSet, ProposalId, ProposalStatus, Tally};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::{traits::Zero, Perbill};

/// A proposal: a call dispatched with Root origin if token holders approve it. The
/// proposer's `deposit` is held under `HoldReason::ProposalDeposit` while it is voted on.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Proposal<T: Config> {
	/// Who proposed it.
	pub proposer: T::AccountId,
	/// The SCALE-encoded call; emptied once enacted.
	pub call: BoundedVec<u8, T::MaxProposalLen>,
	/// Held while it is voted on.
	pub deposit: BalanceOf<T>,
	/// Votes so far.
	pub tally: Tally<BalanceOf<T>>,
	/// Where it stands.
	pub status: ProposalStatus<BlockNumberFor<T>>,
	/// Block it was proposed in.
	pub proposed_at: BlockNumberFor<T>,
}

/// What an account's vote hold must cover once its votes are removed: the
/// largest balance voted with a conviction on the winning side, until the latest end of
/// those locks (like pallet-conviction-voting's prior lock).
#[derive(
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	DefaultNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct PriorLock<T: Config> {
	/// First block in which the lock no longer applies.
	pub until: BlockNumberFor<T>,
	/// Balance locked.
	pub amount: BalanceOf<T>,
}

impl<T: Config> PriorLock<T> {
	/// Merges in a lock of `amount` until `until`: the larger amount, the later end.
	pub fn accumulate(&mut self, until: BlockNumberFor<T>, amount: BalanceOf<T>) {
		self.until = self.until.max(until);
		self.amount = self.amount.max(amount);
	}

	/// Forgets the lock if it has ended by `now`.
	pub fn expire(&mut self, now: BlockNumberFor<T>) {
		if self.until <= now {
			*self = Self::default();
		}
	}
}

/// An account's votes and locks.
#[derive(
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	DefaultNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Voting<T: Config> {
	/// The proposals it has a recorded vote on, with the balance voted.
	pub votes: BoundedVec<(ProposalId, BalanceOf<T>), T::MaxVotesPerAccount>,
	/// Locks left by removed votes.
	pub prior: PriorLock<T>,
}

impl<T: Config> Voting<T> {
	/// The balance the account's vote hold must cover: overlapping votes and locks need
	/// the largest of them, not their sum.
	pub fn locked(&self) -> BalanceOf<T> {
		self.votes.iter().map(|(_, balance)| *balance).fold(self.prior.amount, Ord::max)
	}

	/// Whether nothing is recorded (the record can be removed).
	pub fn is_empty(&self) -> bool {
		self.votes.is_empty() && self.prior.amount.is_zero()
	}
}

/// What enactment did with a due proposal.
pub enum Enactment {
	/// Dispatched (or dropped, when it was no longer approved) for this weight.
	Dispatched(frame_support::weights::Weight),
	/// Its call declares more weight than the block has left: it waits.
	Deferred,
}

/// The parameters of governance itself that it changes without a runtime upgrade
/// ([`crate::Pallet::set_parameters`]), kept in this pallet's `Parameters` storage.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GovernanceParameters<Balance, BlockNumber> {
	/// Deposit per proposal.
	pub proposal_deposit: Balance,
	/// Blocks a proposal is open for votes.
	pub voting_period: BlockNumber,
	/// Blocks between a proposal passing and its dispatch.
	pub enactment_delay: BlockNumber,
	/// Base lock period of conviction votes, in blocks.
	pub vote_locking_period: BlockNumber,
	/// Share of total issuance that must vote for a proposal to pass.
	pub min_turnout: Perbill,
	/// Share of conviction-weighted votes that must be ayes for a proposal to pass.
	pub approval_threshold: Perbill,
}

/// A new value for one of the [`GovernanceParameters`].
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum ParameterChange<Balance, BlockNumber> {
	/// Sets [`GovernanceParameters::proposal_deposit`].
	ProposalDeposit(Balance),
	/// Sets [`GovernanceParameters::voting_period`].
	VotingPeriod(BlockNumber),
	/// Sets [`GovernanceParameters::enactment_delay`].
	EnactmentDelay(BlockNumber),
	/// Sets [`GovernanceParameters::vote_locking_period`].
	VoteLockingPeriod(BlockNumber),
	/// Sets [`GovernanceParameters::min_turnout`].
	MinTurnout(Perbill),
	/// Sets [`GovernanceParameters::approval_threshold`].
	ApprovalThreshold(Perbill),
}

impl<Balance: Clone, BlockNumber: Clone> ParameterSet
	for GovernanceParameters<Balance, BlockNumber>
{
	type Change = ParameterChange<Balance, BlockNumber>;

	fn apply(&mut self, change: Self::Change) {
		use ParameterChange::*;
		match change {
			ProposalDeposit(v) => self.proposal_deposit = v,
			VotingPeriod(v) => self.voting_period = v,
			EnactmentDelay(v) => self.enactment_delay = v,
			VoteLockingPeriod(v) => self.vote_locking_period = v,
			MinTurnout(v) => self.min_turnout = v,
			ApprovalThreshold(v) => self.approval_threshold = v,
		}
	}
}

/// The limits every set of [`GovernanceParameters`] must respect, so that no value
/// governance can set leaves the chain ungovernable. Runtime constants: only a runtime
/// upgrade changes them, never a parameter change.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ParameterBounds<Balance, BlockNumber> {
	/// Largest proposal deposit: above it, holders could no longer propose (and so never
	/// lower it again).
	pub max_amount: Balance,
	/// Longest voting period, enactment delay or vote locking period: keeps every block
	/// number governance computes far from overflow.
	pub max_period: BlockNumber,
	/// Shortest voting period: holders must have time to see a proposal and vote.
	pub min_voting_period: BlockNumber,
	/// Smallest minimum turnout: below it, a handful of tokens could pass any call.
	pub min_min_turnout: Perbill,
	/// Largest minimum turnout: above it, passive holders could block every proposal,
	/// runtime upgrades included.
	pub max_min_turnout: Perbill,
	/// Smallest approval threshold: a proposal needs a strict majority of votes.
	pub min_approval_threshold: Perbill,
	/// Largest approval threshold: a small minority must not veto everything.
	pub max_approval_threshold: Perbill,
}
