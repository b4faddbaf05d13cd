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
	store::SettlementRecord,
	Gateway,
};

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
/// everything settles what would be lost soonest).
pub async fn claims(gateway: &Gateway) -> Vec<Claim> {
	let mut claims = Vec::new();
	for slot in gateway.slots() {
		let slot = slot.lock().await;
		if slot.abandoned.is_some() {
			continue;
		}
		if let Some(best) = slot.account.claimable() {
			claims.push(Claim {
				channel_id: slot.account.id,
				units: best.units,
				signature: best.signature.clone(),
				value: slot.account.unclaimed_value(),
				expires_at: slot.account.chain.expires_at,
			});
		}
	}
	in_settlement_order(&mut claims);
	claims
}

/// Orders `claims` by the expiry of their channels, soonest first.
pub fn in_settlement_order(claims: &mut [Claim]) {
	claims.sort_by_key(|c| (c.expires_at, c.channel_id));
}

/// Runs the settler until the process ends.
pub async fn run(gateway: Arc<Gateway>) {
	let mut last = Instant::now();
	loop {
		sleep(Duration::from_secs(1)).await;
		let claims = claims(&gateway).await;
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
			None => Err("the channel is closed on chain".to_string()),
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
		let Ok(slot) = gateway.slot(claim.channel_id).await else { continue };
		let mut slot = slot.lock().await;
		if let Some(chain) = chain {
			slot.update_chain(chain);
		}
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
				slot.abandoned = Some(reason);
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
