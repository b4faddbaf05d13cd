//! Runs the subcommand (or the node) the command line asks for.

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};
use agora_runtime::opaque::Block;
use sc_cli::SubstrateCli;
use sc_network::config::NetworkBackendType;
use sc_service::PartialComponents;

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"Agora Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://github.com/agora-chain/agora/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	/// `dev` and `local` are the runtime's development presets (and `local` the default
	/// of commands given no `--chain`); anything else is a chain spec file, refused if it
	/// is `Live` with a sudo key or a development key in its genesis.
	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		Ok(match id {
			"dev" => Box::new(chain_spec::development_chain_spec()?),
			"" | "local" => Box::new(chain_spec::local_testnet_chain_spec()?),
			path => {
				let spec = chain_spec::ChainSpec::from_json_file(std::path::PathBuf::from(path))
					.map_err(|e| format!("cannot load chain spec {path:?}: {e}"))?;
				chain_spec::check_live_genesis(&spec)?;
				Box::new(spec)
			},
		})
	}
}

/// Refuses to run a validator on the development chain `local` only because no chain
/// was named: an operator who forgot `--chain` would otherwise author blocks of a chain
/// whose keys are public. `--chain local`, `--chain dev` or `--dev` say it explicitly.
fn ensure_validator_names_its_chain(run: &sc_cli::RunCmd) -> sc_cli::Result<()> {
	let validates = run.validator || run.get_keyring().is_some();
	if validates && run.shared_params.chain.is_none() && !run.shared_params.dev {
		return Err(sc_cli::Error::Input(
			"a validator must name its chain: --chain <chain-spec.json> for a real network, \
			 or --chain local / --chain dev / --dev to validate a development chain"
				.into(),
		));
	}
	Ok(())
}

/// `agora-node new-chain-spec`: the network file's chain spec, written as JSON.
fn new_chain_spec(cmd: &crate::cli::NewChainSpecCmd) -> sc_cli::Result<()> {
	let file = std::fs::read(&cmd.network).map_err(|e| {
		sc_cli::Error::Input(format!("cannot read network file {:?}: {e}", cmd.network))
	})?;
	let network: chain_spec::NetworkFile = serde_json::from_slice(&file)
		.map_err(|e| sc_cli::Error::Input(format!("network file {:?}: {e}", cmd.network)))?;
	let spec = chain_spec::network_chain_spec(&network).map_err(sc_cli::Error::Input)?;
	let json = sc_service::ChainSpec::as_json(&spec, cmd.raw).map_err(sc_cli::Error::Input)?;
	match &cmd.output {
		Some(path) => std::fs::write(path, json)?,
		None => println!("{json}"),
	}
	Ok(())
}

/// Parses the command line and runs what it asks for.
pub fn run() -> sc_cli::Result<()> {
	// Agora's SS58 prefix is not in the SS58 registry, so the standard RPC methods
	// (`system_accountNextIndex`, …) and the `key` commands would refuse or not print the
	// chain's own addresses unless it is the process's default format.
	sp_core::crypto::set_default_ss58_version(sp_core::crypto::Ss58AddressFormat::custom(
		agora_primitives::token::SS58_PREFIX,
	));
	let cli = Cli::from_args();

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let chain_spec = cli.load_spec(&cmd.chain)?;
			cmd.run(chain_spec)
		},
		Some(Subcommand::NewChainSpec(cmd)) => new_chain_spec(cmd),
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		},
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		},
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		},
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		},
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config)?;
				// GRANDPA's authority-set records must be reverted with the blocks.
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		},
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		},
		#[cfg(feature = "runtime-benchmarks")]
		Some(Subcommand::Benchmark(cmd)) => crate::benchmarking::run(&cli, cmd),
		None => {
			ensure_validator_names_its_chain(&cli.run)?;
			let runner = cli.create_runner(&cli.run)?;
			runner.run_node_until_exit(|config| async move {
				match config.network.network_backend {
					NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<
							Block,
							<Block as sp_runtime::traits::Block>::Hash,
						>,
					>(config)
					.map_err(sc_cli::Error::Service),
					NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(config)
							.map_err(sc_cli::Error::Service)
					},
				}
			})
		},
	}
}
