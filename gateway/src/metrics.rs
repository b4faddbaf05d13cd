//! Prometheus metrics, served at `/metrics`.

use prometheus::{
	Encoder, Gauge, IntCounter, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

/// The gateway's metrics.
pub struct Metrics {
	registry: Registry,
	/// Requests by outcome: `forwarded`, `free`, `refused`, `upstream_error`.
	pub requests: IntCounterVec,
	/// Refused requests (402, 413, 503) by reason.
	pub refusals: IntCounterVec,
	/// Units metered on forwarded calls.
	pub units_metered: IntCounter,
	/// Successful responses whose usage could not be read (charged `unmetered_units`).
	pub unmetered_responses: IntCounter,
	/// Streams cut off because the channel could not pay for more, by reason.
	pub streams_cut: IntCounterVec,
	/// Usage writes that failed (the call was not charged and answered 503).
	pub store_errors: IntCounter,
	/// Signed but not yet settled value, in planck.
	pub unclaimed_value: Gauge,
	/// Channels the gateway serves.
	pub channels: IntGauge,
	/// claim_batch transactions by result: `included`, `failed`.
	pub settlements: IntCounterVec,
	/// Receipts settled on chain.
	pub settled_receipts: IntCounter,
	/// Receipts given up on (the log says why).
	pub dropped_receipts: IntCounter,
	/// 1 while this replica holds the settler's lease.
	pub settler: IntGauge,
}

impl Metrics {
	pub fn new() -> Metrics {
		let registry = Registry::new_custom(Some("agora_gateway".into()), None)
			.expect("a constant prefix is valid");
		fn add<M: prometheus::core::Collector + Clone + 'static>(
			registry: &Registry,
			metric: M,
		) -> M {
			registry.register(Box::new(metric.clone())).expect("metric names are unique");
			metric
		}
		let counter = |name: &str, help: &str| IntCounter::new(name, help).expect("valid name");
		let counter_vec = |name: &str, help: &str, label: &str| {
			IntCounterVec::new(Opts::new(name, help), &[label]).expect("valid name")
		};
		Metrics {
			requests: add(
				&registry,
				counter_vec("requests_total", "Paid requests by outcome.", "outcome"),
			),
			refusals: add(
				&registry,
				counter_vec("refusals_total", "Requests answered 402, by reason.", "reason"),
			),
			units_metered: add(&registry, counter("units_metered_total", "Units metered.")),
			unmetered_responses: add(
				&registry,
				counter(
					"unmetered_responses_total",
					"Successful responses whose usage could not be read (charged unmetered_units).",
				),
			),
			streams_cut: add(
				&registry,
				counter_vec(
					"streams_cut_total",
					"Streams cut off because the channel could not pay for more, by reason.",
					"reason",
				),
			),
			store_errors: add(
				&registry,
				counter("store_errors_total", "Usage writes that failed (call not charged, 503)."),
			),
			unclaimed_value: add(
				&registry,
				Gauge::new("unclaimed_value_planck", "Signed value not yet settled, in planck.")
					.expect("valid name"),
			),
			channels: add(
				&registry,
				IntGauge::new("channels", "Channels served.").expect("valid name"),
			),
			settlements: add(
				&registry,
				counter_vec("settlements_total", "claim_batch transactions by result.", "result"),
			),
			settled_receipts: add(
				&registry,
				counter("settled_receipts_total", "Receipts settled on chain."),
			),
			dropped_receipts: add(
				&registry,
				counter("dropped_receipts_total", "Receipts given up on."),
			),
			settler: add(
				&registry,
				IntGauge::new("settler", "1 while this replica holds the settler's lease.")
					.expect("valid name"),
			),
			registry,
		}
	}

	/// The text exposition format.
	pub fn render(&self) -> String {
		let mut buffer = Vec::new();
		TextEncoder::new()
			.encode(&self.registry.gather(), &mut buffer)
			.expect("encoding to memory does not fail");
		String::from_utf8(buffer).expect("the text format is UTF-8")
	}
}

impl Default for Metrics {
	fn default() -> Self {
		Self::new()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn renders_prefixed_metrics_with_labels() {
		let metrics = Metrics::new();
		metrics.refusals.with_label_values(&["bad_signature"]).inc();
		metrics.units_metered.inc_by(42);
		let text = metrics.render();
		assert!(
			text.contains("agora_gateway_refusals_total{reason=\"bad_signature\"} 1"),
			"{text}"
		);
		assert!(text.contains("agora_gateway_units_metered_total 42"), "{text}");
	}
}
