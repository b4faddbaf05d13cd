//! # Agora RPC
//!
//! The `agora_*` JSON-RPC methods that `agora-node` serves beside the standard Substrate
//! ones. Every answer comes from the runtime (through [`agora_primitives::AgoraApi`]), at
//! the best block or at the block hash the caller names, so what a dApp reads is what the
//! chain itself holds, not what this node binary was built with.
//!
//! Errors are JSON-RPC errors with a code from [`ErrorCode`] and a message saying what
//! was wrong; a bad request never takes the node down.

use std::{marker::PhantomData, sync::Arc};

use agora_primitives::AgoraApi as AgoraRuntimeApi;
use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned};
use serde::{Deserialize, Serialize};
use sp_api::{Core, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::Block as BlockT;

/// The error codes of the `agora_*` methods (JSON-RPC application range).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum ErrorCode {
	/// The runtime could not answer (for example, it lacks the API at that block).
	RuntimeError = 4000,
	/// The block hash given as `at` is not known to this node.
	UnknownBlock = 4001,
}

fn error(code: ErrorCode, message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(code as i32, message.into(), None::<()>)
}

/// What `agora_version` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
	/// The runtime's `spec_name` (`"agora"`).
	pub spec_name: String,
	/// The runtime's `spec_version`: bumped by every runtime upgrade.
	pub spec_version: u32,
	/// The marketplace API version the runtime speaks
	/// ([`agora_primitives::MARKETPLACE_API_VERSION`] when it was built).
	pub marketplace_api_version: u32,
}

/// The `agora_*` JSON-RPC methods.
#[rpc(client, server)]
pub trait AgoraApi<BlockHash> {
	/// The runtime and marketplace API versions at block `at` (default: the best block).
	#[method(name = "agora_version")]
	fn version(&self, at: Option<BlockHash>) -> RpcResult<VersionInfo>;
}

/// Serves [`AgoraApiServer`] from a client's runtime API.
pub struct Agora<C, Block> {
	client: Arc<C>,
	_block: PhantomData<Block>,
}

impl<C, Block> Agora<C, Block> {
	/// An RPC handler reading from `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _block: PhantomData }
	}
}

impl<C, Block> Agora<C, Block>
where
	Block: BlockT,
	C: HeaderBackend<Block>,
{
	/// The block to read at: `at` if this node knows it, else the best block.
	fn resolve(&self, at: Option<Block::Hash>) -> RpcResult<Block::Hash> {
		let Some(hash) = at else { return Ok(self.client.info().best_hash) };
		match self.client.header(hash) {
			Ok(Some(_)) => Ok(hash),
			Ok(None) => Err(error(ErrorCode::UnknownBlock, format!("unknown block {hash:?}"))),
			Err(e) => Err(error(ErrorCode::RuntimeError, format!("reading block {hash:?}: {e}"))),
		}
	}
}

impl<C, Block> AgoraApiServer<Block::Hash> for Agora<C, Block>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: AgoraRuntimeApi<Block> + Core<Block>,
{
	fn version(&self, at: Option<Block::Hash>) -> RpcResult<VersionInfo> {
		let at = self.resolve(at)?;
		let api = self.client.runtime_api();
		let runtime_error = |e: sp_api::ApiError| {
			error(ErrorCode::RuntimeError, format!("runtime call failed: {e}"))
		};
		let runtime = api.version(at).map_err(runtime_error)?;
		let marketplace_api_version = api.marketplace_api_version(at).map_err(runtime_error)?;
		Ok(VersionInfo {
			spec_name: runtime.spec_name.into_owned(),
			spec_version: runtime.spec_version,
			marketplace_api_version,
		})
	}
}
