#!/usr/bin/env bash
# Installs what building and testing Agora needs on a fresh Debian machine, and only
# what is missing: safe to run again and again (the other scripts call it first).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

log() { printf '[setup] %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------
# protoc: litep2p's build script needs it. The rest: C toolchain pieces some -sys
# crates build with, Node.js for the end-to-end tests, the sqlite3 shell that one
# of them uses to make the gateway's database refuse a write, and PostgreSQL, which the
# gateway's tests start themselves (initdb in a temporary directory, as the `postgres`
# user the package creates), and Chromium for the Console's browser tests.
missing=()
command -v protoc >/dev/null || missing+=(protobuf-compiler)
command -v cc >/dev/null || missing+=(build-essential)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v git >/dev/null || missing+=(git)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v openssl >/dev/null || missing+=(openssl) # the gateway's TLS test makes its certificates
# The Console's tests drive Debian's Chromium headless (playwright-core, no browser download).
command -v chromium >/dev/null || missing+=(chromium)
if ((${#missing[@]})); then
	log "installing ${missing[*]}"
	SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
	# Package lists are empty or stale on a new machine: refresh them only now.
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
	# The tests run their own PostgreSQL servers: the system cluster the package just
	# created (and may have started) is not needed.
	if [[ " ${missing[*]} " == *" postgresql "* ]]; then
		pg_lsclusters -h | while read -r version cluster _; do
			$SUDO pg_dropcluster --stop "$version" "$cluster"
		done
	fi
fi

# --- Rust --------------------------------------------------------------------------
command -v rustup >/dev/null || { echo "rustup is required (https://rustup.rs)" >&2; exit 1; }
# substrate-wasm-builder prefers wasm32v1-none on Rust >= 1.84, and falls back to
# wasm32-unknown-unknown + rust-src.
installed_targets="$(rustup target list --installed)"
for target in wasm32v1-none wasm32-unknown-unknown; do
	grep -qx "$target" <<<"$installed_targets" || { log "adding Rust target $target"; rustup target add "$target"; }
done
rustup component list --installed | grep -q '^rust-src' || { log "adding rust-src"; rustup component add rust-src; }

# --- npm packages ----------------------------------------------------------------
# Reinstall when package-lock.json is newer than what node_modules was built from.
for dir in clients/js console tests/e2e scripts/bench; do
	pkg="$AGORA_ROOT/$dir"
	stamp="$pkg/node_modules/.package-lock.json"
	if [[ ! -f "$stamp" || "$pkg/package-lock.json" -nt "$stamp" ]]; then
		log "npm ci in $dir"
		(cd "$pkg" && npm ci --no-audit --no-fund --loglevel=error)
	fi
done
# --- Python client (clients/python) ------------------------------------------------
# A virtual environment in the clone with the locked dependencies and agora-py itself
# (editable), rebuilt when requirements.lock is newer than it.
venv="$AGORA_ROOT/clients/python/.venv"
if [[ ! -x "$venv/bin/python" || "$AGORA_ROOT/clients/python/requirements.lock" -nt "$venv/.installed" ]]; then
	if ! python3 -m venv --help >/dev/null 2>&1; then
		log "installing python3-venv"
		SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
		$SUDO apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv python3-pip
	fi
	log "Python environment in clients/python/.venv"
	rm -rf "$venv"
	python3 -m venv "$venv"
	"$venv/bin/pip" install -q --disable-pip-version-check -r "$AGORA_ROOT/clients/python/requirements.lock"
	"$venv/bin/pip" install -q --disable-pip-version-check --no-deps -e "$AGORA_ROOT/clients/python"
	touch "$venv/.installed"
fi
log "ready (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
