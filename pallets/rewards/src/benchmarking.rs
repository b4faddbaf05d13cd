//! Benchmarks of every call, each on its costliest path. The caller is whitelisted (its
//! account is already paid for by the transaction's fee); other parties are not.

use super::*;
use agora_primitives::{CampaignId, CampaignKind, ContributionId, SubmissionId};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, EnsureOrigin, Get};
use frame_system::RawOrigin;
use sp_core::{H256, U256};
use sp_runtime::traits::{Saturating, Zero};

/// Enough for every deposit and budget a benchmark needs (not so much that issuance could
/// overflow across its accounts).
fn plenty<T: Config>() -> BalanceOf<T> {
	let deposits = Pallet::<T>::parameters();
	deposits
		.dataset_deposit
		.saturating_add(deposits.contribution_deposit)
		.saturating_add(deposits.submission_deposit)
		.saturating_add(T::Currency::minimum_balance())
		.saturating_mul(1_000_000u32.into())
}

fn funded<T: Config>(who: T::AccountId) -> T::AccountId {
	let _ = T::Currency::set_balance(&who, plenty::<T>());
	who
}

fn max_bytes(len: u32) -> Vec<u8> {
	alloc::vec![b'x'; len as usize]
}

/// A dataset with the longest name and URI, curated by `curator`.
fn dataset<T: Config>(curator: T::AccountId) -> DatasetId {
	let id = NextDatasetId::<T>::get();
	Pallet::<T>::register_dataset(
		RawOrigin::Signed(funded::<T>(curator)).into(),
		max_bytes(T::MaxNameLen::get()),
		max_bytes(T::MaxUriLen::get()),
		H256::repeat_byte(1),
	)
	.expect("registers");
	id
}

fn contribution<T: Config>(contributor: T::AccountId, dataset: DatasetId) -> ContributionId {
	let id = NextContributionId::<T>::get();
	Pallet::<T>::contribute(
		RawOrigin::Signed(funded::<T>(contributor)).into(),
		dataset,
		H256::repeat_byte(2),
		1_000,
	)
	.expect("contributes");
	id
}

/// Revenue for `dataset`, minted for the benchmark.
fn revenue<T: Config>(dataset: DatasetId, amount: BalanceOf<T>) {
	Pallet::<T>::receive_revenue(dataset, T::Currency::issue(amount));
}

/// Campaign deadlines are this far ahead (the harness may move block 0 to 1 after setup).
const DEADLINE: u32 = 10;

fn deadline<T: Config>() -> frame_system::pallet_prelude::BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number().saturating_add(DEADLINE.into())
}

fn reward_per_unit<T: Config>() -> BalanceOf<T> {
	T::Currency::minimum_balance().max(1u32.into())
}

/// A campaign of a funded sponsor reviewed by `reviewers`, `required` of them approving,
/// with the longest URI; the deadline is [`DEADLINE`] blocks away.
fn campaign<T: Config>(reviewers: Vec<T::AccountId>, required: u32) -> CampaignId {
	let sponsor = funded::<T>(account("sponsor", 0, 0));
	let id = NextCampaignId::<T>::get();
	Pallet::<T>::create_campaign(
		RawOrigin::Signed(sponsor).into(),
		CampaignKind::Labeling,
		plenty::<T>() / 10u32.into(),
		reward_per_unit::<T>(),
		deadline::<T>(),
		reviewers,
		required,
		max_bytes(T::MaxUriLen::get()),
	)
	.expect("creates");
	id
}

fn submission<T: Config>(contributor: T::AccountId, campaign: CampaignId) -> SubmissionId {
	let id = NextSubmissionId::<T>::get();
	Pallet::<T>::submit_work(
		RawOrigin::Signed(funded::<T>(contributor)).into(),
		campaign,
		H256::repeat_byte(3),
		100,
	)
	.expect("submits");
	id
}

/// `MaxReviewers` reviewers, the caller last (its index is searched longest).
fn reviewers<T: Config>(caller: &T::AccountId) -> Vec<T::AccountId> {
	let mut reviewers: Vec<T::AccountId> =
		(1..T::MaxReviewers::get()).map(|i| account("reviewer", i, 0)).collect();
	reviewers.push(caller.clone());
	reviewers
}

/// A pending submission to a campaign where every reviewer must approve, with votes
/// `vote(i)` already cast by all reviewers but the caller.
fn voted_submission<T: Config>(
	caller: &T::AccountId,
	approve: impl Fn(u32) -> Option<bool>,
) -> (CampaignId, SubmissionId) {
	let reviewers = reviewers::<T>(caller);
	let id = campaign::<T>(reviewers.clone(), reviewers.len() as u32);
	let work = submission::<T>(account("worker", 0, 0), id);
	for (i, reviewer) in reviewers.iter().take(reviewers.len() - 1).enumerate() {
		if let Some(approve) = approve(i as u32) {
			Pallet::<T>::review_submission(
				RawOrigin::Signed(reviewer.clone()).into(),
				id,
				work,
				approve,
			)
			.expect("votes");
		}
	}
	(id, work)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_dataset() {
		let caller = funded::<T>(whitelisted_caller());
		let name = max_bytes(T::MaxNameLen::get());
		let uri = max_bytes(T::MaxUriLen::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), name, uri, H256::repeat_byte(1));
		assert_eq!(Datasets::<T>::get(0).map(|d| d.curator), Some(caller));
	}

	#[benchmark]
	fn contribute() {
		let id = dataset::<T>(account("curator", 0, 0));
		let caller = funded::<T>(whitelisted_caller());
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id, H256::repeat_byte(2), 1_000);
		assert_eq!(Datasets::<T>::get(id).map(|d| d.pending_contributions), Some(1));
	}

	#[benchmark]
	fn review_accept() {
		let caller: T::AccountId = whitelisted_caller();
		let id = dataset::<T>(caller.clone());
		let contributor: T::AccountId = account("contributor", 0, 0);
		// The contributor already holds shares: its stake is read and rewritten.
		let earlier = contribution::<T>(contributor.clone(), id);
		Pallet::<T>::review(RawOrigin::Signed(caller.clone()).into(), earlier, true)
			.expect("accepts");
		let pending = contribution::<T>(contributor.clone(), id);
		#[extrinsic_call]
		review(RawOrigin::Signed(caller), pending, true);
		assert_eq!(Stakes::<T>::get(&contributor, id).map(|s| s.shares), Some(2_000));
	}

	#[benchmark]
	fn review_reject() {
		let caller: T::AccountId = whitelisted_caller();
		let id = dataset::<T>(caller.clone());
		let pending = contribution::<T>(account("contributor", 0, 0), id);
		#[extrinsic_call]
		review(RawOrigin::Signed(caller), pending, false);
		assert!(!Contributions::<T>::contains_key(pending));
	}

	/// `c` contributors share the dataset; the caller is its curator and one of them, owed
	/// revenue both ways. The cost does not grow with `c`.
	#[benchmark]
	fn claim_rewards(c: Linear<1, CLAIM_WEIGHT_CONTRIBUTORS>) {
		let caller: T::AccountId = whitelisted_caller();
		let id = dataset::<T>(caller.clone());
		let amount = plenty::<T>();
		revenue::<T>(id, amount);
		let reward_per_share = Datasets::<T>::get(id).expect("registered").reward_per_share;
		for i in 0..c {
			let holder = if i == 0 { caller.clone() } else { account("contributor", i, 0) };
			let mut stake = Stake::default();
			stake.add_shares(1_000, reward_per_share).expect("no overflow");
			Stakes::<T>::insert(holder, id, stake);
		}
		Datasets::<T>::mutate(id, |d| {
			if let Some(d) = d {
				d.total_shares = u128::from(c) * 1_000;
			}
		});
		revenue::<T>(id, amount);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), id);
		// Only fractions of a planck stay owed.
		let dataset = Datasets::<T>::get(id).expect("registered");
		assert!(dataset.curator_owed.is_zero());
		let left =
			Stakes::<T>::get(&caller, id).and_then(|s| s.owed_scaled(dataset.reward_per_share));
		assert!(left.is_some_and(|left| left < U256::from(PRECISION)));
	}

	#[benchmark]
	fn create_campaign(r: Linear<1, { T::MaxReviewers::get() }>) {
		let caller = funded::<T>(whitelisted_caller());
		let reviewers: Vec<T::AccountId> = (0..r).map(|i| account("reviewer", i, 0)).collect();
		let deadline = deadline::<T>();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller),
			CampaignKind::Labeling,
			plenty::<T>() / 10u32.into(),
			reward_per_unit::<T>(),
			deadline,
			reviewers,
			r,
			max_bytes(T::MaxUriLen::get()),
		);
		assert!(Campaigns::<T>::contains_key(0));
	}

	#[benchmark]
	fn submit_work() {
		let id = campaign::<T>(reviewers::<T>(&account("reviewer", 0, 0)), 1);
		let caller = funded::<T>(whitelisted_caller());
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id, H256::repeat_byte(3), 100);
		assert_eq!(Campaigns::<T>::get(id).map(|c| c.pending_submissions), Some(1));
	}

	/// The last of `MaxReviewers` required approvals: pays the reward.
	#[benchmark]
	fn review_submission_approve() {
		let caller: T::AccountId = whitelisted_caller();
		let (id, work) = voted_submission::<T>(&caller, |_| Some(true));
		#[extrinsic_call]
		review_submission(RawOrigin::Signed(caller), id, work, true);
		assert!(!Submissions::<T>::contains_key(id, work));
	}

	/// The rejection that makes a majority: forfeits the deposit to the budget.
	#[benchmark]
	fn review_submission_reject() {
		let caller: T::AccountId = whitelisted_caller();
		let half = T::MaxReviewers::get() / 2;
		let (id, work) = voted_submission::<T>(&caller, |i| (i < half).then_some(false));
		#[extrinsic_call]
		review_submission(RawOrigin::Signed(caller), id, work, false);
		assert!(!Submissions::<T>::contains_key(id, work));
	}

	/// `s` pending submissions have their deposits released.
	#[benchmark]
	fn close_campaign(s: Linear<0, { T::MaxPendingSubmissions::get() }>) {
		let caller: T::AccountId = funded::<T>(account("sponsor", 0, 0));
		let id = campaign::<T>(alloc::vec![account("reviewer", 0, 0)], 1);
		for i in 0..s {
			submission::<T>(account("worker", i, 0), id);
		}
		frame_system::Pallet::<T>::set_block_number(deadline::<T>().saturating_add(1u32.into()));
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);
		assert!(!Campaigns::<T>::contains_key(id));
	}

	#[benchmark]
	fn set_parameters(
		n: Linear<1, { agora_primitives::MAX_PARAMETER_CHANGES }>,
	) -> Result<(), BenchmarkError> {
		let changes: Vec<ParameterChangeOf<T>> =
			(1..=n).map(|i| ParameterChange::DatasetDeposit(i.into())).collect();
		let changes = changes.try_into().expect("bounded by MAX_PARAMETER_CHANGES");
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, changes);
		assert_eq!(Parameters::<T>::get().dataset_deposit, n.into());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
