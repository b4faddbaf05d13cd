//! Tests of the runtime as assembled: genesis presets (built through the compiled WASM,
//! as the node builds them), metadata, token rules and declared weights; the attacks on
//! its economics ([`attacks`]) and random sequences over every pallet ([`properties`]).

mod attacks;
mod equivocation;
mod properties;
mod support;
mod transactions;
mod validator_rewards;
mod weights;

use crate::weights::ParityDbWeight;
use crate::{
	genesis_config_presets::ENDOWMENT, AccountId, Balance, Balances, Grandpa, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeOrigin, System, EXISTENTIAL_DEPOSIT, VERSION, WASM_BINARY,
};
use frame_support::{assert_noop, assert_ok};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::{BuildStorage, DispatchError, TokenError};
use std::{collections::BTreeMap, sync::Mutex};

/// Genesis storage of the runtime preset `preset`, built by the WASM runtime as the node
/// builds it. Each preset is built once per test process and cloned for every test:
/// building compiles the runtime, which takes seconds in a debug build.
fn genesis_storage(preset: &str) -> sp_runtime::Storage {
	static BUILT: Mutex<BTreeMap<String, sp_runtime::Storage>> = Mutex::new(BTreeMap::new());
	let mut built = BUILT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	built
		.entry(preset.into())
		.or_insert_with(|| {
			let wasm = WASM_BINARY.expect("the WASM runtime is built for tests");
			sc_chain_spec::GenericChainSpec::<sc_chain_spec::NoExtension>::builder(wasm, None)
				.with_genesis_config_preset_name(preset)
				.build()
				.build_storage()
				.unwrap_or_else(|e| panic!("preset {preset} builds: {e}"))
		})
		.clone()
}

/// Externalities at block 1 of the runtime preset `preset`.
fn genesis(preset: &str) -> sp_io::TestExternalities {
	at_block_one(genesis_storage(preset))
}

fn at_block_one(storage: sp_runtime::Storage) -> sp_io::TestExternalities {
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

fn alice() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}

#[test]
fn development_preset_has_alice_as_sole_validator_and_sudo() {
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let aura: Vec<_> = pallet_aura::Authorities::<Runtime>::get().into_inner();
		assert_eq!(aura, vec![Sr25519Keyring::Alice.public().into()]);
		assert_eq!(
			Grandpa::grandpa_authorities(),
			vec![(Ed25519Keyring::Alice.public().into(), 1)]
		);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(alice()));
		let accounts = dev_accounts();
		assert_eq!(accounts.len(), 12);
		for who in &accounts {
			assert_eq!(Balances::free_balance(who), ENDOWMENT);
		}
		let treasury = crate::configs::TreasuryAccount::get();
		assert_eq!(Balances::free_balance(&treasury), EXISTENTIAL_DEPOSIT);
		// The rewards pallet's account is kept alive from genesis.
		assert_eq!(Balances::free_balance(crate::Rewards::account_id()), EXISTENTIAL_DEPOSIT);
		assert_eq!(
			Balances::total_issuance(),
			ENDOWMENT * accounts.len() as Balance + 2 * EXISTENTIAL_DEPOSIT
		);
	});
}

#[test]
fn local_testnet_preset_has_four_validators() {
	genesis(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let validators = [
			(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		];
		let aura: Vec<_> = pallet_aura::Authorities::<Runtime>::get().into_inner();
		assert_eq!(aura, validators.iter().map(|(a, _)| a.public().into()).collect::<Vec<_>>());
		assert_eq!(
			Grandpa::grandpa_authorities(),
			validators.iter().map(|(_, g)| (g.public().into(), 1)).collect::<Vec<_>>()
		);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(alice()));
		assert_eq!(Balances::free_balance(Sr25519Keyring::Ferdie.to_account_id()), ENDOWMENT);
		let accounts: Vec<AccountId> = validators.iter().map(|(a, _)| a.to_account_id()).collect();
		assert_eq!(crate::Validators::validators(), accounts);
		assert_eq!(crate::Session::validators(), accounts);
		assert_eq!(
			pallet_validators::SessionLength::<Runtime>::get(),
			crate::genesis_config_presets::TEST_SESSION_LENGTH
		);
	});
}

/// A real network's genesis starts with no sudo key, no account but the treasury and no
/// validator: its founders add theirs (`agora-node new-chain-spec`).
#[test]
fn production_preset_has_no_sudo_key_and_no_development_account() {
	genesis(crate::genesis_config_presets::PRODUCTION_PRESET).execute_with(|| {
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		let treasury = crate::configs::TreasuryAccount::get();
		// The treasury, and the rewards account that its pallet keeps alive from genesis.
		assert_eq!(Balances::free_balance(&treasury), EXISTENTIAL_DEPOSIT);
		assert_eq!(Balances::free_balance(crate::Rewards::account_id()), EXISTENTIAL_DEPOSIT);
		assert_eq!(Balances::total_issuance(), 2 * EXISTENTIAL_DEPOSIT);
		for who in dev_accounts() {
			assert!(!frame_system::Account::<Runtime>::contains_key(&who));
		}
		assert!(crate::Validators::validators().is_empty());
		assert!(crate::Session::validators().is_empty());
		assert_eq!(pallet_validators::SessionLength::<Runtime>::get(), crate::HOURS);
		assert_eq!(crate::Governance::parameters(), crate::configs::governance_parameters());
		assert_eq!(crate::Validators::parameters(), crate::configs::validator_parameters());
	});
}

/// Runs `pallet-session`'s and GRANDPA's block hooks (what changes authorities) up to
/// block `n`.
fn run_session_hooks_to(n: crate::BlockNumber) {
	use frame_support::traits::Hooks;
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		<crate::Session as Hooks<_>>::on_initialize(next);
		<Grandpa as Hooks<_>>::on_finalize(next);
	}
}

/// Governance adds a validator that registered its session keys: with 10-block sessions
/// it is planned at block 10 and Aura and GRANDPA include it from block 20; removed, it
/// leaves them the same way.
#[test]
fn governance_changes_the_authorities_at_session_boundaries() {
	use crate::{Aura, Session, SessionKeys, Validators};
	use codec::Encode;
	use sp_core::proof_of_possession::ProofOfPossessionGenerator;
	genesis(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let eve = Sr25519Keyring::Eve.to_account_id();
		let eve_aura: sp_consensus_aura::sr25519::AuthorityId = Sr25519Keyring::Eve.public().into();
		let eve_grandpa: sp_consensus_grandpa::AuthorityId = Ed25519Keyring::Eve.public().into();
		let keys = SessionKeys { aura: eve_aura.clone(), grandpa: eve_grandpa.clone() };
		// The proof that Eve holds both keys: each signs the statement of Eve's ownership.
		let owner = eve.encode();
		let proof = (
			Sr25519Keyring::Eve.pair().generate_proof_of_possession(&owner),
			Ed25519Keyring::Eve.pair().generate_proof_of_possession(&owner),
		)
			.encode();
		assert_noop!(
			Session::set_keys(RuntimeOrigin::signed(eve.clone()), keys.clone(), vec![]),
			pallet_session::Error::<Runtime>::InvalidProof
		);
		assert_ok!(Session::set_keys(RuntimeOrigin::signed(eve.clone()), keys, proof));
		// Registered keys hold the key deposit.
		assert_eq!(Balances::free_balance(&eve), ENDOWMENT - crate::AGR);
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::signed(eve.clone()), eve.clone()),
			DispatchError::BadOrigin
		);
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), eve.clone()));

		let authorities = || pallet_aura::Authorities::<Runtime>::get().into_inner();
		run_session_hooks_to(19);
		assert_eq!(authorities().len(), 4);
		run_session_hooks_to(20);
		assert_eq!(Session::current_index(), 2);
		assert_eq!(authorities().last(), Some(&eve_aura));
		assert_eq!(Aura::authorities_len(), 5);
		assert!(Grandpa::grandpa_authorities().contains(&(eve_grandpa.clone(), 1)));

		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), eve.clone()));
		run_session_hooks_to(39);
		assert_eq!(authorities().len(), 5);
		run_session_hooks_to(40);
		assert!(!authorities().contains(&eve_aura));
		assert!(!Grandpa::grandpa_authorities().contains(&(eve_grandpa, 1)));
		assert!(!Session::validators().contains(&eve));
	});
}

#[test]
fn presets_are_listed_and_unknown_ones_are_refused() {
	use crate::genesis_config_presets::{get_preset, preset_names};
	let names: Vec<String> = preset_names()
		.into_iter()
		.map(|id| String::from_utf8_lossy(id.as_ref()).into())
		.collect();
	assert_eq!(names, vec!["development", "local_testnet", "production"]);
	assert!(get_preset(&"mainnet".into()).is_none());

	let wasm = WASM_BINARY.expect("the WASM runtime is built for tests");
	let unknown =
		sc_chain_spec::GenericChainSpec::<sc_chain_spec::NoExtension>::builder(wasm, None)
			.with_genesis_config_preset_name("mainnet")
			.build()
			.build_storage();
	assert!(unknown.is_err());
}

#[test]
fn metadata_lists_the_pallets_at_their_indices_and_no_governed_value_as_a_constant() {
	// Built without any state: a constant read from storage, as a governed parameter is,
	// would panic here.
	let metadata = Runtime::metadata_ir();
	let constants: Vec<String> = metadata
		.pallets
		.iter()
		.flat_map(|p| p.constants.iter().map(move |c| format!("{}.{}", p.name, c.name)))
		.collect();
	for governed in [
		"Services.DefaultParameters",
		"Services.SlashDelay",
		"Metering.DefaultParameters",
		"Rewards.DefaultParameters",
		"Governance.DefaultParameters",
		"Governance.ParameterBounds",
		"Governance.MaxDecisionTime",
		"Validators.DefaultParameters",
	] {
		assert!(!constants.iter().any(|c| c == governed), "{governed} is governed, not constant");
	}
	// Each pallet owns its governed parameters, as storage clients read.
	let storage: Vec<String> = metadata
		.pallets
		.iter()
		.flat_map(|p| {
			p.storage
				.iter()
				.flat_map(move |s| s.entries.iter().map(move |e| format!("{}.{}", p.name, e.name)))
		})
		.collect();
	for owner in ["Services", "Metering", "Rewards", "Governance", "Validators"] {
		let parameters = format!("{owner}.Parameters");
		assert!(storage.contains(&parameters), "{parameters} is missing");
	}
	assert!(constants.iter().any(|c| c == "Services.MaxTags"), "fixed bounds stay constants");
	let pallets: Vec<(String, u8)> =
		metadata.pallets.iter().map(|p| (p.name.to_string(), p.index)).collect();
	let expected = [
		("System", 0),
		("Timestamp", 1),
		("Aura", 2),
		("Grandpa", 3),
		("Balances", 4),
		("TransactionPayment", 5),
		("Sudo", 6),
		("Utility", 7),
		("Authorship", 8),
		("Services", 10),
		("Metering", 11),
		("Rewards", 12),
		("Governance", 13),
		("Validators", 14),
		("Session", 15),
		("Historical", 17),
		("Offences", 18),
	];
	assert_eq!(pallets, expected.iter().map(|(n, i)| (n.to_string(), *i)).collect::<Vec<_>>());
}

#[test]
fn version_token_and_weights_are_agoras() {
	assert_eq!(VERSION.spec_name, "agora");
	assert_eq!(<Runtime as frame_system::Config>::SS58Prefix::get(), 4242);
	assert_eq!(agora_primitives::token::AGR, 1_000_000_000_000);
	assert_eq!(EXISTENTIAL_DEPOSIT, agora_primitives::token::MILLI_AGR);
}

/// Settlements credit the treasury and the rewards account in almost every block; the
/// benchmarks leave those two accounts out of each call's weight because every block
/// pays for reading and committing them once.
#[test]
fn every_block_pays_for_the_hot_accounts_once() {
	use crate::weights::BlockExecutionWeight;
	assert_eq!(
		crate::configs::HotAccounts::get(),
		[crate::configs::TreasuryAccount::get(), crate::Rewards::account_id()]
	);
	assert_eq!(
		crate::configs::RuntimeBlockWeights::get().base_block,
		BlockExecutionWeight::get() + ParityDbWeight::get().reads_writes(2, 2)
	);
}

/// The protocol accounts' addresses are published (docs/token.md) and derived by
/// `palletAccount` of `@agora/client`: they must not move.
#[test]
fn protocol_accounts_have_their_documented_addresses() {
	use sp_core::crypto::Ss58Codec;
	let ss58 = |who: AccountId| who.to_ss58check_with_version(4242u16.into());
	assert_eq!(
		ss58(crate::configs::TreasuryAccount::get()),
		"mHn3yjS29gMztFi48CSWUDjB3sMaxZgCDWNVqQb86bJWLBv26"
	);
	assert_eq!(
		ss58(crate::Rewards::account_id()),
		"mHn3yjS29gMztFeY6UByejzQZQEzbozD2tuXDmSXZMgENqUis"
	);
}

/// Since `pallet-balances` moved transfers onto the `fungible` traits, a transfer that
/// would create an account below the existential deposit fails with
/// `TokenError::BelowMinimum` ("account cannot exist with the funds that would be given").
#[test]
fn transfer_below_existential_deposit_to_new_account_fails() {
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let fresh: AccountId = [7u8; 32].into();
		let issuance = Balances::total_issuance();
		assert_noop!(
			Balances::transfer_keep_alive(
				RuntimeOrigin::signed(alice()),
				fresh.clone().into(),
				EXISTENTIAL_DEPOSIT - 1
			),
			TokenError::BelowMinimum
		);
		assert_eq!(Balances::free_balance(&fresh), 0);
		assert_eq!(Balances::free_balance(alice()), ENDOWMENT);

		assert_ok!(Balances::transfer_keep_alive(
			RuntimeOrigin::signed(alice()),
			fresh.clone().into(),
			EXISTENTIAL_DEPOSIT
		));
		assert_eq!(Balances::free_balance(&fresh), EXISTENTIAL_DEPOSIT);
		assert_eq!(Balances::free_balance(alice()), ENDOWMENT - EXISTENTIAL_DEPOSIT);
		assert_eq!(Balances::total_issuance(), issuance);
		System::assert_has_event(RuntimeEvent::Balances(pallet_balances::Event::Endowed {
			account: fresh,
			free_balance: EXISTENTIAL_DEPOSIT,
		}));
	});
}

#[test]
fn utility_batch_all_is_atomic() {
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let bob = Sr25519Keyring::Bob.to_account_id();
		let fresh: AccountId = [9u8; 32].into();
		let calls = vec![
			RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
				dest: bob.clone().into(),
				value: 5 * EXISTENTIAL_DEPOSIT,
			}),
			RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
				dest: fresh.clone().into(),
				value: 1,
			}),
		];
		let result = crate::Utility::batch_all(RuntimeOrigin::signed(alice()), calls);
		let error = result.expect_err("the second transfer is below the existential deposit").error;
		assert_eq!(error, DispatchError::Token(TokenError::BelowMinimum));
		assert_eq!(Balances::free_balance(&bob), ENDOWMENT);
		assert_eq!(Balances::free_balance(&fresh), 0);
	});
}

#[test]
fn provider_slashes_go_to_the_treasury() {
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let bob = Sr25519Keyring::Bob.to_account_id();
		let treasury = crate::configs::TreasuryAccount::get();
		let bond = crate::Services::parameters().min_provider_bond;
		assert_ok!(crate::Services::register_provider(
			RuntimeOrigin::signed(bob.clone()),
			b"bob's models".to_vec(),
			bond
		));
		assert_eq!(Balances::free_balance(&bob), ENDOWMENT - bond);
		let issuance = Balances::total_issuance();

		assert_noop!(
			crate::Services::slash_provider(RuntimeOrigin::signed(alice()), bob.clone(), 1),
			DispatchError::BadOrigin
		);
		assert_ok!(crate::Services::slash_provider(
			RuntimeOrigin::root(),
			bob.clone(),
			30 * crate::AGR
		));
		assert_eq!(Balances::free_balance(&treasury), EXISTENTIAL_DEPOSIT + 30 * crate::AGR);
		assert_eq!(Balances::total_issuance(), issuance);
		System::assert_has_event(RuntimeEvent::Services(pallet_services::Event::ProviderSlashed {
			provider: bob,
			requested: 30 * crate::AGR,
			slashed: 30 * crate::AGR,
		}));
	});
}

#[test]
fn a_settled_channel_pays_provider_treasury_and_contributors_and_lets_the_consumer_rate() {
	use agora_primitives::{Price, PriceUnit, Receipt, ReceiptSigner};
	use sp_core::Pair;
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let provider = Sr25519Keyring::Bob.to_account_id();
		let consumer = Sr25519Keyring::Charlie.to_account_id();
		let treasury = crate::configs::TreasuryAccount::get();
		let bond = crate::Services::parameters().min_provider_bond;
		assert_ok!(crate::Services::register_provider(
			RuntimeOrigin::signed(provider.clone()),
			b"bob".to_vec(),
			bond
		));
		// Dave curates dataset 0; Eve's contribution to it is accepted.
		let curator = Sr25519Keyring::Dave.to_account_id();
		let contributor = Sr25519Keyring::Eve.to_account_id();
		assert_ok!(crate::Rewards::register_dataset(
			RuntimeOrigin::signed(curator.clone()),
			b"chat-logs".to_vec(),
			vec![],
			Default::default()
		));
		assert_ok!(crate::Rewards::contribute(
			RuntimeOrigin::signed(contributor.clone()),
			0,
			Default::default(),
			100
		));
		assert_ok!(crate::Rewards::review(RuntimeOrigin::signed(curator), 0, true));
		// 0.01 AGR per 1k tokens, 10 % to dataset 0's contributors.
		assert_ok!(crate::Services::list_service(
			RuntimeOrigin::signed(provider.clone()),
			b"llm".to_vec(),
			vec![],
			vec![],
			Default::default(),
			Price { unit: PriceUnit::Token1k, per_unit: 10 * crate::MILLI_AGR },
			sp_runtime::Perbill::from_percent(10),
			Some(0),
		));
		let signer = sp_core::sr25519::Pair::from_string("//CharlieApp", None).unwrap();
		let deposit = 10 * crate::AGR;
		assert_ok!(crate::Metering::open_channel(
			RuntimeOrigin::signed(consumer.clone()),
			0,
			deposit,
			crate::DAYS,
			ReceiptSigner::Sr25519(signer.public()),
			Price { unit: PriceUnit::Token1k, per_unit: 10 * crate::MILLI_AGR },
		));
		let receipt =
			Receipt { genesis_hash: System::block_hash(0), channel_id: 0, cumulative_units: 500 };
		let signature = sp_runtime::MultiSignature::Sr25519(signer.sign(&receipt.payload()));
		let provider_before = Balances::free_balance(&provider);
		let issuance = Balances::total_issuance();
		assert_ok!(crate::Metering::claim(
			RuntimeOrigin::signed(provider.clone()),
			receipt,
			signature,
			true
		));

		// 500 × 0.01 AGR = 5 AGR: 2 % fee 0.1, 10 % share 0.5, provider 4.4.
		let amount = 5 * crate::AGR;
		assert_eq!(Balances::free_balance(&provider), provider_before + amount * 88 / 100);
		assert_eq!(Balances::free_balance(&treasury), EXISTENTIAL_DEPOSIT + amount * 2 / 100);
		assert_eq!(Balances::free_balance(&consumer), ENDOWMENT - amount);
		assert_eq!(Balances::total_issuance(), issuance);
		// The contributor, sole shareholder of the dataset, claims its 10 %.
		assert_ok!(crate::Rewards::claim_rewards(RuntimeOrigin::signed(contributor.clone()), 0));
		assert_eq!(Balances::free_balance(&contributor), ENDOWMENT + amount / 10);

		// Having paid more than MinSpendToRate, the consumer may rate the service.
		assert_ok!(crate::Services::rate_service(RuntimeOrigin::signed(consumer.clone()), 0, 5));
		assert_noop!(
			crate::Services::rate_service(RuntimeOrigin::signed(alice()), 0, 5),
			pallet_services::Error::<Runtime>::InsufficientPaidUsage
		);
	});
}

#[test]
fn presets_set_the_governance_parameters() {
	use crate::{configs, genesis_config_presets::development_parameters, Governance};
	let defaults = || {
		assert_eq!(crate::Services::parameters(), configs::service_parameters());
		assert_eq!(crate::Metering::parameters(), configs::metering_parameters());
		assert_eq!(crate::Rewards::parameters(), configs::reward_parameters());
	};
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let parameters = Governance::parameters();
		assert_eq!(parameters, development_parameters());
		// Proposal → vote → enactment within two minutes of 6-second blocks.
		assert!((parameters.voting_period + 1 + parameters.enactment_delay) * 6 < 120);
		defaults();
	});
	genesis(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(Governance::parameters(), development_parameters());
		defaults();
	});
	// A chain with no parameters in its genesis (a production chain spec) gets the defaults.
	sp_io::TestExternalities::default().execute_with(|| {
		assert_eq!(Governance::parameters(), configs::governance_parameters());
		assert_eq!(Governance::parameters().voting_period, 7 * crate::DAYS);
		defaults();
	});
}

/// A proposal changes any pallet's parameters, through that pallet's own call, and the
/// pallet acts on them at once; a signed account changes none.
#[test]
fn governance_changes_what_the_other_pallets_read() {
	use crate::{Governance, Metering, Rewards, Services};
	use sp_runtime::{traits::Dispatchable, Perbill};
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(Metering::parameters().protocol_fee, Perbill::from_percent(2));
		let metering = pallet_metering::ParameterChange::ProtocolFee(Perbill::from_percent(5));
		let services = pallet_services::ParameterChange::MinProviderBond(7 * crate::AGR);
		let rewards = pallet_rewards::ParameterChange::DatasetDeposit(3 * crate::AGR);
		assert_noop!(
			Metering::set_parameters(
				RuntimeOrigin::signed(alice()),
				vec![metering.clone()].try_into().unwrap()
			),
			DispatchError::BadOrigin
		);
		let calls = vec![
			RuntimeCall::Metering(pallet_metering::Call::set_parameters {
				changes: vec![metering].try_into().unwrap(),
			}),
			RuntimeCall::Services(pallet_services::Call::set_parameters {
				changes: vec![services].try_into().unwrap(),
			}),
			RuntimeCall::Rewards(pallet_rewards::Call::set_parameters {
				changes: vec![rewards].try_into().unwrap(),
			}),
		];
		// What an enacted proposal does: dispatch its call with Root origin.
		for call in calls {
			assert_ok!(call.dispatch(RuntimeOrigin::root()));
		}
		assert_eq!(Metering::parameters().protocol_fee, Perbill::from_percent(5));
		assert_eq!(Services::parameters().min_provider_bond, 7 * crate::AGR);
		assert_eq!(Rewards::parameters().dataset_deposit, 3 * crate::AGR);
		assert_eq!(
			Governance::parameters(),
			crate::genesis_config_presets::development_parameters()
		);
		// The new bond is what registering takes now.
		assert_noop!(
			Services::register_provider(
				RuntimeOrigin::signed(alice()),
				b"p".to_vec(),
				7 * crate::AGR - 1
			),
			pallet_services::Error::<Runtime>::BondBelowMinimum
		);
	});
}

/// A chain of the runtime before the split (pallet-governance at version 1) keeps every
/// parameter value across the upgrade: each lands in the pallet that owns it.
#[test]
fn the_parameters_move_to_their_pallets_on_upgrade() {
	use crate::migrations::{split_parameters::ParametersV1, SplitParameters};
	use frame_support::{
		storage::unhashed,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	};
	use sp_runtime::Perbill;
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let old = ParametersV1 {
			protocol_fee: Perbill::from_percent(3),
			min_channel_deposit: 2,
			min_provider_bond: 300,
			service_deposit: 4,
			min_spend_to_rate: 5,
			unbonding_period: 1_000,
			dataset_deposit: 6,
			contribution_deposit: 7,
			submission_deposit: 8,
			proposal_deposit: 9,
			voting_period: 11,
			enactment_delay: 3,
			vote_locking_period: 12,
			min_turnout: Perbill::from_percent(11),
			approval_threshold: Perbill::from_percent(60),
		};
		unhashed::put(&pallet_governance::Parameters::<Runtime>::hashed_key(), &old);
		StorageVersion::new(1).put::<crate::Governance>();
		SplitParameters::on_runtime_upgrade();
		assert_eq!(crate::Governance::on_chain_storage_version(), 2);
		assert_eq!(
			crate::Services::parameters(),
			pallet_services::ServiceParameters {
				min_provider_bond: 300,
				service_deposit: 4,
				min_spend_to_rate: 5,
				unbonding_period: 1_000,
			}
		);
		assert_eq!(
			crate::Metering::parameters(),
			pallet_metering::MeteringParameters {
				protocol_fee: Perbill::from_percent(3),
				min_channel_deposit: 2,
			}
		);
		assert_eq!(
			crate::Rewards::parameters(),
			pallet_rewards::RewardParameters {
				dataset_deposit: 6,
				contribution_deposit: 7,
				submission_deposit: 8,
			}
		);
		assert_eq!(
			crate::Governance::parameters(),
			pallet_governance::GovernanceParameters {
				proposal_deposit: 9,
				voting_period: 11,
				enactment_delay: 3,
				vote_locking_period: 12,
				min_turnout: Perbill::from_percent(11),
				approval_threshold: Perbill::from_percent(60),
			}
		);
		// At version 2 it does nothing, however the storage looks.
		unhashed::put(&pallet_governance::Parameters::<Runtime>::hashed_key(), &old);
		SplitParameters::on_runtime_upgrade();
		assert_eq!(crate::Services::parameters().min_provider_bond, 300);
		assert_eq!(
			unhashed::get::<ParametersV1>(&pallet_governance::Parameters::<Runtime>::hashed_key()),
			Some(old)
		);
	});
}

/// A chain started from genesis is at every pallet's current storage version, so the
/// runtime's migrations find nothing to do (they only read the version).
#[test]
fn migrations_leave_a_fresh_chain_alone() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade};
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let versions = || {
			[
				crate::Governance::on_chain_storage_version(),
				crate::Metering::on_chain_storage_version(),
				crate::Services::on_chain_storage_version(),
				crate::Rewards::on_chain_storage_version(),
			]
		};
		let current = [
			crate::Governance::in_code_storage_version(),
			crate::Metering::in_code_storage_version(),
			crate::Services::in_code_storage_version(),
			crate::Rewards::in_code_storage_version(),
		];
		assert_eq!(current, [2, 2, 1, 1]);
		assert_eq!(versions(), current);
		let weight = <crate::Migrations as OnRuntimeUpgrade>::on_runtime_upgrade();
		// One version read per migration.
		assert_eq!(weight, ParityDbWeight::get().reads(7));
		assert_eq!(versions(), current);
	});
}

/// A chain of `spec_version` 101 (metering at storage version 1, services and rewards at
/// 0: no index) with channels, services, a dataset and a pending submission gets every
/// index from the upgrade, and each pallet's `try_state` holds.
#[test]
fn the_upgrade_builds_the_rpc_indexes_of_an_existing_chain() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	use support::{listed_service, open_channel, signed};
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		use crate::AGR;
		let [bob, charlie, dave] =
			[Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
				.map(|keyring| keyring.to_account_id());
		let service = listed_service(&charlie);
		assert_ok!(crate::Services::update_service(
			signed(&charlie),
			service,
			None,
			Some(vec![b"llm".to_vec()]),
			None,
			None
		));
		let channel = open_channel(&bob, service, 10 * AGR).unwrap();
		assert_ok!(crate::Rewards::register_dataset(
			signed(&dave),
			b"speech".to_vec(),
			vec![],
			Default::default()
		));
		let campaign = pallet_rewards::NextCampaignId::<Runtime>::get();
		assert_ok!(crate::Rewards::create_campaign(
			signed(&dave),
			agora_primitives::CampaignKind::Labeling,
			100 * AGR,
			AGR,
			100,
			vec![alice(), charlie.clone()],
			2,
			vec![]
		));
		let submission = pallet_rewards::NextSubmissionId::<Runtime>::get();
		assert_ok!(crate::Rewards::submit_work(signed(&bob), campaign, Default::default(), 1));
		// What version 101 stored: no index.
		let _ = pallet_metering::ChannelsByPayee::<Runtime>::clear(u32::MAX, None);
		let _ = pallet_services::ServicesByTag::<Runtime>::clear(u32::MAX, None);
		let _ = pallet_rewards::DatasetsByCurator::<Runtime>::clear(u32::MAX, None);
		let _ = pallet_rewards::SubmissionsOf::<Runtime>::clear(u32::MAX, None);
		StorageVersion::new(1).put::<crate::Metering>();
		StorageVersion::new(0).put::<crate::Services>();
		StorageVersion::new(0).put::<crate::Rewards>();
		assert!(crate::Metering::do_try_state().is_err());

		<crate::Migrations as OnRuntimeUpgrade>::on_runtime_upgrade();
		assert_eq!(crate::Metering::on_chain_storage_version(), 2);
		assert_eq!(crate::Services::on_chain_storage_version(), 1);
		assert_eq!(crate::Rewards::on_chain_storage_version(), 1);
		assert!(pallet_metering::ChannelsByPayee::<Runtime>::contains_key(&charlie, channel));
		let llm: pallet_services::TagOf<Runtime> = b"llm".to_vec().try_into().unwrap();
		assert!(pallet_services::ServicesByTag::<Runtime>::contains_key(llm, service));
		assert!(pallet_rewards::DatasetsByCurator::<Runtime>::contains_key(&dave, 0));
		let pending = (campaign, submission);
		assert!(pallet_rewards::SubmissionsOf::<Runtime>::contains_key(&bob, pending));
		assert_ok!(crate::Metering::do_try_state());
		assert_ok!(crate::Services::do_try_state());
		assert_ok!(crate::Rewards::do_try_state());
	});
}

/// A chain whose votes were frozen (governance storage version 0): Bob froze 900,000 AGR
/// while 600,000 of his 1,000,000 sat in a channel deposit. The upgrade removes the
/// freeze, caps his vote at what he has free and holds that, fixes the tally, and counts
/// the live proposals of each proposer.
#[test]
fn the_upgrade_turns_frozen_votes_into_held_votes_backed_by_free_funds() {
	use agora_primitives::{Conviction, Tally, Vote};
	use frame_support::{
		storage::unhashed,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	};
	use support::{listed_service, open_channel, propose, vote_held};
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		use crate::{Governance, AGR};
		let bob = Sr25519Keyring::Bob.to_account_id();
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		let service = listed_service(&charlie);
		open_channel(&bob, service, 600_000 * AGR).unwrap();
		let proposal =
			propose(&alice(), RuntimeCall::System(frame_system::Call::remark { remark: vec![] }));
		// Version 0's records: the vote, its tally, its freeze; no per-account count.
		let voted = 900_000 * AGR;
		let vote = Vote { aye: true, balance: voted, conviction: Conviction::Locked6x };
		pallet_governance::Votes::<Runtime>::insert(proposal, &bob, vote);
		pallet_governance::VotingOf::<Runtime>::mutate(&bob, |voting| {
			voting.votes.try_push((proposal, voted)).unwrap()
		});
		pallet_governance::Proposals::<Runtime>::mutate(proposal, |p| {
			p.as_mut().unwrap().tally.add(&vote).unwrap()
		});
		pallet_governance::LiveProposalsOf::<Runtime>::remove(alice());
		// `IdAmount { id: Governance(Vote), amount }`, as version 0 stored it.
		let freeze_key = pallet_balances::Freezes::<Runtime>::hashed_key_for(&bob);
		let mut freeze = vec![4u8, 13, 0];
		freeze.extend_from_slice(&voted.to_le_bytes());
		unhashed::put_raw(&freeze_key, &freeze);
		frame_system::Account::<Runtime>::mutate(&bob, |a| a.data.frozen = voted);
		StorageVersion::new(0).put::<Governance>();
		let issuance = Balances::total_issuance();

		<crate::Migrations as OnRuntimeUpgrade>::on_runtime_upgrade();

		assert!(unhashed::get_raw(&freeze_key).is_none());
		assert_eq!(frame_system::Account::<Runtime>::get(&bob).data.frozen, 0);
		let free = 400_000 * AGR - EXISTENTIAL_DEPOSIT;
		assert_eq!(vote_held(&bob), free);
		assert_eq!(pallet_governance::Votes::<Runtime>::get(proposal, &bob).unwrap().balance, free);
		assert_eq!(
			pallet_governance::Proposals::<Runtime>::get(proposal).unwrap().tally,
			Tally { ayes: 6 * free, nays: 0, turnout: free }
		);
		assert_eq!(pallet_governance::LiveProposalsOf::<Runtime>::get(alice()), 1);
		// Then on to version 2 (this chain's parameters are already split).
		assert_eq!(Governance::on_chain_storage_version(), 2);
		assert_eq!(Balances::total_issuance(), issuance);
		support::check_invariants();
	});
}
