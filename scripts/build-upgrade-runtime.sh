#!/usr/bin/env bash
# Builds the runtime WASM one `spec_version` ahead (feature `upgrade-test`) for the
# end-to-end runtime-upgrade test, and prints the path of the blob.
#
# The WASM builder keeps one project per runtime crate under the outer target
# directory, so building the feature there would replace the blob that agora-node
# embeds as its genesis runtime. This build gets its own outer target directory
# (the native side is only type-checked), and its WASM project's target directory is
# a link to the main build's: the WASM dependencies compile with the same flags and
# features, so only the runtime crate itself compiles again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$AGORA_ROOT"

main_wasm_target="$CARGO_TARGET_DIR/debug/wbuild/agora-runtime/target"
upgrade_target="$CARGO_TARGET_DIR/upgrade-runtime"
upgrade_project="$upgrade_target/debug/wbuild/agora-runtime"
mkdir -p "$main_wasm_target" "$upgrade_project"
[[ -L "$upgrade_project/target" ]] || { rm -rf "$upgrade_project/target"; ln -s "$main_wasm_target" "$upgrade_project/target"; }
CARGO_TARGET_DIR="$upgrade_target" cargo check --locked -p agora-runtime --features upgrade-test >&2

wasm="$upgrade_project/agora_runtime.wasm"
if [[ ! -s "$wasm" ]]; then
	echo "the upgrade-test runtime was not built: $wasm is missing" >&2
	exit 1
fi
echo "$wasm"
