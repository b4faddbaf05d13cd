#!/usr/bin/env bash
# Serves the Agora Console (console/) on http://127.0.0.1:4242 next to a development
# chain: builds agora-node, starts `agora-node --dev --tmp` (RPC on ws://127.0.0.1:9944),
# builds the Console and serves it until Ctrl-C, which stops both.
#
#   ./scripts/console.sh                          # a fresh dev chain and the Console
#   ./scripts/console.sh --node ws://host:9944    # the Console only, against that node
#   ./scripts/console.sh --port 8080              # serve on another port
#
# Sign with a wallet extension (polkadot.js, Talisman, SubWallet) holding the dev
# accounts (//Alice, //Bob, ...) or your own: docs/console.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

node_url=""
port=4242
while (($#)); do
	case "$1" in
		--node) node_url="${2:?--node needs a ws:// URL}"; shift 2 ;;
		--port) port="${2:?--port needs a number}"; shift 2 ;;
		-h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
done
[[ $port =~ ^[0-9]+$ ]] || { echo "--port '$port' is not a port number" >&2; exit 2; }

"$AGORA_ROOT/scripts/setup.sh"
cd "$AGORA_ROOT"

if [[ -z $node_url ]]; then
	build_binaries
	node_url="ws://127.0.0.1:9944"
	"$AGORA_NODE" --dev --tmp --rpc-port 9944 > >(sed 's/^/[node] /') 2>&1 &
	node_pid=$!
	trap 'kill "$node_pid" 2>/dev/null; wait "$node_pid" 2>/dev/null' EXIT
fi

(cd console && npm run build --silent)
echo "Agora Console: http://127.0.0.1:$port/?node=$node_url"
cd console && npx vite preview --host 127.0.0.1 --port "$port" --strictPort
