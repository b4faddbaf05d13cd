//! How many units a call used: a fixed number per request, or a quantity the upstream
//! reports (a response header, or a JSON field such as OpenAI's `usage.total_tokens`)
//! converted to the service's unit (`quantity_per_unit` = 1,000 for `Token1k`).

use axum::http::{HeaderMap, HeaderName};

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
			Meter::Header { name, .. } => {
				let value =
					headers.get(name).ok_or_else(|| MeterError::MissingHeader(name.to_string()))?;
				value
					.to_str()
					.ok()
					.and_then(|text| text.trim().parse().ok())
					.ok_or_else(|| MeterError::BadHeader(name.to_string()))
			},
			Meter::JsonField { path, .. } => {
				let json: serde_json::Value =
					serde_json::from_slice(body).map_err(|e| MeterError::NotJson(e.to_string()))?;
				path.iter()
					.try_fold(&json, |value, key| value.get(key))
					.and_then(serde_json::Value::as_u64)
					.ok_or_else(|| MeterError::MissingField(path.join(".")))
			},
		}
	}
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
