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
//! - [`metering`]: how many units a call used.
//! - [`chain`]: the node's JSON-RPC.
//! - [`store`]: SQLite.
//! - [`server`]: the HTTP front (proxy, `/health`, `/metrics`, `/agora/*`).

pub mod chain;
pub mod config;
pub mod ledger;
pub mod metering;
pub mod metrics;
pub mod receipt;
pub mod server;
pub mod settle;
pub mod store;

use std::{
	collections::HashMap,
	sync::{
		atomic::{AtomicU32, Ordering},
		Arc, Mutex,
	},
	time::Instant,
};

use agora_primitives::{AccountId, BlockNumber, ChannelId};
use sp_core::{sr25519, Pair};
use tokio::sync::Mutex as AsyncMutex;

use crate::{
	chain::{HttpClient, Node},
	config::Config,
	ledger::{ChannelAccount, Refusal, Terms},
	metrics::Metrics,
	store::{Store, StoredChannel},
};

/// A channel the gateway serves: its accounts and when its chain state was read.
pub struct Slot {
	pub account: ChannelAccount,
	pub fetched_at: Instant,
	/// Why its receipt cannot be settled, once the chain said so.
	pub abandoned: Option<String>,
}

impl Slot {
	/// Takes the channel's state as the chain has it now.
	pub fn update_chain(&mut self, chain: ledger::ChainChannel) {
		self.account.chain = chain;
		self.fetched_at = Instant::now();
	}
}

/// The gateway's shared state.
pub struct Gateway {
	pub config: Config,
	pub terms: Terms,
	pub node: Node,
	pub http: HttpClient,
	pub store: Store,
	pub metrics: Metrics,
	signer: sr25519::Pair,
	channels: Mutex<HashMap<ChannelId, Arc<AsyncMutex<Slot>>>>,
	best_block: AtomicU32,
	head_seen_at: Mutex<Option<Instant>>,
}

impl Gateway {
	/// Connects to the node, reads the chain's genesis and the stored channels.
	pub async fn start(
		config: Config,
		signer: sr25519::Pair,
		store: Store,
		http: HttpClient,
	) -> Result<Gateway, String> {
		let node = Node::new(http.clone(), config.node.clone());
		let unreachable = |e: chain::ChainError| format!("node {}: {e}", config.node);
		let genesis_hash = node.genesis_hash().await.map_err(unreachable)?;
		let head = node.best_head().await.map_err(unreachable)?;
		let terms = Terms {
			genesis_hash,
			provider: AccountId::from(signer.public()),
			service_id: config.service_id,
			credit_limit: config.credit_limit,
			expiry_margin: config.expiry_margin,
			quantity_per_unit: config.meter.quantity_per_unit(),
		};
		let gateway = Gateway {
			config,
			terms,
			node,
			http,
			store,
			metrics: Metrics::new(),
			signer,
			channels: Mutex::new(HashMap::new()),
			best_block: AtomicU32::new(head.number),
			head_seen_at: Mutex::new(Some(Instant::now())),
		};
		let stored = gateway.store.load().map_err(|e| e.to_string())?;
		for (id, channel) in stored {
			match gateway.node.channel(id).await.map_err(|e| e.to_string())? {
				Some(chain) => {
					gateway.insert(id, chain, channel);
				},
				None => {
					tracing::info!(channel = id, "stored channel is closed on chain; not served")
				},
			}
		}
		Ok(gateway)
	}

	fn insert(
		&self,
		id: ChannelId,
		chain: ledger::ChainChannel,
		stored: StoredChannel,
	) -> Arc<AsyncMutex<Slot>> {
		let mut channels = self.channels.lock().expect("not poisoned");
		let slot = channels
			.entry(id)
			.or_insert_with(|| {
				Arc::new(AsyncMutex::new(Slot {
					account: ChannelAccount {
						id,
						chain,
						best: stored.best,
						quantity: stored.quantity,
						reserved: 0,
					},
					fetched_at: Instant::now(),
					abandoned: None,
				}))
			})
			.clone();
		self.metrics.channels.set(channels.len() as i64);
		slot
	}

	/// The provider's account.
	pub fn provider(&self) -> &AccountId {
		&self.terms.provider
	}

	/// The key that signs settlements.
	pub fn signer(&self) -> &sr25519::Pair {
		&self.signer
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

	/// Every served channel.
	pub fn slots(&self) -> Vec<Arc<AsyncMutex<Slot>>> {
		self.channels.lock().expect("not poisoned").values().cloned().collect()
	}

	/// Channel `id` as the chain has it now.
	async fn chain_channel(&self, id: ChannelId) -> Result<ledger::ChainChannel, Refusal> {
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
		Ok(self.insert(id, chain, StoredChannel::default()))
	}

	/// Reads `slot`'s channel from the chain again if it is older than `chain_refresh`
	/// (or always, with `force`).
	pub async fn refresh(&self, slot: &mut Slot, force: bool) -> Result<(), Refusal> {
		if !force && slot.fetched_at.elapsed() < self.config.chain_refresh {
			return Ok(());
		}
		slot.update_chain(self.chain_channel(slot.account.id).await?);
		Ok(())
	}
}
