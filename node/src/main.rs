//! `agora-node`: the Agora validator and RPC node.

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;

/// Runs the command line; an error is printed as its message (not its debug form, which
/// would quote and escape it) and exits with status 1.
fn main() {
	if let Err(error) = command::run() {
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
