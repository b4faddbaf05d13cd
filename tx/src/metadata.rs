//! The chain's metadata, read once per runtime version: what a transaction needs of it.

use codec::{Compact, Decode, DecodeAll, Encode};
use frame_metadata::{
	v15::{PalletMetadata, RuntimeMetadataV15},
	RuntimeMetadata, RuntimeMetadataPrefixed,
};
use scale_info::{form::PortableForm, PortableRegistry, TypeDef};
use sp_core::{sr25519, H256};
use sp_runtime::generic::Era;

use crate::{Error, SigningContext};

/// The first byte of a signed extrinsic of format version 4.
pub(crate) const SIGNED_V4: u8 = 0b1000_0000 | 4;

/// The longest mortality the era encoding lets start at the exact block it names: from
/// 8,192 blocks on, the era's phase is quantised and its birth block precedes the best.
const MAX_MORTALITY: u64 = 4_096;

/// A transaction extension of the chain, as [`crate::sign`] fills it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extension {
	/// Explicit and implicit parts both empty (`CheckNonZeroSender`, `CheckWeight`…).
	Empty,
	/// `CheckSpecVersion`: the runtime's `spec_version`, implicit.
	SpecVersion,
	/// `CheckTxVersion`: the runtime's `transaction_version`, implicit.
	TransactionVersion,
	/// `CheckGenesis`: the genesis hash, implicit.
	Genesis,
	/// `CheckMortality`: the era, explicit; the hash of its first block, implicit.
	Mortality,
	/// `CheckNonce`: the compact nonce, explicit.
	Nonce,
	/// `ChargeTransactionPayment`: the compact tip (zero), explicit.
	Tip,
	/// `CheckMetadataHash`: mode "disabled", explicit; no hash, implicit.
	MetadataHashDisabled,
}

/// How the chain encodes the signer's address or its signature: a variant of an enum
/// (`MultiAddress::Id`, `MultiSignature::Sr25519`) or the bare bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wrapping {
	Variant(u8),
	Bare,
}

/// A chain's metadata (V15) and what was derived from it for signing.
#[derive(Clone, Debug)]
pub struct ChainMetadata {
	metadata: RuntimeMetadataV15,
	extensions: Vec<Extension>,
	address: Wrapping,
	signature: Wrapping,
	mortality: u64,
}

impl ChainMetadata {
	/// Reads the bytes of `Metadata_metadata_at_version(15)` (a `RuntimeMetadataPrefixed`).
	pub fn decode(bytes: &[u8]) -> Result<ChainMetadata, Error> {
		ChainMetadata::new(read_v15(bytes)?)
	}

	/// Checks that transactions can be built from `metadata`.
	pub fn new(metadata: RuntimeMetadataV15) -> Result<ChainMetadata, Error> {
		if metadata.extrinsic.version != 4 {
			return Err(Error::UnsupportedExtrinsicVersion(metadata.extrinsic.version));
		}
		let types = &metadata.types;
		let extensions = metadata
			.extrinsic
			.signed_extensions
			.iter()
			.map(|ext| {
				let known = match ext.identifier.as_str() {
					"CheckSpecVersion" => Some(Extension::SpecVersion),
					"CheckTxVersion" => Some(Extension::TransactionVersion),
					"CheckGenesis" => Some(Extension::Genesis),
					"CheckMortality" => Some(Extension::Mortality),
					"CheckNonce" => Some(Extension::Nonce),
					"ChargeTransactionPayment" => Some(Extension::Tip),
					"CheckMetadataHash" => Some(Extension::MetadataHashDisabled),
					_ => None,
				};
				match known {
					Some(extension) => Ok(extension),
					None if is_empty(types, ext.ty.id)?
						&& is_empty(types, ext.additional_signed.id)? =>
					{
						Ok(Extension::Empty)
					},
					None => Err(Error::UnsupportedExtension(ext.identifier.clone())),
				}
			})
			.collect::<Result<Vec<_>, _>>()?;
		let address = wrapping(types, metadata.extrinsic.address_ty.id, "Id", 32)
			.ok_or(Error::UnsupportedType { what: "address" })?;
		let signature = wrapping(types, metadata.extrinsic.signature_ty.id, "Sr25519", 64)
			.ok_or(Error::UnsupportedType { what: "signature" })?;
		let mut chain = ChainMetadata { metadata, extensions, address, signature, mortality: 0 };
		chain.mortality = match chain.constant::<u32>("System", "BlockHashCount") {
			// The longest power of two within the blocks whose hashes the chain keeps.
			Ok(count) => (u64::from(count).checked_next_power_of_two().unwrap_or(u64::MAX) / 2)
				.clamp(4, MAX_MORTALITY),
			Err(_) if !chain.extensions.contains(&Extension::Mortality) => 0,
			Err(e) => return Err(e),
		};
		Ok(chain)
	}

	/// The extensions, in the order the chain applies them.
	pub fn extensions(&self) -> &[Extension] {
		&self.extensions
	}

	/// The index of pallet `pallet`.
	pub fn pallet_index(&self, pallet: &str) -> Result<u8, Error> {
		Ok(self.pallet(pallet)?.index)
	}

	/// The encoded call `pallet.call(args)`: its pallet and call indices, then `args`
	/// (the arguments' SCALE encoding, in order), after checking that the call's
	/// arguments are named `arg_names`.
	pub fn call(
		&self,
		pallet: &str,
		call: &str,
		arg_names: &[&str],
		args: &impl Encode,
	) -> Result<Vec<u8>, Error> {
		let metadata = self.pallet(pallet)?;
		let no_call = || Error::NoSuchCall { pallet: pallet.into(), call: call.into() };
		let calls = metadata.calls.as_ref().ok_or_else(no_call)?;
		let TypeDef::Variant(variants) = &self.resolve(calls.ty.id)?.type_def else {
			return Err(no_call());
		};
		let variant = variants.variants.iter().find(|v| v.name == call).ok_or_else(no_call)?;
		let found: Vec<&str> =
			variant.fields.iter().map(|f| f.name.as_deref().unwrap_or("_")).collect();
		if found != arg_names {
			return Err(Error::CallArgumentsChanged {
				pallet: pallet.into(),
				call: call.into(),
				found: found.join(", "),
				expected: arg_names.join(", "),
			});
		}
		let mut encoded = vec![metadata.index, variant.index];
		args.encode_to(&mut encoded);
		Ok(encoded)
	}

	/// Constant `pallet.name`, decoded as a `T` that must take exactly its bytes.
	pub fn constant<T: Decode>(&self, pallet: &str, name: &str) -> Result<T, Error> {
		let constant =
			self.pallet(pallet)?.constants.iter().find(|c| c.name == name).ok_or_else(|| {
				Error::NoSuchConstant { pallet: pallet.into(), name: name.into() }
			})?;
		T::decode_all(&mut &constant.value[..]).map_err(|_| Error::ConstantType {
			pallet: pallet.into(),
			name: name.into(),
			expected: core::any::type_name::<T>(),
		})
	}

	/// The explicit parts of the extensions (carried in the extrinsic) and their implicit
	/// parts (only signed), for `context`.
	pub(crate) fn extension_data(&self, context: &SigningContext) -> (Vec<u8>, Vec<u8>) {
		let (mut explicit, mut implicit) = (Vec::new(), Vec::new());
		for extension in &self.extensions {
			match extension {
				Extension::Empty => {},
				Extension::SpecVersion => context.spec_version.encode_to(&mut implicit),
				Extension::TransactionVersion => {
					context.transaction_version.encode_to(&mut implicit)
				},
				Extension::Genesis => context.genesis_hash.encode_to(&mut implicit),
				Extension::Mortality => {
					Era::mortal(self.mortality, context.best_number).encode_to(&mut explicit);
					context.best_hash.encode_to(&mut implicit);
				},
				Extension::Nonce => Compact(context.nonce).encode_to(&mut explicit),
				Extension::Tip => Compact(0u128).encode_to(&mut explicit),
				Extension::MetadataHashDisabled => {
					0u8.encode_to(&mut explicit);
					None::<H256>.encode_to(&mut implicit);
				},
			}
		}
		(explicit, implicit)
	}

	pub(crate) fn encode_address(&self, signer: &sr25519::Public, out: &mut Vec<u8>) {
		wrap(self.address, &signer.0, out)
	}

	pub(crate) fn encode_signature(&self, signature: &sr25519::Signature, out: &mut Vec<u8>) {
		wrap(self.signature, &signature.0, out)
	}

	fn pallet(&self, name: &str) -> Result<&PalletMetadata<PortableForm>, Error> {
		self.metadata
			.pallets
			.iter()
			.find(|p| p.name == name)
			.ok_or_else(|| Error::NoSuchPallet(name.into()))
	}

	fn resolve(&self, id: u32) -> Result<&scale_info::Type<PortableForm>, Error> {
		self.metadata.types.resolve(id).ok_or(Error::MissingType(id))
	}
}

/// The metadata in the bytes of `Metadata_metadata_at_version(15)`.
pub(crate) fn read_v15(bytes: &[u8]) -> Result<RuntimeMetadataV15, Error> {
	let prefixed = RuntimeMetadataPrefixed::decode(&mut &bytes[..])
		.map_err(|e| Error::Undecodable(e.to_string()))?;
	match prefixed.1 {
		RuntimeMetadata::V15(metadata) => Ok(metadata),
		other => Err(Error::UnsupportedMetadataVersion(format!("V{}", other.version()))),
	}
}

fn wrap(wrapping: Wrapping, bytes: &[u8], out: &mut Vec<u8>) {
	if let Wrapping::Variant(index) = wrapping {
		out.push(index);
	}
	out.extend_from_slice(bytes);
}

/// Whether type `id` encodes to nothing (a unit struct, an empty tuple, nested).
fn is_empty(types: &PortableRegistry, id: u32) -> Result<bool, Error> {
	let ty = types.resolve(id).ok_or(Error::MissingType(id))?;
	Ok(match &ty.type_def {
		TypeDef::Composite(composite) => {
			for field in &composite.fields {
				if !is_empty(types, field.ty.id)? {
					return Ok(false);
				}
			}
			true
		},
		TypeDef::Tuple(tuple) => {
			for field in &tuple.fields {
				if !is_empty(types, field.id)? {
					return Ok(false);
				}
			}
			true
		},
		TypeDef::Array(array) => array.len == 0 || is_empty(types, array.type_param.id)?,
		_ => false,
	})
}

/// How type `id` carries `len` bytes: as the variant `variant` of an enum, whose one field
/// is those bytes, or as the bytes themselves. `None` if it is neither.
fn wrapping(types: &PortableRegistry, id: u32, variant: &str, len: u32) -> Option<Wrapping> {
	match &types.resolve(id)?.type_def {
		TypeDef::Variant(variants) => {
			let found = variants.variants.iter().find(|v| v.name == variant)?;
			match found.fields.as_slice() {
				[field] if is_bytes(types, field.ty.id, len) => {
					Some(Wrapping::Variant(found.index))
				},
				_ => None,
			}
		},
		_ if is_bytes(types, id, len) => Some(Wrapping::Bare),
		_ => None,
	}
}

/// Whether type `id` is `len` bytes: `[u8; len]`, or a struct of one field that is.
fn is_bytes(types: &PortableRegistry, id: u32, len: u32) -> bool {
	match types.resolve(id).map(|ty| &ty.type_def) {
		Some(TypeDef::Array(array)) => {
			array.len == len
				&& matches!(
					types.resolve(array.type_param.id).map(|t| &t.type_def),
					Some(TypeDef::Primitive(scale_info::TypeDefPrimitive::U8))
				)
		},
		Some(TypeDef::Composite(composite)) => match composite.fields.as_slice() {
			[field] => is_bytes(types, field.ty.id, len),
			_ => false,
		},
		_ => false,
	}
}
