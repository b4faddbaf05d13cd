#!/usr/bin/env bash
# Builds agora-node (and agora-gateway) and starts a development chain: one validator (Alice), blocks
# produced and finalized, JSON-RPC on ws://127.0.0.1:9944, Prometheus on
# 127.0.0.1:9615. State is kept in a temporary directory and discarded on exit.
#
#   ./scripts/start-dev.sh                 # fresh chain every time
#   ./scripts/start-dev.sh --base-path d   # keep state in d (any agora-node option works)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$AGORA_ROOT/scripts/setup.sh"

cd "$AGORA_ROOT"
build_binaries

tmp=(--tmp)
for arg in "$@"; do [[ $arg == --base-path* || $arg == -d ]] && tmp=(); done
exec "$AGORA_NODE" --dev "${tmp[@]}" "$@"
