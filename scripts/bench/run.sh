#!/usr/bin/env bash
# The throughput harness (docs/performance.md): builds the release agora-node into the
# shared build cache, then runs scripts/bench/throughput.js against it. Arguments go to
# throughput.js; `--help` lists them. On 2 cores: the release build about 23 minutes cold,
# then the run about 5 minutes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
if [[ " $* " != *" --help "* ]]; then
	"$AGORA_ROOT/scripts/setup.sh"
	(cd "$AGORA_ROOT" && cargo build --locked --release -p agora-node)
fi
# Same quieting of polkadot.js as the end-to-end tests (@agora/client is linked).
export POLKADOTJS_DISABLE_ESM_CJS_WARNING=1
exec node "$AGORA_ROOT/scripts/bench/throughput.js" --node "$CARGO_TARGET_DIR/release/agora-node" "$@"
