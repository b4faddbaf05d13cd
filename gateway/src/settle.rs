//! Settlement: the best receipt of every channel that has one newer than what the chain
//! settled goes into one `Metering.claim_batch` (as many as `MaxClaimsPerBatch` allows
//! per transaction), signed by the provider. The call's indices, that constant and the
//! transaction extensions come from the chain's metadata (`agora-tx`), read again after
//! a runtime upgrade, so an upgrade that moves or changes them needs no new gateway.
//!
//! It runs every `settle_interval`, at once when the unclaimed value passes
//! `settle_threshold`, and at once when a channel with an unsettled receipt comes within
//! `settle_before_expiry` blocks of its expiry.
//!
//! Replicas sharing a store settle one at a time: the one holding the store's settler
//! lease. The lease outlives a round (`inclusion_timeout` and a margin), is renewed
//! before every batch, and passes to another replica once a crashed holder's runs out.
//! Each round reads the chain state of the channels it settles first, so a new holder
//! never resubmits what the last one settled.
//!
//! After submitting, the settler waits until the transaction has left the pool (or
//! `inclusion_timeout`), then reads each channel back: settled items are counted; an item
//! the chain still accepts (`agora_verifyReceipt`) is retried next round; one it refuses
//! for good (expired, closed) is dropped with a log line saying why.

use std::{sync::Arc, time::Instant};

use agora_primitives::{Balance, BlockNumber, ChannelId, Receipt};
use agora_tx::{ChainMetadata, SigningContext};
use pallet_metering::ClaimItem;
use sp_runtime::MultiSignature;
use tokio::time::{sleep, Duration};

use crate::{
	chain::{ChainError, Head, RuntimeVersion},
	free_calls::FreeCalls,
	ledger::{ChannelAccount, Refusal},
	store::{self, Ledger, SettlementRecord, StoreError},
	Gateway,
};

/// How much longer than a round's wait for inclusion the settler's lease lasts.
const LEASE_MARGIN: Duration = Duration::from_secs(30);
/// How often the lease holder forgets expired reservations and nonces.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// A receipt due for settlement.
#[derive(Clone, Debug)]
pub struct Claim {
	pub channel_id: ChannelId,
	pub units: u64,
	pub signature: MultiSignature,
	pub value: Balance,
	pub expires_at: BlockNumber,
}

/// What `claims` would settle in total (planck).
pub fn total_value(claims: &[Claim]) -> Balance {
	claims.iter().fold(0, |sum: Balance, c| sum.saturating_add(c.value))
}

/// Why the settler should run now, if it should.
pub fn due(
	claims: &[Claim],
	best_block: BlockNumber,
	interval_elapsed: bool,
	threshold: Option<Balance>,
	before_expiry: BlockNumber,
) -> Option<&'static str> {
	if claims.is_empty() {
		return None;
	}
	if claims.iter().any(|c| c.expires_at <= best_block.saturating_add(before_expiry)) {
		return Some("a channel is about to expire");
	}
	if threshold.is_some_and(|t| total_value(claims) >= t) {
		return Some("the unclaimed value passed the threshold");
	}
	interval_elapsed.then_some("the settlement interval passed")
}

/// The receipts due, the channel expiring first first (so that a round that cannot settle
/// everything settles what would be lost soonest): every stored receipt newer than what
/// the chain settled, as this replica last read the chain.
pub async fn claims(gateway: &Gateway) -> Result<Vec<Claim>, StoreError> {
	let mut claims = Vec::new();
	for (id, best) in gateway.store.claimable().await? {
		let slot = match gateway.slot(id).await {
			Ok(slot) => slot,
			Err(Refusal::UnknownChannel(_)) => {
				if closed_on_chain(gateway, id).await {
					record(gateway, id, best.units, 0, Some(CLOSED)).await;
				}
				continue;
			},
			// The node cannot be read: the next round tries again.
			Err(_) => continue,
		};
		let chain = slot.lock().await.chain.clone();
		let settled = chain.claimed_units();
		let ledger = Ledger { best: Some(best), ..Ledger::default() };
		let account = ChannelAccount::of(id, chain, &ledger);
		match account.claimable() {
			Some(best) => claims.push(Claim {
				channel_id: id,
				units: best.units,
				signature: best.signature.clone(),
				value: account.unclaimed_value(),
				expires_at: account.chain.expires_at,
			}),
			None => record(gateway, id, account.signed_units(), settled, None).await,
		}
	}
	in_settlement_order(&mut claims);
	Ok(claims)
}

/// Why a channel's receipt cannot be settled once the channel is gone from the chain.
const CLOSED: &str = "the channel is closed on chain";

/// Whether channel `id`, which the node does not have, was opened and has been closed (the
/// chain's `NextChannelId` is past it), rather than unknown to a node that is behind: only
/// then is its receipt given up on.
async fn closed_on_chain(gateway: &Gateway, id: ChannelId) -> bool {
	match gateway.node.next_channel_id().await {
		Ok(next) => id < next,
		Err(e) => {
			tracing::warn!(channel = id, error = %e, "cannot read NextChannelId");
			false
		},
	}
}

/// Stores that the chain settled `settled_units` of channel `id`, and with `abandoned` that
/// its receipt for `units` cannot be settled (unless a newer one came meanwhile).
async fn record(
	gateway: &Gateway,
	id: ChannelId,
	units: u64,
	settled_units: u64,
	abandoned: Option<&str>,
) {
	let recorded = gateway
		.store
		.update(id, None, &mut |ledger: &mut Ledger| {
			ledger.settled_units = ledger.settled_units.max(settled_units);
			if ledger.best.as_ref().is_some_and(|best| best.units == units) {
				ledger.abandoned = abandoned.map(String::from).or(ledger.abandoned.take());
			}
			Ok(())
		})
		.await;
	if let Err(e) = recorded {
		tracing::warn!(channel = id, error = %e, "cannot record the settlement status");
	}
}

/// Whether this replica holds (or now takes) the settler's lease.
async fn hold_lease(gateway: &Gateway) -> bool {
	let ttl = gateway.config.inclusion_timeout + LEASE_MARGIN;
	let held = match gateway.store.lease(&gateway.instance, ttl).await {
		Ok(held) => held,
		Err(e) => {
			tracing::warn!(error = %e, "cannot read the settler's lease");
			false
		},
	};
	gateway.metrics.settler.set(held.into());
	held
}

/// Forgets expired reservations, and nonces and counts no request can use any more.
async fn prune(gateway: &Gateway) {
	let now = store::unix_now();
	let period = gateway
		.config
		.free_calls
		.as_ref()
		.map_or(0, |free: &FreeCalls| free.period_of(now));
	if let Err(e) = gateway.store.prune(now, period).await {
		tracing::warn!(error = %e, "cannot prune the store");
	}
}

/// Orders `claims` by the expiry of their channels, soonest first.
pub fn in_settlement_order(claims: &mut [Claim]) {
	claims.sort_by_key(|c| (c.expires_at, c.channel_id));
}

/// Runs the settler until the process ends.
pub async fn run(gateway: Arc<Gateway>) {
	let mut last = Instant::now();
	let mut pruned = Instant::now();
	loop {
		sleep(Duration::from_secs(1)).await;
		if !hold_lease(&gateway).await {
			continue;
		}
		if pruned.elapsed() >= PRUNE_EVERY {
			prune(&gateway).await;
			pruned = Instant::now();
		}
		let claims = match claims(&gateway).await {
			Ok(claims) => claims,
			Err(e) => {
				tracing::warn!(error = %e, "cannot read the receipts to settle");
				continue;
			},
		};
		let value = total_value(&claims);
		gateway.metrics.unclaimed_value.set(value as f64);
		let interval_elapsed = last.elapsed() >= gateway.config.settle_interval;
		let Some(why) = due(
			&claims,
			gateway.best_block(),
			interval_elapsed,
			gateway.config.settle_threshold,
			gateway.config.settle_before_expiry,
		) else {
			if interval_elapsed {
				last = Instant::now();
			}
			continue;
		};
		last = Instant::now();
		// What the chain settled since this replica last looked (another holder of the
		// lease may have settled it) is not submitted again.
		for claim in &claims {
			if let Ok(slot) = gateway.slot(claim.channel_id).await {
				let _ = gateway.refresh(claim.channel_id, &slot, true).await;
			}
		}
		let claims = match self::claims(&gateway).await {
			Ok(claims) if !claims.is_empty() => claims,
			Ok(_) => continue,
			Err(e) => {
				tracing::warn!(error = %e, "cannot read the receipts to settle");
				continue;
			},
		};
		let value = total_value(&claims);
		tracing::info!(receipts = claims.len(), value = %value, reason = why, "settling");
		// One read of the chain per round: the batch size and the signing come from the
		// same runtime.
		let (chain, batch_size) = match chain_now(&gateway).await.and_then(|chain| {
			let size = chain.metadata.constant::<u32>("Metering", "MaxClaimsPerBatch")?;
			Ok((chain, size.max(1) as usize))
		}) {
			Ok(read) => read,
			Err(e) => {
				gateway.metrics.settlements.with_label_values(&["failed"]).inc();
				tracing::error!(error = %e, "cannot read the chain; retrying next round");
				continue;
			},
		};
		// A failed batch does not stop the others: each is retried next round.
		for chunk in claims.chunks(batch_size) {
			if !hold_lease(&gateway).await {
				tracing::warn!("the settler's lease passed to another replica");
				break;
			}
			if let Err(e) = settle(&gateway, &chain, chunk).await {
				gateway.metrics.settlements.with_label_values(&["failed"]).inc();
				tracing::error!(error = %e, items = chunk.len(), "settlement failed; retrying next round");
			}
		}
	}
}

/// The chain as a transaction signed now names it: its best block, runtime version and
/// that runtime's metadata.
struct ChainNow {
	head: Head,
	version: RuntimeVersion,
	metadata: Arc<ChainMetadata>,
}

async fn chain_now(gateway: &Gateway) -> Result<ChainNow, ChainError> {
	let head = gateway.node.best_head().await?;
	let version = gateway.node.runtime_version(head.hash).await?;
	let metadata = gateway.metadata(head.hash).await?;
	Ok(ChainNow { head, version, metadata })
}

/// Settles `claims` (at most one batch) signed for the chain as `now` read it, and reads
/// back what happened to each.
async fn settle(
	gateway: &Gateway,
	now: &ChainNow,
	claims: &[Claim],
) -> Result<SettlementRecord, ChainError> {
	let node = &gateway.node;
	let ChainNow { head, version, metadata } = now;
	let context = SigningContext {
		genesis_hash: gateway.terms.genesis_hash,
		best_hash: head.hash,
		best_number: head.number.into(),
		spec_version: version.spec_version,
		transaction_version: version.transaction_version,
		nonce: node.next_nonce(gateway.provider()).await?,
	};
	let items: Vec<ClaimItem> = claims
		.iter()
		.map(|c| ClaimItem {
			receipt: Receipt {
				genesis_hash: gateway.terms.genesis_hash,
				channel_id: c.channel_id,
				cumulative_units: c.units,
			},
			signature: c.signature.clone(),
		})
		.collect();
	let call = metadata.call("Metering", "claim_batch", &["items"], &items)?;
	let extrinsic = agora_tx::sign(metadata, &call, gateway.signer(), &context);
	let tx_hash = node.submit(&extrinsic).await?;
	tracing::info!(tx = ?tx_hash, items = claims.len(), nonce = context.nonce, "claim_batch submitted");

	// Wait until the pool no longer holds it: included (or dropped, which the reads tell).
	let hex = sp_core::bytes::to_hex(&extrinsic, false);
	let deadline = Instant::now() + gateway.config.inclusion_timeout;
	while Instant::now() < deadline {
		sleep(Duration::from_millis(500)).await;
		if !node.pending_extrinsics().await?.contains(&hex) {
			break;
		}
	}

	let (mut settled, mut dropped, mut retried) = (0, 0, 0);
	for claim in claims {
		// Read the chain first: requests on the channel wait only for the update.
		let chain = node.channel(claim.channel_id).await?;
		let outcome = match &chain {
			None if closed_on_chain(gateway, claim.channel_id).await => Err(CLOSED.to_string()),
			None => Ok(false),
			Some(chain) if chain.claimed_units() >= claim.units => Ok(true),
			Some(_) => {
				let check =
					node.verify_receipt(claim.channel_id, claim.units, &claim.signature).await?;
				if check.valid {
					Ok(false)
				} else {
					Err(check.error.unwrap_or_else(|| "refused".into()))
				}
			},
		};
		let settled_units = chain.as_ref().map_or(0, |chain| chain.claimed_units());
		if let (Some(chain), Ok(slot)) = (chain, gateway.slot(claim.channel_id).await) {
			slot.lock().await.update_chain(chain);
		}
		let reason = outcome.as_ref().err().map(String::as_str);
		record(gateway, claim.channel_id, claim.units, settled_units, reason).await;
		match outcome {
			Ok(true) => settled += 1,
			Ok(false) => {
				retried += 1;
				tracing::warn!(
					channel = claim.channel_id,
					units = claim.units,
					"not settled yet; retrying"
				);
			},
			Err(reason) => {
				dropped += 1;
				tracing::error!(channel = claim.channel_id, units = claim.units, %reason, "receipt dropped: the chain refuses it");
			},
		}
	}
	let record = SettlementRecord {
		tx_hash: format!("{tx_hash:?}"),
		items: claims.len() as u32,
		settled,
		dropped,
		retried,
	};
	gateway.metrics.settlements.with_label_values(&["included"]).inc();
	gateway.metrics.settled_receipts.inc_by(settled.into());
	gateway.metrics.dropped_receipts.inc_by(dropped.into());
	tracing::info!(tx = %record.tx_hash, settled, dropped, retried, "claim_batch settled");
	if let Err(e) = gateway.store.log_settlement(record.clone()).await {
		tracing::error!(error = %e, "cannot log the settlement");
	}
	Ok(record)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn claim(value: Balance, expires_at: BlockNumber) -> Claim {
		claim_on(1, value, expires_at)
	}

	fn claim_on(channel_id: ChannelId, value: Balance, expires_at: BlockNumber) -> Claim {
		Claim {
			channel_id,
			units: 1,
			signature: MultiSignature::Sr25519(sp_core::sr25519::Signature::from_raw([0; 64])),
			value,
			expires_at,
		}
	}

	#[test]
	fn channels_expiring_first_settle_first() {
		let mut claims = [claim_on(3, 1, 900), claim_on(1, 1, 500), claim_on(2, 1, 500)];
		in_settlement_order(&mut claims);
		assert_eq!(claims.map(|c| c.channel_id), [1, 2, 3]);
	}

	#[test]
	fn nothing_to_claim_is_never_due() {
		assert_eq!(due(&[], 10, true, Some(0), 1_000), None);
	}

	#[test]
	fn due_on_interval_threshold_or_expiry() {
		let claims = [claim(40, 500), claim(70, 600)];
		assert_eq!(due(&claims, 10, false, None, 30), None);
		assert_eq!(due(&claims, 10, true, None, 30), Some("the settlement interval passed"));
		assert_eq!(due(&claims, 10, false, Some(111), 30), None);
		assert_eq!(
			due(&claims, 10, false, Some(110), 30),
			Some("the unclaimed value passed the threshold")
		);
		assert_eq!(due(&claims, 470, false, None, 30), Some("a channel is about to expire"));
		assert_eq!(due(&claims, 469, false, None, 30), None);
	}
}
