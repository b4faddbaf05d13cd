#!/usr/bin/env bash
# Benchmarks one Agora pallet in the real runtime and writes its generated weights.rs.
#
#   ./scripts/benchmark-pallet.sh services        # -> pallets/services/src/weights.rs
#
# Builds agora-node with `--features runtime-benchmarks` in the `benchmark` profile
# (optimised: debug host functions would inflate every weight; see Cargo.toml) and runs
# `agora-node benchmark pallet` on the runtime's development preset. Weights are fitted by
# least squares, except pallet-metering's: its two-component `claim_batch` makes least
# squares extrapolate into a negative intercept, which the CLI then forces through the
# smallest sample (see docs/benchmarks.md), so it is fitted by median slopes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$AGORA_ROOT/scripts/setup.sh"
cd "$AGORA_ROOT"

name="${1:?usage: $0 <pallet directory name under pallets/, e.g. services>}"
[[ -d "pallets/$name" ]] || { echo "no pallet at pallets/$name" >&2; exit 1; }
steps="${STEPS:-50}"
repeat="${REPEAT:-20}"
analysis=min-squares
[[ "$name" == metering ]] && analysis=median-slopes

cargo build --locked --profile benchmark -p agora-node --features runtime-benchmarks
"$CARGO_TARGET_DIR/benchmark/agora-node" benchmark pallet \
	--runtime "$CARGO_TARGET_DIR/benchmark/wbuild/agora-runtime/agora_runtime.compact.compressed.wasm" \
	--genesis-builder runtime --genesis-builder-preset development \
	--pallet "pallet_$name" --extrinsic '*' \
	--steps "$steps" --repeat "$repeat" \
	--wasm-execution compiled \
	--output-analysis "$analysis" \
	--template scripts/frame-weight-template.hbs \
	--output "pallets/$name/src/weights.rs"
