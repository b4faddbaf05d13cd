//! The gateway's durable state in SQLite: the best receipt and the metered usage of each
//! channel, written (and synced: WAL with `synchronous = FULL`) before the response that
//! depends on them is sent, and a log of settlements. A crash or restart loses no
//! claimable receipt and forgets no usage.
//!
//! Writes go through one writer thread that commits every write waiting at that moment
//! in one transaction (group commit): under load, many requests' receipts share one
//! sync instead of syncing less, and each request still waits until its own write is on
//! disk.

use std::{
	path::Path,
	sync::{mpsc, Arc, Mutex},
	thread,
};

use agora_primitives::ChannelId;
use codec::{Decode, Encode};
use rusqlite::{params, Connection};
use sp_runtime::MultiSignature;
use tokio::sync::oneshot;

use crate::ledger::SignedReceipt;

/// Most writes committed in one transaction.
const MAX_GROUP: usize = 1_024;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	#[error("database: {0}")]
	Sql(#[from] rusqlite::Error),
	#[error("database: {0}")]
	Corrupt(String),
	#[error("database: the commit failed: {0}")]
	Commit(String),
	#[error("database writer stopped")]
	WriterGone,
}

/// What the store keeps of a channel.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StoredChannel {
	pub best: Option<SignedReceipt>,
	pub quantity: u128,
}

/// A settlement as it is logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettlementRecord {
	pub tx_hash: String,
	pub items: u32,
	pub settled: u32,
	pub dropped: u32,
	pub retried: u32,
}

/// One write waiting for the writer thread.
enum Write {
	Receipt(ChannelId, SignedReceipt),
	Quantity(ChannelId, u128),
	Settlement(SettlementRecord),
}

struct Job {
	write: Write,
	done: oneshot::Sender<Result<(), StoreError>>,
}

/// The database, shared by the request handlers and the settler.
#[derive(Clone)]
pub struct Store {
	writes: mpsc::Sender<Job>,
	/// A second connection for the reads (WAL lets it read while the writer writes).
	reader: Arc<Mutex<Connection>>,
}

const SCHEMA: &str = "
	PRAGMA journal_mode = WAL;
	PRAGMA synchronous = FULL;
	CREATE TABLE IF NOT EXISTS channels (
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
	);
";

fn to_sql(n: u64) -> Result<i64, StoreError> {
	i64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{n} does not fit SQLite's integers")))
}

fn apply(connection: &Connection, write: &Write) -> Result<(), StoreError> {
	match write {
		Write::Receipt(id, receipt) => connection.execute(
			"INSERT INTO channels (channel_id, best_units, best_signature) VALUES (?1, ?2, ?3)
			 ON CONFLICT (channel_id) DO UPDATE SET best_units = ?2, best_signature = ?3",
			params![to_sql(*id)?, to_sql(receipt.units)?, receipt.signature.encode()],
		)?,
		Write::Quantity(id, quantity) => connection.execute(
			"INSERT INTO channels (channel_id, quantity) VALUES (?1, ?2)
			 ON CONFLICT (channel_id) DO UPDATE SET quantity = ?2",
			params![to_sql(*id)?, quantity.to_string()],
		)?,
		Write::Settlement(record) => connection.execute(
			"INSERT INTO settlements (tx_hash, items, settled, dropped, retried)
			 VALUES (?1, ?2, ?3, ?4, ?5)",
			params![record.tx_hash, record.items, record.settled, record.dropped, record.retried],
		)?,
	};
	Ok(())
}

/// Commits `jobs` in one transaction; each gets its own result (a write that fails does
/// not undo the others), or all get the commit's error.
fn commit_group(connection: &mut Connection, jobs: &[Job]) -> Vec<Result<(), StoreError>> {
	let all_failed =
		|e: rusqlite::Error| jobs.iter().map(|_| Err(StoreError::Commit(e.to_string()))).collect();
	let transaction = match connection.transaction() {
		Ok(transaction) => transaction,
		Err(e) => return all_failed(e),
	};
	let results = jobs.iter().map(|job| apply(&transaction, &job.write)).collect();
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

impl Store {
	/// Opens (creating if needed) the database at `path`.
	pub fn open(path: &Path) -> Result<Store, StoreError> {
		let writer = Connection::open(path)?;
		writer.execute_batch(SCHEMA)?;
		let reader = Connection::open(path)?;
		let (writes, jobs) = mpsc::channel();
		thread::Builder::new()
			.name("store-writer".into())
			.spawn(move || write_loop(writer, jobs))
			.map_err(|e| StoreError::Commit(format!("cannot start the writer: {e}")))?;
		Ok(Store { writes, reader: Arc::new(Mutex::new(reader)) })
	}

	/// Hands `write` to the writer; resolves once it is committed.
	async fn write(&self, write: Write) -> Result<(), StoreError> {
		let (done, committed) = oneshot::channel();
		self.writes.send(Job { write, done }).map_err(|_| StoreError::WriterGone)?;
		committed.await.map_err(|_| StoreError::WriterGone)?
	}

	fn read<T>(
		&self,
		f: impl FnOnce(&Connection) -> Result<T, StoreError>,
	) -> Result<T, StoreError> {
		let connection = self.reader.lock().map_err(|_| StoreError::WriterGone)?;
		f(&connection)
	}

	/// Every channel the gateway has served.
	pub fn load(&self) -> Result<Vec<(ChannelId, StoredChannel)>, StoreError> {
		self.read(|connection| {
			let mut statement = connection
				.prepare("SELECT channel_id, best_units, best_signature, quantity FROM channels")?;
			let rows = statement.query_map([], |row| {
				Ok((
					row.get::<_, i64>(0)?,
					row.get::<_, Option<i64>>(1)?,
					row.get::<_, Option<Vec<u8>>>(2)?,
					row.get::<_, String>(3)?,
				))
			})?;
			rows.map(|row| {
				let (id, units, signature, quantity) = row?;
				let best = match (units, signature) {
					(Some(units), Some(bytes)) => Some(SignedReceipt {
						units: units as u64,
						signature: MultiSignature::decode(&mut &bytes[..]).map_err(|e| {
							StoreError::Corrupt(format!("channel {id}: signature: {e}"))
						})?,
					}),
					_ => None,
				};
				let quantity = quantity.parse().map_err(|_| {
					StoreError::Corrupt(format!("channel {id}: quantity '{quantity}'"))
				})?;
				Ok((id as ChannelId, StoredChannel { best, quantity }))
			})
			.collect()
		})
	}

	/// Records `receipt` as channel `id`'s best.
	pub async fn save_receipt(
		&self,
		id: ChannelId,
		receipt: SignedReceipt,
	) -> Result<(), StoreError> {
		self.write(Write::Receipt(id, receipt)).await
	}

	/// Records channel `id`'s metered usage.
	pub async fn save_quantity(&self, id: ChannelId, quantity: u128) -> Result<(), StoreError> {
		self.write(Write::Quantity(id, quantity)).await
	}

	/// Logs a settlement.
	pub async fn log_settlement(&self, record: SettlementRecord) -> Result<(), StoreError> {
		self.write(Write::Settlement(record)).await
	}

	/// The settlements logged so far, oldest first.
	pub fn settlements(&self) -> Result<Vec<SettlementRecord>, StoreError> {
		self.read(|connection| {
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
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::{sr25519, Pair};

	fn receipt(units: u64) -> SignedReceipt {
		let pair = sr25519::Pair::from_string("//store", None).unwrap();
		SignedReceipt { units, signature: MultiSignature::Sr25519(pair.sign(&units.to_le_bytes())) }
	}

	/// A database file of its own for each test, removed at the end.
	struct TempDb(std::path::PathBuf);

	impl TempDb {
		fn new(name: &str) -> TempDb {
			let path = std::env::temp_dir()
				.join(format!("agora-gateway-{name}-{}.sqlite", std::process::id()));
			let db = TempDb(path);
			db.remove();
			db
		}
		fn remove(&self) {
			for suffix in ["", "-wal", "-shm"] {
				let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
			}
		}
	}

	impl Drop for TempDb {
		fn drop(&mut self) {
			self.remove();
		}
	}

	fn channel(store: &Store, id: ChannelId) -> Option<StoredChannel> {
		store
			.load()
			.unwrap()
			.into_iter()
			.find(|(c, _)| *c == id)
			.map(|(_, stored)| stored)
	}

	#[tokio::test]
	async fn receipts_and_usage_survive_a_reopen() {
		let db = TempDb::new("reopen");
		let (first, second, other) = (receipt(1), receipt(2), receipt(9));
		{
			let store = Store::open(&db.0).unwrap();
			store.save_quantity(3, 1_500).await.unwrap();
			store.save_receipt(3, first).await.unwrap();
			store.save_receipt(3, second.clone()).await.unwrap();
			store.save_receipt(5, other.clone()).await.unwrap();
			store
				.log_settlement(SettlementRecord {
					tx_hash: "0xab".into(),
					items: 2,
					settled: 1,
					dropped: 1,
					retried: 0,
				})
				.await
				.unwrap();
		}
		let store = Store::open(&db.0).unwrap();
		let mut channels = store.load().unwrap();
		channels.sort_by_key(|(id, _)| *id);
		assert_eq!(
			channels,
			vec![
				(3, StoredChannel { best: Some(second), quantity: 1_500 }),
				(5, StoredChannel { best: Some(other), quantity: 0 }),
			]
		);
		assert_eq!(store.settlements().unwrap().len(), 1);
		assert_eq!(store.settlements().unwrap()[0].dropped, 1);
	}

	#[tokio::test]
	async fn usage_beyond_64_bits_is_kept_exactly() {
		let db = TempDb::new("u128");
		let store = Store::open(&db.0).unwrap();
		store.save_quantity(1, u128::MAX).await.unwrap();
		assert_eq!(channel(&store, 1).unwrap().quantity, u128::MAX);
		assert_eq!(channel(&store, 2), None);
	}

	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn concurrent_writes_are_all_committed_and_a_bad_one_fails_alone() {
		let db = TempDb::new("group");
		let store = Store::open(&db.0).unwrap();
		// 500 writers at once: they share commits, and each sees its own write succeed.
		let writers: Vec<_> = (0..500u64)
			.map(|id| {
				let store = store.clone();
				tokio::spawn(async move { store.save_quantity(id, u128::from(id) * 7).await })
			})
			.collect();
		// A channel id SQLite cannot hold fails, and only that write.
		let bad = store.save_receipt(u64::MAX, receipt(1)).await;
		assert!(matches!(bad, Err(StoreError::Corrupt(ref m)) if m.contains("does not fit")));
		for writer in writers {
			writer.await.unwrap().unwrap();
		}
		let channels = store.load().unwrap();
		assert_eq!(channels.len(), 500);
		assert!(channels.iter().all(|(id, c)| c.quantity == u128::from(*id) * 7));
	}
}
