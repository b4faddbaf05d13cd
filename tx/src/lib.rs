//! # agora-tx
//!
//! Builds and signs Agora transactions from what the chain says about itself: its
//! metadata (V15), read from the node at start and again after every runtime upgrade.
//! Programs that submit transactions, such as `agora-gateway`'s settler and
//! `agora-node benchmark`, use it instead of the runtime's Rust types, so that
//!
//! - a runtime upgrade that moves a pallet, renumbers a call or changes a constant does
//!   not need them rebuilt: the indices and values come from the new metadata;
//! - the off-chain signing code lives outside the WASM crate, and the gateway does not
//!   link the runtime.
//!
//! ## What it reads from the metadata
//!
//! - **Calls**: a pallet's index and a call's index within it, looked up by name
//!   ([`ChainMetadata::call`]), and the call's argument names, checked against the
//!   caller's so that an argument added, removed or renamed fails clearly instead of
//!   encoding garbage (a type changed under the same name is not detected: the
//!   metadata comes from the node the caller trusts, and the chain refuses a call that
//!   does not decode).
//! - **Constants**: decoded exactly ([`ChainMetadata::constant`]): a value of another size
//!   than the type asked for is an error, not a truncation.
//! - **The transaction extensions**, in the chain's order. Each is filled by its
//!   identifier ([`Extension`]); one whose explicit and implicit parts are both empty
//!   (as `CheckWeight`'s) needs nothing, whatever its name. One that needs data this
//!   crate does not know is refused when the metadata is read, with its name.
//! - **The address and signature types**: `MultiAddress::Id` or a bare 32-byte account;
//!   `MultiSignature::Sr25519` or a bare sr25519 signature.
//!
//! ## What a signed transaction carries
//!
//! The extrinsic format the metadata names (version 4): a mortal era as long as the
//! chain's `System::BlockHashCount` allows (capped at 4,096 blocks, so that the era
//! starts at the best block), born at the best block; the nonce; no tip; the metadata
//! hash check disabled.
//!
//! ## Reading calls back
//!
//! [`CallDecoder::decode_call`] turns a call's bytes (a governance proposal's, say)
//! into named JSON: pallet, call, and each argument's name, type and value.

mod decode;
mod metadata;

pub use decode::{CallDecoder, MAX_DEPTH, MAX_VALUES};
pub use metadata::{ChainMetadata, Extension};

use codec::{Compact, Encode};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::traits::{BlakeTwo256, Hash};

/// Why the metadata cannot be used, or a transaction cannot be built from it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
	#[error("the metadata does not decode: {0}")]
	Undecodable(String),
	#[error("the metadata is {0}; agora-tx reads V15")]
	UnsupportedMetadataVersion(String),
	#[error("the chain signs extrinsics of format version {0}; agora-tx builds version 4")]
	UnsupportedExtrinsicVersion(u8),
	#[error("the chain has no pallet {0}")]
	NoSuchPallet(String),
	#[error("pallet {pallet} has no call {call}")]
	NoSuchCall { pallet: String, call: String },
	#[error("{pallet}.{call} takes ({found}), not ({expected})")]
	CallArgumentsChanged { pallet: String, call: String, found: String, expected: String },
	#[error("pallet {pallet} has no constant {name}")]
	NoSuchConstant { pallet: String, name: String },
	#[error("constant {pallet}.{name} is not a {expected}")]
	ConstantType { pallet: String, name: String, expected: &'static str },
	#[error("the chain requires transaction extension {0}, which agora-tx cannot fill")]
	UnsupportedExtension(String),
	#[error("the chain's {what} type is not one agora-tx can encode")]
	UnsupportedType { what: &'static str },
	#[error("type {0} is not in the metadata's registry")]
	MissingType(u32),
	#[error("the call does not decode: {0}")]
	UndecodableCall(String),
}

/// What a signature commits to besides the call: the chain, its runtime and the signer's
/// next nonce, at a block the signer has seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningContext {
	pub genesis_hash: H256,
	/// The best block: the transaction's mortal era starts there.
	pub best_hash: H256,
	pub best_number: u64,
	pub spec_version: u32,
	pub transaction_version: u32,
	pub nonce: u32,
}

/// The signed extrinsic (SCALE, length-prefixed, as `author_submitExtrinsic` takes it)
/// of `call` (its pallet and call indices, then its arguments) by `signer`, with the
/// transaction extensions of `metadata`.
pub fn sign(
	metadata: &ChainMetadata,
	call: &[u8],
	signer: &sr25519::Pair,
	context: &SigningContext,
) -> Vec<u8> {
	let (explicit, implicit) = metadata.extension_data(context);
	let signature = {
		let mut payload = Vec::with_capacity(call.len() + explicit.len() + implicit.len());
		payload.extend_from_slice(call);
		payload.extend_from_slice(&explicit);
		payload.extend_from_slice(&implicit);
		// As `SignedPayload`: a payload over 256 bytes is signed by its hash.
		if payload.len() > 256 {
			signer.sign(BlakeTwo256::hash(&payload).as_bytes())
		} else {
			signer.sign(&payload)
		}
	};
	let mut body = vec![metadata::SIGNED_V4];
	metadata.encode_address(&signer.public(), &mut body);
	metadata.encode_signature(&signature, &mut body);
	body.extend_from_slice(&explicit);
	body.extend_from_slice(call);
	let mut extrinsic = Compact(body.len() as u32).encode();
	extrinsic.extend_from_slice(&body);
	extrinsic
}
