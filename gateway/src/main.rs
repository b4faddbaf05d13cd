//! `agora-gateway`: see the crate docs and `docs/gateway.md`.

use std::{process::ExitCode, sync::Arc, time::Duration};

use agora_gateway::{
	chain::http_client,
	config::{Cli, Config, KEY_ENV},
	server, settle, store, Gateway,
};
use axum::serve::ListenerExt;
use clap::Parser;
use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};
use tokio::{net::TcpListener, signal::unix::SignalKind};
use tracing_subscriber::EnvFilter;

/// How often the node's best block is read.
const HEAD_POLL: Duration = Duration::from_secs(2);

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	tracing_subscriber::fmt()
		.with_env_filter(
			EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
		)
		.init();
	match run(cli).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(message) => {
			eprintln!("agora-gateway: {message}");
			ExitCode::FAILURE
		},
	}
}

async fn run(cli: Cli) -> Result<(), String> {
	let config = Config::load(&cli).map_err(|e| e.to_string())?;
	let signer = config.provider_key(std::env::var(KEY_ENV).ok()).map_err(|e| e.to_string())?;
	let database = config.store.database.display();
	let store = store::open(&config.store).await.map_err(|e| format!("{database}: {e}"))?;
	let listener = TcpListener::bind(config.listen)
		.await
		.map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
	let gateway = Arc::new(
		Gateway::start(config, signer, store, http_client())
			.await
			.map_err(|e| format!("cannot start: {e}"))?,
	);
	tracing::info!(
		listen = %gateway.config.listen,
		upstream = %gateway.config.upstream,
		node = %gateway.config.node,
		database = %database,
		service = gateway.terms.service_id,
		provider = %gateway.provider().to_ss58check_with_version(Ss58AddressFormat::custom(agora_primitives::token::SS58_PREFIX)),
		channels = gateway.slots().len(),
		"agora-gateway serving"
	);

	let heads = gateway.clone();
	supervise("head poll", move || {
		let heads = heads.clone();
		async move {
			loop {
				match heads.node.best_head().await {
					Ok(head) => heads.saw_head(head.number),
					Err(e) => tracing::warn!(error = %e, "cannot read the best block"),
				}
				tokio::time::sleep(HEAD_POLL).await;
			}
		}
	});
	let settler = gateway.clone();
	supervise("settlement", move || settle::run(settler.clone()));

	// A streamed response is many small writes: without TCP_NODELAY each one after the
	// first waits for the client's delayed ACK (40 ms on Linux).
	let listener = listener.tap_io(|stream| {
		if let Err(e) = stream.set_nodelay(true) {
			tracing::debug!(error = %e, "cannot set TCP_NODELAY");
		}
	});
	axum::serve(listener, server::router(gateway))
		.with_graceful_shutdown(shutdown())
		.await
		.map_err(|e| format!("server: {e}"))?;
	tracing::info!("stopped; unsettled receipts are stored and settle on the next start");
	Ok(())
}

/// Runs `task` in the background, again whenever it panics: one bad answer from the node
/// must not end settlement for good.
fn supervise<F, T>(name: &'static str, task: F)
where
	F: Fn() -> T + Send + 'static,
	T: std::future::Future<Output = ()> + Send + 'static,
{
	tokio::spawn(async move {
		loop {
			match tokio::spawn(task()).await {
				Ok(()) => return,
				Err(e) => {
					tracing::error!(task = name, error = %e, "background task failed; restarting");
					tokio::time::sleep(Duration::from_secs(1)).await;
				},
			}
		}
	});
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown() {
	let mut term = tokio::signal::unix::signal(SignalKind::terminate()).expect("signal handler");
	tokio::select! {
		_ = tokio::signal::ctrl_c() => {},
		_ = term.recv() => {},
	}
}
