//! How many units a call used: a fixed number per request, or a quantity the upstream
//! reports (a response header, or a JSON field such as OpenAI's `usage.total_tokens`)
//! converted to the service's unit (`quantity_per_unit` = 1,000 for `Token1k`).
//!
//! A streamed response (Server-Sent Events) is metered from the events that carry the
//! usage field: OpenAI-style servers send it in a final event when the request asks for
//! it (`stream_options.include_usage`, which the gateway adds to streamed requests), some
//! (vLLM's `continuous_usage_stats`) in every event, which lets the gateway cut a stream
//! off as soon as the channel cannot pay for more.

use axum::{
	body::Bytes,
	http::{HeaderMap, HeaderName},
};
use serde_json::Value;

/// The largest request body the gateway parses to ask for a stream's usage.
pub const MAX_REWRITTEN_BODY: usize = 1024 * 1024;

/// Why a response's usage could not be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum MeterError {
	#[error("the response has no '{0}' header")]
	MissingHeader(String),
	#[error("the '{0}' header is not a whole number")]
	BadHeader(String),
	#[error("the response body is not JSON: {0}")]
	NotJson(String),
	#[error("the response JSON has no whole number at '{0}'")]
	MissingField(String),
}

/// A service's unit meter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Meter {
	/// Every successful call costs `units`.
	PerRequest { units: u64 },
	/// The upstream reports the call's quantity in a response header.
	Header { name: HeaderName, quantity_per_unit: u64, reserve_units: u64 },
	/// The upstream reports the call's quantity in a field of its JSON body
	/// (`path` = the dotted field name split at the dots).
	JsonField { path: Vec<String>, quantity_per_unit: u64, reserve_units: u64 },
}

impl Meter {
	/// Units set aside for a call while it is in flight, before its usage is known.
	pub fn reservation(&self) -> u64 {
		match self {
			Meter::PerRequest { units } => *units,
			Meter::Header { reserve_units, .. } | Meter::JsonField { reserve_units, .. } => {
				*reserve_units
			},
		}
	}

	/// How much of the measured quantity makes one unit.
	pub fn quantity_per_unit(&self) -> u64 {
		match self {
			Meter::PerRequest { .. } => 1,
			Meter::Header { quantity_per_unit, .. }
			| Meter::JsonField { quantity_per_unit, .. } => *quantity_per_unit,
		}
	}

	/// The quantity a successful response used (in the upstream's measure, e.g. tokens).
	pub fn measure(&self, headers: &HeaderMap, body: &[u8]) -> Result<u64, MeterError> {
		match self {
			Meter::PerRequest { units } => Ok(*units),
			Meter::Header { .. } => self
				.header_quantity(headers)
				.unwrap_or_else(|| Err(MeterError::MissingHeader(self.header_name()))),
			Meter::JsonField { path, .. } => {
				let json: Value =
					serde_json::from_slice(body).map_err(|e| MeterError::NotJson(e.to_string()))?;
				field(&json, path).ok_or_else(|| MeterError::MissingField(path.join(".")))
			},
		}
	}

	/// The quantity known from the response head alone: always with per-request metering,
	/// with a header meter when the header is there (`None` otherwise: read the body or
	/// the trailers).
	pub fn quantity_from_head(&self, headers: &HeaderMap) -> Option<Result<u64, MeterError>> {
		match self {
			Meter::PerRequest { units } => Some(Ok(*units)),
			Meter::Header { .. } => self.header_quantity(headers),
			Meter::JsonField { .. } => None,
		}
	}

	/// A header meter's quantity in `headers` (response headers or trailers), if there.
	pub fn header_quantity(&self, headers: &HeaderMap) -> Option<Result<u64, MeterError>> {
		let Meter::Header { name, .. } = self else { return None };
		let value = headers.get(name)?;
		Some(
			value
				.to_str()
				.ok()
				.and_then(|text| text.trim().parse().ok())
				.ok_or_else(|| MeterError::BadHeader(name.to_string())),
		)
	}

	fn header_name(&self) -> String {
		match self {
			Meter::Header { name, .. } => name.to_string(),
			_ => String::new(),
		}
	}

	/// The quantity a streamed event reports so far, if it carries the usage field
	/// (`data` is the event's data: one JSON document).
	pub fn event_quantity(&self, data: &str) -> Option<u64> {
		let Meter::JsonField { path, .. } = self else { return None };
		field(&serde_json::from_str(data).ok()?, path)
	}

	/// A request as it is forwarded: a streamed JSON request (any `stream` but `false` or
	/// `null`, since lenient servers read `1` or `"true"` as true) metered from a JSON field
	/// asks the upstream for its usage (`stream_options.include_usage`), whatever the client
	/// asked. Bodies above `MAX_REWRITTEN_BODY` are forwarded as they are (parsing them would
	/// cost many times their size): a stream without usage is charged `unmetered_units`.
	pub fn prepare_request(&self, body: Bytes) -> Bytes {
		if !matches!(self, Meter::JsonField { .. }) || body.len() > MAX_REWRITTEN_BODY {
			return body;
		}
		let Ok(Value::Object(mut request)) = serde_json::from_slice::<Value>(&body) else {
			return body;
		};
		if matches!(request.get("stream"), None | Some(Value::Bool(false)) | Some(Value::Null)) {
			return body;
		}
		let options = request
			.entry("stream_options")
			.or_insert_with(|| Value::Object(Default::default()));
		if !options.is_object() {
			*options = Value::Object(Default::default());
		}
		options["include_usage"] = Value::Bool(true);
		Bytes::from(Value::Object(request).to_string())
	}
}

/// The whole number at `path` in `json`.
fn field(json: &Value, path: &[String]) -> Option<u64> {
	path.iter().try_fold(json, |value, key| value.get(key)).and_then(Value::as_u64)
}

/// Units owed for a cumulative `quantity`: rounded up once over the channel's whole
/// usage, not per call, so 300 + 300 + 400 tokens cost one `Token1k`, not three.
pub fn units_for(quantity: u128, quantity_per_unit: u64) -> u64 {
	let units = quantity.div_ceil(u128::from(quantity_per_unit.max(1)));
	u64::try_from(units).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
	use super::*;
	use axum::http::HeaderValue;

	fn json_meter() -> Meter {
		Meter::JsonField {
			path: vec!["usage".into(), "total_tokens".into()],
			quantity_per_unit: 1_000,
			reserve_units: 2,
		}
	}

	#[test]
	fn per_request_costs_its_units_whatever_the_response() {
		let meter = Meter::PerRequest { units: 3 };
		assert_eq!(meter.measure(&HeaderMap::new(), b"not json"), Ok(3));
		assert_eq!(meter.reservation(), 3);
		assert_eq!(meter.quantity_per_unit(), 1);
	}

	#[test]
	fn json_field_reads_openai_usage() {
		let body = br#"{"choices":[],"usage":{"prompt_tokens":12,"total_tokens":345}}"#;
		assert_eq!(json_meter().measure(&HeaderMap::new(), body), Ok(345));
		assert_eq!(json_meter().reservation(), 2);
	}

	#[test]
	fn json_field_errors_name_the_problem() {
		let meter = json_meter();
		assert!(matches!(meter.measure(&HeaderMap::new(), b"<html>"), Err(MeterError::NotJson(_))));
		assert_eq!(
			meter.measure(&HeaderMap::new(), br#"{"usage":{}}"#),
			Err(MeterError::MissingField("usage.total_tokens".into()))
		);
		assert_eq!(
			meter.measure(&HeaderMap::new(), br#"{"usage":{"total_tokens":-4}}"#),
			Err(MeterError::MissingField("usage.total_tokens".into()))
		);
	}

	#[test]
	fn header_meter_reads_a_whole_number() {
		let meter = Meter::Header {
			name: HeaderName::from_static("x-usage-tokens"),
			quantity_per_unit: 1_000,
			reserve_units: 1,
		};
		let mut headers = HeaderMap::new();
		assert_eq!(
			meter.measure(&headers, b""),
			Err(MeterError::MissingHeader("x-usage-tokens".into()))
		);
		headers.insert("x-usage-tokens", HeaderValue::from_static("12.5"));
		assert_eq!(
			meter.measure(&headers, b""),
			Err(MeterError::BadHeader("x-usage-tokens".into()))
		);
		headers.insert("x-usage-tokens", HeaderValue::from_static(" 2048 "));
		assert_eq!(meter.measure(&headers, b""), Ok(2048));
	}

	#[test]
	fn stream_events_report_usage_when_they_carry_it() {
		let meter = json_meter();
		assert_eq!(meter.event_quantity(r#"{"choices":[{"delta":{"content":"Hi"}}]}"#), None);
		assert_eq!(
			meter.event_quantity(r#"{"choices":[],"usage":{"total_tokens":1234}}"#),
			Some(1234)
		);
		assert_eq!(meter.event_quantity("[DONE]"), None);
		assert_eq!(Meter::PerRequest { units: 1 }.event_quantity(r#"{"usage":{}}"#), None);
	}

	#[test]
	fn streamed_requests_always_ask_for_usage() {
		let meter = json_meter();
		let rewritten = |body: &str| -> Value {
			serde_json::from_slice(&meter.prepare_request(Bytes::from(body.to_string()))).unwrap()
		};
		let asked = rewritten(r#"{"model":"m","stream":true}"#);
		assert_eq!(asked["stream_options"]["include_usage"], Value::Bool(true));
		assert_eq!(asked["model"], "m");
		// A client that says no, or sends other options, still gets usage (its options kept).
		let refused = rewritten(
			r#"{"stream":true,"stream_options":{"include_usage":false,"continuous_usage_stats":true}}"#,
		);
		assert_eq!(refused["stream_options"]["include_usage"], Value::Bool(true));
		assert_eq!(refused["stream_options"]["continuous_usage_stats"], Value::Bool(true));
		assert_eq!(
			rewritten(r#"{"stream":true,"stream_options":7}"#)["stream_options"]["include_usage"],
			true
		);
		// Lenient servers stream for any true-ish value.
		assert_eq!(rewritten(r#"{"stream":1}"#)["stream_options"]["include_usage"], true);
		assert_eq!(rewritten(r#"{"stream":"true"}"#)["stream_options"]["include_usage"], true);
		// Not streamed, not JSON, or not metered from JSON: forwarded as it came.
		for body in
			[r#"{"stream":false}"#, r#"{"stream":null}"#, r#"{"model":"m"}"#, "not json", "[1,2]"]
		{
			assert_eq!(meter.prepare_request(Bytes::from(body)), Bytes::from(body));
		}
		// Too large to parse cheaply: forwarded as it came.
		let large = format!(r#"{{"stream":true,"pad":"{}"}}"#, "x".repeat(MAX_REWRITTEN_BODY));
		assert_eq!(meter.prepare_request(Bytes::from(large.clone())), Bytes::from(large));
		let per_request = Meter::PerRequest { units: 1 };
		assert_eq!(
			per_request.prepare_request(Bytes::from(r#"{"stream":true}"#)),
			r#"{"stream":true}"#
		);
	}

	#[test]
	fn the_head_tells_the_quantity_only_for_per_request_and_present_headers() {
		let header = Meter::Header {
			name: HeaderName::from_static("x-usage-tokens"),
			quantity_per_unit: 1,
			reserve_units: 1,
		};
		let mut headers = HeaderMap::new();
		assert_eq!(header.quantity_from_head(&headers), None);
		headers.insert("x-usage-tokens", HeaderValue::from_static("9"));
		assert_eq!(header.quantity_from_head(&headers), Some(Ok(9)));
		assert_eq!(Meter::PerRequest { units: 2 }.quantity_from_head(&headers), Some(Ok(2)));
		assert_eq!(json_meter().quantity_from_head(&headers), None);
	}

	#[test]
	fn units_round_up_over_the_cumulative_quantity() {
		assert_eq!(units_for(0, 1_000), 0);
		assert_eq!(units_for(300, 1_000), 1);
		assert_eq!(units_for(1_000, 1_000), 1);
		assert_eq!(units_for(1_001, 1_000), 2);
		assert_eq!(units_for(300 + 300 + 400, 1_000), 1);
		assert_eq!(units_for(7, 1), 7);
		assert_eq!(units_for(u128::MAX, 1), u64::MAX);
	}
}
