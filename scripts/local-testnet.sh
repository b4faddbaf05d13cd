#!/usr/bin/env bash
# Starts a local testnet of N validators (default 4: Alice, Bob, Charlie, Dave) from
# the `local_testnet` preset on 127.0.0.1, prints their endpoints, and stops them all
# on Ctrl-C. Chains persist in $AGORA_TESTNET_DIR (default /var/tmp/agora-testnet)
# between runs; `--purge` starts from genesis again.
#
#   ./scripts/local-testnet.sh [--validators N] [--purge]
#
# Node i (0-based) listens on p2p port 30333+i, RPC port 9944+i and Prometheus port
# 9615+i, and logs to $AGORA_TESTNET_DIR/<name>.log. Alice is every node's bootnode.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

usage() { sed -n '2,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

names=(alice bob charlie dave eve ferdie)
count=4
purge=false
while (($#)); do
	case "$1" in
	--validators)
		count="${2:-}"
		shift 2 || { usage >&2; exit 2; }
		;;
	--purge) purge=true; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
	esac
done
if ! [[ "$count" =~ ^[1-9][0-9]*$ ]] || ((count > ${#names[@]})); then
	echo "--validators takes 1 to ${#names[@]} (the well-known keys ${names[*]}), got '$count'" >&2
	exit 2
fi
if ((count > 4)); then
	echo "note: the local_testnet genesis has 4 validators (alice … dave); the others run as" \
		"validator nodes and author once governance adds them (docs/operators.md)" >&2
fi

"$AGORA_ROOT/scripts/setup.sh"
build_binaries

base="${AGORA_TESTNET_DIR:-/var/tmp/agora-testnet}"
$purge && rm -rf "$base"
mkdir -p "$base"

# Fixed node keys give fixed peer ids, so every node finds Alice at a known address.
node_key() { printf '%064x' "$(($1 + 1))"; }
alice_peer="$(node_key 0 | "$AGORA_NODE" key inspect-node-key)"
bootnode="/ip4/127.0.0.1/tcp/30333/p2p/$alice_peer"

pids=()
stop_all() {
	local status="${1:-0}"
	trap - INT TERM EXIT
	if ((${#pids[@]})); then
		echo "stopping ${#pids[@]} nodes"
		kill -TERM "${pids[@]}" 2>/dev/null || true
		wait "${pids[@]}" 2>/dev/null || true
	fi
	exit "$status"
}
trap stop_all INT TERM EXIT

for ((i = 0; i < count; i++)); do
	name="${names[$i]}"
	"$AGORA_NODE" --chain local "--$name" \
		--base-path "$base/$name" \
		--node-key "$(node_key "$i")" \
		--listen-addr "/ip4/127.0.0.1/tcp/$((30333 + i))" \
		--bootnodes "$bootnode" \
		--rpc-port "$((9944 + i))" \
		--prometheus-port "$((9615 + i))" \
		--no-mdns \
		>"$base/$name.log" 2>&1 &
	pids+=("$!")
	printf '%-8s ws://127.0.0.1:%d  metrics http://127.0.0.1:%d/metrics  log %s\n' \
		"$name" "$((9944 + i))" "$((9615 + i))" "$base/$name.log"
done
echo "running; Ctrl-C stops all nodes"
wait -n "${pids[@]}" || true
echo "a node exited; see its log" >&2
stop_all 1
