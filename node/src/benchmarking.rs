//! `agora-node benchmark …` (built with `--features runtime-benchmarks`): pallet weights,
//! storage and block costs, per-extrinsic overhead and this machine's hardware.

use std::{sync::Arc, time::Duration};

use agora_runtime::{self as runtime, opaque::Block, AccountId, Balance, BalancesCall, SystemCall};
use agora_tx::{ChainMetadata, SigningContext};
use codec::Encode;
use frame_benchmarking_cli::{BenchmarkCmd, ExtrinsicFactory, SUBSTRATE_REFERENCE_HARDWARE};
use sc_cli::SubstrateCli;
use sc_client_api::BlockBackend;
use sc_service::PartialComponents;
use sp_api::{Core, Metadata, ProvideRuntimeApi};
use sp_inherents::{InherentData, InherentDataProvider};
use sp_keyring::Sr25519Keyring;
use sp_runtime::OpaqueExtrinsic;

use crate::{cli::Cli, service, service::FullClient};

/// Runs one `benchmark` subcommand.
pub fn run(cli: &Cli, cmd: &BenchmarkCmd) -> sc_cli::Result<()> {
	let runner = cli.create_runner(cmd)?;
	runner.sync_run(|config| match cmd {
		BenchmarkCmd::Pallet(cmd) => {
			cmd.run_with_spec::<sp_runtime::traits::HashingFor<Block>, ()>(Some(config.chain_spec))
		},
		BenchmarkCmd::Block(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			cmd.run(client)
		},
		BenchmarkCmd::Storage(cmd) => {
			let PartialComponents { client, backend, .. } = service::new_partial(&config)?;
			let db = backend.expose_db();
			let storage = backend.expose_storage();
			let shared_trie_cache = backend.expose_shared_trie_cache();
			cmd.run(config, client, db, storage, shared_trie_cache)
		},
		BenchmarkCmd::Overhead(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			let remark = RemarkBuilder { signer: Arc::new(BobSigns::at_best(&client)?) };
			cmd.run(
				config.chain_spec.name().into(),
				client,
				inherent_benchmark_data()?,
				Vec::new(),
				&remark,
				false,
			)
		},
		BenchmarkCmd::Extrinsic(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			let signer = Arc::new(BobSigns::at_best(&client)?);
			let factory = ExtrinsicFactory(vec![
				Box::new(RemarkBuilder { signer: signer.clone() }),
				Box::new(TransferKeepAliveBuilder {
					signer,
					dest: Sr25519Keyring::Alice.to_account_id(),
					value: runtime::EXISTENTIAL_DEPOSIT,
				}),
			]);
			cmd.run(client, inherent_benchmark_data()?, Vec::new(), &factory)
		},
		BenchmarkCmd::Machine(cmd) => cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone()),
	})
}

/// Builds `System::remark` extrinsics for the overhead benchmarks.
struct RemarkBuilder {
	signer: Arc<BobSigns>,
}

impl frame_benchmarking_cli::ExtrinsicBuilder for RemarkBuilder {
	fn pallet(&self) -> &str {
		"system"
	}

	fn extrinsic(&self) -> &str {
		"remark"
	}

	fn build(&self, nonce: u32) -> Result<OpaqueExtrinsic, &'static str> {
		self.signer.sign(SystemCall::remark { remark: vec![] }.into(), nonce)
	}
}

/// Builds `Balances::transfer_keep_alive` extrinsics for the extrinsic benchmark.
struct TransferKeepAliveBuilder {
	signer: Arc<BobSigns>,
	dest: AccountId,
	value: Balance,
}

impl frame_benchmarking_cli::ExtrinsicBuilder for TransferKeepAliveBuilder {
	fn pallet(&self) -> &str {
		"balances"
	}

	fn extrinsic(&self) -> &str {
		"transfer_keep_alive"
	}

	fn build(&self, nonce: u32) -> Result<OpaqueExtrinsic, &'static str> {
		let call =
			BalancesCall::transfer_keep_alive { dest: self.dest.clone().into(), value: self.value };
		self.signer.sign(call.into(), nonce)
	}
}

/// Signs calls as Bob, valid at the best block when it was made, with the transaction
/// extensions of the runtime there, as any client would (`agora-tx`, from its metadata).
struct BobSigns {
	metadata: ChainMetadata,
	context: SigningContext,
	pair: sp_core::sr25519::Pair,
}

impl BobSigns {
	fn at_best(client: &FullClient) -> sc_cli::Result<BobSigns> {
		let genesis_hash = client
			.block_hash(0)
			.ok()
			.flatten()
			.ok_or("the database holds no genesis block")?;
		let info = client.chain_info();
		let (best_hash, best_number) = (info.best_hash, info.best_number);
		let api = client.runtime_api();
		let version = api.version(best_hash).map_err(|e| format!("the runtime version: {e}"))?;
		let metadata = api
			.metadata_at_version(best_hash, 15)
			.map_err(|e| format!("the runtime's metadata: {e}"))?
			.ok_or("the runtime has no V15 metadata")?;
		let metadata =
			ChainMetadata::decode(&metadata).map_err(|e| format!("the runtime's metadata: {e}"))?;
		let context = SigningContext {
			genesis_hash,
			best_hash,
			best_number: best_number.into(),
			spec_version: version.spec_version,
			transaction_version: version.transaction_version,
			nonce: 0,
		};
		Ok(BobSigns { metadata, context, pair: Sr25519Keyring::Bob.pair() })
	}

	fn sign(
		&self,
		call: runtime::RuntimeCall,
		nonce: u32,
	) -> Result<OpaqueExtrinsic, &'static str> {
		let context = SigningContext { nonce, ..self.context };
		let extrinsic = agora_tx::sign(&self.metadata, &call.encode(), &self.pair, &context);
		OpaqueExtrinsic::try_from_encoded_extrinsic(&extrinsic)
			.map_err(|_| "agora-tx built an undecodable extrinsic")
	}
}

/// Inherent data for the overhead benchmarks: a zero timestamp.
fn inherent_benchmark_data() -> sc_cli::Result<InherentData> {
	let mut inherent_data = InherentData::new();
	let timestamp = sp_timestamp::InherentDataProvider::new(Duration::from_millis(0).into());
	futures::executor::block_on(timestamp.provide_inherent_data(&mut inherent_data))
		.map_err(|e| format!("creating inherent data: {e:?}"))?;
	Ok(inherent_data)
}
