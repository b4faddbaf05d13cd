//! Server-Sent Events as the gateway relays them: the upstream's bytes cut into whole
//! events, so that each is metered before it is passed on, and the events the gateway
//! adds at the end of a stream.

use axum::body::Bytes;
use serde_json::json;

use crate::ledger::Refusal;

/// Cuts a byte stream into whole events (each up to and with its blank line).
pub struct EventSplitter {
	pending: Vec<u8>,
	/// Where the line being read starts, and how far `pending` was searched.
	line_start: usize,
	scanned: usize,
	limit: usize,
}

/// An event grew past the splitter's limit without ending.
#[derive(Debug, PartialEq, Eq)]
pub struct EventTooLong(pub usize);

impl EventSplitter {
	/// A splitter that refuses events longer than `limit` bytes.
	pub fn new(limit: usize) -> EventSplitter {
		EventSplitter { pending: Vec::new(), line_start: 0, scanned: 0, limit }
	}

	/// Adds `chunk`; returns the events it completes. Lines end with `\n` or `\r\n`.
	pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<Bytes>, EventTooLong> {
		self.pending.extend_from_slice(chunk);
		let mut events = Vec::new();
		let mut event_start = 0;
		while let Some(offset) = self.pending[self.scanned..].iter().position(|b| *b == b'\n') {
			let end = self.scanned + offset;
			let line = &self.pending[self.line_start..end];
			self.scanned = end + 1;
			self.line_start = self.scanned;
			if line.is_empty() || line == b"\r" {
				events.push(Bytes::copy_from_slice(&self.pending[event_start..self.scanned]));
				event_start = self.scanned;
			}
		}
		self.pending.drain(..event_start);
		self.line_start -= event_start;
		self.scanned -= event_start;
		if self.pending.len() > self.limit {
			return Err(EventTooLong(self.limit));
		}
		Ok(events)
	}

	/// What is left when the stream ends: an event without its blank line, if any.
	pub fn finish(self) -> Option<Bytes> {
		(!self.pending.is_empty()).then(|| Bytes::from(self.pending))
	}
}

/// An event's data: its `data:` lines joined by newlines.
pub fn data(event: &[u8]) -> String {
	let text = String::from_utf8_lossy(event);
	let lines: Vec<&str> = text
		.split('\n')
		.map(|line| line.strip_suffix('\r').unwrap_or(line))
		.filter_map(|line| line.strip_prefix("data:"))
		.map(|value| value.strip_prefix(' ').unwrap_or(value))
		.collect();
	lines.join("\n")
}

/// The last event of a paid stream: what the channel owes now and what this call used.
/// It follows the upstream's own end (`data: [DONE]`), so OpenAI clients, which stop
/// reading there, never see it.
pub fn usage_event(owed_units: u64, call_units: u64) -> Bytes {
	let data = json!({ "owedUnits": owed_units, "callUnits": call_units });
	Bytes::from(format!("event: agora.usage\ndata: {data}\n\n"))
}

/// The event that ends a stream the gateway cut off: an OpenAI-style error (OpenAI
/// clients raise it) with the payment error's reason as its code.
pub fn error_event(refusal: &Refusal, owed_units: u64, call_units: u64) -> Bytes {
	let data = json!({
		"error": { "message": refusal.to_string(), "type": "agora_payment", "code": refusal.reason() },
		"owedUnits": owed_units,
		"callUnits": call_units,
	});
	Bytes::from(format!("data: {data}\n\n"))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn split(splitter: &mut EventSplitter, chunk: &str) -> Vec<String> {
		let events = splitter.push(chunk.as_bytes()).unwrap();
		events.iter().map(|e| String::from_utf8(e.to_vec()).unwrap()).collect()
	}

	#[test]
	fn events_are_cut_at_blank_lines_whatever_the_chunking() {
		let mut splitter = EventSplitter::new(1_000);
		assert_eq!(split(&mut splitter, "data: {\"a\":1}\n"), Vec::<String>::new());
		assert_eq!(split(&mut splitter, "\ndata: {\"b\""), vec!["data: {\"a\":1}\n\n"]);
		assert_eq!(
			split(&mut splitter, ":2}\r\n\r\nevent: x\ndata: 1\ndata: 2\n\ndata: [DONE]\n"),
			vec!["data: {\"b\":2}\r\n\r\n", "event: x\ndata: 1\ndata: 2\n\n"]
		);
		assert_eq!(splitter.finish(), Some(Bytes::from("data: [DONE]\n")));
		// One byte at a time gives the same events.
		let mut splitter = EventSplitter::new(1_000);
		let mut events = Vec::new();
		for byte in "data: 1\n\ndata: 2\r\n\r\n".bytes() {
			events.extend(splitter.push(&[byte]).unwrap());
		}
		assert_eq!(events, vec![Bytes::from("data: 1\n\n"), Bytes::from("data: 2\r\n\r\n")]);
		assert_eq!(splitter.finish(), None);
	}

	#[test]
	fn an_endless_event_is_refused() {
		let mut splitter = EventSplitter::new(8);
		assert_eq!(splitter.push(b"data: 12"), Ok(vec![]));
		assert_eq!(splitter.push(b"3"), Err(EventTooLong(8)));
		// Whole events never count against the limit.
		let mut splitter = EventSplitter::new(8);
		assert_eq!(splitter.push(b"data: 1\n\ndata: 2\n\n").unwrap().len(), 2);
	}

	#[test]
	fn data_joins_the_data_lines() {
		assert_eq!(data(b"event: x\r\ndata: {\"a\":\r\ndata:1}\r\n\r\n"), "{\"a\":\n1}");
		assert_eq!(data(b": comment\n\n"), "");
	}

	#[test]
	fn the_gateway_events_are_json() {
		let usage = usage_event(7, 2);
		assert!(usage.starts_with(b"event: agora.usage\ndata: {") && usage.ends_with(b"}\n\n"));
		let json: serde_json::Value = serde_json::from_str(&data(&usage)).unwrap();
		assert_eq!(json, json!({ "owedUnits": 7, "callUnits": 2 }));
		let cut =
			error_event(&Refusal::DepositExhausted { committed_units: 6, max_units: 5 }, 5, 4);
		let json: serde_json::Value = serde_json::from_str(&data(&cut)).unwrap();
		assert_eq!(json["error"]["code"], "deposit_exhausted");
		assert_eq!(json["owedUnits"], 5);
	}
}
