//! An offence proven on chain: the offender is disabled (within the disabling strategy's
//! limit) and removed from the set when `remove_offenders` says so; handling the same
//! offence again changes nothing more.

use super::{events_where, set_parameter};
use crate::{mock::*, Event, ParameterChange, Validators as ValidatorSet};
use sp_runtime::Perbill;
use sp_staking::offence::{OffenceDetails, OnOffenceHandler};

fn report(offenders: &[u64]) {
	let details: Vec<OffenceDetails<u64, (u64, ())>> = offenders
		.iter()
		.map(|who| OffenceDetails { offender: (*who, ()), reporters: vec![] })
		.collect();
	let severities = vec![Perbill::from_percent(100); offenders.len()];
	let weight = <Validators as OnOffenceHandler<u64, (u64, ()), _>>::on_offence(
		&details,
		&severities,
		Session::current_index(),
	);
	assert!(weight.ref_time() > 0);
}

fn disabled() -> Vec<u32> {
	pallet_session::DisabledValidators::<Test>::get()
		.into_iter()
		.map(|(i, _)| i)
		.collect()
}

fn offender_events() -> Vec<Event<Test>> {
	events_where(|event| matches!(event, Event::OffenderReported { .. }))
}

#[test]
fn an_offender_is_disabled_at_once_and_leaves_the_set() {
	new_test_ext().execute_with(|| {
		report(&[2]);
		// Index 1 of the session's validators [1, 2, 3].
		assert_eq!(disabled(), vec![1]);
		assert_eq!(ValidatorSet::<Test>::get().into_inner(), vec![1, 3]);
		assert_eq!(
			offender_events(),
			vec![Event::OffenderReported { who: 2, session: 0, disabled: true, removed: true }]
		);
		// It authors until the session after the next, then the set is [1, 3].
		run_to_block(2 * SESSION_LENGTH);
		assert_eq!(session(), (2, vec![1, 3]));
		Validators::do_try_state().unwrap();
	});
}

#[test]
fn reported_again_it_changes_nothing_more() {
	new_test_ext().execute_with(|| {
		report(&[2]);
		report(&[2]);
		assert_eq!(disabled(), vec![1]);
		assert_eq!(ValidatorSet::<Test>::get().into_inner(), vec![1, 3]);
		assert_eq!(
			offender_events()[1],
			Event::OffenderReported { who: 2, session: 0, disabled: true, removed: false }
		);
	});
}

#[test]
fn with_remove_offenders_off_it_is_only_disabled() {
	new_test_ext().execute_with(|| {
		set_parameter(ParameterChange::RemoveOffenders(false));
		report(&[3]);
		assert_eq!(disabled(), vec![2]);
		assert_eq!(ValidatorSet::<Test>::get().into_inner(), vec![1, 2, 3]);
		assert_eq!(
			offender_events(),
			vec![Event::OffenderReported { who: 3, session: 0, disabled: true, removed: false }]
		);
	});
}

#[test]
fn no_more_than_the_strategy_allows_are_disabled_nor_the_set_shrunk_below_the_minimum() {
	new_test_ext().execute_with(|| {
		// Three validators, a third at most: one disabled. MinValidators is 2: one removed.
		report(&[1, 2]);
		assert_eq!(disabled(), vec![0]);
		assert_eq!(
			offender_events(),
			vec![
				Event::OffenderReported { who: 1, session: 0, disabled: true, removed: true },
				Event::OffenderReported { who: 2, session: 0, disabled: false, removed: false },
			]
		);
		assert_eq!(ValidatorSet::<Test>::get().into_inner(), vec![2, 3]);
	});
}
