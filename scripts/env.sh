# Shared settings of the scripts: sourced, never run.
#
# One build cache outside the clone, shared by every script, every clone and CI on
# this machine, so a fresh clone reuses what an earlier build made.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/agora-target}"
AGORA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AGORA_ROOT
export AGORA_NODE="${AGORA_NODE:-$CARGO_TARGET_DIR/debug/agora-node}"
# The runtime's build script also builds the upgrade-test runtime (spec_version + 1) of
# tests/e2e/upgrade.test.js, in the same compile (runtime/build.rs). Every cargo run of
# the scripts must see the same value: a change reruns the build script.
export AGORA_BUILD_UPGRADE_TEST_RUNTIME=1

# Builds agora-node, agora-gateway and every test of the workspace (debug) in ONE cargo
# invocation. Cargo unifies features over the packages and targets it builds, and tests
# bring dev-dependencies: building the binaries alone (or a subset of packages) would
# compile a second copy of the shared dependency tree, once for the binaries and once
# for `cargo test --workspace`. Built this way, the test step compiles nothing new.
# Benches are left out: their profile is optimised and would compile a third tree.
build_binaries() {
	(cd "$AGORA_ROOT" && cargo build --locked --workspace --lib --bins --tests)
}
