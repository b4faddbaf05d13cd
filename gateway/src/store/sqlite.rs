//! The embedded store: one gateway, one SQLite file. Every channel's ledger is kept in
//! memory and written (and synced: WAL with `synchronous = FULL`) before an update
//! returns, so a crash or restart loses no claimable receipt and forgets no usage.
//! Reservations stay in memory: they belong to calls of this process, which end with it.
//!
//! Writes go through one writer thread that commits every write waiting at that moment
//! in one transaction (group commit): under load, many requests' receipts share one
//! sync instead of syncing less, and each request still waits until its own write is on
//! disk. That thread is the only writer, so a free call's check and count are one step.

use std::{
	collections::HashMap,
	path::Path,
	sync::{mpsc, Arc, Mutex},
	thread,
	time::{Duration, Instant},
};

use agora_primitives::ChannelId;
use async_trait::async_trait;
use codec::{Decode, Encode};
use rusqlite::{params, Connection, OptionalExtension};
use sp_runtime::MultiSignature;
use tokio::sync::{oneshot, Mutex as AsyncMutex};

use super::{
	pending_migrations, CallId, Change, FreeCallOutcome, FreeCallRequest, Ledger, LiveReservations,
	SettlementRecord, Store, StoreError,
};
use crate::ledger::{Refusal, SignedReceipt};

/// Most writes committed in one transaction.
const MAX_GROUP: usize = 1_024;

/// The free-call counts of all accounts together are kept under this account.
const ALL_ACCOUNTS: &[u8] = &[];

/// Version `i + 1` of the schema is `MIGRATIONS[i]`; `PRAGMA user_version` is the version
/// applied. Version 1 is the schema of the gateways before versioning (its tables are
/// created only if missing, so their databases migrate too).
pub(super) const MIGRATIONS: &[&str] = &[
	"CREATE TABLE IF NOT EXISTS channels (
		channel_id INTEGER PRIMARY KEY,
		best_units INTEGER,
		best_signature BLOB,
		quantity TEXT NOT NULL DEFAULT '0'
	);
	CREATE TABLE IF NOT EXISTS settlements (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		at INTEGER NOT NULL DEFAULT (strftime('%s', 'now')),
		tx_hash TEXT NOT NULL,
		items INTEGER NOT NULL,
		settled INTEGER NOT NULL,
		dropped INTEGER NOT NULL,
		retried INTEGER NOT NULL
	);",
	"ALTER TABLE channels ADD COLUMN settled_units INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE channels ADD COLUMN abandoned TEXT;
	CREATE TABLE free_calls (
		account BLOB NOT NULL,
		period INTEGER NOT NULL,
		used INTEGER NOT NULL,
		PRIMARY KEY (account, period)
	);
	CREATE TABLE caller_nonces (
		account BLOB NOT NULL,
		nonce TEXT NOT NULL,
		expires_at INTEGER NOT NULL,
		PRIMARY KEY (account, nonce)
	);
	CREATE INDEX caller_nonces_expiry ON caller_nonces (expires_at);",
];

/// One write waiting for the writer thread.
enum Write {
	/// A channel's stored columns, as the ledger has them.
	Channel(ChannelId, Ledger),
	Settlement(SettlementRecord),
	FreeCall(FreeCallRequest),
	Prune {
		now_unix: u64,
		current_period: u64,
	},
}

/// How a write's commit went (with a free call's outcome).
type Committed = oneshot::Receiver<Result<Option<FreeCallOutcome>, StoreError>>;

struct Job {
	write: Write,
	done: oneshot::Sender<Result<Option<FreeCallOutcome>, StoreError>>,
}

/// A call's reservation.
struct Reservation {
	channel: ChannelId,
	units: u64,
	expires: Instant,
}

/// The SQLite store.
pub struct SqliteStore {
	writes: mpsc::Sender<Job>,
	/// A second connection for the reads (WAL lets it read while the writer writes).
	reader: Mutex<Connection>,
	/// Every channel's ledger as stored (reservation fields unused).
	channels: Mutex<HashMap<ChannelId, Arc<AsyncMutex<Ledger>>>>,
	reservations: Mutex<HashMap<CallId, Reservation>>,
	lease: Mutex<Option<(String, Instant)>>,
	reservation_ttl: Duration,
}

fn to_sql(n: u64) -> Result<i64, StoreError> {
	i64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{n} does not fit SQLite's integers")))
}

fn apply(connection: &Connection, write: &Write) -> Result<Option<FreeCallOutcome>, StoreError> {
	match write {
		Write::Channel(id, ledger) => {
			let (units, signature) = match &ledger.best {
				Some(best) => (Some(to_sql(best.units)?), Some(best.signature.encode())),
				None => (None, None),
			};
			connection.execute(
				"INSERT INTO channels (channel_id, best_units, best_signature, quantity, settled_units, abandoned)
				 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
				 ON CONFLICT (channel_id) DO UPDATE SET best_units = ?2, best_signature = ?3,
				 quantity = ?4, settled_units = ?5, abandoned = ?6",
				params![
					to_sql(*id)?,
					units,
					signature,
					ledger.quantity.to_string(),
					to_sql(ledger.settled_units)?,
					ledger.abandoned
				],
			)?;
		},
		Write::Settlement(record) => {
			connection.execute(
				"INSERT INTO settlements (tx_hash, items, settled, dropped, retried)
				 VALUES (?1, ?2, ?3, ?4, ?5)",
				params![
					record.tx_hash,
					record.items,
					record.settled,
					record.dropped,
					record.retried
				],
			)?;
		},
		Write::FreeCall(request) => return take_free_call(connection, request).map(Some),
		Write::Prune { now_unix, current_period } => {
			connection
				.execute("DELETE FROM caller_nonces WHERE expires_at < ?1", [to_sql(*now_unix)?])?;
			connection.execute(
				"DELETE FROM free_calls WHERE period < ?1",
				[to_sql(current_period.saturating_sub(1))?],
			)?;
		},
	}
	Ok(None)
}

/// Counts a free call: run by the only writer, so the check and the count are one step.
fn take_free_call(
	connection: &Connection,
	request: &FreeCallRequest,
) -> Result<FreeCallOutcome, StoreError> {
	let account: &[u8] = request.account.as_ref();
	let period = to_sql(request.period)?;
	let fresh = connection.execute(
		"INSERT INTO caller_nonces (account, nonce, expires_at) VALUES (?1, ?2, ?3)
		 ON CONFLICT DO NOTHING",
		params![account, request.nonce, to_sql(request.nonce_expires_at)?],
	)?;
	if fresh == 0 {
		return Ok(FreeCallOutcome::Replayed);
	}
	let used = |who: &[u8]| -> Result<u32, StoreError> {
		Ok(connection
			.query_row(
				"SELECT used FROM free_calls WHERE account = ?1 AND period = ?2",
				params![who, period],
				|row| row.get(0),
			)
			.optional()?
			.unwrap_or(0))
	};
	let by_account = used(account)?;
	if by_account >= request.allowance {
		return Ok(FreeCallOutcome::Exhausted);
	}
	if let Some(budget) = request.budget {
		if used(ALL_ACCOUNTS)? >= budget {
			return Ok(FreeCallOutcome::BudgetExhausted);
		}
	}
	let counted: &[&[u8]] = match request.budget {
		Some(_) => &[account, ALL_ACCOUNTS],
		None => &[account],
	};
	for who in counted {
		connection.execute(
			"INSERT INTO free_calls (account, period, used) VALUES (?1, ?2, 1)
			 ON CONFLICT (account, period) DO UPDATE SET used = used + 1",
			params![who, period],
		)?;
	}
	Ok(FreeCallOutcome::Granted { used: by_account + 1 })
}

/// Commits `jobs` in one transaction; each gets its own result (a write that fails does
/// not undo the others), or all get the commit's error.
fn commit_group(
	connection: &mut Connection,
	jobs: &[Job],
) -> Vec<Result<Option<FreeCallOutcome>, StoreError>> {
	let all_failed =
		|e: rusqlite::Error| jobs.iter().map(|_| Err(StoreError::Commit(e.to_string()))).collect();
	let mut transaction = match connection.transaction() {
		Ok(transaction) => transaction,
		Err(e) => return all_failed(e),
	};
	let mut results = Vec::with_capacity(jobs.len());
	for job in jobs {
		// A savepoint per job: a job that fails half-way leaves nothing behind.
		let result = transaction.savepoint().map_err(StoreError::from).and_then(|savepoint| {
			let applied = apply(&savepoint, &job.write)?;
			savepoint.commit()?;
			Ok(applied)
		});
		results.push(result);
	}
	match transaction.commit() {
		Ok(()) => results,
		Err(e) => all_failed(e),
	}
}

fn write_loop(mut connection: Connection, jobs: mpsc::Receiver<Job>) {
	while let Ok(first) = jobs.recv() {
		let mut group = vec![first];
		group.extend(jobs.try_iter().take(MAX_GROUP - 1));
		let results = commit_group(&mut connection, &group);
		for (job, result) in group.into_iter().zip(results) {
			// The request may have gone (client disconnected): its write is on disk anyway.
			let _ = job.done.send(result);
		}
	}
}

/// Applies the migrations `connection`'s database lacks.
fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
	let current: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
	for (version, sql) in pending_migrations(MIGRATIONS, current)? {
		let transaction = connection.transaction()?;
		transaction.execute_batch(sql)?;
		transaction.pragma_update(None, "user_version", version)?;
		transaction.commit()?;
		tracing::info!(version, "database migrated");
	}
	Ok(())
}

fn load(connection: &Connection) -> Result<HashMap<ChannelId, Ledger>, StoreError> {
	let mut statement = connection.prepare(
		"SELECT channel_id, best_units, best_signature, quantity, settled_units, abandoned FROM channels",
	)?;
	let rows = statement.query_map([], |row| {
		Ok((
			row.get::<_, i64>(0)?,
			row.get::<_, Option<i64>>(1)?,
			row.get::<_, Option<Vec<u8>>>(2)?,
			row.get::<_, String>(3)?,
			row.get::<_, i64>(4)?,
			row.get::<_, Option<String>>(5)?,
		))
	})?;
	rows.map(|row| {
		let (id, units, signature, quantity, settled_units, abandoned) = row?;
		let ledger = Ledger {
			best: decode_best(id, units, signature.as_deref())?,
			quantity: decode_quantity(id, &quantity)?,
			settled_units: settled_units as u64,
			abandoned,
			..Ledger::default()
		};
		Ok((id as ChannelId, ledger))
	})
	.collect()
}

/// A stored best receipt (both columns set, or neither).
pub(super) fn decode_best(
	id: i64,
	units: Option<i64>,
	signature: Option<&[u8]>,
) -> Result<Option<SignedReceipt>, StoreError> {
	match (units, signature) {
		(Some(units), Some(mut bytes)) => Ok(Some(SignedReceipt {
			units: units as u64,
			signature: MultiSignature::decode(&mut bytes)
				.map_err(|e| StoreError::Corrupt(format!("channel {id}: signature: {e}")))?,
		})),
		_ => Ok(None),
	}
}

/// A stored usage (a decimal: it may pass 64 bits).
pub(super) fn decode_quantity(id: i64, text: &str) -> Result<u128, StoreError> {
	text.parse()
		.map_err(|_| StoreError::Corrupt(format!("channel {id}: quantity '{text}'")))
}

impl SqliteStore {
	/// Opens (creating if needed) the database at `path` and migrates it.
	pub fn open(path: &Path, reservation_ttl: Duration) -> Result<SqliteStore, StoreError> {
		let mut writer = Connection::open(path)?;
		writer.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")?;
		migrate(&mut writer)?;
		let reader = Connection::open(path)?;
		let channels = load(&reader)?
			.into_iter()
			.map(|(id, ledger)| (id, Arc::new(AsyncMutex::new(ledger))))
			.collect();
		let (writes, jobs) = mpsc::channel();
		thread::Builder::new()
			.name("store-writer".into())
			.spawn(move || write_loop(writer, jobs))
			.map_err(|e| StoreError::Commit(format!("cannot start the writer: {e}")))?;
		Ok(SqliteStore {
			writes,
			reader: Mutex::new(reader),
			channels: Mutex::new(channels),
			reservations: Mutex::new(HashMap::new()),
			lease: Mutex::new(None),
			reservation_ttl,
		})
	}

	/// Hands `write` to the writer: it is committed from now on, whatever becomes of the
	/// caller; the receiver tells how the commit went.
	fn send(&self, write: Write) -> Result<Committed, StoreError> {
		let (done, committed) = oneshot::channel();
		self.writes.send(Job { write, done }).map_err(|_| StoreError::WriterGone)?;
		Ok(committed)
	}

	/// Hands `write` to the writer; resolves once it is committed.
	async fn write(&self, write: Write) -> Result<Option<FreeCallOutcome>, StoreError> {
		self.send(write)?.await.map_err(|_| StoreError::WriterGone)?
	}

	/// Sets `call`'s reservation (none: removed); returns the one it replaces.
	fn set_reservation(
		&self,
		call: CallId,
		reservation: Option<Reservation>,
	) -> Option<Reservation> {
		let mut reservations = self.reservations.lock().expect("not poisoned");
		match reservation {
			Some(reservation) => reservations.insert(call, reservation),
			None => reservations.remove(&call),
		}
	}

	fn channel(&self, id: ChannelId) -> Arc<AsyncMutex<Ledger>> {
		self.channels.lock().expect("not poisoned").entry(id).or_default().clone()
	}

	/// Channel `id`'s live reservations: the units of `call`'s, and the units and number of
	/// the others'.
	fn reserved(&self, id: ChannelId, call: Option<CallId>) -> LiveReservations {
		let now = Instant::now();
		let reservations = self.reservations.lock().expect("not poisoned");
		let live = reservations.iter().filter(|(_, r)| r.channel == id && r.expires > now);
		live.fold(LiveReservations::default(), |live, (held_by, r)| {
			live.with(Some(*held_by) == call, r.units)
		})
	}
}

#[async_trait]
impl Store for SqliteStore {
	async fn update(
		&self,
		id: ChannelId,
		call: Option<CallId>,
		change: Change<'_>,
	) -> Result<Ledger, Refusal> {
		let channel = self.channel(id);
		let mut stored = channel.lock().await;
		let mut ledger = self.reserved(id, call).into_ledger(stored.clone());
		change(&mut ledger)?;
		let columns = ledger.columns();
		let committed = (columns != *stored)
			.then(|| self.send(Write::Channel(id, columns.clone())))
			.transpose()?;
		// Once queued the write commits even if this update is abandoned (its client left):
		// memory follows it at once, and goes back if the commit fails.
		let previous = std::mem::replace(&mut *stored, columns);
		let reservation = (ledger.reserved_by_call > 0).then(|| Reservation {
			channel: id,
			units: ledger.reserved_by_call,
			expires: Instant::now() + self.reservation_ttl,
		});
		let previous_reservation = call.map(|call| self.set_reservation(call, reservation));
		let Some(committed) = committed else { return Ok(ledger) };
		if let Err(e) = committed.await.map_err(|_| StoreError::WriterGone).and_then(|r| r) {
			*stored = previous;
			if let (Some(call), Some(previous)) = (call, previous_reservation) {
				self.set_reservation(call, previous);
			}
			return Err(e.into());
		}
		Ok(ledger)
	}

	async fn ledger(&self, id: ChannelId) -> Result<Ledger, StoreError> {
		let stored = self.channel(id).lock().await.clone();
		Ok(self.reserved(id, None).into_ledger(stored))
	}

	async fn claimable(&self) -> Result<Vec<(ChannelId, SignedReceipt)>, StoreError> {
		let channels: Vec<_> = self
			.channels
			.lock()
			.expect("not poisoned")
			.iter()
			.map(|(id, c)| (*id, c.clone()))
			.collect();
		let mut claimable = Vec::new();
		for (id, channel) in channels {
			let ledger = channel.lock().await;
			match &ledger.best {
				Some(best) if best.units > ledger.settled_units && ledger.abandoned.is_none() => {
					claimable.push((id, best.clone()))
				},
				_ => {},
			}
		}
		Ok(claimable)
	}

	async fn lease(&self, holder: &str, ttl: Duration) -> Result<bool, StoreError> {
		let mut lease = self.lease.lock().expect("not poisoned");
		let now = Instant::now();
		match &*lease {
			Some((other, until)) if other != holder && *until > now => Ok(false),
			_ => {
				*lease = Some((holder.to_string(), now + ttl));
				Ok(true)
			},
		}
	}

	async fn log_settlement(&self, record: SettlementRecord) -> Result<(), StoreError> {
		self.write(Write::Settlement(record)).await.map(drop)
	}

	async fn settlements(&self) -> Result<Vec<SettlementRecord>, StoreError> {
		let connection = self.reader.lock().map_err(|_| StoreError::WriterGone)?;
		let mut statement = connection.prepare(
			"SELECT tx_hash, items, settled, dropped, retried FROM settlements ORDER BY id",
		)?;
		let rows = statement.query_map([], |row| {
			Ok(SettlementRecord {
				tx_hash: row.get(0)?,
				items: row.get(1)?,
				settled: row.get(2)?,
				dropped: row.get(3)?,
				retried: row.get(4)?,
			})
		})?;
		Ok(rows.collect::<Result<_, _>>()?)
	}

	async fn take_free_call(
		&self,
		request: &FreeCallRequest,
	) -> Result<FreeCallOutcome, StoreError> {
		self.write(Write::FreeCall(request.clone()))
			.await?
			.ok_or_else(|| StoreError::Corrupt("the writer did not count the free call".into()))
	}

	async fn prune(&self, now_unix: u64, current_period: u64) -> Result<(), StoreError> {
		let now = Instant::now();
		self.reservations.lock().expect("not poisoned").retain(|_, r| r.expires > now);
		self.write(Write::Prune { now_unix, current_period }).await.map(drop)
	}
}
