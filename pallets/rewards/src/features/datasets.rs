//! Datasets: registration, contributions and their review, revenue shares and claims.

use crate::*;
use agora_primitives::{ContributionId, ContributionStatus, DatasetId};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Balanced, Mutate, MutateHold},
		tokens::{Precision, Preservation},
		Imbalance, OnUnbalanced,
	},
};
use sp_core::H256;
use sp_runtime::traits::{CheckedAdd, CheckedSub, Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Registers a dataset curated by `curator`; see [`Pallet::register_dataset`].
	pub(crate) fn do_register_dataset(
		curator: T::AccountId,
		name: Vec<u8>,
		metadata_uri: Vec<u8>,
		metadata_hash: H256,
	) -> DispatchResult {
		let name: BoundedVec<u8, T::MaxNameLen> =
			name.try_into().map_err(|_| Error::<T>::InvalidName)?;
		ensure!(!name.is_empty(), Error::<T>::InvalidName);
		let metadata_uri = Self::bounded_uri(metadata_uri)?;
		let dataset_id = NextDatasetId::<T>::get();
		let next_id = dataset_id.checked_add(1).ok_or(Error::<T>::DatasetIdOverflow)?;
		let deposit = Self::parameters().dataset_deposit;
		T::Currency::hold(&HoldReason::DatasetDeposit.into(), &curator, deposit)?;
		DatasetsByCurator::<T>::insert(&curator, dataset_id, ());
		Datasets::<T>::insert(
			dataset_id,
			Dataset::new(curator.clone(), name, metadata_uri, metadata_hash, deposit),
		);
		NextDatasetId::<T>::put(next_id);
		Self::deposit_event(Event::DatasetRegistered { dataset_id, curator, deposit });
		Ok(())
	}

	/// Records `contributor`'s pending contribution; see [`Pallet::contribute`].
	pub(crate) fn do_contribute(
		contributor: T::AccountId,
		dataset_id: DatasetId,
		content_hash: H256,
		units: u64,
	) -> DispatchResult {
		ensure!(units > 0, Error::<T>::ZeroUnits);
		let mut dataset = Datasets::<T>::get(dataset_id).ok_or(Error::<T>::UnknownDataset)?;
		ensure!(
			dataset.pending_contributions < T::MaxPendingPerDataset::get(),
			Error::<T>::TooManyPendingForDataset
		);
		let pending_of = PendingContributionsOf::<T>::get(&contributor);
		ensure!(
			pending_of < T::MaxPendingPerContributor::get(),
			Error::<T>::TooManyPendingForContributor
		);
		let contribution_id = NextContributionId::<T>::get();
		let next_id = contribution_id.checked_add(1).ok_or(Error::<T>::ContributionIdOverflow)?;
		let deposit = Self::parameters().contribution_deposit;
		T::Currency::hold(&HoldReason::ContributionDeposit.into(), &contributor, deposit)?;

		dataset.pending_contributions.saturating_inc();
		Datasets::<T>::insert(dataset_id, dataset);
		PendingContributionsOf::<T>::insert(&contributor, pending_of.saturating_add(1));
		Contributions::<T>::insert(
			contribution_id,
			Contribution {
				dataset: dataset_id,
				contributor: contributor.clone(),
				content_hash,
				units,
				deposit,
				status: ContributionStatus::Pending,
				submitted_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		DatasetContributions::<T>::insert(dataset_id, contribution_id, ());
		NextContributionId::<T>::put(next_id);
		Self::deposit_event(Event::ContributionSubmitted {
			contribution_id,
			dataset_id,
			contributor,
			units,
			deposit,
		});
		Ok(())
	}

	/// `curator`'s decision on a pending contribution; see [`Pallet::review`].
	pub(crate) fn do_review(
		curator: T::AccountId,
		contribution_id: ContributionId,
		accept: bool,
	) -> DispatchResult {
		let mut contribution =
			Contributions::<T>::get(contribution_id).ok_or(Error::<T>::UnknownContribution)?;
		let dataset_id = contribution.dataset;
		let mut dataset = Datasets::<T>::get(dataset_id).ok_or(Error::<T>::UnknownDataset)?;
		ensure!(dataset.curator == curator, Error::<T>::NotCurator);
		ensure!(
			contribution.status == ContributionStatus::Pending,
			Error::<T>::ContributionAlreadyReviewed
		);
		let contributor = contribution.contributor.clone();
		if accept {
			T::Currency::release(
				&HoldReason::ContributionDeposit.into(),
				&contributor,
				contribution.deposit,
				Precision::Exact,
			)?;
			let mut stake = Stakes::<T>::get(&contributor, dataset_id).unwrap_or_default();
			stake
				.add_shares(contribution.units, dataset.reward_per_share)
				.ok_or(Error::<T>::ArithmeticOverflow)?;
			dataset.total_shares = dataset
				.total_shares
				.checked_add(contribution.units.into())
				.ok_or(Error::<T>::ArithmeticOverflow)?;
			Stakes::<T>::insert(&contributor, dataset_id, stake);
			contribution.status = ContributionStatus::Accepted;
			contribution.deposit = Zero::zero();
			Contributions::<T>::insert(contribution_id, &contribution);
			Self::deposit_event(Event::ContributionAccepted {
				contribution_id,
				dataset_id,
				contributor: contributor.clone(),
				shares: contribution.units,
			});
		} else {
			let forfeited = Self::forfeit(
				HoldReason::ContributionDeposit,
				&contributor,
				&curator,
				contribution.deposit,
			)?;
			Contributions::<T>::remove(contribution_id);
			DatasetContributions::<T>::remove(dataset_id, contribution_id);
			Self::deposit_event(Event::ContributionRejected {
				contribution_id,
				dataset_id,
				contributor: contributor.clone(),
				forfeited,
			});
		}
		dataset.pending_contributions.saturating_dec();
		Datasets::<T>::insert(dataset_id, dataset);
		PendingContributionsOf::<T>::mutate_exists(&contributor, |pending| {
			*pending = pending.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0)
		});
		Ok(())
	}

	/// Pays `who` what it is owed from a dataset's pool; see [`Pallet::claim_rewards`].
	pub(crate) fn do_claim_rewards(who: T::AccountId, dataset_id: DatasetId) -> DispatchResult {
		let mut dataset = Datasets::<T>::get(dataset_id).ok_or(Error::<T>::UnknownDataset)?;
		let mut amount = BalanceOf::<T>::zero();
		if dataset.curator == who {
			amount = core::mem::take(&mut dataset.curator_owed);
		}
		if let Some(mut stake) = Stakes::<T>::get(&who, dataset_id) {
			let paid = stake.take_owed(dataset.reward_per_share).ok_or(Error::<T>::FundsMissing)?;
			let paid = BalanceOf::<T>::try_from(paid).map_err(|_| Error::<T>::FundsMissing)?;
			amount = amount.checked_add(&paid).ok_or(Error::<T>::ArithmeticOverflow)?;
			Stakes::<T>::insert(&who, dataset_id, stake);
		}
		ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
		dataset.pool = dataset.pool.checked_sub(&amount).ok_or(Error::<T>::FundsMissing)?;
		T::Currency::transfer(&Self::account_id(), &who, amount, Preservation::Preserve)?;
		Datasets::<T>::insert(dataset_id, dataset);
		Self::deposit_event(Event::RewardsClaimed { dataset_id, who, amount });
		Ok(())
	}

	/// Takes `revenue` for `dataset_id` into the pallet account and its pool, or passes
	/// it to `OnUnassignedRevenue` when there is no such dataset.
	pub(crate) fn receive_revenue(dataset_id: DatasetId, revenue: CreditOf<T>) {
		let amount = revenue.peek();
		let Some(mut dataset) = Datasets::<T>::get(dataset_id) else {
			Self::deposit_event(Event::RevenueUnassigned { dataset_id, amount });
			T::OnUnassignedRevenue::on_unbalanced(revenue);
			return;
		};
		if let Err(revenue) = T::Currency::resolve(&Self::account_id(), revenue) {
			// The pallet account is kept alive, so any amount can be paid into it.
			frame_support::defensive!("pallet account cannot receive revenue");
			Self::deposit_event(Event::RevenueUnassigned { dataset_id, amount });
			T::OnUnassignedRevenue::on_unbalanced(revenue);
			return;
		}
		let to_curator = !dataset.receive(amount);
		Datasets::<T>::insert(dataset_id, dataset);
		Self::deposit_event(Event::RevenueReceived { dataset_id, amount, to_curator });
	}
}
