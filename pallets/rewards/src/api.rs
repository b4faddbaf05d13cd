//! Read-only views of datasets, contributions and campaigns, served by the `RewardsApi`
//! runtime API.

use crate::{
	BalanceOf, Campaigns, Config, Contributions, DatasetContributions, Datasets, DatasetsByCurator,
	Pallet, Stakes, Submissions, SubmissionsOf,
};
use agora_primitives::{
	CampaignId, CampaignInfo, ContributionId, ContributionInfo, DatasetId, DatasetInfo,
	PendingRewards, PendingSubmission, MAX_CONTRIBUTIONS_PAGE,
};
use alloc::vec::Vec;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, Zero};

/// A dataset as the runtime API shows it.
pub type DatasetInfoOf<T> = DatasetInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

/// A contribution as the runtime API shows it.
pub type ContributionInfoOf<T> =
	ContributionInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// A campaign as the runtime API shows it.
pub type CampaignInfoOf<T> =
	CampaignInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
	/// What `who` could claim now per dataset, and its submissions waiting for reviews.
	///
	/// Reads only `who`'s own entries (its stakes, the datasets it curates, its pending
	/// submissions), each of which holds a deposit or stake, never the other accounts'.
	pub fn pending_rewards(who: T::AccountId) -> PendingRewards<BalanceOf<T>> {
		let mut datasets: Vec<(DatasetId, BalanceOf<T>)> = Stakes::<T>::iter_prefix(&who)
			.filter_map(|(id, stake)| {
				let dataset = Datasets::<T>::get(id)?;
				let owed =
					BalanceOf::<T>::try_from(stake.claimable(dataset.reward_per_share)?).ok()?;
				let curator_owed =
					if dataset.curator == who { dataset.curator_owed } else { Zero::zero() };
				Some((id, owed.saturating_add(curator_owed)))
			})
			.collect();
		// Curator revenue of datasets the account holds no shares in.
		for id in DatasetsByCurator::<T>::iter_key_prefix(&who) {
			if Stakes::<T>::contains_key(&who, id) {
				continue;
			}
			if let Some(dataset) = Datasets::<T>::get(id) {
				datasets.push((id, dataset.curator_owed));
			}
		}
		datasets.retain(|(_, owed)| !owed.is_zero());
		datasets.sort_by_key(|(id, _)| *id);
		let mut submissions: Vec<_> = SubmissionsOf::<T>::iter_key_prefix(&who)
			.filter_map(|(campaign, submission_id)| {
				let submission = Submissions::<T>::get(campaign, submission_id)?;
				Some(PendingSubmission {
					campaign,
					submission: submission_id,
					reward: submission.reward,
					approvals: submission.approvals.count_ones(),
					rejections: submission.rejections.count_ones(),
				})
			})
			.collect();
		submissions.sort_by_key(|s| (s.campaign, s.submission));
		PendingRewards { datasets, submissions }
	}

	/// Dataset `id`, if registered.
	pub fn dataset_info(id: DatasetId) -> Option<DatasetInfoOf<T>> {
		let dataset = Datasets::<T>::get(id)?;
		Some(DatasetInfo {
			id,
			curator: dataset.curator,
			name: dataset.name.into_inner(),
			metadata_uri: dataset.metadata_uri.into_inner(),
			metadata_hash: dataset.metadata_hash,
			total_shares: dataset.total_shares,
			pool: dataset.pool,
			curator_owed: dataset.curator_owed,
			total_revenue: dataset.total_revenue,
			pending_contributions: dataset.pending_contributions,
		})
	}

	/// Up to `limit` (capped at [`MAX_CONTRIBUTIONS_PAGE`]) contributions to `dataset` with
	/// ids above `start_after`, in id order.
	pub fn contributions_page(
		dataset: DatasetId,
		start_after: Option<ContributionId>,
		limit: u32,
	) -> Vec<ContributionInfoOf<T>> {
		let mut ids: Vec<ContributionId> = DatasetContributions::<T>::iter_key_prefix(dataset)
			.filter(|id| start_after.is_none_or(|after| *id > after))
			.collect();
		ids.sort_unstable();
		ids.into_iter()
			.take(limit.min(MAX_CONTRIBUTIONS_PAGE) as usize)
			.filter_map(|id| {
				let contribution = Contributions::<T>::get(id)?;
				Some(ContributionInfo {
					id,
					dataset: contribution.dataset,
					contributor: contribution.contributor,
					content_hash: contribution.content_hash,
					units: contribution.units,
					deposit: contribution.deposit,
					status: contribution.status,
					submitted_at: contribution.submitted_at,
				})
			})
			.collect()
	}

	/// Campaign `id`, if open.
	pub fn campaign_info(id: CampaignId) -> Option<CampaignInfoOf<T>> {
		let campaign = Campaigns::<T>::get(id)?;
		Some(CampaignInfo {
			id,
			sponsor: campaign.sponsor,
			kind: campaign.kind,
			available: campaign.available,
			committed: campaign.committed,
			reward_per_unit: campaign.reward_per_unit,
			deadline: campaign.deadline,
			reviewers: campaign.reviewers.into_inner(),
			required_approvals: campaign.required_approvals,
			metadata_uri: campaign.metadata_uri.into_inner(),
			pending_submissions: campaign.pending_submissions,
		})
	}
}
