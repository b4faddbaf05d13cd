/// Set (non-empty) to also build the `upgrade-test` runtime, one `spec_version` ahead, for
/// the end-to-end upgrade test. `scripts/env.sh` sets it, so the README's commands build it
/// with everything else.
#[cfg(feature = "std")]
const UPGRADE_TEST_RUNTIME_ENV: &str = "AGORA_BUILD_UPGRADE_TEST_RUNTIME";

#[cfg(feature = "std")]
fn main() {
	// The WASM runtime is built by a nested cargo that must find this workspace's
	// Cargo.lock, which it cannot do by walking up from a target directory that lives
	// outside the clone (see .cargo/config.toml). Only this build script is told: the
	// hint must not reach other crates' WASM builds. The directory is read when the script
	// runs, not when it is compiled: cargo reuses a compiled build script across clones
	// of the workspace sharing the build cache, and a path baked in at compile time would
	// name the clone that compiled it (possibly deleted), leaving the WASM build unlocked.
	let manifest_dir =
		std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
	let workspace = std::path::Path::new(&manifest_dir).join("..");
	std::env::set_var("WASM_BUILD_WORKSPACE_HINT", workspace);

	wasm_builder().build();

	// Built here, after the runtime and in the same WASM project, rather than by a cargo
	// invocation of its own: only this crate compiles again for it (its dependencies are
	// the runtime's, already built), and no native build of the runtime with the feature
	// is needed. The blob gets its own name, so the one agora-node embeds is untouched.
	println!("cargo:rerun-if-env-changed={UPGRADE_TEST_RUNTIME_ENV}");
	if std::env::var_os(UPGRADE_TEST_RUNTIME_ENV).is_none_or(|value| value.is_empty()) {
		return;
	}
	// The WASM builder copies every blob to `WASM_TARGET_DIRECTORY` under the crate's
	// name: the upgrade-test blob would replace the real one there.
	if std::env::var_os("WASM_TARGET_DIRECTORY").is_some() {
		println!(
			"cargo:warning=the upgrade-test runtime is not built while WASM_TARGET_DIRECTORY \
			 is set: it would replace the real runtime there"
		);
		return;
	}
	wasm_builder()
		.enable_feature("upgrade-test")
		.set_file_name("agora_runtime_upgrade_test")
		.build();
}

#[cfg(feature = "std")]
fn wasm_builder() -> substrate_wasm_builder::WasmBuilder {
	let builder = substrate_wasm_builder::WasmBuilder::init_with_defaults();
	#[cfg(feature = "metadata-hash")]
	let builder = builder
		.enable_metadata_hash(agora_primitives::token::SYMBOL, agora_primitives::token::DECIMALS);
	builder
}

/// The WASM build itself needs no build script.
#[cfg(not(feature = "std"))]
fn main() {}
