//! `set_parameters`: governance only, checked as a whole, every refusal leaves the
//! parameters untouched.

use crate::{mock::*, Error, Event, ParameterChange, Parameters, ValidatorParameters};
use frame_support::{assert_noop, assert_ok, BoundedVec};
use sp_runtime::{DispatchError, Perbill};

fn changes(
	list: Vec<ParameterChange>,
) -> BoundedVec<ParameterChange, frame_support::traits::ConstU32<16>> {
	list.try_into().unwrap()
}

#[test]
fn governance_changes_every_parameter_at_once() {
	new_test_ext().execute_with(|| {
		let list = vec![
			ParameterChange::AuthorFeeShare(Perbill::from_percent(50)),
			ParameterChange::AuthorTipShare(Perbill::from_percent(80)),
			ParameterChange::YearlyInflation(Perbill::from_percent(20)),
			ParameterChange::TreasuryIssuanceShare(Perbill::from_percent(1)),
			ParameterChange::OfflineAfterSessions(4),
			ParameterChange::RemoveOffline(true),
			ParameterChange::RemoveOffenders(false),
		];
		assert_ok!(Validators::set_parameters(RuntimeOrigin::root(), changes(list.clone())));
		assert_eq!(
			Parameters::<Test>::get(),
			ValidatorParameters {
				author_fee_share: Perbill::from_percent(50),
				author_tip_share: Perbill::from_percent(80),
				yearly_inflation: Perbill::from_percent(20),
				treasury_issuance_share: Perbill::from_percent(1),
				offline_after_sessions: 4,
				remove_offline: true,
				remove_offenders: false,
			}
		);
		System::assert_last_event(Event::ParametersSet { changes: changes(list) }.into());
		Validators::do_try_state().unwrap();
	});
}

#[test]
fn refused_parameters_change_nothing() {
	new_test_ext().execute_with(|| {
		let before = Parameters::<Test>::get();
		assert_noop!(
			Validators::set_parameters(
				RuntimeOrigin::signed(1),
				changes(vec![ParameterChange::RemoveOffline(true)])
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Validators::set_parameters(RuntimeOrigin::root(), changes(vec![])),
			Error::<Test>::NoParameterChanges
		);
		// Above MaxYearlyInflation (20 %), even when a valid change comes with it.
		assert_noop!(
			Validators::set_parameters(
				RuntimeOrigin::root(),
				changes(vec![
					ParameterChange::AuthorFeeShare(Perbill::from_percent(1)),
					ParameterChange::YearlyInflation(Perbill::from_parts(200_000_001)),
				])
			),
			Error::<Test>::InflationTooHigh
		);
		assert_noop!(
			Validators::set_parameters(
				RuntimeOrigin::root(),
				changes(vec![ParameterChange::OfflineAfterSessions(0)])
			),
			Error::<Test>::OfflineThresholdZero
		);
		assert_eq!(Parameters::<Test>::get(), before);
	});
}

#[test]
fn genesis_sets_the_parameters() {
	use sp_runtime::BuildStorage;
	let parameters = ValidatorParameters { remove_offline: true, ..DefaultParameters::get() };
	let storage = crate::GenesisConfig::<Test> {
		validators: vec![1, 2],
		session_length: None,
		parameters: Some(parameters.clone()),
	}
	.build_storage()
	.unwrap();
	sp_io::TestExternalities::new(storage)
		.execute_with(|| assert_eq!(Parameters::<Test>::get(), parameters));
}

#[test]
#[should_panic(expected = "validators genesis: invalid parameters: InflationTooHigh")]
fn genesis_refuses_invalid_parameters() {
	use sp_runtime::BuildStorage;
	let _ = crate::GenesisConfig::<Test> {
		validators: vec![1, 2],
		session_length: None,
		parameters: Some(ValidatorParameters {
			yearly_inflation: Perbill::from_percent(21),
			..DefaultParameters::get()
		}),
	}
	.build_storage();
}
