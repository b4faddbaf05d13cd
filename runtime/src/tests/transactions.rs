//! `agora-tx` against the runtime it signs for: the extrinsics it builds from this
//! runtime's metadata are byte for byte what the runtime's own types encode, they are
//! applied, and forged or stale ones are refused; metadata it cannot use is refused with
//! the reason.

use super::{alice, genesis};
use crate::{
	Address, Balances, Executive, Runtime, RuntimeCall, RuntimeEvent, Signature, System,
	TxExtension, UncheckedExtrinsic, AGR, VERSION,
};
use agora_tx::{ChainMetadata, Error, Extension, SigningContext};
use codec::{Compact, Decode, Encode};
use frame_metadata::{v15::RuntimeMetadataV15, RuntimeMetadata, RuntimeMetadataPrefixed};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	generic::{Era, Preamble},
	transaction_validity::{InvalidTransaction, TransactionValidityError},
	MultiAddress,
};

fn metadata_v15() -> RuntimeMetadataV15 {
	let bytes = Runtime::metadata_at_version(15).expect("the runtime serves V15");
	match RuntimeMetadataPrefixed::decode(&mut &bytes[..]).expect("it decodes").1 {
		RuntimeMetadata::V15(metadata) => metadata,
		_ => unreachable!("asked for V15"),
	}
}

fn chain_metadata() -> ChainMetadata {
	let bytes = Runtime::metadata_at_version(15).expect("the runtime serves V15");
	ChainMetadata::decode(&bytes).expect("agora-tx reads the runtime's metadata")
}

/// Signing at genesis, as a client connected to a fresh chain would.
fn context(nonce: u32) -> SigningContext {
	let genesis_hash = System::block_hash(0);
	SigningContext {
		genesis_hash,
		best_hash: genesis_hash,
		best_number: 0,
		spec_version: VERSION.spec_version,
		transaction_version: VERSION.transaction_version,
		nonce,
	}
}

fn transfer(value: u128) -> RuntimeCall {
	let dest = Sr25519Keyring::Bob.to_account_id().into();
	pallet_balances::Call::transfer_keep_alive { dest, value }.into()
}

fn transfer_from_metadata(metadata: &ChainMetadata, value: u128) -> Vec<u8> {
	let dest: Address = MultiAddress::Id(Sr25519Keyring::Bob.to_account_id());
	metadata
		.call("Balances", "transfer_keep_alive", &["dest", "value"], &(dest, Compact(value)))
		.expect("Balances.transfer_keep_alive is in the metadata")
}

#[test]
fn agora_tx_builds_what_the_runtime_types_encode_and_it_is_applied() {
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let metadata = chain_metadata();
		let call = transfer_from_metadata(&metadata, 5 * AGR);
		assert_eq!(call, transfer(5 * AGR).encode());
		assert_eq!(metadata.constant::<u32>("Metering", "MaxClaimsPerBatch"), Ok(100));

		let alice_pair = Sr25519Keyring::Alice.pair();
		let bytes = agora_tx::sign(&metadata, &call, &alice_pair, &context(0));
		let xt = UncheckedExtrinsic::decode(&mut &bytes[..]).expect("an extrinsic of the runtime");
		let Preamble::Signed(address, Signature::Sr25519(signature), extension) = &xt.preamble
		else {
			panic!("a signed sr25519 extrinsic: {:?}", xt.preamble)
		};
		assert_eq!(address, &Address::Id(alice()));
		// The reference: the runtime's own extension values, as a Rust client would build
		// them: the longest era within BlockHashCount (2,400 → 2,048), no tip, metadata
		// hash check off.
		let expected: TxExtension = (
			frame_system::CheckNonZeroSender::new(),
			frame_system::CheckSpecVersion::new(),
			frame_system::CheckTxVersion::new(),
			frame_system::CheckGenesis::new(),
			frame_system::CheckEra::from(Era::mortal(2048, 0)),
			frame_system::CheckNonce::from(0),
			frame_system::CheckWeight::new(),
			pallet_transaction_payment::ChargeTransactionPayment::from(0),
			frame_metadata_hash_extension::CheckMetadataHash::new(false),
			frame_system::WeightReclaim::new(),
		);
		assert_eq!(extension.encode(), expected.encode());
		let reference = UncheckedExtrinsic::new_signed(
			transfer(5 * AGR),
			Address::Id(alice()),
			Signature::Sr25519(*signature),
			expected,
		);
		assert_eq!(bytes, reference.encode());

		let bob = Sr25519Keyring::Bob.to_account_id();
		let (alice_before, bob_before) =
			(Balances::free_balance(alice()), Balances::free_balance(&bob));
		assert_eq!(Executive::apply_extrinsic(xt), Ok(Ok(())));
		let fee = System::events()
			.into_iter()
			.find_map(|record| match record.event {
				RuntimeEvent::TransactionPayment(
					pallet_transaction_payment::Event::TransactionFeePaid {
						who, actual_fee, ..
					},
				) if who == alice() => Some(actual_fee),
				_ => None,
			})
			.expect("Alice paid a fee");
		assert!(fee > 0);
		assert_eq!(Balances::free_balance(&bob), bob_before + 5 * AGR);
		assert_eq!(Balances::free_balance(alice()), alice_before - 5 * AGR - fee);
		assert_eq!(System::account_nonce(alice()), 1);
	});
}

#[test]
fn forged_and_replayed_transactions_are_refused() {
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let metadata = chain_metadata();
		let call = transfer_from_metadata(&metadata, AGR);
		let apply = |bytes: Vec<u8>| {
			Executive::apply_extrinsic(UncheckedExtrinsic::decode(&mut &bytes[..]).unwrap())
		};
		let alice_pair = Sr25519Keyring::Alice.pair();
		let bad_proof = Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof));

		// Signed for another chain, or for another runtime version: the signature does not
		// cover what this chain checks.
		let other_chain = SigningContext { genesis_hash: [7; 32].into(), ..context(0) };
		assert_eq!(apply(agora_tx::sign(&metadata, &call, &alice_pair, &other_chain)), bad_proof);
		let old_runtime = SigningContext { spec_version: VERSION.spec_version - 1, ..context(0) };
		assert_eq!(apply(agora_tx::sign(&metadata, &call, &alice_pair, &old_runtime)), bad_proof);
		// A signature moved onto another call.
		let mut tampered = agora_tx::sign(&metadata, &call, &alice_pair, &context(0));
		let last = tampered.len() - 1;
		tampered[last] ^= 1;
		assert_eq!(apply(tampered), bad_proof);

		// Applied once; the same bytes again are stale.
		let once = agora_tx::sign(&metadata, &call, &alice_pair, &context(0));
		assert_eq!(apply(once.clone()), Ok(Ok(())));
		assert_eq!(apply(once), Err(TransactionValidityError::Invalid(InvalidTransaction::Stale)));
		assert_eq!(System::account_nonce(alice()), 1);
	});
}

#[test]
fn calls_and_constants_come_from_the_metadata_and_mismatches_are_named() {
	let metadata = chain_metadata();
	let no_args = &();
	assert_eq!(metadata.pallet_index("Metering"), Ok(11));
	assert_eq!(metadata.pallet_index("Escrow"), Err(Error::NoSuchPallet("Escrow".into())));
	assert_eq!(
		metadata.call("Metering", "claim_all", &["items"], no_args),
		Err(Error::NoSuchCall { pallet: "Metering".into(), call: "claim_all".into() })
	);
	assert_eq!(
		metadata.call("Metering", "claim_batch", &["items", "close"], no_args),
		Err(Error::CallArgumentsChanged {
			pallet: "Metering".into(),
			call: "claim_batch".into(),
			found: "items".into(),
			expected: "items, close".into(),
		})
	);
	assert_eq!(
		metadata.constant::<u32>("Metering", "MaxChannels"),
		Err(Error::NoSuchConstant { pallet: "Metering".into(), name: "MaxChannels".into() })
	);
	// A u32 constant read as a u64 is refused rather than read past its bytes.
	assert_eq!(
		metadata.constant::<u64>("Metering", "MaxClaimsPerBatch"),
		Err(Error::ConstantType {
			pallet: "Metering".into(),
			name: "MaxClaimsPerBatch".into(),
			expected: "u64",
		})
	);

	// A runtime that moved Metering: the call follows it.
	let mut moved = metadata_v15();
	moved.pallets.iter_mut().find(|p| p.name == "Metering").unwrap().index = 16;
	let moved = ChainMetadata::new(moved).unwrap();
	let call = moved.call("Metering", "claim_batch", &["items"], &Vec::<u8>::new()).unwrap();
	let original = metadata.call("Metering", "claim_batch", &["items"], &Vec::<u8>::new()).unwrap();
	assert_eq!(call[0], 16);
	assert_eq!(call[1..], original[1..]);
}

#[test]
fn metadata_agora_tx_cannot_sign_for_is_refused_with_the_reason() {
	let ours = metadata_v15();
	assert_eq!(
		ChainMetadata::new(ours.clone()).unwrap().extensions(),
		[
			Extension::Empty,
			Extension::SpecVersion,
			Extension::TransactionVersion,
			Extension::Genesis,
			Extension::Mortality,
			Extension::Nonce,
			Extension::Empty,
			Extension::Tip,
			Extension::MetadataHashDisabled,
			Extension::Empty,
		]
	);

	// An extension agora-tx does not know: refused if it carries data, filled with
	// nothing if both its parts are empty.
	let nonce = ours.extrinsic.signed_extensions.iter().find(|e| e.identifier == "CheckNonce");
	let weight = ours.extrinsic.signed_extensions.iter().find(|e| e.identifier == "CheckWeight");
	let mut with_data = ours.clone();
	let mut unknown = nonce.unwrap().clone();
	unknown.identifier = "ChargeAssetTxPayment".into();
	with_data.extrinsic.signed_extensions.push(unknown);
	assert_eq!(
		ChainMetadata::new(with_data).unwrap_err(),
		Error::UnsupportedExtension("ChargeAssetTxPayment".into())
	);
	let mut empty = ours.clone();
	let mut unknown = weight.unwrap().clone();
	unknown.identifier = "CheckSomethingElse".into();
	empty.extrinsic.signed_extensions.push(unknown);
	let extensions = ChainMetadata::new(empty).unwrap().extensions().to_vec();
	assert_eq!((extensions.len(), extensions.last()), (11, Some(&Extension::Empty)));

	let mut v5 = ours.clone();
	v5.extrinsic.version = 5;
	assert_eq!(ChainMetadata::new(v5).unwrap_err(), Error::UnsupportedExtrinsicVersion(5));

	// A signature type that is not sr25519 (here: the address type, `MultiAddress`).
	let mut other_signature = ours.clone();
	other_signature.extrinsic.signature_ty = other_signature.extrinsic.address_ty;
	assert_eq!(
		ChainMetadata::new(other_signature).unwrap_err(),
		Error::UnsupportedType { what: "signature" }
	);

	let v14 = Runtime::metadata_at_version(14).expect("the runtime serves V14");
	assert_eq!(
		ChainMetadata::decode(&v14).unwrap_err(),
		Error::UnsupportedMetadataVersion("V14".into())
	);
	assert!(matches!(ChainMetadata::decode(b"meta"), Err(Error::Undecodable(_))));
}

#[test]
fn a_transaction_lives_from_the_best_block_it_names_and_long_payloads_are_signed_hashed() {
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let metadata = chain_metadata();
		let alice_pair = Sr25519Keyring::Alice.pair();
		// The chain is at block 41; the signer saw block 40, whose hash differs from
		// genesis: the era is born there, and its hash is what the signature covers.
		let seen = sp_core::H256::repeat_byte(40);
		frame_system::BlockHash::<Runtime>::insert(40, seen);
		System::set_block_number(41);
		let at_40 = SigningContext { best_hash: seen, best_number: 40, ..context(0) };
		// A remark of 300 bytes: the signed payload is over 256 bytes, so its hash is
		// signed, as the runtime checks it.
		let remark = metadata.call("System", "remark", &["remark"], &vec![7u8; 300]).unwrap();
		assert_eq!(
			remark,
			RuntimeCall::from(frame_system::Call::<Runtime>::remark { remark: vec![7; 300] })
				.encode()
		);
		let apply = |bytes: Vec<u8>| {
			Executive::apply_extrinsic(UncheckedExtrinsic::decode(&mut &bytes[..]).unwrap())
		};
		// Naming another block as the one seen at 40 breaks the signature.
		let wrong_birth = SigningContext { best_hash: context(0).genesis_hash, ..at_40 };
		assert_eq!(
			apply(agora_tx::sign(&metadata, &remark, &alice_pair, &wrong_birth)),
			Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof))
		);
		assert_eq!(apply(agora_tx::sign(&metadata, &remark, &alice_pair, &at_40)), Ok(Ok(())));
		assert_eq!(System::account_nonce(alice()), 1);
	});
}

/// What governance voters are shown: a proposal's call read back from the metadata,
/// with the pallet, the call and every argument named, nested calls included.
#[test]
fn agora_tx_decodes_proposals_calls_with_named_arguments() {
	use serde_json::json;
	let bytes = Runtime::metadata_at_version(15).expect("the runtime serves V15");
	let metadata = agora_tx::CallDecoder::decode(&bytes).expect("agora-tx reads the metadata");
	let prefix = agora_primitives::token::SS58_PREFIX;
	let bob = Sr25519Keyring::Bob.to_account_id();
	let bob_ss58 = {
		use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};
		bob.to_ss58check_with_version(Ss58AddressFormat::custom(prefix))
	};
	let code_hash = sp_core::H256::repeat_byte(0xab);
	let batch: RuntimeCall = pallet_utility::Call::batch_all {
		calls: vec![
			pallet_metering::Call::set_parameters {
				changes: vec![pallet_metering::ParameterChange::ProtocolFee(
					sp_runtime::Perbill::from_percent(5),
				)]
				.try_into()
				.unwrap(),
			}
			.into(),
			pallet_governance::Call::spend { amount: 250 * AGR, beneficiary: bob.clone() }.into(),
			frame_system::Call::authorize_upgrade { code_hash }.into(),
			transfer(7 * AGR),
		],
	}
	.into();
	let decoded = metadata.decode_call(&batch.encode(), prefix).unwrap();
	let arg = |name: &str, ty: &str, value| json!({ "name": name, "type": ty, "value": value });
	assert_eq!(
		decoded,
		json!({ "section": "utility", "method": "batchAll", "args": [arg("calls", "Vec<<T as Config>::RuntimeCall>", json!([
			{ "section": "metering", "method": "setParameters", "args": [
				arg("changes", "BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>>",
					json!([{ "ProtocolFee": 50_000_000 }]))
			] },
			{ "section": "governance", "method": "spend", "args": [
				arg("amount", "BalanceOf<T>", json!((250 * AGR).to_string())),
				arg("beneficiary", "T::AccountId", json!(bob_ss58)),
			] },
			{ "section": "system", "method": "authorizeUpgrade", "args": [
				arg("codeHash", "T::Hash", json!(format!("0x{}", "ab".repeat(32)))),
			] },
			{ "section": "balances", "method": "transferKeepAlive", "args": [
				arg("dest", "AccountIdLookupOf<T>", json!({ "Id": bob_ss58 })),
				arg("value", "T::Balance", json!((7 * AGR).to_string())),
			] },
		]))] })
	);

	// Bytes that are not a call of this runtime are refused with the reason, never
	// guessed at.
	let encoded = transfer(1).encode();
	let refused = |bytes: &[u8]| metadata.decode_call(bytes, prefix).unwrap_err().to_string();
	assert_eq!(
		refused(&[encoded.clone(), vec![0]].concat()),
		"the call does not decode: 1 bytes left after the call"
	);
	assert_eq!(
		refused(&encoded[..encoded.len() - 1]),
		"the call does not decode: a compact number does not decode"
	);
	assert_eq!(refused(&[250, 0]), "the call does not decode: no pallet has index 250");
	assert_eq!(refused(&[]), "the call does not decode: a pallet index does not decode");
	let balances = chain_metadata().pallet_index("Balances").unwrap();
	assert_eq!(
		refused(&[balances, 200]),
		"the call does not decode: pallet Balances has no call 200"
	);
	// A batch announcing more calls than its bytes could hold fails on the bytes, without
	// allocating for the announced length.
	let utility = chain_metadata().pallet_index("Utility").unwrap();
	let mut huge = vec![utility, 2];
	Compact(u32::MAX).encode_to(&mut huge);
	assert_eq!(refused(&huge), "the call does not decode: a pallet index does not decode");
}
