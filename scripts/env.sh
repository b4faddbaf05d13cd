# Shared settings of the scripts: sourced, never run.
#
# One build cache outside the clone, shared by every script, every clone and CI on
# this machine, so a fresh clone reuses what an earlier build made.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/agora-target}"
AGORA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AGORA_ROOT
export AGORA_NODE="${AGORA_NODE:-$CARGO_TARGET_DIR/debug/agora-node}"

# Builds agora-node and agora-gateway (debug). Always together: cargo unifies the features
# of the packages it builds, so building one alone would compile a second copy of the
# shared dependency tree into the cache.
build_binaries() {
	(cd "$AGORA_ROOT" && cargo build --locked -p agora-node -p agora-gateway)
}
