//! The HTTP front: every path is a paid call forwarded to the upstream, except
//!
//! - `GET /health`: whether the node answers (200/503) and what the gateway holds;
//! - `GET /metrics`: Prometheus metrics;
//! - `GET /agora/channels/{id}`: the gateway's accounts of a channel, for its signer (a
//!   request carrying one of its receipts) or the operator (bearer token);
//! - `POST /agora/receipts`: hand in a receipt without a call (to pay what is owed).
//!
//! A request with no receipt but `Agora-Caller` headers asks for a free call
//! ([`free_calls`]), when the gateway gives them.
//!
//! A paid call is checked in this order, so that nothing costly is done for a request
//! that is not paid for: the receipt headers and the declared body size, a request
//! permit, the receipt against the channel (and its reservation); only then is the body
//! read (bounded) and the call forwarded.

use std::{sync::Arc, time::Duration};

use axum::{
	body::{Body, Bytes},
	extract::{Path, Request, State},
	http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode, Uri},
	response::{IntoResponse, Response},
	routing::{get, post},
	Json, Router,
};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use serde_json::json;
use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};
use tokio::sync::{Mutex as AsyncMutex, OwnedSemaphorePermit};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::{
	call::{self, PaidCall, Relay},
	config::AllowOrigins,
	free_calls::{self, FreeCalls},
	ledger::{ChainChannel, ChannelAccount, Refusal},
	metering::{Meter, MeterError},
	receipt::{self, PresentedReceipt, OWED_HEADER},
	sse::Framing,
	store::{self, CallId, FreeCallOutcome, Ledger},
	Gateway, Slot,
};

/// The gateway's routes.
pub fn router(gateway: Arc<Gateway>) -> Router {
	let cors = cors(&gateway.config.allow_origins);
	let for_pages = Router::new()
		.route("/health", get(health))
		.route("/agora/channels/{id}", get(channel))
		.route("/agora/receipts", post(hand_in_receipt))
		.fallback(paid_call)
		.with_state(gateway.clone());
	let for_pages = match cors {
		Some(cors) => for_pages.layer(cors),
		None => for_pages,
	};
	// The metrics are the operator's: no web page may read them through a visitor's
	// browser, whatever `allow_origins` says.
	Router::new()
		.route("/metrics", get(metrics))
		.with_state(gateway)
		.merge(for_pages)
}

/// What browsers are told about cross-origin calls (`allow_origins`). An `OPTIONS`
/// request (a preflight) is answered here and never reaches the upstream; every header is
/// allowed and exposed, so that a page can send receipts and read `Agora-Owed-Units`.
fn cors(origins: &AllowOrigins) -> Option<CorsLayer> {
	let allowed = match origins {
		AllowOrigins::None => return None,
		AllowOrigins::Any => AllowOrigin::any(),
		AllowOrigins::List(list) => AllowOrigin::list(list.iter().cloned()),
	};
	Some(
		CorsLayer::new()
			.allow_origin(allowed)
			.allow_methods(tower_http::cors::Any)
			.allow_headers(tower_http::cors::Any)
			.expose_headers(tower_http::cors::Any)
			.max_age(Duration::from_secs(600)),
	)
}

fn refused(gateway: &Gateway, refusal: Refusal, owed_units: Option<u64>) -> Response {
	gateway.metrics.refusals.with_label_values(&[refusal.reason()]).inc();
	gateway.metrics.requests.with_label_values(&["refused"]).inc();
	tracing::info!(reason = refusal.reason(), %refusal, "refused");
	let status =
		StatusCode::from_u16(refusal.status()).expect("refusal statuses are valid HTTP codes");
	let mut body = json!({ "error": refusal.reason(), "message": refusal.to_string() });
	if let Some(owed) = owed_units {
		body["owedUnits"] = owed.into();
	}
	if let Refusal::ReceiptTooLow { required_units, .. } = refusal {
		body["requiredUnits"] = required_units.into();
	}
	if let Refusal::FreeCallsExhausted { .. } | Refusal::FreeCallBudgetExhausted { .. } = refusal {
		let provider = gateway.provider().to_ss58check_with_version(Ss58AddressFormat::custom(
			agora_primitives::token::SS58_PREFIX,
		));
		body["pay"] = json!({
			"serviceId": gateway.terms.service_id,
			"provider": provider,
			"how": "open a payment channel to this service (metering.openChannel) and send its receipts in the Agora-Channel, Agora-Units and Agora-Signature headers: docs/payments.md",
		});
	}
	let mut response = (status, Json(body)).into_response();
	if let Some(owed) = owed_units {
		response.headers_mut().insert(OWED_HEADER, HeaderValue::from(owed));
	}
	response
}

fn failed(status: StatusCode, error: &str, message: String) -> Response {
	tracing::warn!(error, %message, "request failed");
	(status, Json(json!({ "error": error, "message": message }))).into_response()
}

async fn health(State(gateway): State<Arc<Gateway>>) -> Response {
	let node_up = !gateway.assumed_head().stale;
	let status = if node_up { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
	let body = json!({
		"status": if node_up { "ok" } else { "node unreachable" },
		"bestBlock": gateway.best_block(),
		"serviceId": gateway.terms.service_id,
		"channels": gateway.slots().len(),
	});
	(status, Json(body)).into_response()
}

async fn metrics(State(gateway): State<Arc<Gateway>>) -> Response {
	([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], gateway.metrics.render())
		.into_response()
}

fn channel_json(gateway: &Gateway, account: &ChannelAccount, ledger: &Ledger) -> serde_json::Value {
	json!({
		"channelId": account.id,
		"owedUnits": account.owed_units(&gateway.terms),
		"signedUnits": account.signed_units(),
		"claimedUnits": account.chain.claimed_units(),
		"reservedUnits": account.reserved,
		"unclaimedValue": account.unclaimed_value().to_string(),
		"pricePerUnit": account.chain.price_per_unit.to_string(),
		"deposit": account.chain.deposit.to_string(),
		"expiresAt": account.chain.expires_at,
		"abandoned": ledger.abandoned,
	})
}

/// Whether `headers` carry `token` as a bearer token (compared in constant time).
fn is_operator(headers: &HeaderMap, token: Option<&str>) -> bool {
	let (Some(token), Some(presented)) = (
		token,
		headers
			.get(header::AUTHORIZATION)
			.and_then(|v| v.to_str().ok())
			.and_then(|v| v.strip_prefix("Bearer ")),
	) else {
		return false;
	};
	presented.len() == token.len()
		&& presented.bytes().zip(token.bytes()).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0
}

async fn channel(
	State(gateway): State<Arc<Gateway>>,
	Path(id): Path<u64>,
	headers: HeaderMap,
) -> Response {
	let operator = is_operator(&headers, gateway.config.operator_token.as_deref());
	// Anyone else proves they hold the channel's signing key: a receipt of this channel
	// (any units) in the request's headers.
	let presented = match operator {
		true => None,
		false => match receipt::from_headers(&headers) {
			Ok(presented) if presented.channel_id == id => Some(presented),
			_ => return unauthorized(id),
		},
	};
	let slot = match gateway.slot(id).await {
		Ok(slot) => slot,
		Err(Refusal::UnknownChannel(_)) => {
			return failed(
				StatusCode::NOT_FOUND,
				"unknown_channel",
				format!("channel {id} does not exist on chain"),
			)
		},
		Err(refusal) => return refused(&gateway, refusal, None),
	};
	let chain = slot.lock().await.chain.clone();
	if let Some(presented) = presented {
		let account = ChannelAccount::of(id, chain.clone(), &Ledger::default());
		if account
			.verify(&gateway.terms, presented.cumulative_units, &presented.signature)
			.is_err()
		{
			return unauthorized(id);
		}
	}
	accounts_response(&gateway, id, chain).await
}

/// Channel `id`'s accounts as JSON: `chain` and its ledger as the store has it now.
async fn accounts_response(gateway: &Gateway, id: u64, chain: ChainChannel) -> Response {
	match gateway.store.ledger(id).await {
		Ok(ledger) => {
			let account = ChannelAccount::of(id, chain, &ledger);
			Json(channel_json(gateway, &account, &ledger)).into_response()
		},
		Err(e) => refused(gateway, e.into(), None),
	}
}

fn unauthorized(id: u64) -> Response {
	failed(
		StatusCode::UNAUTHORIZED,
		"unauthorized",
		format!("channel {id}'s accounts are shown to its signer (send one of its receipts in the Agora-* headers) or to the operator"),
	)
}

/// Checks `presented` against its channel and keeps it if it is the best; with
/// `reservation`, also sets that many units aside for the call it names. Returns the
/// channel's slot and the units the channel owes. The slot is never locked while the node
/// is asked.
async fn admit(
	gateway: &Gateway,
	presented: &PresentedReceipt,
	reservation: Option<(CallId, u64)>,
) -> Result<(Arc<AsyncMutex<Slot>>, u64), (Refusal, Option<u64>)> {
	let id = presented.channel_id;
	let slot = gateway.slot(id).await.map_err(|r| (r, None))?;
	match gateway.refresh(id, &slot, false).await {
		// The cached state stays safe to serve from: deposits only grow, and expiry is
		// checked against the head assumed while the node is silent.
		Err(Refusal::ChainUnavailable(e)) => {
			tracing::warn!(error = %e, "serving from cached chain state")
		},
		other => other.map_err(|r| (r, None))?,
	}
	let mut refreshed = false;
	loop {
		match check(gateway, &slot, presented, reservation).await {
			// A top-up or an extension may have happened since the last read: look once.
			Err((refusal, _)) if refusal.may_change_on_chain() && !refreshed => {
				refreshed = true;
				gateway.refresh(id, &slot, true).await.map_err(|r| (r, None))?;
			},
			// What the channel owes is told only to whoever signed a receipt it accepted.
			Err((
				refusal @ (Refusal::ReceiptTooLow { .. } | Refusal::DepositExhausted { .. }),
				owed,
			)) => return Err((refusal, Some(owed))),
			Err((refusal, _)) => return Err((refusal, None)),
			Ok(owed) => return Ok((slot, owed)),
		}
	}
}

/// Checks `presented` against the channel's chain state (no database work for a receipt
/// that fails), then keeps it if it is the best and reserves for the call, in one update
/// of the channel's ledger: a better receipt is kept even when the reservation is
/// refused. Returns the units owed, with the refusal too.
async fn check(
	gateway: &Gateway,
	slot: &AsyncMutex<Slot>,
	presented: &PresentedReceipt,
	reservation: Option<(CallId, u64)>,
) -> Result<u64, (Refusal, u64)> {
	let head = gateway.assumed_head();
	let terms = &gateway.terms;
	let (id, units, signature) =
		(presented.channel_id, presented.cumulative_units, &presented.signature);
	let (chain, known) = {
		let slot = slot.lock().await;
		let known = slot.verified.as_ref().is_some_and(|(u, s)| *u == units && s == signature);
		(slot.chain.clone(), known)
	};
	ChannelAccount::of(id, chain, &Ledger::default())
		.check_receipt(terms, head.number, units, signature, known)
		.map_err(|refusal| match refusal {
			// Not the client's doing: the node is silent and the channel may have expired.
			Refusal::ChannelExpiring { channel, expires_at } if head.stale => {
				Refusal::ChainUnavailable(format!(
					"the node has not answered for over {:?} and channel {channel}, expiring at block {expires_at}, may be within {} blocks of it by now (block {})",
					gateway.config.max_chain_age, terms.expiry_margin, head.number
				))
			},
			refusal => refusal,
		})
		.map_err(|refusal| (refusal, 0))?;
	slot.lock().await.verified = Some((units, signature.clone()));
	let call = reservation.map(|(call, _)| call);
	let (admitted, _) = gateway
		.with_account(id, slot, call, |account, ledger| {
			if account.keep_receipt(units, signature) {
				// A new receipt is worth trying to settle again, whatever failed before.
				ledger.abandoned = None;
			}
			let limit = gateway.config.max_calls_per_channel;
			let reserved = match reservation {
				// Every replica's calls count: one channel cannot take the whole gateway.
				Some(_) if ledger.other_calls >= limit => {
					Err(Refusal::ChannelBusy { channel: id, limit })
				},
				Some((_, units)) => account.reserve(terms, units),
				None => Ok(()),
			};
			let owed = account.owed_units(terms);
			Ok(reserved.map(|()| owed).map_err(|refusal| (refusal, owed)))
		})
		.await
		.map_err(|refusal| (refusal, 0))?;
	admitted
}

async fn hand_in_receipt(State(gateway): State<Arc<Gateway>>, headers: HeaderMap) -> Response {
	let presented = match receipt::from_headers(&headers) {
		Ok(presented) => presented,
		Err(refusal) => return refused(&gateway, refusal, None),
	};
	// Counted with the paid requests: every request that may reach the database is.
	let _permit = match take_permit(&gateway, &headers) {
		Ok(permit) => permit,
		Err(refusal) => return refused(&gateway, refusal, None),
	};
	match admit(&gateway, &presented, None).await {
		Ok((slot, _)) => {
			let chain = slot.lock().await.chain.clone();
			accounts_response(&gateway, presented.channel_id, chain).await
		},
		Err((refusal, owed)) => refused(&gateway, refusal, owed),
	}
}

/// Headers not copied across the proxy: the hop-by-hop ones (RFC 9110 §7.6.1) and those
/// the HTTP stack sets for the new message (`host`, `content-length`).
fn hop_by_hop(name: &HeaderName) -> bool {
	matches!(
		name.as_str(),
		"connection"
			| "keep-alive"
			| "proxy-authenticate"
			| "proxy-authorization"
			| "te" | "trailer"
			| "transfer-encoding"
			| "upgrade"
			| "host" | "content-length"
	)
}

fn upstream_uri(base: &Uri, request: &Uri) -> Result<Uri, String> {
	let prefix = base.path().trim_end_matches('/');
	let path_and_query = request.path_and_query().map_or("/", |p| p.as_str());
	let mut parts = base.clone().into_parts();
	parts.path_and_query = Some(
		format!("{prefix}{path_and_query}")
			.parse()
			.map_err(|e| format!("bad upstream path: {e}"))?,
	);
	Uri::from_parts(parts).map_err(|e| e.to_string())
}

/// A body this small is read and dropped when its request is refused unread, so that the
/// connection can carry the client's retry.
const DRAINED_BODY: usize = 64 * 1024;
/// How long a refused request's small body may take to arrive.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(1);

fn declared_length(headers: &HeaderMap) -> Option<u64> {
	headers
		.get(header::CONTENT_LENGTH)
		.and_then(|v| v.to_str().ok())
		.and_then(|v| v.parse().ok())
}

/// Refuses a request before its body was read. An HTTP/1 connection cannot carry another
/// request past an unread body: a small one is read and dropped, so the client's retry
/// (with a better receipt) reuses the connection; any other body is never read and the
/// answer closes the connection (`Connection: close`), which the client sees.
async fn refused_unread(
	gateway: &Gateway,
	request: Request,
	refusal: Refusal,
	owed: Option<u64>,
) -> Response {
	let declared = declared_length(request.headers());
	let waits_for_continue = request.headers().contains_key(header::EXPECT);
	let mut response = refused(gateway, refusal, owed);
	let body = request.into_body();
	let reusable = http_body::Body::is_end_stream(&body)
		|| match declared {
			Some(length) if length <= DRAINED_BODY as u64 && !waits_for_continue => {
				let drain = Limited::new(body, DRAINED_BODY).collect();
				matches!(tokio::time::timeout(DRAIN_TIMEOUT, drain).await, Ok(Ok(_)))
			},
			_ => false,
		};
	if !reusable {
		response
			.headers_mut()
			.insert(header::CONNECTION, HeaderValue::from_static("close"));
	}
	response
}

/// A request permit, if the declared body is within `max_body_bytes` and the gateway is
/// not serving all the requests it may.
fn take_permit(gateway: &Gateway, headers: &HeaderMap) -> Result<OwnedSemaphorePermit, Refusal> {
	let limit = gateway.config.max_body_bytes;
	if declared_length(headers).is_some_and(|length| length > limit as u64) {
		return Err(Refusal::BodyTooLarge(limit));
	}
	gateway
		.requests
		.clone()
		.try_acquire_owned()
		.map_err(|_| Refusal::Overloaded(gateway.config.max_concurrent_requests))
}

/// A request's body, read whole within `max_body_bytes` and `client_timeout`.
async fn read_request(gateway: &Gateway, body: Body) -> Result<Bytes, Refusal> {
	let (limit, timeout) = (gateway.config.max_body_bytes, gateway.config.client_timeout);
	match tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await {
		Ok(Ok(collected)) => Ok(gateway.config.meter.prepare_request(collected.to_bytes())),
		Ok(Err(_)) => Err(Refusal::BodyTooLarge(limit)),
		Err(_) => Err(Refusal::RequestTimeout(timeout)),
	}
}

async fn paid_call(State(gateway): State<Arc<Gateway>>, request: Request) -> Response {
	let presented = match receipt::from_headers(request.headers()) {
		Ok(presented) => presented,
		Err(Refusal::MissingReceipt) if free_calls::asked(request.headers()) => {
			if let Some(free) = gateway.config.free_calls.clone() {
				return free_call(gateway, request, &free).await;
			}
			return refused_unread(&gateway, request, Refusal::MissingReceipt, None).await;
		},
		Err(refusal) => return refused_unread(&gateway, request, refusal, None).await,
	};
	let permit = match take_permit(&gateway, request.headers()) {
		Ok(permit) => permit,
		Err(refusal) => return refused_unread(&gateway, request, refusal, None).await,
	};
	let reservation = (store::new_call_id(), gateway.config.meter.reservation());
	let (slot, owed) = match admit(&gateway, &presented, Some(reservation)).await {
		Ok(admitted) => admitted,
		Err((refusal, owed)) => return refused_unread(&gateway, request, refusal, owed).await,
	};
	let call =
		PaidCall::new(gateway.clone(), slot, presented.channel_id, reservation, owed, permit);

	// Only now, for a call that is paid for, is the body read (bounded, in time too).
	let (parts, body) = request.into_parts();
	let body = match read_request(&gateway, body).await {
		Ok(body) => body,
		Err(refusal) => {
			let owed = call.release().await;
			return refused(&gateway, refusal, Some(owed));
		},
	};
	let response = match forward(&gateway, &parts, body).await {
		Ok(response) => response,
		Err(message) => {
			let owed = call.release().await;
			gateway.metrics.requests.with_label_values(&["upstream_error"]).inc();
			let mut response = failed(StatusCode::BAD_GATEWAY, "upstream_unavailable", message);
			response.headers_mut().insert(OWED_HEADER, HeaderValue::from(owed));
			return response;
		},
	};
	gateway.metrics.requests.with_label_values(&["forwarded"]).inc();
	tracing::debug!(channel = presented.channel_id, status = %response.status(), "forwarded");
	answer(gateway, call, response).await
}

/// A free call: the caller's signature and allowance are checked and one call counted
/// before the body is read; the upstream's answer is passed through, not metered.
async fn free_call(gateway: Arc<Gateway>, request: Request, free: &FreeCalls) -> Response {
	let permit = match take_permit(&gateway, request.headers()) {
		Ok(permit) => permit,
		Err(refusal) => return refused_unread(&gateway, request, refusal, None).await,
	};
	let now = store::unix_now();
	let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
	let method = request.method().as_str();
	let caller = match free_calls::authenticate(
		request.headers(),
		method,
		path,
		&gateway.terms,
		free.window,
		now,
	) {
		Ok(caller) => caller,
		Err(refusal) => return refused_unread(&gateway, request, refusal, None).await,
	};
	let renews_at = free.renews_at(now);
	let used = match gateway.store.take_free_call(&free.request(&caller, now)).await {
		Ok(FreeCallOutcome::Granted { used }) => used,
		Ok(outcome) => {
			let refusal = match outcome {
				FreeCallOutcome::Exhausted => {
					Refusal::FreeCallsExhausted { allowance: free.allowance, renews_at }
				},
				FreeCallOutcome::BudgetExhausted => Refusal::FreeCallBudgetExhausted { renews_at },
				_ => Refusal::ReplayedRequest,
			};
			return refused_unread(&gateway, request, refusal, None).await;
		},
		Err(e) => return refused_unread(&gateway, request, e.into(), None).await,
	};
	let (parts, body) = request.into_parts();
	let body = match read_request(&gateway, body).await {
		Ok(body) => body,
		Err(refusal) => return refused(&gateway, refusal, None),
	};
	let response = match forward(&gateway, &parts, body).await {
		Ok(response) => response,
		Err(message) => {
			gateway.metrics.requests.with_label_values(&["upstream_error"]).inc();
			return failed(StatusCode::BAD_GATEWAY, "upstream_unavailable", message);
		},
	};
	gateway.metrics.requests.with_label_values(&["free"]).inc();
	let (mut parts, upstream) = response.into_parts();
	parts.headers = end_to_end(&parts.headers);
	let left = free.allowance.saturating_sub(used);
	parts.headers.insert(free_calls::LEFT_HEADER, HeaderValue::from(left));
	let body = call::relay(gateway.clone(), upstream, Relay::PassThrough(Some(permit)));
	Response::from_parts(parts, body)
}

/// The client's answer to a forwarded call: the upstream's response, metered.
async fn answer(
	gateway: Arc<Gateway>,
	call: PaidCall,
	response: hyper::Response<Incoming>,
) -> Response {
	let (mut parts, upstream) = response.into_parts();
	parts.headers = end_to_end(&parts.headers);
	let mut call = call;
	let meter = &gateway.config.meter;
	let framing = parts
		.headers
		.get(header::CONTENT_TYPE)
		.and_then(|v| v.to_str().ok())
		.and_then(Framing::of);
	let body = if !parts.status.is_success() {
		// The upstream failed the call: passed through, not charged.
		let permit = call.take_permit();
		let owed = call.release().await;
		parts.headers.insert(OWED_HEADER, HeaderValue::from(owed));
		parts.headers.insert(receipt::CALL_UNITS_HEADER, HeaderValue::from(0));
		call::relay(gateway.clone(), upstream, Relay::PassThrough(permit))
	} else if let Some(measured) = meter.quantity_from_head(&parts.headers) {
		// Per-request metering, or the usage in a response header: charged at once.
		let quantity = call.charge_for(measured);
		let permit = call.take_permit();
		match call.finish(quantity).await {
			Ok(charged) => charged.write_headers(&mut parts.headers),
			Err((refusal, owed)) => return refused(&gateway, refusal, Some(owed)),
		}
		call::relay(gateway.clone(), upstream, Relay::PassThrough(permit))
	} else if let Some(framing) = framing {
		call::relay(gateway.clone(), upstream, Relay::Framed(call, framing))
	} else if matches!(meter, Meter::JsonField { .. }) {
		// One JSON document: read whole (bounded), metered, then sent.
		let body = match read_body(&gateway, upstream).await {
			Ok(body) => body,
			Err(message) => {
				// The upstream did the work (it said 200), the body could not be read whole:
				// charged like a response whose usage cannot be read.
				let quantity = call.charge_for(Err(MeterError::NotJson(message.clone())));
				let owed = match call.finish(quantity).await {
					Ok(charged) => charged.owed_units,
					Err((refusal, owed)) => return refused(&gateway, refusal, Some(owed)),
				};
				let mut response = failed(StatusCode::BAD_GATEWAY, "upstream_unavailable", message);
				response.headers_mut().insert(OWED_HEADER, HeaderValue::from(owed));
				return response;
			},
		};
		let quantity = call.charge_for(meter.measure(&parts.headers, &body));
		match call.finish(quantity).await {
			Ok(charged) => charged.write_headers(&mut parts.headers),
			Err((refusal, owed)) => return refused(&gateway, refusal, Some(owed)),
		}
		Body::from(body)
	} else {
		// A header meter whose header is not in the head: the usage may come in trailers.
		call::relay(gateway.clone(), upstream, Relay::Trailers(call))
	};
	Response::from_parts(parts, body)
}

/// An upstream response's `headers` without the hop-by-hop ones and without its CORS
/// headers: what browsers may do is the gateway's policy (`allow_origins`), never the
/// upstream's (which could, say, allow credentials).
fn end_to_end(headers: &HeaderMap) -> HeaderMap {
	let mut kept = HeaderMap::with_capacity(headers.len());
	let passed =
		|name: &HeaderName| !hop_by_hop(name) && !name.as_str().starts_with("access-control-");
	for (name, value) in headers.iter().filter(|(name, _)| passed(name)) {
		kept.append(name, value.clone());
	}
	kept
}

/// Sends the request upstream; resolves to its response once the head arrived (within
/// `upstream_timeout`).
async fn forward(
	gateway: &Gateway,
	parts: &axum::http::request::Parts,
	body: Bytes,
) -> Result<hyper::Response<Incoming>, String> {
	let uri = upstream_uri(&gateway.config.upstream, &parts.uri)?;
	let mut request = hyper::Request::builder().method(parts.method.clone()).uri(uri);
	for (name, value) in parts.headers.iter() {
		if !hop_by_hop(name) && !name.as_str().starts_with("agora-") {
			request = request.header(name, value);
		}
	}
	let request = request.body(Full::new(body)).map_err(|e| e.to_string())?;
	let timeout = gateway.config.upstream_timeout;
	tokio::time::timeout(timeout, gateway.http.request(request))
		.await
		.map_err(|_| format!("upstream: no answer within {timeout:?}"))?
		.map_err(|e| format!("upstream: {e}"))
}

/// A whole upstream body, up to `max_body_bytes`, within `upstream_timeout`.
async fn read_body(gateway: &Gateway, body: Incoming) -> Result<Bytes, String> {
	let (limit, timeout) = (gateway.config.max_body_bytes, gateway.config.upstream_timeout);
	tokio::time::timeout(timeout, Limited::new(body, limit).collect())
		.await
		.map_err(|_| format!("upstream response: not complete within {timeout:?}"))?
		.map(|collected| collected.to_bytes())
		.map_err(|e| format!("upstream response: {e} (limit {limit} bytes)"))
}
#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn upstream_paths_keep_the_base_prefix_and_the_query() {
		let base: Uri = "http://127.0.0.1:9000/v1/".parse().unwrap();
		let request: Uri = "/chat/completions?stream=false".parse().unwrap();
		assert_eq!(
			upstream_uri(&base, &request).unwrap(),
			"http://127.0.0.1:9000/v1/chat/completions?stream=false"
		);
		let bare: Uri = "http://127.0.0.1:9000".parse().unwrap();
		assert_eq!(upstream_uri(&bare, &"/x".parse().unwrap()).unwrap(), "http://127.0.0.1:9000/x");
	}

	#[test]
	fn connection_headers_are_not_forwarded() {
		assert!(hop_by_hop(&HeaderName::from_static("connection")));
		assert!(hop_by_hop(&HeaderName::from_static("host")));
		assert!(!hop_by_hop(&HeaderName::from_static("authorization")));
		assert!(!hop_by_hop(&HeaderName::from_static("content-type")));
	}

	#[test]
	fn the_upstreams_cors_headers_never_reach_browsers() {
		let mut upstream = HeaderMap::new();
		upstream.insert("content-type", HeaderValue::from_static("application/json"));
		upstream.insert("connection", HeaderValue::from_static("close"));
		upstream.insert(
			"access-control-allow-origin",
			HeaderValue::from_static("https://evil.example"),
		);
		upstream.insert("access-control-allow-credentials", HeaderValue::from_static("true"));
		let kept = end_to_end(&upstream);
		assert_eq!(kept.len(), 1);
		assert_eq!(kept["content-type"], "application/json");
	}
}
