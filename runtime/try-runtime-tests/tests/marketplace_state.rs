//! Every migration and every pallet's invariants on a real chain's state: the state the
//! end-to-end marketplace flow leaves on a dev node (`tests/e2e/marketplace.test.js` saves
//! it where `AGORA_STATE_SNAPSHOT` says). `./scripts/test.sh` runs these tests after the
//! end-to-end suites, with `--features try-runtime`.
#![cfg(feature = "try-runtime")]

use agora_runtime::{Executive, Runtime, System};
use frame_support::traits::{GetStorageVersion, StorageVersion};
use frame_try_runtime::UpgradeCheckSelect;
use sp_core::{bytes::from_hex, storage::Storage};
use sp_runtime::DispatchError;

/// Externalities holding the snapshot's state, at the snapshot's block.
fn marketplace_state() -> sp_io::TestExternalities {
	let path = std::env::var("AGORA_STATE_SNAPSHOT").expect(
		"AGORA_STATE_SNAPSHOT names the state tests/e2e/marketplace.test.js saves \
		 (./scripts/test.sh sets it and runs that suite first)",
	);
	let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
	let snapshot: serde_json::Value = serde_json::from_str(&text).expect("the snapshot is JSON");
	let top = snapshot["top"]
		.as_array()
		.expect("`top` lists the [key, value] pairs")
		.iter()
		.map(|pair| {
			let bytes = |i: usize| {
				from_hex(pair[i].as_str().expect("keys and values are hex strings"))
					.expect("keys and values are valid hex")
			};
			(bytes(0), bytes(1))
		})
		.collect();
	let mut ext =
		sp_io::TestExternalities::new(Storage { top, children_default: Default::default() });
	ext.execute_with(|| {
		assert_eq!(
			u64::from(System::block_number()),
			snapshot["number"].as_u64().expect("the snapshot names its block"),
			"the snapshot's block number is the state's"
		);
	});
	ext
}

#[test]
fn every_migration_and_invariant_holds_on_the_state_the_marketplace_flow_leaves() {
	marketplace_state().execute_with(|| {
		// What the flow leaves, so that the checks below have something to check.
		assert!(pallet_services::Providers::<Runtime>::iter().count() >= 1);
		assert!(pallet_services::Services::<Runtime>::iter().count() >= 1);
		assert!(pallet_services::Ratings::<Runtime>::iter().count() >= 1);
		assert!(pallet_rewards::Datasets::<Runtime>::iter().count() >= 1);
		assert!(pallet_rewards::Stakes::<Runtime>::iter().count() >= 1);
		assert!(pallet_metering::NextChannelId::<Runtime>::get() >= 1);
		// Every migration with its pre- and post-upgrade checks, the whole state decoded,
		// then every pallet's try_state.
		Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
			.expect("migrations and invariants hold on the marketplace flow's state");
	});
}

#[test]
fn every_migration_runs_on_that_state_put_back_as_the_versions_before_them_left_it() {
	use pallet_governance::Pallet as Governance;
	use pallet_metering::Pallet as Metering;
	use pallet_rewards::Pallet as Rewards;
	use pallet_services::Pallet as Services;
	marketplace_state().execute_with(|| {
		// On a chain as new as its runtime every migration is skipped. Put each pallet
		// back at version 0 without the records its migrations build, so that each one
		// runs, with its pre- and post-upgrade checks, on this state.
		let tagged = pallet_services::ServicesByTag::<Runtime>::iter_keys().count();
		let curated = pallet_rewards::DatasetsByCurator::<Runtime>::iter_keys().count();
		assert!(tagged >= 1 && curated >= 1, "the flow listed a tagged service and a dataset");
		let parameters = || {
			(
				Services::<Runtime>::parameters(),
				Metering::<Runtime>::parameters(),
				Rewards::<Runtime>::parameters(),
				Governance::<Runtime>::parameters(),
			)
		};
		// Values other than the defaults, so that a value lost in the move shows.
		pallet_services::Parameters::<Runtime>::mutate(|p| p.min_spend_to_rate += 1);
		pallet_metering::Parameters::<Runtime>::mutate(|p| p.min_channel_deposit += 1);
		pallet_rewards::Parameters::<Runtime>::mutate(|p| p.submission_deposit += 1);
		let in_force = parameters();
		assert_ne!(
			in_force.0.min_spend_to_rate,
			agora_runtime::configs::service_parameters().min_spend_to_rate
		);
		StorageVersion::new(0).put::<Governance<Runtime>>();
		let _ = pallet_governance::LiveProposalsOf::<Runtime>::clear(u32::MAX, None);
		// Until version 2 every parameter was governance's, none the other pallets'.
		put_parameters_as_version_1(&in_force);
		StorageVersion::new(0).put::<Metering<Runtime>>();
		let _ = pallet_metering::ChannelsByPayee::<Runtime>::clear(u32::MAX, None);
		StorageVersion::new(0).put::<Services<Runtime>>();
		let _ = pallet_services::ServicesByTag::<Runtime>::clear(u32::MAX, None);
		StorageVersion::new(0).put::<Rewards<Runtime>>();
		let _ = pallet_rewards::DatasetsByCurator::<Runtime>::clear(u32::MAX, None);
		let _ = pallet_rewards::SubmissionsOf::<Runtime>::clear(u32::MAX, None);

		Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
			.expect("every migration and then every invariant hold");

		assert_eq!(pallet_services::ServicesByTag::<Runtime>::iter_keys().count(), tagged);
		assert_eq!(pallet_rewards::DatasetsByCurator::<Runtime>::iter_keys().count(), curated);
		assert_eq!(parameters(), in_force);
		assert_eq!(Governance::<Runtime>::on_chain_storage_version(), 2);
		assert_eq!(Metering::<Runtime>::on_chain_storage_version(), 2);
		assert_eq!(Services::<Runtime>::on_chain_storage_version(), 1);
		assert_eq!(Rewards::<Runtime>::on_chain_storage_version(), 1);
	});
}

/// Stores `(services, metering, rewards, governance)` parameters as pallet-governance
/// version 1 kept them: all in its `Parameters`, in one struct.
fn put_parameters_as_version_1(
	(services, metering, rewards, governance): &(
		pallet_services::ParametersOf<Runtime>,
		pallet_metering::ParametersOf<Runtime>,
		pallet_rewards::ParametersOf<Runtime>,
		pallet_governance::ParametersOf<Runtime>,
	),
) {
	use agora_runtime::migrations::split_parameters::ParametersV1;
	let old = ParametersV1 {
		protocol_fee: metering.protocol_fee,
		min_channel_deposit: metering.min_channel_deposit,
		min_provider_bond: services.min_provider_bond,
		service_deposit: services.service_deposit,
		min_spend_to_rate: services.min_spend_to_rate,
		unbonding_period: services.unbonding_period,
		dataset_deposit: rewards.dataset_deposit,
		contribution_deposit: rewards.contribution_deposit,
		submission_deposit: rewards.submission_deposit,
		proposal_deposit: governance.proposal_deposit,
		voting_period: governance.voting_period,
		enactment_delay: governance.enactment_delay,
		vote_locking_period: governance.vote_locking_period,
		min_turnout: governance.min_turnout,
		approval_threshold: governance.approval_threshold,
	};
	pallet_services::Parameters::<Runtime>::kill();
	pallet_metering::Parameters::<Runtime>::kill();
	pallet_rewards::Parameters::<Runtime>::kill();
	frame_support::storage::unhashed::put(
		&pallet_governance::Parameters::<Runtime>::hashed_key(),
		&old,
	);
}

#[test]
fn a_broken_index_in_that_state_fails_the_check() {
	marketplace_state().execute_with(|| {
		let (curator, dataset) = pallet_rewards::DatasetsByCurator::<Runtime>::iter_keys()
			.next()
			.expect("the flow registered a dataset");
		pallet_rewards::DatasetsByCurator::<Runtime>::remove(&curator, dataset);
		// Executive reports that a try_state failed (and logs which)…
		assert_eq!(
			Executive::try_runtime_upgrade(UpgradeCheckSelect::All),
			Err(DispatchError::Other(
				"Detected errors while executing `try_state` checks. See logs for more info."
			))
		);
		// … which is pallet-rewards', naming the broken index; the others still hold.
		assert_eq!(
			pallet_rewards::Pallet::<Runtime>::do_try_state(),
			Err(DispatchError::Other("dataset missing from its curator's index"))
		);
		assert_eq!(pallet_services::Pallet::<Runtime>::do_try_state(), Ok(()));
		assert_eq!(pallet_metering::Pallet::<Runtime>::do_try_state(), Ok(()));
	});
}
