//! Tests of pallet-rewards: every call, every error (each leaving state untouched), exact
//! balances, the accumulator's rounding, and random sequences checked by `try_state`.

use crate::{
	mock::*, Campaigns, Contributions, DatasetContributions, Datasets, DatasetsByCurator, Error,
	Event, HoldReason, NextCampaignId, NextContributionId, NextDatasetId, PendingContributionsOf,
	Stakes, Submissions, SubmissionsOf, PRECISION,
};
use agora_primitives::{
	CampaignId, CampaignKind, ContributionId, ContributionStatus, DatasetId, DatasetInspect,
	PendingSubmission, SubmissionId,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{InspectHold, Mutate},
		Hooks,
	},
};
use sp_core::{H256, U256};
use sp_runtime::{DispatchError, TokenError};

fn origin(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn free(who: &AccountId) -> Balance {
	Balances::free_balance(who)
}

fn held(reason: HoldReason, who: &AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Rewards(reason), who)
}

fn pallet_funds() -> Balance {
	free(&Rewards::account_id())
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Rewards(event) => Some(event),
			_ => None,
		})
		.collect()
}

fn last_event() -> Event<Test> {
	events().pop().expect("an event was emitted")
}

fn register() -> DatasetId {
	let id = NextDatasetId::<Test>::get();
	assert_ok!(Rewards::register_dataset(
		origin(curator()),
		b"speech-en".to_vec(),
		b"ipfs://meta".to_vec(),
		H256::repeat_byte(1)
	));
	id
}

fn contribute(who: AccountId, dataset: DatasetId, units: u64) -> ContributionId {
	let id = NextContributionId::<Test>::get();
	assert_ok!(Rewards::contribute(origin(who), dataset, H256::repeat_byte(2), units));
	id
}

fn accepted(who: AccountId, dataset: DatasetId, units: u64) {
	let id = contribute(who, dataset, units);
	assert_ok!(Rewards::review(origin(curator()), id, true));
}

fn claimable(who: &AccountId, dataset: DatasetId) -> Balance {
	Rewards::pending_rewards(who.clone())
		.datasets
		.into_iter()
		.find(|(id, _)| *id == dataset)
		.map_or(0, |(_, owed)| owed)
}

fn reviewers(n: u8) -> Vec<AccountId> {
	(0..n).map(reviewer).collect()
}

/// A labeling campaign of [`sponsor`] with 3 reviewers, 2 approvals needed, deadline 10.
fn campaign(budget: Balance, reward_per_unit: Balance) -> CampaignId {
	let id = NextCampaignId::<Test>::get();
	assert_ok!(Rewards::create_campaign(
		origin(sponsor()),
		CampaignKind::Labeling,
		budget,
		reward_per_unit,
		10,
		reviewers(3),
		2,
		b"ipfs://task".to_vec()
	));
	id
}

fn submit(who: AccountId, campaign: CampaignId, units: u64) -> SubmissionId {
	let id = crate::NextSubmissionId::<Test>::get();
	assert_ok!(Rewards::submit_work(origin(who), campaign, H256::repeat_byte(3), units));
	id
}

fn vote(reviewer_index: u8, campaign: CampaignId, submission: SubmissionId, approve: bool) {
	assert_ok!(Rewards::review_submission(
		origin(reviewer(reviewer_index)),
		campaign,
		submission,
		approve
	));
}

// ---------------------------------------------------------------- genesis and config

#[test]
fn genesis_gives_the_pallet_account_its_existential_deposit() {
	run_test(|| {
		assert_eq!(pallet_funds(), ED);
		Rewards::integrity_test();
	});
}

// ---------------------------------------------------------------- datasets

#[test]
fn register_dataset_holds_the_deposit_and_records_the_dataset() {
	run_test(|| {
		let id = register();
		assert_eq!(id, 0);
		assert_eq!(NextDatasetId::<Test>::get(), 1);
		assert_eq!(held(HoldReason::DatasetDeposit, &curator()), DATASET_DEPOSIT);
		assert_eq!(free(&curator()), INITIAL_BALANCE - DATASET_DEPOSIT);
		let dataset = Datasets::<Test>::get(id).unwrap();
		assert_eq!(dataset.curator, curator());
		assert_eq!(dataset.name.to_vec(), b"speech-en".to_vec());
		assert_eq!(dataset.metadata_uri.to_vec(), b"ipfs://meta".to_vec());
		assert_eq!(dataset.total_shares, 0);
		assert_eq!(dataset.pool, 0);
		assert!(Rewards::dataset_exists(id));
		assert!(!Rewards::dataset_exists(1));
		assert_eq!(
			last_event(),
			Event::DatasetRegistered {
				dataset_id: 0,
				curator: curator(),
				deposit: DATASET_DEPOSIT
			}
		);
	});
}

#[test]
fn register_dataset_rejects_bad_input_without_changing_state() {
	run_test(|| {
		let hash = H256::zero();
		assert_noop!(
			Rewards::register_dataset(origin(curator()), vec![], vec![], hash),
			Error::<Test>::InvalidName
		);
		assert_noop!(
			Rewards::register_dataset(
				origin(curator()),
				vec![b'n'; MAX_NAME_LEN as usize + 1],
				vec![],
				hash
			),
			Error::<Test>::InvalidName
		);
		assert_noop!(
			Rewards::register_dataset(
				origin(curator()),
				b"ok".to_vec(),
				vec![b'u'; MAX_URI_LEN as usize + 1],
				hash
			),
			Error::<Test>::MetadataUriTooLong
		);
		assert_noop!(
			Rewards::register_dataset(origin(pauper()), b"ok".to_vec(), vec![], hash),
			TokenError::FundsUnavailable
		);
		assert_noop!(
			Rewards::register_dataset(RuntimeOrigin::none(), b"ok".to_vec(), vec![], hash),
			DispatchError::BadOrigin
		);
		NextDatasetId::<Test>::put(u64::MAX);
		assert_noop!(
			Rewards::register_dataset(origin(curator()), b"ok".to_vec(), vec![], hash),
			Error::<Test>::DatasetIdOverflow
		);
	});
}

#[test]
fn contribute_holds_a_deposit_until_review() {
	run_test(|| {
		let dataset = register();
		let id = contribute(alice(), dataset, 40);
		assert_eq!(held(HoldReason::ContributionDeposit, &alice()), CONTRIBUTION_DEPOSIT);
		assert_eq!(free(&alice()), INITIAL_BALANCE - CONTRIBUTION_DEPOSIT);
		let contribution = Contributions::<Test>::get(id).unwrap();
		assert_eq!(contribution.status, ContributionStatus::Pending);
		assert_eq!(contribution.units, 40);
		assert_eq!(contribution.deposit, CONTRIBUTION_DEPOSIT);
		assert_eq!(contribution.submitted_at, 1);
		assert!(DatasetContributions::<Test>::contains_key(dataset, id));
		assert_eq!(Datasets::<Test>::get(dataset).unwrap().pending_contributions, 1);
		assert_eq!(PendingContributionsOf::<Test>::get(alice()), 1);
		assert_eq!(
			last_event(),
			Event::ContributionSubmitted {
				contribution_id: id,
				dataset_id: dataset,
				contributor: alice(),
				units: 40,
				deposit: CONTRIBUTION_DEPOSIT,
			}
		);
	});
}

#[test]
fn contribute_errors_leave_state_untouched() {
	run_test(|| {
		let dataset = register();
		let hash = H256::zero();
		assert_noop!(
			Rewards::contribute(origin(alice()), dataset, hash, 0),
			Error::<Test>::ZeroUnits
		);
		assert_noop!(
			Rewards::contribute(origin(alice()), 9, hash, 1),
			Error::<Test>::UnknownDataset
		);
		assert_noop!(
			Rewards::contribute(origin(pauper()), dataset, hash, 1),
			TokenError::FundsUnavailable
		);
		// Per contributor: alice may have two pending.
		contribute(alice(), dataset, 1);
		contribute(alice(), dataset, 1);
		assert_noop!(
			Rewards::contribute(origin(alice()), dataset, hash, 1),
			Error::<Test>::TooManyPendingForContributor
		);
		// Per dataset: three pending in all.
		contribute(bob(), dataset, 1);
		assert_noop!(
			Rewards::contribute(origin(charlie()), dataset, hash, 1),
			Error::<Test>::TooManyPendingForDataset
		);
		NextContributionId::<Test>::put(u64::MAX);
		let other = register();
		assert_noop!(
			Rewards::contribute(origin(charlie()), other, hash, 1),
			Error::<Test>::ContributionIdOverflow
		);
	});
}

#[test]
fn accepted_contribution_becomes_shares_and_releases_the_deposit() {
	run_test(|| {
		let dataset = register();
		let id = contribute(alice(), dataset, 40);
		assert_ok!(Rewards::review(origin(curator()), id, true));
		assert_eq!(held(HoldReason::ContributionDeposit, &alice()), 0);
		assert_eq!(free(&alice()), INITIAL_BALANCE);
		assert_eq!(Stakes::<Test>::get(alice(), dataset).unwrap().shares, 40);
		let record = Datasets::<Test>::get(dataset).unwrap();
		assert_eq!((record.total_shares, record.pending_contributions), (40, 0));
		let contribution = Contributions::<Test>::get(id).unwrap();
		assert_eq!((contribution.status, contribution.deposit), (ContributionStatus::Accepted, 0));
		assert!(!PendingContributionsOf::<Test>::contains_key(alice()));
		assert_eq!(
			last_event(),
			Event::ContributionAccepted {
				contribution_id: id,
				dataset_id: dataset,
				contributor: alice(),
				shares: 40,
			}
		);
		// A second accepted contribution adds to the same stake.
		accepted(alice(), dataset, 10);
		assert_eq!(Stakes::<Test>::get(alice(), dataset).unwrap().shares, 50);
	});
}

#[test]
fn rejected_contribution_forfeits_its_deposit_to_the_curator() {
	run_test(|| {
		let dataset = register();
		let id = contribute(alice(), dataset, 40);
		assert_ok!(Rewards::review(origin(curator()), id, false));
		assert_eq!(free(&alice()), INITIAL_BALANCE - CONTRIBUTION_DEPOSIT);
		assert_eq!(held(HoldReason::ContributionDeposit, &alice()), 0);
		assert_eq!(free(&curator()), INITIAL_BALANCE - DATASET_DEPOSIT + CONTRIBUTION_DEPOSIT);
		assert!(Contributions::<Test>::get(id).is_none());
		assert!(!DatasetContributions::<Test>::contains_key(dataset, id));
		assert!(Stakes::<Test>::get(alice(), dataset).is_none());
		assert_eq!(Datasets::<Test>::get(dataset).unwrap().pending_contributions, 0);
		assert_eq!(
			last_event(),
			Event::ContributionRejected {
				contribution_id: id,
				dataset_id: dataset,
				contributor: alice(),
				forfeited: CONTRIBUTION_DEPOSIT,
			}
		);
	});
}

#[test]
fn review_errors_leave_state_untouched() {
	run_test(|| {
		let dataset = register();
		let id = contribute(alice(), dataset, 40);
		assert_noop!(
			Rewards::review(origin(curator()), 7, true),
			Error::<Test>::UnknownContribution
		);
		assert_noop!(Rewards::review(origin(bob()), id, true), Error::<Test>::NotCurator);
		assert_noop!(Rewards::review(origin(alice()), id, false), Error::<Test>::NotCurator);
		assert_ok!(Rewards::review(origin(curator()), id, true));
		assert_noop!(
			Rewards::review(origin(curator()), id, false),
			Error::<Test>::ContributionAlreadyReviewed
		);
	});
}

// ---------------------------------------------------------------- revenue and claims

#[test]
fn revenue_without_shares_goes_to_the_curator() {
	run_test(|| {
		let dataset = register();
		pay_revenue(dataset, 500);
		assert_eq!(
			last_event(),
			Event::RevenueReceived { dataset_id: dataset, amount: 500, to_curator: true }
		);
		assert_eq!(pallet_funds(), ED + 500);
		assert_eq!(claimable(&curator(), dataset), 500);
		assert_ok!(Rewards::claim_rewards(origin(curator()), dataset));
		assert_eq!(free(&curator()), INITIAL_BALANCE - DATASET_DEPOSIT + 500);
		assert_eq!(pallet_funds(), ED);
		assert_eq!(
			last_event(),
			Event::RewardsClaimed { dataset_id: dataset, who: curator(), amount: 500 }
		);
		// Once shares exist, revenue is theirs.
		accepted(alice(), dataset, 1);
		pay_revenue(dataset, 70);
		assert_eq!(claimable(&curator(), dataset), 0);
		assert_eq!(claimable(&alice(), dataset), 70);
	});
}

#[test]
fn revenue_for_an_unknown_dataset_goes_to_the_treasury() {
	run_test(|| {
		let issuance = Balances::total_issuance();
		pay_revenue(42, 300);
		assert_eq!(free(&treasury()), INITIAL_BALANCE + 300);
		assert_eq!(pallet_funds(), ED);
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(last_event(), Event::RevenueUnassigned { dataset_id: 42, amount: 300 });
	});
}

#[test]
fn contributors_joining_at_different_times_get_exactly_their_pro_rata_share() {
	run_test(|| {
		let dataset = register();
		accepted(alice(), dataset, 100);
		pay_revenue(dataset, 1_000); // alice alone: 1000
		accepted(bob(), dataset, 300);
		pay_revenue(dataset, 1_000); // 100:300 → alice 250, bob 750
		accepted(charlie(), dataset, 600);
		pay_revenue(dataset, 2_000); // 100:300:600 → 200, 600, 1200

		assert_eq!(claimable(&alice(), dataset), 1_450);
		assert_eq!(claimable(&bob(), dataset), 1_350);
		assert_eq!(claimable(&charlie(), dataset), 1_200);
		assert_eq!(Datasets::<Test>::get(dataset).unwrap().total_revenue, 4_000);

		// Claims in any order; each exactly once.
		for (who, owed) in [(charlie(), 1_200), (alice(), 1_450), (bob(), 1_350)] {
			assert_ok!(Rewards::claim_rewards(origin(who.clone()), dataset));
			assert_eq!(free(&who), INITIAL_BALANCE + owed);
			assert_noop!(
				Rewards::claim_rewards(origin(who), dataset),
				Error::<Test>::NothingToClaim
			);
		}
		assert_eq!(Datasets::<Test>::get(dataset).unwrap().pool, 0);
		assert_eq!(pallet_funds(), ED);

		// Revenue after the claims is shared on the same terms.
		pay_revenue(dataset, 10);
		assert_eq!(claimable(&alice(), dataset), 1);
		assert_eq!(claimable(&bob(), dataset), 3);
		assert_eq!(claimable(&charlie(), dataset), 6);
	});
}

#[test]
fn rounding_dust_is_carried_and_never_paid_twice() {
	run_test(|| {
		let dataset = register();
		for who in [alice(), bob(), charlie()] {
			accepted(who, dataset, 1);
		}
		// 10 over 3 shares: 3 each now, a third of a planck each stays owed and one
		// 10^-18 planck is carried.
		pay_revenue(dataset, 10);
		let record = Datasets::<Test>::get(dataset).unwrap();
		assert_eq!(record.reward_per_share, U256::from(3_333_333_333_333_333_333u128));
		assert_eq!(record.carry, U256::one());
		for who in [alice(), bob(), charlie()] {
			assert_ok!(Rewards::claim_rewards(origin(who.clone()), dataset));
			assert_eq!(free(&who), INITIAL_BALANCE + 3);
			assert_noop!(
				Rewards::claim_rewards(origin(who), dataset),
				Error::<Test>::NothingToClaim
			);
		}
		assert_eq!(Datasets::<Test>::get(dataset).unwrap().pool, 1);
		// 2 more: with the carried fraction, each third becomes a whole planck.
		pay_revenue(dataset, 2);
		assert_eq!(Datasets::<Test>::get(dataset).unwrap().carry, U256::zero());
		for who in [alice(), bob(), charlie()] {
			assert_ok!(Rewards::claim_rewards(origin(who.clone()), dataset));
			assert_eq!(free(&who), INITIAL_BALANCE + 4);
		}
		assert_eq!(Datasets::<Test>::get(dataset).unwrap().pool, 0);
		assert_eq!(PRECISION, 10u128.pow(18));
	});
}

#[test]
fn curator_with_shares_claims_both_at_once() {
	run_test(|| {
		let dataset = register();
		pay_revenue(dataset, 100); // nobody holds shares: curator's
		accepted(curator(), dataset, 1);
		accepted(alice(), dataset, 1);
		pay_revenue(dataset, 100); // 50 each
		assert_eq!(claimable(&curator(), dataset), 150);
		assert_ok!(Rewards::claim_rewards(origin(curator()), dataset));
		assert_eq!(free(&curator()), INITIAL_BALANCE - DATASET_DEPOSIT + 150);
		assert_eq!(Datasets::<Test>::get(dataset).unwrap().curator_owed, 0);
	});
}

#[test]
fn claim_errors_leave_state_untouched() {
	run_test(|| {
		assert_noop!(Rewards::claim_rewards(origin(alice()), 3), Error::<Test>::UnknownDataset);
		let dataset = register();
		// No stake and not the curator.
		assert_noop!(
			Rewards::claim_rewards(origin(alice()), dataset),
			Error::<Test>::NothingToClaim
		);
		// The curator with nothing owed.
		assert_noop!(
			Rewards::claim_rewards(origin(curator()), dataset),
			Error::<Test>::NothingToClaim
		);
		// A stake that earned nothing yet.
		accepted(alice(), dataset, 5);
		assert_noop!(
			Rewards::claim_rewards(origin(alice()), dataset),
			Error::<Test>::NothingToClaim
		);
		// Shares acquired after revenue earn none of it.
		pay_revenue(dataset, 50);
		accepted(bob(), dataset, 5);
		assert_noop!(Rewards::claim_rewards(origin(bob()), dataset), Error::<Test>::NothingToClaim);
	});
}

// ---------------------------------------------------------------- campaigns

#[test]
fn create_campaign_moves_the_budget_into_the_pallet_account() {
	run_test(|| {
		let id = campaign(1_000, 10);
		assert_eq!(free(&sponsor()), INITIAL_BALANCE - 1_000);
		assert_eq!(pallet_funds(), ED + 1_000);
		let record = Campaigns::<Test>::get(id).unwrap();
		assert_eq!(record.sponsor, sponsor());
		assert_eq!((record.available, record.committed), (1_000, 0));
		assert_eq!(record.reviewers.to_vec(), reviewers(3));
		assert_eq!(record.required_approvals, 2);
		assert_eq!(
			last_event(),
			Event::CampaignCreated {
				campaign_id: id,
				sponsor: sponsor(),
				kind: CampaignKind::Labeling,
				budget: 1_000,
				deadline: 10,
			}
		);
	});
}

#[test]
fn governance_campaigns_are_funded_by_the_treasury() {
	run_test(|| {
		assert_ok!(Rewards::create_campaign(
			RuntimeOrigin::root(),
			CampaignKind::Compute,
			2_000,
			100,
			5,
			reviewers(1),
			1,
			vec![]
		));
		assert_eq!(free(&treasury()), INITIAL_BALANCE - 2_000);
		assert_eq!(Campaigns::<Test>::get(0).unwrap().sponsor, treasury());
		// The treasury is refunded when governance closes it.
		System::set_block_number(6);
		assert_ok!(Rewards::close_campaign(RuntimeOrigin::root(), 0));
		assert_eq!(free(&treasury()), INITIAL_BALANCE);
	});
}

#[test]
fn create_campaign_errors_leave_state_untouched() {
	run_test(|| {
		let create = |who: RuntimeOrigin,
		              budget: Balance,
		              reward: Balance,
		              deadline: u64,
		              reviewers: Vec<AccountId>,
		              required: u32,
		              uri: Vec<u8>| {
			Rewards::create_campaign(
				who,
				CampaignKind::OutputValidation,
				budget,
				reward,
				deadline,
				reviewers,
				required,
				uri,
			)
		};
		let ok = reviewers(2);
		// A dust budget would buy a campaign record for ever.
		assert_noop!(
			create(origin(sponsor()), MIN_CAMPAIGN_BUDGET - 1, 1, 9, ok.clone(), 1, vec![]),
			Error::<Test>::BudgetTooSmall
		);
		assert_noop!(
			create(origin(sponsor()), MIN_CAMPAIGN_BUDGET, 0, 9, ok.clone(), 1, vec![]),
			Error::<Test>::ZeroReward
		);
		assert_noop!(
			create(origin(sponsor()), MIN_CAMPAIGN_BUDGET, 1, 1, ok.clone(), 1, vec![]),
			Error::<Test>::DeadlineInPast
		);
		assert_noop!(
			create(origin(sponsor()), MIN_CAMPAIGN_BUDGET, 1, 9, vec![], 1, vec![]),
			Error::<Test>::NoReviewers
		);
		assert_noop!(
			create(
				origin(sponsor()),
				MIN_CAMPAIGN_BUDGET,
				1,
				9,
				reviewers(MAX_REVIEWERS as u8 + 1),
				1,
				vec![]
			),
			Error::<Test>::TooManyReviewers
		);
		assert_noop!(
			create(
				origin(sponsor()),
				MIN_CAMPAIGN_BUDGET,
				1,
				9,
				vec![reviewer(0), reviewer(1), reviewer(0)],
				1,
				vec![]
			),
			Error::<Test>::DuplicateReviewer
		);
		for required in [0, 3] {
			assert_noop!(
				create(origin(sponsor()), MIN_CAMPAIGN_BUDGET, 1, 9, ok.clone(), required, vec![]),
				Error::<Test>::InvalidApprovalThreshold
			);
		}
		assert_noop!(
			create(
				origin(sponsor()),
				MIN_CAMPAIGN_BUDGET,
				1,
				9,
				ok.clone(),
				1,
				vec![0; MAX_URI_LEN as usize + 1]
			),
			Error::<Test>::MetadataUriTooLong
		);
		assert_noop!(
			create(origin(pauper()), MIN_CAMPAIGN_BUDGET, 1, 9, ok.clone(), 1, vec![]),
			TokenError::FundsUnavailable
		);
		// The sponsor's account is never reaped by its budget.
		assert_noop!(
			create(origin(sponsor()), INITIAL_BALANCE, 1, 9, ok.clone(), 1, vec![]),
			TokenError::NotExpendable
		);
		assert_noop!(
			create(RuntimeOrigin::none(), MIN_CAMPAIGN_BUDGET, 1, 9, ok.clone(), 1, vec![]),
			DispatchError::BadOrigin
		);
		NextCampaignId::<Test>::put(u64::MAX);
		assert_noop!(
			create(origin(sponsor()), MIN_CAMPAIGN_BUDGET, 1, 9, ok, 1, vec![]),
			Error::<Test>::CampaignIdOverflow
		);
	});
}

#[test]
fn submit_work_sets_the_reward_aside_and_holds_a_deposit() {
	run_test(|| {
		let id = campaign(1_000, 10);
		let submission = submit(alice(), id, 30);
		assert_eq!(held(HoldReason::SubmissionDeposit, &alice()), SUBMISSION_DEPOSIT);
		let record = Campaigns::<Test>::get(id).unwrap();
		assert_eq!((record.available, record.committed, record.pending_submissions), (700, 300, 1));
		let stored = Submissions::<Test>::get(id, submission).unwrap();
		assert_eq!((stored.units, stored.reward, stored.deposit), (30, 300, SUBMISSION_DEPOSIT));
		assert_eq!(
			last_event(),
			Event::WorkSubmitted {
				campaign_id: id,
				submission_id: submission,
				contributor: alice(),
				units: 30,
				reward: 300,
				deposit: SUBMISSION_DEPOSIT,
			}
		);
	});
}

#[test]
fn submit_work_errors_leave_state_untouched() {
	run_test(|| {
		let id = campaign(1_000, 10);
		let hash = H256::zero();
		assert_noop!(Rewards::submit_work(origin(alice()), id, hash, 0), Error::<Test>::ZeroUnits);
		assert_noop!(
			Rewards::submit_work(origin(alice()), 5, hash, 1),
			Error::<Test>::UnknownCampaign
		);
		assert_noop!(
			Rewards::submit_work(origin(reviewer(1)), id, hash, 1),
			Error::<Test>::ReviewerCannotSubmit
		);
		assert_noop!(
			Rewards::submit_work(origin(alice()), id, hash, u64::MAX),
			Error::<Test>::InsufficientBudget
		);
		assert_noop!(
			Rewards::submit_work(origin(pauper()), id, hash, 1),
			TokenError::FundsUnavailable
		);
		// Budget set aside for pending work is not available to new work.
		submit(alice(), id, 60);
		assert_noop!(
			Rewards::submit_work(origin(bob()), id, hash, 41),
			Error::<Test>::InsufficientBudget
		);
		submit(bob(), id, 10);
		submit(charlie(), id, 10);
		assert_noop!(
			Rewards::submit_work(origin(alice()), id, hash, 1),
			Error::<Test>::TooManyPendingSubmissions
		);
		System::set_block_number(11);
		assert_noop!(
			Rewards::submit_work(origin(alice()), id, hash, 1),
			Error::<Test>::CampaignEnded
		);

		// Units × reward overflowing the balance type.
		System::set_block_number(1);
		let huge = campaign(1_000, Balance::MAX / 2);
		assert_noop!(
			Rewards::submit_work(origin(alice()), huge, hash, 3),
			Error::<Test>::ArithmeticOverflow
		);
		crate::NextSubmissionId::<Test>::put(u64::MAX);
		let fresh = campaign(1_000, 1);
		assert_noop!(
			Rewards::submit_work(origin(alice()), fresh, hash, 1),
			Error::<Test>::SubmissionIdOverflow
		);
	});
}

#[test]
fn required_approvals_pay_the_reward_and_release_the_deposit() {
	run_test(|| {
		let id = campaign(1_000, 10);
		let submission = submit(alice(), id, 30);
		vote(0, id, submission, true);
		// One approval of two: nothing paid yet.
		assert_eq!(free(&alice()), INITIAL_BALANCE - SUBMISSION_DEPOSIT);
		assert_eq!(Submissions::<Test>::get(id, submission).unwrap().approvals, 0b001);
		vote(1, id, submission, false);
		vote(2, id, submission, true);
		assert_eq!(free(&alice()), INITIAL_BALANCE + 300);
		assert_eq!(held(HoldReason::SubmissionDeposit, &alice()), 0);
		assert_eq!(pallet_funds(), ED + 700);
		assert!(Submissions::<Test>::get(id, submission).is_none());
		let record = Campaigns::<Test>::get(id).unwrap();
		assert_eq!((record.available, record.committed, record.pending_submissions), (700, 0, 0));
		let tail: Vec<_> = events().into_iter().rev().take(2).collect();
		assert_eq!(
			tail,
			vec![
				Event::SubmissionApproved {
					campaign_id: id,
					submission_id: submission,
					contributor: alice(),
					reward: 300,
				},
				Event::SubmissionReviewed {
					campaign_id: id,
					submission_id: submission,
					reviewer: reviewer(2),
					approve: true,
				},
			]
		);
	});
}

#[test]
fn majority_rejection_returns_the_reward_and_forfeits_the_deposit_to_the_budget() {
	run_test(|| {
		let id = campaign(1_000, 10);
		let submission = submit(alice(), id, 30);
		vote(0, id, submission, false);
		assert!(Submissions::<Test>::get(id, submission).is_some());
		vote(1, id, submission, false);
		assert_eq!(free(&alice()), INITIAL_BALANCE - SUBMISSION_DEPOSIT);
		assert_eq!(held(HoldReason::SubmissionDeposit, &alice()), 0);
		let record = Campaigns::<Test>::get(id).unwrap();
		assert_eq!(
			(record.available, record.committed, record.pending_submissions),
			(1_000 + SUBMISSION_DEPOSIT, 0, 0)
		);
		assert_eq!(pallet_funds(), ED + 1_000 + SUBMISSION_DEPOSIT);
		assert_eq!(
			last_event(),
			Event::SubmissionRejected {
				campaign_id: id,
				submission_id: submission,
				contributor: alice(),
				forfeited: SUBMISSION_DEPOSIT,
			}
		);
		// The freed budget takes new work.
		submit(bob(), id, 100);
	});
}

#[test]
fn review_submission_errors_leave_state_untouched() {
	run_test(|| {
		let id = campaign(1_000, 10);
		let submission = submit(alice(), id, 1);
		assert_noop!(
			Rewards::review_submission(origin(reviewer(0)), 9, submission, true),
			Error::<Test>::UnknownCampaign
		);
		assert_noop!(
			Rewards::review_submission(origin(reviewer(0)), id, 9, true),
			Error::<Test>::UnknownSubmission
		);
		assert_noop!(
			Rewards::review_submission(origin(bob()), id, submission, true),
			Error::<Test>::NotReviewer
		);
		assert_noop!(
			Rewards::review_submission(origin(reviewer(3)), id, submission, true),
			Error::<Test>::NotReviewer
		);
		vote(0, id, submission, true);
		for approve in [true, false] {
			assert_noop!(
				Rewards::review_submission(origin(reviewer(0)), id, submission, approve),
				Error::<Test>::AlreadyVoted
			);
		}
	});
}

#[test]
fn close_campaign_refunds_the_budget_and_releases_pending_deposits() {
	run_test(|| {
		let id = campaign(1_000, 10);
		let paid = submit(alice(), id, 20);
		submit(bob(), id, 30);
		submit(charlie(), id, 5);
		vote(0, id, paid, true);
		vote(1, id, paid, true);
		System::set_block_number(11);
		assert_ok!(Rewards::close_campaign(origin(sponsor()), id));
		assert_eq!(free(&sponsor()), INITIAL_BALANCE - 200);
		for who in [bob(), charlie()] {
			assert_eq!(free(&who), INITIAL_BALANCE);
			assert_eq!(held(HoldReason::SubmissionDeposit, &who), 0);
		}
		assert_eq!(free(&alice()), INITIAL_BALANCE + 200);
		assert_eq!(pallet_funds(), ED);
		assert!(Campaigns::<Test>::get(id).is_none());
		assert_eq!(Submissions::<Test>::iter_prefix(id).count(), 0);
		assert_eq!(
			last_event(),
			Event::CampaignClosed { campaign_id: id, refunded: 800, released_submissions: 2 }
		);
	});
}

#[test]
fn close_campaign_errors_leave_state_untouched() {
	run_test(|| {
		let id = campaign(1_000, 10);
		assert_noop!(Rewards::close_campaign(origin(sponsor()), 4), Error::<Test>::UnknownCampaign);
		assert_noop!(Rewards::close_campaign(origin(alice()), id), Error::<Test>::NotSponsor);
		System::set_block_number(10);
		assert_noop!(
			Rewards::close_campaign(origin(sponsor()), id),
			Error::<Test>::CampaignStillRunning
		);
		assert_noop!(
			Rewards::close_campaign(RuntimeOrigin::root(), id),
			Error::<Test>::CampaignStillRunning
		);
		assert_noop!(Rewards::close_campaign(RuntimeOrigin::none(), id), DispatchError::BadOrigin);
		// Governance may close any campaign once its deadline has passed.
		System::set_block_number(11);
		assert_ok!(Rewards::close_campaign(RuntimeOrigin::root(), id));
		assert_eq!(free(&sponsor()), INITIAL_BALANCE);
	});
}

#[test]
fn reviews_after_the_deadline_still_decide_pending_work() {
	run_test(|| {
		let id = campaign(1_000, 10);
		let submission = submit(alice(), id, 1);
		System::set_block_number(50);
		vote(0, id, submission, true);
		vote(1, id, submission, true);
		assert_eq!(free(&alice()), INITIAL_BALANCE + 10);
	});
}

// ---------------------------------------------------------------- runtime API views

#[test]
fn views_show_datasets_contributions_campaigns_and_pending_rewards() {
	run_test(|| {
		let dataset = register();
		accepted(alice(), dataset, 2);
		let pending = contribute(bob(), dataset, 9);
		let rejected = contribute(charlie(), dataset, 1);
		assert_ok!(Rewards::review(origin(curator()), rejected, false));
		pay_revenue(dataset, 8);

		let info = Rewards::dataset_info(dataset).unwrap();
		assert_eq!(info.name, b"speech-en".to_vec());
		assert_eq!((info.total_shares, info.pool, info.pending_contributions), (2, 8, 1));
		assert!(Rewards::dataset_info(5).is_none());

		let page = Rewards::contributions_page(dataset, None, 10);
		assert_eq!(page.iter().map(|c| c.id).collect::<Vec<_>>(), vec![0, pending]);
		assert_eq!(page[0].status, ContributionStatus::Accepted);
		assert_eq!(page[1].status, ContributionStatus::Pending);
		assert_eq!(Rewards::contributions_page(dataset, Some(0), 10).len(), 1);
		assert_eq!(Rewards::contributions_page(dataset, None, 1).len(), 1);

		let id = campaign(500, 5);
		let submission = submit(alice(), id, 4);
		vote(0, id, submission, false);
		let rewards = Rewards::pending_rewards(alice());
		assert_eq!(rewards.datasets, vec![(dataset, 8)]);
		assert_eq!(
			rewards.submissions,
			vec![PendingSubmission {
				campaign: id,
				submission,
				reward: 20,
				approvals: 0,
				rejections: 1
			}]
		);
		let campaign = Rewards::campaign_info(id).unwrap();
		assert_eq!((campaign.available, campaign.committed), (480, 20));
		assert_eq!(campaign.reviewers, reviewers(3));
		assert!(Rewards::campaign_info(9).is_none());
	});
}

/// Attack: fill the chain with datasets and submissions so that every account's
/// `agora_pendingRewards` reads them all. It reads the account's own entries only: the
/// storage proof of the call (every trie node it read) does not grow with other accounts'
/// datasets and submissions.
#[test]
fn pending_rewards_reads_only_the_accounts_own_entries() {
	let mut ext = new_test_ext();
	let read_by_alice = |ext: &mut sp_io::TestExternalities| {
		ext.commit_all().expect("commits");
		let (rewards, proof) = ext.execute_and_prove(|| Rewards::pending_rewards(alice()));
		(rewards, codec::Encode::encoded_size(&proof))
	};
	ext.execute_with(|| {
		let dataset = register();
		accepted(alice(), dataset, 2);
		pay_revenue(dataset, 8);
		submit(alice(), campaign(500, 5), 4);
	});
	let (alone, alone_bytes) = read_by_alice(&mut ext);
	assert_eq!(alone.datasets, vec![(0, 8)]);
	assert_eq!(alone.submissions.len(), 1);

	ext.execute_with(|| {
		for _ in 0..200 {
			assert_ok!(Rewards::register_dataset(
				origin(bob()),
				b"spam".to_vec(),
				vec![],
				H256::zero()
			));
			pay_revenue(NextDatasetId::<Test>::get() - 1, 1);
		}
		for _ in 0..40 {
			let id = campaign(MIN_CAMPAIGN_BUDGET, 1);
			for _ in 0..MAX_PENDING_SUBMISSIONS {
				submit(charlie(), id, 1);
			}
		}
		check_invariants();
	});
	let (among_many, among_many_bytes) = read_by_alice(&mut ext);
	assert_eq!(among_many, alone);
	// The same entries sit under more branch nodes now (1.6 → 3.8 KB of proof when this
	// was written); reading every dataset and submission, as before the indexes, made it
	// 35 KB.
	assert!(
		among_many_bytes < alone_bytes * 4,
		"the proof grew from {alone_bytes} to {among_many_bytes} bytes"
	);
}

#[test]
fn datasets_and_submissions_are_indexed_under_their_accounts_until_decided() {
	run_test(|| {
		let dataset = register();
		assert!(DatasetsByCurator::<Test>::contains_key(curator(), dataset));
		let id = campaign(500, 5);
		let approved = submit(alice(), id, 1);
		let rejected = submit(alice(), id, 1);
		let left = submit(bob(), id, 1);
		let keys = || SubmissionsOf::<Test>::iter_keys().collect::<Vec<_>>().len();
		assert_eq!(keys(), 3);
		vote(0, id, approved, true);
		vote(1, id, approved, true);
		vote(0, id, rejected, false);
		vote(1, id, rejected, false);
		assert_eq!(
			SubmissionsOf::<Test>::iter_keys().collect::<Vec<_>>(),
			vec![(bob(), (id, left))]
		);
		System::set_block_number(11);
		assert_ok!(Rewards::close_campaign(origin(sponsor()), id));
		assert_eq!(keys(), 0);
		assert!(Rewards::pending_rewards(bob()).submissions.is_empty());
	});
}

#[test]
fn migration_to_v1_indexes_datasets_and_submissions_by_account() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	run_test(|| {
		let dataset = register();
		let id = campaign(500, 5);
		let submission = submit(alice(), id, 1);
		// Version 0 had no indexes.
		let _ = DatasetsByCurator::<Test>::clear(u32::MAX, None);
		let _ = SubmissionsOf::<Test>::clear(u32::MAX, None);
		StorageVersion::new(0).put::<Rewards>();
		assert!(Rewards::do_try_state().is_err());

		crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Rewards::on_chain_storage_version(), 1);
		assert_eq!(
			DatasetsByCurator::<Test>::iter_keys().collect::<Vec<_>>(),
			vec![(curator(), dataset)]
		);
		assert_eq!(
			SubmissionsOf::<Test>::iter_keys().collect::<Vec<_>>(),
			vec![(alice(), (id, submission))]
		);

		// Once at version 1 it does nothing.
		SubmissionsOf::<Test>::remove(alice(), (id, submission));
		crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert!(!SubmissionsOf::<Test>::contains_key(alice(), (id, submission)));
		SubmissionsOf::<Test>::insert(alice(), (id, submission), ());
	});
}

// ---------------------------------------------------------------- invariants

#[test]
fn try_state_detects_a_pool_that_does_not_match_its_stakes() {
	run_test(|| {
		let dataset = register();
		accepted(alice(), dataset, 3);
		pay_revenue(dataset, 10);
		Datasets::<Test>::mutate(dataset, |d| d.as_mut().unwrap().pool += 1);
		assert!(Rewards::do_try_state().is_err());
		Datasets::<Test>::mutate(dataset, |d| d.as_mut().unwrap().pool -= 1);
		assert_ok!(Rewards::do_try_state());
		// Funds leaving the pallet account behind its back.
		let account = Rewards::account_id();
		assert_ok!(Balances::burn_from(
			&account,
			5,
			frame_support::traits::tokens::Preservation::Preserve,
			frame_support::traits::tokens::Precision::Exact,
			frame_support::traits::tokens::Fortitude::Force
		));
		assert!(Rewards::do_try_state().is_err());
		assert_ok!(Balances::mint_into(&account, 5));
	});
}

mod random_sequences {
	use super::*;
	use proptest::prelude::*;

	#[derive(Debug, Clone)]
	enum Op {
		Contribute { who: u8, units: u64 },
		Review { nth: u8, accept: bool },
		Revenue { amount: Balance },
		Claim { who: u8 },
		Submit { who: u8, units: u64 },
		Vote { reviewer: u8, nth: u8, approve: bool },
		Advance,
		Close,
	}

	fn op() -> impl Strategy<Value = Op> {
		prop_oneof![
			(0u8..4, 1u64..50).prop_map(|(who, units)| Op::Contribute { who, units }),
			(0u8..4, any::<bool>()).prop_map(|(nth, accept)| Op::Review { nth, accept }),
			(1u128..5_000).prop_map(|amount| Op::Revenue { amount }),
			(0u8..5).prop_map(|who| Op::Claim { who }),
			(0u8..4, 1u64..40).prop_map(|(who, units)| Op::Submit { who, units }),
			(0u8..3, 0u8..4, any::<bool>()).prop_map(|(reviewer, nth, approve)| Op::Vote {
				reviewer,
				nth,
				approve
			}),
			Just(Op::Advance),
			Just(Op::Close),
		]
	}

	fn contributor(i: u8) -> AccountId {
		[alice(), bob(), charlie(), account(7), curator()][i as usize % 5].clone()
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]
		#[test]
		fn funds_always_match_what_is_owed(ops in proptest::collection::vec(op(), 1..60)) {
			new_test_ext().execute_with(|| {
				Balances::set_balance(&account(7), INITIAL_BALANCE);
				let issuance = Balances::total_issuance();
				let dataset = register();
				let campaign = campaign(2_000, 7);
				for op in ops {
					// Failing calls are part of the sequence: they must change nothing.
					let _ = match op {
						Op::Contribute { who, units } => Rewards::contribute(
							origin(contributor(who)), dataset, H256::zero(), units),
						Op::Review { nth, accept } => {
							let pending: Vec<_> = Contributions::<Test>::iter()
								.filter(|(_, c)| c.status == ContributionStatus::Pending)
								.map(|(id, _)| id)
								.collect();
							match pending.get(nth as usize % pending.len().max(1)) {
								Some(id) => Rewards::review(origin(curator()), *id, accept),
								None => Ok(()),
							}
						},
						Op::Revenue { amount } => {
							pay_revenue(dataset, amount);
							Ok(())
						},
						Op::Claim { who } =>
							Rewards::claim_rewards(origin(contributor(who)), dataset),
						Op::Submit { who, units } => Rewards::submit_work(
							origin(contributor(who)), campaign, H256::zero(), units),
						Op::Vote { reviewer: index, nth, approve } => {
							let pending: Vec<_> =
								Submissions::<Test>::iter_key_prefix(campaign).collect();
							match pending.get(nth as usize % pending.len().max(1)) {
								Some(id) => Rewards::review_submission(
									origin(reviewer(index)), campaign, *id, approve),
								None => Ok(()),
							}
						},
						Op::Advance => {
							System::set_block_number(System::block_number() + 4);
							Ok(())
						},
						Op::Close => Rewards::close_campaign(origin(sponsor()), campaign)
							.map(|_| ())
							.map_err(|e| e.error),
					};
					check_invariants();
					prop_assert_eq!(Balances::total_issuance(), issuance);
				}
				// Everyone can always be paid what they are owed.
				for who in 0..5 {
					let who = contributor(who);
					let owed = claimable(&who, dataset);
					let before = free(&who);
					if owed > 0 {
						prop_assert!(Rewards::claim_rewards(origin(who.clone()), dataset).is_ok());
					}
					prop_assert_eq!(free(&who), before + owed);
				}
				check_invariants();
				Ok(())
			})?;
		}
	}
}

#[test]
fn records_that_disagree_with_funds_are_refused_without_paying() {
	new_test_ext().execute_with(|| {
		let dataset = register();
		accepted(alice(), dataset, 1);
		pay_revenue(dataset, 100);
		// A pool that holds less than its stakes are owed.
		Datasets::<Test>::mutate(dataset, |d| d.as_mut().unwrap().pool = 50);
		assert_noop!(Rewards::claim_rewards(origin(alice()), dataset), Error::<Test>::FundsMissing);

		// A campaign whose committed budget lost track of a submission's reward.
		let id = campaign(1_000, 10);
		let submission = submit(bob(), id, 5);
		let rejected = submit(charlie(), id, 5);
		Campaigns::<Test>::mutate(id, |c| c.as_mut().unwrap().committed = 10);
		vote(0, id, submission, true);
		assert_noop!(
			Rewards::review_submission(origin(reviewer(1)), id, submission, true),
			Error::<Test>::FundsMissing
		);
		vote(1, id, rejected, false);
		assert_noop!(
			Rewards::review_submission(origin(reviewer(2)), id, rejected, false),
			Error::<Test>::FundsMissing
		);
	});
}

#[test]
fn share_totals_beyond_u128_are_refused() {
	run_test(|| {
		let dataset = register();
		let id = contribute(alice(), dataset, 10);
		Datasets::<Test>::mutate(dataset, |d| d.as_mut().unwrap().total_shares = u128::MAX - 5);
		assert_noop!(
			Rewards::review(origin(curator()), id, true),
			Error::<Test>::ArithmeticOverflow
		);
		Datasets::<Test>::mutate(dataset, |d| d.as_mut().unwrap().total_shares = 0);
	});
}

mod parameters {
	use super::*;
	use crate::{ParameterChange, ParameterChangeOf, Parameters, RewardParameters};
	use frame_support::BoundedVec;
	use sp_runtime::BuildStorage;

	fn set(changes: Vec<ParameterChangeOf<Test>>) -> sp_runtime::DispatchResult {
		Rewards::set_parameters(RuntimeOrigin::root(), BoundedVec::truncate_from(changes))
	}

	#[test]
	fn a_new_chain_runs_on_the_default_parameters() {
		run_test(|| {
			assert!(!Parameters::<Test>::exists());
			assert_eq!(Rewards::parameters(), MockParameters::get());
		});
	}

	#[test]
	fn governance_changes_them_and_deposits_follow() {
		run_test(|| {
			use ParameterChange::*;
			let changes = vec![DatasetDeposit(20), ContributionDeposit(6), SubmissionDeposit(4)];
			assert_ok!(set(changes.clone()));
			assert_eq!(
				Rewards::parameters(),
				RewardParameters {
					dataset_deposit: 20,
					contribution_deposit: 6,
					submission_deposit: 4,
				}
			);
			assert_eq!(
				last_event(),
				Event::ParametersSet { changes: BoundedVec::truncate_from(changes) }
			);
			register();
			assert_eq!(held(HoldReason::DatasetDeposit, &curator()), 20);
		});
	}

	#[test]
	fn only_governance_changes_them() {
		run_test(|| {
			let changes = BoundedVec::truncate_from(vec![ParameterChange::DatasetDeposit(1)]);
			assert_noop!(
				Rewards::set_parameters(origin(alice()), changes),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn a_set_out_of_bounds_is_refused_whole() {
		run_test(|| {
			use ParameterChange::*;
			let too_large = MAX_PARAMETER_AMOUNT + 1;
			let cases = [
				(vec![], Error::<Test>::NoParameterChanges),
				(vec![DatasetDeposit(0)], Error::<Test>::ZeroParameterAmount),
				(vec![ContributionDeposit(0)], Error::<Test>::ZeroParameterAmount),
				(vec![SubmissionDeposit(0)], Error::<Test>::ZeroParameterAmount),
				(vec![DatasetDeposit(too_large)], Error::<Test>::ParameterAmountTooLarge),
				(vec![ContributionDeposit(too_large)], Error::<Test>::ParameterAmountTooLarge),
				(vec![SubmissionDeposit(too_large)], Error::<Test>::ParameterAmountTooLarge),
				(vec![DatasetDeposit(1), SubmissionDeposit(0)], Error::<Test>::ZeroParameterAmount),
			];
			for (changes, error) in cases {
				assert_noop!(set(changes), error);
			}
			assert_ok!(set(vec![DatasetDeposit(MAX_PARAMETER_AMOUNT)]));
		});
	}

	fn genesis(parameters: RewardParameters<Balance>) -> sp_io::TestExternalities {
		crate::GenesisConfig::<Test> { parameters: Some(parameters) }
			.build_storage()
			.unwrap()
			.into()
	}

	#[test]
	fn genesis_sets_them() {
		let parameters = RewardParameters { submission_deposit: 9, ..MockParameters::get() };
		genesis(parameters.clone()).execute_with(|| {
			assert_eq!(Rewards::parameters(), parameters);
		});
	}

	#[test]
	#[should_panic(expected = "genesis rewards parameters are invalid: ZeroParameterAmount")]
	fn genesis_refuses_invalid_ones() {
		genesis(RewardParameters { dataset_deposit: 0, ..MockParameters::get() });
	}
}
