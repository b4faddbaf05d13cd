#!/usr/bin/env bash
# Regenerates every weight the runtime charges, measured on this machine (the reference
# machine of docs/operators.md), with the benchmarking node at the release optimisations:
#
#   storage   runtime/src/weights/paritydb_weights.rs       `benchmark storage` on the state
#             of a chain the throughput harness filled (10,000 services and channels)
#   overhead  runtime/src/weights/{block,extrinsic}_weights.rs   `benchmark overhead`
#   pallets   pallets/<name>/src/weights.rs (Agora's pallets) and
#             runtime/src/weights/<pallet>.rs (frame's)        `benchmark pallet`
#
#   ./scripts/benchmark-all.sh                       # all of them (about 40 minutes here)
#   ./scripts/benchmark-all.sh storage overhead      # some of them
#   ./scripts/benchmark-all.sh pallet_metering       # one pallet
#   STATE=/var/tmp/agora-bench-chain ./scripts/benchmark-all.sh storage   # a chain kept by
#       `scripts/bench/throughput.js --node <the benchmarking node> --keep-chain DIR`
#
# Measured times are used as they are, with one margin, on the database weights
# (STORAGE_MUL, see docs/benchmarks.md for why there and why that much). STEPS and
# REPEAT set the pallet benchmarks' resolution (50 and 20); the transaction extensions,
# whose weights every transaction pays, are repeated EXTENSION_REPEAT times (100).
#
# Every weight comes from one machine, the reference machine (docs/operators.md), named
# by the CPU the committed files were measured on: on any other CPU the script refuses,
# unless NEW_REFERENCE=1 makes this machine the reference, which regenerates everything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$AGORA_ROOT"

AGORA_PALLETS=(pallet_services pallet_metering pallet_rewards pallet_governance pallet_validators)
FRAME_PALLETS=(frame_system frame_system_extensions pallet_balances pallet_timestamp
	pallet_transaction_payment pallet_session pallet_sudo pallet_utility)
STORAGE_MUL="${STORAGE_MUL:-1.5}"
steps="${STEPS:-50}"
repeat="${REPEAT:-20}"
extension_repeat="${EXTENSION_REPEAT:-100}"
node="$CARGO_TARGET_DIR/benchmark/agora-node"
runtime="$CARGO_TARGET_DIR/benchmark/wbuild/agora-runtime/agora_runtime.compact.compressed.wasm"

usage() {
	sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}

storage() {
	local state="${STATE:-}" scratch=""
	if [[ -z "$state" ]]; then
		scratch="$(mktemp -d /var/tmp/agora-bench-state.XXXXXX)"
		state="$scratch/chain"
		echo "filling a chain for the storage benchmark in $state (about 10 minutes)"
		# The harness writes its report once every scenario has run: then the chain holds
		# what is measured here, whatever the harness concludes about the old weights.
		if ! node scripts/bench/throughput.js --node "$node" --keep-chain "$state" \
			--closed 6400 --rpc-seconds 1 --out "$scratch/report.json" >"$scratch/harness.log" 2>&1 &&
			[[ ! -s "$scratch/report.json" ]]; then
			cat "$scratch/harness.log" >&2
			echo "the harness did not fill the chain (log above; the chain is in $state)" >&2
			exit 1
		fi
	fi
	# Writes are committed 1,000 at a time, as a block commits its changes (with the
	# default batch size the write benchmark fails on this state with "Empty input").
	"$node" benchmark storage --chain dev --base-path "$state" --database paritydb \
		--state-version 1 --batch-size 1000 --mul "$STORAGE_MUL" \
		--weight-path runtime/src/weights/paritydb_weights.rs
	[[ -z "$scratch" ]] || rm -rf "$scratch"
}

overhead() {
	"$node" benchmark overhead --chain dev --weight-path runtime/src/weights
}

pallet() {
	local name="$1" output template=() analysis=min-squares repeats="$repeat"
	if [[ " ${AGORA_PALLETS[*]} " == *" $name "* ]]; then
		output="pallets/${name#pallet_}/src/weights.rs"
		template=(--template scripts/frame-weight-template.hbs)
	elif [[ " ${FRAME_PALLETS[*]} " == *" $name "* ]]; then
		output="runtime/src/weights/$name.rs"
	else
		echo "unknown pallet $name (known: ${AGORA_PALLETS[*]} ${FRAME_PALLETS[*]})" >&2
		exit 1
	fi
	# claim_batch's two components make least squares extrapolate into a negative
	# intercept, which the CLI then forces through the smallest sample
	# (docs/benchmarks.md): pallet-metering is fitted by median slopes.
	[[ "$name" == pallet_metering ]] && analysis=median-slopes
	# A transaction extension's benchmark is one short call without components, so its
	# weight is the mean of the repeats alone, and this VM's scheduling noise moved that
	# mean by a third between runs at 20 (docs/benchmarks.md).
	case "$name" in
	frame_system_extensions | pallet_transaction_payment) repeats="$extension_repeat" ;;
	esac
	"$node" benchmark pallet --runtime "$runtime" \
		--genesis-builder runtime --genesis-builder-preset development \
		--pallet "$name" --extrinsic '*' --steps "$steps" --repeat "$repeats" \
		--wasm-execution compiled --output-analysis "$analysis" \
		"${template[@]}" --output "$output"
}

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(storage overhead pallets)
for target in "${targets[@]}"; do
	case "$target" in
	-h | --help) usage ;;
	storage | overhead | pallets | pallet_* | frame_*) ;;
	*) echo "unknown target '$target'" >&2 && usage 1 >&2 ;;
	esac
done

# Weights from two machines would price one block by two clocks, so a partial run on
# another CPU is refused (`runtime::tests::weights` checks the committed files agree).
reference_cpu="$(sed -n 's/^\/\/! HOSTNAME: `[^`]*`, CPU: `\(.*\)`$/\1/p' runtime/src/weights/extrinsic_weights.rs)"
# The CLI writes "<UNKNOWN>" where /proc/cpuinfo has no model name (most ARM hosts).
host_cpu="$(awk -F ': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
host_cpu="${host_cpu:-<UNKNOWN>}"
if [[ "${NEW_REFERENCE:-}" == 1 ]]; then
	targets=(storage overhead pallets)
	echo "NEW_REFERENCE=1: '$host_cpu' is the reference machine; regenerating every weight"
elif [[ -z "$reference_cpu" ]]; then
	echo "cannot read the reference CPU from runtime/src/weights/extrinsic_weights.rs" >&2
	exit 1
elif [[ "$host_cpu" != "$reference_cpu" ]]; then
	echo "the committed weights were measured on '$reference_cpu'; this machine is '$host_cpu'." >&2
	echo "Run this on the reference machine (docs/operators.md), or make this one the reference" >&2
	echo "with NEW_REFERENCE=1, which regenerates every weight." >&2
	exit 1
fi

"$AGORA_ROOT/scripts/setup.sh"
cargo build --locked --profile benchmark -p agora-node --features runtime-benchmarks
for target in "${targets[@]}"; do
	case "$target" in
	storage) storage ;;
	overhead) overhead ;;
	pallets) for name in "${AGORA_PALLETS[@]}" "${FRAME_PALLETS[@]}"; do pallet "$name"; done ;;
	*) pallet "$target" ;;
	esac
done
cargo fmt --all
