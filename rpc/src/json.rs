//! The JSON the `agora_*` methods take and give: camelCase fields, balances as decimal
//! strings (they exceed JavaScript's safe integers), accounts in SS58 with Agora's prefix
//! 4242, hashes and bytes as 0x-hex, shares in parts per billion.

use agora_primitives::{
	token::SS58_PREFIX, AccountId, Balance, BlockNumber, ProposalStatus, ReceiptSigner,
	ServiceStatus,
};
use serde::{Deserialize, Serialize};
use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};
use sp_runtime::MultiSignature;

use crate::reader::{Channel, Proposal, Provider, Service};

/// `account` in SS58 with Agora's prefix.
pub fn ss58(account: &AccountId) -> String {
	account.to_ss58check_with_version(Ss58AddressFormat::custom(SS58_PREFIX))
}

/// Longest SS58 address: two prefix bytes, 32 account bytes and two checksum bytes make
/// at most 50 base58 characters. Longer text is refused before decoding, whose cost grows
/// with the square of the length.
pub const MAX_SS58_LEN: usize = 50;

/// How many characters of a refused input an error message repeats.
pub const ECHO_LEN: usize = 24;

/// `text` quoted for an error message: whole when short, else its first [`ECHO_LEN`]
/// characters and its length, so that an error never carries a client's whole input.
pub fn quoted(text: &str) -> String {
	match text.char_indices().nth(ECHO_LEN) {
		None => format!("'{text}'"),
		Some((end, _)) => format!("'{}…' ({} bytes)", &text[..end], text.len()),
	}
}

/// An account given as SS58 (any prefix) or as 0x-hex of its 32 bytes.
pub fn parse_account(text: &str) -> Result<AccountId, String> {
	if text.starts_with("0x") {
		let raw: [u8; 32] = parse_hex(text, 32)?
			.try_into()
			.map_err(|b: Vec<u8>| format!("an account is 32 bytes, not {}", b.len()))?;
		return Ok(AccountId::new(raw));
	}
	if text.len() > MAX_SS58_LEN {
		return Err(format!(
			"{} is not an SS58 address: longer than {MAX_SS58_LEN} characters",
			quoted(text)
		));
	}
	// Any prefix: wallets show the generic 42 as often as Agora's 4242.
	AccountId::from_ss58check_with_version(text)
		.map(|(account, _prefix)| account)
		.map_err(|e| format!("{} is not an SS58 address: {e:?}", quoted(text)))
}

/// 0x-hex of at most `max_bytes` bytes, refused by its length before it is decoded.
fn parse_hex(text: &str, max_bytes: usize) -> Result<Vec<u8>, String> {
	if text.len() > 2 + 2 * max_bytes {
		return Err(format!("{} is longer than {max_bytes} bytes of hex", quoted(text)));
	}
	sp_core::bytes::from_hex(text).map_err(|e| format!("{} is not hex: {e}", quoted(text)))
}

/// `bytes` as 0x-hex.
pub fn hex(bytes: &[u8]) -> String {
	sp_core::bytes::to_hex(bytes, false)
}

fn text(bytes: &[u8]) -> String {
	String::from_utf8_lossy(bytes).into_owned()
}

/// A service status by name.
pub fn parse_status(name: &str) -> Result<ServiceStatus, String> {
	match name {
		"Active" => Ok(ServiceStatus::Active),
		"Paused" => Ok(ServiceStatus::Paused),
		"Retired" => Ok(ServiceStatus::Retired),
		"Delisted" => Ok(ServiceStatus::Delisted),
		other => {
			Err(format!("unknown status {} (Active, Paused, Retired or Delisted)", quoted(other)))
		},
	}
}

/// A signature as `{ "sr25519" | "ed25519" | "ecdsa": "0x…" }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum SignatureJson {
	/// 64 bytes.
	Sr25519(String),
	/// 64 bytes.
	Ed25519(String),
	/// 65 bytes.
	Ecdsa(String),
}

impl SignatureJson {
	/// The `MultiSignature`, if the hex is well-formed and of the scheme's length.
	pub fn to_multi_signature(&self) -> Result<MultiSignature, String> {
		fn bytes<const N: usize>(text: &str) -> Result<[u8; N], String> {
			if !text.starts_with("0x") {
				return Err("a signature is 0x-hex".into());
			}
			parse_hex(text, N)?
				.try_into()
				.map_err(|b: Vec<u8>| format!("the signature is {} bytes, not {N}", b.len()))
		}
		Ok(match self {
			SignatureJson::Sr25519(s) => MultiSignature::Sr25519(bytes::<64>(s)?.into()),
			SignatureJson::Ed25519(s) => MultiSignature::Ed25519(bytes::<64>(s)?.into()),
			SignatureJson::Ecdsa(s) => MultiSignature::Ecdsa(bytes::<65>(s)?.into()),
		})
	}
}

impl TryFrom<&MultiSignature> for SignatureJson {
	type Error = String;

	fn try_from(signature: &MultiSignature) -> Result<Self, String> {
		Ok(match signature {
			MultiSignature::Sr25519(s) => SignatureJson::Sr25519(hex(s.as_ref())),
			MultiSignature::Ed25519(s) => SignatureJson::Ed25519(hex(s.as_ref())),
			MultiSignature::Ecdsa(s) => SignatureJson::Ecdsa(hex(s.as_ref())),
			MultiSignature::Eth(_) => return Err("Ethereum signatures do not sign receipts".into()),
		})
	}
}

/// Which services `agora_listServices` lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceQuery {
	/// Only services with this tag.
	pub tag: Option<String>,
	/// Only services in this status (`Active`, `Paused`, `Retired`, `Delisted`).
	pub status: Option<String>,
	/// Only this provider's services.
	pub provider: Option<String>,
	/// The last service of the previous page: the page goes on after it (in id order
	/// with a provider, otherwise in storage order).
	pub start_after: Option<u64>,
	/// At most this many (default 100, at most 1,000).
	pub limit: Option<u32>,
}

/// Which channels `agora_listChannels` lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelQuery {
	/// Only this consumer's channels.
	pub consumer: Option<String>,
	/// Only channels paying this account.
	pub payee: Option<String>,
	/// The last channel of the previous page: the page goes on after it (in id order
	/// with a consumer, otherwise in storage order).
	pub start_after: Option<u64>,
	/// At most this many (default 100, at most 1,000).
	pub limit: Option<u32>,
}

/// Which proposals `agora_listProposals` lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProposalQuery {
	/// Only proposals in this status (`Voting`, `Approved`, `Enacted`, `Rejected`,
	/// `Cancelled`).
	pub status: Option<String>,
	/// Only ids above this one.
	pub start_after: Option<u32>,
	/// At most this many (default 100, at most 100).
	pub limit: Option<u32>,
}

/// A price.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceJson {
	/// What a unit is (`Request`, `Token1k`, …).
	pub unit: String,
	/// Planck per unit.
	pub per_unit: String,
}

/// A service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceJson {
	pub id: u64,
	pub provider: String,
	pub name: String,
	pub tags: Vec<String>,
	pub metadata_uri: String,
	pub metadata_hash: String,
	pub price: PriceJson,
	pub status: String,
	/// Parts per billion of each settlement paid to the dataset's contributors.
	pub contributor_share: u32,
	pub dataset: Option<u64>,
	pub rating_sum: u64,
	pub rating_count: u32,
	pub deposit: String,
	pub created_at: BlockNumber,
	pub updated_at: BlockNumber,
}

impl From<Service> for ServiceJson {
	fn from(s: Service) -> Self {
		ServiceJson {
			id: s.id,
			provider: ss58(&s.provider),
			name: text(&s.name),
			tags: s.tags.iter().map(|t| text(t)).collect(),
			metadata_uri: text(&s.metadata_uri),
			metadata_hash: hex(s.metadata_hash.as_bytes()),
			price: PriceJson {
				unit: format!("{:?}", s.price.unit),
				per_unit: s.price.per_unit.to_string(),
			},
			status: format!("{:?}", s.status),
			contributor_share: s.contributor_share.deconstruct(),
			dataset: s.dataset,
			rating_sum: s.rating_sum,
			rating_count: s.rating_count,
			deposit: s.deposit.to_string(),
			created_at: s.created_at,
			updated_at: s.updated_at,
		}
	}
}

/// An amount becoming withdrawable at a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnbondingJson {
	pub amount: String,
	pub unlocks_at: BlockNumber,
}

/// A provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderJson {
	pub account: String,
	pub name: String,
	pub bond: String,
	pub unbonding: Vec<UnbondingJson>,
	pub live_services: u32,
	pub services: Vec<u64>,
}

impl ProviderJson {
	/// `provider`, registered by `account`.
	pub fn new(account: &AccountId, provider: Provider) -> Self {
		ProviderJson {
			account: ss58(account),
			name: text(&provider.name),
			bond: provider.bond.to_string(),
			unbonding: provider
				.unbonding
				.into_iter()
				.map(|(amount, unlocks_at)| UnbondingJson {
					amount: amount.to_string(),
					unlocks_at,
				})
				.collect(),
			live_services: provider.live_services,
			services: provider.services,
		}
	}
}

/// What units of a service cost now, and how a settlement would split.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteJson {
	pub total: String,
	pub protocol_fee: String,
	pub contributor_share: String,
	pub provider_net: String,
}

impl From<agora_primitives::Quote<Balance>> for QuoteJson {
	fn from(q: agora_primitives::Quote<Balance>) -> Self {
		QuoteJson {
			total: q.total.to_string(),
			protocol_fee: q.split.protocol_fee.to_string(),
			contributor_share: q.split.contributor_share.to_string(),
			provider_net: q.split.provider_net.to_string(),
		}
	}
}

/// The key that signs a channel's receipts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignerJson {
	/// `sr25519`, `ed25519` or `ecdsa`.
	pub scheme: String,
	/// The public key, 0x-hex.
	pub key: String,
}

impl SignerJson {
	/// The `ReceiptSigner`, if the scheme is known and the key well-formed.
	pub fn to_signer(&self) -> Result<ReceiptSigner, String> {
		fn key<const N: usize>(text: &str) -> Result<[u8; N], String> {
			parse_hex(text, N)?
				.try_into()
				.map_err(|b: Vec<u8>| format!("the key is {} bytes, not {N}", b.len()))
		}
		Ok(match self.scheme.as_str() {
			"sr25519" => ReceiptSigner::Sr25519(key::<32>(&self.key)?.into()),
			"ed25519" => ReceiptSigner::Ed25519(key::<32>(&self.key)?.into()),
			"ecdsa" => ReceiptSigner::Ecdsa(key::<33>(&self.key)?.into()),
			other => return Err(format!("unknown signature scheme {}", quoted(other))),
		})
	}
}

/// A channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelJson {
	pub id: u64,
	pub consumer: String,
	pub payee: String,
	pub service_id: u64,
	pub signer: SignerJson,
	pub price_per_unit: String,
	/// Parts per billion.
	pub contributor_share: u32,
	pub dataset: Option<u64>,
	pub deposit: String,
	pub claimed: String,
	pub expires_at: BlockNumber,
	pub opened_at: BlockNumber,
}

impl From<Channel> for ChannelJson {
	fn from(c: Channel) -> Self {
		let (scheme, key) = match &c.signer {
			ReceiptSigner::Sr25519(key) => ("sr25519", hex(key.as_ref())),
			ReceiptSigner::Ed25519(key) => ("ed25519", hex(key.as_ref())),
			ReceiptSigner::Ecdsa(key) => ("ecdsa", hex(key.as_ref())),
		};
		ChannelJson {
			id: c.id,
			consumer: ss58(&c.consumer),
			payee: ss58(&c.payee),
			service_id: c.service_id,
			signer: SignerJson { scheme: scheme.into(), key },
			price_per_unit: c.price_per_unit.to_string(),
			contributor_share: c.contributor_share.deconstruct(),
			dataset: c.dataset,
			deposit: c.deposit.to_string(),
			claimed: c.claimed.to_string(),
			expires_at: c.expires_at,
			opened_at: c.opened_at,
		}
	}
}

/// Whether a receipt would settle now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptCheckJson {
	/// The payee could claim it now.
	pub valid: bool,
	/// What the claim would settle (before the split), when valid.
	pub amount: Option<String>,
	/// Why not (`BadSignature`, `StaleReceipt`, …), when invalid.
	pub error: Option<String>,
}

/// What an account can claim from a dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetRewardJson {
	pub dataset_id: u64,
	pub amount: String,
}

/// A campaign submission waiting for reviews.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmissionRewardJson {
	pub campaign_id: u64,
	pub submission_id: u64,
	pub reward: String,
	pub approvals: u32,
	pub rejections: u32,
}

/// What an account can claim or expects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingRewardsJson {
	pub datasets: Vec<DatasetRewardJson>,
	pub submissions: Vec<SubmissionRewardJson>,
}

impl From<agora_primitives::PendingRewards<Balance>> for PendingRewardsJson {
	fn from(p: agora_primitives::PendingRewards<Balance>) -> Self {
		PendingRewardsJson {
			datasets: p
				.datasets
				.into_iter()
				.map(|(dataset_id, amount)| DatasetRewardJson {
					dataset_id,
					amount: amount.to_string(),
				})
				.collect(),
			submissions: p
				.submissions
				.into_iter()
				.map(|s| SubmissionRewardJson {
					campaign_id: s.campaign,
					submission_id: s.submission,
					reward: s.reward.to_string(),
					approvals: s.approvals,
					rejections: s.rejections,
				})
				.collect(),
		}
	}
}

/// Votes on a proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TallyJson {
	pub ayes: String,
	pub nays: String,
	pub turnout: String,
}

/// Where a proposal stands: `status` names it; the blocks that apply are set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposalStatusJson {
	pub status: String,
	pub ends_at: Option<BlockNumber>,
	pub ended_at: Option<BlockNumber>,
	pub enact_at: Option<BlockNumber>,
	pub enacted_at: Option<BlockNumber>,
	pub succeeded: Option<bool>,
	pub cancelled_at: Option<BlockNumber>,
}

/// The name of a proposal status, as `ProposalQuery::status` takes it.
pub fn status_name(status: &ProposalStatus<BlockNumber>) -> &'static str {
	match status {
		ProposalStatus::Voting { .. } => "Voting",
		ProposalStatus::Approved { .. } => "Approved",
		ProposalStatus::Enacted { .. } => "Enacted",
		ProposalStatus::Rejected { .. } => "Rejected",
		ProposalStatus::Cancelled { .. } => "Cancelled",
	}
}

/// Checks a proposal status name.
pub fn parse_proposal_status(name: &str) -> Result<&'static str, String> {
	["Voting", "Approved", "Enacted", "Rejected", "Cancelled"]
		.into_iter()
		.find(|known| *known == name)
		.ok_or_else(|| {
			format!(
				"unknown status {} (Voting, Approved, Enacted, Rejected or Cancelled)",
				quoted(name)
			)
		})
}

impl From<ProposalStatus<BlockNumber>> for ProposalStatusJson {
	fn from(status: ProposalStatus<BlockNumber>) -> Self {
		let mut json = ProposalStatusJson {
			status: status_name(&status).into(),
			ends_at: None,
			ended_at: None,
			enact_at: None,
			enacted_at: None,
			succeeded: None,
			cancelled_at: None,
		};
		match status {
			ProposalStatus::Voting { ends_at } => json.ends_at = Some(ends_at),
			ProposalStatus::Approved { ended_at, enact_at } => {
				json.ended_at = Some(ended_at);
				json.enact_at = Some(enact_at);
			},
			ProposalStatus::Enacted { ended_at, at, succeeded } => {
				json.ended_at = Some(ended_at);
				json.enacted_at = Some(at);
				json.succeeded = Some(succeeded);
			},
			ProposalStatus::Rejected { ended_at } => json.ended_at = Some(ended_at),
			ProposalStatus::Cancelled { at } => json.cancelled_at = Some(at),
		}
		json
	}
}

/// A proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposalJson {
	pub id: u32,
	pub proposer: String,
	/// The SCALE-encoded call, 0x-hex (empty once the proposal was enacted, rejected or
	/// cancelled).
	pub call: String,
	/// The call read with the runtime's metadata:
	/// `{ section, method, args: [{ name, type, value }] }` (none once the call is gone).
	pub decoded_call: Option<serde_json::Value>,
	/// Why the call could not be decoded, if it could not.
	pub decode_error: Option<String>,
	pub deposit: String,
	pub tally: TallyJson,
	pub status: ProposalStatusJson,
	pub proposed_at: BlockNumber,
}

impl ProposalJson {
	/// `p` with its call as `decoded` (`None`: no call to decode).
	pub fn new(p: Proposal, decoded: Option<Result<serde_json::Value, String>>) -> Self {
		let (decoded_call, decode_error) = match decoded {
			Some(Ok(call)) => (Some(call), None),
			Some(Err(e)) => (None, Some(e)),
			None => (None, None),
		};
		ProposalJson {
			id: p.id,
			proposer: ss58(&p.proposer),
			call: hex(&p.call),
			decoded_call,
			decode_error,
			deposit: p.deposit.to_string(),
			tally: TallyJson {
				ayes: p.tally.ayes.to_string(),
				nays: p.tally.nays.to_string(),
				turnout: p.tally.turnout.to_string(),
			},
			status: p.status.into(),
			proposed_at: p.proposed_at,
		}
	}
}
