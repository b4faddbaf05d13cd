//! What the `agora_*` methods read from the chain, one question per runtime API call, at a
//! given block. [`RuntimeReader`] answers from a client's runtime APIs; the RPC layer's
//! tests answer from memory.

use std::{
	marker::PhantomData,
	sync::{Arc, Mutex},
};

use agora_primitives::token::SS58_PREFIX;
use agora_primitives::{
	governance::GovernanceApi, metering::MeteringApi, rewards::RewardsApi, services::ServicesApi,
	AccountId, AgoraApi, Balance, BlockNumber, ChannelId, ChannelInfo, Hash, PendingRewards,
	ProposalId, ProposalInfo, ProviderInfo, Quote, Receipt, ReceiptError, ServiceFilter, ServiceId,
	ServiceInfo,
};
use agora_tx::CallDecoder;
use sp_api::{ApiError, Core, Metadata, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_runtime::{traits::Block as BlockT, MultiSignature};

/// A service as the runtime shows it.
pub type Service = ServiceInfo<AccountId, Balance, BlockNumber>;
/// A provider as the runtime shows it.
pub type Provider = ProviderInfo<Balance, BlockNumber>;
/// A channel as the runtime shows it.
pub type Channel = ChannelInfo<AccountId, Balance, BlockNumber>;
/// A proposal as the runtime shows it.
pub type Proposal = ProposalInfo<AccountId, Balance, BlockNumber>;

/// Why the chain could not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
	/// The block is not known to this node.
	UnknownBlock(Hash),
	/// The runtime call failed (for example, the runtime at that block lacks the API).
	Runtime(String),
}

impl From<ApiError> for ReadError {
	fn from(error: ApiError) -> Self {
		ReadError::Runtime(error.to_string())
	}
}

/// Result of a read.
pub type ReadResult<T> = Result<T, ReadError>;

/// The chain state the `agora_*` methods need, at block `at`.
pub trait ChainReader: Send + Sync + 'static {
	/// The best block's hash.
	fn best_hash(&self) -> Hash;
	/// `Ok` if the node knows block `hash`.
	fn check_block(&self, hash: Hash) -> ReadResult<()>;
	/// The chain's genesis hash (receipts are bound to it).
	fn genesis_hash(&self) -> Hash;
	/// `(spec_name, spec_version, marketplace_api_version)`.
	fn version(&self, at: Hash) -> ReadResult<(String, u32, u32)>;
	/// `ServicesApi::service`.
	fn service(&self, at: Hash, id: ServiceId) -> ReadResult<Option<Service>>;
	/// `ServicesApi::services`.
	fn services(
		&self,
		at: Hash,
		filter: ServiceFilter<AccountId>,
		start_after: Option<ServiceId>,
		limit: u32,
	) -> ReadResult<Vec<Service>>;
	/// `ServicesApi::provider`.
	fn provider(&self, at: Hash, who: AccountId) -> ReadResult<Option<Provider>>;
	/// `MeteringApi::quote`.
	fn quote(&self, at: Hash, service: ServiceId, units: u64)
		-> ReadResult<Option<Quote<Balance>>>;
	/// `MeteringApi::channel`.
	fn channel(&self, at: Hash, id: ChannelId) -> ReadResult<Option<Channel>>;
	/// `MeteringApi::channels`.
	fn channels(
		&self,
		at: Hash,
		consumer: Option<AccountId>,
		payee: Option<AccountId>,
		start_after: Option<ChannelId>,
		limit: u32,
	) -> ReadResult<Vec<Channel>>;
	/// `MeteringApi::check_receipt`.
	fn check_receipt(
		&self,
		at: Hash,
		receipt: Receipt,
		signature: MultiSignature,
	) -> ReadResult<Result<Balance, ReceiptError>>;
	/// `RewardsApi::pending_rewards`.
	fn pending_rewards(&self, at: Hash, who: AccountId) -> ReadResult<PendingRewards<Balance>>;
	/// `GovernanceApi::proposals`.
	fn proposals(
		&self,
		at: Hash,
		start_after: Option<ProposalId>,
		limit: u32,
	) -> ReadResult<Vec<Proposal>>;
	/// Each of `calls` (a `RuntimeCall`'s encoding) named from the metadata of the runtime
	/// at `at` ([`agora_tx::CallDecoder::decode_call`]), or why it could not be; the
	/// metadata is looked up once for all of them.
	fn decode_calls(&self, at: Hash, calls: &[&[u8]]) -> Vec<Result<serde_json::Value, String>>;
}

/// A runtime's identity for the call decoders: `spec_name`, `spec_version`,
/// `impl_version`. Every upgrade through `system.authorizeUpgrade` raises `spec_version`;
/// only code set "without checks" (Root) under the same versions would be read with the
/// metadata of the code it replaced, until the node restarts.
type RuntimeKey = (String, u32, u32);

/// How many runtimes' decoders are kept.
const KEPT_DECODERS: usize = 4;

/// Answers from a client's runtime APIs.
pub struct RuntimeReader<C, Block> {
	client: Arc<C>,
	/// The metadata calls are decoded with, by runtime version: read once per runtime,
	/// not once per request (it is hundreds of kilobytes). A few are kept, so that reads
	/// at blocks on either side of an upgrade do not evict each other.
	decoders: Mutex<Vec<(RuntimeKey, Arc<CallDecoder>)>>,
	_block: PhantomData<Block>,
}

impl<C, Block> RuntimeReader<C, Block> {
	/// Reads through `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, decoders: Mutex::new(Vec::new()), _block: PhantomData }
	}
}

impl<C, Block> RuntimeReader<C, Block>
where
	Block: BlockT<Hash = Hash>,
	C: ProvideRuntimeApi<Block>,
	C::Api: Core<Block> + Metadata<Block>,
{
	/// The call decoder of the runtime at `at`, built again only for a runtime not seen.
	fn call_decoder(&self, at: Hash) -> Result<Arc<CallDecoder>, String> {
		let api = self.client.runtime_api();
		let runtime = api.version(at).map_err(|e| e.to_string())?;
		let key = (runtime.spec_name.into_owned(), runtime.spec_version, runtime.impl_version);
		let decoders = || self.decoders.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		if let Some((_, decoder)) = decoders().iter().find(|(known, _)| *known == key) {
			return Ok(decoder.clone());
		}
		// Read and parsed without the lock: other requests are not held behind it.
		let bytes = api
			.metadata_at_version(at, 15)
			.map_err(|e| e.to_string())?
			.ok_or("the runtime does not serve metadata V15")?;
		let decoder = Arc::new(CallDecoder::decode(&bytes).map_err(|e| e.to_string())?);
		let mut kept = decoders();
		if kept.len() == KEPT_DECODERS {
			kept.remove(0);
		}
		kept.push((key, decoder.clone()));
		Ok(decoder)
	}
}

impl<C, Block> ChainReader for RuntimeReader<C, Block>
where
	Block: BlockT<Hash = Hash>,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: AgoraApi<Block>
		+ Core<Block>
		+ Metadata<Block>
		+ ServicesApi<Block, AccountId, Balance, BlockNumber>
		+ MeteringApi<Block, AccountId, Balance, BlockNumber>
		+ RewardsApi<Block, AccountId, Balance, BlockNumber>
		+ GovernanceApi<Block, AccountId, Balance, BlockNumber>,
{
	fn best_hash(&self) -> Hash {
		self.client.info().best_hash
	}

	fn check_block(&self, hash: Hash) -> ReadResult<()> {
		match self.client.header(hash) {
			Ok(Some(_)) => Ok(()),
			Ok(None) => Err(ReadError::UnknownBlock(hash)),
			Err(e) => Err(ReadError::Runtime(format!("reading block {hash:?}: {e}"))),
		}
	}

	fn genesis_hash(&self) -> Hash {
		self.client.info().genesis_hash
	}

	fn version(&self, at: Hash) -> ReadResult<(String, u32, u32)> {
		let api = self.client.runtime_api();
		let runtime = api.version(at)?;
		Ok((runtime.spec_name.into_owned(), runtime.spec_version, api.marketplace_api_version(at)?))
	}

	fn service(&self, at: Hash, id: ServiceId) -> ReadResult<Option<Service>> {
		Ok(ServicesApi::service(&*self.client.runtime_api(), at, id)?)
	}

	fn services(
		&self,
		at: Hash,
		filter: ServiceFilter<AccountId>,
		start_after: Option<ServiceId>,
		limit: u32,
	) -> ReadResult<Vec<Service>> {
		Ok(self.client.runtime_api().services(at, filter, start_after, limit)?)
	}

	fn provider(&self, at: Hash, who: AccountId) -> ReadResult<Option<Provider>> {
		Ok(self.client.runtime_api().provider(at, who)?)
	}

	fn quote(
		&self,
		at: Hash,
		service: ServiceId,
		units: u64,
	) -> ReadResult<Option<Quote<Balance>>> {
		Ok(self.client.runtime_api().quote(at, service, units)?)
	}

	fn channel(&self, at: Hash, id: ChannelId) -> ReadResult<Option<Channel>> {
		Ok(self.client.runtime_api().channel(at, id)?)
	}

	fn channels(
		&self,
		at: Hash,
		consumer: Option<AccountId>,
		payee: Option<AccountId>,
		start_after: Option<ChannelId>,
		limit: u32,
	) -> ReadResult<Vec<Channel>> {
		Ok(self.client.runtime_api().channels(at, consumer, payee, start_after, limit)?)
	}

	fn check_receipt(
		&self,
		at: Hash,
		receipt: Receipt,
		signature: MultiSignature,
	) -> ReadResult<Result<Balance, ReceiptError>> {
		Ok(self.client.runtime_api().check_receipt(at, receipt, signature)?)
	}

	fn pending_rewards(&self, at: Hash, who: AccountId) -> ReadResult<PendingRewards<Balance>> {
		Ok(self.client.runtime_api().pending_rewards(at, who)?)
	}

	fn proposals(
		&self,
		at: Hash,
		start_after: Option<ProposalId>,
		limit: u32,
	) -> ReadResult<Vec<Proposal>> {
		Ok(self.client.runtime_api().proposals(at, start_after, limit)?)
	}

	fn decode_calls(&self, at: Hash, calls: &[&[u8]]) -> Vec<Result<serde_json::Value, String>> {
		if calls.is_empty() {
			return Vec::new();
		}
		match self.call_decoder(at) {
			Ok(decoder) => calls
				.iter()
				.map(|call| decoder.decode_call(call, SS58_PREFIX).map_err(|e| e.to_string()))
				.collect(),
			Err(e) => vec![Err(e); calls.len()],
		}
	}
}
