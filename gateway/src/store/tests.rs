//! One suite, both stores: every case runs on a fresh SQLite file and on a fresh
//! PostgreSQL database (a server this test starts from Debian's packages, as the
//! `postgres` user when run as root, on a free 127.0.0.1 port, and stops). PostgreSQL
//! alone also runs the cases of several replicas on one database.

use std::{
	future::Future,
	path::{Path, PathBuf},
	pin::Pin,
	process::Command,
	sync::Arc,
	time::Duration,
};

use codec::Encode;
use sp_core::{sr25519, Pair};
use sp_runtime::MultiSignature;

use super::*;

const TTL: Duration = Duration::from_secs(1);

fn receipt(units: u64) -> SignedReceipt {
	let pair = sr25519::Pair::from_string("//store", None).unwrap();
	SignedReceipt { units, signature: MultiSignature::Sr25519(pair.sign(&units.to_le_bytes())) }
}

/// Where a case's store lives.
#[derive(Clone)]
enum Backend {
	Sqlite(PathBuf),
	Postgres(String),
}

/// The tests' settings for `database`: reservations live `TTL`.
fn settings(database: Database, connect_timeout: Duration) -> StoreSettings {
	StoreSettings { database, reservation_ttl: TTL, pool_size: 8, connect_timeout, ca_file: None }
}

impl Backend {
	async fn open(&self) -> Box<dyn Store> {
		let database = match self {
			Backend::Sqlite(path) => Database::Sqlite(path.clone()),
			Backend::Postgres(url) => Database::Postgres(url.clone()),
		};
		open(&settings(database, Duration::from_secs(5))).await.unwrap()
	}
}

type Case = fn(Backend) -> Pin<Box<dyn Future<Output = ()> + Send>>;

macro_rules! cases {
	($($case:ident),* $(,)?) => {
		const CASES: &[(&str, Case)] = &[$((stringify!($case), |backend| Box::pin($case(backend)))),*];
	};
}

cases!(
	receipts_usage_and_status_survive_a_reopen,
	a_refused_change_stores_nothing,
	other_calls_reservations_count_until_they_expire,
	concurrent_updates_of_a_channel_lose_none,
	a_value_the_database_cannot_hold_fails_alone,
	claimable_receipts_are_newer_than_settled_and_not_abandoned,
	the_settler_lease_has_one_holder_until_it_runs_out,
	free_calls_stop_at_the_allowance_and_the_budget_and_never_twice_per_nonce,
	settlements_are_logged_in_order,
);

/// Adds `units` to the ledger's usage.
async fn add_usage(store: &dyn Store, id: ChannelId, units: u128) -> Ledger {
	store
		.update(id, None, &mut |ledger: &mut Ledger| {
			ledger.quantity += units;
			Ok(())
		})
		.await
		.unwrap()
}

/// Sets `call`'s reservation to `units`.
async fn reserve(store: &dyn Store, id: ChannelId, call: CallId, units: u64) -> Ledger {
	store
		.update(id, Some(call), &mut |ledger: &mut Ledger| {
			ledger.reserved_by_call = units;
			Ok(())
		})
		.await
		.unwrap()
}

async fn receipts_usage_and_status_survive_a_reopen(backend: Backend) {
	let (first, second, other) = (receipt(1), receipt(2), receipt(9));
	{
		let store = backend.open().await;
		add_usage(&*store, 3, 1_500).await;
		for best in [first, second.clone()] {
			store
				.update(3, None, &mut |ledger: &mut Ledger| {
					ledger.best = Some(best.clone());
					Ok(())
				})
				.await
				.unwrap();
		}
		store
			.update(5, None, &mut |ledger: &mut Ledger| {
				ledger.best = Some(other.clone());
				ledger.quantity = u128::MAX;
				ledger.settled_units = 4;
				ledger.abandoned = Some("the channel is closed on chain".into());
				Ok(())
			})
			.await
			.unwrap();
	}
	let store = backend.open().await;
	assert_eq!(
		store.ledger(3).await.unwrap(),
		Ledger { best: Some(second), quantity: 1_500, ..Ledger::default() }
	);
	assert_eq!(
		store.ledger(5).await.unwrap(),
		Ledger {
			best: Some(other),
			quantity: u128::MAX,
			settled_units: 4,
			abandoned: Some("the channel is closed on chain".into()),
			..Ledger::default()
		}
	);
	assert_eq!(store.ledger(4).await.unwrap(), Ledger::default());
}

async fn a_refused_change_stores_nothing(backend: Backend) {
	let store = backend.open().await;
	add_usage(&*store, 1, 10).await;
	let refused = store
		.update(1, Some(7), &mut |ledger: &mut Ledger| {
			ledger.quantity += 5;
			ledger.best = Some(receipt(3));
			ledger.reserved_by_call = 2;
			Err(Refusal::ReceiptTooLow { owed_units: 10, required_units: 3 })
		})
		.await;
	assert_eq!(refused, Err(Refusal::ReceiptTooLow { owed_units: 10, required_units: 3 }));
	assert_eq!(store.ledger(1).await.unwrap(), Ledger { quantity: 10, ..Ledger::default() });
	// A refused change on a channel never served leaves no trace either.
	let _ = store.update(2, None, &mut |_: &mut Ledger| Err(Refusal::BadSignature)).await;
	assert_eq!(store.claimable().await.unwrap(), vec![]);
}

async fn other_calls_reservations_count_until_they_expire(backend: Backend) {
	let store = backend.open().await;
	reserve(&*store, 1, 100, 3).await;
	let ledger = reserve(&*store, 1, 200, 2).await;
	assert_eq!((ledger.reserved_by_others, ledger.reserved_by_call, ledger.other_calls), (3, 2, 1));
	// A call sees its own reservation apart from the others'; readers see them all, and
	// how many calls hold them.
	let own = store.update(1, Some(100), &mut |_: &mut Ledger| Ok(())).await.unwrap();
	assert_eq!((own.reserved_by_others, own.reserved_by_call, own.other_calls), (2, 3, 1));
	assert_eq!(store.ledger(1).await.unwrap().reserved(), 5);
	assert_eq!(store.ledger(1).await.unwrap().other_calls, 2);
	// Another channel's reservations are not this one's.
	assert_eq!(store.ledger(2).await.unwrap().reserved(), 0);
	// Freed: 0 removes it.
	reserve(&*store, 1, 200, 0).await;
	assert_eq!(store.ledger(1).await.unwrap().reserved(), 3);
	// Updated again (renewed), a reservation outlives its first expiry; left, it expires.
	reserve(&*store, 1, 300, 4).await;
	tokio::time::sleep(TTL * 2 / 3).await;
	reserve(&*store, 1, 300, 4).await;
	tokio::time::sleep(TTL * 2 / 3).await;
	assert_eq!(store.ledger(1).await.unwrap().reserved(), 4);
	tokio::time::sleep(TTL).await;
	assert_eq!(store.ledger(1).await.unwrap().reserved(), 0);
	store.prune(unix_now(), 0).await.unwrap();
	assert_eq!(store.ledger(1).await.unwrap().reserved(), 0);
}

async fn concurrent_updates_of_a_channel_lose_none(backend: Backend) {
	let store: Arc<dyn Store> = Arc::from(backend.open().await);
	let writers: Vec<_> = (0..200u64)
		.map(|i| {
			let store = store.clone();
			tokio::spawn(async move {
				add_usage(&*store, 1, 1).await;
				add_usage(&*store, 2 + i % 5, u128::from(i)).await;
			})
		})
		.collect();
	for writer in writers {
		writer.await.unwrap();
	}
	assert_eq!(store.ledger(1).await.unwrap().quantity, 200);
	let mut total = 0;
	for id in 2..7 {
		total += store.ledger(id).await.unwrap().quantity;
	}
	assert_eq!(total, (0..200u128).sum::<u128>());
}

async fn a_value_the_database_cannot_hold_fails_alone(backend: Backend) {
	let store = backend.open().await;
	let bad = store
		.update(u64::MAX, None, &mut |ledger: &mut Ledger| {
			ledger.quantity = 1;
			Ok(())
		})
		.await;
	assert!(
		matches!(bad, Err(Refusal::StoreUnavailable(ref m)) if m.contains("does not fit")),
		"{bad:?}"
	);
	add_usage(&*store, 1, 1).await;
	assert_eq!(store.ledger(1).await.unwrap().quantity, 1);
}

async fn claimable_receipts_are_newer_than_settled_and_not_abandoned(backend: Backend) {
	let store = backend.open().await;
	let set = |best: u64, settled: u64, abandoned: Option<&'static str>| {
		move |ledger: &mut Ledger| {
			ledger.best = Some(receipt(best));
			ledger.settled_units = settled;
			ledger.abandoned = abandoned.map(String::from);
			Ok(())
		}
	};
	store.update(1, None, &mut set(5, 0, None)).await.unwrap();
	store.update(2, None, &mut set(5, 5, None)).await.unwrap();
	store.update(3, None, &mut set(9, 2, Some("expired"))).await.unwrap();
	add_usage(&*store, 4, 3).await;
	store.update(6, None, &mut set(7, 6, None)).await.unwrap();
	let mut claimable = store.claimable().await.unwrap();
	claimable.sort_by_key(|(id, _)| *id);
	assert_eq!(
		claimable.iter().map(|(id, best)| (*id, best.units)).collect::<Vec<_>>(),
		[(1, 5), (6, 7)]
	);
	assert_eq!(claimable[0].1, store.ledger(1).await.unwrap().best.unwrap());
}

async fn the_settler_lease_has_one_holder_until_it_runs_out(backend: Backend) {
	let store = backend.open().await;
	assert!(store.lease("a", TTL).await.unwrap());
	assert!(!store.lease("b", TTL).await.unwrap());
	// The holder renews it.
	tokio::time::sleep(TTL * 2 / 3).await;
	assert!(store.lease("a", TTL).await.unwrap());
	tokio::time::sleep(TTL * 2 / 3).await;
	assert!(!store.lease("b", TTL).await.unwrap());
	// A holder that stops renewing loses it.
	tokio::time::sleep(TTL * 2).await;
	assert!(store.lease("b", TTL).await.unwrap());
	assert!(!store.lease("a", TTL).await.unwrap());
}

async fn free_calls_stop_at_the_allowance_and_the_budget_and_never_twice_per_nonce(
	backend: Backend,
) {
	let store = backend.open().await;
	let request = |who: u8, nonce: &str, period: u64| FreeCallRequest {
		account: AccountId::new([who; 32]),
		nonce: nonce.into(),
		period,
		allowance: 2,
		budget: Some(3),
		nonce_expires_at: 1_000,
	};
	let take = |r: FreeCallRequest| {
		let store = &store;
		async move { store.take_free_call(&r).await.unwrap() }
	};
	assert_eq!(take(request(1, "a", 7)).await, FreeCallOutcome::Granted { used: 1 });
	assert_eq!(take(request(1, "a", 7)).await, FreeCallOutcome::Replayed);
	assert_eq!(take(request(1, "b", 7)).await, FreeCallOutcome::Granted { used: 2 });
	assert_eq!(take(request(1, "c", 7)).await, FreeCallOutcome::Exhausted);
	// Another account's allowance is its own, within the budget of all (3 a period).
	assert_eq!(take(request(2, "a", 7)).await, FreeCallOutcome::Granted { used: 1 });
	assert_eq!(take(request(3, "a", 7)).await, FreeCallOutcome::BudgetExhausted);
	// A new period, a new allowance; a nonce is per account and remembered until it expires.
	assert_eq!(take(request(1, "d", 8)).await, FreeCallOutcome::Granted { used: 1 });
	assert_eq!(take(request(1, "a", 8)).await, FreeCallOutcome::Replayed);
	store.prune(1_001, 8).await.unwrap();
	assert_eq!(take(request(1, "a", 8)).await, FreeCallOutcome::Granted { used: 2 });
}

async fn settlements_are_logged_in_order(backend: Backend) {
	let store = backend.open().await;
	for (i, tx_hash) in ["0xab", "0xcd"].into_iter().enumerate() {
		let record = SettlementRecord {
			tx_hash: tx_hash.into(),
			items: 2,
			settled: 1,
			dropped: i as u32,
			retried: 0,
		};
		store.log_settlement(record).await.unwrap();
	}
	let logged = store.settlements().await.unwrap();
	assert_eq!(
		logged.iter().map(|r| (r.tx_hash.as_str(), r.dropped)).collect::<Vec<_>>(),
		[("0xab", 0), ("0xcd", 1)]
	);
}

/// A directory of its own, removed at the end.
struct TempDir(PathBuf);

impl TempDir {
	fn new(name: &str) -> TempDir {
		let path =
			std::env::temp_dir().join(format!("agora-gateway-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&path);
		std::fs::create_dir_all(&path).unwrap();
		TempDir(path)
	}
}

impl Drop for TempDir {
	fn drop(&mut self) {
		let _ = std::fs::remove_dir_all(&self.0);
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_passes_the_store_suite() {
	let dir = TempDir::new("sqlite-suite");
	for (name, case) in CASES {
		case(Backend::Sqlite(dir.0.join(format!("{name}.sqlite")))).await;
	}
}

#[tokio::test]
async fn a_sqlite_database_of_an_older_gateway_is_migrated_and_a_newer_one_refused() {
	let dir = TempDir::new("sqlite-migrate");
	let path = dir.0.join("old.sqlite");
	let best = receipt(2);
	{
		// The schema before versioning, with a receipt in it.
		let old = rusqlite::Connection::open(&path).unwrap();
		old.execute_batch(sqlite::MIGRATIONS[0]).unwrap();
		old.execute(
			"INSERT INTO channels (channel_id, best_units, best_signature, quantity) VALUES (4, 2, ?1, '77')",
			[best.signature.encode()],
		)
		.unwrap();
	}
	let store = Backend::Sqlite(path.clone()).open().await;
	assert_eq!(
		store.ledger(4).await.unwrap(),
		Ledger { best: Some(best), quantity: 77, ..Ledger::default() }
	);
	drop(store);
	rusqlite::Connection::open(&path)
		.unwrap()
		.pragma_update(None, "user_version", 99)
		.unwrap();
	let newer = open(&settings(Database::Sqlite(path), TTL)).await.err().unwrap();
	assert_eq!(newer.to_string(), format!("database: schema version 99 is newer than this agora-gateway knows ({}): upgrade the gateway", sqlite::MIGRATIONS.len()));
}

/// A PostgreSQL server of Debian's packages in a temporary directory, on a free port;
/// stopped and removed when dropped.
pub struct TestPostgres {
	dir: TempDir,
	bin: PathBuf,
	pub port: u16,
	/// Whether it serves TLS with a certificate of its own test CA (`ca.crt`).
	tls: bool,
}

/// `program` of `bin`, as the `postgres` user when this process is root (PostgreSQL
/// refuses to run as root).
fn as_postgres(bin: &Path, program: &str) -> Command {
	let path = bin.join(program);
	if running_as_root() {
		let mut command = Command::new("runuser");
		command.args(["-u", "postgres", "--"]).arg(path);
		command
	} else {
		Command::new(path)
	}
}

fn running_as_root() -> bool {
	Command::new("id")
		.arg("-u")
		.output()
		.is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn run(mut command: Command) {
	let output = command
		.output()
		.expect("PostgreSQL's binaries run (scripts/setup.sh installs them)");
	assert!(
		output.status.success(),
		"{command:?}: {}{}",
		String::from_utf8_lossy(&output.stdout),
		String::from_utf8_lossy(&output.stderr)
	);
}

impl TestPostgres {
	pub fn start(name: &str) -> TestPostgres {
		Self::start_serving(name, false)
	}

	/// A server that serves TLS with a certificate for 127.0.0.1 signed by a CA made for
	/// it (`ca_file()`).
	pub fn start_with_tls(name: &str) -> TestPostgres {
		Self::start_serving(name, true)
	}

	/// The CA that signed a TLS server's certificate.
	pub fn ca_file(&self) -> PathBuf {
		self.dir.0.join("ca.crt")
	}

	fn start_serving(name: &str, tls: bool) -> TestPostgres {
		let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
			.expect("PostgreSQL is installed in /usr/lib/postgresql (scripts/setup.sh)")
			.map(|entry| entry.unwrap().path().join("bin"))
			.filter(|bin| bin.join("initdb").exists())
			.collect();
		versions.sort();
		let bin = versions.pop().expect("an initdb in /usr/lib/postgresql/*/bin");
		let dir = TempDir::new(name);
		if running_as_root() {
			run({
				let mut chown = Command::new("chown");
				chown.arg("postgres:postgres").arg(&dir.0);
				chown
			});
		}
		let data = dir.0.join("data");
		run({
			let mut initdb = as_postgres(&bin, "initdb");
			initdb
				.args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "-D"])
				.arg(&data);
			initdb
		});
		if tls {
			make_certificates(&dir.0);
		}
		let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
		let postgres = TestPostgres { dir, bin, port, tls };
		postgres.pg_ctl("start");
		postgres
	}

	fn pg_ctl(&self, action: &str) {
		let mut pg_ctl = as_postgres(&self.bin, "pg_ctl");
		pg_ctl
			.arg("-D")
			.arg(self.dir.0.join("data"))
			.args(["-w", "-m", "fast", "-l"])
			.arg(self.dir.0.join("log"));
		if action == "start" {
			let socket_dir = self.dir.0.display();
			let tls = match self.tls {
				true => format!(
					" -c ssl=on -c ssl_cert_file={socket_dir}/server.crt -c ssl_key_file={socket_dir}/server.key"
				),
				false => String::new(),
			};
			pg_ctl.arg("-o").arg(format!(
				"-p {} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off{tls}",
				self.port
			));
		}
		run({
			pg_ctl.arg(action);
			pg_ctl
		});
	}

	/// A new database: its URL.
	pub async fn database(&self, name: &str) -> String {
		let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", self.port);
		let (client, connection) =
			tokio_postgres::connect(&admin, tokio_postgres::NoTls).await.unwrap();
		tokio::spawn(connection);
		client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
		format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
	}
}

/// A CA (`ca.crt`) and a server certificate for 127.0.0.1 it signed (`server.crt`,
/// `server.key`, readable by the server only), made with the openssl command.
fn make_certificates(dir: &Path) {
	let openssl = |args: &[&str]| {
		let mut command = Command::new("openssl");
		command.current_dir(dir).args(args);
		run(command);
	};
	std::fs::write(
		dir.join("server.ext"),
		"subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
	)
	.unwrap();
	openssl(&[
		"req",
		"-x509",
		"-newkey",
		"rsa:2048",
		"-nodes",
		"-keyout",
		"ca.key",
		"-out",
		"ca.crt",
		"-days",
		"1",
		"-subj",
		"/CN=agora-test-ca",
	]);
	openssl(&[
		"req",
		"-newkey",
		"rsa:2048",
		"-nodes",
		"-keyout",
		"server.key",
		"-out",
		"server.csr",
		"-subj",
		"/CN=127.0.0.1",
	]);
	openssl(&[
		"x509",
		"-req",
		"-in",
		"server.csr",
		"-CA",
		"ca.crt",
		"-CAkey",
		"ca.key",
		"-CAcreateserial",
		"-out",
		"server.crt",
		"-days",
		"1",
		"-extfile",
		"server.ext",
	]);
	use std::os::unix::fs::PermissionsExt;
	std::fs::set_permissions(dir.join("server.key"), std::fs::Permissions::from_mode(0o600))
		.unwrap();
	if running_as_root() {
		let mut chown = Command::new("chown");
		chown
			.arg("postgres:postgres")
			.arg(dir.join("server.key"))
			.arg(dir.join("server.crt"));
		run(chown);
	}
}

impl Drop for TestPostgres {
	fn drop(&mut self) {
		let mut pg_ctl = as_postgres(&self.bin, "pg_ctl");
		pg_ctl.arg("-D").arg(self.dir.0.join("data")).args(["-m", "immediate", "stop"]);
		let _ = pg_ctl.output();
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_passes_the_store_suite_and_replicas_share_one_database() {
	let postgres = TestPostgres::start("postgres-suite");
	for (name, case) in CASES {
		case(Backend::Postgres(postgres.database(name).await)).await;
	}

	// Three replicas, one database: they migrate once, and every reservation and usage
	// one makes the others count.
	let url = postgres.database("replicas").await;
	let replicas: Vec<Arc<dyn Store>> = vec![
		Arc::from(Backend::Postgres(url.clone()).open().await),
		Arc::from(Backend::Postgres(url.clone()).open().await),
		Arc::from(Backend::Postgres(url.clone()).open().await),
	];
	reserve(&*replicas[0], 1, 11, 4).await;
	let seen = reserve(&*replicas[1], 1, 12, 1).await;
	assert_eq!((seen.reserved_by_others, seen.reserved_by_call, seen.other_calls), (4, 1, 1));
	// 300 updates, spread over the replicas, all at once: each counts once.
	let writers: Vec<_> = (0..300)
		.map(|i| {
			let store = replicas[i % 3].clone();
			tokio::spawn(async move { add_usage(&*store, 2, 1).await })
		})
		.collect();
	for writer in writers {
		writer.await.unwrap();
	}
	for replica in &replicas {
		assert_eq!(replica.ledger(2).await.unwrap().quantity, 300);
	}
	// One settler at a time.
	assert!(replicas[0].lease("replica-0", TTL).await.unwrap());
	assert!(!replicas[1].lease("replica-1", TTL).await.unwrap());
	assert!(!replicas[2].lease("replica-2", TTL).await.unwrap());

	// The database restarts: operations fail (within the timeout) while it is down, and
	// succeed again after, on new connections.
	postgres.pg_ctl("stop");
	let down = replicas[0].ledger(2).await;
	assert!(matches!(down, Err(StoreError::Postgres(_) | StoreError::Unavailable(_))), "{down:?}");
	let refused = replicas[0]
		.update(2, None, &mut |l: &mut Ledger| {
			l.quantity += 1;
			Ok(())
		})
		.await;
	assert!(matches!(refused, Err(Refusal::StoreUnavailable(_))), "{refused:?}");
	postgres.pg_ctl("start");
	assert_eq!(add_usage(&*replicas[0], 2, 1).await.quantity, 301);
	assert_eq!(replicas[2].ledger(2).await.unwrap().quantity, 301);

	// A database that accepts connections and never answers fails within the timeout.
	let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
	let silent_url = format!("postgres://postgres@{}/gateway", silent.local_addr().unwrap());
	let hung = open(&settings(Database::Postgres(silent_url), Duration::from_secs(1)))
		.await
		.err()
		.unwrap();
	assert_eq!(hung.to_string(), "database: no answer within 1s");
	drop(silent);

	// A schema newer than this gateway knows is refused.
	let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
	tokio::spawn(connection);
	client
		.batch_execute("INSERT INTO agora_gateway_schema (version) VALUES (99)")
		.await
		.unwrap();
	let newer = open(&settings(Database::Postgres(url), Duration::from_secs(5)))
		.await
		.err()
		.unwrap();
	assert_eq!(newer.to_string(), "database: schema version 99 is newer than this agora-gateway knows (1): upgrade the gateway");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_over_tls_verifies_the_server_and_a_remote_database_needs_tls() {
	let postgres = TestPostgres::start_with_tls("postgres-tls");
	let url = format!("{}?sslmode=require", postgres.database("gateway").await);
	let timeout = Duration::from_secs(5);
	let trusting = |ca_file: PathBuf| StoreSettings {
		ca_file: Some(ca_file),
		..settings(Database::Postgres(url.clone()), timeout)
	};
	// Verified against its CA, the store works, over TLS.
	let store = open(&trusting(postgres.ca_file())).await.unwrap();
	assert_eq!(add_usage(&*store, 1, 5).await.quantity, 5);
	let connector = postgres::tls(Some(&postgres.ca_file())).unwrap();
	let (client, connection) = tokio_postgres::connect(&url, connector).await.unwrap();
	tokio::spawn(connection);
	let query = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
	assert!(client.query_one(query, &[]).await.unwrap().get::<_, bool>(0));
	// A certificate no trusted CA signed (the system's roots do not know the test CA).
	let untrusted = open(&settings(Database::Postgres(url.clone()), timeout)).await.err().unwrap();
	assert!(
		untrusted.to_string().contains("invalid peer certificate: UnknownIssuer"),
		"{untrusted}"
	);
	// A CA file that is not one.
	let missing = open(&trusting(postgres.dir.0.join("missing.pem"))).await.err().unwrap();
	assert!(missing.to_string().starts_with("database: database_ca "), "{missing}");
	let not_pem = postgres.dir.0.join("not.pem");
	std::fs::write(&not_pem, "not a certificate").unwrap();
	let empty = open(&trusting(not_pem)).await.err().unwrap();
	assert!(empty.to_string().contains("no certificate in it"), "{empty}");
	// Another host without sslmode is refused before any connection: `prefer` would let
	// anyone on the path turn TLS off. Saying so (require, or disable) is accepted.
	let remote = |url: &str| settings(Database::Postgres(url.into()), Duration::from_secs(1));
	let refused = open(&remote("postgres://agora@db.example.invalid/gateway"))
		.await
		.err()
		.unwrap();
	assert!(refused.to_string().contains("needs sslmode=require"), "{refused}");
	for said in ["sslmode=require", "sslmode=disable"] {
		let url = format!("postgres://agora@db.example.invalid/gateway?{said}");
		let error = open(&remote(&url)).await.err().unwrap().to_string();
		assert!(!error.contains("needs sslmode=require"), "{error}");
	}
}
