//! The records pallet-governance keeps.

use crate::{BalanceOf, Config};
use agora_primitives::{ProposalId, ProposalStatus, Tally};
use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{
	BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::traits::Zero;

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
