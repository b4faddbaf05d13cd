#!/usr/bin/env bash
# Runs every test of the project: Rust unit and integration tests of the whole
# workspace, then the end-to-end tests against a real agora-node with @polkadot/api.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$AGORA_ROOT/scripts/setup.sh"
cd "$AGORA_ROOT"

# Each step reports how long it took (docs/architecture.md keeps the split).
step_name=""
step_started=$SECONDS
step_done() {
	[[ -n $step_name ]] && printf '=== %s: %d s\n' "$step_name" $((SECONDS - step_started))
	return 0
}
step() {
	step_done
	step_name="$*"
	step_started=$SECONDS
	printf '\n=== %s\n' "$*"
}
trap 'step_done; printf "=== total: %d s\n" "$SECONDS"' EXIT

step "RocksDB is not compiled (ParityDB only)"
# The whole tree is listed (a failing `cargo tree` stops the script) and searched, so a
# stale lock file cannot pass for "not in the graph".
if cargo tree --locked --workspace -e normal,build --prefix none | grep -q '^librocksdb-sys '; then
	echo "librocksdb-sys is in the dependency graph:" >&2
	cargo tree --locked --workspace -e normal,build -i librocksdb-sys >&2
	exit 1
fi
echo "ok: librocksdb-sys is not in the dependency graph"

step "build agora-node and agora-gateway"
build_binaries

step "cargo test --workspace"
cargo test --locked --workspace

# The pallets' benchmarks also run as tests (impl_benchmark_test_suite!), which only
# exist with the runtime-benchmarks feature.
pallets=()
for manifest in pallets/*/Cargo.toml; do
	grep -q '^runtime-benchmarks = ' "$manifest" || continue # agora-test-config
	pallets+=(-p "$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -1)")
done
step "benchmarks as tests (${pallets[*]})"
cargo test --locked "${pallets[@]}" --features runtime-benchmarks

# The try-runtime tests run on the state the end-to-end marketplace flow leaves, so they
# are compiled now (a tree of their own: the try-runtime feature) and run after the
# end-to-end suites. The runtime runs natively there: no WASM blob is built.
try_runtime_tests=(-p agora-try-runtime-tests --features try-runtime)
step "the try-runtime tests (compiled now, run after the end-to-end tests)"
SKIP_WASM_BUILD=1 cargo test --locked "${try_runtime_tests[@]}" --no-run

step "JS client unit tests (clients/js)"
(cd clients/js && node --test ./test/*.test.js)

step "Python client unit tests (clients/python, pytest)"
(cd clients/python && .venv/bin/python -m pytest -q -p no:cacheprovider tests --ignore=tests/e2e)

step "throughput harness unit tests (scripts/bench)"
(cd scripts/bench && node --test ./test/*.test.js)

step "the Console (console/, vite build): served by its end-to-end test"
(cd console && npm run build --silent)

step "end-to-end tests (tests/e2e, @polkadot/api against agora-node --dev, agora-gateway, the Console in Chromium)"
# tests/e2e/run.js runs AGORA_E2E_CONCURRENCY suites (default 4) at once, the longest
# first (the four-validator testnet alone takes about 10 min), so that the others run
# beside them instead of after them. Every node's and gateway's whole output goes to a
# file named after its suite in AGORA_PROCESS_LOGS.
AGORA_PROCESS_LOGS="$(mktemp -d "${TMPDIR:-/tmp}/agora-e2e-logs.XXXXXX")"
export AGORA_PROCESS_LOGS
# marketplace.test.js saves the dev chain's state here at the end of its flow.
AGORA_STATE_SNAPSHOT="$AGORA_PROCESS_LOGS/marketplace-state.json"
export AGORA_STATE_SNAPSHOT
if ! node tests/e2e/run.js --concurrency "${AGORA_E2E_CONCURRENCY:-4}"; then
	echo "end-to-end tests failed; every node's and gateway's log, by suite: $AGORA_PROCESS_LOGS" >&2
	exit 1
fi

step "try-runtime: every migration and every pallet's try_state on the marketplace flow's state"
SKIP_WASM_BUILD=1 cargo test --locked "${try_runtime_tests[@]}"
rm -rf "$AGORA_PROCESS_LOGS"
