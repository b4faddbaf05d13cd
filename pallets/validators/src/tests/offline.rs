//! A validator that authors nothing for `offline_after_sessions` sessions in a row is
//! reported, and removed if `remove_offline` says so.

use super::{events_where, set_parameter};
use crate::{mock::*, Event, OfflineSessions, ParameterChange, Validators as ValidatorSet};
use frame_support::assert_ok;

fn offline_events() -> Vec<Event<Test>> {
	events_where(|event| matches!(event, Event::ValidatorOffline { .. }))
}

/// Runs one session's worth of blocks (to the next session end), authored in turn by
/// `authors`.
fn run_session(authors: &[u64]) {
	let end = (System::block_number() / SESSION_LENGTH + 1) * SESSION_LENGTH;
	let blocks: Vec<Option<u64>> = (System::block_number() + 1..=end)
		.map(|n| Some(authors[n as usize % authors.len()]))
		.collect();
	run_authored(&blocks);
}

#[test]
fn a_validator_silent_for_the_threshold_is_reported_and_stays_by_default() {
	new_test_ext().execute_with(|| {
		run_session(&[1, 2]);
		// One session without a block: counted, not yet reported (threshold 2).
		assert_eq!(OfflineSessions::<Test>::get(3), 1);
		assert!(offline_events().is_empty());
		run_session(&[1, 2]);
		assert_eq!(
			offline_events(),
			vec![Event::ValidatorOffline { who: 3, session: 1, sessions: 2, removed: false }]
		);
		// Reported every session while it stays silent; still in the set.
		run_session(&[1, 2]);
		assert_eq!(offline_events().len(), 2);
		assert_eq!(ValidatorSet::<Test>::get().into_inner(), vec![1, 2, 3]);
		Validators::do_try_state().unwrap();
	});
}

#[test]
fn authoring_a_block_clears_the_count() {
	new_test_ext().execute_with(|| {
		run_session(&[1, 2]);
		assert_eq!(OfflineSessions::<Test>::get(3), 1);
		run_session(&[1, 2, 3]);
		assert!(!OfflineSessions::<Test>::contains_key(3));
		run_session(&[1, 2]);
		assert!(offline_events().is_empty());
	});
}

#[test]
fn with_remove_offline_it_leaves_the_set_from_the_session_after_next() {
	new_test_ext().execute_with(|| {
		set_parameter(ParameterChange::RemoveOffline(true));
		run_session(&[1, 2]);
		run_session(&[1, 2]);
		assert_eq!(
			offline_events(),
			vec![Event::ValidatorOffline { who: 3, session: 1, sessions: 2, removed: true }]
		);
		assert_eq!(ValidatorSet::<Test>::get().into_inner(), vec![1, 2]);
		assert!(!OfflineSessions::<Test>::contains_key(3));
		// Session 2 still has it (queued before); it is not reported again while leaving.
		assert_eq!(session(), (2, vec![1, 2, 3]));
		run_session(&[1, 2]);
		assert_eq!(session(), (3, vec![1, 2]));
		assert_eq!(offline_events().len(), 1);
		Validators::do_try_state().unwrap();
	});
}

#[test]
fn removal_never_takes_the_set_below_min_validators() {
	new_test_ext().execute_with(|| {
		set_parameter(ParameterChange::RemoveOffline(true));
		// 2 and 3 both silent: 2 goes, 3 would leave one validator (MinValidators is 2).
		run_session(&[1]);
		run_session(&[1]);
		assert_eq!(
			offline_events(),
			vec![
				Event::ValidatorOffline { who: 2, session: 1, sessions: 2, removed: true },
				Event::ValidatorOffline { who: 3, session: 1, sessions: 2, removed: false },
			]
		);
		assert_eq!(ValidatorSet::<Test>::get().into_inner(), vec![1, 3]);
		Validators::do_try_state().unwrap();
	});
}

#[test]
fn the_threshold_is_governed() {
	new_test_ext().execute_with(|| {
		set_parameter(ParameterChange::OfflineAfterSessions(1));
		run_session(&[1, 2]);
		assert_eq!(
			offline_events(),
			vec![Event::ValidatorOffline { who: 3, session: 0, sessions: 1, removed: false }]
		);
	});
}

#[test]
fn governance_removing_a_validator_forgets_its_count() {
	new_test_ext().execute_with(|| {
		run_session(&[1, 2]);
		assert_eq!(OfflineSessions::<Test>::get(3), 1);
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 3));
		assert!(!OfflineSessions::<Test>::contains_key(3));
		// Still authoring session 1 and 2 (queued), but leaving: never reported.
		run_session(&[1, 2]);
		run_session(&[1, 2]);
		assert!(offline_events().is_empty());
	});
}
