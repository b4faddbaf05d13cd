//! Settings: a TOML file, overridden by `AGORA_GATEWAY_<KEY>` environment variables,
//! overridden by command-line flags. Every setting has the same snake_case name in all
//! three (`--service-id`, `AGORA_GATEWAY_SERVICE_ID`, `service_id`).

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use agora_primitives::{Balance, BlockNumber};
use axum::http::{HeaderName, HeaderValue, Uri};
use clap::Parser;
use serde::{Deserialize, Serialize};
use sp_core::{crypto::SecretStringError, sr25519, Pair};

use crate::{
	free_calls::FreeCalls,
	metering::Meter,
	store::{Database, StoreSettings},
};

/// The environment variable holding the provider's secret key (a secret URI: mnemonic,
/// `0x` seed, optionally with `//derivation`). Never part of the file or the flags.
pub const KEY_ENV: &str = "AGORA_GATEWAY_KEY";
const ENV_PREFIX: &str = "AGORA_GATEWAY_";

const ABOUT: &str = "The Agora provider gateway: checks usage receipts before forwarding \
paid calls to an AI service, and settles them on chain with claim_batch.";

const AFTER_HELP: &str = "Settings come from --config FILE (TOML, the snake_case names \
of the flags), then AGORA_GATEWAY_<NAME> environment variables, then the flags. The \
provider's secret key is read from $AGORA_GATEWAY_KEY or from key_file, and is never \
logged. See docs/gateway.md and gateway/gateway.example.toml.";

/// The command line. Every field but `config` is also a file key and an env variable.
#[derive(Parser, Serialize, Debug, Default)]
#[command(name = "agora-gateway", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
	/// TOML file with the settings.
	#[arg(long, short = 'c', value_name = "FILE")]
	#[serde(skip)]
	pub config: Option<PathBuf>,
	/// Address to serve on [default: 127.0.0.1:8480].
	#[arg(long, value_name = "ADDR")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub listen: Option<String>,
	/// The AI service's base URL (http://), where paid calls are forwarded.
	#[arg(long, value_name = "URL")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub upstream: Option<String>,
	/// The agora-node's JSON-RPC URL (http://) [default: http://127.0.0.1:9944].
	#[arg(long, value_name = "URL")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub node: Option<String>,
	/// The listed service this gateway sells.
	#[arg(long, value_name = "ID")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub service_id: Option<u64>,
	/// File holding the provider's secret key (when $AGORA_GATEWAY_KEY is unset).
	#[arg(long, value_name = "FILE")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub key_file: Option<PathBuf>,
	/// Where receipts, usage, reservations and settlements are kept: a SQLite file, or a
	/// postgres:// URL that every replica of the gateway shares (prefer
	/// $AGORA_GATEWAY_DATABASE for a URL with a password) [default: agora-gateway.sqlite].
	#[arg(long, value_name = "FILE|URL")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub database: Option<String>,
	/// PostgreSQL: PEM file of the CA certificates its TLS certificate is verified against
	/// (with sslmode=require in the URL) [default: the system's roots].
	#[arg(long, value_name = "FILE")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub database_ca: Option<PathBuf>,
	/// PostgreSQL: connections each replica keeps at most [default: 16].
	#[arg(long, value_name = "N")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub database_pool: Option<usize>,
	/// PostgreSQL: seconds a database operation (connecting included) may take before the
	/// call answers 503 store_unavailable [default: 5].
	#[arg(long, value_name = "SECS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub database_timeout: Option<u64>,
	/// Seconds a call's reservation outlives its last renewal (a running call renews it
	/// every third of that): how long a replica that dies mid-call holds its units
	/// [default: 60].
	#[arg(long, value_name = "SECS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub reservation_ttl: Option<u64>,
	/// Free calls each account may make per period, proven by a signed request (see
	/// docs/gateway.md) [default: 0, none].
	#[arg(long, value_name = "N")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub free_calls: Option<u32>,
	/// Seconds in a free-call period [default: 86400].
	#[arg(long, value_name = "SECS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub free_calls_period: Option<u64>,
	/// Free calls per period across all accounts [default: unbounded].
	#[arg(long, value_name = "N")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub free_calls_budget: Option<u32>,
	/// Seconds a signed free-call request's time may be off the gateway's clock
	/// [default: 60].
	#[arg(long, value_name = "SECS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub free_call_window: Option<u64>,
	/// How calls are metered: per_request, header or json_field [default: per_request].
	#[arg(long, value_name = "MODE")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub metering: Option<String>,
	/// per_request: units one successful call costs [default: 1].
	#[arg(long, value_name = "UNITS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub units_per_request: Option<u64>,
	/// header: the response header with the call's quantity (e.g. x-usage-tokens).
	#[arg(long, value_name = "NAME")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub usage_header: Option<String>,
	/// json_field: the dotted JSON field with the call's quantity (e.g. usage.total_tokens).
	#[arg(long, value_name = "PATH")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub usage_field: Option<String>,
	/// header/json_field: quantity per unit, e.g. 1000 tokens per Token1k [default: 1].
	#[arg(long, value_name = "N")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub quantity_per_unit: Option<u64>,
	/// header/json_field: units set aside per call in flight [default: 1].
	#[arg(long, value_name = "UNITS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub reserve_units: Option<u64>,
	/// Usage a channel may owe without a receipt, in planck [default: 0].
	#[arg(long, value_name = "PLANCK")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub credit_limit: Option<String>,
	/// Blocks before a channel's expiry from which it is no longer served [default: 10].
	#[arg(long, value_name = "BLOCKS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub expiry_margin: Option<BlockNumber>,
	/// Seconds between settlements of new receipts [default: 60].
	#[arg(long, value_name = "SECS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub settle_interval: Option<u64>,
	/// Settle at once when the unclaimed value passes this many planck [default: none].
	#[arg(long, value_name = "PLANCK")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub settle_threshold: Option<String>,
	/// Settle a channel at once when it expires within this many blocks [default: 30].
	#[arg(long, value_name = "BLOCKS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub settle_before_expiry: Option<BlockNumber>,
	/// Seconds to wait for a settlement's inclusion before checking its items [default: 60].
	#[arg(long, value_name = "SECS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub inclusion_timeout: Option<u64>,
	/// Seconds a channel's chain state is trusted before it is read again [default: 6].
	#[arg(long, value_name = "SECS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub chain_refresh: Option<u64>,
	/// Largest request body, buffered response body or streamed event, in bytes
	/// [default: 16777216].
	#[arg(long, value_name = "BYTES")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub max_body_bytes: Option<usize>,
	/// header/json_field: units a successful call is charged when its usage cannot be read
	/// [default: reserve_units].
	#[arg(long, value_name = "UNITS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub unmetered_units: Option<u64>,
	/// The most units one call may be charged; a stream is cut off there [default: 1000].
	#[arg(long, value_name = "UNITS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub max_units_per_call: Option<u64>,
	/// Calls one channel may have in flight, across every replica; more get 429
	/// channel_busy [default: 64].
	#[arg(long, value_name = "N")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub max_calls_per_channel: Option<u32>,
	/// Paid requests served at once; more get 503 overloaded [default: 1024].
	#[arg(long, value_name = "N")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub max_concurrent_requests: Option<usize>,
	/// Seconds a node call may take [default: 10].
	#[arg(long, value_name = "SECS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub node_timeout: Option<u64>,
	/// Seconds the upstream may take to answer, and to send each next chunk of a
	/// response [default: 120].
	#[arg(long, value_name = "SECS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub upstream_timeout: Option<u64>,
	/// Seconds a client may take to send its request body, and to take each next chunk of
	/// a response [default: 30].
	#[arg(long, value_name = "SECS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub client_timeout: Option<u64>,
	/// Seconds without a new head from the node after which the gateway counts the blocks
	/// that would have passed since, and refuses channels that may have expired
	/// [default: 30].
	#[arg(long, value_name = "SECS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub max_chain_age: Option<u64>,
	/// Bearer token that lets the operator read any channel's accounts (at least 16
	/// characters; prefer $AGORA_GATEWAY_OPERATOR_TOKEN) [default: none].
	#[arg(long, value_name = "TOKEN")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub operator_token: Option<String>,
	/// Web pages allowed to call the gateway from a browser (CORS): "*" for any, a
	/// comma-separated list of origins (https://console.example.org), or "" for none
	/// [default: *].
	#[arg(long, value_name = "ORIGINS")]
	#[serde(skip_serializing_if = "Option::is_none")]
	pub allow_origins: Option<String>,
}

/// The merged settings, before validation.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Settings {
	#[serde(default = "default_listen")]
	listen: String,
	upstream: Option<String>,
	#[serde(default = "default_node")]
	node: String,
	service_id: Option<u64>,
	key_file: Option<PathBuf>,
	#[serde(default = "default_database")]
	database: String,
	database_ca: Option<PathBuf>,
	#[serde(default = "default_database_pool")]
	database_pool: usize,
	#[serde(default = "default_database_timeout")]
	database_timeout: u64,
	#[serde(default = "default_reservation_ttl")]
	reservation_ttl: u64,
	#[serde(default)]
	free_calls: u32,
	#[serde(default = "default_free_calls_period")]
	free_calls_period: u64,
	free_calls_budget: Option<u32>,
	#[serde(default = "default_free_call_window")]
	free_call_window: u64,
	#[serde(default = "default_metering")]
	metering: String,
	#[serde(default = "one")]
	units_per_request: u64,
	usage_header: Option<String>,
	usage_field: Option<String>,
	#[serde(default = "one")]
	quantity_per_unit: u64,
	#[serde(default = "one")]
	reserve_units: u64,
	#[serde(default)]
	credit_limit: Amount,
	#[serde(default = "default_expiry_margin")]
	expiry_margin: BlockNumber,
	#[serde(default = "default_settle_interval")]
	settle_interval: u64,
	settle_threshold: Option<Amount>,
	#[serde(default = "default_settle_before_expiry")]
	settle_before_expiry: BlockNumber,
	#[serde(default = "default_inclusion_timeout")]
	inclusion_timeout: u64,
	#[serde(default = "default_chain_refresh")]
	chain_refresh: u64,
	#[serde(default = "default_max_body_bytes")]
	max_body_bytes: usize,
	unmetered_units: Option<u64>,
	#[serde(default = "default_max_units_per_call")]
	max_units_per_call: u64,
	#[serde(default = "default_max_concurrent_requests")]
	max_concurrent_requests: usize,
	#[serde(default = "default_max_calls_per_channel")]
	max_calls_per_channel: u32,
	#[serde(default = "default_node_timeout")]
	node_timeout: u64,
	#[serde(default = "default_upstream_timeout")]
	upstream_timeout: u64,
	#[serde(default = "default_client_timeout")]
	client_timeout: u64,
	#[serde(default = "default_max_chain_age")]
	max_chain_age: u64,
	operator_token: Option<String>,
	#[serde(default = "default_allow_origins")]
	allow_origins: String,
}

fn default_listen() -> String {
	"127.0.0.1:8480".into()
}
fn default_node() -> String {
	"http://127.0.0.1:9944".into()
}
fn default_database() -> String {
	"agora-gateway.sqlite".into()
}
fn default_database_pool() -> usize {
	16
}
fn default_database_timeout() -> u64 {
	5
}
fn default_reservation_ttl() -> u64 {
	60
}
fn default_free_calls_period() -> u64 {
	86_400
}
fn default_free_call_window() -> u64 {
	60
}
fn default_metering() -> String {
	"per_request".into()
}
fn one() -> u64 {
	1
}
fn default_expiry_margin() -> BlockNumber {
	10
}
fn default_settle_interval() -> u64 {
	60
}
fn default_settle_before_expiry() -> BlockNumber {
	30
}
fn default_inclusion_timeout() -> u64 {
	60
}
fn default_chain_refresh() -> u64 {
	6
}
fn default_max_body_bytes() -> usize {
	16 * 1024 * 1024
}
fn default_max_units_per_call() -> u64 {
	1_000
}
fn default_max_concurrent_requests() -> usize {
	1_024
}
fn default_max_calls_per_channel() -> u32 {
	64
}
fn default_node_timeout() -> u64 {
	10
}
fn default_upstream_timeout() -> u64 {
	120
}
fn default_client_timeout() -> u64 {
	30
}
fn default_max_chain_age() -> u64 {
	30
}
fn default_allow_origins() -> String {
	"*".into()
}

/// The shortest operator token accepted.
const MIN_OPERATOR_TOKEN: usize = 16;

/// A planck amount, written as an integer or (beyond TOML's 64-bit integers) a string.
#[derive(Debug, Default, Clone, Copy)]
struct Amount(Balance);

impl<'de> Deserialize<'de> for Amount {
	fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		#[derive(Deserialize)]
		#[serde(untagged)]
		enum Raw {
			Integer(u64),
			Text(String),
		}
		match Raw::deserialize(deserializer)? {
			Raw::Integer(n) => Ok(Amount(n.into())),
			Raw::Text(text) => text.trim().parse().map(Amount).map_err(|_| {
				serde::de::Error::custom(format!("'{text}' is not an amount of planck"))
			}),
		}
	}
}

/// The gateway's validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
	pub listen: SocketAddr,
	pub upstream: Uri,
	pub node: Uri,
	pub service_id: u64,
	pub key_file: Option<PathBuf>,
	pub store: StoreSettings,
	pub meter: Meter,
	pub credit_limit: Balance,
	pub expiry_margin: BlockNumber,
	pub settle_interval: Duration,
	pub settle_threshold: Option<Balance>,
	pub settle_before_expiry: BlockNumber,
	pub inclusion_timeout: Duration,
	pub chain_refresh: Duration,
	pub max_body_bytes: usize,
	/// Units a successful call is charged when its usage cannot be read (never 0).
	pub unmetered_units: u64,
	pub max_units_per_call: u64,
	pub max_concurrent_requests: usize,
	/// Calls one channel may have in flight (counted across replicas).
	pub max_calls_per_channel: u32,
	pub node_timeout: Duration,
	pub upstream_timeout: Duration,
	pub client_timeout: Duration,
	pub max_chain_age: Duration,
	pub operator_token: Option<String>,
	/// How long a call's reservation outlives its last renewal.
	pub reservation_ttl: Duration,
	/// The free calls given away, if any.
	pub free_calls: Option<FreeCalls>,
	/// Which web pages' scripts may call the gateway.
	pub allow_origins: AllowOrigins,
}

/// The origins whose scripts a browser lets call the gateway and read its answers.
///
/// Any origin is the default: a paid call carries its own authority (a signed receipt,
/// or signed free-call headers), never a cookie, so a page can do nothing through a
/// visitor's browser that it could not do from a server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllowOrigins {
	Any,
	/// Only these, as `scheme://host[:port]`.
	List(Vec<HeaderValue>),
	/// No cross-origin access (no CORS headers at all).
	None,
}

impl AllowOrigins {
	fn parse(text: &str) -> Result<AllowOrigins, ConfigError> {
		match text.trim() {
			"*" => Ok(AllowOrigins::Any),
			"" => Ok(AllowOrigins::None),
			list => list
				.split(',')
				.map(|origin| {
					let origin = origin.trim();
					let uri: Uri = origin.parse().map_err(|_| bad_origin(origin))?;
					let is_origin = matches!(uri.scheme_str(), Some("http" | "https"))
						&& uri.host().is_some()
						&& uri.path_and_query().is_none_or(|p| p.as_str() == "/")
						&& !origin.ends_with('/');
					if !is_origin {
						return Err(bad_origin(origin));
					}
					HeaderValue::from_str(origin).map_err(|_| bad_origin(origin))
				})
				.collect::<Result<_, _>>()
				.map(AllowOrigins::List),
		}
	}
}

fn bad_origin(origin: &str) -> ConfigError {
	error(format!(
		"allow_origins: '{origin}' is not an origin like https://console.example.org (scheme://host[:port], no path), \"*\" or \"\""
	))
}

/// A setting that cannot be used, with what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn error(message: impl Into<String>) -> ConfigError {
	ConfigError(message.into())
}

impl Config {
	/// Reads the file named by `cli.config`, the environment and the flags.
	pub fn load(cli: &Cli) -> Result<Config, ConfigError> {
		let file = match &cli.config {
			Some(path) => {
				let text = std::fs::read_to_string(path)
					.map_err(|e| error(format!("cannot read {}: {e}", path.display())))?;
				text.parse::<toml::Table>()
					.map_err(|e| error(format!("{} is not valid TOML: {e}", path.display())))?
			},
			None => toml::Table::new(),
		};
		Self::merge(file, std::env::vars(), cli)
	}

	/// `file`, overridden by the `AGORA_GATEWAY_*` variables of `env`, overridden by `cli`.
	pub fn merge(
		mut table: toml::Table,
		env: impl Iterator<Item = (String, String)>,
		cli: &Cli,
	) -> Result<Config, ConfigError> {
		for (name, raw) in env {
			let Some(key) = name.strip_prefix(ENV_PREFIX) else { continue };
			if name == KEY_ENV {
				continue;
			}
			// A number or boolean when it reads as one, else the text as it is.
			let value = format!("v = {raw}")
				.parse::<toml::Table>()
				.ok()
				.and_then(|mut t| t.remove("v"))
				.filter(|v| !v.is_str())
				.unwrap_or(toml::Value::String(raw));
			table.insert(key.to_ascii_lowercase(), value);
		}
		let flags = toml::Value::try_from(cli).map_err(|e| error(e.to_string()))?;
		if let toml::Value::Table(flags) = flags {
			table.extend(flags);
		}
		let settings: Settings = toml::Value::Table(table)
			.try_into()
			.map_err(|e: toml::de::Error| error(format!("bad setting: {}", e.message())))?;
		settings.validate()
	}
}

impl Settings {
	fn validate(self) -> Result<Config, ConfigError> {
		let listen = self.listen.parse().map_err(|_| {
			error(format!("listen '{}' is not an address like 127.0.0.1:8480", self.listen))
		})?;
		let upstream = http_url(
			"upstream",
			&self
				.upstream
				.ok_or_else(|| error("upstream is required: the AI service's URL"))?,
		)?;
		let node = http_url("node", &self.node)?;
		let service_id = self.service_id.ok_or_else(|| error("service_id is required"))?;
		if self.quantity_per_unit == 0 {
			return Err(error("quantity_per_unit must be at least 1"));
		}
		let meter = match self.metering.as_str() {
			"per_request" => Meter::PerRequest { units: self.units_per_request },
			"header" => {
				let name = self
					.usage_header
					.ok_or_else(|| error("metering 'header' needs usage_header"))?;
				Meter::Header {
					name: HeaderName::try_from(name.as_str()).map_err(|_| {
						error(format!("usage_header '{name}' is not a header name"))
					})?,
					quantity_per_unit: self.quantity_per_unit,
					reserve_units: self.reserve_units,
				}
			},
			"json_field" => {
				let field = self
					.usage_field
					.ok_or_else(|| error("metering 'json_field' needs usage_field"))?;
				if field.split('.').any(str::is_empty) {
					return Err(error(format!("usage_field '{field}' is not a dotted field name")));
				}
				Meter::JsonField {
					path: field.split('.').map(String::from).collect(),
					quantity_per_unit: self.quantity_per_unit,
					reserve_units: self.reserve_units,
				}
			},
			other => {
				return Err(error(format!(
					"metering '{other}' is not per_request, header or json_field"
				)))
			},
		};
		if [
			self.settle_interval,
			self.inclusion_timeout,
			self.node_timeout,
			self.upstream_timeout,
			self.client_timeout,
			self.max_chain_age,
		]
		.contains(&0)
		{
			return Err(error(
				"settle_interval, inclusion_timeout, node_timeout, upstream_timeout, client_timeout and max_chain_age must be at least 1 second",
			));
		}
		let unmetered_units = self.unmetered_units.unwrap_or(meter.reservation());
		if unmetered_units == 0 {
			return Err(error("unmetered_units must be at least 1: a call whose usage cannot be read is never free"));
		}
		if self.max_units_per_call < meter.reservation().max(unmetered_units) {
			return Err(error(format!(
				"max_units_per_call ({}) must be at least the reservation ({}) and unmetered_units ({unmetered_units})",
				self.max_units_per_call,
				meter.reservation(),
			)));
		}
		if self.max_concurrent_requests == 0 || self.max_calls_per_channel == 0 {
			return Err(error(
				"max_concurrent_requests and max_calls_per_channel must be at least 1",
			));
		}
		if self.reservation_ttl < 3 {
			return Err(error(
				"reservation_ttl must be at least 3 seconds (calls renew it every third)",
			));
		}
		if self.database_pool == 0 || self.database_timeout == 0 {
			return Err(error("database_pool and database_timeout must be at least 1"));
		}
		let free_calls = match (self.free_calls, self.free_calls_budget) {
			(0, Some(_)) => return Err(error("free_calls_budget needs free_calls (per account)")),
			(_, Some(0)) => {
				return Err(error(
					"free_calls_budget must be at least 1 (free_calls = 0 gives none)",
				))
			},
			(0, None) => None,
			(allowance, budget) => {
				if self.free_calls_period == 0 || self.free_call_window == 0 {
					return Err(error(
						"free_calls_period and free_call_window must be at least 1 second",
					));
				}
				Some(FreeCalls {
					allowance,
					period: self.free_calls_period,
					budget,
					window: self.free_call_window,
				})
			},
		};
		if self.database.trim().is_empty() {
			return Err(error("database must be a SQLite file or a postgres:// URL"));
		}
		if self.operator_token.as_ref().is_some_and(|t| t.len() < MIN_OPERATOR_TOKEN) {
			return Err(error(format!(
				"operator_token must be at least {MIN_OPERATOR_TOKEN} characters"
			)));
		}
		Ok(Config {
			listen,
			upstream,
			node,
			service_id,
			key_file: self.key_file,
			store: StoreSettings {
				database: Database::parse(&self.database),
				reservation_ttl: Duration::from_secs(self.reservation_ttl),
				pool_size: self.database_pool,
				connect_timeout: Duration::from_secs(self.database_timeout),
				ca_file: self.database_ca,
			},
			meter,
			credit_limit: self.credit_limit.0,
			expiry_margin: self.expiry_margin,
			settle_interval: Duration::from_secs(self.settle_interval),
			settle_threshold: self.settle_threshold.map(|a| a.0),
			settle_before_expiry: self.settle_before_expiry,
			inclusion_timeout: Duration::from_secs(self.inclusion_timeout),
			chain_refresh: Duration::from_secs(self.chain_refresh),
			max_body_bytes: self.max_body_bytes,
			unmetered_units,
			max_units_per_call: self.max_units_per_call,
			max_concurrent_requests: self.max_concurrent_requests,
			max_calls_per_channel: self.max_calls_per_channel,
			node_timeout: Duration::from_secs(self.node_timeout),
			upstream_timeout: Duration::from_secs(self.upstream_timeout),
			client_timeout: Duration::from_secs(self.client_timeout),
			max_chain_age: Duration::from_secs(self.max_chain_age),
			operator_token: self.operator_token,
			reservation_ttl: Duration::from_secs(self.reservation_ttl),
			free_calls,
			allow_origins: AllowOrigins::parse(&self.allow_origins)?,
		})
	}
}

fn http_url(name: &str, text: &str) -> Result<Uri, ConfigError> {
	let uri: Uri = text.parse().map_err(|_| error(format!("{name} '{text}' is not a URL")))?;
	if uri.scheme_str() != Some("http") || uri.authority().is_none() {
		return Err(error(format!(
			"{name} '{text}' must be an http:// URL (put TLS in front of the gateway, not behind it)"
		)));
	}
	Ok(uri)
}

impl Config {
	/// The provider's signing key: `$AGORA_GATEWAY_KEY`, else the contents of `key_file`.
	pub fn provider_key(&self, env_key: Option<String>) -> Result<sr25519::Pair, ConfigError> {
		let (secret, source) = match (env_key, &self.key_file) {
			(Some(secret), _) => (secret, format!("${KEY_ENV}")),
			(None, Some(path)) => (
				std::fs::read_to_string(path)
					.map_err(|e| error(format!("cannot read key_file {}: {e}", path.display())))?,
				path.display().to_string(),
			),
			(None, None) => {
				return Err(error(format!("no provider key: set ${KEY_ENV} or key_file")))
			},
		};
		sr25519::Pair::from_string(secret.trim(), None).map_err(|e: SecretStringError| {
			// Say what is wrong, never what the secret is.
			error(format!("the key in {source} is not a secret URI, seed or mnemonic: {e:?}"))
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn file(text: &str) -> toml::Table {
		text.parse().unwrap()
	}

	fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
		pairs
			.iter()
			.map(|(k, v)| (k.to_string(), v.to_string()))
			.collect::<Vec<_>>()
			.into_iter()
	}

	const MINIMAL: &str = "upstream = \"http://127.0.0.1:9000\"\nservice_id = 4\n";

	#[test]
	fn defaults_fill_what_the_file_leaves_out() {
		let config = Config::merge(file(MINIMAL), env(&[]), &Cli::default()).unwrap();
		assert_eq!(config.listen, "127.0.0.1:8480".parse().unwrap());
		assert_eq!(config.upstream, "http://127.0.0.1:9000");
		assert_eq!(config.node, "http://127.0.0.1:9944");
		assert_eq!(config.service_id, 4);
		assert_eq!(config.meter, Meter::PerRequest { units: 1 });
		assert_eq!(config.credit_limit, 0);
		assert_eq!(config.settle_threshold, None);
		assert_eq!(config.settle_interval, Duration::from_secs(60));
		assert_eq!(config.allow_origins, AllowOrigins::Any);
	}

	#[test]
	fn allowed_origins_are_any_a_checked_list_or_none() {
		let origins = |text: &str| {
			Config::merge(
				file(&format!("{MINIMAL}allow_origins = \"{text}\"")),
				env(&[]),
				&Cli::default(),
			)
			.map(|c| c.allow_origins)
			.map_err(|e| e.0)
		};
		assert_eq!(origins("*").unwrap(), AllowOrigins::Any);
		assert_eq!(origins(" ").unwrap(), AllowOrigins::None);
		assert_eq!(
			origins("https://console.agora.example, http://127.0.0.1:5173").unwrap(),
			AllowOrigins::List(vec![
				HeaderValue::from_static("https://console.agora.example"),
				HeaderValue::from_static("http://127.0.0.1:5173"),
			])
		);
		for bad in [
			"console.agora.example",
			"https://console.agora.example/app",
			"ftp://x",
			"https://a,",
			"https://a/",
		] {
			let refused = origins(bad).unwrap_err();
			assert!(refused.starts_with("allow_origins: '"), "{bad}: {refused}");
			assert!(refused.contains("is not an origin like https://console.example.org"), "{bad}");
		}
		// The flag overrides the file, as every setting.
		let cli = Cli { allow_origins: Some(String::new()), ..Cli::default() };
		let config = Config::merge(file(MINIMAL), env(&[]), &cli).unwrap();
		assert_eq!(config.allow_origins, AllowOrigins::None);
	}

	#[test]
	fn env_overrides_the_file_and_flags_override_both() {
		let text = format!("{MINIMAL}settle_interval = 30\ncredit_limit = 5\nmetering = \"json_field\"\nusage_field = \"usage.total_tokens\"\nquantity_per_unit = 1000\n");
		let cli = Cli { settle_interval: Some(5), ..Cli::default() };
		let config = Config::merge(
			file(&text),
			env(&[
				("AGORA_GATEWAY_SETTLE_INTERVAL", "10"),
				("AGORA_GATEWAY_CREDIT_LIMIT", "100000000000000000000000"),
				("AGORA_GATEWAY_LISTEN", "127.0.0.1:9999"),
				("AGORA_GATEWAY_KEY", "//Secret"),
				("HOME", "/root"),
			]),
			&cli,
		)
		.unwrap();
		assert_eq!(config.settle_interval, Duration::from_secs(5));
		assert_eq!(config.credit_limit, 100_000_000_000_000_000_000_000);
		assert_eq!(config.listen, "127.0.0.1:9999".parse().unwrap());
		assert_eq!(
			config.meter,
			Meter::JsonField {
				path: vec!["usage".into(), "total_tokens".into()],
				quantity_per_unit: 1000,
				reserve_units: 1
			}
		);
	}

	fn refused(text: &str) -> String {
		Config::merge(file(text), env(&[]), &Cli::default()).unwrap_err().0
	}

	#[test]
	fn bad_settings_say_what_is_wrong() {
		assert_eq!(refused("service_id = 1"), "upstream is required: the AI service's URL");
		assert_eq!(refused("upstream = \"http://a:1\""), "service_id is required");
		assert!(refused(&format!("{MINIMAL}colour = 1")).contains("unknown field `colour`"));
		assert!(refused(&format!("{MINIMAL}service_idd = 1")).contains("unknown field"));
		assert_eq!(
			refused("upstream = \"https://api.example.com\"\nservice_id = 1"),
			"upstream 'https://api.example.com' must be an http:// URL (put TLS in front of the gateway, not behind it)"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}metering = \"json_field\"")),
			"metering 'json_field' needs usage_field"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}metering = \"header\"")),
			"metering 'header' needs usage_header"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}metering = \"tokens\"")),
			"metering 'tokens' is not per_request, header or json_field"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}metering = \"json_field\"\nusage_field = \"usage..x\"")),
			"usage_field 'usage..x' is not a dotted field name"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}quantity_per_unit = 0")),
			"quantity_per_unit must be at least 1"
		);
		assert!(refused(&format!("{MINIMAL}credit_limit = \"lots\""))
			.contains("'lots' is not an amount of planck"));
		assert_eq!(
			refused(&format!("{MINIMAL}listen = \"everywhere\"")),
			"listen 'everywhere' is not an address like 127.0.0.1:8480"
		);
		assert!(refused(&format!("{MINIMAL}settle_interval = -1")).starts_with("bad setting"));
		assert!(refused(&format!("{MINIMAL}node_timeout = 0")).contains("at least 1 second"));
		assert_eq!(
			refused(&format!("{MINIMAL}unmetered_units = 0")),
			"unmetered_units must be at least 1: a call whose usage cannot be read is never free"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}units_per_request = 5\nmax_units_per_call = 4")),
			"max_units_per_call (4) must be at least the reservation (5) and unmetered_units (5)"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}max_concurrent_requests = 0")),
			"max_concurrent_requests and max_calls_per_channel must be at least 1"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}max_calls_per_channel = 0")),
			"max_concurrent_requests and max_calls_per_channel must be at least 1"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}operator_token = \"short\"")),
			"operator_token must be at least 16 characters"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}reservation_ttl = 2")),
			"reservation_ttl must be at least 3 seconds (calls renew it every third)"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}database_pool = 0")),
			"database_pool and database_timeout must be at least 1"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}free_calls_budget = 10")),
			"free_calls_budget needs free_calls (per account)"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}free_calls = 3\nfree_calls_budget = 0")),
			"free_calls_budget must be at least 1 (free_calls = 0 gives none)"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}free_calls = 3\nfree_call_window = 0")),
			"free_calls_period and free_call_window must be at least 1 second"
		);
		assert_eq!(
			refused(&format!("{MINIMAL}database = \" \"")),
			"database must be a SQLite file or a postgres:// URL"
		);
	}

	#[test]
	fn a_postgres_url_names_the_shared_store_and_free_calls_are_off_by_default() {
		let config = Config::merge(file(MINIMAL), env(&[]), &Cli::default()).unwrap();
		assert_eq!(config.store.database, Database::Sqlite("agora-gateway.sqlite".into()));
		assert_eq!(config.free_calls, None);
		assert_eq!(config.reservation_ttl, Duration::from_secs(60));
		let config = Config::merge(
			file(&format!("{MINIMAL}free_calls = 5\nfree_calls_budget = 100\n")),
			env(&[("AGORA_GATEWAY_DATABASE", "postgres://agora:pw@127.0.0.1:5432/gateway")]),
			&Cli::default(),
		)
		.unwrap();
		assert_eq!(
			config.store.database,
			Database::Postgres("postgres://agora:pw@127.0.0.1:5432/gateway".into())
		);
		assert_eq!(
			format!("{:?}", config.store.database),
			"postgres://agora:***@127.0.0.1:5432/gateway"
		);
		assert_eq!(
			config.free_calls,
			Some(FreeCalls { allowance: 5, period: 86_400, budget: Some(100), window: 60 })
		);
	}

	#[test]
	fn a_call_whose_usage_is_unknown_is_charged_its_reservation_by_default() {
		let json = format!("{MINIMAL}metering = \"json_field\"\nusage_field = \"usage.total_tokens\"\nreserve_units = 3\n");
		let config = Config::merge(file(&json), env(&[]), &Cli::default()).unwrap();
		assert_eq!(config.unmetered_units, 3);
		assert_eq!(config.max_units_per_call, 1_000);
		let config =
			Config::merge(file(&format!("{json}unmetered_units = 8\n")), env(&[]), &Cli::default())
				.unwrap();
		assert_eq!(config.unmetered_units, 8);
		let token = Config::merge(
			file(MINIMAL),
			env(&[("AGORA_GATEWAY_OPERATOR_TOKEN", "an-operator-secret-123")]),
			&Cli::default(),
		)
		.unwrap();
		assert_eq!(token.operator_token.as_deref(), Some("an-operator-secret-123"));
		assert_eq!(token.upstream_timeout, Duration::from_secs(120));
	}

	#[test]
	fn flags_parse_into_the_same_settings() {
		use clap::CommandFactory;
		Cli::command().debug_assert();
		let cli = Cli::try_parse_from([
			"agora-gateway",
			"--upstream",
			"http://127.0.0.1:9000",
			"--service-id",
			"3",
			"--credit-limit",
			"500",
			"--metering",
			"header",
			"--usage-header",
			"x-usage-tokens",
		])
		.unwrap();
		let config = Config::merge(toml::Table::new(), env(&[]), &cli).unwrap();
		assert_eq!(config.service_id, 3);
		assert_eq!(config.credit_limit, 500);
		assert!(matches!(config.meter, Meter::Header { ref name, .. } if name == "x-usage-tokens"));
		assert!(Cli::try_parse_from(["agora-gateway", "--service-id", "three"]).is_err());
		assert!(Cli::try_parse_from(["agora-gateway", "--colour"]).is_err());
	}

	#[test]
	fn the_example_file_is_valid() {
		let example = file(include_str!("../gateway.example.toml"));
		let config = Config::merge(example, env(&[]), &Cli::default()).unwrap();
		assert_eq!(config.upstream, "http://127.0.0.1:8000/v1");
		assert_eq!(config.credit_limit, 40_000_000_000);
		assert_eq!(config.settle_threshold, Some(10_000_000_000_000));
		assert_eq!(config.meter.reservation(), 4);
		assert_eq!(config.meter.quantity_per_unit(), 1000);
	}

	#[test]
	fn the_key_comes_from_the_env_first_and_errors_do_not_show_it() {
		let config = Config::merge(file(MINIMAL), env(&[]), &Cli::default()).unwrap();
		let pair = config.provider_key(Some("//Bob".into())).unwrap();
		assert_eq!(pair.public(), sp_keyring::Sr25519Keyring::Bob.public());
		let err = config.provider_key(Some("not my secret words".into())).err().unwrap().0;
		assert!(err.starts_with("the key in $AGORA_GATEWAY_KEY is not"), "{err}");
		assert!(!err.contains("my secret"), "{err}");
		assert_eq!(
			config.provider_key(None).err().unwrap().0,
			"no provider key: set $AGORA_GATEWAY_KEY or key_file"
		);
		let dir = std::env::temp_dir().join(format!("agora-gateway-key-{}", std::process::id()));
		std::fs::write(&dir, "//Bob\n").unwrap();
		let with_file = Config { key_file: Some(dir.clone()), ..config };
		assert_eq!(
			with_file.provider_key(None).unwrap().public(),
			sp_keyring::Sr25519Keyring::Bob.public()
		);
		std::fs::remove_file(dir).unwrap();
	}
}
