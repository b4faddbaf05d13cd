//! The records pallet-metering keeps.

use crate::{BalanceOf, Config};
use agora_primitives::{DatasetId, ParameterSet, Receipt, ReceiptSigner, ServiceId};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::{traits::Saturating, MultiSignature, Perbill};

/// An open payment channel. The consumer's `deposit − claimed` is held under
/// `HoldReason::ChannelDeposit` until claimed, refunded on close or reclaimed.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Channel<T: Config> {
	/// Who pays.
	pub consumer: T::AccountId,
	/// Who is paid: the service's provider when the channel opened.
	pub payee: T::AccountId,
	/// The service paid for.
	pub service_id: ServiceId,
	/// The key that signs receipts.
	pub signer: ReceiptSigner,
	/// Price per unit, fixed when the channel opened.
	pub price_per_unit: BalanceOf<T>,
	/// Share of each settlement for the dataset's contributors, fixed at opening.
	pub contributor_share: Perbill,
	/// The dataset that share goes to.
	pub dataset: Option<DatasetId>,
	/// Total deposited (opening deposit plus top-ups).
	pub deposit: BalanceOf<T>,
	/// Total paid out to the payee's side so far.
	pub claimed: BalanceOf<T>,
	/// Last block in which the payee may claim; the consumer may reclaim after it.
	pub expires_at: BlockNumberFor<T>,
	/// Block the channel opened in.
	pub opened_at: BlockNumberFor<T>,
}

impl<T: Config> Channel<T> {
	/// What is still held for this channel.
	pub fn unclaimed(&self) -> BalanceOf<T> {
		self.deposit.saturating_sub(self.claimed)
	}
}

/// One receipt to settle in `claim_batch`.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct ClaimItem {
	/// The receipt, as the consumer signed it.
	pub receipt: Receipt,
	/// The signer's signature of the receipt's payload.
	pub signature: MultiSignature,
}

/// The parameters of this pallet that governance changes without a runtime upgrade
/// ([`crate::Pallet::set_parameters`]), kept in its `Parameters` storage.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MeteringParameters<Balance> {
	/// Share of every settlement paid to the treasury.
	pub protocol_fee: Perbill,
	/// The smallest deposit a channel opens with.
	pub min_channel_deposit: Balance,
}

/// A new value for one of the [`MeteringParameters`].
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum ParameterChange<Balance> {
	/// Sets [`MeteringParameters::protocol_fee`].
	ProtocolFee(Perbill),
	/// Sets [`MeteringParameters::min_channel_deposit`].
	MinChannelDeposit(Balance),
}

impl<Balance: Clone> ParameterSet for MeteringParameters<Balance> {
	type Change = ParameterChange<Balance>;

	fn apply(&mut self, change: Self::Change) {
		match change {
			ParameterChange::ProtocolFee(v) => self.protocol_fee = v,
			ParameterChange::MinChannelDeposit(v) => self.min_channel_deposit = v,
		}
	}
}
