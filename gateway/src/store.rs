//! The gateway's durable state in SQLite: the best receipt and the metered usage of each
//! channel, written (and synced: WAL with `synchronous = FULL`) before the response that
//! depends on them is sent, and a log of settlements. A crash or restart loses no
//! claimable receipt and forgets no usage.

use std::{
	path::Path,
	sync::{Arc, Mutex},
};

use agora_primitives::ChannelId;
use codec::{Decode, Encode};
use rusqlite::{params, Connection};
use sp_runtime::MultiSignature;

use crate::ledger::SignedReceipt;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	#[error("database: {0}")]
	Sql(#[from] rusqlite::Error),
	#[error("database: {0}")]
	Corrupt(String),
	#[error("database task failed: {0}")]
	Task(String),
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

/// The database, shared by the request handlers and the settler.
#[derive(Clone)]
pub struct Store {
	connection: Arc<Mutex<Connection>>,
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

impl Store {
	/// Opens (creating if needed) the database at `path`.
	pub fn open(path: &Path) -> Result<Store, StoreError> {
		let connection = Connection::open(path)?;
		connection.execute_batch(SCHEMA)?;
		Ok(Store { connection: Arc::new(Mutex::new(connection)) })
	}

	/// Runs `f` on the connection off the async threads (a synced write blocks).
	async fn with<T: Send + 'static>(
		&self,
		f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
	) -> Result<T, StoreError> {
		let connection = self.connection.clone();
		tokio::task::spawn_blocking(move || {
			let connection = connection.lock().map_err(|e| StoreError::Task(e.to_string()))?;
			f(&connection)
		})
		.await
		.map_err(|e| StoreError::Task(e.to_string()))?
	}

	/// Every channel the gateway has served.
	pub fn load(&self) -> Result<Vec<(ChannelId, StoredChannel)>, StoreError> {
		let connection = self.connection.lock().map_err(|e| StoreError::Task(e.to_string()))?;
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
			let quantity = quantity
				.parse()
				.map_err(|_| StoreError::Corrupt(format!("channel {id}: quantity '{quantity}'")))?;
			Ok((id as ChannelId, StoredChannel { best, quantity }))
		})
		.collect()
	}

	/// Records `receipt` as channel `id`'s best.
	pub async fn save_receipt(
		&self,
		id: ChannelId,
		receipt: SignedReceipt,
	) -> Result<(), StoreError> {
		self.with(move |c| {
			c.execute(
				"INSERT INTO channels (channel_id, best_units, best_signature) VALUES (?1, ?2, ?3)
				 ON CONFLICT (channel_id) DO UPDATE SET best_units = ?2, best_signature = ?3",
				params![to_sql(id)?, to_sql(receipt.units)?, receipt.signature.encode()],
			)?;
			Ok(())
		})
		.await
	}

	/// Records channel `id`'s metered usage.
	pub async fn save_quantity(&self, id: ChannelId, quantity: u128) -> Result<(), StoreError> {
		self.with(move |c| {
			c.execute(
				"INSERT INTO channels (channel_id, quantity) VALUES (?1, ?2)
				 ON CONFLICT (channel_id) DO UPDATE SET quantity = ?2",
				params![to_sql(id)?, quantity.to_string()],
			)?;
			Ok(())
		})
		.await
	}

	/// Logs a settlement.
	pub async fn log_settlement(&self, record: SettlementRecord) -> Result<(), StoreError> {
		self.with(move |c| {
			c.execute(
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
			Ok(())
		})
		.await
	}

	/// The settlements logged so far, oldest first.
	pub fn settlements(&self) -> Result<Vec<SettlementRecord>, StoreError> {
		let connection = self.connection.lock().map_err(|e| StoreError::Task(e.to_string()))?;
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

	/// Channel `id` as stored, if it is.
	#[cfg(test)]
	fn channel(&self, id: ChannelId) -> Result<Option<StoredChannel>, StoreError> {
		Ok(self.load()?.into_iter().find(|(c, _)| *c == id).map(|(_, stored)| stored))
	}

	#[cfg(test)]
	fn in_memory() -> Store {
		let connection = Connection::open_in_memory().unwrap();
		connection.execute_batch(SCHEMA).unwrap();
		Store { connection: Arc::new(Mutex::new(connection)) }
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

	#[tokio::test]
	async fn receipts_and_usage_survive_a_reopen() {
		let (first, second, other) = (receipt(1), receipt(2), receipt(9));
		let path =
			std::env::temp_dir().join(format!("agora-gateway-store-{}.sqlite", std::process::id()));
		let _ = std::fs::remove_file(&path);
		{
			let store = Store::open(&path).unwrap();
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
		let store = Store::open(&path).unwrap();
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
		std::fs::remove_file(&path).unwrap();
	}

	#[tokio::test]
	async fn usage_beyond_64_bits_is_kept_exactly() {
		let store = Store::in_memory();
		store.save_quantity(1, u128::MAX).await.unwrap();
		assert_eq!(store.channel(1).unwrap().unwrap().quantity, u128::MAX);
		assert_eq!(store.channel(2).unwrap(), None);
	}
}
