//! # Agora RPC
//!
//! The `agora_*` JSON-RPC methods that `agora-node` serves beside the standard Substrate
//! ones. Every answer comes from the runtime's APIs (`AgoraApi`, `ServicesApi`,
//! `MeteringApi`, `RewardsApi`, `GovernanceApi`), at the best block or at the block hash
//! the caller names, so what a dApp reads is what the chain itself holds.
//!
//! JSON is camelCase; balances are decimal strings, accounts SS58 with Agora's prefix
//! 4242 (any SS58 prefix or 0x-hex is accepted as input), hashes and bytes 0x-hex
//! ([`json`]). Errors are JSON-RPC errors with a code from [`ErrorCode`] and a message
//! saying what was wrong; a bad request never takes the node down.

use agora_primitives::{
	metering::MAX_CHANNELS_PAGE, Hash, Receipt, ServiceFilter, MAX_PROPOSALS_PAGE,
	MAX_SERVICES_PAGE,
};
use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned};
use serde::{Deserialize, Serialize};

pub mod json;
mod reader;
#[cfg(test)]
mod tests;

use json::*;
pub use reader::{ChainReader, ReadError, ReadResult, RuntimeReader};

/// The error codes of the `agora_*` methods (JSON-RPC application range).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum ErrorCode {
	/// The runtime could not answer (for example, it lacks the API at that block).
	RuntimeError = 4000,
	/// The block hash given as `at` is not known to this node.
	UnknownBlock = 4001,
	/// A parameter is malformed or out of range (the message says which).
	InvalidParams = 4002,
	/// No service, provider or channel has this id or account.
	NotFound = 4004,
}

fn error(code: ErrorCode, message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(code as i32, message.into(), None::<()>)
}

fn invalid(message: impl Into<String>) -> ErrorObjectOwned {
	error(ErrorCode::InvalidParams, message)
}

impl From<ReadError> for ErrorObjectOwned {
	fn from(e: ReadError) -> Self {
		match e {
			ReadError::UnknownBlock(hash) => {
				error(ErrorCode::UnknownBlock, format!("unknown block {hash:?}"))
			},
			ReadError::Runtime(message) => {
				error(ErrorCode::RuntimeError, format!("runtime call failed: {message}"))
			},
		}
	}
}

/// Longest `tag` filter: far above the runtime's tag length (32 bytes), so no real tag
/// is refused, while a client cannot make every service compare a megabyte of text.
pub const MAX_TAG_FILTER_LEN: usize = 64;

/// Page size when a query gives no `limit`.
pub const DEFAULT_LIMIT: u32 = 100;

/// `limit` or the default, refused above `max`.
fn page_limit(limit: Option<u32>, max: u32) -> RpcResult<u32> {
	match limit.unwrap_or(DEFAULT_LIMIT) {
		0 => Err(invalid("limit must be at least 1")),
		limit if limit > max => Err(invalid(format!("limit {limit} exceeds the maximum {max}"))),
		limit => Ok(limit),
	}
}

fn account(text: &str) -> RpcResult<agora_primitives::AccountId> {
	parse_account(text).map_err(invalid)
}

/// What `agora_version` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
	/// The runtime's `spec_name` (`"agora"`).
	pub spec_name: String,
	/// The runtime's `spec_version`: bumped by every runtime upgrade.
	pub spec_version: u32,
	/// The marketplace API version the runtime speaks
	/// ([`agora_primitives::MARKETPLACE_API_VERSION`] when it was built).
	pub marketplace_api_version: u32,
}

/// The `agora_*` JSON-RPC methods. Every method takes an optional block hash `at` last
/// (default: the best block).
#[rpc(client, server)]
pub trait AgoraApi {
	/// The runtime and marketplace API versions.
	#[method(name = "agora_version")]
	fn version(&self, at: Option<Hash>) -> RpcResult<VersionInfo>;

	/// Services matching `query`: in id order with a provider, otherwise in storage order.
	#[method(name = "agora_listServices")]
	fn list_services(
		&self,
		query: Option<ServiceQuery>,
		at: Option<Hash>,
	) -> RpcResult<Vec<ServiceJson>>;

	/// Service `id`.
	#[method(name = "agora_getService")]
	fn get_service(&self, id: u64, at: Option<Hash>) -> RpcResult<ServiceJson>;

	/// The provider registered by `account`.
	#[method(name = "agora_getProvider")]
	fn get_provider(&self, account: String, at: Option<Hash>) -> RpcResult<ProviderJson>;

	/// What `units` of service `service_id` cost at its current price, and the split.
	#[method(name = "agora_quote")]
	fn quote(&self, service_id: u64, units: u64, at: Option<Hash>) -> RpcResult<QuoteJson>;

	/// Open channel `id`.
	#[method(name = "agora_getChannel")]
	fn get_channel(&self, id: u64, at: Option<Hash>) -> RpcResult<ChannelJson>;

	/// Open channels matching `query`: in id order with a consumer, otherwise in storage
	/// order.
	#[method(name = "agora_listChannels")]
	fn list_channels(
		&self,
		query: Option<ChannelQuery>,
		at: Option<Hash>,
	) -> RpcResult<Vec<ChannelJson>>;

	/// Whether the payee of channel `channel_id` could claim a receipt for
	/// `cumulative_units` signed with `signature` now, and for how much.
	#[method(name = "agora_verifyReceipt")]
	fn verify_receipt(
		&self,
		channel_id: u64,
		cumulative_units: u64,
		signature: SignatureJson,
		at: Option<Hash>,
	) -> RpcResult<ReceiptCheckJson>;

	/// What `account` can claim per dataset, and its campaign submissions under review.
	#[method(name = "agora_pendingRewards")]
	fn pending_rewards(&self, account: String, at: Option<Hash>) -> RpcResult<PendingRewardsJson>;

	/// Governance proposals matching `query`, in id order, with tally and status, and the
	/// call both as bytes and decoded (pallet, call, named arguments).
	#[method(name = "agora_listProposals")]
	fn list_proposals(
		&self,
		query: Option<ProposalQuery>,
		at: Option<Hash>,
	) -> RpcResult<Vec<ProposalJson>>;
}

/// Serves [`AgoraApiServer`] from a [`ChainReader`].
pub struct Agora<R> {
	reader: R,
}

impl<R: ChainReader> Agora<R> {
	/// An RPC handler reading through `reader` (a [`RuntimeReader`] in the node).
	pub fn new(reader: R) -> Self {
		Self { reader }
	}

	/// The block to read at: `at` if this node knows it, else the best block.
	fn at(&self, at: Option<Hash>) -> RpcResult<Hash> {
		match at {
			Some(hash) => {
				self.reader.check_block(hash)?;
				Ok(hash)
			},
			None => Ok(self.reader.best_hash()),
		}
	}
}

impl<R: ChainReader> AgoraApiServer for Agora<R> {
	fn version(&self, at: Option<Hash>) -> RpcResult<VersionInfo> {
		let (spec_name, spec_version, marketplace_api_version) =
			self.reader.version(self.at(at)?)?;
		Ok(VersionInfo { spec_name, spec_version, marketplace_api_version })
	}

	fn list_services(
		&self,
		query: Option<ServiceQuery>,
		at: Option<Hash>,
	) -> RpcResult<Vec<ServiceJson>> {
		let query = query.unwrap_or_default();
		let limit = page_limit(query.limit, MAX_SERVICES_PAGE)?;
		if let Some(tag) = query.tag.as_deref().filter(|tag| tag.len() > MAX_TAG_FILTER_LEN) {
			return Err(invalid(format!(
				"tag {} is longer than {MAX_TAG_FILTER_LEN} bytes",
				quoted(tag)
			)));
		}
		let filter = ServiceFilter {
			tag: query.tag.map(String::into_bytes),
			status: query.status.as_deref().map(parse_status).transpose().map_err(invalid)?,
			provider: query.provider.as_deref().map(account).transpose()?,
		};
		let services = self.reader.services(self.at(at)?, filter, query.start_after, limit)?;
		Ok(services.into_iter().map(ServiceJson::from).collect())
	}

	fn get_service(&self, id: u64, at: Option<Hash>) -> RpcResult<ServiceJson> {
		self.reader
			.service(self.at(at)?, id)?
			.map(ServiceJson::from)
			.ok_or_else(|| error(ErrorCode::NotFound, format!("no service {id}")))
	}

	fn get_provider(&self, who: String, at: Option<Hash>) -> RpcResult<ProviderJson> {
		let who = account(&who)?;
		let provider = self.reader.provider(self.at(at)?, who.clone())?.ok_or_else(|| {
			error(ErrorCode::NotFound, format!("{} is not a provider", ss58(&who)))
		})?;
		Ok(ProviderJson::new(&who, provider))
	}

	fn quote(&self, service_id: u64, units: u64, at: Option<Hash>) -> RpcResult<QuoteJson> {
		let at = self.at(at)?;
		if self.reader.service(at, service_id)?.is_none() {
			return Err(error(ErrorCode::NotFound, format!("no service {service_id}")));
		}
		self.reader
			.quote(at, service_id, units)?
			.map(QuoteJson::from)
			.ok_or_else(|| invalid(format!("{units} units of service {service_id} overflow")))
	}

	fn get_channel(&self, id: u64, at: Option<Hash>) -> RpcResult<ChannelJson> {
		self.reader
			.channel(self.at(at)?, id)?
			.map(ChannelJson::from)
			.ok_or_else(|| error(ErrorCode::NotFound, format!("no open channel {id}")))
	}

	fn list_channels(
		&self,
		query: Option<ChannelQuery>,
		at: Option<Hash>,
	) -> RpcResult<Vec<ChannelJson>> {
		let query = query.unwrap_or_default();
		let limit = page_limit(query.limit, MAX_CHANNELS_PAGE)?;
		let consumer = query.consumer.as_deref().map(account).transpose()?;
		let payee = query.payee.as_deref().map(account).transpose()?;
		let channels =
			self.reader.channels(self.at(at)?, consumer, payee, query.start_after, limit)?;
		Ok(channels.into_iter().map(ChannelJson::from).collect())
	}

	fn verify_receipt(
		&self,
		channel_id: u64,
		cumulative_units: u64,
		signature: SignatureJson,
		at: Option<Hash>,
	) -> RpcResult<ReceiptCheckJson> {
		let signature = signature.to_multi_signature().map_err(invalid)?;
		let receipt =
			Receipt { genesis_hash: self.reader.genesis_hash(), channel_id, cumulative_units };
		Ok(match self.reader.check_receipt(self.at(at)?, receipt, signature)? {
			Ok(amount) => {
				ReceiptCheckJson { valid: true, amount: Some(amount.to_string()), error: None }
			},
			Err(reason) => {
				ReceiptCheckJson { valid: false, amount: None, error: Some(format!("{reason:?}")) }
			},
		})
	}

	fn pending_rewards(&self, who: String, at: Option<Hash>) -> RpcResult<PendingRewardsJson> {
		let who = account(&who)?;
		Ok(self.reader.pending_rewards(self.at(at)?, who)?.into())
	}

	fn list_proposals(
		&self,
		query: Option<ProposalQuery>,
		at: Option<Hash>,
	) -> RpcResult<Vec<ProposalJson>> {
		let query = query.unwrap_or_default();
		let limit = page_limit(query.limit, MAX_PROPOSALS_PAGE)? as usize;
		let status = query
			.status
			.as_deref()
			.map(parse_proposal_status)
			.transpose()
			.map_err(invalid)?;
		let at = self.at(at)?;
		// The runtime pages by id; a status filter may need several pages.
		let mut found = Vec::new();
		let mut cursor = query.start_after;
		loop {
			let page = self.reader.proposals(at, cursor, MAX_PROPOSALS_PAGE)?;
			let full = page.len() as u32 == MAX_PROPOSALS_PAGE;
			cursor = page.last().map(|p| p.id).or(cursor);
			found.extend(
				page.into_iter().filter(|p| status.is_none_or(|s| status_name(&p.status) == s)),
			);
			if found.len() >= limit || !full {
				found.truncate(limit);
				break;
			}
		}
		// Only what is answered is decoded, with one metadata lookup for the whole page. An
		// ended proposal's call is no longer stored: nothing to decode.
		let calls: Vec<&[u8]> =
			found.iter().map(|p| &p.call[..]).filter(|call| !call.is_empty()).collect();
		let mut decoded = self.reader.decode_calls(at, &calls).into_iter();
		Ok(found
			.into_iter()
			.map(|p| {
				let call = (!p.call.is_empty()).then(|| decoded.next()).flatten();
				ProposalJson::new(p, call)
			})
			.collect())
	}
}
