//! The gateway's overhead, measured: a stub OpenAI-style upstream and a load generator.
//! `scripts/bench/gateway.sh` runs it (docs/gateway.md, "Performance").
//!
//! - `overhead upstream --listen ADDR`: answers every POST at once, with one JSON chat
//!   completion reporting 10 tokens, or (`"stream": true`) five Server-Sent Events and,
//!   when asked (`stream_options.include_usage`), a usage event.
//! - `overhead load --url URL …`: `--clients` concurrent clients call `URL` for
//!   `--seconds` and print one JSON line: calls per second and the latency percentiles
//!   of whole calls (request sent to last byte read). With `--genesis`, client `i` pays
//!   on channel `--first-channel + i` and signs a new receipt for every call, for the
//!   units the gateway said were owed after its previous call.

use std::{
	net::SocketAddr,
	sync::Arc,
	time::{Duration, Instant},
};

use agora_primitives::Receipt;
use axum::{body::Bytes, response::IntoResponse, routing::post, serve::ListenerExt, Router};
use clap::{Parser, Subcommand};
use http_body_util::{BodyExt, Full};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use serde_json::{json, Value};
use sp_core::{sr25519, Pair, H256};

#[derive(Parser)]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Serve the stub upstream.
	Upstream {
		#[arg(long)]
		listen: SocketAddr,
	},
	/// Call a URL from concurrent clients and print the figures.
	Load {
		#[arg(long)]
		url: String,
		/// Ask for streamed responses.
		#[arg(long)]
		stream: bool,
		#[arg(long, default_value_t = 64)]
		clients: usize,
		#[arg(long, default_value_t = 10)]
		seconds: u64,
		/// Pay: the chain's genesis hash (receipts name it).
		#[arg(long)]
		genesis: Option<H256>,
		/// Client i pays on channel first_channel + i.
		#[arg(long, default_value_t = 0)]
		first_channel: u64,
		/// The channels' receipt signer (secret URI).
		#[arg(long, default_value = "//BenchApp")]
		signer: String,
	},
}

const TOKENS_PER_CALL: u64 = 10;

async fn completion(body: Bytes) -> axum::response::Response {
	let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
	let usage =
		json!({ "prompt_tokens": 4, "completion_tokens": 6, "total_tokens": TOKENS_PER_CALL });
	if request["stream"] != Value::Bool(true) {
		let answer = json!({ "object": "chat.completion", "choices": [{ "index": 0, "message": { "role": "assistant", "content": "one two three four five six" } }], "usage": usage });
		return ([("content-type", "application/json")], answer.to_string()).into_response();
	}
	let mut events = String::new();
	for word in ["one ", "two ", "three ", "four ", "five "] {
		let chunk = json!({ "object": "chat.completion.chunk", "choices": [{ "index": 0, "delta": { "content": word } }] });
		events.push_str(&format!("data: {chunk}\n\n"));
	}
	if request["stream_options"]["include_usage"] == Value::Bool(true) {
		let last = json!({ "object": "chat.completion.chunk", "choices": [], "usage": usage });
		events.push_str(&format!("data: {last}\n\n"));
	}
	events.push_str("data: [DONE]\n\n");
	([("content-type", "text/event-stream")], events).into_response()
}

/// The figures of one load run.
struct Figures {
	latencies: Vec<Duration>,
	errors: u64,
}

fn percentile_ms(sorted: &[Duration], share: f64) -> f64 {
	if sorted.is_empty() {
		return 0.0;
	}
	let index = ((sorted.len() as f64 * share).ceil() as usize).clamp(1, sorted.len()) - 1;
	sorted[index].as_secs_f64() * 1_000.0
}

/// Units owed after a call: the `Agora-Owed-Units` header, or a stream's `agora.usage`.
fn owed_after(headers: &hyper::HeaderMap, body: &[u8]) -> Option<u64> {
	if let Some(owed) = headers.get("agora-owed-units") {
		return owed.to_str().ok()?.parse().ok();
	}
	let text = std::str::from_utf8(body).ok()?;
	let data = text.rsplit("event: agora.usage\ndata: ").next()?;
	serde_json::from_str::<Value>(data.trim()).ok()?["owedUnits"].as_u64()
}

#[allow(clippy::too_many_arguments)]
async fn client(
	http: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
	url: hyper::Uri,
	stream: bool,
	until: Instant,
	payer: Option<(H256, u64, Arc<sr25519::Pair>)>,
) -> Figures {
	let body = Bytes::from(
		json!({ "model": "bench", "stream": stream, "messages": [{ "role": "user", "content": "hi" }] })
			.to_string(),
	);
	let mut figures = Figures { latencies: Vec::new(), errors: 0 };
	let mut owed = 0u64;
	while Instant::now() < until {
		let mut request =
			hyper::Request::post(url.clone()).header("content-type", "application/json");
		if let Some((genesis_hash, channel_id, signer)) = &payer {
			let receipt = Receipt {
				genesis_hash: *genesis_hash,
				channel_id: *channel_id,
				cumulative_units: owed,
			};
			let signature = signer.sign(&receipt.payload());
			request = request
				.header("agora-channel", channel_id.to_string())
				.header("agora-units", owed.to_string())
				.header(
					"agora-signature",
					format!("sr25519:0x{}", sp_core::hexdisplay::HexDisplay::from(&signature.0)),
				);
		}
		let request = request.body(Full::new(body.clone())).expect("a valid request");
		let started = Instant::now();
		let answered = async {
			let response = http.request(request).await.map_err(|e| e.to_string())?;
			let (parts, body) = response.into_parts();
			let bytes = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
			Ok::<_, String>((parts, bytes))
		}
		.await;
		let elapsed = started.elapsed();
		match answered {
			Ok((parts, bytes)) if parts.status.is_success() => {
				figures.latencies.push(elapsed);
				if payer.is_some() {
					owed = owed_after(&parts.headers, &bytes).unwrap_or(owed);
				}
			},
			Ok((parts, bytes)) => {
				figures.errors += 1;
				if figures.errors <= 3 {
					eprintln!("{}: {}", parts.status, String::from_utf8_lossy(&bytes));
				}
			},
			Err(e) => {
				figures.errors += 1;
				if figures.errors <= 3 {
					eprintln!("{e}");
				}
			},
		}
	}
	figures
}

#[tokio::main]
async fn main() {
	match Cli::parse().command {
		Command::Upstream { listen } => {
			let listener = tokio::net::TcpListener::bind(listen)
				.await
				.expect("the address is free")
				.tap_io(|stream| {
					let _ = stream.set_nodelay(true);
				});
			let app = Router::new().fallback(post(completion));
			axum::serve(listener, app).await.expect("serving");
		},
		Command::Load { url, stream, clients, seconds, genesis, first_channel, signer } => {
			let url: hyper::Uri = url.parse().expect("a URL");
			let signer = Arc::new(sr25519::Pair::from_string(&signer, None).expect("a secret URI"));
			let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
			connector.set_nodelay(true);
			let http = Client::builder(TokioExecutor::new())
				.pool_max_idle_per_host(clients)
				.build::<_, Full<Bytes>>(connector);
			let started = Instant::now();
			let until = started + Duration::from_secs(seconds);
			let tasks: Vec<_> = (0..clients as u64)
				.map(|i| {
					let payer = genesis.map(|g| (g, first_channel + i, signer.clone()));
					tokio::spawn(client(http.clone(), url.clone(), stream, until, payer))
				})
				.collect();
			let mut latencies = Vec::new();
			let mut errors = 0;
			for task in tasks {
				let figures = task.await.expect("a client task");
				latencies.extend(figures.latencies);
				errors += figures.errors;
			}
			let elapsed = started.elapsed().as_secs_f64();
			latencies.sort();
			let line = json!({
				"stream": stream,
				"paid": genesis.is_some(),
				"clients": clients,
				"calls": latencies.len(),
				"errors": errors,
				"callsPerSecond": (latencies.len() as f64 / elapsed).round(),
				"p50Ms": percentile_ms(&latencies, 0.50),
				"p99Ms": percentile_ms(&latencies, 0.99),
			});
			println!("{line}");
		},
	}
}
