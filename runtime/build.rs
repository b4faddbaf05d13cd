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
	build_wasm();
}

#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn build_wasm() {
	use agora_primitives::token;
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash(token::SYMBOL, token::DECIMALS)
		.build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn build_wasm() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// The WASM build itself needs no build script.
#[cfg(not(feature = "std"))]
fn main() {}
