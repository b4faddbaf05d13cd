//! The records pallet-rewards keeps, and the reward-per-share arithmetic of dataset pools.

use crate::{BalanceOf, Config};
use agora_primitives::{CampaignKind, ContributionStatus, DatasetId, ParameterSet};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_core::{H256, U256};
use sp_runtime::traits::{Saturating, UniqueSaturatedInto, Zero};

/// Scale of [`Dataset::reward_per_share`]: 10^18 fractional steps per planck, so rounding
/// loses less than a planck per distribution however many shares there are.
pub const PRECISION: u128 = 1_000_000_000_000_000_000;

/// `amount` as a 256-bit number.
pub fn to_u256<B: UniqueSaturatedInto<u128>>(amount: B) -> U256 {
	U256::from(amount.unique_saturated_into())
}

/// A registered dataset and its revenue pool. The curator's `deposit` is held under
/// `HoldReason::DatasetDeposit`; the pool's funds sit in the pallet account.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Dataset<T: Config> {
	/// Reviews contributions; receives revenue while nobody holds shares.
	pub curator: T::AccountId,
	/// Its name.
	pub name: BoundedVec<u8, T::MaxNameLen>,
	/// Where its description lives.
	pub metadata_uri: BoundedVec<u8, T::MaxUriLen>,
	/// Hash of that description.
	pub metadata_hash: H256,
	/// Held from the curator for the dataset's storage.
	pub deposit: BalanceOf<T>,
	/// Sum of all contributors' shares.
	pub total_shares: u128,
	/// Revenue per share ever distributed, × [`PRECISION`].
	pub reward_per_share: U256,
	/// Distributed revenue × [`PRECISION`] that did not divide evenly over the shares;
	/// carried into the next distribution.
	pub carry: U256,
	/// Revenue received and not yet claimed (curator revenue and dust included).
	pub pool: BalanceOf<T>,
	/// Revenue received while nobody held shares, claimable by the curator.
	pub curator_owed: BalanceOf<T>,
	/// All revenue ever received.
	pub total_revenue: BalanceOf<T>,
	/// Contributions waiting for review.
	pub pending_contributions: u32,
}

impl<T: Config> Dataset<T> {
	/// A new dataset without shares or revenue.
	pub fn new(
		curator: T::AccountId,
		name: BoundedVec<u8, T::MaxNameLen>,
		metadata_uri: BoundedVec<u8, T::MaxUriLen>,
		metadata_hash: H256,
		deposit: BalanceOf<T>,
	) -> Self {
		Dataset {
			curator,
			name,
			metadata_uri,
			metadata_hash,
			deposit,
			total_shares: 0,
			reward_per_share: U256::zero(),
			carry: U256::zero(),
			pool: Zero::zero(),
			curator_owed: Zero::zero(),
			total_revenue: Zero::zero(),
			pending_contributions: 0,
		}
	}

	/// Takes `amount` of revenue into the pool: spread over the shares (returns `true`),
	/// or owed to the curator when nobody holds shares (returns `false`).
	pub fn receive(&mut self, amount: BalanceOf<T>) -> bool {
		self.pool.saturating_accrue(amount);
		self.total_revenue.saturating_accrue(amount);
		match self.spread(amount) {
			Some((reward_per_share, carry)) => {
				self.reward_per_share = reward_per_share;
				self.carry = carry;
				true
			},
			None => {
				self.curator_owed.saturating_accrue(amount);
				false
			},
		}
	}

	/// The accumulator and carry after spreading `amount` over the shares; `None` without
	/// shares (or on an overflow no real supply reaches).
	fn spread(&self, amount: BalanceOf<T>) -> Option<(U256, U256)> {
		let shares = U256::from(self.total_shares);
		if shares.is_zero() {
			return None;
		}
		let scaled = to_u256(amount).checked_mul(PRECISION.into())?.checked_add(self.carry)?;
		Some((self.reward_per_share.checked_add(scaled / shares)?, scaled % shares))
	}
}

/// A contributor's shares in a dataset.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug, Default)]
pub struct Stake {
	/// Accepted units.
	pub shares: u128,
	/// Part of `shares × reward_per_share` that is not owed: what was distributed before
	/// the shares were acquired, and what was already paid (both × [`PRECISION`]).
	pub reward_debt: U256,
}

impl Stake {
	/// What the stake is owed at `reward_per_share`, × [`PRECISION`]; `None` if the
	/// records are inconsistent (more paid than earned) or overflow.
	pub fn owed_scaled(&self, reward_per_share: U256) -> Option<U256> {
		U256::from(self.shares)
			.checked_mul(reward_per_share)?
			.checked_sub(self.reward_debt)
	}

	/// Adds `units` shares acquired at `reward_per_share`: they earn only what is
	/// distributed from now on.
	pub fn add_shares(&mut self, units: u64, reward_per_share: U256) -> Option<()> {
		let earned_before = U256::from(units).checked_mul(reward_per_share)?;
		self.reward_debt = self.reward_debt.checked_add(earned_before)?;
		self.shares = self.shares.checked_add(units.into())?;
		Some(())
	}

	/// The whole planck owed at `reward_per_share` (the fraction of a planck stays owed).
	pub fn claimable(&self, reward_per_share: U256) -> Option<u128> {
		u128::try_from(self.owed_scaled(reward_per_share)? / U256::from(PRECISION)).ok()
	}

	/// Marks what is [`Self::claimable`] as paid and returns it.
	pub fn take_owed(&mut self, reward_per_share: U256) -> Option<u128> {
		let whole = self.claimable(reward_per_share)?;
		let paid_scaled = U256::from(whole).checked_mul(PRECISION.into())?;
		self.reward_debt = self.reward_debt.checked_add(paid_scaled)?;
		Some(whole)
	}
}

/// A contribution to a dataset. Pending ones hold `deposit` under
/// `HoldReason::ContributionDeposit`; accepted ones stay as the dataset's record.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Contribution<T: Config> {
	/// The dataset.
	pub dataset: DatasetId,
	/// Who contributed.
	pub contributor: T::AccountId,
	/// Hash of the contributed content.
	pub content_hash: H256,
	/// Units claimed: the shares it earns when accepted.
	pub units: u64,
	/// Held while pending; zero once accepted.
	pub deposit: BalanceOf<T>,
	/// Pending or accepted.
	pub status: ContributionStatus,
	/// Block it was submitted in.
	pub submitted_at: BlockNumberFor<T>,
}

/// A reward campaign. `available + committed` sits in the pallet account.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Campaign<T: Config> {
	/// Who funded it and gets the rest back.
	pub sponsor: T::AccountId,
	/// What it pays for.
	pub kind: CampaignKind,
	/// Budget not promised to any submission.
	pub available: BalanceOf<T>,
	/// Budget promised to pending submissions.
	pub committed: BalanceOf<T>,
	/// Paid per approved unit.
	pub reward_per_unit: BalanceOf<T>,
	/// Last block that takes submissions.
	pub deadline: BlockNumberFor<T>,
	/// Who reviews; a submission's votes are a bit per reviewer, in this order.
	pub reviewers: BoundedVec<T::AccountId, T::MaxReviewers>,
	/// Approvals that pay a submission.
	pub required_approvals: u32,
	/// Where its description lives.
	pub metadata_uri: BoundedVec<u8, T::MaxUriLen>,
	/// Submissions waiting for reviews.
	pub pending_submissions: u32,
}

impl<T: Config> Campaign<T> {
	/// Whether `rejections` reviewers are a majority, which rejects a submission.
	pub fn is_rejecting_majority(&self, rejections: u32) -> bool {
		rejections.saturating_mul(2) > self.reviewers.len() as u32
	}
}

/// Work submitted to a campaign, waiting for reviews; its `deposit` is held under
/// `HoldReason::SubmissionDeposit` and its `reward` is committed from the budget.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Submission<T: Config> {
	/// Who did the work.
	pub contributor: T::AccountId,
	/// Hash of the work.
	pub content_hash: H256,
	/// Units of work.
	pub units: u64,
	/// `units × reward_per_unit`, paid on approval.
	pub reward: BalanceOf<T>,
	/// Held until the submission is decided.
	pub deposit: BalanceOf<T>,
	/// Bit `i` set: reviewer `i` approved.
	pub approvals: u32,
	/// Bit `i` set: reviewer `i` rejected.
	pub rejections: u32,
	/// Block it was submitted in.
	pub submitted_at: BlockNumberFor<T>,
}

/// The parameters of this pallet that governance changes without a runtime upgrade
/// ([`crate::Pallet::set_parameters`]), kept in its `Parameters` storage.
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
pub struct RewardParameters<Balance> {
	/// Held from a curator per registered dataset.
	pub dataset_deposit: Balance,
	/// Held from a contributor per pending contribution.
	pub contribution_deposit: Balance,
	/// Held from a contributor per pending campaign submission.
	pub submission_deposit: Balance,
}

/// A new value for one of the [`RewardParameters`].
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum ParameterChange<Balance> {
	/// Sets [`RewardParameters::dataset_deposit`].
	DatasetDeposit(Balance),
	/// Sets [`RewardParameters::contribution_deposit`].
	ContributionDeposit(Balance),
	/// Sets [`RewardParameters::submission_deposit`].
	SubmissionDeposit(Balance),
}

impl<Balance: Clone> ParameterSet for RewardParameters<Balance> {
	type Change = ParameterChange<Balance>;

	fn apply(&mut self, change: Self::Change) {
		match change {
			ParameterChange::DatasetDeposit(v) => self.dataset_deposit = v,
			ParameterChange::ContributionDeposit(v) => self.contribution_deposit = v,
			ParameterChange::SubmissionDeposit(v) => self.submission_deposit = v,
		}
	}
}
