//! The gateway's durable, shared state: each channel's best receipt, metered usage,
//! reservations of calls in flight and settlement status; the settler's lease; the
//! settlement log; free-call counts.
//!
//! One trait, [`Store`], two implementations:
//! - [`sqlite`]: the embedded default for one gateway on one machine. Reservations live
//!   in the process (they die with it); everything else is on disk before the response
//!   that depends on it is sent.
//! - [`postgres`]: for several gateway replicas behind a load balancer. Every replica
//!   reads and changes a channel's accounts in one transaction holding the channel's row
//!   (`SELECT … FOR UPDATE`), reservations are rows that expire, and one replica at a
//!   time holds the settler's lease: N replicas give exactly the guarantees of one.
//!
//! Both run their schema migrations, numbered, when they open.

pub mod postgres;
pub mod sqlite;
#[cfg(test)]
mod tests;

use std::{
	collections::hash_map::RandomState,
	hash::BuildHasher,
	sync::{
		atomic::{AtomicU64, Ordering},
		OnceLock,
	},
	time::{Duration, SystemTime, UNIX_EPOCH},
};

use agora_primitives::{AccountId, ChannelId};
use async_trait::async_trait;

use crate::ledger::{Refusal, SignedReceipt};

/// Identifies one paid call's reservation, unique across replicas.
pub type CallId = u64;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	#[error("database: {0}")]
	Sql(#[from] rusqlite::Error),
	#[error("database: {}", with_causes(.0))]
	Postgres(#[from] tokio_postgres::Error),
	#[error("database: {0}")]
	Corrupt(String),
	#[error("database: the commit failed: {0}")]
	Commit(String),
	#[error("database: {0}")]
	Unavailable(String),
	#[error("database: {0}")]
	Config(String),
	#[error("database: schema version {found} is newer than this agora-gateway knows ({known}): upgrade the gateway")]
	NewerSchema { found: i64, known: i64 },
	#[error("database writer stopped")]
	WriterGone,
}

/// `error` and what caused it: tokio-postgres says "error performing TLS handshake", its
/// cause says which certificate was refused and why.
fn with_causes(error: &dyn std::error::Error) -> String {
	let mut text = error.to_string();
	let mut cause = error.source();
	while let Some(inner) = cause {
		text.push_str(&format!(": {inner}"));
		cause = inner.source();
	}
	text
}

impl From<StoreError> for Refusal {
	fn from(e: StoreError) -> Refusal {
		Refusal::StoreUnavailable(e.to_string())
	}
}

/// A channel's accounts as every replica shares them.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Ledger {
	/// The highest receipt with a valid signature: what the provider can claim.
	pub best: Option<SignedReceipt>,
	/// Everything the channel's completed calls used, in the meter's measure.
	pub quantity: u128,
	/// Units held by the live reservations of calls other than the one updating.
	pub reserved_by_others: u64,
	/// How many calls other than the one updating hold a live reservation.
	pub other_calls: u32,
	/// Units held by the updating call (0 for reads and for updates of no call).
	pub reserved_by_call: u64,
	/// Units the chain had settled when the settler last looked.
	pub settled_units: u64,
	/// Why the best receipt cannot be settled, once the chain said so.
	pub abandoned: Option<String>,
}

impl Ledger {
	/// Units held by every live reservation.
	pub fn reserved(&self) -> u64 {
		self.reserved_by_others.saturating_add(self.reserved_by_call)
	}

	/// What is stored of it: everything but the reservations (rows of their own).
	pub fn columns(&self) -> Ledger {
		Ledger { reserved_by_others: 0, reserved_by_call: 0, other_calls: 0, ..self.clone() }
	}
}

/// A channel's live reservations as an update sees them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LiveReservations {
	/// Units of the updating call's reservation.
	pub by_call: u64,
	/// Units of the other calls' reservations.
	pub by_others: u64,
	/// How many other calls hold one.
	pub other_calls: u32,
}

impl LiveReservations {
	/// These and a reservation of `units`, the updating call's (`own`) or another's.
	pub fn with(self, own: bool, units: u64) -> LiveReservations {
		match own {
			true => LiveReservations { by_call: self.by_call.saturating_add(units), ..self },
			false => LiveReservations {
				by_others: self.by_others.saturating_add(units),
				other_calls: self.other_calls.saturating_add(1),
				..self
			},
		}
	}

	/// `stored` (a channel's stored columns) with these reservations.
	pub fn into_ledger(self, stored: Ledger) -> Ledger {
		Ledger {
			reserved_by_call: self.by_call,
			reserved_by_others: self.by_others,
			other_calls: self.other_calls,
			..stored
		}
	}
}

/// What a change of a channel's ledger does: it edits the ledger or says why not (and then
/// nothing is stored). It may be run more than once.
pub type Change<'a> = &'a mut (dyn FnMut(&mut Ledger) -> Result<(), Refusal> + Send);

/// A settlement as it is logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettlementRecord {
	pub tx_hash: String,
	pub items: u32,
	pub settled: u32,
	pub dropped: u32,
	pub retried: u32,
}

/// A request for one free call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FreeCallRequest {
	pub account: AccountId,
	/// The caller's nonce: a request with one already seen is a replay.
	pub nonce: String,
	/// The allowance period the call falls in (Unix time ÷ period).
	pub period: u64,
	/// Free calls per account and period.
	pub allowance: u32,
	/// Free calls per period across all accounts, if bounded.
	pub budget: Option<u32>,
	/// Until when (Unix seconds) the nonce must be remembered.
	pub nonce_expires_at: u64,
}

/// What became of a free call request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreeCallOutcome {
	/// Granted: the account has used `used` of its allowance this period.
	Granted { used: u32 },
	/// The account used its allowance this period.
	Exhausted,
	/// All callers together used the period's budget.
	BudgetExhausted,
	/// The nonce was seen before.
	Replayed,
}

/// The gateway's shared state.
#[async_trait]
pub trait Store: Send + Sync {
	/// Runs `change` on channel `id`'s ledger and stores what it changed, all or nothing;
	/// no other update of the channel (in any replica) runs in between. With `call`, the
	/// call's reservation is `reserved_by_call` and takes the value `change` leaves (0
	/// removes it; a reservation lives `reservation_ttl` past its last update: a call
	/// renews it by updating it). Returns the ledger as stored.
	async fn update(
		&self,
		id: ChannelId,
		call: Option<CallId>,
		change: Change<'_>,
	) -> Result<Ledger, Refusal>;

	/// Channel `id`'s ledger (empty for a channel never served).
	async fn ledger(&self, id: ChannelId) -> Result<Ledger, StoreError>;

	/// The best receipt of every channel whose receipt pays more than the chain settled
	/// when last looked, and that was not abandoned.
	async fn claimable(&self) -> Result<Vec<(ChannelId, SignedReceipt)>, StoreError>;

	/// Takes or keeps the settler's lease for `holder` until `ttl` from now; false while
	/// another holder's lease runs.
	async fn lease(&self, holder: &str, ttl: Duration) -> Result<bool, StoreError>;

	/// Logs a settlement.
	async fn log_settlement(&self, record: SettlementRecord) -> Result<(), StoreError>;

	/// The settlements logged so far, oldest first.
	async fn settlements(&self) -> Result<Vec<SettlementRecord>, StoreError>;

	/// Counts a free call if the nonce is new and the allowances allow it.
	async fn take_free_call(
		&self,
		request: &FreeCallRequest,
	) -> Result<FreeCallOutcome, StoreError>;

	/// Forgets expired reservations, nonces past their window and counts of past periods.
	async fn prune(&self, now_unix: u64, current_period: u64) -> Result<(), StoreError>;
}

/// Where the state is kept: a SQLite file, or a PostgreSQL database shared by replicas.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
	Sqlite(std::path::PathBuf),
	/// A `postgres://` URL.
	Postgres(String),
}

impl Database {
	/// A `postgres://` or `postgresql://` URL, else a SQLite file's path.
	pub fn parse(text: &str) -> Database {
		if text.starts_with("postgres://") || text.starts_with("postgresql://") {
			Database::Postgres(text.to_string())
		} else {
			Database::Sqlite(text.into())
		}
	}

	/// How it is named in logs and errors: a URL without its password.
	pub fn display(&self) -> String {
		match self {
			Database::Sqlite(path) => path.display().to_string(),
			Database::Postgres(url) => postgres::redact(url),
		}
	}
}

impl std::fmt::Debug for Database {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&self.display())
	}
}

/// How a store is opened.
#[derive(Clone, Debug)]
pub struct StoreSettings {
	pub database: Database,
	/// How long a reservation outlives its last update or renewal.
	pub reservation_ttl: Duration,
	/// Connections to PostgreSQL (at most).
	pub pool_size: usize,
	/// How long connecting to PostgreSQL may take.
	pub connect_timeout: Duration,
	/// PEM CA certificates PostgreSQL's TLS certificate is verified against (else the
	/// system's roots).
	pub ca_file: Option<std::path::PathBuf>,
}

/// Opens the store `settings` name, running its migrations.
pub async fn open(settings: &StoreSettings) -> Result<Box<dyn Store>, StoreError> {
	Ok(match &settings.database {
		Database::Sqlite(path) => {
			Box::new(sqlite::SqliteStore::open(path, settings.reservation_ttl)?)
		},
		Database::Postgres(url) => Box::new(postgres::PostgresStore::open(url, settings).await?),
	})
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// A new call id: a counter hashed with this process's random keys, so that replicas
/// sharing a database do not pick the same (64 random-looking bits).
pub fn new_call_id() -> CallId {
	static KEYS: OnceLock<RandomState> = OnceLock::new();
	static NEXT: AtomicU64 = AtomicU64::new(0);
	KEYS.get_or_init(RandomState::new)
		.hash_one(NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The schema migrations of a store, applied in order: version `i + 1` is `MIGRATIONS[i]`.
pub(crate) fn pending_migrations(
	migrations: &'static [&'static str],
	current: i64,
) -> Result<impl Iterator<Item = (i64, &'static str)>, StoreError> {
	let known = migrations.len() as i64;
	if current > known {
		return Err(StoreError::NewerSchema { found: current, known });
	}
	Ok(migrations
		.iter()
		.enumerate()
		.map(|(i, sql)| (i as i64 + 1, *sql))
		.skip(current as usize))
}
