//! Tests of every call: success paths with exact balances, storage and events; every
//! error with its specific error and no state change. Each test ends with `try_state`.

use crate::{
	mock::*, Error, Event, HoldReason, Providers, Rating, Ratings, Services as ServiceRecords,
	ServicesByProvider, ServicesByTag, UnbondingChunk,
};
use agora_primitives::{Price, PriceUnit, ServiceId, ServiceInspect, ServiceStatus};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_core::H256;
use sp_runtime::{DispatchError, Perbill, TokenError};

fn bonded(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ProviderBond.into(), &who)
}

fn deposits(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ServiceDeposit.into(), &who)
}

fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

fn price(per_unit: Balance) -> Price<Balance> {
	Price { unit: PriceUnit::Token1k, per_unit }
}

fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|record| match record.event {
			RuntimeEvent::Services(event) => Some(event),
			_ => None,
		})
		.expect("the pallet emitted an event")
}

fn register(who: AccountId, bond: Balance) {
	assert_ok!(Services::register_provider(RuntimeOrigin::signed(who), b"provider".to_vec(), bond));
}

/// Lists a service of `who` at `per_unit` and returns its id.
fn list(who: AccountId, per_unit: Balance) -> ServiceId {
	let id = crate::NextServiceId::<Test>::get();
	assert_ok!(Services::list_service(
		RuntimeOrigin::signed(who),
		b"llama".to_vec(),
		vec![b"llm".to_vec(), b"chat".to_vec()],
		b"ipfs://meta".to_vec(),
		H256::repeat_byte(1),
		price(per_unit),
		Perbill::from_percent(10),
		Some(7),
	));
	id
}

/// Tries to list a minimal service (no tags, metadata or dataset) for `who`.
fn list_plain(who: AccountId) -> sp_runtime::DispatchResult {
	Services::list_service(
		RuntimeOrigin::signed(who),
		b"s".to_vec(),
		vec![],
		vec![],
		H256::zero(),
		price(1),
		Perbill::zero(),
		None,
	)
}

fn status(id: ServiceId) -> ServiceStatus {
	ServiceRecords::<Test>::get(id).expect("service exists").status
}

// ---------------------------------------------------------------- providers and bonds

#[test]
fn register_provider_holds_the_bond() {
	run_test(|| {
		register(ALICE, 150);
		assert_eq!(free(ALICE), INITIAL_BALANCE - 150);
		assert_eq!(bonded(ALICE), 150);
		let provider = Providers::<Test>::get(ALICE).unwrap();
		assert_eq!(provider.name.to_vec(), b"provider".to_vec());
		assert_eq!(provider.bond, 150);
		assert!(provider.unbonding.is_empty());
		assert_eq!(provider.live_services, 0);
		assert_eq!(last_event(), Event::ProviderRegistered { provider: ALICE, bond: 150 });
	});
}

#[test]
fn register_provider_errors() {
	run_test(|| {
		assert_noop!(
			Services::register_provider(RuntimeOrigin::signed(ALICE), b"p".to_vec(), MIN_BOND - 1),
			Error::<Test>::BondBelowMinimum
		);
		assert_noop!(
			Services::register_provider(RuntimeOrigin::signed(ALICE), vec![b'x'; 17], MIN_BOND),
			Error::<Test>::NameTooLong
		);
		assert_noop!(
			Services::register_provider(
				RuntimeOrigin::signed(ALICE),
				b"p".to_vec(),
				INITIAL_BALANCE + 1
			),
			TokenError::FundsUnavailable
		);
		assert_noop!(
			Services::register_provider(RuntimeOrigin::none(), b"p".to_vec(), MIN_BOND),
			DispatchError::BadOrigin
		);
		register(ALICE, MIN_BOND);
		assert_noop!(
			Services::register_provider(RuntimeOrigin::signed(ALICE), b"p".to_vec(), MIN_BOND),
			Error::<Test>::AlreadyProvider
		);
	});
}

#[test]
fn bond_extra_adds_to_the_hold() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		assert_ok!(Services::bond_extra(RuntimeOrigin::signed(ALICE), 25));
		assert_eq!(bonded(ALICE), MIN_BOND + 25);
		assert_eq!(free(ALICE), INITIAL_BALANCE - MIN_BOND - 25);
		assert_eq!(Providers::<Test>::get(ALICE).unwrap().bond, MIN_BOND + 25);
		assert_eq!(
			last_event(),
			Event::BondIncreased { provider: ALICE, amount: 25, bond: MIN_BOND + 25 }
		);
	});
}

#[test]
fn bond_extra_errors() {
	run_test(|| {
		assert_noop!(
			Services::bond_extra(RuntimeOrigin::signed(ALICE), 5),
			Error::<Test>::NotProvider
		);
		register(ALICE, MIN_BOND);
		assert_noop!(
			Services::bond_extra(RuntimeOrigin::signed(ALICE), 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Services::bond_extra(RuntimeOrigin::signed(ALICE), INITIAL_BALANCE),
			TokenError::FundsUnavailable
		);
	});
}

#[test]
fn unbonding_timeline() {
	run_test(|| {
		register(ALICE, 300);
		assert_ok!(Services::unbond(RuntimeOrigin::signed(ALICE), 50));
		assert_eq!(
			last_event(),
			Event::Unbonded { provider: ALICE, amount: 50, unlock_at: 1 + UNBONDING_PERIOD }
		);
		System::set_block_number(5);
		assert_ok!(Services::unbond(RuntimeOrigin::signed(ALICE), 30));
		let provider = Providers::<Test>::get(ALICE).unwrap();
		assert_eq!(provider.bond, 220);
		assert_eq!(
			provider.unbonding.to_vec(),
			vec![
				UnbondingChunk { amount: 50, unlock_at: 1 + UNBONDING_PERIOD },
				UnbondingChunk { amount: 30, unlock_at: 5 + UNBONDING_PERIOD },
			]
		);
		// Unbonding funds stay held.
		assert_eq!(bonded(ALICE), 300);
		assert_eq!(free(ALICE), INITIAL_BALANCE - 300);

		// Nothing unlocked yet.
		System::set_block_number(UNBONDING_PERIOD);
		assert_noop!(
			Services::withdraw_unbonded(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::NothingToWithdraw
		);

		// The first chunk unlocks exactly at its block.
		System::set_block_number(1 + UNBONDING_PERIOD);
		assert_ok!(Services::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
		assert_eq!(last_event(), Event::Withdrawn { provider: ALICE, amount: 50 });
		assert_eq!(bonded(ALICE), 250);
		assert_eq!(free(ALICE), INITIAL_BALANCE - 250);
		assert_eq!(Providers::<Test>::get(ALICE).unwrap().unbonding.len(), 1);

		System::set_block_number(100);
		assert_ok!(Services::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
		assert_eq!(last_event(), Event::Withdrawn { provider: ALICE, amount: 30 });
		assert_eq!(bonded(ALICE), 220);
		assert!(Providers::<Test>::get(ALICE).unwrap().unbonding.is_empty());
	});
}

#[test]
fn unbond_errors() {
	run_test(|| {
		assert_noop!(Services::unbond(RuntimeOrigin::signed(ALICE), 5), Error::<Test>::NotProvider);
		register(ALICE, MIN_BOND + 10);
		assert_noop!(Services::unbond(RuntimeOrigin::signed(ALICE), 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Services::unbond(RuntimeOrigin::signed(ALICE), MIN_BOND + 11),
			Error::<Test>::InsufficientBond
		);
		// With a live service the bond cannot go under the minimum…
		list(ALICE, 5);
		assert_noop!(
			Services::unbond(RuntimeOrigin::signed(ALICE), 11),
			Error::<Test>::BondBelowMinimum
		);
		// …but down to it, in at most MAX_CHUNKS chunks.
		assert_ok!(Services::unbond(RuntimeOrigin::signed(ALICE), 5));
		assert_ok!(Services::unbond(RuntimeOrigin::signed(ALICE), 4));
		assert_noop!(
			Services::unbond(RuntimeOrigin::signed(ALICE), 1),
			Error::<Test>::TooManyUnbondingChunks
		);
	});
}

#[test]
fn without_live_services_the_whole_bond_can_unbond() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		assert_ok!(Services::unbond(RuntimeOrigin::signed(ALICE), MIN_BOND));
		assert_eq!(Providers::<Test>::get(ALICE).unwrap().bond, 0);
		assert_eq!(bonded(ALICE), MIN_BOND);
		// A provider under the minimum cannot list.
		assert_noop!(list_plain(ALICE), Error::<Test>::BondBelowMinimum);
	});
}

#[test]
fn withdraw_unbonded_of_non_provider_fails() {
	run_test(|| {
		assert_noop!(
			Services::withdraw_unbonded(RuntimeOrigin::signed(BOB)),
			Error::<Test>::NotProvider
		);
	});
}

#[test]
fn deregister_after_unbonding_everything() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		assert_ok!(Services::unbond(RuntimeOrigin::signed(ALICE), MIN_BOND));
		System::set_block_number(1 + UNBONDING_PERIOD);
		assert_ok!(Services::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
		assert_ok!(Services::deregister_provider(RuntimeOrigin::signed(ALICE)));
		assert_eq!(last_event(), Event::ProviderDeregistered { provider: ALICE });
		assert!(Providers::<Test>::get(ALICE).is_none());
		assert_eq!(free(ALICE), INITIAL_BALANCE);
		assert_eq!(bonded(ALICE), 0);
	});
}

#[test]
fn deregister_errors() {
	run_test(|| {
		assert_noop!(
			Services::deregister_provider(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::NotProvider
		);
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5);
		assert_noop!(
			Services::deregister_provider(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::ProviderHasServices
		);
		// A retired but not yet removed service still counts.
		assert_ok!(Services::retire_service(RuntimeOrigin::signed(ALICE), id));
		assert_noop!(
			Services::deregister_provider(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::ProviderHasServices
		);
		assert_ok!(Services::remove_service(RuntimeOrigin::signed(ALICE), id, 0));
		assert_noop!(
			Services::deregister_provider(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::BondNotUnbonded
		);
		assert_ok!(Services::unbond(RuntimeOrigin::signed(ALICE), MIN_BOND));
		assert_noop!(
			Services::deregister_provider(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::UnbondingNotWithdrawn
		);
	});
}

// ---------------------------------------------------------------------------- services

#[test]
fn list_service_stores_it_and_holds_the_deposit() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		System::set_block_number(3);
		let id = list(ALICE, 5);
		assert_eq!(id, 0);
		assert_eq!(crate::NextServiceId::<Test>::get(), 1);
		assert_eq!(deposits(ALICE), SERVICE_DEPOSIT);
		assert_eq!(free(ALICE), INITIAL_BALANCE - MIN_BOND - SERVICE_DEPOSIT);
		let service = ServiceRecords::<Test>::get(id).unwrap();
		assert_eq!(service.provider, ALICE);
		assert_eq!(service.name.to_vec(), b"llama".to_vec());
		assert_eq!(
			service.tags.iter().map(|t| t.to_vec()).collect::<Vec<_>>(),
			vec![b"llm".to_vec(), b"chat".to_vec()]
		);
		assert_eq!(service.metadata_uri.to_vec(), b"ipfs://meta".to_vec());
		assert_eq!(service.metadata_hash, H256::repeat_byte(1));
		assert_eq!(service.price, price(5));
		assert_eq!(service.status, ServiceStatus::Active);
		assert_eq!(service.contributor_share, Perbill::from_percent(10));
		assert_eq!(service.dataset, Some(7));
		assert_eq!(service.rating, Rating::default());
		assert_eq!(service.deposit, SERVICE_DEPOSIT);
		assert_eq!((service.created_at, service.updated_at), (3, 3));
		assert_eq!(ServicesByProvider::<Test>::get(ALICE).to_vec(), vec![id]);
		assert_eq!(Providers::<Test>::get(ALICE).unwrap().live_services, 1);
		assert_eq!(
			last_event(),
			Event::ServiceListed {
				service_id: id,
				provider: ALICE,
				price: price(5),
				deposit: SERVICE_DEPOSIT
			}
		);
		let terms = Services::service_terms(id).unwrap();
		assert_eq!(terms.provider, ALICE);
		assert_eq!(terms.price, price(5));
		assert_eq!(terms.contributor_share, Perbill::from_percent(10));
		assert_eq!(terms.dataset, Some(7));
		assert_eq!(terms.status, ServiceStatus::Active);
		assert!(Services::service_terms(id + 1).is_none());
	});
}

#[test]
fn list_service_errors() {
	run_test(|| {
		let call = |who: AccountId,
		            name: Vec<u8>,
		            tags: Vec<Vec<u8>>,
		            uri: Vec<u8>,
		            per_unit: Balance,
		            share: Perbill,
		            dataset: Option<u64>| {
			Services::list_service(
				RuntimeOrigin::signed(who),
				name,
				tags,
				uri,
				H256::zero(),
				price(per_unit),
				share,
				dataset,
			)
		};
		let ok_share = Perbill::zero();
		assert_noop!(list_plain(ALICE), Error::<Test>::NotProvider);
		register(ALICE, MIN_BOND);
		assert_noop!(
			call(ALICE, vec![b'n'; 17], vec![], vec![], 1, ok_share, None),
			Error::<Test>::NameTooLong
		);
		assert_noop!(
			call(ALICE, b"s".to_vec(), vec![b"a".to_vec(); 4], vec![], 1, ok_share, None),
			Error::<Test>::TooManyTags
		);
		assert_noop!(
			call(ALICE, b"s".to_vec(), vec![vec![b't'; 9]], vec![], 1, ok_share, None),
			Error::<Test>::InvalidTag
		);
		assert_noop!(
			call(ALICE, b"s".to_vec(), vec![vec![]], vec![], 1, ok_share, None),
			Error::<Test>::InvalidTag
		);
		assert_noop!(
			call(ALICE, b"s".to_vec(), vec![], vec![b'u'; 33], 1, ok_share, None),
			Error::<Test>::MetadataUriTooLong
		);
		assert_noop!(
			call(ALICE, b"s".to_vec(), vec![], vec![], 0, ok_share, None),
			Error::<Test>::ZeroPrice
		);
		assert_noop!(
			call(ALICE, b"s".to_vec(), vec![], vec![], 1, Perbill::from_percent(1), None),
			Error::<Test>::ContributorShareWithoutDataset
		);
		assert_noop!(
			call(ALICE, b"s".to_vec(), vec![], vec![], 1, ok_share, Some(MAX_DATASET + 1)),
			Error::<Test>::UnknownDataset
		);
		for _ in 0..MAX_SERVICES {
			list(ALICE, 1);
		}
		assert_noop!(list_plain(ALICE), Error::<Test>::TooManyServices);

		// A provider that cannot pay the deposit.
		register(BOB, INITIAL_BALANCE - 5);
		assert_noop!(list_plain(BOB), TokenError::FundsUnavailable);

		// Service ids never wrap around onto a live service.
		register(CHARLIE, MIN_BOND);
		let next = crate::NextServiceId::<Test>::get();
		crate::NextServiceId::<Test>::put(ServiceId::MAX);
		assert_noop!(list_plain(CHARLIE), Error::<Test>::ServiceIdOverflow);
		crate::NextServiceId::<Test>::put(next);
	});
}

#[test]
fn update_service_changes_only_what_is_given() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5);
		System::set_block_number(4);
		assert_ok!(Services::update_service(
			RuntimeOrigin::signed(ALICE),
			id,
			None,
			None,
			None,
			Some(price(9))
		));
		assert_eq!(last_event(), Event::ServiceUpdated { service_id: id, price: price(9) });
		let service = ServiceRecords::<Test>::get(id).unwrap();
		assert_eq!(service.price, price(9));
		assert_eq!(service.name.to_vec(), b"llama".to_vec());
		assert_eq!(service.updated_at, 4);
		assert_eq!(service.created_at, 1);

		assert_ok!(Services::update_service(
			RuntimeOrigin::signed(ALICE),
			id,
			Some(b"llama-2".to_vec()),
			Some(vec![b"vision".to_vec()]),
			Some((b"ipfs://v2".to_vec(), H256::repeat_byte(2))),
			None,
		));
		let service = ServiceRecords::<Test>::get(id).unwrap();
		assert_eq!(service.name.to_vec(), b"llama-2".to_vec());
		assert_eq!(
			service.tags.iter().map(|t| t.to_vec()).collect::<Vec<_>>(),
			vec![b"vision".to_vec()]
		);
		assert_eq!(service.metadata_uri.to_vec(), b"ipfs://v2".to_vec());
		assert_eq!(service.metadata_hash, H256::repeat_byte(2));
		assert_eq!(service.price, price(9));
		assert_eq!(service.provider, ALICE);
		assert_eq!(deposits(ALICE), SERVICE_DEPOSIT);
	});
}

#[test]
fn update_service_pays_for_the_tags_it_replaces() {
	use crate::WeightInfo;
	use frame_support::dispatch::GetDispatchInfo;
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5); // two tags
		let update = |tags: Option<Vec<&[u8]>>| {
			let tags = tags.map(|tags| tags.into_iter().map(|t| t.to_vec()).collect::<Vec<_>>());
			let call = crate::Call::<Test>::update_service {
				service_id: id,
				name: None,
				tags: tags.clone(),
				metadata: None,
				price: Some(price(6)),
			};
			let declared = call.get_dispatch_info().call_weight;
			let post = Services::update_service(
				RuntimeOrigin::signed(ALICE),
				id,
				None,
				tags,
				None,
				Some(price(6)),
			)
			.expect("updates");
			(declared, post.actual_weight.expect("refunds to what it did"))
		};
		let weight = <() as WeightInfo>::update_service;
		// A price change pays for no tag; a tag change is charged for `MaxTags` (3 here)
		// and pays for the larger of the old and new counts.
		assert_eq!(update(None), (weight(0), weight(0)));
		assert_eq!(update(Some(vec![b"a", b"b", b"c"])), (weight(3), weight(3)));
		assert_eq!(update(Some(vec![b"d"])), (weight(3), weight(3)));
		assert_eq!(update(Some(vec![])), (weight(3), weight(1)));
		assert_eq!(update(Some(vec![b"e", b"f"])), (weight(3), weight(2)));
		assert!(weight(0).ref_time() < weight(1).ref_time());
		assert_eq!(ServicesByTag::<Test>::iter_keys().count(), 2);
	});
}

#[test]
fn update_service_errors() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5);
		let update = |who,
		              id,
		              name: Option<Vec<u8>>,
		              tags: Option<Vec<Vec<u8>>>,
		              uri: Option<Vec<u8>>,
		              per_unit: Option<Balance>| {
			Services::update_service(
				RuntimeOrigin::signed(who),
				id,
				name,
				tags,
				uri.map(|uri| (uri, H256::zero())),
				per_unit.map(price),
			)
		};
		assert_noop!(update(ALICE, id, None, None, None, None), Error::<Test>::NoChanges);
		assert_noop!(
			update(ALICE, id + 1, None, None, None, Some(1)),
			Error::<Test>::UnknownService
		);
		assert_noop!(update(BOB, id, None, None, None, Some(1)), Error::<Test>::NotServiceProvider);
		assert_noop!(
			update(ALICE, id, Some(vec![b'n'; 17]), None, None, None),
			Error::<Test>::NameTooLong
		);
		assert_noop!(
			update(ALICE, id, None, Some(vec![b"a".to_vec(); 4]), None, None),
			Error::<Test>::TooManyTags
		);
		assert_noop!(
			update(ALICE, id, None, Some(vec![vec![]]), None, None),
			Error::<Test>::InvalidTag
		);
		assert_noop!(
			update(ALICE, id, None, None, Some(vec![b'u'; 33]), None),
			Error::<Test>::MetadataUriTooLong
		);
		assert_noop!(update(ALICE, id, None, None, None, Some(0)), Error::<Test>::ZeroPrice);
		assert_ok!(Services::retire_service(RuntimeOrigin::signed(ALICE), id));
		assert_noop!(update(ALICE, id, None, None, None, Some(1)), Error::<Test>::ServiceRetired);
	});
}

#[test]
fn pause_and_resume() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5);
		assert_ok!(Services::pause_service(RuntimeOrigin::signed(ALICE), id));
		assert_eq!(last_event(), Event::ServicePaused { service_id: id });
		assert_eq!(status(id), ServiceStatus::Paused);
		// A paused service is still live.
		assert_eq!(Providers::<Test>::get(ALICE).unwrap().live_services, 1);
		assert_ok!(Services::resume_service(RuntimeOrigin::signed(ALICE), id));
		assert_eq!(last_event(), Event::ServiceResumed { service_id: id });
		assert_eq!(status(id), ServiceStatus::Active);
	});
}

#[test]
fn pause_and_resume_errors() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5);
		assert_noop!(
			Services::pause_service(RuntimeOrigin::signed(ALICE), id + 1),
			Error::<Test>::UnknownService
		);
		assert_noop!(
			Services::pause_service(RuntimeOrigin::signed(BOB), id),
			Error::<Test>::NotServiceProvider
		);
		assert_noop!(
			Services::resume_service(RuntimeOrigin::signed(ALICE), id),
			Error::<Test>::ServiceNotPaused
		);
		assert_noop!(
			Services::resume_service(RuntimeOrigin::signed(ALICE), id + 1),
			Error::<Test>::UnknownService
		);
		assert_ok!(Services::pause_service(RuntimeOrigin::signed(ALICE), id));
		assert_noop!(
			Services::pause_service(RuntimeOrigin::signed(ALICE), id),
			Error::<Test>::ServiceNotActive
		);
		assert_noop!(
			Services::resume_service(RuntimeOrigin::signed(BOB), id),
			Error::<Test>::NotServiceProvider
		);
		assert_ok!(Services::retire_service(RuntimeOrigin::signed(ALICE), id));
		assert_noop!(
			Services::pause_service(RuntimeOrigin::signed(ALICE), id),
			Error::<Test>::ServiceNotActive
		);
		assert_noop!(
			Services::resume_service(RuntimeOrigin::signed(ALICE), id),
			Error::<Test>::ServiceNotPaused
		);
	});
}

#[test]
fn provider_with_two_services_retires_one() {
	run_test(|| {
		register(ALICE, MIN_BOND + 50);
		let first = list(ALICE, 5);
		let second = list(ALICE, 7);
		assert_eq!(Providers::<Test>::get(ALICE).unwrap().live_services, 2);
		assert_eq!(deposits(ALICE), 2 * SERVICE_DEPOSIT);

		assert_ok!(Services::retire_service(RuntimeOrigin::signed(ALICE), first));
		assert_eq!(last_event(), Event::ServiceRetired { service_id: first });
		assert_eq!(status(first), ServiceStatus::Retired);
		assert_eq!(status(second), ServiceStatus::Active);
		assert_eq!(Providers::<Test>::get(ALICE).unwrap().live_services, 1);
		// Still one live service: the bond floor still applies.
		assert_noop!(
			Services::unbond(RuntimeOrigin::signed(ALICE), 51),
			Error::<Test>::BondBelowMinimum
		);

		assert_ok!(Services::remove_service(RuntimeOrigin::signed(ALICE), first, 0));
		assert_eq!(
			last_event(),
			Event::ServiceRemoved { service_id: first, deposit: SERVICE_DEPOSIT }
		);
		assert!(ServiceRecords::<Test>::get(first).is_none());
		assert_eq!(ServicesByProvider::<Test>::get(ALICE).to_vec(), vec![second]);
		assert_eq!(deposits(ALICE), SERVICE_DEPOSIT);
		assert_eq!(free(ALICE), INITIAL_BALANCE - MIN_BOND - 50 - SERVICE_DEPOSIT);
	});
}

#[test]
fn retire_service_errors() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5);
		assert_noop!(
			Services::retire_service(RuntimeOrigin::signed(ALICE), id + 1),
			Error::<Test>::UnknownService
		);
		assert_noop!(
			Services::retire_service(RuntimeOrigin::signed(BOB), id),
			Error::<Test>::NotServiceProvider
		);
		assert_ok!(Services::retire_service(RuntimeOrigin::signed(ALICE), id));
		assert_noop!(
			Services::retire_service(RuntimeOrigin::signed(ALICE), id),
			Error::<Test>::ServiceRetired
		);
	});
}

#[test]
fn remove_service_clears_ratings_and_frees_the_deposit() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5);
		for rater in [BOB, CHARLIE] {
			MockMetering::record_paid(rater, id, MIN_SPEND_TO_RATE);
			assert_ok!(Services::rate_service(RuntimeOrigin::signed(rater), id, 4));
		}
		assert_ok!(Services::retire_service(RuntimeOrigin::signed(ALICE), id));
		assert_ok!(Services::remove_service(RuntimeOrigin::signed(ALICE), id, 2));
		assert_eq!(Ratings::<Test>::iter_prefix(id).count(), 0);
		assert_eq!(deposits(ALICE), 0);
		assert_eq!(free(ALICE), INITIAL_BALANCE - MIN_BOND);
	});
}

#[test]
fn remove_service_errors() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5);
		MockMetering::record_paid(BOB, id, MIN_SPEND_TO_RATE);
		assert_ok!(Services::rate_service(RuntimeOrigin::signed(BOB), id, 3));
		assert_noop!(
			Services::remove_service(RuntimeOrigin::signed(ALICE), id + 1, 1),
			Error::<Test>::UnknownService
		);
		assert_noop!(
			Services::remove_service(RuntimeOrigin::signed(BOB), id, 1),
			Error::<Test>::NotServiceProvider
		);
		assert_noop!(
			Services::remove_service(RuntimeOrigin::signed(ALICE), id, 1),
			Error::<Test>::ServiceNotRetired
		);
		assert_ok!(Services::retire_service(RuntimeOrigin::signed(ALICE), id));
		assert_noop!(
			Services::remove_service(RuntimeOrigin::signed(ALICE), id, 0),
			Error::<Test>::RatingCountWitnessTooLow
		);
		MockMetering::set_open_channels(id, 1);
		assert_noop!(
			Services::remove_service(RuntimeOrigin::signed(ALICE), id, 1),
			Error::<Test>::ServiceHasOpenChannels
		);
		MockMetering::set_open_channels(id, 0);
		assert_ok!(Services::remove_service(RuntimeOrigin::signed(ALICE), id, 1));
	});
}

// ----------------------------------------------------------------------------- ratings

#[test]
fn ratings_aggregate_and_rerating_replaces() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5);
		for who in [BOB, CHARLIE, DAVE] {
			MockMetering::record_paid(who, id, MIN_SPEND_TO_RATE);
		}
		assert_ok!(Services::rate_service(RuntimeOrigin::signed(BOB), id, 5));
		assert_eq!(
			last_event(),
			Event::ServiceRated { service_id: id, who: BOB, stars: 5, previous: None }
		);
		assert_ok!(Services::rate_service(RuntimeOrigin::signed(CHARLIE), id, 2));
		assert_ok!(Services::rate_service(RuntimeOrigin::signed(DAVE), id, 4));
		assert_eq!(ServiceRecords::<Test>::get(id).unwrap().rating, Rating { sum: 11, count: 3 });

		assert_ok!(Services::rate_service(RuntimeOrigin::signed(CHARLIE), id, 5));
		assert_eq!(
			last_event(),
			Event::ServiceRated { service_id: id, who: CHARLIE, stars: 5, previous: Some(2) }
		);
		assert_eq!(ServiceRecords::<Test>::get(id).unwrap().rating, Rating { sum: 14, count: 3 });
		assert_eq!(Ratings::<Test>::get(id, CHARLIE), Some(5));

		// Paused services can still be rated.
		assert_ok!(Services::pause_service(RuntimeOrigin::signed(ALICE), id));
		assert_ok!(Services::rate_service(RuntimeOrigin::signed(BOB), id, 1));
		assert_eq!(ServiceRecords::<Test>::get(id).unwrap().rating, Rating { sum: 10, count: 3 });
	});
}

#[test]
fn rate_service_errors() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5);
		MockMetering::record_paid(BOB, id, MIN_SPEND_TO_RATE - 1);
		MockMetering::record_paid(ALICE, id, MIN_SPEND_TO_RATE);
		assert_noop!(
			Services::rate_service(RuntimeOrigin::signed(BOB), id, 0),
			Error::<Test>::InvalidStars
		);
		assert_noop!(
			Services::rate_service(RuntimeOrigin::signed(BOB), id, 6),
			Error::<Test>::InvalidStars
		);
		assert_noop!(
			Services::rate_service(RuntimeOrigin::signed(BOB), id + 1, 3),
			Error::<Test>::UnknownService
		);
		assert_noop!(
			Services::rate_service(RuntimeOrigin::signed(ALICE), id, 3),
			Error::<Test>::CannotRateOwnService
		);
		assert_noop!(
			Services::rate_service(RuntimeOrigin::signed(BOB), id, 3),
			Error::<Test>::InsufficientPaidUsage
		);
		// Paid on another service does not count.
		MockMetering::record_paid(CHARLIE, id + 1, MIN_SPEND_TO_RATE);
		assert_noop!(
			Services::rate_service(RuntimeOrigin::signed(CHARLIE), id, 3),
			Error::<Test>::InsufficientPaidUsage
		);
		MockMetering::record_paid(BOB, id, MIN_SPEND_TO_RATE);
		assert_ok!(Services::retire_service(RuntimeOrigin::signed(ALICE), id));
		assert_noop!(
			Services::rate_service(RuntimeOrigin::signed(BOB), id, 3),
			Error::<Test>::ServiceRetired
		);
	});
}

// -------------------------------------------------------------------------- governance

#[test]
fn slash_takes_bond_then_newest_unbonding_chunks() {
	run_test(|| {
		register(ALICE, 300);
		assert_ok!(Services::unbond(RuntimeOrigin::signed(ALICE), 50)); // chunk 1
		assert_ok!(Services::unbond(RuntimeOrigin::signed(ALICE), 40)); // chunk 2
		let sink_before = free(SLASH_SINK);
		let issuance = Balances::total_issuance();

		assert_ok!(Services::slash_provider(RuntimeOrigin::root(), ALICE, 230));
		assert_eq!(
			last_event(),
			Event::ProviderSlashed { provider: ALICE, requested: 230, slashed: 230 }
		);
		let provider = Providers::<Test>::get(ALICE).unwrap();
		// 210 from the bond, then 20 from the newest chunk.
		assert_eq!(provider.bond, 0);
		assert_eq!(provider.unbonding.iter().map(|c| c.amount).collect::<Vec<_>>(), vec![50, 20]);
		assert_eq!(bonded(ALICE), 70);
		assert_eq!(free(SLASH_SINK), sink_before + 230);
		assert_eq!(Balances::total_issuance(), issuance);
	});
}

#[test]
fn slashing_more_than_the_bond_takes_everything_held() {
	run_test(|| {
		register(ALICE, 200);
		let id = list(ALICE, 5);
		assert_ok!(Services::unbond(RuntimeOrigin::signed(ALICE), 60));
		assert_ok!(Services::slash_provider(RuntimeOrigin::root(), ALICE, 1_000));
		assert_eq!(
			last_event(),
			Event::ProviderSlashed { provider: ALICE, requested: 1_000, slashed: 200 }
		);
		let provider = Providers::<Test>::get(ALICE).unwrap();
		assert_eq!(provider.bond, 0);
		assert!(provider.unbonding.is_empty());
		assert_eq!(bonded(ALICE), 0);
		// The service deposit is not part of the bond.
		assert_eq!(deposits(ALICE), SERVICE_DEPOSIT);
		assert_eq!(free(ALICE), INITIAL_BALANCE - 200 - SERVICE_DEPOSIT);
		assert_eq!(free(SLASH_SINK), 1 + 200);
		// Under the minimum now: no new listings.
		assert_eq!(status(id), ServiceStatus::Active);
		assert_noop!(list_plain(ALICE), Error::<Test>::BondBelowMinimum);
	});
}

#[test]
fn slash_errors() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		assert_noop!(
			Services::slash_provider(RuntimeOrigin::signed(BOB), ALICE, 10),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Services::slash_provider(RuntimeOrigin::root(), BOB, 10),
			Error::<Test>::NotProvider
		);
		assert_noop!(
			Services::slash_provider(RuntimeOrigin::root(), ALICE, 0),
			Error::<Test>::ZeroAmount
		);
	});
}

#[test]
fn force_delist_retires_any_service() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5);
		assert_noop!(
			Services::force_delist(RuntimeOrigin::signed(ALICE), id),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Services::force_delist(RuntimeOrigin::root(), id + 1),
			Error::<Test>::UnknownService
		);
		assert_ok!(Services::force_delist(RuntimeOrigin::root(), id));
		assert_eq!(last_event(), Event::ServiceDelisted { service_id: id });
		assert_eq!(status(id), ServiceStatus::Delisted);
		assert_eq!(Providers::<Test>::get(ALICE).unwrap().live_services, 0);
		assert_noop!(
			Services::force_delist(RuntimeOrigin::root(), id),
			Error::<Test>::ServiceRetired
		);
		// The provider can then remove it and get the deposit back.
		assert_ok!(Services::remove_service(RuntimeOrigin::signed(ALICE), id, 0));
		assert_eq!(deposits(ALICE), 0);
	});
}

/// A provider sees a delisting proposal and retires its service first, so that its
/// consumers cannot take their deposits back early: governance delists it all the same.
#[test]
fn a_provider_cannot_dodge_delisting_by_retiring_first() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 1);
		assert_ok!(Services::retire_service(RuntimeOrigin::signed(ALICE), id));
		assert_eq!(Providers::<Test>::get(ALICE).unwrap().live_services, 0);
		assert_ok!(Services::force_delist(RuntimeOrigin::root(), id));
		assert_eq!(status(id), ServiceStatus::Delisted);
		// Counted off the live services once only.
		assert_eq!(Providers::<Test>::get(ALICE).unwrap().live_services, 0);
		assert_noop!(
			Services::retire_service(RuntimeOrigin::signed(ALICE), id),
			Error::<Test>::ServiceRetired
		);
	});
}

#[test]
fn price_change_keeps_service_terms_current() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		let id = list(ALICE, 5);
		assert_ok!(Services::update_service(
			RuntimeOrigin::signed(ALICE),
			id,
			None,
			None,
			None,
			Some(price(8))
		));
		assert_eq!(Services::service_terms(id).unwrap().price, price(8));
	});
}

// ------------------------------------------------------------------ random call sequences

mod property {
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Action {
		Register(AccountId, Balance),
		BondExtra(AccountId, Balance),
		Unbond(AccountId, Balance),
		Withdraw(AccountId),
		Deregister(AccountId),
		List(AccountId, Balance),
		Pause(AccountId, ServiceId),
		Resume(AccountId, ServiceId),
		Retire(AccountId, ServiceId),
		Remove(AccountId, ServiceId, u32),
		Rate(AccountId, ServiceId, u8, bool),
		Slash(AccountId, Balance),
		Delist(ServiceId),
		Advance(u64),
	}

	fn account() -> impl Strategy<Value = AccountId> {
		prop_oneof![Just(ALICE), Just(BOB), Just(CHARLIE), Just(DAVE)]
	}

	fn action() -> impl Strategy<Value = Action> {
		let amount = 0..400u64;
		let service = 0..8u64;
		prop_oneof![
			(account(), amount.clone()).prop_map(|(a, b)| Action::Register(a, b)),
			(account(), amount.clone()).prop_map(|(a, b)| Action::BondExtra(a, b)),
			(account(), amount.clone()).prop_map(|(a, b)| Action::Unbond(a, b)),
			account().prop_map(Action::Withdraw),
			account().prop_map(Action::Deregister),
			(account(), 0..20u64).prop_map(|(a, p)| Action::List(a, p)),
			(account(), service.clone()).prop_map(|(a, s)| Action::Pause(a, s)),
			(account(), service.clone()).prop_map(|(a, s)| Action::Resume(a, s)),
			(account(), service.clone()).prop_map(|(a, s)| Action::Retire(a, s)),
			(account(), service.clone(), 0..4u32).prop_map(|(a, s, w)| Action::Remove(a, s, w)),
			(account(), service.clone(), 0..7u8, any::<bool>())
				.prop_map(|(a, s, st, paid)| Action::Rate(a, s, st, paid)),
			(account(), amount).prop_map(|(a, b)| Action::Slash(a, b)),
			service.prop_map(Action::Delist),
			(1..15u64).prop_map(Action::Advance),
		]
	}

	fn apply(action: Action) {
		let signed = RuntimeOrigin::signed;
		// Failing calls are part of the sequence: they must leave state consistent too.
		let _ = match action {
			Action::Register(who, bond) => {
				Services::register_provider(signed(who), b"p".to_vec(), bond)
			},
			Action::BondExtra(who, amount) => Services::bond_extra(signed(who), amount),
			Action::Unbond(who, amount) => Services::unbond(signed(who), amount),
			Action::Withdraw(who) => Services::withdraw_unbonded(signed(who)),
			Action::Deregister(who) => Services::deregister_provider(signed(who)),
			Action::List(who, per_unit) => Services::list_service(
				signed(who),
				b"s".to_vec(),
				vec![b"t".to_vec()],
				vec![],
				H256::zero(),
				price(per_unit),
				Perbill::zero(),
				None,
			),
			Action::Pause(who, id) => Services::pause_service(signed(who), id),
			Action::Resume(who, id) => Services::resume_service(signed(who), id),
			Action::Retire(who, id) => Services::retire_service(signed(who), id),
			Action::Remove(who, id, witness) => Services::remove_service(signed(who), id, witness)
				.map(|_| ())
				.map_err(|e| e.error),
			Action::Rate(who, id, stars, paid) => {
				MockMetering::record_paid(who, id, if paid { MIN_SPEND_TO_RATE } else { 0 });
				Services::rate_service(signed(who), id, stars)
			},
			Action::Slash(who, amount) => {
				Services::slash_provider(RuntimeOrigin::root(), who, amount)
			},
			Action::Delist(id) => Services::force_delist(RuntimeOrigin::root(), id),
			Action::Advance(blocks) => {
				System::set_block_number(System::block_number() + blocks);
				Ok(())
			},
		};
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]
		#[test]
		fn random_call_sequences_keep_invariants(actions in prop::collection::vec(action(), 1..60)) {
			new_test_ext().execute_with(|| {
				let issuance = Balances::total_issuance();
				for action in actions {
					apply(action.clone());
					Services::do_try_state().map_err(|e| format!("{e:?} after {action:?}")).unwrap();
					// Slashes move funds to the sink; nothing is created or burned.
					assert_eq!(Balances::total_issuance(), issuance, "after {action:?}");
				}
			});
		}
	}
}

// ------------------------------------------------------------------- runtime API views

mod views {
	use super::*;
	use agora_primitives::ServiceFilter;

	fn filter(
		tag: Option<&[u8]>,
		status: Option<ServiceStatus>,
		provider: Option<AccountId>,
	) -> ServiceFilter<AccountId> {
		ServiceFilter { tag: tag.map(|t| t.to_vec()), status, provider }
	}

	fn ids(page: Vec<crate::ServiceInfoOf<Test>>) -> Vec<ServiceId> {
		page.into_iter().map(|info| info.id).collect()
	}

	fn tag(bytes: &[u8]) -> crate::TagOf<Test> {
		bytes.to_vec().try_into().expect("a short tag")
	}

	/// Every service matching `query` a client sees walking the pages of `size`; see
	/// [`agora_test_config::walk_pages`].
	fn walk(query: &ServiceFilter<AccountId>, size: u32) -> Vec<ServiceId> {
		agora_test_config::walk_pages(size, |after| {
			ids(Services::services_page(query.clone(), after, size))
		})
	}

	#[test]
	fn service_info_mirrors_storage() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			let id = list(ALICE, 5);
			MockMetering::record_paid(BOB, id, MIN_SPEND_TO_RATE);
			assert_ok!(Services::rate_service(RuntimeOrigin::signed(BOB), id, 4));
			let info = Services::service_info(id).unwrap();
			assert_eq!(info.id, id);
			assert_eq!(info.provider, ALICE);
			assert_eq!(info.name, b"llama".to_vec());
			assert_eq!(info.tags, vec![b"llm".to_vec(), b"chat".to_vec()]);
			assert_eq!(info.metadata_uri, b"ipfs://meta".to_vec());
			assert_eq!(info.price, price(5));
			assert_eq!(info.status, ServiceStatus::Active);
			assert_eq!((info.rating_sum, info.rating_count), (4, 1));
			assert_eq!(info.deposit, SERVICE_DEPOSIT);
			assert_eq!(info.dataset, Some(7));
			assert!(Services::service_info(id + 1).is_none());
		});
	}

	#[test]
	fn services_page_filters_and_paginates() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			register(BOB, MIN_BOND);
			let a0 = list(ALICE, 1);
			let b0 = list(BOB, 1);
			let a1 = list(ALICE, 1);
			assert_ok!(Services::update_service(
				RuntimeOrigin::signed(BOB),
				b0,
				None,
				Some(vec![b"vision".to_vec()]),
				None,
				None
			));
			assert_ok!(Services::pause_service(RuntimeOrigin::signed(ALICE), a1));

			let all = filter(None, None, None);
			for size in [1, 2, 10] {
				assert_eq!(walk(&all, size), vec![a0, b0, a1]);
				assert_eq!(walk(&filter(Some(b"llm"), None, None), size), vec![a0, a1]);
				assert_eq!(walk(&filter(Some(b"chat"), None, None), size), vec![a0, a1]);
				assert_eq!(walk(&filter(Some(b"vision"), None, None), size), vec![b0]);
				let paused = filter(None, Some(ServiceStatus::Paused), None);
				assert_eq!(walk(&paused, size), vec![a1]);
				let active_llm = filter(Some(b"llm"), Some(ServiceStatus::Active), None);
				assert_eq!(walk(&active_llm, size), vec![a0]);
				assert_eq!(walk(&filter(None, None, Some(ALICE)), size), vec![a0, a1]);
				assert!(walk(&filter(None, None, Some(CHARLIE)), size).is_empty());
				assert!(walk(&filter(Some(b"none"), None, None), size).is_empty());
			}
			// A provider's services come in id order.
			assert_eq!(
				ids(Services::services_page(filter(None, None, Some(ALICE)), Some(a0), 10)),
				vec![a1]
			);
			assert_eq!(
				ids(Services::services_page(
					filter(Some(b"llm"), Some(ServiceStatus::Active), Some(ALICE)),
					None,
					10
				)),
				vec![a0]
			);
			// A tag longer than any tag can be (8 bytes in the mock) matches nothing.
			let long = vec![b'x'; 9];
			assert!(walk(&filter(Some(&long), None, None), 10).is_empty());
			// A service's old tags no longer find it.
			assert!(ServicesByTag::<Test>::iter_key_prefix(tag(b"llm")).all(|id| id != b0));
			// Removed services disappear from pages and from the tag index.
			assert_ok!(Services::retire_service(RuntimeOrigin::signed(ALICE), a0));
			assert_ok!(Services::remove_service(RuntimeOrigin::signed(ALICE), a0, 0));
			assert_eq!(walk(&all, 1), vec![b0, a1]);
			assert_eq!(walk(&filter(Some(b"llm"), None, None), 1), vec![a1]);
			assert!(!ServicesByTag::<Test>::contains_key(tag(b"chat"), a0));
		});
	}

	/// Attack: list and remove services by the thousand so that every listing reads
	/// their ids. No page walks an id range: here the id counter stands where 2^40
	/// removed services would leave it.
	#[test]
	fn listing_services_never_reads_the_ids_of_removed_ones() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			let removed = list(ALICE, 1);
			assert_ok!(Services::retire_service(RuntimeOrigin::signed(ALICE), removed));
			assert_ok!(Services::remove_service(RuntimeOrigin::signed(ALICE), removed, 0));
			crate::NextServiceId::<Test>::put(1 << 40);
			let a = list(ALICE, 1);
			let b = list(ALICE, 2);
			assert_eq!((a, b), (1 << 40, (1 << 40) + 1));
			for query in [
				filter(None, None, None),
				filter(Some(b"llm"), None, None),
				filter(None, Some(ServiceStatus::Active), None),
				filter(None, None, Some(ALICE)),
			] {
				assert_eq!(walk(&query, 1), vec![a, b]);
			}
		});
	}

	#[test]
	fn migration_to_v1_indexes_services_by_tag() {
		use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
		run_test(|| {
			register(ALICE, MIN_BOND);
			let a = list(ALICE, 1);
			assert_ok!(list_plain(ALICE));
			// Version 0 had no index.
			let _ = ServicesByTag::<Test>::clear(u32::MAX, None);
			StorageVersion::new(0).put::<Services>();
			assert!(Services::do_try_state().is_err());

			crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
			assert_eq!(Services::on_chain_storage_version(), 1);
			let mut indexed: Vec<_> = ServicesByTag::<Test>::iter_keys().collect();
			indexed.sort();
			assert_eq!(indexed, vec![(tag(b"chat"), a), (tag(b"llm"), a)]);
			assert_ok!(Services::do_try_state());

			// Once at version 1 it does nothing.
			ServicesByTag::<Test>::remove(tag(b"chat"), a);
			crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
			assert!(!ServicesByTag::<Test>::contains_key(tag(b"chat"), a));
			ServicesByTag::<Test>::insert(tag(b"chat"), a, ());
		});
	}

	#[test]
	fn provider_info_lists_bond_unbonding_and_services() {
		run_test(|| {
			register(ALICE, MIN_BOND + 20);
			let id = list(ALICE, 5);
			assert_ok!(Services::unbond(RuntimeOrigin::signed(ALICE), 20));
			let info = Services::provider_info(&ALICE).unwrap();
			assert_eq!(info.name, b"provider".to_vec());
			assert_eq!(info.bond, MIN_BOND);
			assert_eq!(info.unbonding, vec![(20, 1 + UNBONDING_PERIOD)]);
			assert_eq!(info.live_services, 1);
			assert_eq!(info.services, vec![id]);
			assert!(Services::provider_info(&BOB).is_none());
		});
	}
}

// ---------------------------------------------------------------- parameters

mod parameters {
	use super::*;
	use crate::{ParameterChange, ParameterChangeOf, Parameters, ServiceParameters};
	use frame_support::BoundedVec;
	use sp_runtime::BuildStorage;

	fn set(changes: Vec<ParameterChangeOf<Test>>) -> sp_runtime::DispatchResult {
		Services::set_parameters(RuntimeOrigin::root(), BoundedVec::truncate_from(changes))
	}

	#[test]
	fn a_new_chain_runs_on_the_default_parameters() {
		run_test(|| {
			assert!(!Parameters::<Test>::exists());
			assert_eq!(Services::parameters(), MockParameters::get());
		});
	}

	#[test]
	fn governance_changes_them_and_the_calls_follow() {
		run_test(|| {
			use ParameterChange::*;
			let changes = vec![
				MinProviderBond(200),
				ServiceDeposit(30),
				MinSpendToRate(0),
				UnbondingPeriod(6),
			];
			assert_ok!(set(changes.clone()));
			assert_eq!(
				Services::parameters(),
				ServiceParameters {
					min_provider_bond: 200,
					service_deposit: 30,
					min_spend_to_rate: 0,
					unbonding_period: 6,
				}
			);
			assert_eq!(
				last_event(),
				Event::ParametersSet { changes: BoundedVec::truncate_from(changes) }
			);
			// The old minimum bond no longer registers; the new deposit is held; the new
			// period dates an unbonding chunk.
			assert_noop!(
				Services::register_provider(RuntimeOrigin::signed(ALICE), b"p".to_vec(), 199),
				Error::<Test>::BondBelowMinimum
			);
			register(ALICE, 250);
			list(ALICE, 1);
			assert_eq!(deposits(ALICE), 30);
			assert_ok!(Services::unbond(RuntimeOrigin::signed(ALICE), 50));
			assert_eq!(
				last_event(),
				Event::Unbonded { provider: ALICE, amount: 50, unlock_at: 1 + 6 }
			);
		});
	}

	#[test]
	fn changes_apply_in_order_and_are_checked_together() {
		run_test(|| {
			use ParameterChange::*;
			// Zero on its own is refused, but a later change of the same field wins.
			assert_ok!(set(vec![ServiceDeposit(0), ServiceDeposit(11)]));
			assert_eq!(Services::parameters().service_deposit, 11);
		});
	}

	#[test]
	fn only_governance_changes_them() {
		run_test(|| {
			let change = vec![ParameterChange::ServiceDeposit(11)];
			assert_noop!(
				Services::set_parameters(
					RuntimeOrigin::signed(ALICE),
					BoundedVec::truncate_from(change)
				),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn a_set_out_of_bounds_is_refused_whole() {
		run_test(|| {
			use ParameterChange::*;
			let cases = [
				(vec![], Error::<Test>::NoParameterChanges),
				(vec![MinProviderBond(0)], Error::<Test>::ZeroParameterAmount),
				(vec![ServiceDeposit(0)], Error::<Test>::ZeroParameterAmount),
				(
					vec![MinProviderBond(MAX_PARAMETER_AMOUNT + 1)],
					Error::<Test>::ParameterAmountTooLarge,
				),
				(
					vec![ServiceDeposit(MAX_PARAMETER_AMOUNT + 1)],
					Error::<Test>::ParameterAmountTooLarge,
				),
				(
					vec![MinSpendToRate(MAX_PARAMETER_AMOUNT + 1)],
					Error::<Test>::ParameterAmountTooLarge,
				),
				(vec![UnbondingPeriod(0)], Error::<Test>::UnbondingPeriodOutOfBounds),
				(
					vec![UnbondingPeriod(MAX_UNBONDING_PERIOD + 1)],
					Error::<Test>::UnbondingPeriodOutOfBounds,
				),
				// A provider could unbond the moment a slash is proposed and withdraw
				// before it is enacted.
				(vec![UnbondingPeriod(SLASH_DELAY)], Error::<Test>::UnbondingShorterThanSlashDelay),
				// A valid change does not carry an invalid one through.
				(vec![MinSpendToRate(1), MinProviderBond(0)], Error::<Test>::ZeroParameterAmount),
			];
			for (changes, error) in cases {
				assert_noop!(set(changes), error);
			}
			// The bounds themselves are accepted.
			assert_ok!(set(vec![
				MinProviderBond(MAX_PARAMETER_AMOUNT),
				MinSpendToRate(MAX_PARAMETER_AMOUNT),
				UnbondingPeriod(MAX_UNBONDING_PERIOD),
			]));
			assert_ok!(set(vec![UnbondingPeriod(SLASH_DELAY + 1)]));
		});
	}

	fn genesis(parameters: ServiceParameters<Balance, u64>) -> sp_io::TestExternalities {
		RuntimeGenesisConfig {
			services: crate::GenesisConfig { parameters: Some(parameters) },
			..Default::default()
		}
		.build_storage()
		.unwrap()
		.into()
	}

	#[test]
	fn genesis_sets_them() {
		let parameters = ServiceParameters { service_deposit: 99, ..MockParameters::get() };
		genesis(parameters.clone()).execute_with(|| {
			assert_eq!(Services::parameters(), parameters);
		});
	}

	#[test]
	#[should_panic(
		expected = "genesis services parameters are invalid: UnbondingShorterThanSlashDelay"
	)]
	fn genesis_refuses_invalid_ones() {
		genesis(ServiceParameters { unbonding_period: SLASH_DELAY, ..MockParameters::get() });
	}
}
