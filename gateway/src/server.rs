//! The HTTP front: every path is a paid call forwarded to the upstream, except
//!
//! - `GET /health`: whether the node answers (200/503) and what the gateway holds;
//! - `GET /metrics`: Prometheus metrics;
//! - `GET /agora/channels/{id}`: the gateway's accounts of a channel;
//! - `POST /agora/receipts`: hand in a receipt without a call (to pay what is owed).

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
use serde_json::json;

use crate::{
	ledger::Refusal,
	receipt::{self, PresentedReceipt, CALL_UNITS_HEADER, OWED_HEADER},
	Gateway, Slot,
};

/// The node is considered down when its head was not read for this long.
const HEAD_STALE_AFTER: Duration = Duration::from_secs(30);

/// The gateway's routes.
pub fn router(gateway: Arc<Gateway>) -> Router {
	Router::new()
		.route("/health", get(health))
		.route("/metrics", get(metrics))
		.route("/agora/channels/{id}", get(channel))
		.route("/agora/receipts", post(hand_in_receipt))
		.fallback(paid_call)
		.with_state(gateway)
}

fn refused(gateway: &Gateway, refusal: Refusal, owed_units: Option<u64>) -> Response {
	gateway.metrics.refusals.with_label_values(&[refusal.reason()]).inc();
	gateway.metrics.requests.with_label_values(&["refused"]).inc();
	tracing::info!(reason = refusal.reason(), %refusal, "refused");
	let status = if refusal.is_unavailable() {
		StatusCode::SERVICE_UNAVAILABLE
	} else {
		StatusCode::PAYMENT_REQUIRED
	};
	let mut body = json!({ "error": refusal.reason(), "message": refusal.to_string() });
	if let Some(owed) = owed_units {
		body["owedUnits"] = owed.into();
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
	let node_up = gateway.head_seen_at().is_some_and(|at| at.elapsed() < HEAD_STALE_AFTER);
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

fn channel_json(gateway: &Gateway, slot: &Slot) -> serde_json::Value {
	let account = &slot.account;
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
		"abandoned": slot.abandoned,
	})
}

async fn channel(State(gateway): State<Arc<Gateway>>, Path(id): Path<u64>) -> Response {
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
	let slot = slot.lock().await;
	Json(channel_json(&gateway, &slot)).into_response()
}

/// Checks `presented` against its channel and keeps it if it is the best; with
/// `reservation`, also sets that many units aside for a call. Returns the channel's slot
/// and the units owed before the call.
async fn admit(
	gateway: &Gateway,
	presented: &PresentedReceipt,
	reservation: Option<u64>,
) -> Result<(Arc<tokio::sync::Mutex<Slot>>, u64), (Refusal, Option<u64>)> {
	let slot = gateway.slot(presented.channel_id).await.map_err(|r| (r, None))?;
	let mut guard = slot.lock().await;
	match gateway.refresh(&mut *guard, false).await {
		// The cached state stays safe to serve from: deposits only grow, expiry is checked.
		Err(Refusal::ChainUnavailable(e)) => {
			tracing::warn!(error = %e, "serving from cached chain state")
		},
		other => other.map_err(|r| (r, None))?,
	}
	let mut refreshed = false;
	loop {
		let result = check(gateway, &mut guard, presented, reservation).await;
		match result {
			// A top-up or an extension may have happened since the last read: look once.
			Err(refusal) if refusal.may_change_on_chain() && !refreshed => {
				refreshed = true;
				gateway.refresh(&mut *guard, true).await.map_err(|r| (r, None))?;
			},
			Err(refusal) => return Err((refusal, Some(guard.account.owed_units(&gateway.terms)))),
			Ok(()) => break,
		}
	}
	let owed = guard.account.owed_units(&gateway.terms);
	drop(guard);
	Ok((slot, owed))
}

async fn check(
	gateway: &Gateway,
	slot: &mut Slot,
	presented: &PresentedReceipt,
	reservation: Option<u64>,
) -> Result<(), Refusal> {
	let account = &mut slot.account;
	let improved = account.accept_receipt(
		&gateway.terms,
		gateway.best_block(),
		presented.cumulative_units,
		&presented.signature,
	)?;
	if improved {
		let best = account.best.clone().expect("just accepted");
		// On disk before anything is served on it.
		gateway
			.store
			.save_receipt(account.id, best)
			.await
			.map_err(|e| Refusal::StoreUnavailable(e.to_string()))?;
	}
	match reservation {
		Some(units) => account.reserve(&gateway.terms, units),
		None => Ok(()),
	}
}

async fn hand_in_receipt(State(gateway): State<Arc<Gateway>>, headers: HeaderMap) -> Response {
	let presented = match receipt::from_headers(&headers) {
		Ok(presented) => presented,
		Err(refusal) => return refused(&gateway, refusal, None),
	};
	match admit(&gateway, &presented, None).await {
		Ok((slot, _)) => {
			let slot = slot.lock().await;
			Json(channel_json(&gateway, &slot)).into_response()
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

async fn paid_call(State(gateway): State<Arc<Gateway>>, request: Request) -> Response {
	let presented = match receipt::from_headers(request.headers()) {
		Ok(presented) => presented,
		Err(refusal) => return refused(&gateway, refusal, None),
	};
	let (parts, body) = request.into_parts();
	let limit = gateway.config.max_body_bytes;
	let body = match Limited::new(body, limit).collect().await {
		Ok(collected) => collected.to_bytes(),
		Err(_) => {
			return failed(
				StatusCode::PAYLOAD_TOO_LARGE,
				"body_too_large",
				format!("request bodies are limited to {limit} bytes"),
			)
		},
	};
	let reservation = gateway.config.meter.reservation();
	let (slot, owed_before) = match admit(&gateway, &presented, Some(reservation)).await {
		Ok(admitted) => admitted,
		Err((refusal, owed)) => return refused(&gateway, refusal, owed),
	};

	let upstream = forward(&gateway, &parts, body).await;
	let (quantity, result) = match upstream {
		Ok((status, headers, body)) => {
			let quantity = if status.is_success() {
				gateway.config.meter.measure(&headers, &body).unwrap_or_else(|e| {
					gateway.metrics.unmetered_responses.inc();
					tracing::warn!(channel = presented.channel_id, error = %e, "response not metered");
					0
				})
			} else {
				0
			};
			(quantity, Ok((status, headers, body)))
		},
		Err(message) => (0, Err(message)),
	};

	let mut guard = slot.lock().await;
	let owed_after = guard.account.complete(&gateway.terms, reservation, quantity);
	if quantity > 0 {
		if let Err(e) = gateway.store.save_quantity(guard.account.id, guard.account.quantity).await
		{
			// Served but not recorded: say so loudly; the usage is still counted in memory.
			tracing::error!(channel = guard.account.id, error = %e, "cannot store usage");
		}
	}
	drop(guard);
	let call_units = owed_after.saturating_sub(owed_before);
	gateway.metrics.units_metered.inc_by(call_units);

	match result {
		Ok((status, headers, body)) => {
			gateway.metrics.requests.with_label_values(&["forwarded"]).inc();
			tracing::debug!(channel = presented.channel_id, %status, call_units, owed_after, "forwarded");
			let mut response = Response::new(Body::from(body));
			*response.status_mut() = status;
			for (name, value) in headers.iter().filter(|(name, _)| !hop_by_hop(name)) {
				response.headers_mut().append(name, value.clone());
			}
			response.headers_mut().insert(OWED_HEADER, HeaderValue::from(owed_after));
			response.headers_mut().insert(CALL_UNITS_HEADER, HeaderValue::from(call_units));
			response
		},
		Err(message) => {
			gateway.metrics.requests.with_label_values(&["upstream_error"]).inc();
			let mut response = failed(StatusCode::BAD_GATEWAY, "upstream_unavailable", message);
			response.headers_mut().insert(OWED_HEADER, HeaderValue::from(owed_after));
			response
		},
	}
}

/// Sends the request upstream; returns its status, headers and (bounded) body.
async fn forward(
	gateway: &Gateway,
	parts: &axum::http::request::Parts,
	body: Bytes,
) -> Result<(StatusCode, HeaderMap, Bytes), String> {
	let uri = upstream_uri(&gateway.config.upstream, &parts.uri)?;
	let mut request = hyper::Request::builder().method(parts.method.clone()).uri(uri);
	for (name, value) in parts.headers.iter() {
		if !hop_by_hop(name) && !name.as_str().starts_with("agora-") {
			request = request.header(name, value);
		}
	}
	let request = request.body(Full::new(body)).map_err(|e| e.to_string())?;
	let response = gateway.http.request(request).await.map_err(|e| format!("upstream: {e}"))?;
	let (parts, body) = response.into_parts();
	let limit = gateway.config.max_body_bytes;
	let body = Limited::new(body, limit)
		.collect()
		.await
		.map_err(|e| format!("upstream response: {e} (limit {limit} bytes)"))?
		.to_bytes();
	Ok((parts.status, parts.headers, body))
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
}
