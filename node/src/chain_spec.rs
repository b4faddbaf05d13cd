//! The chain specifications `agora-node` knows by name. Their genesis state comes from
//! the runtime's presets (`agora_runtime::genesis_config_presets`).

use agora_primitives::token;
use agora_runtime::WASM_BINARY;
use sc_service::{ChainType, Properties};

/// Agora's chain specification: the generic one, genesis built by the runtime.
pub type ChainSpec = sc_service::GenericChainSpec;

/// What wallets show for the token and addresses (`system_properties` over RPC).
fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), token::SYMBOL.into());
	properties.insert("tokenDecimals".into(), token::DECIMALS.into());
	properties.insert("ss58Format".into(), token::SS58_PREFIX.into());
	properties
}

fn chain_spec(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
) -> Result<ChainSpec, String> {
	let wasm = WASM_BINARY.ok_or_else(|| {
		"the WASM runtime was not built (SKIP_WASM_BUILD was set?): rebuild without it".to_string()
	})?;
	Ok(ChainSpec::builder(wasm, None)
		.with_name(name)
		.with_id(id)
		.with_protocol_id("agora")
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// `--chain dev` (and `--dev`): Alice alone validates.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	chain_spec(
		"Agora Development",
		"agora_dev",
		ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
	)
}

/// `--chain local`: Alice, Bob, Charlie and Dave validate.
pub fn local_testnet_chain_spec() -> Result<ChainSpec, String> {
	chain_spec(
		"Agora Local Testnet",
		"agora_local_testnet",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}

/// A real network's founders' choices, the file `agora-node new-chain-spec --network`
/// reads (docs/operators.md). Keys and addresses are SS58 (any prefix) or 0x-prefixed
/// hex; amounts are in planck (10⁻¹² AGR), as a string or a number.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkFile {
	/// The network's name, shown by wallets and telemetry.
	pub name: String,
	/// The chain's id: its database directory name under `--base-path`.
	pub id: String,
	/// The libp2p protocol id that keeps other networks' nodes apart.
	#[serde(default = "default_protocol_id")]
	pub protocol_id: String,
	/// Addresses of nodes new nodes connect to first (`/dns/…/tcp/30333/p2p/12D3…`).
	#[serde(default)]
	pub boot_nodes: Vec<String>,
	/// Telemetry servers and verbosity (`[["wss://…/submit/", 0]]`).
	#[serde(default)]
	pub telemetry_endpoints: Vec<(String, u8)>,
	/// The first validators: each an account and the session keys it will author with.
	pub validators: Vec<ValidatorKeys>,
	/// Accounts endowed at genesis and their balances.
	#[serde(default)]
	pub balances: Vec<(String, serde_json::Value)>,
	/// A runtime genesis patch merged last (e.g. other governance parameters), in the
	/// runtime's own JSON form.
	#[serde(default)]
	pub genesis: Option<serde_json::Value>,
}

/// One initial validator.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidatorKeys {
	/// Its account: the validator id, paid its rewards.
	pub account: String,
	/// Its Aura key (sr25519), which authors blocks.
	pub aura: String,
	/// Its GRANDPA key (ed25519), which votes on finality.
	pub grandpa: String,
}

fn default_protocol_id() -> String {
	"agora".into()
}

/// The 32 bytes of the key or account `text` (SS58 with any prefix, or 0x hex).
fn public_bytes(what: &str, text: &str) -> Result<[u8; 32], String> {
	use sp_core::crypto::{AccountId32, Ss58Codec};
	let bytes = match text.strip_prefix("0x") {
		Some(hex) => sp_core::bytes::from_hex(hex)
			.map_err(|e| format!("{what}: {text:?} is not valid hex ({e})"))?,
		None => {
			let (account, _format) =
				AccountId32::from_ss58check_with_version(text).map_err(|e| {
					format!("{what}: {text:?} is not an SS58 address or 0x hex key ({e})")
				})?;
			<AccountId32 as AsRef<[u8]>>::as_ref(&account).to_vec()
		},
	};
	bytes
		.try_into()
		.map_err(|bytes: Vec<u8>| format!("{what}: {text:?} is {} bytes, not 32", bytes.len()))
}

/// `bytes` in the generic SS58 format (42), which the runtime's genesis builder reads:
/// Agora's own prefix (4242) is not in the SS58 registry, so the runtime refuses it.
fn genesis_address(bytes: [u8; 32]) -> String {
	use sp_core::crypto::{AccountId32, Ss58AddressFormat, Ss58Codec};
	AccountId32::from(bytes).to_ss58check_with_version(Ss58AddressFormat::custom(42))
}

/// A balance in planck, from a JSON string or number.
fn planck(who: &str, amount: &serde_json::Value) -> Result<u128, String> {
	let text = match amount {
		serde_json::Value::String(text) => text.clone(),
		serde_json::Value::Number(number) => number.to_string(),
		other => return Err(format!("balance of {who}: {other} is not an amount")),
	};
	text.parse::<u128>()
		.map_err(|_| format!("balance of {who}: {text:?} is not a whole number of planck"))
}

/// The runtime genesis patch for `network`: the `production` preset, then its
/// validators, their session keys and the balances (the treasury added, endowed with the
/// existential deposit, if the founders did not list it), then its own `genesis` patch.
fn network_genesis(network: &NetworkFile) -> Result<serde_json::Value, String> {
	use agora_runtime::genesis_config_presets::{get_preset, PRODUCTION_PRESET};
	use serde_json::json;
	if network.validators.is_empty() {
		return Err("the network file lists no validator: a chain needs at least one".into());
	}
	let mut validators = Vec::new();
	let mut session_keys = Vec::new();
	for (i, keys) in network.validators.iter().enumerate() {
		let account =
			genesis_address(public_bytes(&format!("validators[{i}].account"), &keys.account)?);
		if validators.contains(&account) {
			return Err(format!("validators[{i}]: {} is listed twice", keys.account));
		}
		let aura = genesis_address(public_bytes(&format!("validators[{i}].aura"), &keys.aura)?);
		let grandpa =
			genesis_address(public_bytes(&format!("validators[{i}].grandpa"), &keys.grandpa)?);
		session_keys.push(json!([account, account, { "aura": aura, "grandpa": grandpa }]));
		validators.push(account);
	}
	let treasury = genesis_address(agora_runtime::configs::TreasuryAccount::get().into());
	let mut balances = Vec::new();
	let mut endowed = Vec::new();
	for (who, amount) in &network.balances {
		let account = genesis_address(public_bytes(&format!("balance of {who}"), who)?);
		if endowed.contains(&account) {
			return Err(format!("balances: {who} is listed twice"));
		}
		let amount = planck(who, amount)?;
		if amount < agora_runtime::EXISTENTIAL_DEPOSIT {
			return Err(format!(
				"balance of {who}: {amount} planck is below the existential deposit ({} planck): \
				 the account could not exist",
				agora_runtime::EXISTENTIAL_DEPOSIT
			));
		}
		balances.push(json!([account, amount]));
		endowed.push(account);
	}
	if !endowed.contains(&treasury) {
		balances.push(json!([treasury, agora_runtime::EXISTENTIAL_DEPOSIT]));
	}
	let preset =
		get_preset(&PRODUCTION_PRESET.into()).ok_or("the runtime has no production preset")?;
	let mut patch: serde_json::Value = serde_json::from_slice(&preset)
		.map_err(|e| format!("the runtime's production preset is not JSON: {e}"))?;
	sc_chain_spec::json_merge(
		&mut patch,
		json!({
			"balances": { "balances": balances },
			"validators": { "validators": validators },
			"session": { "keys": session_keys },
		}),
	);
	if let Some(genesis) = &network.genesis {
		sc_chain_spec::json_merge(&mut patch, genesis.clone());
	}
	Ok(patch)
}

/// The `Live` chain spec of the network `network` describes, checked by
/// [`check_live_genesis`] before it is returned.
pub fn network_chain_spec(network: &NetworkFile) -> Result<ChainSpec, String> {
	let wasm = WASM_BINARY.ok_or_else(|| {
		"the WASM runtime was not built (SKIP_WASM_BUILD was set?): rebuild without it".to_string()
	})?;
	let boot_nodes = network
		.boot_nodes
		.iter()
		.map(|address| {
			address.parse().map_err(|e| {
				format!("bootNodes: {address:?} is not a multiaddress with a peer id ({e})")
			})
		})
		.collect::<Result<Vec<sc_network::config::MultiaddrWithPeerId>, String>>()?;
	let mut builder = ChainSpec::builder(wasm, None)
		.with_name(&network.name)
		.with_id(&network.id)
		.with_protocol_id(&network.protocol_id)
		.with_chain_type(ChainType::Live)
		.with_genesis_config_patch(network_genesis(network)?)
		.with_properties(properties())
		.with_boot_nodes(boot_nodes);
	if !network.telemetry_endpoints.is_empty() {
		let endpoints = sc_telemetry::TelemetryEndpoints::new(network.telemetry_endpoints.clone())
			.map_err(|e| format!("telemetryEndpoints: {e}"))?;
		builder = builder.with_telemetry_endpoints(endpoints);
	}
	let spec = builder.build();
	check_live_genesis(&spec)?;
	Ok(spec)
}

/// Refuses a `Live` chain spec whose genesis gives a sudo key or names a well-known
/// development key (Alice … Ferdie, their stashes, their GRANDPA keys) anywhere: a real
/// network run with keys whose secret is public belongs to whoever reads the docs.
/// Specs of any other chain type pass unchecked.
pub fn check_live_genesis(spec: &dyn sc_service::ChainSpec) -> Result<(), String> {
	use sp_core::crypto::ByteArray;
	use sp_io::hashing::twox_128;
	use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
	if spec.chain_type() != ChainType::Live {
		return Ok(());
	}
	let refuse = |why: String| {
		Err(format!(
			"chain spec {:?} is Live, but {why}. A live network must start from its \
			 operators' own keys and no sudo key (agora-node new-chain-spec, \
			 docs/operators.md); for a test network, set \"chainType\" to \"Local\".",
			spec.id()
		))
	};
	let storage = spec
		.as_storage_builder()
		.build_storage()
		.map_err(|e| format!("chain spec {:?}: its genesis does not build: {e}", spec.id()))?;
	let sudo_key = [twox_128(b"Sudo"), twox_128(b"Key")].concat();
	if storage.top.contains_key(&sudo_key) {
		return refuse("its genesis sets a sudo key".into());
	}
	let dev_keys: Vec<(String, Vec<u8>)> = Sr25519Keyring::iter()
		.map(|k| (format!("{k:?} (sr25519)"), k.public().to_raw_vec()))
		.chain(
			Ed25519Keyring::iter().map(|k| (format!("{k:?} (ed25519)"), k.public().to_raw_vec())),
		)
		.collect();
	for (key, value) in &storage.top {
		if key.as_slice() == sp_core::storage::well_known_keys::CODE {
			continue;
		}
		for (name, public) in &dev_keys {
			let names = |bytes: &[u8]| bytes.windows(public.len()).any(|w| w == public.as_slice());
			if names(key) || names(value) {
				return refuse(format!(
					"its genesis names the development key of {name} (storage key 0x{})",
					sp_core::hexdisplay::HexDisplay::from(&key.as_slice())
				));
			}
		}
	}
	Ok(())
}
