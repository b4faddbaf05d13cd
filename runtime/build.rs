#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn main() {
	use agora_primitives::token;
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash(token::SYMBOL, token::DECIMALS)
		.build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// The WASM build itself needs no build script.
#[cfg(not(feature = "std"))]
fn main() {}
