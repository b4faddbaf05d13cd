//! Token-holder governance: proposals and conviction votes.

use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{traits::AtLeast32BitUnsigned, ArithmeticError, Perbill};

/// Identifies a proposal; assigned from a counter, never reused.
pub type ProposalId = u32;

/// How strongly a vote counts, and for how long its balance stays locked after the
/// proposal ends (in `VoteLockingPeriod`s), as in Polkadot.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	Default,
)]
pub enum Conviction {
	/// 0.1× the balance; no lock after the proposal ends.
	#[default]
	None,
	/// 1×, locked for 1 period.
	Locked1x,
	/// 2×, locked for 2 periods.
	Locked2x,
	/// 3×, locked for 4 periods.
	Locked3x,
	/// 4×, locked for 8 periods.
	Locked4x,
	/// 5×, locked for 16 periods.
	Locked5x,
	/// 6×, locked for 32 periods.
	Locked6x,
}

impl Conviction {
	/// Every conviction, weakest first.
	pub const ALL: [Conviction; 7] = [
		Conviction::None,
		Conviction::Locked1x,
		Conviction::Locked2x,
		Conviction::Locked3x,
		Conviction::Locked4x,
		Conviction::Locked5x,
		Conviction::Locked6x,
	];

	/// The votes `balance` casts with this conviction.
	pub fn votes<B: AtLeast32BitUnsigned + Copy>(self, balance: B) -> B {
		match self {
			Conviction::None => balance / B::from(10u32),
			other => balance.saturating_mul(B::from(other.multiplier())),
		}
	}

	/// Locking periods after the proposal ends: 0, 1, 2, 4, 8, 16, 32.
	pub fn lock_periods(self) -> u32 {
		match self {
			Conviction::None => 0,
			other => 1 << (other.multiplier() - 1),
		}
	}

	fn multiplier(self) -> u32 {
		match self {
			Conviction::None => 0,
			Conviction::Locked1x => 1,
			Conviction::Locked2x => 2,
			Conviction::Locked3x => 3,
			Conviction::Locked4x => 4,
			Conviction::Locked5x => 5,
			Conviction::Locked6x => 6,
		}
	}
}

/// Votes on a proposal so far.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	Default,
)]
pub struct Tally<Balance> {
	/// Conviction-weighted votes for.
	pub ayes: Balance,
	/// Conviction-weighted votes against.
	pub nays: Balance,
	/// Balance that voted either way, without conviction.
	pub turnout: Balance,
}

impl<B: AtLeast32BitUnsigned + Copy> Tally<B> {
	/// Counts `vote`. Fails with `Overflow`, changing nothing, if a total would not fit:
	/// a tally that saturated would no longer be the sum of its votes.
	pub fn add(&mut self, vote: &Vote<B>) -> Result<(), ArithmeticError> {
		self.apply(vote, B::checked_add, ArithmeticError::Overflow)
	}

	/// Stops counting `vote`. Fails with `Underflow`, changing nothing, if the tally does
	/// not hold it: removing a vote that was never counted is a bug to report, not to
	/// paper over with zero.
	pub fn remove(&mut self, vote: &Vote<B>) -> Result<(), ArithmeticError> {
		self.apply(vote, B::checked_sub, ArithmeticError::Underflow)
	}

	fn apply(
		&mut self,
		vote: &Vote<B>,
		op: fn(&B, &B) -> Option<B>,
		error: ArithmeticError,
	) -> Result<(), ArithmeticError> {
		let votes = vote.conviction.votes(vote.balance);
		let (ayes, nays) = if vote.aye {
			(op(&self.ayes, &votes).ok_or(error)?, self.nays)
		} else {
			(self.ayes, op(&self.nays, &votes).ok_or(error)?)
		};
		let turnout = op(&self.turnout, &vote.balance).ok_or(error)?;
		*self = Tally { ayes, nays, turnout };
		Ok(())
	}

	/// Whether the proposer gets its deposit back: the turnout was reached and at least a
	/// third of the conviction-weighted votes were ayes. A proposal nobody turns out for,
	/// or that a two-thirds majority votes down, costs its deposit.
	pub fn refunds_deposit(&self, total_issuance: B, min_turnout: Perbill) -> bool {
		self.reaches_turnout(total_issuance, min_turnout)
			&& self.ayes.saturating_mul(B::from(3u32)) >= self.ayes.saturating_add(self.nays)
	}

	/// Whether the turnout is at least `min_turnout` of `total_issuance`.
	pub fn reaches_turnout(&self, total_issuance: B, min_turnout: Perbill) -> bool {
		self.turnout >= min_turnout.mul_ceil(total_issuance)
	}

	/// Whether the proposal passes: turnout at least `min_turnout` of `total_issuance`,
	/// and ayes (at least one) at least `approval_threshold` of ayes + nays.
	pub fn passes(
		&self,
		total_issuance: B,
		min_turnout: Perbill,
		approval_threshold: Perbill,
	) -> bool {
		// Rounded up: "at least 50.0000001 %" of 10 votes is 6, not 5.
		self.reaches_turnout(total_issuance, min_turnout)
			&& !self.ayes.is_zero()
			&& self.ayes >= approval_threshold.mul_ceil(self.ayes.saturating_add(self.nays))
	}
}

/// Where a proposal stands.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum ProposalStatus<BlockNumber> {
	/// Open for votes until the end of block `ends_at`.
	Voting { ends_at: BlockNumber },
	/// Passed at `ended_at`; dispatched with Root origin at `enact_at`.
	Approved { ended_at: BlockNumber, enact_at: BlockNumber },
	/// Dispatched at `at`; `succeeded` tells whether the call returned Ok.
	Enacted { ended_at: BlockNumber, at: BlockNumber, succeeded: bool },
	/// Failed turnout or approval at `ended_at`.
	Rejected { ended_at: BlockNumber },
	/// Withdrawn by its proposer or cancelled by governance at `at`.
	Cancelled { at: BlockNumber },
}

/// A vote of an account.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Vote<Balance> {
	/// For or against.
	pub aye: bool,
	/// Balance voted (held, never moved).
	pub balance: Balance,
	/// Its conviction.
	pub conviction: Conviction,
}

/// A proposal as the `GovernanceApi` runtime API shows it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ProposalInfo<AccountId, Balance, BlockNumber> {
	/// Its id.
	pub id: ProposalId,
	/// Who proposed it.
	pub proposer: AccountId,
	/// The SCALE-encoded call it dispatches with Root origin (empty once enacted).
	pub call: Vec<u8>,
	/// Deposit held while it is voted on.
	pub deposit: Balance,
	/// Votes so far.
	pub tally: Tally<Balance>,
	/// Where it stands.
	pub status: ProposalStatus<BlockNumber>,
	/// Block it was proposed in.
	pub proposed_at: BlockNumber,
}

/// The most proposals one `proposals` call returns.
pub const MAX_PROPOSALS_PAGE: u32 = 100;

sp_api::decl_runtime_apis! {
	/// Read access to proposals and votes, for the `agora_*` RPC and wallets.
	///
	/// Version 2: `parameters()` is gone. The parameters are each pallet's own; clients
	/// read them from its `Parameters` storage (`@agora/client`'s `marketplaceParameters`).
	#[api_version(2)]
	pub trait GovernanceApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Up to `limit` (at most [`MAX_PROPOSALS_PAGE`]) proposals with ids above
		/// `start_after`, in id order, with their tallies and status.
		fn proposals(
			start_after: Option<ProposalId>,
			limit: u32,
		) -> Vec<ProposalInfo<AccountId, Balance, BlockNumber>>;

		/// The recorded votes of `who`, by proposal, and the balance its votes and
		/// conviction locks hold.
		fn votes_of(who: AccountId) -> (Vec<(ProposalId, Vote<Balance>)>, Balance);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn conviction_weights_and_lock_periods_are_polkadots() {
		let all = Conviction::ALL;
		assert_eq!(all.map(|c| c.votes(100u128)), [10, 100, 200, 300, 400, 500, 600]);
		assert_eq!(all.map(|c| c.lock_periods()), [0, 1, 2, 4, 8, 16, 32]);
	}

	#[test]
	fn a_tally_passes_on_turnout_and_approval() {
		let vote = |aye, balance, conviction| Vote { aye, balance, conviction };
		let mut tally = Tally::<u128>::default();
		tally.add(&vote(true, 300, Conviction::Locked2x)).unwrap();
		tally.add(&vote(false, 500, Conviction::Locked1x)).unwrap();
		assert_eq!(tally, Tally { ayes: 600, nays: 500, turnout: 800 });
		let half = Perbill::from_percent(50);
		assert!(tally.passes(1_000, Perbill::from_percent(80), half));
		assert!(!tally.passes(1_001, Perbill::from_percent(80), half)); // turnout
		assert!(!tally.passes(1_000, half, Perbill::from_percent(55))); // approval
		tally.remove(&vote(true, 300, Conviction::Locked2x)).unwrap();
		assert_eq!(tally, Tally { ayes: 0, nays: 500, turnout: 500 });
		assert!(!tally.passes(1_000, Perbill::zero(), Perbill::from_parts(1)));
		// A tie passes only a threshold of at most 50 %.
		let tie = Tally::<u128> { ayes: 5, nays: 5, turnout: 10 };
		assert!(tie.passes(10, Perbill::zero(), half));
		assert!(!tie.passes(10, Perbill::zero(), Perbill::from_parts(500_000_001)));
	}

	#[test]
	fn a_tally_refuses_to_overflow_or_to_remove_what_it_never_counted() {
		let vote = |aye, balance| Vote { aye, balance, conviction: Conviction::Locked1x };
		let full = Tally::<u128> { ayes: u128::MAX - 1, nays: 7, turnout: 100 };
		let mut tally = full;
		assert_eq!(tally.add(&vote(true, 2)), Err(ArithmeticError::Overflow));
		assert_eq!(tally, full, "a failed add changes nothing");
		let mut turnout_full = Tally::<u128> { ayes: 0, nays: 0, turnout: u128::MAX };
		assert_eq!(turnout_full.add(&vote(false, 1)), Err(ArithmeticError::Overflow));
		assert_eq!(turnout_full, Tally { ayes: 0, nays: 0, turnout: u128::MAX });

		let mut tally = Tally::<u128> { ayes: 0, nays: 7, turnout: 7 };
		assert_eq!(tally.remove(&vote(true, 1)), Err(ArithmeticError::Underflow));
		assert_eq!(tally.remove(&vote(false, 8)), Err(ArithmeticError::Underflow));
		assert_eq!(
			tally,
			Tally { ayes: 0, nays: 7, turnout: 7 },
			"a failed remove changes nothing"
		);
		assert_eq!(tally.remove(&vote(false, 7)), Ok(()));
		assert_eq!(tally, Tally::default());
	}
}
