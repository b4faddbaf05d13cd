#!/usr/bin/env bash
# Runs every test of the project: Rust unit and integration tests of the whole
# workspace, then the end-to-end tests against a real agora-node with @polkadot/api.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$AGORA_ROOT/scripts/setup.sh"
cd "$AGORA_ROOT"

step() { printf '\n=== %s\n' "$*"; }

step "RocksDB is not compiled (ParityDB only)"
if cargo tree --locked --workspace -e normal,build -i librocksdb-sys >/dev/null 2>&1; then
	echo "librocksdb-sys is in the dependency graph:" >&2
	cargo tree --workspace -e normal,build -i librocksdb-sys >&2
	exit 1
fi
echo "ok: cargo tree -i librocksdb-sys finds nothing"

step "build agora-node and agora-gateway"
build_binaries

step "cargo test --workspace"
cargo test --locked --workspace

# The pallets' benchmarks also run as tests (impl_benchmark_test_suite!), which only
# exist with the runtime-benchmarks feature.
pallets=()
for manifest in pallets/*/Cargo.toml; do
	pallets+=(-p "$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -1)")
done
step "benchmarks as tests (${pallets[*]})"
cargo test --locked "${pallets[@]}" --features runtime-benchmarks

step "the upgrade-test runtime (spec_version + 1) for tests/e2e/upgrade.test.js"
AGORA_UPGRADE_WASM="$("$AGORA_ROOT/scripts/build-upgrade-runtime.sh")"
export AGORA_UPGRADE_WASM
echo "ok: $AGORA_UPGRADE_WASM"

step "JS client unit tests (clients/js)"
(cd clients/js && node --test ./test/*.test.js)

step "throughput harness unit tests (scripts/bench)"
(cd scripts/bench && node --test ./test/*.test.js)

step "end-to-end tests (tests/e2e, @polkadot/api against agora-node --dev, agora-gateway)"
# @agora/client is linked from clients/js and loads that folder's copy of the same
# @polkadot/util version; the flag keeps polkadot.js quiet about two copies only
# when their versions match.
(cd tests/e2e && POLKADOTJS_DISABLE_ESM_CJS_WARNING=1 node --test --test-concurrency=1 ./*.test.js)
