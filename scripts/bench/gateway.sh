#!/usr/bin/env bash
# agora-gateway's overhead (docs/gateway.md, "Performance"): builds the release gateway
# and its load generator (gateway/examples/overhead.rs) into the shared build cache, and
# the debug node if needed, then runs scripts/bench/gateway.js. Arguments go to
# gateway.js; `--help` lists them. The gateway does not need the runtime's WASM
# (SKIP_WASM_BUILD): on 2 cores the release build takes about 30 minutes cold.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
if [[ " $* " != *" --help "* ]]; then
	"$AGORA_ROOT/scripts/setup.sh"
	build_binaries
	(cd "$AGORA_ROOT" && SKIP_WASM_BUILD=1 cargo build --locked --release -p agora-gateway --bin agora-gateway --example overhead)
fi
export POLKADOTJS_DISABLE_ESM_CJS_WARNING=1
exec node "$AGORA_ROOT/scripts/bench/gateway.js" \
	--node "$CARGO_TARGET_DIR/debug/agora-node" \
	--gateway "$CARGO_TARGET_DIR/release/agora-gateway" \
	--overhead "$CARGO_TARGET_DIR/release/examples/overhead" "$@"
