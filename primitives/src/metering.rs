//! Payment channels and usage receipts: the definitions that pallet-metering, the node,
//! provider gateways and clients must agree on byte for byte.
//!
//! A consumer pays for many AI calls with one on-chain settlement: it deposits into a
//! channel, signs off-chain [`Receipt`]s for the cumulative units used so far, and the
//! provider claims the newest one. See `docs/payments.md` for the format with a worked
//! example.

use crate::services::{DatasetId, ServiceId};
use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_core::{ecdsa, ed25519, sr25519};
use sp_runtime::{traits::Verify, MultiSignature, Perbill};

/// Identifies a payment channel; assigned from a counter, never reused.
pub type ChannelId = u64;

/// The 16 ASCII bytes every receipt payload starts with (no length prefix).
pub const RECEIPT_DOMAIN: [u8; 16] = *b"agora/receipt/v1";

/// Length of a receipt payload: domain (16) ‖ genesis hash (32) ‖ channel id (8) ‖ units (8).
pub const RECEIPT_PAYLOAD_LEN: usize = 64;

/// A consumer's statement "channel `channel_id` on the chain with genesis `genesis_hash`
/// has used `cumulative_units` units in total". Units only grow: the newest receipt
/// supersedes all earlier ones.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Receipt {
	/// Genesis hash of the chain the receipt is for: a receipt never pays on another chain.
	pub genesis_hash: H256,
	/// The channel that pays.
	pub channel_id: ChannelId,
	/// Total units used on the channel since it opened.
	pub cumulative_units: u64,
}

impl Receipt {
	/// The 64 bytes the channel's signer signs: [`RECEIPT_DOMAIN`] ‖ genesis hash ‖
	/// channel id (u64 little-endian) ‖ cumulative units (u64 little-endian), which is
	/// also the SCALE encoding of `([u8; 16], H256, u64, u64)`.
	pub fn payload(&self) -> [u8; RECEIPT_PAYLOAD_LEN] {
		let mut payload = [0u8; RECEIPT_PAYLOAD_LEN];
		payload[..16].copy_from_slice(&RECEIPT_DOMAIN);
		payload[16..48].copy_from_slice(self.genesis_hash.as_bytes());
		payload[48..56].copy_from_slice(&self.channel_id.to_le_bytes());
		payload[56..].copy_from_slice(&self.cumulative_units.to_le_bytes());
		payload
	}
}

/// The public key that signs a channel's receipts (an app key may differ from the
/// paying account).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum ReceiptSigner {
	/// An sr25519 key (the polkadot.js default).
	Sr25519(sr25519::Public),
	/// An ed25519 key.
	Ed25519(ed25519::Public),
	/// A compressed secp256k1 key; the message is hashed with blake2-256 before signing.
	Ecdsa(ecdsa::Public),
}

impl ReceiptSigner {
	/// Checks that `signature` is this key's signature of `receipt`'s payload.
	pub fn check(&self, receipt: &Receipt, signature: &MultiSignature) -> Result<(), ReceiptError> {
		let payload = receipt.payload();
		let valid = match (self, signature) {
			(Self::Sr25519(key), MultiSignature::Sr25519(sig)) => sig.verify(&payload[..], key),
			(Self::Ed25519(key), MultiSignature::Ed25519(sig)) => sig.verify(&payload[..], key),
			(Self::Ecdsa(key), MultiSignature::Ecdsa(sig)) => sig.verify(&payload[..], key),
			_ => return Err(ReceiptError::SignerMismatch),
		};
		if valid {
			Ok(())
		} else {
			Err(ReceiptError::BadSignature)
		}
	}
}

/// How a settlement of `amount` splits: `protocol_fee` to the treasury,
/// `contributor_share` to the dataset's pool, the rest to the provider. Both shares are
/// rounded down (rounding favours the provider) and the three parts sum to `amount`.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, TypeInfo, Debug, Default)]
pub struct Split<Balance> {
	/// To the treasury.
	pub protocol_fee: Balance,
	/// To the dataset's contributors.
	pub contributor_share: Balance,
	/// To the provider.
	pub provider_net: Balance,
}

impl<Balance> Split<Balance>
where
	Balance: Copy + sp_runtime::traits::AtLeast32BitUnsigned,
{
	/// Splits `amount` by `fee` and (when there is a dataset) `share`.
	pub fn of(amount: Balance, fee: Perbill, share: Perbill, has_dataset: bool) -> Self {
		let protocol_fee = fee.mul_floor(amount);
		let after_fee = amount.saturating_sub(protocol_fee);
		let contributor_share =
			if has_dataset { share.mul_floor(amount).min(after_fee) } else { Balance::zero() };
		Split {
			protocol_fee,
			contributor_share,
			provider_net: after_fee.saturating_sub(contributor_share),
		}
	}
}

/// Receives the contributors' share of settlements for a dataset (implemented by
/// pallet-rewards; the runtime sends it to the treasury until then).
pub trait RevenueSink<Credit> {
	/// `revenue` is owed to the contributors of `dataset`.
	fn on_revenue(dataset: DatasetId, revenue: Credit);
}

/// A channel as the `MeteringApi` runtime API shows it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ChannelInfo<AccountId, Balance, BlockNumber> {
	/// Its id.
	pub id: ChannelId,
	/// Who pays.
	pub consumer: AccountId,
	/// Who is paid (the service's provider when it opened).
	pub payee: AccountId,
	/// The service it pays for.
	pub service_id: ServiceId,
	/// The key that signs its receipts.
	pub signer: ReceiptSigner,
	/// Price per unit, fixed when it opened.
	pub price_per_unit: Balance,
	/// Contributor share and dataset, fixed when it opened.
	pub contributor_share: Perbill,
	/// The dataset its contributor share goes to.
	pub dataset: Option<DatasetId>,
	/// Total deposited.
	pub deposit: Balance,
	/// Total claimed so far.
	pub claimed: Balance,
	/// Last block in which the payee may claim.
	pub expires_at: BlockNumber,
	/// Block it opened in.
	pub opened_at: BlockNumber,
}

/// What a number of units of a service costs, and how it would split.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct Quote<Balance> {
	/// Units × price per unit.
	pub total: Balance,
	/// How `total` would split at settlement.
	pub split: Split<Balance>,
}

/// Why a receipt cannot be claimed (the `MeteringApi::check_receipt` answer).
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub enum ReceiptError {
	/// No such channel.
	UnknownChannel,
	/// The channel has expired.
	ChannelExpired,
	/// The receipt is for another chain.
	WrongChain,
	/// Signed with another kind of key than the channel's signer.
	SignerMismatch,
	/// The signature does not verify.
	BadSignature,
	/// Units × price overflows.
	ArithmeticOverflow,
	/// Not more than what was already claimed.
	StaleReceipt,
	/// More than the channel's deposit.
	Overdraft,
}

/// The most channels one `MeteringApi::channels` call returns.
pub const MAX_CHANNELS_PAGE: u32 = 1_000;

sp_api::decl_runtime_apis! {
	/// Read access to payment channels, for the `agora_*` RPC and provider gateways.
	pub trait MeteringApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Channel `id`, if open.
		fn channel(id: ChannelId) -> Option<ChannelInfo<AccountId, Balance, BlockNumber>>;

		/// Up to `limit` (at most [`MAX_CHANNELS_PAGE`]) open channels of `consumer` and/or
		/// `payee` when given, following channel `start_after` (the last channel of the
		/// previous page): in id order with a consumer, otherwise in storage order. A page
		/// costs what it returns, however many channels were ever opened.
		fn channels(
			consumer: Option<AccountId>,
			payee: Option<AccountId>,
			start_after: Option<ChannelId>,
			limit: u32,
		) -> Vec<ChannelInfo<AccountId, Balance, BlockNumber>>;

		/// What `units` of service `service_id` cost at its current price, or `None` if no
		/// such service exists or the total overflows.
		fn quote(service_id: ServiceId, units: u64) -> Option<Quote<Balance>>;

		/// Whether the channel's payee could claim `receipt` now, and how much it would
		/// receive in total (before the split).
		fn check_receipt(receipt: Receipt, signature: MultiSignature) -> Result<Balance, ReceiptError>;
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::Pair;

	#[test]
	fn payload_is_the_scale_encoding_of_the_tuple() {
		let receipt = Receipt {
			genesis_hash: H256::repeat_byte(0xab),
			channel_id: 0x0102_0304_0506_0708,
			cumulative_units: 1_000_000,
		};
		let payload = receipt.payload();
		assert_eq!(payload.len(), 64);
		assert_eq!(&payload[..16], b"agora/receipt/v1");
		assert_eq!(
			payload.to_vec(),
			(RECEIPT_DOMAIN, receipt.genesis_hash, receipt.channel_id, receipt.cumulative_units)
				.encode()
		);
		assert_eq!(&payload[48..56], &[8, 7, 6, 5, 4, 3, 2, 1]);
	}

	#[test]
	fn split_sums_to_the_amount_and_favours_the_provider() {
		let split =
			Split::<u128>::of(1_001, Perbill::from_percent(3), Perbill::from_percent(10), true);
		assert_eq!(split, Split { protocol_fee: 30, contributor_share: 100, provider_net: 871 });
		// Tiny amounts: both shares round down to zero.
		assert_eq!(
			Split::<u128>::of(1, Perbill::from_percent(3), Perbill::from_percent(10), true),
			Split { protocol_fee: 0, contributor_share: 0, provider_net: 1 }
		);
		// No dataset: no contributor share.
		assert_eq!(
			Split::<u128>::of(1_000, Perbill::from_percent(3), Perbill::from_percent(10), false),
			Split { protocol_fee: 30, contributor_share: 0, provider_net: 970 }
		);
		// Fee and share above 100 % in total: the share takes what the fee leaves.
		assert_eq!(
			Split::<u128>::of(1_000, Perbill::from_percent(100), Perbill::from_percent(50), true),
			Split { protocol_fee: 1_000, contributor_share: 0, provider_net: 0 }
		);
		assert_eq!(
			Split::<u128>::of(1_000, Perbill::zero(), Perbill::zero(), true),
			Split { protocol_fee: 0, contributor_share: 0, provider_net: 1_000 }
		);
	}

	#[test]
	fn signer_checks_scheme_then_signature() {
		let pair = ed25519::Pair::from_string("//Alice", None).unwrap();
		let receipt = Receipt { genesis_hash: H256::zero(), channel_id: 1, cumulative_units: 2 };
		let signer = ReceiptSigner::Ed25519(pair.public());
		let good = MultiSignature::Ed25519(pair.sign(&receipt.payload()));
		assert_eq!(signer.check(&receipt, &good), Ok(()));
		let other = Receipt { cumulative_units: 3, ..receipt };
		assert_eq!(signer.check(&other, &good), Err(ReceiptError::BadSignature));
		let sr = sr25519::Pair::from_string("//Alice", None).unwrap();
		let wrong_kind = MultiSignature::Sr25519(sr.sign(&receipt.payload()));
		assert_eq!(signer.check(&receipt, &wrong_kind), Err(ReceiptError::SignerMismatch));
		assert_eq!(ReceiptSigner::Sr25519(sr.public()).check(&receipt, &wrong_kind), Ok(()));
		let ec = ecdsa::Pair::from_string("//Alice", None).unwrap();
		let ec_sig = MultiSignature::Ecdsa(ec.sign(&receipt.payload()));
		assert_eq!(ReceiptSigner::Ecdsa(ec.public()).check(&receipt, &ec_sig), Ok(()));
	}

	/// The worked example of `docs/payments.md`: the doc shows these exact bytes.
	#[test]
	fn worked_example_matches_the_docs() {
		let doc = include_str!("../../docs/payments.md");
		let pair = ed25519::Pair::from_string("//Alice", None).unwrap();
		let receipt = Receipt {
			genesis_hash: H256::repeat_byte(0x11),
			channel_id: 7,
			cumulative_units: 1_500,
		};
		let payload = receipt.payload();
		let signature = pair.sign(&payload);
		let public_hex = format!("0x{}", hex_of(pair.public().as_ref()));
		let payload_hex = format!("0x{}", hex_of(&payload));
		let signature_hex = format!("0x{}", hex_of(signature.as_ref()));
		for (what, hex) in
			[("public key", &public_hex), ("payload", &payload_hex), ("signature", &signature_hex)]
		{
			assert!(doc.contains(hex.as_str()), "docs/payments.md lacks the {what} {hex}");
		}
	}

	fn hex_of(bytes: &[u8]) -> String {
		bytes.iter().map(|b| format!("{b:02x}")).collect()
	}
}
