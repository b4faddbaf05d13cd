//! Contributor rewards: the vocabulary of pallet-rewards that the runtime API, the RPC
//! and clients share.
//!
//! Contributors earn AGR two ways: as shareholders of a dataset, from the revenue of the
//! services built on it, and from campaigns (bounties) that pay per reviewed unit of work.

use crate::services::DatasetId;
use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;

/// Identifies a contribution to a dataset; assigned from a counter, never reused.
pub type ContributionId = u64;

/// Identifies a reward campaign; assigned from a counter, never reused.
pub type CampaignId = u64;

/// Identifies work submitted to a campaign; assigned from a counter, never reused.
pub type SubmissionId = u64;

/// What a campaign pays for.
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
pub enum CampaignKind {
	/// New training or evaluation data.
	DataContribution,
	/// Labels for existing data.
	Labeling,
	/// Checking what models produced.
	OutputValidation,
	/// Compute time.
	Compute,
}

/// Where a contribution stands. Rejected contributions are removed.
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
pub enum ContributionStatus {
	/// Waiting for the curator; its deposit is held.
	Pending,
	/// Its units became the contributor's shares in the dataset.
	Accepted,
}

/// Tells pallet-services which datasets exist (implemented by pallet-rewards).
pub trait DatasetInspect {
	/// Whether dataset `id` is registered.
	fn dataset_exists(id: DatasetId) -> bool;

	/// A registered dataset for benchmarks of other pallets.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_dataset() -> DatasetId;
}

/// A dataset as the `RewardsApi` runtime API shows it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct DatasetInfo<AccountId, Balance> {
	/// Its id.
	pub id: DatasetId,
	/// Who reviews contributions.
	pub curator: AccountId,
	/// Its name.
	pub name: Vec<u8>,
	/// Where its description lives.
	pub metadata_uri: Vec<u8>,
	/// Hash of that description.
	pub metadata_hash: H256,
	/// Shares of all contributors (accepted units).
	pub total_shares: u128,
	/// Revenue received and not yet claimed, rounding dust included.
	pub pool: Balance,
	/// Revenue received while nobody held shares, claimable by the curator.
	pub curator_owed: Balance,
	/// All revenue ever received.
	pub total_revenue: Balance,
	/// Contributions waiting for review.
	pub pending_contributions: u32,
}

/// A contribution as the `RewardsApi` runtime API shows it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ContributionInfo<AccountId, Balance, BlockNumber> {
	/// Its id.
	pub id: ContributionId,
	/// The dataset it is for.
	pub dataset: DatasetId,
	/// Who contributed.
	pub contributor: AccountId,
	/// Hash of the contributed content.
	pub content_hash: H256,
	/// Units claimed (the shares it earns when accepted).
	pub units: u64,
	/// Deposit held while pending (zero once accepted).
	pub deposit: Balance,
	/// Pending or accepted.
	pub status: ContributionStatus,
	/// Block it was submitted in.
	pub submitted_at: BlockNumber,
}

/// A campaign as the `RewardsApi` runtime API shows it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct CampaignInfo<AccountId, Balance, BlockNumber> {
	/// Its id.
	pub id: CampaignId,
	/// Who funded it (the treasury account for governance campaigns).
	pub sponsor: AccountId,
	/// What it pays for.
	pub kind: CampaignKind,
	/// Budget not yet promised to any submission.
	pub available: Balance,
	/// Budget promised to pending submissions.
	pub committed: Balance,
	/// Paid per approved unit.
	pub reward_per_unit: Balance,
	/// Last block that takes submissions; the sponsor may close it after.
	pub deadline: BlockNumber,
	/// Who reviews submissions.
	pub reviewers: Vec<AccountId>,
	/// Approvals that pay a submission.
	pub required_approvals: u32,
	/// Where its description lives.
	pub metadata_uri: Vec<u8>,
	/// Submissions waiting for reviews.
	pub pending_submissions: u32,
}

/// A pending submission of an account, with what approval would pay.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct PendingSubmission<Balance> {
	/// The campaign.
	pub campaign: CampaignId,
	/// The submission.
	pub submission: SubmissionId,
	/// Paid on approval (already set aside from the budget).
	pub reward: Balance,
	/// Approvals so far.
	pub approvals: u32,
	/// Rejections so far.
	pub rejections: u32,
}

/// What an account can claim or expects.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug, Default)]
pub struct PendingRewards<Balance> {
	/// Claimable now with `claim_rewards`, per dataset (shares and curator revenue).
	pub datasets: Vec<(DatasetId, Balance)>,
	/// Campaign submissions waiting for reviews.
	pub submissions: Vec<PendingSubmission<Balance>>,
}

/// The most contributions one `contributions` call returns.
pub const MAX_CONTRIBUTIONS_PAGE: u32 = 1_000;

sp_api::decl_runtime_apis! {
	/// Read access to datasets, contributions and campaigns, for the `agora_*` RPC.
	pub trait RewardsApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// What `who` can claim per dataset, and its pending campaign submissions.
		fn pending_rewards(who: AccountId) -> PendingRewards<Balance>;

		/// Dataset `id`, if registered.
		fn dataset(id: DatasetId) -> Option<DatasetInfo<AccountId, Balance>>;

		/// Up to `limit` (at most [`MAX_CONTRIBUTIONS_PAGE`]) contributions to `dataset`
		/// with ids above `start_after`, in id order.
		fn contributions(
			dataset: DatasetId,
			start_after: Option<ContributionId>,
			limit: u32,
		) -> Vec<ContributionInfo<AccountId, Balance, BlockNumber>>;

		/// Campaign `id`, if open.
		fn campaign(id: CampaignId) -> Option<CampaignInfo<AccountId, Balance, BlockNumber>>;
	}
}
