//! The RPC layer against an in-memory chain: every method's JSON and every error code.

use super::*;
use agora_primitives::{
	AccountId, Balance, ChannelId, ChannelInfo, PendingRewards, PendingSubmission, Price,
	PriceUnit, ProposalId, ProposalInfo, ProposalStatus, ProviderInfo, Quote, ReceiptError,
	ReceiptSigner, ServiceId, ServiceInfo, ServiceStatus, Split, Tally,
};
use jsonrpsee::{MethodsError, RpcModule};
use serde_json::{json, Value};
use sp_core::{crypto::Ss58Codec, H256};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{MultiSignature, Perbill};

use crate::reader::{Channel, Proposal, Provider, Service};

const BEST: H256 = H256::repeat_byte(0xbb);
const OLD: H256 = H256::repeat_byte(0x01);
/// A known block whose runtime cannot answer.
const BROKEN: H256 = H256::repeat_byte(0xee);
const GENESIS: H256 = H256::repeat_byte(0x99);
const GOOD_SIGNATURE: [u8; 64] = [7; 64];

fn alice() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}
fn bob() -> AccountId {
	Sr25519Keyring::Bob.to_account_id()
}

fn service(id: ServiceId, status: ServiceStatus, tags: &[&str]) -> Service {
	ServiceInfo {
		id,
		provider: alice(),
		name: format!("svc{id}").into_bytes(),
		tags: tags.iter().map(|t| t.as_bytes().to_vec()).collect(),
		metadata_uri: b"ipfs://x".to_vec(),
		metadata_hash: H256::repeat_byte(0xab),
		price: Price { unit: PriceUnit::Token1k, per_unit: 10_000_000_000 },
		status,
		contributor_share: Perbill::from_percent(10),
		dataset: Some(3),
		rating_sum: 9,
		rating_count: 2,
		deposit: 1_000_000_000_000,
		created_at: 5,
		updated_at: 6,
	}
}

fn channel(id: ChannelId, consumer: AccountId) -> Channel {
	ChannelInfo {
		id,
		consumer,
		payee: alice(),
		service_id: 0,
		signer: ReceiptSigner::Sr25519(sp_core::sr25519::Public::from_raw([2; 32])),
		price_per_unit: 10,
		contributor_share: Perbill::from_percent(10),
		dataset: None,
		deposit: 5_000,
		claimed: 1_000,
		expires_at: 900,
		opened_at: 10,
	}
}

fn proposal(id: ProposalId) -> Proposal {
	let status = if id % 3 == 0 {
		ProposalStatus::Voting { ends_at: 50 }
	} else {
		ProposalStatus::Rejected { ended_at: 40 }
	};
	ProposalInfo {
		id,
		proposer: bob(),
		// Proposal 1's call names no pallet; proposal 2 was enacted (its call removed).
		call: match id {
			1 => vec![9, 0],
			2 => vec![],
			_ => vec![0, 7],
		},
		deposit: 100,
		tally: Tally { ayes: 3, nays: 2, turnout: 4 },
		status,
		proposed_at: 30,
	}
}

/// A chain with three services (0 Active "llm", 1 Paused, 2 Active "llm"), Alice as
/// provider, channels 0 (Bob's) and 1 (Alice's), and 250 proposals.
struct FakeChain;

impl FakeChain {
	fn read(at: Hash) -> ReadResult<()> {
		if at == BROKEN {
			return Err(ReadError::Runtime("the runtime lacks the API".into()));
		}
		Ok(())
	}
	fn services() -> Vec<Service> {
		vec![
			service(0, ServiceStatus::Active, &["llm"]),
			service(1, ServiceStatus::Paused, &[]),
			service(2, ServiceStatus::Active, &["llm", "vision"]),
		]
	}
}

impl ChainReader for FakeChain {
	fn best_hash(&self) -> Hash {
		BEST
	}
	fn check_block(&self, hash: Hash) -> ReadResult<()> {
		if [BEST, OLD, BROKEN].contains(&hash) {
			Ok(())
		} else {
			Err(ReadError::UnknownBlock(hash))
		}
	}
	fn genesis_hash(&self) -> Hash {
		GENESIS
	}
	fn version(&self, at: Hash) -> ReadResult<(String, u32, u32)> {
		Self::read(at)?;
		Ok(("agora".into(), if at == OLD { 100 } else { 101 }, 1))
	}
	fn service(&self, at: Hash, id: ServiceId) -> ReadResult<Option<Service>> {
		Self::read(at)?;
		Ok(Self::services().into_iter().find(|s| s.id == id))
	}
	fn services(
		&self,
		at: Hash,
		filter: ServiceFilter<AccountId>,
		start_after: Option<ServiceId>,
		limit: u32,
	) -> ReadResult<Vec<Service>> {
		Self::read(at)?;
		Ok(Self::services()
			.into_iter()
			.filter(|s| start_after.is_none_or(|after| s.id > after))
			.filter(|s| filter.status.is_none_or(|status| s.status == status))
			.filter(|s| filter.tag.as_ref().is_none_or(|tag| s.tags.contains(tag)))
			.filter(|s| filter.provider.as_ref().is_none_or(|p| &s.provider == p))
			.take(limit as usize)
			.collect())
	}
	fn provider(&self, at: Hash, who: AccountId) -> ReadResult<Option<Provider>> {
		Self::read(at)?;
		Ok((who == alice()).then(|| ProviderInfo {
			name: b"alice-ai".to_vec(),
			bond: 100,
			unbonding: vec![(5, 77)],
			live_services: 2,
			services: vec![0, 1, 2],
		}))
	}
	fn quote(
		&self,
		at: Hash,
		service: ServiceId,
		units: u64,
	) -> ReadResult<Option<Quote<Balance>>> {
		Self::read(at)?;
		let total = (units as Balance).checked_mul(10_000_000_000_000_000_000_000_000);
		Ok(total.filter(|_| service < 3).map(|total| Quote {
			total,
			split: Split {
				protocol_fee: total / 50,
				contributor_share: total / 10,
				provider_net: total - total / 50 - total / 10,
			},
		}))
	}
	fn channel(&self, at: Hash, id: ChannelId) -> ReadResult<Option<Channel>> {
		Self::read(at)?;
		Ok([channel(0, bob()), channel(1, alice())].into_iter().find(|c| c.id == id))
	}
	fn channels(
		&self,
		at: Hash,
		consumer: Option<AccountId>,
		payee: Option<AccountId>,
		start_after: Option<ChannelId>,
		limit: u32,
	) -> ReadResult<Vec<Channel>> {
		Self::read(at)?;
		Ok([channel(0, bob()), channel(1, alice())]
			.into_iter()
			.filter(|c| start_after.is_none_or(|after| c.id > after))
			.filter(|c| consumer.as_ref().is_none_or(|who| &c.consumer == who))
			.filter(|c| payee.as_ref().is_none_or(|who| &c.payee == who))
			.take(limit as usize)
			.collect())
	}
	fn check_receipt(
		&self,
		at: Hash,
		receipt: Receipt,
		signature: MultiSignature,
	) -> ReadResult<Result<Balance, ReceiptError>> {
		Self::read(at)?;
		assert_eq!(receipt.genesis_hash, GENESIS, "the RPC binds receipts to this chain");
		Ok(match signature {
			MultiSignature::Sr25519(s) if s.0 == GOOD_SIGNATURE => {
				Ok(Balance::from(receipt.cumulative_units) * 10)
			},
			_ => Err(ReceiptError::BadSignature),
		})
	}
	fn pending_rewards(&self, at: Hash, who: AccountId) -> ReadResult<PendingRewards<Balance>> {
		Self::read(at)?;
		Ok(if who == bob() {
			PendingRewards {
				datasets: vec![(3, 12_345)],
				submissions: vec![PendingSubmission {
					campaign: 1,
					submission: 4,
					reward: 70,
					approvals: 1,
					rejections: 0,
				}],
			}
		} else {
			PendingRewards::default()
		})
	}
	fn proposals(
		&self,
		at: Hash,
		start_after: Option<ProposalId>,
		limit: u32,
	) -> ReadResult<Vec<Proposal>> {
		Self::read(at)?;
		let first = start_after.map_or(0, |id| id + 1);
		Ok((first..250).take(limit as usize).map(proposal).collect())
	}
	fn decode_calls(&self, _at: Hash, calls: &[&[u8]]) -> Vec<Result<Value, String>> {
		calls
			.iter()
			.map(|call| match call {
				[0, 7] => Ok(remark_json()),
				_ => Err(format!("the call does not decode: no pallet has index {}", call[0])),
			})
			.collect()
	}
}

/// What the fake chain decodes `0x0007` into.
fn remark_json() -> Value {
	json!({ "section": "system", "method": "remark", "args": [
		{ "name": "remark", "type": "Vec<u8>", "value": "0x" }
	] })
}

fn module() -> RpcModule<Agora<FakeChain>> {
	Agora::new(FakeChain).into_rpc()
}

async fn call(method: &str, params: Value) -> Result<Value, (i32, String)> {
	let params = params.as_array().cloned().unwrap_or_default();
	module().call::<_, Value>(method, params).await.map_err(|e| match e {
		MethodsError::JsonRpc(e) => (e.code(), e.message().to_string()),
		other => panic!("unexpected error {other:?}"),
	})
}

async fn code(method: &str, params: Value) -> i32 {
	call(method, params).await.expect_err("an error").0
}

fn hash(h: H256) -> String {
	json::hex(h.as_bytes())
}

#[tokio::test]
async fn rpc_methods_lists_every_agora_method() {
	let mut names: Vec<_> = module().method_names().filter(|m| m.starts_with("agora_")).collect();
	names.sort();
	assert_eq!(
		names,
		[
			"agora_getChannel",
			"agora_getProvider",
			"agora_getService",
			"agora_listChannels",
			"agora_listProposals",
			"agora_listServices",
			"agora_pendingRewards",
			"agora_quote",
			"agora_verifyReceipt",
			"agora_version",
		]
	);
}

#[tokio::test]
async fn version_at_best_or_named_block_and_block_errors() {
	assert_eq!(
		call("agora_version", json!([])).await.unwrap(),
		json!({ "specName": "agora", "specVersion": 101, "marketplaceApiVersion": 1 })
	);
	assert_eq!(call("agora_version", json!([hash(OLD)])).await.unwrap()["specVersion"], 100);
	let unknown = call("agora_version", json!([hash(H256::repeat_byte(5))])).await.unwrap_err();
	assert_eq!(unknown.0, ErrorCode::UnknownBlock as i32);
	assert!(unknown.1.contains("unknown block"));
	assert_eq!(code("agora_version", json!([hash(BROKEN)])).await, ErrorCode::RuntimeError as i32);
	// Not a hash at all: jsonrpsee's invalid-params code.
	assert_eq!(code("agora_version", json!(["0xzz"])).await, -32602);
}

#[tokio::test]
async fn get_service_gives_the_documented_json() {
	let alice = alice().to_ss58check_with_version(4242u16.into());
	assert_eq!(
		call("agora_getService", json!([0])).await.unwrap(),
		json!({
			"id": 0,
			"provider": alice,
			"name": "svc0",
			"tags": ["llm"],
			"metadataUri": "ipfs://x",
			"metadataHash": hash(H256::repeat_byte(0xab)),
			"price": { "unit": "Token1k", "perUnit": "10000000000" },
			"status": "Active",
			"contributorShare": 100_000_000,
			"dataset": 3,
			"ratingSum": 9,
			"ratingCount": 2,
			"deposit": "1000000000000",
			"createdAt": 5,
			"updatedAt": 6,
		})
	);
	let missing = call("agora_getService", json!([9])).await.unwrap_err();
	assert_eq!(missing, (ErrorCode::NotFound as i32, "no service 9".into()));
	assert_eq!(code("agora_getService", json!([0, hash(BROKEN)])).await, 4000);
	assert_eq!(code("agora_getService", json!([-1])).await, -32602);
}

#[tokio::test]
async fn list_services_filters_pages_and_refuses_bad_queries() {
	let ids = |v: Value| {
		v.as_array()
			.unwrap()
			.iter()
			.map(|s| s["id"].as_u64().unwrap())
			.collect::<Vec<_>>()
	};
	assert_eq!(ids(call("agora_listServices", json!([])).await.unwrap()), vec![0, 1, 2]);
	assert_eq!(
		ids(call("agora_listServices", json!([{ "status": "Active", "tag": "llm" }]))
			.await
			.unwrap()),
		vec![0, 2]
	);
	assert_eq!(
		ids(call("agora_listServices", json!([{ "startAfter": 0, "limit": 1 }]))
			.await
			.unwrap()),
		vec![1]
	);
	let by_alice = json!([{ "provider": alice().to_ss58check() }]);
	assert_eq!(ids(call("agora_listServices", by_alice).await.unwrap()), vec![0, 1, 2]);
	let by_bob_hex = json!([{ "provider": json::hex(bob().as_ref()) }]);
	assert!(ids(call("agora_listServices", by_bob_hex).await.unwrap()).is_empty());

	for bad in [
		json!([{ "status": "Gone" }]),
		json!([{ "limit": 0 }]),
		json!([{ "limit": 1_001 }]),
		json!([{ "provider": "not-an-address" }]),
		json!([{ "provider": "0x1234" }]),
	] {
		assert_eq!(code("agora_listServices", bad).await, ErrorCode::InvalidParams as i32);
	}
	let (_, message) = call("agora_listServices", json!([{ "limit": 5_000 }])).await.unwrap_err();
	assert_eq!(message, "limit 5000 exceeds the maximum 1000");
	assert_eq!(code("agora_listServices", json!([{ "colour": "red" }])).await, -32602);
}

#[tokio::test]
async fn get_provider_by_any_address_form() {
	let provider = call("agora_getProvider", json!([alice().to_ss58check()])).await.unwrap();
	assert_eq!(provider["account"], alice().to_ss58check_with_version(4242u16.into()));
	assert_eq!(provider["bond"], "100");
	assert_eq!(provider["unbonding"], json!([{ "amount": "5", "unlocksAt": 77 }]));
	assert_eq!(provider["services"], json!([0, 1, 2]));
	// Agora's own prefix, as the RPC answers it, is accepted back.
	let agora_address = json::ss58(&alice());
	assert_ne!(agora_address, alice().to_ss58check());
	assert_eq!(call("agora_getProvider", json!([agora_address])).await.unwrap(), provider);
	assert_eq!(code("agora_getProvider", json!([bob().to_ss58check()])).await, 4004);
	assert_eq!(code("agora_getProvider", json!(["5Grw"])).await, 4002);
	assert_eq!(code("agora_getProvider", json!(["0xgg"])).await, 4002);
}

#[tokio::test]
async fn quote_splits_or_explains() {
	assert_eq!(
		call("agora_quote", json!([0, 2])).await.unwrap(),
		json!({
			"total": "20000000000000000000000000",
			"protocolFee": "400000000000000000000000",
			"contributorShare": "2000000000000000000000000",
			"providerNet": "17600000000000000000000000",
		})
	);
	assert_eq!(code("agora_quote", json!([7, 2])).await, 4004);
	assert_eq!(code("agora_quote", json!([0, u64::MAX])).await, 4002);
}

#[tokio::test]
async fn channels_by_id_and_by_party() {
	let open = call("agora_getChannel", json!([0])).await.unwrap();
	assert_eq!(open["consumer"], bob().to_ss58check_with_version(4242u16.into()));
	assert_eq!(open["signer"], json!({ "scheme": "sr25519", "key": json::hex(&[2; 32]) }));
	assert_eq!((open["deposit"].clone(), open["claimed"].clone()), (json!("5000"), json!("1000")));
	assert_eq!(code("agora_getChannel", json!([5])).await, 4004);

	let of_bob = call("agora_listChannels", json!([{ "consumer": bob().to_ss58check() }]))
		.await
		.unwrap();
	assert_eq!(of_bob.as_array().unwrap().len(), 1);
	let paid_to_alice = call("agora_listChannels", json!([{ "payee": alice().to_ss58check() }]))
		.await
		.unwrap();
	assert_eq!(paid_to_alice.as_array().unwrap().len(), 2);
	assert_eq!(code("agora_listChannels", json!([{ "payee": "x" }])).await, 4002);
	assert_eq!(code("agora_listChannels", json!([{ "limit": 1_001 }])).await, 4002);
}

#[tokio::test]
async fn verify_receipt_accepts_good_and_rejects_forged_signatures() {
	let good = json!({ "sr25519": json::hex(&GOOD_SIGNATURE) });
	assert_eq!(
		call("agora_verifyReceipt", json!([0, 300, good])).await.unwrap(),
		json!({ "valid": true, "amount": "3000", "error": null })
	);
	let forged = json!({ "sr25519": json::hex(&[8; 64]) });
	assert_eq!(
		call("agora_verifyReceipt", json!([0, 300, forged])).await.unwrap(),
		json!({ "valid": false, "amount": null, "error": "BadSignature" })
	);
	for bad in [
		json!({ "sr25519": json::hex(&[8; 63]) }),
		json!({ "ecdsa": json::hex(&[8; 64]) }),
		json!({ "ed25519": "12" }),
		json!({ "ed25519": "0x1" }),
	] {
		assert_eq!(code("agora_verifyReceipt", json!([0, 1, bad])).await, 4002);
	}
	assert_eq!(code("agora_verifyReceipt", json!([0, 1, { "rsa": "0x00" }])).await, -32602);
}

#[tokio::test]
async fn pending_rewards_of_an_account() {
	assert_eq!(
		call("agora_pendingRewards", json!([bob().to_ss58check()])).await.unwrap(),
		json!({
			"datasets": [{ "datasetId": 3, "amount": "12345" }],
			"submissions": [{
				"campaignId": 1, "submissionId": 4, "reward": "70", "approvals": 1, "rejections": 0
			}],
		})
	);
	assert_eq!(
		call("agora_pendingRewards", json!([alice().to_ss58check()])).await.unwrap(),
		json!({ "datasets": [], "submissions": [] })
	);
	assert_eq!(code("agora_pendingRewards", json!(["nobody"])).await, 4002);
}

#[tokio::test]
async fn list_proposals_filters_by_status_across_pages() {
	let ids = |v: Value| {
		v.as_array()
			.unwrap()
			.iter()
			.map(|p| p["id"].as_u64().unwrap())
			.collect::<Vec<_>>()
	};
	let first = call("agora_listProposals", json!([])).await.unwrap();
	assert_eq!(ids(first.clone()), (0..100).collect::<Vec<_>>());
	assert_eq!(
		first[0]["status"],
		json!({
			"status": "Voting", "endsAt": 50, "endedAt": null, "enactAt": null,
			"enactedAt": null, "succeeded": null, "cancelledAt": null
		})
	);
	assert_eq!(first[0]["call"], "0x0007");
	// The call comes decoded as well; one that does not decode says why, beside its
	// bytes; an enacted proposal has no call left to decode.
	assert_eq!(first[0]["decodedCall"], remark_json());
	assert_eq!(first[0]["decodeError"], Value::Null);
	assert_eq!(first[1]["call"], "0x0900");
	assert_eq!(first[1]["decodedCall"], Value::Null);
	assert_eq!(first[1]["decodeError"], "the call does not decode: no pallet has index 9");
	assert_eq!(
		(first[2]["call"].clone(), first[2]["decodedCall"].clone()),
		(json!("0x"), Value::Null)
	);
	assert_eq!(first[2]["decodeError"], Value::Null);
	assert_eq!(first[0]["tally"], json!({ "ayes": "3", "nays": "2", "turnout": "4" }));
	// Every third proposal is being voted on: 84 of the 250, read over three pages.
	let voting = call("agora_listProposals", json!([{ "status": "Voting", "limit": 100 }]))
		.await
		.unwrap();
	assert_eq!(ids(voting), (0..250).step_by(3).collect::<Vec<_>>());
	let after = call(
		"agora_listProposals",
		json!([{ "status": "Rejected", "startAfter": 240, "limit": 3 }]),
	)
	.await
	.unwrap();
	assert_eq!(ids(after), vec![241, 242, 244]);
	assert_eq!(code("agora_listProposals", json!([{ "status": "Pending" }])).await, 4002);
	assert_eq!(code("agora_listProposals", json!([{ "limit": 101 }])).await, 4002);
}

#[test]
fn channel_json_signer_and_signatures_convert_back() {
	use crate::json::{ChannelJson, SignatureJson, SignerJson};
	let json = ChannelJson::from(channel(3, alice()));
	let signer = json.signer.to_signer().unwrap();
	assert_eq!(signer, channel(3, alice()).signer);
	for (scheme, key, expected) in [
		("ed25519", "0x01", "the key is 1 bytes, not 32"),
		("ecdsa", "0x0102", "the key is 2 bytes, not 33"),
		("rsa", "0x01", "unknown signature scheme 'rsa'"),
	] {
		let bad = SignerJson { scheme: scheme.into(), key: key.into() };
		assert_eq!(bad.to_signer().unwrap_err(), expected);
	}
	let ecdsa = ReceiptSigner::Ecdsa(sp_core::ecdsa::Public::from_raw([2; 33]));
	let as_json = SignerJson { scheme: "ecdsa".into(), key: format!("0x{}", "02".repeat(33)) };
	assert_eq!(as_json.to_signer().unwrap(), ecdsa);

	for signature in [
		MultiSignature::Sr25519(sp_core::sr25519::Signature::from_raw([1; 64])),
		MultiSignature::Ed25519(sp_core::ed25519::Signature::from_raw([2; 64])),
		MultiSignature::Ecdsa(sp_core::ecdsa::Signature::from_raw([3; 65])),
	] {
		assert_eq!(
			SignatureJson::try_from(&signature).unwrap().to_multi_signature().unwrap(),
			signature
		);
	}
	let eth = MultiSignature::Eth(sp_core::ecdsa::KeccakSignature::from_raw([4; 65]));
	assert_eq!(
		SignatureJson::try_from(&eth).unwrap_err(),
		"Ethereum signatures do not sign receipts"
	);
}

/// A 100,000-character account kept a core busy for over 20 s in base58 decoding and came
/// back whole in the error. Every text input is now refused by its length first, and an
/// error repeats only a short prefix of it.
#[tokio::test]
async fn oversized_inputs_are_refused_before_decoding_and_never_echoed() {
	let long_account = "5".repeat(100_000);
	let long_hex = format!("0x{}", "ab".repeat(50_000));
	let long_name = "x".repeat(100_000);
	let cases = [
		(
			"agora_pendingRewards",
			json!([long_account.clone()]),
			"not an SS58 address: longer than 50",
		),
		("agora_getProvider", json!([long_hex.clone()]), "longer than 32 bytes of hex"),
		("agora_listChannels", json!([{ "payee": long_account }]), "longer than 50 characters"),
		("agora_listServices", json!([{ "tag": long_name.clone() }]), "longer than 64 bytes"),
		("agora_listServices", json!([{ "status": long_name.clone() }]), "unknown status"),
		("agora_listProposals", json!([{ "status": long_name }]), "unknown status"),
		(
			"agora_verifyReceipt",
			json!([0, 1, { "sr25519": long_hex }]),
			"longer than 64 bytes of hex",
		),
	];
	for (method, params, reason) in cases {
		let (code, message) = call(method, params).await.expect_err("refused");
		assert_eq!(code, 4002, "{method}: {message}");
		assert!(message.contains(reason), "{method}: {message}");
		assert!(message.len() < 200, "{method} echoes its input: {} bytes", message.len());
	}
	// A real address of the longest form still decodes.
	let address = json::ss58(&alice());
	assert!(address.len() <= json::MAX_SS58_LEN);
	assert!(call("agora_pendingRewards", json!([address])).await.is_ok());
}
