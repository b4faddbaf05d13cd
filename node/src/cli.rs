//! The command line of `agora-node`.

use sc_cli::RunCmd;

/// `agora-node [SUBCOMMAND] [OPTIONS]`: without a subcommand, runs the node.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: RunCmd,
}

#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys (e.g. session keys).
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Export a chain specification (`--chain dev|local|<file>`) as JSON, plain or `--raw`.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Make a real network's chain specification from its founders' network file:
	/// the runtime's `production` preset (no sudo key) with their validators, session
	/// keys and balances. See docs/operators.md.
	NewChainSpec(NewChainSpecCmd),

	/// Build a chain specification (legacy; prefer `export-chain-spec`).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain database.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Show the database's meta columns (best, finalized, genesis blocks).
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Benchmark the runtime's pallets, storage, blocks and this machine.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}

/// `agora-node new-chain-spec --network <file> [--raw] [--output <file>]`.
#[derive(Debug, clap::Args)]
pub struct NewChainSpecCmd {
	/// The founders' network file (JSON): name, id, boot nodes, validators with their
	/// session keys, balances (docs/operators.md describes every field).
	#[arg(long, value_name = "FILE")]
	pub network: std::path::PathBuf,

	/// Write the raw chain spec (genesis as storage), the form every node of the network
	/// must start from: its genesis hash no longer depends on the runtime's presets.
	#[arg(long)]
	pub raw: bool,

	/// Where to write the chain spec (default: standard output).
	#[arg(long, value_name = "FILE")]
	pub output: Option<std::path::PathBuf>,
}
