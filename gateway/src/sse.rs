//! Streams as the gateway relays them: the upstream's bytes cut into whole pieces (the
//! events of Server-Sent Events, the lines of JSON lines) so that each is metered before
//! it is passed on, and the events the gateway adds at the end of an event stream.

use axum::body::Bytes;
use serde_json::json;

use crate::ledger::Refusal;

/// How a stream is cut into the pieces metered one by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
	/// Server-Sent Events (`text/event-stream`, OpenAI's streams): a piece is an event,
	/// ended by a blank line; its data is in its `data:` lines.
	Sse,
	/// JSON lines (`application/x-ndjson`, Ollama's streams): a piece is a line, one JSON
	/// document.
	Lines,
}

impl Framing {
	/// The framing of a response with this `Content-Type`, if it is a stream the gateway
	/// can meter piece by piece.
	pub fn of(content_type: &str) -> Option<Framing> {
		let media_type = content_type.split(';').next().unwrap_or_default().trim();
		match media_type.to_ascii_lowercase().as_str() {
			"text/event-stream" => Some(Framing::Sse),
			"application/x-ndjson" | "application/jsonl" | "application/jsonlines" => {
				Some(Framing::Lines)
			},
			_ => None,
		}
	}

	/// What a piece says: an event's data, or a line without its line end.
	pub fn data(self, piece: &[u8]) -> String {
		match self {
			Framing::Sse => data(piece),
			Framing::Lines => String::from_utf8_lossy(piece).trim_end().to_string(),
		}
	}
}

/// Cuts a byte stream into whole pieces: events (each up to and with its blank line) or
/// lines.
pub struct EventSplitter {
	framing: Framing,
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
	/// A splitter that refuses pieces longer than `limit` bytes.
	pub fn new(framing: Framing, limit: usize) -> EventSplitter {
		EventSplitter { framing, pending: Vec::new(), line_start: 0, scanned: 0, limit }
	}

	/// Adds `chunk`; returns the pieces it completes. Lines end with `\n` or `\r\n`.
	pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<Bytes>, EventTooLong> {
		self.pending.extend_from_slice(chunk);
		let mut events = Vec::new();
		let mut event_start = 0;
		while let Some(offset) = self.pending[self.scanned..].iter().position(|b| *b == b'\n') {
			let end = self.scanned + offset;
			let line = &self.pending[self.line_start..end];
			self.scanned = end + 1;
			self.line_start = self.scanned;
			if self.framing == Framing::Lines || line.is_empty() || line == b"\r" {
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

/// The piece that ends a stream the gateway cut off (or could not record): an
/// OpenAI-style error (OpenAI clients raise it; Ollama clients stop at a line with an
/// `error`) with the payment error's reason as its code, and what is owed.
pub fn error_piece(framing: Framing, refusal: &Refusal, owed_units: u64, call_units: u64) -> Bytes {
	let error = json!({
		"error": { "message": refusal.to_string(), "type": "agora_payment", "code": refusal.reason() },
		"owedUnits": owed_units,
		"callUnits": call_units,
	});
	match framing {
		Framing::Sse => Bytes::from(format!("data: {error}\n\n")),
		Framing::Lines => Bytes::from(format!("{error}\n")),
	}
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
		let mut splitter = EventSplitter::new(Framing::Sse, 1_000);
		assert_eq!(split(&mut splitter, "data: {\"a\":1}\n"), Vec::<String>::new());
		assert_eq!(split(&mut splitter, "\ndata: {\"b\""), vec!["data: {\"a\":1}\n\n"]);
		assert_eq!(
			split(&mut splitter, ":2}\r\n\r\nevent: x\ndata: 1\ndata: 2\n\ndata: [DONE]\n"),
			vec!["data: {\"b\":2}\r\n\r\n", "event: x\ndata: 1\ndata: 2\n\n"]
		);
		assert_eq!(splitter.finish(), Some(Bytes::from("data: [DONE]\n")));
		// One byte at a time gives the same events.
		let mut splitter = EventSplitter::new(Framing::Sse, 1_000);
		let mut events = Vec::new();
		for byte in "data: 1\n\ndata: 2\r\n\r\n".bytes() {
			events.extend(splitter.push(&[byte]).unwrap());
		}
		assert_eq!(events, vec![Bytes::from("data: 1\n\n"), Bytes::from("data: 2\r\n\r\n")]);
		assert_eq!(splitter.finish(), None);
	}

	#[test]
	fn json_lines_are_cut_at_every_line() {
		let mut splitter = EventSplitter::new(Framing::Lines, 1_000);
		assert_eq!(split(&mut splitter, "{\"a\":1}\n{\"b\""), vec!["{\"a\":1}\n"]);
		assert_eq!(split(&mut splitter, ":2}\r\n"), vec!["{\"b\":2}\r\n"]);
		assert_eq!(Framing::Lines.data(b"{\"b\":2}\r\n"), "{\"b\":2}");
		assert_eq!(splitter.finish(), None);
	}

	#[test]
	fn the_content_type_names_the_framing() {
		assert_eq!(Framing::of("text/event-stream; charset=utf-8"), Some(Framing::Sse));
		assert_eq!(Framing::of("Application/X-NDJSON"), Some(Framing::Lines));
		assert_eq!(Framing::of("application/json"), None);
		assert_eq!(Framing::of(""), None);
	}

	#[test]
	fn an_endless_event_is_refused() {
		let mut splitter = EventSplitter::new(Framing::Sse, 8);
		assert_eq!(splitter.push(b"data: 12"), Ok(vec![]));
		assert_eq!(splitter.push(b"3"), Err(EventTooLong(8)));
		// Whole events never count against the limit.
		let mut splitter = EventSplitter::new(Framing::Sse, 8);
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
		let refusal = Refusal::DepositExhausted { committed_units: 6, max_units: 5 };
		for framing in [Framing::Sse, Framing::Lines] {
			let cut = error_piece(framing, &refusal, 5, 4);
			let json: serde_json::Value = serde_json::from_str(&framing.data(&cut)).unwrap();
			assert_eq!(json["error"]["code"], "deposit_exhausted");
			assert_eq!(json["owedUnits"], 5);
		}
	}
}
