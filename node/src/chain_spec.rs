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
