//! A call's SCALE bytes read back into JSON a person can check before voting on it, from
//! the chain's metadata alone: pallet and call by name, every argument with its name, its
//! type as the runtime declares it and its value.
//!
//! Values follow the `agora_*` RPC's conventions: accounts in SS58 with the prefix given,
//! 128-bit numbers (balances) as decimal strings, bytes and hashes as 0x-hex, an enum
//! variant without fields as its name and one with fields as `{ "Variant": fields }`.
//! A call nested in another (`utility.batch`) is decoded like the outer one. The input
//! is the chain's own (a proposal's stored call), but nothing here trusts it: every read
//! is bounded by the bytes left, recursion by [`MAX_DEPTH`] and output by [`MAX_VALUES`].

use codec::{Compact, Decode, Input};
use frame_metadata::v15::RuntimeMetadataV15;
use scale_info::{form::PortableForm, Field, Type, TypeDef, TypeDefPrimitive};
use serde_json::{json, Map, Value};
use sp_core::crypto::{AccountId32, Ss58AddressFormat, Ss58Codec};

use crate::{metadata::read_v15, Error};

/// Deepest nesting of types followed.
pub const MAX_DEPTH: usize = 48;
/// Most values one call may decode into.
pub const MAX_VALUES: usize = 10_000;

/// Reads calls with a runtime's metadata. Unlike [`crate::ChainMetadata`] it needs
/// nothing of the metadata but its types and pallets, so that a runtime whose
/// transactions this crate cannot sign still has its calls read.
#[derive(Clone, Debug)]
pub struct CallDecoder {
	metadata: RuntimeMetadataV15,
}

impl CallDecoder {
	/// Reads the bytes of `Metadata_metadata_at_version(15)` (a `RuntimeMetadataPrefixed`).
	pub fn decode(bytes: &[u8]) -> Result<CallDecoder, Error> {
		Ok(CallDecoder { metadata: read_v15(bytes)? })
	}

	fn resolve(&self, id: u32) -> Result<&Type<PortableForm>, Error> {
		self.metadata.types.resolve(id).ok_or(Error::MissingType(id))
	}

	/// `call` (a `RuntimeCall`'s encoding) as
	/// `{ "section", "method", "args": [{ "name", "type", "value" }] }`, with camelCase
	/// names as polkadot.js shows them. Every byte must be used.
	pub fn decode_call(&self, call: &[u8], ss58_prefix: u16) -> Result<Value, Error> {
		let call_ty = self.metadata.outer_enums.call_enum_ty.id;
		let mut decoder = Decoder { metadata: self, call_ty, ss58_prefix, values: 0 };
		let mut input = call;
		let value = decoder.value(call_ty, &mut input, 0)?;
		if !input.is_empty() {
			return Err(Error::UndecodableCall(format!(
				"{} bytes left after the call",
				input.len()
			)));
		}
		Ok(value)
	}
}

struct Decoder<'a> {
	metadata: &'a CallDecoder,
	/// The `RuntimeCall` type: decoded as a call wherever it appears.
	call_ty: u32,
	ss58_prefix: u16,
	/// Values decoded so far, against [`MAX_VALUES`].
	values: usize,
}

fn undecodable(what: impl Into<String>) -> Error {
	Error::UndecodableCall(what.into())
}

fn read<T: Decode>(input: &mut &[u8], what: &str) -> Result<T, Error> {
	T::decode(input).map_err(|_| undecodable(format!("{what} does not decode")))
}

impl Decoder<'_> {
	fn value(&mut self, id: u32, input: &mut &[u8], depth: usize) -> Result<Value, Error> {
		if depth > MAX_DEPTH {
			return Err(undecodable(format!("nested deeper than {MAX_DEPTH} types")));
		}
		self.values += 1;
		if self.values > MAX_VALUES {
			return Err(undecodable(format!("more than {MAX_VALUES} values")));
		}
		if id == self.call_ty {
			return self.call(input, depth);
		}
		let ty = self.metadata.resolve(id)?;
		match &ty.type_def {
			TypeDef::Composite(_) if is_account(ty) => {
				let account: [u8; 32] = read(input, "an account")?;
				Ok(self.ss58(account).into())
			},
			TypeDef::Composite(composite) => self.fields(&composite.fields, input, depth),
			TypeDef::Variant(variants) => {
				let index: u8 = read(input, "an enum's index")?;
				let variant =
					variants.variants.iter().find(|v| v.index == index).ok_or_else(|| {
						undecodable(format!("{} has no variant {index}", type_name(ty)))
					})?;
				if variant.fields.is_empty() {
					return Ok(variant.name.clone().into());
				}
				let fields = self.fields(&variant.fields, input, depth)?;
				Ok(Value::Object(Map::from_iter([(variant.name.clone(), fields)])))
			},
			TypeDef::Sequence(sequence) => {
				let len = read::<Compact<u32>>(input, "a length")?.0 as usize;
				self.elements(sequence.type_param.id, len, input, depth)
			},
			TypeDef::Array(array) => {
				self.elements(array.type_param.id, array.len as usize, input, depth)
			},
			TypeDef::Tuple(tuple) if tuple.fields.is_empty() => Ok(Value::Null),
			TypeDef::Tuple(tuple) => tuple
				.fields
				.iter()
				.map(|field| self.value(field.id, input, depth + 1))
				.collect::<Result<Vec<_>, _>>()
				.map(Value::Array),
			TypeDef::Primitive(primitive) => primitive_value(primitive, input),
			TypeDef::Compact(compact) => {
				let number = read::<Compact<u128>>(input, "a compact number")?.0;
				Ok(match self.innermost_primitive(compact.type_param.id, depth)? {
					TypeDefPrimitive::U128 | TypeDefPrimitive::U256 => number.to_string().into(),
					_ => number_value(number),
				})
			},
			TypeDef::BitSequence(_) => Err(undecodable("bit sequences are not decoded")),
		}
	}

	/// A call: its pallet's variant, then the call's variant inside it.
	fn call(&mut self, input: &mut &[u8], depth: usize) -> Result<Value, Error> {
		let pallet_index: u8 = read(input, "a pallet index")?;
		let pallet = self
			.metadata
			.metadata
			.pallets
			.iter()
			.find(|p| p.index == pallet_index)
			.ok_or_else(|| undecodable(format!("no pallet has index {pallet_index}")))?;
		let calls = pallet
			.calls
			.as_ref()
			.ok_or_else(|| undecodable(format!("pallet {} has no calls", pallet.name)))?;
		let TypeDef::Variant(variants) = &self.metadata.resolve(calls.ty.id)?.type_def else {
			return Err(undecodable(format!("{}'s calls are not an enum", pallet.name)));
		};
		let call_index: u8 = read(input, "a call index")?;
		let call = variants.variants.iter().find(|v| v.index == call_index).ok_or_else(|| {
			undecodable(format!("pallet {} has no call {call_index}", pallet.name))
		})?;
		let args = call
			.fields
			.iter()
			.map(|field| {
				Ok(json!({
					"name": camel_case(field.name.as_deref().unwrap_or("_")),
					"type": field.type_name.clone().unwrap_or_default(),
					"value": self.value(field.ty.id, input, depth + 1)?,
				}))
			})
			.collect::<Result<Vec<_>, Error>>()?;
		Ok(json!({
			"section": lower_first(&pallet.name),
			"method": camel_case(&call.name),
			"args": args,
		}))
	}

	/// A struct's or a variant's fields: an object when they are named, the value itself
	/// when there is one unnamed field (a newtype), else an array.
	fn fields(
		&mut self,
		fields: &[Field<PortableForm>],
		input: &mut &[u8],
		depth: usize,
	) -> Result<Value, Error> {
		match fields {
			[] => Ok(Value::Null),
			[field] if field.name.is_none() => self.value(field.ty.id, input, depth + 1),
			_ if fields.iter().all(|f| f.name.is_some()) => {
				let mut object = Map::new();
				for field in fields {
					let name = camel_case(field.name.as_deref().unwrap_or_default());
					object.insert(name, self.value(field.ty.id, input, depth + 1)?);
				}
				Ok(Value::Object(object))
			},
			_ => fields
				.iter()
				.map(|field| self.value(field.ty.id, input, depth + 1))
				.collect::<Result<Vec<_>, _>>()
				.map(Value::Array),
		}
	}

	/// `len` elements of type `element`: bytes as 0x-hex, anything else as an array.
	fn elements(
		&mut self,
		element: u32,
		len: usize,
		input: &mut &[u8],
		depth: usize,
	) -> Result<Value, Error> {
		let element_ty = self.metadata.resolve(element)?;
		if matches!(element_ty.type_def, TypeDef::Primitive(TypeDefPrimitive::U8)) {
			if len > input.len() {
				return Err(undecodable(format!("{len} bytes announced, {} left", input.len())));
			}
			let (bytes, rest) = input.split_at(len);
			*input = rest;
			return Ok(sp_core::bytes::to_hex(bytes, false).into());
		}
		// Zero-sized elements consume no input: MAX_VALUES bounds them instead.
		let mut elements = Vec::with_capacity(len.min(input.len()));
		for _ in 0..len {
			elements.push(self.value(element, input, depth + 1)?);
		}
		Ok(Value::Array(elements))
	}

	/// The primitive a compact number's type wraps (`Compact<Perbill>` is a `u32`).
	fn innermost_primitive(&self, mut id: u32, depth: usize) -> Result<TypeDefPrimitive, Error> {
		for _ in depth..=MAX_DEPTH {
			match &self.metadata.resolve(id)?.type_def {
				TypeDef::Primitive(primitive) => return Ok(primitive.clone()),
				TypeDef::Composite(composite) if composite.fields.len() == 1 => {
					id = composite.fields[0].ty.id
				},
				_ => break,
			}
		}
		Err(undecodable("a compact number of a type that is not a number"))
	}

	fn ss58(&self, account: [u8; 32]) -> String {
		AccountId32::new(account)
			.to_ss58check_with_version(Ss58AddressFormat::custom(self.ss58_prefix))
	}
}

/// `AccountId32`, whatever crate names it.
fn is_account(ty: &Type<PortableForm>) -> bool {
	ty.path.segments.last().is_some_and(|name| name == "AccountId32")
}

fn type_name(ty: &Type<PortableForm>) -> String {
	ty.path.segments.join("::")
}

fn primitive_value(primitive: &TypeDefPrimitive, input: &mut &[u8]) -> Result<Value, Error> {
	Ok(match primitive {
		TypeDefPrimitive::Bool => read::<bool>(input, "a bool")?.into(),
		TypeDefPrimitive::Char => char::from_u32(read::<u32>(input, "a char")?)
			.ok_or_else(|| undecodable("a char that is not a Unicode scalar"))?
			.to_string()
			.into(),
		TypeDefPrimitive::Str => read::<String>(input, "a string")?.into(),
		TypeDefPrimitive::U8 => read::<u8>(input, "a u8")?.into(),
		TypeDefPrimitive::U16 => read::<u16>(input, "a u16")?.into(),
		TypeDefPrimitive::U32 => read::<u32>(input, "a u32")?.into(),
		TypeDefPrimitive::U64 => number_value(read::<u64>(input, "a u64")?.into()),
		TypeDefPrimitive::U128 => read::<u128>(input, "a u128")?.to_string().into(),
		TypeDefPrimitive::I8 => read::<i8>(input, "an i8")?.into(),
		TypeDefPrimitive::I16 => read::<i16>(input, "an i16")?.into(),
		TypeDefPrimitive::I32 => read::<i32>(input, "an i32")?.into(),
		TypeDefPrimitive::I64 => {
			let number = read::<i64>(input, "an i64")?;
			match number.unsigned_abs() <= MAX_SAFE_INTEGER {
				true => number.into(),
				false => number.to_string().into(),
			}
		},
		TypeDefPrimitive::I128 => read::<i128>(input, "an i128")?.to_string().into(),
		TypeDefPrimitive::U256 | TypeDefPrimitive::I256 => {
			let mut bytes = [0u8; 32];
			input
				.read(&mut bytes)
				.map_err(|_| undecodable("a 256-bit number does not decode"))?;
			sp_core::bytes::to_hex(&bytes, false).into()
		},
	})
}

/// The largest integer every JSON reader holds exactly (JavaScript's
/// `Number.MAX_SAFE_INTEGER`, 2^53 - 1).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A JSON number up to 2^53 - 1, beyond as a decimal string: a number JavaScript would
/// round is never shown to a voter rounded.
fn number_value(number: u128) -> Value {
	match u64::try_from(number) {
		Ok(small) if small <= MAX_SAFE_INTEGER => small.into(),
		_ => number.to_string().into(),
	}
}

/// `set_parameters` → `setParameters`.
fn camel_case(snake: &str) -> String {
	let mut out = String::with_capacity(snake.len());
	let mut upper = false;
	for c in snake.chars() {
		match c {
			'_' if !out.is_empty() => upper = true,
			_ if upper => {
				out.extend(c.to_uppercase());
				upper = false;
			},
			_ => out.push(c),
		}
	}
	out
}

/// `TransactionPayment` → `transactionPayment`.
fn lower_first(name: &str) -> String {
	let mut chars = name.chars();
	chars
		.next()
		.map_or_else(String::new, |first| first.to_lowercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn names_are_camel_cased_as_polkadot_js_shows_them() {
		assert_eq!(camel_case("set_parameters"), "setParameters");
		assert_eq!(camel_case("code_hash"), "codeHash");
		assert_eq!(camel_case("spend"), "spend");
		assert_eq!(lower_first("TransactionPayment"), "transactionPayment");
		assert_eq!(lower_first(""), "");
	}

	#[test]
	fn numbers_javascript_would_round_are_strings() {
		assert_eq!(number_value(7), json!(7));
		assert_eq!(number_value(u128::from(MAX_SAFE_INTEGER)), json!(9_007_199_254_740_991u64));
		assert_eq!(number_value(u128::from(MAX_SAFE_INTEGER) + 1), json!("9007199254740992"));
		assert_eq!(number_value(u128::from(u64::MAX) + 1), json!("18446744073709551616"));
	}
}
