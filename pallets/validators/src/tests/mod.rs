//! Every call's effect and error, and how changes reach `pallet-session`: a change made
//! during session `n` authors from session `n + 2`.

mod offences;
mod offline;
mod parameters;
mod rewards;

use crate::{mock::*, Error, Event, SessionLength, Validators as ValidatorSet};
use codec::Encode;
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{testing::UintAuthorityId, DispatchError, RuntimeAppPublic};

/// `who` registers its session key with the proof that it holds it.
fn set_keys(who: u64) {
	let mut key = UintAuthorityId(who);
	let proof = key.generate_proof_of_possession(&who.encode()).expect("test keys prove");
	assert_ok!(Session::set_keys(RuntimeOrigin::signed(who), key.into(), proof.encode()));
}

/// This pallet's events so far that `wanted` picks.
fn events_where(wanted: fn(&Event<Test>) -> bool) -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Validators(event) if wanted(&event) => Some(event),
			_ => None,
		})
		.collect()
}

/// Governance changes one parameter.
fn set_parameter(change: crate::ParameterChange) {
	assert_ok!(Validators::set_parameters(RuntimeOrigin::root(), vec![change].try_into().unwrap()));
}

fn wanted() -> Vec<u64> {
	ValidatorSet::<Test>::get().into_inner()
}

fn last_authorities() -> Vec<u64> {
	AUTHORITIES.with(|a| a.borrow().last().cloned().unwrap_or_default())
}

fn queued_events() -> Vec<(u32, Vec<u64>)> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Validators(Event::ValidatorSetQueued { session, validators }) => {
				Some((session, validators))
			},
			_ => None,
		})
		.collect()
}

#[test]
fn genesis_validators_author_the_first_sessions() {
	new_test_ext().execute_with(|| {
		assert_eq!(wanted(), vec![1, 2, 3]);
		assert_eq!(session(), (0, vec![1, 2, 3]));
		assert_eq!(last_authorities(), vec![1, 2, 3]);
		run_to_block(2 * SESSION_LENGTH);
		assert_eq!(session(), (2, vec![1, 2, 3]));
		// Nothing changed: no set was handed over.
		assert!(queued_events().is_empty());
		Validators::do_try_state().unwrap();
	});
}

/// Keys rotated with the same members are handed over as a change, so that the session
/// history records them (and a rotated-away key proves nothing).
#[test]
fn a_key_rotation_alone_is_handed_over() {
	new_test_ext().execute_with(|| {
		let mut key = UintAuthorityId(11);
		let proof = key.generate_proof_of_possession(&1u64.encode()).expect("test keys prove");
		assert_ok!(Session::set_keys(RuntimeOrigin::signed(1), key.into(), proof.encode()));
		run_to_block(SESSION_LENGTH);
		assert_eq!(queued_events(), vec![(2, vec![1, 2, 3])]);
		let queued = pallet_session::QueuedKeys::<Test>::get();
		assert_eq!(queued[0], (1, UintAuthorityId(11).into()));
		// Nothing changed since: nothing handed over at the next session end.
		run_to_block(2 * SESSION_LENGTH);
		assert_eq!(queued_events().len(), 1);
		Validators::do_try_state().unwrap();
	});
}

#[test]
fn an_added_validator_with_keys_authors_from_the_session_after_next() {
	new_test_ext().execute_with(|| {
		set_keys(4);
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 4));
		System::assert_last_event(Event::ValidatorAdded { who: 4 }.into());
		assert_eq!(wanted(), vec![1, 2, 3, 4]);

		// End of session 0: session 1 starts with the set queued before; 2 is planned.
		run_to_block(SESSION_LENGTH);
		assert_eq!(session(), (1, vec![1, 2, 3]));
		assert_eq!(queued_events(), vec![(2, vec![1, 2, 3, 4])]);
		run_to_block(2 * SESSION_LENGTH - 1);
		assert_eq!(session(), (1, vec![1, 2, 3]));
		run_to_block(2 * SESSION_LENGTH);
		assert_eq!(session(), (2, vec![1, 2, 3, 4]));
		assert_eq!(last_authorities(), vec![1, 2, 3, 4]);
		Validators::do_try_state().unwrap();
	});
}

#[test]
fn a_removed_validator_stops_authoring_from_the_session_after_next() {
	new_test_ext().execute_with(|| {
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 2));
		System::assert_last_event(Event::ValidatorRemoved { who: 2 }.into());
		assert_eq!(wanted(), vec![1, 3]);
		run_to_block(SESSION_LENGTH);
		assert_eq!(session(), (1, vec![1, 2, 3]));
		run_to_block(2 * SESSION_LENGTH);
		assert_eq!(session(), (2, vec![1, 3]));
		assert_eq!(last_authorities(), vec![1, 3]);
		// Set once: later sessions keep it without handing it over again.
		run_to_block(4 * SESSION_LENGTH);
		assert_eq!(session(), (4, vec![1, 3]));
		assert_eq!(queued_events(), vec![(2, vec![1, 3])]);
	});
}

#[test]
fn a_validator_without_keys_joins_once_it_sets_them() {
	new_test_ext().execute_with(|| {
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
		run_to_block(3 * SESSION_LENGTH);
		// Wanted, but without keys it is left out.
		assert_eq!(session(), (3, vec![1, 2, 3]));
		assert!(queued_events().is_empty());

		set_keys(5);
		run_to_block(4 * SESSION_LENGTH);
		assert_eq!(queued_events(), vec![(5, vec![1, 2, 3, 5])]);
		run_to_block(5 * SESSION_LENGTH);
		assert_eq!(session(), (5, vec![1, 2, 3, 5]));
	});
}

#[test]
fn too_few_validators_with_keys_keep_the_current_set() {
	new_test_ext().execute_with(|| {
		// 4 and 5 have no keys: only 1 of the wanted set could author, below the minimum 2.
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 4));
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 2));
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 3));
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
		assert_eq!(wanted(), vec![1, 4, 5]);
		run_to_block(3 * SESSION_LENGTH);
		assert_eq!(session(), (3, vec![1, 2, 3]));
		assert!(queued_events().is_empty());
		// As soon as enough of them have keys, the wanted set takes over.
		set_keys(4);
		run_to_block(5 * SESSION_LENGTH);
		assert_eq!(session(), (5, vec![1, 4]));
	});
}

#[test]
fn only_governance_changes_the_set() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::signed(4), 4),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::signed(1), 1),
			DispatchError::BadOrigin
		);
		assert_eq!(wanted(), vec![1, 2, 3]);
	});
}

#[test]
fn adding_a_validator_twice_fails() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), 2),
			Error::<Test>::AlreadyValidator
		);
	});
}

#[test]
fn the_set_is_bounded_by_max_validators() {
	new_test_ext().execute_with(|| {
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 4));
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), 5),
			Error::<Test>::TooManyValidators
		);
		assert_eq!(wanted(), vec![1, 2, 3, 4]);
	});
}

#[test]
fn removing_a_non_validator_fails() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::root(), 4),
			Error::<Test>::NotValidator
		);
	});
}

#[test]
fn the_set_never_drops_below_min_validators() {
	new_test_ext().execute_with(|| {
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 3));
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::root(), 1),
			Error::<Test>::TooFewValidators
		);
		assert_eq!(wanted(), vec![1, 2]);
		Validators::do_try_state().unwrap();
	});
}

#[test]
#[should_panic(expected = "validators genesis: 1 is listed twice")]
fn genesis_refuses_a_duplicate() {
	use sp_runtime::BuildStorage;
	let _ = crate::GenesisConfig::<Test> {
		validators: vec![1, 2, 1],
		session_length: None,
		parameters: None,
	}
	.build_storage();
}

#[test]
fn an_empty_genesis_list_leaves_the_first_set_to_pallet_session() {
	use sp_runtime::BuildStorage;
	let storage =
		crate::GenesisConfig::<Test> { validators: vec![], session_length: None, parameters: None }
			.build_storage()
			.unwrap();
	sp_io::TestExternalities::new(storage).execute_with(|| {
		assert!(wanted().is_empty());
		assert_eq!(
			<Validators as pallet_session::SessionManager<u64>>::new_session_genesis(0),
			None
		);
	});
}

#[test]
#[should_panic(expected = "validators genesis: 1 validators, fewer than MinValidators (2)")]
fn genesis_refuses_too_few() {
	use sp_runtime::BuildStorage;
	let _ = crate::GenesisConfig::<Test> {
		validators: vec![1],
		session_length: None,
		parameters: None,
	}
	.build_storage();
}

#[test]
#[should_panic(expected = "validators genesis: 5 validators, more than MaxValidators (4)")]
fn genesis_refuses_too_many() {
	use sp_runtime::BuildStorage;
	let _ = crate::GenesisConfig::<Test> {
		validators: vec![1, 2, 3, 4, 5],
		session_length: None,
		parameters: None,
	}
	.build_storage();
}

#[test]
#[should_panic(expected = "validators genesis: session_length 1 is below MinSessionLength (2)")]
fn genesis_refuses_a_too_short_session() {
	use sp_runtime::BuildStorage;
	let _ = crate::GenesisConfig::<Test> {
		validators: vec![1, 2],
		session_length: Some(1),
		parameters: None,
	}
	.build_storage();
}

#[test]
fn governance_sets_the_session_length() {
	new_test_ext().execute_with(|| {
		assert_eq!(SessionLength::<Test>::get(), SESSION_LENGTH);
		assert_ok!(Validators::set_session_length(RuntimeOrigin::root(), 3));
		System::assert_last_event(Event::SessionLengthSet { length: 3 }.into());
		// Sessions now end at the multiples of 3: blocks 3, 6, 9.
		run_to_block(8);
		assert_eq!(session().0, 2);
		run_to_block(9);
		assert_eq!(session().0, 3);
		Validators::do_try_state().unwrap();
	});
}

#[test]
fn the_session_length_has_a_minimum_and_only_governance_sets_it() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Validators::set_session_length(RuntimeOrigin::root(), 1),
			Error::<Test>::SessionTooShort
		);
		assert_noop!(
			Validators::set_session_length(RuntimeOrigin::signed(1), 10),
			DispatchError::BadOrigin
		);
		assert_eq!(SessionLength::<Test>::get(), SESSION_LENGTH);
	});
}

#[test]
fn every_block_pays_for_what_other_pallets_do_for_this_one() {
	use frame_support::{traits::Hooks, weights::constants::ParityDbWeight};
	new_test_ext().execute_with(|| {
		let per_block = ParityDbWeight::get().reads_writes(4, 4);
		assert!(per_block.ref_time() > 0);
		assert_eq!(<Validators as Hooks<u64>>::on_initialize(2), per_block);
	});
}
