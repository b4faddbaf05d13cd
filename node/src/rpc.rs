//! The node's JSON-RPC extensions: `system_accountNextIndex`, `payment_*` and `agora_*`,
//! merged into the standard Substrate methods that `sc-service` serves.

use std::sync::Arc;

use agora_primitives::{
	governance::GovernanceApi, metering::MeteringApi, rewards::RewardsApi, services::ServicesApi,
	AccountId, AgoraApi, Balance, BlockNumber, Nonce,
};
use agora_runtime::opaque::Block;
use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::{Core, ProvideRuntimeApi};
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What the RPC extensions read from.
pub struct FullDeps<C, P> {
	/// The client, to read chain state and call runtime APIs.
	pub client: Arc<C>,
	/// The transaction pool, for the next nonce of an account.
	pub pool: Arc<P>,
}

/// All of the node's RPC extensions in one module.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ BlockBuilder<Block>
		+ AgoraApi<Block>
		+ Core<Block>
		+ sp_api::Metadata<Block>
		+ ServicesApi<Block, AccountId, Balance, BlockNumber>
		+ MeteringApi<Block, AccountId, Balance, BlockNumber>
		+ RewardsApi<Block, AccountId, Balance, BlockNumber>
		+ GovernanceApi<Block, AccountId, Balance, BlockNumber>,
	P: TransactionPool + 'static,
{
	use agora_rpc::{Agora, AgoraApiServer, RuntimeReader};
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let FullDeps { client, pool } = deps;
	let mut module = RpcModule::new(());
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Agora::new(RuntimeReader::new(client)).into_rpc())?;
	Ok(module)
}
