//! The shared store: gateway replicas behind a load balancer, one PostgreSQL database.
//!
//! - A channel's ledger is changed in one transaction that holds its row
//!   (`SELECT … FOR UPDATE`) and reads the channel's live reservations: what one replica
//!   reserves, every other replica counts, so the credit limit and the deposit bound hold
//!   across them all.
//! - A reservation is a row with an expiry, renewed while its call runs: a replica killed
//!   mid-call leaks its reservations for at most `reservation_ttl`.
//! - The settler's lease is a row with a holder and an expiry: one replica settles at a
//!   time, and another takes over once a crashed holder's lease runs out.
//! - Expiries are the database's clock (`now()`), the same for every replica.
//!
//! `tokio-postgres` (no ORM, no macros checked against a live database at build time):
//! the queries are few and written out here, and the client is the one the Rust
//! PostgreSQL ecosystem's pools build on. A small pool of its connections is kept below:
//! a connection the server closed (a restart) is dropped and a new one opened on demand;
//! while the database is down every operation fails within `connect_timeout`, and the
//! gateway answers `store_unavailable`.
//!
//! Connections use TLS (rustls, certificates verified against `database_ca` or the
//! system's roots) as the URL's `sslmode` says; a database on another host must be given
//! `sslmode=require` or, knowingly, `sslmode=disable`.

use std::{
	collections::HashMap,
	future::Future,
	net::IpAddr,
	ops::{Deref, DerefMut},
	path::Path,
	str::FromStr,
	sync::{Arc, Mutex},
	time::Duration,
};

use agora_primitives::ChannelId;
use async_trait::async_trait;
use codec::Encode;
use rustls::pki_types::{pem::PemObject, CertificateDer};
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio_postgres::{
	config::{Host, SslMode},
	Client, Row, Statement, Transaction,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{
	pending_migrations, sqlite::decode_best, sqlite::decode_quantity, CallId, Change,
	FreeCallOutcome, FreeCallRequest, Ledger, LiveReservations, SettlementRecord, Store,
	StoreError, StoreSettings,
};
use crate::ledger::{Refusal, SignedReceipt};

/// Version `i + 1` of the schema is `MIGRATIONS[i]`.
const MIGRATIONS: &[&str] = &["
	CREATE TABLE channels (
		channel_id BIGINT PRIMARY KEY,
		best_units BIGINT,
		best_signature BYTEA,
		quantity TEXT NOT NULL DEFAULT '0',
		settled_units BIGINT NOT NULL DEFAULT 0,
		abandoned TEXT
	);
	CREATE INDEX channels_claimable ON channels (channel_id)
		WHERE best_units > settled_units AND abandoned IS NULL;
	CREATE TABLE reservations (
		call_id BIGINT PRIMARY KEY,
		channel_id BIGINT NOT NULL,
		units BIGINT NOT NULL,
		expires_at TIMESTAMPTZ NOT NULL
	);
	CREATE INDEX reservations_channel ON reservations (channel_id, expires_at);
	CREATE TABLE settlements (
		id BIGSERIAL PRIMARY KEY,
		at TIMESTAMPTZ NOT NULL DEFAULT now(),
		tx_hash TEXT NOT NULL,
		items INTEGER NOT NULL,
		settled INTEGER NOT NULL,
		dropped INTEGER NOT NULL,
		retried INTEGER NOT NULL
	);
	CREATE TABLE leases (
		name TEXT PRIMARY KEY,
		holder TEXT NOT NULL,
		expires_at TIMESTAMPTZ NOT NULL
	);
	CREATE TABLE free_calls (
		account BYTEA NOT NULL,
		period BIGINT NOT NULL,
		used INTEGER NOT NULL,
		PRIMARY KEY (account, period)
	);
	CREATE TABLE caller_nonces (
		account BYTEA NOT NULL,
		nonce TEXT NOT NULL,
		expires_at BIGINT NOT NULL,
		PRIMARY KEY (account, nonce)
	);
	CREATE INDEX caller_nonces_expiry ON caller_nonces (expires_at);
"];

/// Taken while migrating, so that replicas starting together migrate once.
const MIGRATION_LOCK: i64 = 0x4147_4f52_4147_5701;

/// The free-call counts of all accounts together are kept under this account.
const ALL_ACCOUNTS: &[u8] = &[];

/// `url` with its password hidden, for logs and errors.
pub fn redact(url: &str) -> String {
	let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
	match rest.split_once('@') {
		Some((user_info, host)) if user_info.contains(':') => {
			let user = user_info.split(':').next().unwrap_or_default();
			format!("{scheme}://{user}:***@{host}")
		},
		_ => url.to_string(),
	}
}

fn to_sql(n: u64) -> Result<i64, StoreError> {
	i64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{n} does not fit a BIGINT")))
}

/// The TLS connector: certificates are verified against the PEM CA certificates of
/// `ca_file`, else the system's roots.
pub(super) fn tls(ca_file: Option<&Path>) -> Result<MakeRustlsConnect, StoreError> {
	let mut roots = rustls::RootCertStore::empty();
	match ca_file {
		Some(path) => {
			let unreadable = |e: &dyn std::fmt::Display| {
				StoreError::Config(format!("database_ca {}: {e}", path.display()))
			};
			for certificate in CertificateDer::pem_file_iter(path).map_err(|e| unreadable(&e))? {
				roots
					.add(certificate.map_err(|e| unreadable(&e))?)
					.map_err(|e| unreadable(&e))?;
			}
			if roots.is_empty() {
				return Err(unreadable(&"no certificate in it"));
			}
		},
		None => {
			// Certificates the system has but rustls cannot use are left out.
			let (added, _) =
				roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
			tracing::debug!(added, "system root certificates for the database's TLS");
		},
	}
	let config = rustls::ClientConfig::builder_with_provider(Arc::new(
		rustls::crypto::ring::default_provider(),
	))
	.with_safe_default_protocol_versions()
	.map_err(|e| StoreError::Config(format!("TLS: {e}")))?
	.with_root_certificates(roots)
	.with_no_client_auth();
	Ok(MakeRustlsConnect::new(config))
}

/// A database on another host is reached with TLS required (`sslmode=require`), or in
/// plaintext only when the URL says so (`sslmode=disable`): `prefer`, the default, would
/// let anyone on the path turn TLS off.
fn check_transport(config: &tokio_postgres::Config) -> Result<(), StoreError> {
	let remote = config.get_hosts().iter().any(|host| match host {
		Host::Tcp(name) => {
			name != "localhost" && !name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
		},
		Host::Unix(_) => false,
	});
	if remote && config.get_ssl_mode() == SslMode::Prefer {
		return Err(StoreError::Config(
			"a database on another host needs sslmode=require in its URL (TLS, its certificate verified against database_ca or the system's roots), or sslmode=disable for plaintext on a network you trust".into(),
		));
	}
	Ok(())
}

/// A few connections, opened on demand and dropped once the server closed them.
struct Pool {
	config: tokio_postgres::Config,
	tls: MakeRustlsConnect,
	idle: Mutex<Vec<Connection>>,
	permits: Semaphore,
}

/// A connection and the statements prepared on it: the hot path's statements are parsed
/// once per connection, not once per call (a round trip each).
struct Connection {
	client: Client,
	prepared: HashMap<&'static str, Statement>,
}

impl Connection {
	/// `sql`, prepared on this connection once (in `tx`, a transaction of it).
	async fn statement(
		prepared: &mut HashMap<&'static str, Statement>,
		tx: &Transaction<'_>,
		sql: &'static str,
	) -> Result<Statement, StoreError> {
		if let Some(statement) = prepared.get(sql) {
			return Ok(statement.clone());
		}
		let statement = tx.prepare(sql).await?;
		prepared.insert(sql, statement.clone());
		Ok(statement)
	}
}

/// A connection taken from the pool; it goes back when dropped, unless closed.
struct Pooled<'a> {
	connection: Option<Connection>,
	pool: &'a Pool,
	_permit: SemaphorePermit<'a>,
}

impl Deref for Pooled<'_> {
	type Target = Connection;
	fn deref(&self) -> &Connection {
		self.connection.as_ref().expect("taken only on drop")
	}
}

impl DerefMut for Pooled<'_> {
	fn deref_mut(&mut self) -> &mut Connection {
		self.connection.as_mut().expect("taken only on drop")
	}
}

impl Drop for Pooled<'_> {
	fn drop(&mut self) {
		if let Some(connection) = self.connection.take().filter(|c| !c.client.is_closed()) {
			self.pool.idle.lock().expect("not poisoned").push(connection);
		}
	}
}

impl Pool {
	async fn get(&self) -> Result<Pooled<'_>, StoreError> {
		let permit = self
			.permits
			.acquire()
			.await
			.map_err(|_| StoreError::Unavailable("the connection pool is closed".into()))?;
		let idle = {
			let mut idle = self.idle.lock().expect("not poisoned");
			idle.retain(|c| !c.client.is_closed());
			idle.pop()
		};
		let connection = match idle {
			Some(connection) => connection,
			None => {
				let (client, connection) = self.config.connect(self.tls.clone()).await?;
				tokio::spawn(async move {
					if let Err(e) = connection.await {
						tracing::warn!(error = %e, "database connection closed");
					}
				});
				Connection { client, prepared: HashMap::new() }
			},
		};
		Ok(Pooled { connection: Some(connection), pool: self, _permit: permit })
	}
}

/// The PostgreSQL store.
pub struct PostgresStore {
	pool: Pool,
	reservation_ttl: f64,
	/// The longest any operation may take, connecting included.
	timeout: Duration,
}

fn ledger_of(id: i64, row: &Row) -> Result<Ledger, StoreError> {
	Ok(Ledger {
		best: decode_best(id, row.get(0), row.get::<_, Option<&[u8]>>(1))?,
		quantity: decode_quantity(id, row.get(2))?,
		settled_units: row.get::<_, i64>(3) as u64,
		abandoned: row.get(4),
		..Ledger::default()
	})
}

/// A channel's stored columns (`$1`: its id), as [`ledger_of`] reads them.
macro_rules! select_channel {
	() => {
		"SELECT best_units, best_signature, quantity, settled_units, abandoned FROM channels WHERE channel_id = $1"
	};
}
const SELECT_CHANNEL: &str = select_channel!();

/// The statements of an update of a channel's ledger.
mod update {
	pub const ENSURE: &str = "INSERT INTO channels (channel_id) VALUES ($1) ON CONFLICT DO NOTHING";
	pub const LOCK: &str = concat!(select_channel!(), " FOR UPDATE");
	pub const RESERVATIONS: &str =
		"SELECT call_id, units FROM reservations WHERE channel_id = $1 AND expires_at > now()";
	pub const WRITE: &str = "UPDATE channels SET best_units = $2, best_signature = $3,
		quantity = $4, settled_units = $5, abandoned = $6 WHERE channel_id = $1";
	pub const FREE: &str = "DELETE FROM reservations WHERE call_id = $1";
	pub const RESERVE: &str = "INSERT INTO reservations (call_id, channel_id, units, expires_at)
		VALUES ($1, $2, $3, now() + make_interval(secs => $4))
		ON CONFLICT (call_id) DO UPDATE SET units = EXCLUDED.units, expires_at = EXCLUDED.expires_at";
}

/// A channel's live reservations (`rows` of [`update::RESERVATIONS`]) as `call` sees them.
fn live_reservations(rows: &[Row], call: Option<i64>) -> LiveReservations {
	rows.iter().fold(LiveReservations::default(), |live, row| {
		live.with(Some(row.get::<_, i64>(0)) == call, row.get::<_, i64>(1) as u64)
	})
}

impl PostgresStore {
	/// Connects to `url` and migrates its schema.
	pub async fn open(url: &str, settings: &StoreSettings) -> Result<PostgresStore, StoreError> {
		let mut config = tokio_postgres::Config::from_str(url)
			.map_err(|e| StoreError::Unavailable(format!("{}: {e}", redact(url))))?;
		config.connect_timeout(settings.connect_timeout);
		config.application_name("agora-gateway");
		// The server gives up too: a statement or a row lock that outlives the client's
		// timeout does not hold the connection (or the row) after the call gave up.
		let ms = settings.connect_timeout.as_millis();
		config.options(format!("-c statement_timeout={ms} -c lock_timeout={ms}"));
		check_transport(&config)?;
		let store = PostgresStore {
			pool: Pool {
				config,
				tls: tls(settings.ca_file.as_deref())?,
				idle: Mutex::new(Vec::new()),
				permits: Semaphore::new(settings.pool_size.max(1)),
			},
			reservation_ttl: settings.reservation_ttl.as_secs_f64(),
			timeout: settings.connect_timeout,
		};
		store.timed(store.migrate()).await?;
		Ok(store)
	}

	/// `operation`, failing as unavailable past the timeout (a database that hangs).
	async fn timed<T>(
		&self,
		operation: impl Future<Output = Result<T, StoreError>>,
	) -> Result<T, StoreError> {
		tokio::time::timeout(self.timeout, operation).await.unwrap_or_else(|_| {
			Err(StoreError::Unavailable(format!("no answer within {:?}", self.timeout)))
		})
	}

	async fn migrate(&self) -> Result<(), StoreError> {
		let mut connection = self.pool.get().await?;
		let tx = connection.client.transaction().await?;
		tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
		tx.batch_execute(
			"CREATE TABLE IF NOT EXISTS agora_gateway_schema (
				version BIGINT PRIMARY KEY,
				applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
			)",
		)
		.await?;
		let current: i64 = tx
			.query_one("SELECT COALESCE(MAX(version), 0) FROM agora_gateway_schema", &[])
			.await?
			.get(0);
		for (version, sql) in pending_migrations(MIGRATIONS, current)? {
			tx.batch_execute(sql).await?;
			tx.execute("INSERT INTO agora_gateway_schema (version) VALUES ($1)", &[&version])
				.await?;
			tracing::info!(version, "database migrated");
		}
		tx.commit().await?;
		Ok(())
	}

	async fn try_update(
		&self,
		id: ChannelId,
		call: Option<CallId>,
		change: Change<'_>,
	) -> Result<Result<Ledger, Refusal>, StoreError> {
		let key = to_sql(id)?;
		let call = call.map(|c| c as i64);
		let mut pooled = self.pool.get().await?;
		let Connection { client, prepared } = &mut *pooled;
		let tx = client.transaction().await?;
		macro_rules! statement {
			($sql:expr) => {
				Connection::statement(prepared, &tx, $sql).await?
			};
		}
		let (ensure, lock, live) = (
			statement!(update::ENSURE),
			statement!(update::LOCK),
			statement!(update::RESERVATIONS),
		);
		// Sent together (one round trip), run in order: the reservations are read once the
		// row is held, so they include what the row's last holder reserved.
		let by_key: [&(dyn tokio_postgres::types::ToSql + Sync); 1] = [&key];
		let (ensured, row, reservations) = tokio::join!(
			tx.execute(&ensure, &by_key),
			tx.query_one(&lock, &by_key),
			tx.query(&live, &by_key),
		);
		ensured?;
		let stored = ledger_of(key, &row?)?;
		let mut ledger = live_reservations(&reservations?, call).into_ledger(stored.clone());
		if let Err(refusal) = change(&mut ledger) {
			// Dropping the transaction rolls it back.
			return Ok(Err(refusal));
		}
		let columns = ledger.columns();
		let write = match columns != stored {
			true => Some(statement!(update::WRITE)),
			false => None,
		};
		let reservation = match (call, ledger.reserved_by_call) {
			(Some(call), 0) => Some((statement!(update::FREE), call, None)),
			(Some(call), units) => Some((statement!(update::RESERVE), call, Some(to_sql(units)?))),
			(None, _) => None,
		};
		let best_units = ledger.best.as_ref().map(|b| to_sql(b.units)).transpose()?;
		let signature = ledger.best.as_ref().map(|b| b.signature.encode());
		let (quantity, settled_units) =
			(ledger.quantity.to_string(), to_sql(ledger.settled_units)?);
		// The writes, sent together too.
		let write_columns = async {
			let Some(write) = &write else { return Ok(0) };
			let columns: [&(dyn tokio_postgres::types::ToSql + Sync); 6] =
				[&key, &best_units, &signature, &quantity, &settled_units, &ledger.abandoned];
			tx.execute(write, &columns).await
		};
		let write_reservation = async {
			match &reservation {
				Some((free, call, None)) => tx.execute(free, &[call]).await,
				Some((reserve, call, Some(units))) => {
					tx.execute(reserve, &[call, &key, units, &self.reservation_ttl]).await
				},
				None => Ok(0),
			}
		};
		let (written, reserved) = tokio::join!(write_columns, write_reservation);
		written?;
		reserved?;
		tx.commit().await?;
		Ok(Ok(ledger))
	}

	async fn try_take_free_call(
		&self,
		request: &FreeCallRequest,
	) -> Result<FreeCallOutcome, StoreError> {
		let account: &[u8] = request.account.as_ref();
		let period = to_sql(request.period)?;
		let mut connection = self.pool.get().await?;
		let mut tx = connection.client.transaction().await?;
		let fresh = tx
			.execute(
				"INSERT INTO caller_nonces (account, nonce, expires_at) VALUES ($1, $2, $3)
				 ON CONFLICT DO NOTHING",
				&[&account, &request.nonce, &to_sql(request.nonce_expires_at)?],
			)
			.await?;
		if fresh == 0 {
			return Ok(FreeCallOutcome::Replayed);
		}
		// One conditional upsert per count: it counts the call, or returns nothing once the
		// count reached its bound. Rows exist only for calls granted; the savepoint takes
		// the account's count back when the budget then refuses. The nonce is spent either
		// way: a replay is refused as a replay.
		const COUNT: &str = "INSERT INTO free_calls (account, period, used) VALUES ($1, $2, 1)
			ON CONFLICT (account, period) DO UPDATE SET used = free_calls.used + 1
			WHERE free_calls.used < $3 RETURNING used";
		let grant = tx.savepoint("free_call").await?;
		let bound = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
		let counted =
			grant.query_opt(COUNT, &[&account, &period, &bound(request.allowance)]).await?;
		let outcome = match counted {
			None => FreeCallOutcome::Exhausted,
			Some(row) => {
				let within_budget = match request.budget {
					Some(budget) => {
						let all_bound = bound(budget);
						grant
							.query_opt(COUNT, &[&ALL_ACCOUNTS, &period, &all_bound])
							.await?
							.is_some()
					},
					None => true,
				};
				match within_budget {
					true => FreeCallOutcome::Granted { used: row.get::<_, i32>(0) as u32 },
					false => FreeCallOutcome::BudgetExhausted,
				}
			},
		};
		match outcome {
			FreeCallOutcome::Granted { .. } => grant.commit().await?,
			_ => grant.rollback().await?,
		}
		tx.commit().await?;
		Ok(outcome)
	}
}

#[async_trait]
impl Store for PostgresStore {
	async fn update(
		&self,
		id: ChannelId,
		call: Option<CallId>,
		change: Change<'_>,
	) -> Result<Ledger, Refusal> {
		self.timed(self.try_update(id, call, change)).await?
	}

	async fn ledger(&self, id: ChannelId) -> Result<Ledger, StoreError> {
		self.timed(async {
			let key = to_sql(id)?;
			let pooled = self.pool.get().await?;
			let connection = &pooled.client;
			let Some(row) = connection.query_opt(SELECT_CHANNEL, &[&key]).await? else {
				return Ok(Ledger::default());
			};
			let live = connection.query(update::RESERVATIONS, &[&key]).await?;
			Ok(live_reservations(&live, None).into_ledger(ledger_of(key, &row)?))
		})
		.await
	}

	async fn claimable(&self) -> Result<Vec<(ChannelId, SignedReceipt)>, StoreError> {
		self.timed(async {
			let pooled = self.pool.get().await?;
			let connection = &pooled.client;
			let rows = connection
				.query(
					"SELECT channel_id, best_units, best_signature FROM channels
					 WHERE best_units > settled_units AND abandoned IS NULL",
					&[],
				)
				.await?;
			rows.iter()
				.filter_map(|row| {
					let id: i64 = row.get(0);
					decode_best(id, row.get(1), row.get(2))
						.map(|best| best.map(|best| (id as ChannelId, best)))
						.transpose()
				})
				.collect()
		})
		.await
	}

	async fn lease(&self, holder: &str, ttl: Duration) -> Result<bool, StoreError> {
		self.timed(async {
			let pooled = self.pool.get().await?;
			let connection = &pooled.client;
			let taken = connection
				.execute(
					"INSERT INTO leases (name, holder, expires_at)
					 VALUES ('settler', $1, now() + make_interval(secs => $2))
					 ON CONFLICT (name) DO UPDATE
					 SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
					 WHERE leases.holder = EXCLUDED.holder OR leases.expires_at <= now()",
					&[&holder, &ttl.as_secs_f64()],
				)
				.await?;
			Ok(taken == 1)
		})
		.await
	}

	async fn log_settlement(&self, record: SettlementRecord) -> Result<(), StoreError> {
		self.timed(async {
			let pooled = self.pool.get().await?;
			let connection = &pooled.client;
			connection
				.execute(
					"INSERT INTO settlements (tx_hash, items, settled, dropped, retried)
					 VALUES ($1, $2, $3, $4, $5)",
					&[
						&record.tx_hash,
						&(record.items as i32),
						&(record.settled as i32),
						&(record.dropped as i32),
						&(record.retried as i32),
					],
				)
				.await?;
			Ok(())
		})
		.await
	}

	async fn settlements(&self) -> Result<Vec<SettlementRecord>, StoreError> {
		self.timed(async {
			let pooled = self.pool.get().await?;
			let connection = &pooled.client;
			let rows = connection
				.query(
					"SELECT tx_hash, items, settled, dropped, retried FROM settlements ORDER BY id",
					&[],
				)
				.await?;
			Ok(rows
				.iter()
				.map(|row| SettlementRecord {
					tx_hash: row.get(0),
					items: row.get::<_, i32>(1) as u32,
					settled: row.get::<_, i32>(2) as u32,
					dropped: row.get::<_, i32>(3) as u32,
					retried: row.get::<_, i32>(4) as u32,
				})
				.collect())
		})
		.await
	}

	async fn take_free_call(
		&self,
		request: &FreeCallRequest,
	) -> Result<FreeCallOutcome, StoreError> {
		self.timed(self.try_take_free_call(request)).await
	}

	async fn prune(&self, now_unix: u64, current_period: u64) -> Result<(), StoreError> {
		self.timed(async {
			let pooled = self.pool.get().await?;
			let connection = &pooled.client;
			connection
				.execute("DELETE FROM reservations WHERE expires_at <= now()", &[])
				.await?;
			connection
				.execute("DELETE FROM caller_nonces WHERE expires_at < $1", &[&to_sql(now_unix)?])
				.await?;
			connection
				.execute(
					"DELETE FROM free_calls WHERE period < $1",
					&[&to_sql(current_period.saturating_sub(1))?],
				)
				.await?;
			Ok(())
		})
		.await
	}
}

#[cfg(test)]
mod tests {
	use super::redact;

	#[test]
	fn passwords_never_reach_the_logs() {
		assert_eq!(
			redact("postgres://agora:s3cret@db.internal:5432/gateway"),
			"postgres://agora:***@db.internal:5432/gateway"
		);
		assert_eq!(redact("postgres://agora@db/gateway"), "postgres://agora@db/gateway");
		assert_eq!(redact("postgresql://h/db"), "postgresql://h/db");
	}
}
