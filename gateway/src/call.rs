//! One paid call, from the units it holds in its channel's ledger while in flight to the
//! usage it is charged, and the relay of a response body as it arrives.
//!
//! What a call is charged (in the meter's quantity):
//! - the usage it reports, up to `max_units_per_call`;
//! - `unmetered_units` when it reports none (a stream without a usage event, a body that
//!   is not the expected JSON): never 0, and counted in a metric;
//! - a stream whose usage outgrows what the channel can pay (deposit, credit limit,
//!   `max_units_per_call`) is cut off there, and charged what its ledger reservation grew
//!   to, so the units owed stop at what the channel pays for.
//!
//! The usage is stored before the response (or a stream's last event) says what is owed;
//! usage that cannot be stored is not charged and the call answers `store_unavailable`.
//!
//! A call's reservation is in the store, where every replica counts it; the call renews
//! it every third of `reservation_ttl` while it runs, so that a replica killed mid-call
//! holds its calls' units for at most that long. A reservation that expired meanwhile (the
//! database was out for longer) is taken again, within the credit limit, at the renewal.

use std::{
	convert::Infallible,
	pin::Pin,
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc,
	},
	task::{Context, Poll},
	time::Duration,
};

use agora_primitives::ChannelId;
use axum::{
	body::{Body, Bytes},
	http::{HeaderMap, HeaderValue},
};
use http_body::Frame;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use tokio::{
	sync::{mpsc, Mutex as AsyncMutex, OwnedSemaphorePermit},
	task::AbortHandle,
};

use crate::{
	ledger::Refusal,
	metering::{units_for, MeterError},
	receipt::{CALL_UNITS_HEADER, OWED_HEADER},
	sse::{self, EventSplitter, Framing},
	store::CallId,
	Gateway, Slot,
};

/// What a finished call was charged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Charged {
	/// The units the channel owes now.
	pub owed_units: u64,
	/// The units this call added.
	pub call_units: u64,
}

impl Charged {
	/// `Agora-Owed-Units` and `Agora-Call-Units` on `headers`.
	pub fn write_headers(&self, headers: &mut HeaderMap) {
		headers.insert(OWED_HEADER, HeaderValue::from(self.owed_units));
		headers.insert(CALL_UNITS_HEADER, HeaderValue::from(self.call_units));
	}
}

/// A call admitted on a channel: it holds `reserved` units of the channel's ledger and a
/// request permit until it finishes.
pub struct PaidCall {
	gateway: Arc<Gateway>,
	slot: Arc<AsyncMutex<Slot>>,
	channel_id: ChannelId,
	call_id: CallId,
	/// The units reserved (the renewal reads them).
	reserved: Arc<AtomicU64>,
	/// The units the channel owed when the call was admitted: what the call says is owed
	/// when the store cannot tell.
	owed_at_admission: u64,
	/// Whether the reservation is still held: a call dropped before it finished (its client
	/// went away mid-request, or its usage could not be stored) gives it back.
	holding: bool,
	permit: Option<OwnedSemaphorePermit>,
	renewal: AbortHandle,
}

impl Drop for PaidCall {
	fn drop(&mut self) {
		self.renewal.abort();
		if !self.holding {
			return;
		}
		let (gateway, slot) = (self.gateway.clone(), self.slot.clone());
		let (channel_id, call_id) = (self.channel_id, self.call_id);
		tokio::spawn(async move {
			if let Err(e) = free_reservation(&gateway, &slot, channel_id, call_id).await {
				tracing::warn!(channel = channel_id, error = %e, "cannot free a reservation: it expires");
			}
		});
	}
}

/// Renews `call`'s reservation of `reserved` units on channel `id` every third of
/// `reservation_ttl` until aborted: an update of the reservation sets its expiry anew, and
/// takes again (within the credit limit) what expired.
async fn renew(
	gateway: Arc<Gateway>,
	slot: Arc<AsyncMutex<Slot>>,
	id: ChannelId,
	call: CallId,
	reserved: Arc<AtomicU64>,
) {
	loop {
		tokio::time::sleep(gateway.config.reservation_ttl / 3).await;
		let units = reserved.load(Ordering::Relaxed);
		if let Err(refusal) = reserve_up_to(&gateway, &slot, id, call, units).await {
			tracing::warn!(channel = id, %refusal, "cannot renew a reservation");
		}
	}
}

/// Brings `call`'s reservation on channel `id` up to `units` (within the deposit and the
/// credit limit); an update of it also sets its expiry anew.
async fn reserve_up_to(
	gateway: &Gateway,
	slot: &AsyncMutex<Slot>,
	id: ChannelId,
	call: CallId,
	units: u64,
) -> Result<(), Refusal> {
	let terms = &gateway.terms;
	gateway
		.with_account(id, slot, Some(call), |account, ledger| {
			match units.saturating_sub(ledger.reserved_by_call) {
				0 => Ok(()),
				missing => account.reserve(terms, missing),
			}
		})
		.await
		.map(drop)
}

/// Frees `call`'s reservation on channel `id`; returns the units the channel owes.
async fn free_reservation(
	gateway: &Gateway,
	slot: &AsyncMutex<Slot>,
	id: ChannelId,
	call: CallId,
) -> Result<u64, Refusal> {
	let (owed, _) = gateway
		.with_account(id, slot, Some(call), |account, ledger| {
			Ok(account.complete(&gateway.terms, ledger.reserved_by_call, 0))
		})
		.await?;
	Ok(owed)
}

impl PaidCall {
	/// A call admitted with `reserved` units reserved under `call_id`, when the channel owed
	/// `owed_units`.
	pub fn new(
		gateway: Arc<Gateway>,
		slot: Arc<AsyncMutex<Slot>>,
		channel_id: ChannelId,
		(call_id, reserved): (CallId, u64),
		owed_units: u64,
		permit: OwnedSemaphorePermit,
	) -> PaidCall {
		let reserved = Arc::new(AtomicU64::new(reserved));
		let renewal = tokio::spawn(renew(
			gateway.clone(),
			slot.clone(),
			channel_id,
			call_id,
			reserved.clone(),
		))
		.abort_handle();
		PaidCall {
			gateway,
			slot,
			channel_id,
			call_id,
			reserved,
			owed_at_admission: owed_units,
			holding: true,
			permit: Some(permit),
			renewal,
		}
	}

	/// The request permit, for the relay of a body after the call is charged.
	pub fn take_permit(&mut self) -> Option<OwnedSemaphorePermit> {
		self.permit.take()
	}

	fn quantity_per_unit(&self) -> u64 {
		self.gateway.terms.quantity_per_unit
	}

	/// Grows the call's reservation to cover `quantity` (its usage so far), or says why the
	/// channel cannot pay for it.
	pub async fn cover(&mut self, quantity: u64) -> Result<(), Refusal> {
		let units = units_for(quantity.into(), self.quantity_per_unit());
		let limit = self.gateway.config.max_units_per_call;
		if units > limit {
			return Err(Refusal::CallLimitReached(limit));
		}
		if units <= self.reserved.load(Ordering::Relaxed) {
			return Ok(());
		}
		reserve_up_to(&self.gateway, &self.slot, self.channel_id, self.call_id, units).await?;
		self.reserved.store(units, Ordering::Relaxed);
		Ok(())
	}

	/// The quantity a call that reported `measured` is charged.
	pub fn charge_for(&self, measured: Result<u64, MeterError>) -> u64 {
		let config = &self.gateway.config;
		let units = match measured {
			Ok(quantity) => {
				let most = config.max_units_per_call.saturating_mul(self.quantity_per_unit());
				return quantity.min(most);
			},
			Err(e) => {
				self.gateway.metrics.unmetered_responses.inc();
				tracing::warn!(channel = self.channel_id, error = %e, units = config.unmetered_units, "usage not reported: charged unmetered_units");
				config.unmetered_units
			},
		};
		units.saturating_mul(self.quantity_per_unit())
	}

	/// Records that the call used `quantity` (no more than the deposit still pays for) and
	/// frees its reservation, in one step; the usage is stored when this returns `Ok`. When
	/// it cannot be stored the call is not charged: the error says why, with the units the
	/// channel owed when the call was admitted.
	pub async fn finish(mut self, quantity: u64) -> Result<Charged, (Refusal, u64)> {
		let gateway = &self.gateway;
		let terms = &gateway.terms;
		let finished = gateway
			.with_account(self.channel_id, &self.slot, Some(self.call_id), |account, ledger| {
				let reserved = ledger.reserved_by_call;
				let room = account.quantity_room(terms, reserved);
				let quantity = u64::try_from(room).map_or(quantity, |room| quantity.min(room));
				let owed_before = account.owed_units(terms);
				Ok((owed_before, account.complete(terms, reserved, quantity)))
			})
			.await;
		match finished {
			Ok(((owed_before, owed_units), _)) => {
				self.holding = false;
				let call_units = owed_units.saturating_sub(owed_before);
				gateway.metrics.units_metered.inc_by(call_units);
				Ok(Charged { owed_units, call_units })
			},
			Err(refusal) => {
				gateway.metrics.store_errors.inc();
				tracing::error!(channel = self.channel_id, %refusal, "cannot store usage: the call is not charged and answers store_unavailable");
				Err((refusal, self.owed_at_admission))
			},
		}
	}

	/// The call is not charged (the upstream failed): frees its reservation; returns the
	/// units the channel owes.
	pub async fn release(mut self) -> u64 {
		match free_reservation(&self.gateway, &self.slot, self.channel_id, self.call_id).await {
			Ok(owed) => {
				self.holding = false;
				owed
			},
			Err(_) => self.owed_at_admission,
		}
	}
}

/// A response body fed by the relay task.
pub struct RelayedBody {
	frames: mpsc::Receiver<Frame<Bytes>>,
}

impl http_body::Body for RelayedBody {
	type Data = Bytes;
	type Error = Infallible;

	fn poll_frame(
		mut self: Pin<&mut Self>,
		cx: &mut Context<'_>,
	) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
		self.frames.poll_recv(cx).map(|frame| frame.map(Ok))
	}
}

/// How a relayed response is metered and tells what it cost. A metered body's usage is
/// read from its pieces that carry the usage field (json_field meters), else from its
/// trailers (header meters).
pub enum Relay {
	/// Passed through as it is (not charged, or charged from the head already); holds the
	/// request permit until the body ends.
	PassThrough(Option<OwnedSemaphorePermit>),
	/// A stream relayed piece by piece. Server-Sent Events end with the gateway's usage
	/// event (or an error event when cut off); JSON lines with the trailers below.
	Framed(PaidCall, Framing),
	/// Another streamed body, ended with `Agora-Owed-Units` / `Agora-Call-Units` trailers.
	Trailers(PaidCall),
}

/// How a relayed upstream body ended.
enum End {
	Complete,
	/// The gateway cut the stream off: the channel cannot pay for more.
	Cut(Refusal),
	Upstream(String),
}

/// Frames buffered between the upstream and a slow client.
const RELAY_BUFFER: usize = 16;

/// Relays `upstream` to the client as it arrives (each next frame within
/// `upstream_timeout`), metering it as `relay` says, in a task of its own.
pub fn relay(gateway: Arc<Gateway>, upstream: Incoming, relay: Relay) -> Body {
	let (frames, receiver) = mpsc::channel(RELAY_BUFFER);
	tokio::spawn(run(gateway, upstream, relay, frames));
	Body::new(RelayedBody { frames: receiver })
}

async fn run(
	gateway: Arc<Gateway>,
	mut upstream: Incoming,
	relay: Relay,
	frames: mpsc::Sender<Frame<Bytes>>,
) {
	let (idle, client_timeout) = (gateway.config.upstream_timeout, gateway.config.client_timeout);
	let (mut call, framing, _permit) = match relay {
		Relay::PassThrough(permit) => (None, None, permit),
		Relay::Framed(call, framing) => (Some(call), Some(framing), None),
		Relay::Trailers(call) => (Some(call), None, None),
	};
	// Only an event stream can carry the gateway's last word as an event.
	let events = framing == Some(Framing::Sse);
	let mut splitter =
		framing.map(|framing| EventSplitter::new(framing, gateway.config.max_body_bytes));
	// The largest usage the stream reported, even one the channel could not cover.
	let mut reported: Option<u64> = None;
	let mut trailers: Option<HeaderMap> = None;
	// Once the client is gone (or stops reading) the upstream is still read to its end,
	// without relaying, so that the call is charged the usage it reports.
	let mut client_gone = false;
	let end = 'relay: loop {
		let frame = match next_frame(&mut upstream, idle).await {
			Ok(Some(frame)) => frame,
			Ok(None) => break End::Complete,
			Err(e) => break End::Upstream(e),
		};
		let data = match frame.into_data() {
			Ok(data) => data,
			Err(frame) => {
				if let Ok(upstream_trailers) = frame.into_trailers() {
					trailers = Some(upstream_trailers);
				}
				continue;
			},
		};
		let pieces = match splitter.as_mut().map(|s| s.push(&data)) {
			None => vec![data],
			Some(Ok(pieces)) => pieces,
			Some(Err(too_long)) => {
				break End::Upstream(format!("an event longer than {} bytes", too_long.0))
			},
		};
		for piece in pieces {
			if let Err(refusal) =
				meter_piece(&gateway, call.as_mut(), framing, &piece, &mut reported).await
			{
				break 'relay End::Cut(refusal);
			}
			if !client_gone && !deliver(&frames, Frame::data(piece), client_timeout).await {
				client_gone = true;
			}
		}
	};
	// A last piece without its line end is metered and relayed too.
	if let (End::Complete, Some(rest)) = (&end, splitter.and_then(EventSplitter::finish)) {
		match meter_piece(&gateway, call.as_mut(), framing, &rest, &mut reported).await {
			Ok(()) if !client_gone => {
				client_gone = !deliver(&frames, Frame::data(rest), client_timeout).await
			},
			_ => {},
		}
	}
	let Some(call) = call else {
		if let Some(trailers) = trailers {
			let _ = frames.send(Frame::trailers(trailers)).await;
		}
		return;
	};
	if let End::Upstream(e) = &end {
		tracing::warn!(channel = call.channel_id, error = %e, "upstream stream failed");
	}
	let quantity = call.charge_for(match (reported, &trailers) {
		(Some(quantity), _) => Ok(quantity),
		(None, Some(trailers)) => gateway
			.config
			.meter
			.header_quantity(trailers)
			.unwrap_or_else(|| Err(MeterError::MissingHeader("usage trailer".into()))),
		(None, None) => Err(MeterError::MissingField("usage in the stream".into())),
	});
	let channel_id = call.channel_id;
	let finished = call.finish(quantity).await;
	if let End::Cut(refusal) = &end {
		gateway.metrics.streams_cut.with_label_values(&[refusal.reason()]).inc();
		tracing::info!(channel = channel_id, reason = refusal.reason(), "stream cut off");
	}
	if client_gone {
		return;
	}
	let last = match (&end, finished, framing) {
		(End::Cut(refusal), Ok(charged), Some(framing)) => {
			Frame::data(sse::error_piece(framing, refusal, charged.owed_units, charged.call_units))
		},
		(_, Ok(charged), _) if events => {
			Frame::data(sse::usage_event(charged.owed_units, charged.call_units))
		},
		(_, Ok(charged), _) => {
			let mut headers = trailers.unwrap_or_default();
			charged.write_headers(&mut headers);
			Frame::trailers(headers)
		},
		(_, Err((refusal, owed_units)), Some(framing)) => {
			Frame::data(sse::error_piece(framing, &refusal, owed_units, 0))
		},
		(_, Err(_), None) => return,
	};
	deliver(&frames, last, client_timeout).await;
}

/// Meters one piece of a stream: a usage it reports grows the call's reservation, or cuts
/// the stream off when the channel cannot pay for it. `reported` keeps the largest usage
/// reported.
async fn meter_piece(
	gateway: &Gateway,
	call: Option<&mut PaidCall>,
	framing: Option<Framing>,
	piece: &[u8],
	reported: &mut Option<u64>,
) -> Result<(), Refusal> {
	let (Some(call), Some(framing)) = (call, framing) else { return Ok(()) };
	let Some(quantity) = gateway.config.meter.event_quantity(&framing.data(piece)) else {
		return Ok(());
	};
	let largest = reported.map_or(quantity, |seen| seen.max(quantity));
	*reported = Some(largest);
	call.cover(largest).await
}

/// Hands `frame` to the client within `timeout`; false when the client is gone or does
/// not read.
async fn deliver(
	frames: &mpsc::Sender<Frame<Bytes>>,
	frame: Frame<Bytes>,
	timeout: Duration,
) -> bool {
	matches!(tokio::time::timeout(timeout, frames.send(frame)).await, Ok(Ok(())))
}

async fn next_frame(
	upstream: &mut Incoming,
	idle: Duration,
) -> Result<Option<Frame<Bytes>>, String> {
	match tokio::time::timeout(idle, upstream.frame()).await {
		Err(_) => Err(format!("no data for {idle:?}")),
		Ok(None) => Ok(None),
		Ok(Some(Err(e))) => Err(e.to_string()),
		Ok(Some(Ok(frame))) => Ok(Some(frame)),
	}
}
