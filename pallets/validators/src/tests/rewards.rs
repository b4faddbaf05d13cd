//! Validators are paid for the blocks they author: fee and tip shares to the author, the
//! session's issuance by blocks authored. Every figure is exact to the planck.

use super::{events_where, set_parameter};
use crate::{mock::*, AuthoredBlocks, BlockFees, DealWithFees, Event, ParameterChange, Parameters};
use frame_support::traits::{
	fungible::{Balanced, Inspect},
	tokens::{imbalance::OnUnbalanced, Fortitude, Precision, Preservation},
};
use sp_runtime::Perbill;

/// Takes `fee + tip` from account 4 and hands it to the fee handler as a transaction's
/// fee, then its tip, as `pallet-transaction-payment` does.
fn pay_fee(fee: u64, tip: u64) {
	let fee_credit =
		Balances::withdraw(&4, fee, Precision::Exact, Preservation::Preserve, Fortitude::Polite)
			.unwrap();
	let tip_credit =
		Balances::withdraw(&4, tip, Precision::Exact, Preservation::Preserve, Fortitude::Polite)
			.unwrap();
	DealWithFees::<Test>::on_unbalanceds([fee_credit, tip_credit].into_iter());
}

fn balance(who: u64) -> u64 {
	Balances::total_balance(&who)
}

fn fee_events() -> Vec<Event<Test>> {
	events_where(|event| matches!(event, Event::FeesPaid { .. }))
}

#[test]
fn the_author_gets_its_share_of_fees_and_tips_and_the_treasury_the_rest() {
	new_test_ext().execute_with(|| {
		run_authored(&[Some(2)]);
		let issuance = Balances::total_issuance();
		let (author, treasury) = (balance(2), balance(TREASURY));
		// 20 % of 1,001 is 200.2: the author gets 200, the treasury 801; the tip is all
		// the author's (100 %).
		pay_fee(1_001, 7);
		pay_fee(10, 0);
		assert_eq!(balance(2) - author, 200 + 7 + 2);
		assert_eq!(balance(TREASURY) - treasury, 801 + 8);
		// Nothing burned, nothing minted.
		assert_eq!(Balances::total_issuance(), issuance);
		// One event when the block ends, summing its transactions.
		run_authored(&[Some(3)]);
		assert_eq!(
			fee_events(),
			vec![Event::FeesPaid { author: Some(2), to_author: 209, to_treasury: 809 }]
		);
		assert_eq!(BlockFees::<Test>::get(), None);
	});
}

#[test]
fn tips_follow_their_own_share() {
	new_test_ext().execute_with(|| {
		set_parameter(ParameterChange::AuthorTipShare(Perbill::from_percent(50)));
		set_parameter(ParameterChange::AuthorFeeShare(Perbill::zero()));
		run_authored(&[Some(1)]);
		let (author, treasury) = (balance(1), balance(TREASURY));
		pay_fee(100, 9);
		// Half of 9 is 4.5: 4 to the author.
		assert_eq!(balance(1) - author, 4);
		assert_eq!(balance(TREASURY) - treasury, 100 + 5);
	});
}

#[test]
fn without_a_known_author_the_treasury_takes_every_fee() {
	new_test_ext().execute_with(|| {
		run_authored(&[None]);
		let treasury = balance(TREASURY);
		pay_fee(1_000, 50);
		assert_eq!(balance(TREASURY) - treasury, 1_050);
		run_authored(&[None]);
		assert_eq!(
			fee_events(),
			vec![Event::FeesPaid { author: None, to_author: 0, to_treasury: 1_050 }]
		);
	});
}

#[test]
fn an_author_that_cannot_receive_its_part_leaves_it_to_the_treasury() {
	new_test_ext().execute_with(|| {
		// Account 7 does not exist, and 20 % of 10 is below the existential deposit (5).
		run_authored(&[Some(7)]);
		let (treasury, issuance) = (balance(TREASURY), Balances::total_issuance());
		pay_fee(10, 0);
		assert_eq!(balance(7), 0);
		assert_eq!(balance(TREASURY) - treasury, 10);
		assert_eq!(Balances::total_issuance(), issuance);
		run_authored(&[Some(1)]);
		assert_eq!(
			fee_events(),
			vec![Event::FeesPaid { author: Some(7), to_author: 0, to_treasury: 10 }]
		);
	});
}

#[test]
fn a_block_without_fees_reports_none() {
	new_test_ext().execute_with(|| {
		run_authored(&[Some(1), Some(2)]);
		assert!(fee_events().is_empty());
	});
}

/// The issuance of a session ending now, for `blocks` blocks, by the documented formula.
fn expected_minted(blocks: u64) -> u64 {
	let yearly = Perbill::from_percent(10).mul_floor(Balances::total_issuance());
	yearly * blocks / u64::from(BLOCKS_PER_YEAR)
}

#[test]
fn a_session_mints_its_issuance_by_blocks_authored() {
	new_test_ext().execute_with(|| {
		// Blocks 2–4 of session 0; block 5 ends it (and counts in it).
		run_authored(&[Some(1), Some(2), Some(1)]);
		assert_eq!(AuthoredBlocks::<Test>::get(1), 2);
		let before = [1, 2, 3].map(balance);
		let treasury = balance(TREASURY);
		let issuance = Balances::total_issuance();
		let minted = expected_minted(4);
		// 10 % of 5,000,005 is 500,000 a year; 4 blocks of a 1,000-block year: 2,000.
		assert_eq!(minted, 2_000);
		run_authored(&[Some(2)]);
		assert_eq!(Session::current_index(), 1);

		// The treasury takes 20 % (400); 1 and 2 authored 2 of the 4 blocks each: 800 each;
		// 3 authored nothing and earns nothing.
		assert_eq!(balance(1) - before[0], 800);
		assert_eq!(balance(2) - before[1], 800);
		assert_eq!(balance(3), before[2]);
		assert_eq!(balance(TREASURY) - treasury, 400);
		assert_eq!(Balances::total_issuance() - issuance, 2_000);
		let rewarded = |who, blocks, amount| {
			System::assert_has_event(
				Event::ValidatorRewarded { who, session: 0, blocks, amount }.into(),
			)
		};
		rewarded(1, 2, 800);
		rewarded(2, 2, 800);
		System::assert_has_event(
			Event::IssuanceMinted {
				session: 0,
				minted: 2_000,
				to_validators: 1_600,
				to_treasury: 400,
			}
			.into(),
		);
		// The next session counts from zero.
		assert_eq!(AuthoredBlocks::<Test>::iter().count(), 0);
		Validators::do_try_state().unwrap();
	});
}

#[test]
fn rounding_leftovers_go_to_the_treasury() {
	new_test_ext().execute_with(|| {
		set_parameter(ParameterChange::YearlyInflation(Perbill::from_parts(123_456_789)));
		// Blocks 2–4: 1 authors two, the third has no known author; block 5, by 2, ends
		// session 0 with 3 blocks counted.
		run_authored(&[Some(1), None, Some(1)]);
		let issuance = Balances::total_issuance();
		let (before_1, before_2, treasury) = (balance(1), balance(2), balance(TREASURY));
		run_authored(&[Some(2)]);
		// ⌊12.3456789 % × 5,000,005⌋ = 617,284 a year; × 3 / 1,000: 1,851 minted; the
		// treasury's 20 %: 370; the pot of 1,481 by 2 : 1, rounded down: 987 and 493; the
		// planck left goes to the treasury, 371 in all.
		assert_eq!(balance(1) - before_1, 987);
		assert_eq!(balance(2) - before_2, 493);
		assert_eq!(balance(TREASURY) - treasury, 371);
		assert_eq!(Balances::total_issuance() - issuance, 1_851);
		System::assert_has_event(
			Event::IssuanceMinted {
				session: 0,
				minted: 1_851,
				to_validators: 1_480,
				to_treasury: 371,
			}
			.into(),
		);
	});
}

#[test]
fn the_split_of_an_uneven_pot_is_exact_and_loses_nothing() {
	new_test_ext().execute_with(|| {
		set_parameter(ParameterChange::TreasuryIssuanceShare(Perbill::from_percent(7)));
		run_authored(&[Some(1), Some(2), Some(3)]);
		let issuance = Balances::total_issuance();
		let treasury = balance(TREASURY);
		let before = [1, 2, 3].map(balance);
		// 4 blocks, 2,000 minted; the treasury's 7 % is 140; 1,860 among 2, 1 and 1 blocks:
		// ⌊1,860 × 2/4⌋ = 930 to 1 (blocks 2 and 5), 465 each to 2 and 3; nothing left.
		run_authored(&[Some(1)]);
		assert_eq!(balance(1) - before[0], 930);
		assert_eq!(balance(2) - before[1], 465);
		assert_eq!(balance(3) - before[2], 465);
		assert_eq!(balance(TREASURY) - treasury, 140);
		assert_eq!(Balances::total_issuance() - issuance, 2_000);

		// Session 1, 5 blocks: ⌊10 % × issuance⌋ × 5 / 1,000, treasury 7 %, the rest by
		// 2 : 2 : 1, each rounded down; the treasury takes the remainder.
		let issuance = Balances::total_issuance();
		let minted = expected_minted(5);
		let pot = minted - Perbill::from_percent(7).mul_floor(minted);
		let treasury = balance(TREASURY);
		let before = [1, 2, 3].map(balance);
		run_authored(&[Some(1), Some(2), Some(3), Some(1), Some(2)]);
		let paid = [pot * 2 / 5, pot * 2 / 5, pot / 5];
		for (i, who) in [1u64, 2, 3].into_iter().enumerate() {
			assert_eq!(balance(who) - before[i], paid[i]);
		}
		assert_eq!(balance(TREASURY) - treasury, minted - paid.iter().sum::<u64>());
		assert_eq!(Balances::total_issuance() - issuance, minted);
	});
}

#[test]
fn zero_inflation_mints_nothing() {
	new_test_ext().execute_with(|| {
		set_parameter(ParameterChange::YearlyInflation(Perbill::zero()));
		let issuance = Balances::total_issuance();
		run_to_block(3 * SESSION_LENGTH);
		assert_eq!(Balances::total_issuance(), issuance);
		assert!(!System::events().iter().any(|record| matches!(
			record.event,
			RuntimeEvent::Validators(
				Event::IssuanceMinted { .. } | Event::ValidatorRewarded { .. }
			)
		)));
	});
}

#[test]
fn blocks_without_a_known_author_mint_nothing() {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		run_authored(&[None, None, None, None]);
		assert_eq!(Session::current_index(), 1);
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(Parameters::<Test>::get().yearly_inflation, Perbill::from_percent(10));
	});
}
