//! The records pallet-validators keeps.

use agora_primitives::ParameterSet;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

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
pub struct ValidatorParameters {
	/// Share of every transaction's fee paid to the block's author; the rest goes to the
	/// treasury.
	pub author_fee_share: Perbill,
	/// Share of every transaction's tip paid to the block's author; the rest goes to the
	/// treasury.
	pub author_tip_share: Perbill,
	/// New AGR minted per year, as a share of the total issuance. Minted at the end of
	/// every session for the blocks of that session; zero mints nothing.
	pub yearly_inflation: Perbill,
	/// Share of each session's issuance paid to the treasury; the rest goes to the
	/// session's validators in proportion to the blocks each authored.
	pub treasury_issuance_share: Perbill,
	/// A validator that authors no block for this many sessions in a row is reported
	/// offline (at least 1).
	pub offline_after_sessions: u32,
	/// Whether a validator reported offline leaves the set (while the set stays at or
	/// above `MinValidators`), as if governance had removed it.
	pub remove_offline: bool,
	/// Whether a validator found equivocating (a GRANDPA vote contradicting its own in
	/// the same round, proven on chain) leaves the set, besides being disabled at once.
	pub remove_offenders: bool,
}

/// A new value for one of the [`ValidatorParameters`].
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum ParameterChange {
	/// Sets [`ValidatorParameters::author_fee_share`].
	AuthorFeeShare(Perbill),
	/// Sets [`ValidatorParameters::author_tip_share`].
	AuthorTipShare(Perbill),
	/// Sets [`ValidatorParameters::yearly_inflation`].
	YearlyInflation(Perbill),
	/// Sets [`ValidatorParameters::treasury_issuance_share`].
	TreasuryIssuanceShare(Perbill),
	/// Sets [`ValidatorParameters::offline_after_sessions`].
	OfflineAfterSessions(u32),
	/// Sets [`ValidatorParameters::remove_offline`].
	RemoveOffline(bool),
	/// Sets [`ValidatorParameters::remove_offenders`].
	RemoveOffenders(bool),
}

impl ParameterSet for ValidatorParameters {
	type Change = ParameterChange;

	fn apply(&mut self, change: Self::Change) {
		match change {
			ParameterChange::AuthorFeeShare(v) => self.author_fee_share = v,
			ParameterChange::AuthorTipShare(v) => self.author_tip_share = v,
			ParameterChange::YearlyInflation(v) => self.yearly_inflation = v,
			ParameterChange::TreasuryIssuanceShare(v) => self.treasury_issuance_share = v,
			ParameterChange::OfflineAfterSessions(v) => self.offline_after_sessions = v,
			ParameterChange::RemoveOffline(v) => self.remove_offline = v,
			ParameterChange::RemoveOffenders(v) => self.remove_offenders = v,
		}
	}
}

/// The fees a block's transactions have paid so far.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct BlockFeesPaid<AccountId, Balance> {
	/// The block's author, if known: its part went to the treasury otherwise.
	pub author: Option<AccountId>,
	/// Paid to the author.
	pub to_author: Balance,
	/// Paid to the treasury.
	pub to_treasury: Balance,
}

/// What a session's issuance came to and where it went.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SessionIssuance<Balance> {
	/// Minted in all: total issuance grew by exactly this.
	pub minted: Balance,
	/// Paid to the session's validators.
	pub to_validators: Balance,
	/// Paid to the treasury: its share, and what rounding left of the validators' share.
	pub to_treasury: Balance,
}
