//! Campaigns: budgets, submitted work, reviewers' votes and closing.

use crate::*;
use agora_primitives::{CampaignId, CampaignKind, SubmissionId};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Mutate, MutateHold},
		tokens::{Precision, Preservation},
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::H256;
use sp_runtime::traits::{CheckedAdd, CheckedMul, CheckedSub, Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Creates a campaign funded by `sponsor`; see [`Pallet::create_campaign`].
	#[allow(clippy::too_many_arguments)] // The extrinsic's arguments, as it takes them.
	pub(crate) fn do_create_campaign(
		sponsor: T::AccountId,
		kind: CampaignKind,
		budget: BalanceOf<T>,
		reward_per_unit: BalanceOf<T>,
		deadline: BlockNumberFor<T>,
		reviewers: Vec<T::AccountId>,
		required_approvals: u32,
		metadata_uri: Vec<u8>,
	) -> DispatchResult {
		ensure!(budget >= T::MinCampaignBudget::get(), Error::<T>::BudgetTooSmall);
		ensure!(!reward_per_unit.is_zero(), Error::<T>::ZeroReward);
		ensure!(deadline > frame_system::Pallet::<T>::block_number(), Error::<T>::DeadlineInPast);
		ensure!(!reviewers.is_empty(), Error::<T>::NoReviewers);
		let reviewers: BoundedVec<T::AccountId, T::MaxReviewers> =
			reviewers.try_into().map_err(|_| Error::<T>::TooManyReviewers)?;
		for (i, reviewer) in reviewers.iter().enumerate() {
			ensure!(!reviewers[..i].contains(reviewer), Error::<T>::DuplicateReviewer);
		}
		ensure!(
			(1..=reviewers.len() as u32).contains(&required_approvals),
			Error::<T>::InvalidApprovalThreshold
		);
		let metadata_uri = Self::bounded_uri(metadata_uri)?;
		let campaign_id = NextCampaignId::<T>::get();
		let next_id = campaign_id.checked_add(1).ok_or(Error::<T>::CampaignIdOverflow)?;
		T::Currency::transfer(&sponsor, &Self::account_id(), budget, Preservation::Preserve)?;
		Campaigns::<T>::insert(
			campaign_id,
			Campaign {
				sponsor: sponsor.clone(),
				kind,
				available: budget,
				committed: Zero::zero(),
				reward_per_unit,
				deadline,
				reviewers,
				required_approvals,
				metadata_uri,
				pending_submissions: 0,
			},
		);
		NextCampaignId::<T>::put(next_id);
		Self::deposit_event(Event::CampaignCreated {
			campaign_id,
			sponsor,
			kind,
			budget,
			deadline,
		});
		Ok(())
	}

	/// Records `contributor`'s pending submission; see [`Pallet::submit_work`].
	pub(crate) fn do_submit_work(
		contributor: T::AccountId,
		campaign_id: CampaignId,
		content_hash: H256,
		units: u64,
	) -> DispatchResult {
		ensure!(units > 0, Error::<T>::ZeroUnits);
		let mut campaign = Campaigns::<T>::get(campaign_id).ok_or(Error::<T>::UnknownCampaign)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= campaign.deadline, Error::<T>::CampaignEnded);
		ensure!(!campaign.reviewers.contains(&contributor), Error::<T>::ReviewerCannotSubmit);
		let reward = BalanceOf::<T>::try_from(u128::from(units))
			.ok()
			.and_then(|units| campaign.reward_per_unit.checked_mul(&units))
			.ok_or(Error::<T>::ArithmeticOverflow)?;
		ensure!(reward <= campaign.available, Error::<T>::InsufficientBudget);
		ensure!(
			campaign.pending_submissions < T::MaxPendingSubmissions::get(),
			Error::<T>::TooManyPendingSubmissions
		);
		let submission_id = NextSubmissionId::<T>::get();
		let next_id = submission_id.checked_add(1).ok_or(Error::<T>::SubmissionIdOverflow)?;
		let deposit = Self::parameters().submission_deposit;
		T::Currency::hold(&HoldReason::SubmissionDeposit.into(), &contributor, deposit)?;

		campaign.available.saturating_reduce(reward);
		campaign.committed.saturating_accrue(reward);
		campaign.pending_submissions.saturating_inc();
		Campaigns::<T>::insert(campaign_id, campaign);
		SubmissionsOf::<T>::insert(&contributor, (campaign_id, submission_id), ());
		Submissions::<T>::insert(
			campaign_id,
			submission_id,
			Submission {
				contributor: contributor.clone(),
				content_hash,
				units,
				reward,
				deposit,
				approvals: 0,
				rejections: 0,
				submitted_at: now,
			},
		);
		NextSubmissionId::<T>::put(next_id);
		Self::deposit_event(Event::WorkSubmitted {
			campaign_id,
			submission_id,
			contributor,
			units,
			reward,
			deposit,
		});
		Ok(())
	}

	/// Counts `reviewer`'s vote and settles a decided submission; see
	/// [`Pallet::review_submission`].
	pub(crate) fn do_review_submission(
		reviewer: T::AccountId,
		campaign_id: CampaignId,
		submission_id: SubmissionId,
		approve: bool,
	) -> DispatchResult {
		let mut campaign = Campaigns::<T>::get(campaign_id).ok_or(Error::<T>::UnknownCampaign)?;
		let mut submission = Submissions::<T>::get(campaign_id, submission_id)
			.ok_or(Error::<T>::UnknownSubmission)?;
		let index = campaign
			.reviewers
			.iter()
			.position(|r| r == &reviewer)
			.ok_or(Error::<T>::NotReviewer)?;
		let bit = 1u32 << index;
		ensure!(
			(submission.approvals | submission.rejections) & bit == 0,
			Error::<T>::AlreadyVoted
		);
		if approve {
			submission.approvals |= bit;
		} else {
			submission.rejections |= bit;
		}
		Self::deposit_event(Event::SubmissionReviewed {
			campaign_id,
			submission_id,
			reviewer,
			approve,
		});

		let contributor = submission.contributor.clone();
		if submission.approvals.count_ones() >= campaign.required_approvals {
			campaign.committed = campaign
				.committed
				.checked_sub(&submission.reward)
				.ok_or(Error::<T>::FundsMissing)?;
			T::Currency::release(
				&HoldReason::SubmissionDeposit.into(),
				&contributor,
				submission.deposit,
				Precision::Exact,
			)?;
			T::Currency::transfer(
				&Self::account_id(),
				&contributor,
				submission.reward,
				Preservation::Preserve,
			)?;
			Self::remove_submission(campaign_id, submission_id, &contributor, &mut campaign);
			Self::deposit_event(Event::SubmissionApproved {
				campaign_id,
				submission_id,
				contributor,
				reward: submission.reward,
			});
		} else if campaign.is_rejecting_majority(submission.rejections.count_ones()) {
			campaign.committed = campaign
				.committed
				.checked_sub(&submission.reward)
				.ok_or(Error::<T>::FundsMissing)?;
			let forfeited = Self::forfeit(
				HoldReason::SubmissionDeposit,
				&contributor,
				&Self::account_id(),
				submission.deposit,
			)?;
			campaign.available = campaign
				.available
				.checked_add(&submission.reward)
				.and_then(|available| available.checked_add(&forfeited))
				.ok_or(Error::<T>::ArithmeticOverflow)?;
			Self::remove_submission(campaign_id, submission_id, &contributor, &mut campaign);
			Self::deposit_event(Event::SubmissionRejected {
				campaign_id,
				submission_id,
				contributor,
				forfeited,
			});
		} else {
			Submissions::<T>::insert(campaign_id, submission_id, submission);
		}
		Campaigns::<T>::insert(campaign_id, campaign);
		Ok(())
	}

	/// Closes a campaign after its deadline, for its sponsor (`Some`) or the governance
	/// origin (`None`); see [`Pallet::close_campaign`].
	pub(crate) fn do_close_campaign(
		closer: Option<T::AccountId>,
		campaign_id: CampaignId,
	) -> DispatchResultWithPostInfo {
		let campaign = Campaigns::<T>::get(campaign_id).ok_or(Error::<T>::UnknownCampaign)?;
		ensure!(closer.is_none_or(|closer| closer == campaign.sponsor), Error::<T>::NotSponsor);
		ensure!(
			frame_system::Pallet::<T>::block_number() > campaign.deadline,
			Error::<T>::CampaignStillRunning
		);
		let mut released_submissions = 0u32;
		for (submission_id, submission) in Submissions::<T>::drain_prefix(campaign_id) {
			SubmissionsOf::<T>::remove(&submission.contributor, (campaign_id, submission_id));
			T::Currency::release(
				&HoldReason::SubmissionDeposit.into(),
				&submission.contributor,
				submission.deposit,
				Precision::Exact,
			)?;
			released_submissions.saturating_inc();
		}
		let refunded = campaign
			.available
			.checked_add(&campaign.committed)
			.ok_or(Error::<T>::ArithmeticOverflow)?;
		T::Currency::transfer(
			&Self::account_id(),
			&campaign.sponsor,
			refunded,
			Preservation::Preserve,
		)?;
		Campaigns::<T>::remove(campaign_id);
		Self::deposit_event(Event::CampaignClosed { campaign_id, refunded, released_submissions });
		Ok(Some(T::WeightInfo::close_campaign(released_submissions)).into())
	}

	/// Forgets a decided submission.
	fn remove_submission(
		campaign_id: CampaignId,
		submission_id: SubmissionId,
		contributor: &T::AccountId,
		campaign: &mut Campaign<T>,
	) {
		SubmissionsOf::<T>::remove(contributor, (campaign_id, submission_id));
		Submissions::<T>::remove(campaign_id, submission_id);
		campaign.pending_submissions.saturating_dec();
	}
}
