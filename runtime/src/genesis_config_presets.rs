//! Genesis states the runtime can build by name (`sp-genesis-builder` presets).
//!
//! Genesis lives in the runtime, not in the node: `agora-node --dev` and
//! `agora-node export-chain-spec --chain local` ask the runtime for these presets, and
//! `agora-node new-chain-spec` starts a real network's genesis from [`PRODUCTION_PRESET`].

use crate::{
	configs::{governance_parameters, TreasuryAccount},
	AccountId, Balance, BalancesConfig, BlockNumber, GovernanceConfig, RuntimeGenesisConfig,
	SessionConfig, SessionKeys, SudoConfig, ValidatorsConfig, AGR, EXISTENTIAL_DEPOSIT,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use pallet_governance::GovernanceParameters;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// The preset a real network's genesis starts from: no sudo key, no account but the
/// treasury, no validator, every pallet's production parameters and hour-long sessions.
/// Its founders add their validators, session keys and balances
/// (`agora-node new-chain-spec`, docs/operators.md).
pub const PRODUCTION_PRESET: &str = "production";

/// What each endowed development account starts with.
pub const ENDOWMENT: Balance = 1_000_000 * AGR;

/// The session length of both test presets: one minute, so that a validator set change
/// made by governance authors within two minutes.
pub const TEST_SESSION_LENGTH: BlockNumber = 10;

/// The governance parameters of both test presets: a proposal is voted on for 10 blocks
/// (one minute) and enacted 2 blocks after, so proposal → vote → enactment takes under two
/// minutes; conviction locks last multiples of 10 blocks. The other pallets keep their
/// defaults.
pub fn development_parameters() -> GovernanceParameters<Balance, BlockNumber> {
	GovernanceParameters {
		voting_period: 10,
		enactment_delay: 2,
		vote_locking_period: 10,
		..governance_parameters()
	}
}

/// The genesis patch shared by both presets. Each validator's account is its validator
/// id; its Aura and GRANDPA keys are its session keys, which pallet-session hands to Aura
/// and GRANDPA at genesis.
fn testnet_genesis(
	initial_validators: Vec<(AccountId, AuraId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
	parameters: GovernanceParameters<Balance, BlockNumber>,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.into_iter()
				.map(|who| (who, ENDOWMENT))
				// The treasury exists from genesis, so slashes and fees paid to it are
				// never dropped for being below the existential deposit.
				.chain(core::iter::once((TreasuryAccount::get(), EXISTENTIAL_DEPOSIT)))
				.collect::<Vec<_>>(),
		},
		validators: ValidatorsConfig {
			validators: initial_validators
				.iter()
				.map(|(who, _, _)| who.clone())
				.collect::<Vec<_>>(),
			session_length: Some(TEST_SESSION_LENGTH),
		},
		session: SessionConfig {
			keys: initial_validators
				.into_iter()
				.map(|(who, aura, grandpa)| (who.clone(), who, SessionKeys { aura, grandpa }))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		governance: GovernanceConfig { parameters: Some(parameters) },
	})
}

/// A well-known development validator: its account and Aura (sr25519) keys from the
/// same seed, its GRANDPA (ed25519) key.
fn authority_keys(
	(aura, grandpa): (Sr25519Keyring, Ed25519Keyring),
) -> (AccountId, AuraId, GrandpaId) {
	(aura.to_account_id(), aura.public().into(), grandpa.public().into())
}

/// The well-known development accounts (Alice … Ferdie and their stashes).
fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

/// `development`: Alice alone authors and finalizes, and holds the sudo key.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority_keys((Sr25519Keyring::Alice, Ed25519Keyring::Alice))],
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		development_parameters(),
	)
}

/// `local_testnet`: Alice, Bob, Charlie and Dave validate; Alice holds the sudo key;
/// governance and sessions run on the short periods of the development chain, so that
/// multi-node tests can change the validator set through governance.
pub fn local_testnet_config_genesis() -> Value {
	testnet_genesis(
		[
			(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		]
		.into_iter()
		.map(authority_keys)
		.collect(),
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		development_parameters(),
	)
}

/// `production`: only the treasury exists (endowed with the existential deposit, so that
/// fees and issuance paid to it are never dropped); everything else is the runtime's
/// defaults, and `pallet-sudo` has no key.
pub fn production_config_genesis() -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: vec![(TreasuryAccount::get(), EXISTENTIAL_DEPOSIT)] },
	})
}

/// The JSON patch of the preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_RUNTIME_PRESET => development_config_genesis(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_config_genesis(),
		PRODUCTION_PRESET => production_config_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// The names of the presets this runtime builds.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(DEV_RUNTIME_PRESET),
		PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(PRODUCTION_PRESET),
	]
}
