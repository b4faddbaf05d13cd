//! The node, over its JSON-RPC (HTTP): channels and receipts through `agora_*`, and the
//! few standard methods a signed `claim_batch` needs, its metadata among them.

use std::{
	sync::atomic::{AtomicU64, Ordering},
	time::Duration,
};

use agora_primitives::{AccountId, BlockNumber, ChannelId};
use agora_rpc::json::{parse_account, ChannelJson, ReceiptCheckJson, SignatureJson};
use agora_tx::ChainMetadata;
use axum::{body::Bytes, http::Uri};
use codec::Decode;
use http_body_util::{BodyExt, Full};
use hyper_util::{
	client::legacy::{connect::HttpConnector, Client},
	rt::TokioExecutor,
};
use serde::{de::DeserializeOwned, Deserialize};
use serde_json::{json, Value};
use sp_core::{crypto::Ss58Codec, H256};
use sp_runtime::MultiSignature;

use crate::ledger::ChainChannel;

/// The HTTP client the gateway uses for the node and the upstream.
pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A new HTTP/1 client with pooled connections, writing small requests at once.
pub fn http_client() -> HttpClient {
	let mut connector = HttpConnector::new();
	connector.set_nodelay(true);
	Client::builder(TokioExecutor::new()).build(connector)
}

/// The `agora_getChannel` error code for a channel that does not exist.
const NOT_FOUND: i64 = 4004;

/// A failed node call.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	#[error("node unreachable: {0}")]
	Transport(String),
	#[error("{method}: error {code}: {message}")]
	Rpc { method: &'static str, code: i64, message: String },
	#[error("{method}: unexpected answer: {detail}")]
	Decode { method: &'static str, detail: String },
	#[error("the chain's metadata: {0}")]
	Metadata(#[from] agora_tx::Error),
}

/// A block: its hash and number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
	pub hash: H256,
	pub number: BlockNumber,
}

/// The runtime version fields a signed transaction names.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeVersion {
	pub spec_version: u32,
	pub transaction_version: u32,
}

/// A JSON-RPC connection to one node.
pub struct Node {
	client: HttpClient,
	url: Uri,
	next_id: AtomicU64,
	/// How long one call may take: a node that accepts connections and never answers
	/// must not hold a request, or the settler, forever.
	timeout: Duration,
}

impl Node {
	pub fn new(client: HttpClient, url: Uri, timeout: Duration) -> Node {
		Node { client, url, next_id: AtomicU64::new(1), timeout }
	}

	async fn call<T: DeserializeOwned>(
		&self,
		method: &'static str,
		params: Value,
	) -> Result<T, ChainError> {
		tokio::time::timeout(self.timeout, self.call_once(method, params))
			.await
			.map_err(|_| {
				ChainError::Transport(format!("{method}: no answer within {:?}", self.timeout))
			})?
	}

	async fn call_once<T: DeserializeOwned>(
		&self,
		method: &'static str,
		params: Value,
	) -> Result<T, ChainError> {
		let id = self.next_id.fetch_add(1, Ordering::Relaxed);
		let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
		let request = hyper::Request::post(self.url.clone())
			.header("content-type", "application/json")
			.body(Full::new(Bytes::from(body.to_string())))
			.map_err(|e| ChainError::Transport(e.to_string()))?;
		let response = self
			.client
			.request(request)
			.await
			.map_err(|e| ChainError::Transport(e.to_string()))?;
		let bytes = response
			.into_body()
			.collect()
			.await
			.map_err(|e| ChainError::Transport(e.to_string()))?
			.to_bytes();
		let mut answer: Value = serde_json::from_slice(&bytes)
			.map_err(|e| ChainError::Decode { method, detail: e.to_string() })?;
		if let Some(error) = answer.get("error") {
			return Err(ChainError::Rpc {
				method,
				code: error.get("code").and_then(Value::as_i64).unwrap_or_default(),
				message: error.get("message").and_then(Value::as_str).unwrap_or_default().into(),
			});
		}
		let result = answer.get_mut("result").map(Value::take).unwrap_or(Value::Null);
		serde_json::from_value(result)
			.map_err(|e| ChainError::Decode { method, detail: e.to_string() })
	}

	/// The chain's genesis hash.
	pub async fn genesis_hash(&self) -> Result<H256, ChainError> {
		self.call("chain_getBlockHash", json!([0])).await
	}

	/// The best block.
	pub async fn best_head(&self) -> Result<Head, ChainError> {
		#[derive(Deserialize)]
		struct Header {
			number: String,
		}
		let hash: H256 = self.call("chain_getBlockHash", json!([])).await?;
		let header: Header = self.call("chain_getHeader", json!([hash])).await?;
		let number =
			u32::from_str_radix(header.number.trim_start_matches("0x"), 16).map_err(|_| {
				ChainError::Decode { method: "chain_getHeader", detail: header.number.clone() }
			})?;
		Ok(Head { hash, number })
	}

	/// The runtime version at block `at`.
	pub async fn runtime_version(&self, at: H256) -> Result<RuntimeVersion, ChainError> {
		self.call("state_getRuntimeVersion", json!([at])).await
	}

	/// The hash of the runtime's code (`:code`) at block `at`: what identifies a runtime,
	/// even one set without a new `spec_version` (`set_code_without_checks`).
	pub async fn code_hash(&self, at: H256) -> Result<H256, ChainError> {
		let hash: Option<H256> =
			self.call("state_getStorageHash", json!(["0x3a636f6465", at])).await?;
		hash.ok_or(ChainError::Decode {
			method: "state_getStorageHash",
			detail: "the chain has no :code".into(),
		})
	}

	/// The runtime's metadata (V15) at block `at`.
	pub async fn metadata(&self, at: H256) -> Result<ChainMetadata, ChainError> {
		const METHOD: &str = "Metadata_metadata_at_version";
		let answer: sp_core::Bytes =
			self.call("state_call", json!([METHOD, "0x0f000000", at])).await?;
		// An `Option<OpaqueMetadata>`: `None` from a runtime without V15.
		let bytes = Option::<Vec<u8>>::decode(&mut &answer[..])
			.map_err(|e| ChainError::Decode { method: "state_call", detail: e.to_string() })?
			.ok_or_else(|| ChainError::Decode {
				method: "state_call",
				detail: format!("{METHOD}(15): the runtime has no V15 metadata"),
			})?;
		Ok(ChainMetadata::decode(&bytes)?)
	}

	/// `account`'s next nonce, counting its transactions in the pool.
	pub async fn next_nonce(&self, account: &AccountId) -> Result<u32, ChainError> {
		// The generic substrate format (42) names the same account as Agora's 4242 and is
		// read by any node, including ones that do not know the 4242 prefix.
		self.call("system_accountNextIndex", json!([account.to_ss58check()])).await
	}

	/// Channel `id` at the best block; `None` when it does not exist.
	pub async fn channel(&self, id: ChannelId) -> Result<Option<ChainChannel>, ChainError> {
		let json: ChannelJson = match self.call("agora_getChannel", json!([id])).await {
			Err(ChainError::Rpc { code: NOT_FOUND, .. }) => return Ok(None),
			other => other?,
		};
		let decode = |detail: String| ChainError::Decode { method: "agora_getChannel", detail };
		let balance = |text: &str| text.parse().map_err(|_| decode(format!("balance '{text}'")));
		Ok(Some(ChainChannel {
			payee: parse_account(&json.payee).map_err(decode)?,
			service_id: json.service_id,
			signer: json.signer.to_signer().map_err(decode)?,
			price_per_unit: balance(&json.price_per_unit)?,
			deposit: balance(&json.deposit)?,
			claimed: balance(&json.claimed)?,
			expires_at: json.expires_at,
		}))
	}

	/// `Metering::NextChannelId` at the best block: every channel below it was opened.
	pub async fn next_channel_id(&self) -> Result<ChannelId, ChainError> {
		let stored: Option<sp_core::Bytes> = self
			.call(
				"state_getStorage",
				json!([sp_core::bytes::to_hex(&next_channel_id_key(), false)]),
			)
			.await?;
		stored.map_or(Ok(0), |bytes| {
			ChannelId::decode(&mut &bytes[..]).map_err(|e| ChainError::Decode {
				method: "state_getStorage",
				detail: format!("Metering::NextChannelId: {e}"),
			})
		})
	}

	/// Whether the payee could claim this receipt now (`agora_verifyReceipt`).
	pub async fn verify_receipt(
		&self,
		id: ChannelId,
		units: u64,
		signature: &MultiSignature,
	) -> Result<ReceiptCheckJson, ChainError> {
		let signature = SignatureJson::try_from(signature)
			.map_err(|detail| ChainError::Decode { method: "agora_verifyReceipt", detail })?;
		self.call("agora_verifyReceipt", json!([id, units, signature])).await
	}

	/// Submits a signed extrinsic; returns its hash.
	pub async fn submit(&self, extrinsic: &[u8]) -> Result<H256, ChainError> {
		self.call("author_submitExtrinsic", json!([sp_core::bytes::to_hex(extrinsic, false)]))
			.await
	}

	/// The extrinsics waiting in the node's pool.
	pub async fn pending_extrinsics(&self) -> Result<Vec<String>, ChainError> {
		self.call("author_pendingExtrinsics", json!([])).await
	}
}

/// The storage key of `Metering::NextChannelId` (a plain value: the hashed pallet and item
/// names).
fn next_channel_id_key() -> Vec<u8> {
	use sp_crypto_hashing::twox_128;
	[twox_128(b"Metering"), twox_128(b"NextChannelId")].concat()
}

#[cfg(test)]
mod tests {
	#[test]
	fn the_next_channel_id_key_is_the_one_polkadot_js_computes() {
		// api.query.metering.nextChannelId.key()
		assert_eq!(
			sp_core::bytes::to_hex(&super::next_channel_id_key(), false),
			"0x23d01c74386196b62bff2655a5748ef52d56750ffbaedbf3dd8dd3900c756381"
		);
	}
}
