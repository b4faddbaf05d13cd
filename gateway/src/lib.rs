//! # agora-gateway
//!
//! A provider runs this sidecar in front of an AI service it already serves over HTTP.
//! Each paid request carries a usage receipt of an Agora payment channel (see
//! [`receipt`]); the gateway checks it against the channel's on-chain state, forwards the
//! request only if it is paid for (else 402 with the reason), meters the response, tells
//! the consumer what is owed, keeps the best receipt of every channel on disk, and settles
//! them with `metering.claim_batch` (see [`settle`]).
//!
//! - [`config`]: settings (TOML file, env, flags).
//! - [`ledger`]: a channel's accounts and the payment checks.
//! - [`metering`]: how many units a call used; [`sse`]: streamed responses.
//! - [`call`]: one paid call, from its reservation to its recorded usage.
//! - [`free_calls`]: calls a provider gives away, to accounts that sign their requests.
//! - [`chain`]: the node's JSON-RPC; transactions are built from the chain's metadata
//!   (`agora-tx`), so the gateway does not link the runtime and keeps settling across
//!   runtime upgrades.
//! - [`store`]: the shared state: SQLite for one gateway, PostgreSQL for replicas.
//! - [`server`]: the HTTP front (proxy, `/health`, `/metrics`, `/agora/*`).

pub mod call;
pub mod chain;
pub mod config;
pub mod free_calls;
pub mod ledger;
pub mod metering;
pub mod metrics;
pub mod receipt;
pub mod server;
pub mod settle;
pub mod sse;
pub mod store;

use std::{
	collections::HashMap,
	sync::{
		atomic::{AtomicU32, Ordering},
		Arc, Mutex,
	},
	time::{Duration, Instant},
};

use agora_primitives::{AccountId, BlockNumber, ChannelId};
use agora_tx::ChainMetadata;
use sp_core::{sr25519, Pair, H256};
use sp_runtime::MultiSignature;
use tokio::sync::{Mutex as AsyncMutex, Semaphore};

use crate::{
	chain::{HttpClient, Node},
	config::Config,
	ledger::{ChainChannel, ChannelAccount, Refusal, Terms},
	metrics::Metrics,
	store::{CallId, Ledger, Store},
};

/// A channel the gateway serves: its state on chain and when it was read. Its ledger is
/// in the store, shared with the other replicas.
pub struct Slot {
	pub chain: ChainChannel,
	pub fetched_at: Instant,
	/// The last receipt whose signature this replica verified (units, signature): clients
	/// present the same receipt call after call.
	pub verified: Option<(u64, MultiSignature)>,
}

impl Slot {
	/// Takes the channel's state as the chain has it now.
	pub fn update_chain(&mut self, chain: ChainChannel) {
		self.chain = chain;
		self.fetched_at = Instant::now();
	}
}

/// The chain's head as the gateway assumes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AssumedHead {
	pub number: BlockNumber,
	/// The node has not answered for longer than `max_chain_age`: `number` counts the
	/// blocks that would have been made since the last head seen.
	pub stale: bool,
}

/// The gateway's shared state.
pub struct Gateway {
	pub config: Config,
	pub terms: Terms,
	pub node: Node,
	pub http: HttpClient,
	pub store: Box<dyn Store>,
	pub metrics: Metrics,
	/// Names this process as the settler's lease holder.
	pub instance: String,
	/// One permit per paid request in flight (`max_concurrent_requests`).
	pub requests: Arc<Semaphore>,
	signer: sr25519::Pair,
	channels: Mutex<HashMap<ChannelId, Arc<AsyncMutex<Slot>>>>,
	best_block: AtomicU32,
	head_seen_at: Mutex<Option<Instant>>,
	/// The chain's block time (Aura's slot duration).
	block_time: Duration,
	/// The metadata of the runtime last signed for, with the hash of its code: read again
	/// when the code changes.
	metadata: Mutex<(H256, Arc<ChainMetadata>)>,
}

impl Gateway {
	/// Connects to the node, reads the chain's genesis and the stored channels.
	pub async fn start(
		config: Config,
		signer: sr25519::Pair,
		store: Box<dyn Store>,
		http: HttpClient,
	) -> Result<Gateway, String> {
		let node = Node::new(http.clone(), config.node.clone(), config.node_timeout);
		let unreachable = |e: chain::ChainError| format!("node {}: {e}", config.node);
		let genesis_hash = node.genesis_hash().await.map_err(unreachable)?;
		let head = node.best_head().await.map_err(unreachable)?;
		let code_hash = node.code_hash(head.hash).await.map_err(unreachable)?;
		let metadata = node.metadata(head.hash).await.map_err(unreachable)?;
		let slot_ms: u64 = metadata.constant("Aura", "SlotDuration").map_err(|e| e.to_string())?;
		if slot_ms == 0 {
			return Err("the chain's Aura.SlotDuration is 0".into());
		}
		let terms = Terms {
			genesis_hash,
			provider: AccountId::from(signer.public()),
			service_id: config.service_id,
			credit_limit: config.credit_limit,
			expiry_margin: config.expiry_margin,
			quantity_per_unit: config.meter.quantity_per_unit(),
		};
		let gateway = Gateway {
			requests: Arc::new(Semaphore::new(config.max_concurrent_requests)),
			config,
			terms,
			node,
			http,
			store,
			metrics: Metrics::new(),
			instance: format!("{}-{:016x}", std::process::id(), store::new_call_id()),
			signer,
			channels: Mutex::new(HashMap::new()),
			best_block: AtomicU32::new(head.number),
			head_seen_at: Mutex::new(Some(Instant::now())),
			block_time: Duration::from_millis(slot_ms),
			metadata: Mutex::new((code_hash, Arc::new(metadata))),
		};
		Ok(gateway)
	}

	fn insert(&self, id: ChannelId, chain: ChainChannel) -> Arc<AsyncMutex<Slot>> {
		let mut channels = self.channels.lock().expect("not poisoned");
		let slot = channels
			.entry(id)
			.or_insert_with(|| {
				Arc::new(AsyncMutex::new(Slot {
					chain,
					fetched_at: Instant::now(),
					verified: None,
				}))
			})
			.clone();
		self.metrics.channels.set(channels.len() as i64);
		slot
	}

	/// Runs `f` on channel `id`'s accounts (its chain state as `slot` has it, its ledger as
	/// the store has it, with `call`'s reservation) and stores what `f` changed, atomically
	/// across replicas; `f` returning an error changes nothing. `f` may run more than once.
	pub async fn with_account<T>(
		&self,
		id: ChannelId,
		slot: &AsyncMutex<Slot>,
		call: Option<CallId>,
		mut f: impl FnMut(&mut ChannelAccount, &mut Ledger) -> Result<T, Refusal> + Send,
	) -> Result<(T, Ledger), Refusal>
	where
		T: Send,
	{
		let chain = slot.lock().await.chain.clone();
		let mut out = None;
		let ledger = self
			.store
			.update(id, call, &mut |ledger: &mut Ledger| {
				let mut account = ChannelAccount::of(id, chain.clone(), ledger);
				out = Some(f(&mut account, ledger)?);
				account.write_back(ledger);
				Ok(())
			})
			.await?;
		let out = out.ok_or_else(|| Refusal::StoreUnavailable("the update did not run".into()))?;
		Ok((out, ledger))
	}

	/// The provider's account.
	pub fn provider(&self) -> &AccountId {
		&self.terms.provider
	}

	/// The key that signs settlements.
	pub fn signer(&self) -> &sr25519::Pair {
		&self.signer
	}

	/// The metadata of the runtime at block `at`, read again only if its code is not the
	/// code last read.
	pub async fn metadata(&self, at: H256) -> Result<Arc<ChainMetadata>, chain::ChainError> {
		let code_hash = self.node.code_hash(at).await?;
		let cached = self.metadata.lock().expect("not poisoned").clone();
		if cached.0 == code_hash {
			return Ok(cached.1);
		}
		let metadata = Arc::new(self.node.metadata(at).await?);
		tracing::info!(
			from = ?cached.0,
			to = ?code_hash,
			"the runtime was upgraded; transactions follow its metadata"
		);
		*self.metadata.lock().expect("not poisoned") = (code_hash, metadata.clone());
		Ok(metadata)
	}

	/// The best block number last seen.
	pub fn best_block(&self) -> BlockNumber {
		self.best_block.load(Ordering::Relaxed)
	}

	/// Records the node's best block.
	pub fn saw_head(&self, number: BlockNumber) {
		self.best_block.store(number, Ordering::Relaxed);
		*self.head_seen_at.lock().expect("not poisoned") = Some(Instant::now());
	}

	/// When the node last answered the head poll.
	pub fn head_seen_at(&self) -> Option<Instant> {
		*self.head_seen_at.lock().expect("not poisoned")
	}

	/// The head to check expiries against: the best block last seen while the node answers;
	/// once it has been silent for longer than `max_chain_age`, that block plus the blocks
	/// made since at the chain's block time, so that an outage never lets a channel be
	/// served past its expiry.
	pub fn assumed_head(&self) -> AssumedHead {
		let silent_for = self.head_seen_at().map_or(Duration::MAX, |at| at.elapsed());
		assume_head(self.best_block(), silent_for, self.config.max_chain_age, self.block_time)
	}

	/// Every served channel.
	pub fn slots(&self) -> Vec<Arc<AsyncMutex<Slot>>> {
		self.channels.lock().expect("not poisoned").values().cloned().collect()
	}

	/// Channel `id` as the chain has it now.
	async fn chain_channel(&self, id: ChannelId) -> Result<ChainChannel, Refusal> {
		self.node
			.channel(id)
			.await
			.map_err(|e| Refusal::ChainUnavailable(e.to_string()))?
			.ok_or(Refusal::UnknownChannel(id))
	}

	/// Channel `id`, read from the chain the first time it is asked for.
	pub async fn slot(&self, id: ChannelId) -> Result<Arc<AsyncMutex<Slot>>, Refusal> {
		if let Some(slot) = self.channels.lock().expect("not poisoned").get(&id) {
			return Ok(slot.clone());
		}
		let chain = self.chain_channel(id).await?;
		Ok(self.insert(id, chain))
	}

	/// Reads channel `id` from the chain again if `slot` is older than `chain_refresh` (or
	/// always, with `force`). The slot is not locked while the node is asked, and the node
	/// is not asked while its head poll fails (requests would each wait `node_timeout`).
	pub async fn refresh(
		&self,
		id: ChannelId,
		slot: &AsyncMutex<Slot>,
		force: bool,
	) -> Result<(), Refusal> {
		if !force && slot.lock().await.fetched_at.elapsed() < self.config.chain_refresh {
			return Ok(());
		}
		let silent_for = self.head_seen_at().map_or(Duration::MAX, |at| at.elapsed());
		if silent_for > self.config.chain_refresh {
			return Err(Refusal::ChainUnavailable(format!(
				"the node has not answered for {}s",
				silent_for.as_secs()
			)));
		}
		let chain = self.chain_channel(id).await?;
		slot.lock().await.update_chain(chain);
		Ok(())
	}
}

/// The block the chain is assumed at: `best_block` until `max_age` passes without a new
/// head, then one more block per block time of silence (rounded up).
pub fn assume_head(
	best_block: BlockNumber,
	silent_for: Duration,
	max_age: Duration,
	block_time: Duration,
) -> AssumedHead {
	if silent_for <= max_age {
		return AssumedHead { number: best_block, stale: false };
	}
	let blocks = silent_for.as_millis().div_ceil(block_time.as_millis().max(1));
	let blocks = BlockNumber::try_from(blocks).unwrap_or(BlockNumber::MAX);
	AssumedHead { number: best_block.saturating_add(blocks), stale: true }
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_silent_node_makes_the_gateway_count_the_blocks_it_missed() {
		let (max_age, block_time) = (Duration::from_secs(30), Duration::from_secs(6));
		assert_eq!(
			assume_head(100, Duration::from_secs(30), max_age, block_time),
			AssumedHead { number: 100, stale: false }
		);
		// 31 s of silence at 6 s per block: 6 blocks may have passed (rounded up).
		assert_eq!(
			assume_head(100, Duration::from_secs(31), max_age, block_time),
			AssumedHead { number: 106, stale: true }
		);
		// At 2 s per block, 16.
		assert_eq!(
			assume_head(100, Duration::from_secs(31), max_age, Duration::from_secs(2)),
			AssumedHead { number: 116, stale: true }
		);
		assert_eq!(assume_head(100, Duration::MAX, max_age, block_time).number, BlockNumber::MAX);
	}
}
