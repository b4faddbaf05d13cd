//! The invariants `try_state` checks.

use crate::*;
use agora_primitives::ContributionStatus;
use frame_support::{ensure, traits::fungible::Inspect};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// The pallet's invariants:
	/// - each dataset's pool equals, × `PRECISION`, what its stakes are owed plus its
	///   carry plus what the curator is owed; its shares are the sum of its stakes;
	/// - the pallet account holds its existential deposit, every pool and every
	///   campaign's budget (more only if someone sent it funds);
	/// - each campaign's `committed` is the sum of its submissions' rewards and its
	///   counts match;
	/// - every deposit hold equals the deposits of what it is held for;
	/// - `DatasetsByCurator` and `SubmissionsOf` list exactly the datasets and the
	///   pending submissions, each under its account;
	/// - the parameters in force are valid.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeMap;
		use frame_support::traits::fungible::InspectHold;
		use sp_core::U256;
		use sp_runtime::TryRuntimeError;

		ensure!(
			Self::validate_parameters(&Parameters::<T>::get()).is_ok(),
			TryRuntimeError::Other("the parameters in force are invalid")
		);

		type Holds<T> = BTreeMap<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
		fn add<T: Config>(holds: &mut Holds<T>, who: &T::AccountId, amount: BalanceOf<T>) {
			holds.entry(who.clone()).or_default().saturating_accrue(amount);
		}
		fn check<T: Config>(
			reason: HoldReason,
			expected: Holds<T>,
			holders: impl Iterator<Item = T::AccountId>,
		) -> Result<(), TryRuntimeError> {
			for who in holders {
				let on_hold = T::Currency::balance_on_hold(&reason.into(), &who);
				ensure!(
					on_hold == expected.get(&who).copied().unwrap_or_default(),
					TryRuntimeError::Other("deposit hold mismatch")
				);
			}
			Ok(())
		}

		let mut stakes: BTreeMap<DatasetId, (u128, U256)> = BTreeMap::new();
		for (_, dataset_id, stake) in Stakes::<T>::iter() {
			let dataset = Datasets::<T>::get(dataset_id)
				.ok_or(TryRuntimeError::Other("stake in an unknown dataset"))?;
			let stake_owed = stake
				.owed_scaled(dataset.reward_per_share)
				.ok_or(TryRuntimeError::Other("stake paid more than it earned"))?;
			let entry = stakes.entry(dataset_id).or_default();
			entry.0 = entry.0.saturating_add(stake.shares);
			entry.1 = entry.1.saturating_add(stake_owed);
		}
		let mut dataset_deposits = Holds::<T>::new();
		let mut pending_of: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut contribution_deposits = Holds::<T>::new();
		for (dataset_id, dataset) in Datasets::<T>::iter() {
			ensure!(dataset_id < NextDatasetId::<T>::get(), "dataset id beyond the counter");
			let (shares, stakes_owed) = stakes.remove(&dataset_id).unwrap_or_default();
			ensure!(shares == dataset.total_shares, "total shares mismatch");
			let precision = U256::from(PRECISION);
			ensure!(
				stakes_owed + dataset.carry + to_u256(dataset.curator_owed) * precision
					== to_u256(dataset.pool) * precision,
				"pool does not equal what it owes plus its carry"
			);
			ensure!(dataset.total_shares == 0 || dataset.carry < shares.into(), "carry too big");
			add::<T>(&mut dataset_deposits, &dataset.curator, dataset.deposit);
			let mut pending = 0u32;
			for contribution_id in DatasetContributions::<T>::iter_key_prefix(dataset_id) {
				let contribution = Contributions::<T>::get(contribution_id)
					.filter(|c| c.dataset == dataset_id)
					.ok_or("dataset index lists a missing contribution")?;
				if contribution.status == ContributionStatus::Pending {
					pending += 1;
					*pending_of.entry(contribution.contributor.clone()).or_default() += 1;
					add::<T>(
						&mut contribution_deposits,
						&contribution.contributor,
						contribution.deposit,
					);
				}
			}
			ensure!(pending == dataset.pending_contributions, "pending contributions miscounted");
		}
		ensure!(
			Contributions::<T>::iter_keys().count()
				== DatasetContributions::<T>::iter_keys().count(),
			"contribution index incomplete"
		);
		ensure!(
			PendingContributionsOf::<T>::iter().collect::<BTreeMap<_, _>>() == pending_of,
			"pending contributions per contributor miscounted"
		);

		let mut submission_deposits = Holds::<T>::new();
		for (campaign_id, campaign) in Campaigns::<T>::iter() {
			let mut committed = BalanceOf::<T>::zero();
			let mut pending = 0u32;
			for (_, submission) in Submissions::<T>::iter_prefix(campaign_id) {
				committed.saturating_accrue(submission.reward);
				pending += 1;
				add::<T>(&mut submission_deposits, &submission.contributor, submission.deposit);
			}
			ensure!(committed == campaign.committed, "committed budget mismatch");
			ensure!(pending == campaign.pending_submissions, "pending submissions miscounted");
		}
		ensure!(
			Submissions::<T>::iter_keys().all(|(id, _)| Campaigns::<T>::contains_key(id)),
			"submission of a closed campaign"
		);
		let mut indexed_submissions = 0usize;
		for (contributor, (campaign_id, submission_id)) in SubmissionsOf::<T>::iter_keys() {
			ensure!(
				Submissions::<T>::get(campaign_id, submission_id)
					.is_some_and(|s| s.contributor == contributor),
				"submission index lists another account's or a decided submission"
			);
			indexed_submissions += 1;
		}
		ensure!(
			indexed_submissions == Submissions::<T>::iter_keys().count(),
			"submission missing from its contributor's index"
		);
		let mut indexed_datasets = 0usize;
		for (curator, id) in DatasetsByCurator::<T>::iter_keys() {
			ensure!(
				Datasets::<T>::get(id).is_some_and(|d| d.curator == curator),
				"curator index lists another account's dataset"
			);
			indexed_datasets += 1;
		}
		ensure!(
			indexed_datasets == Datasets::<T>::iter_keys().count(),
			"dataset missing from its curator's index"
		);

		let funds = T::Currency::balance(&Self::account_id());
		ensure!(
			funds >= Self::total_owed().saturating_add(T::Currency::minimum_balance()),
			"pallet account holds less than it owes"
		);
		let holders = frame_system::Account::<T>::iter_keys;
		check::<T>(HoldReason::DatasetDeposit, dataset_deposits, holders())?;
		check::<T>(HoldReason::ContributionDeposit, contribution_deposits, holders())?;
		check::<T>(HoldReason::SubmissionDeposit, submission_deposits, holders())?;
		Ok(())
	}
}
