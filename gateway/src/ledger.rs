//! One channel's accounts as the gateway keeps them, and the checks a paid request
//! passes before it is forwarded.
//!
//! - `quantity`: everything the channel's calls have used so far (in the meter's measure),
//!   so `owed_units` = that quantity in units, rounded up once.
//! - `best`: the highest receipt with a valid signature: what the provider can claim.
//! - `reserved`: units set aside for calls still in flight.
//!
//! A request is forwarded only if, counting what it may use, the unsigned usage stays within
//! the credit limit and the whole usage within the deposit. So a consumer who stops paying
//! costs the provider at most the credit limit (plus what an in-flight call uses beyond its
//! reservation, when the meter reads the usage from the response), and the provider claims
//! only what the consumer signed.

use agora_primitives::{AccountId, Balance, BlockNumber, ChannelId, Receipt, ReceiptSigner};
use sp_core::H256;
use sp_runtime::MultiSignature;

use crate::{metering::units_for, store::Ledger};

/// A channel as the chain has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainChannel {
	pub payee: AccountId,
	pub service_id: u64,
	pub signer: ReceiptSigner,
	pub price_per_unit: Balance,
	pub deposit: Balance,
	pub claimed: Balance,
	pub expires_at: BlockNumber,
}

impl ChainChannel {
	/// Units already settled on chain.
	pub fn claimed_units(&self) -> u64 {
		if self.price_per_unit == 0 {
			return 0;
		}
		u64::try_from(self.claimed / self.price_per_unit).unwrap_or(u64::MAX)
	}
}

/// What this gateway sells, and on which terms.
#[derive(Clone, Debug)]
pub struct Terms {
	/// The chain's genesis hash, which every receipt names.
	pub genesis_hash: H256,
	/// The provider's account: the payee of the channels it serves.
	pub provider: AccountId,
	/// The service the gateway fronts.
	pub service_id: u64,
	/// How much usage may go unsigned (planck).
	pub credit_limit: Balance,
	/// A channel this close to expiry (blocks) is not served: its receipts could not be
	/// settled in time.
	pub expiry_margin: BlockNumber,
	/// The meter's quantity per unit.
	pub quantity_per_unit: u64,
}

/// The newest receipt with a valid signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedReceipt {
	pub units: u64,
	pub signature: MultiSignature,
}

/// Why a paid request is refused (answered 402, nothing forwarded).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
	#[error(
		"the request carries no receipt (headers Agora-Channel, Agora-Units, Agora-Signature)"
	)]
	MissingReceipt,
	#[error("{0}")]
	MalformedReceipt(String),
	#[error("channel {0} does not exist on chain (never opened, or closed)")]
	UnknownChannel(ChannelId),
	#[error("channel {0} pays another provider")]
	WrongPayee(ChannelId),
	#[error("channel {channel} pays for service {service}, this gateway serves {served}")]
	WrongService { channel: ChannelId, service: u64, served: u64 },
	#[error("the signature is not the channel signer's signature of this receipt")]
	BadSignature,
	#[error("the signature's scheme is not the channel signer's")]
	SignerMismatch,
	#[error("channel {channel} expires at block {expires_at}: too close to settle (extend it)")]
	ChannelExpiring { channel: ChannelId, expires_at: BlockNumber },
	#[error("the receipt's {units} units exceed what the deposit pays for ({max_units} units)")]
	ReceiptExceedsDeposit { units: u64, max_units: u64 },
	#[error("the deposit pays for {max_units} units and {committed_units} are used or in flight: top up the channel")]
	DepositExhausted { committed_units: u64, max_units: u64 },
	#[error("{owed_units} units are owed: sign a receipt for at least {required_units} units")]
	ReceiptTooLow { owed_units: u64, required_units: u64 },
	#[error("the chain cannot be read right now: {0}")]
	ChainUnavailable(String),
	#[error("the receipt cannot be stored right now: {0}")]
	StoreUnavailable(String),
	#[error("the gateway is serving as many requests as it may ({0}): retry shortly")]
	Overloaded(usize),
	#[error("request bodies are limited to {0} bytes")]
	BodyTooLarge(usize),
	#[error("one call may use at most {0} units")]
	CallLimitReached(u64),
	#[error("the request body did not arrive within {0:?}")]
	RequestTimeout(std::time::Duration),
	#[error("this account has used its {allowance} free calls of the period; they renew at {renews_at} (Unix time). Open a payment channel to the service to go on")]
	FreeCallsExhausted { allowance: u32, renews_at: u64 },
	#[error("the provider's free calls for this period are all used; they renew at {renews_at} (Unix time). Open a payment channel to the service to go on")]
	FreeCallBudgetExhausted { renews_at: u64 },
	#[error("{0}")]
	CallerUnauthenticated(String),
	#[error(
		"this signed request was already served: sign each request with a new Agora-Caller-Nonce"
	)]
	ReplayedRequest,
	#[error("channel {channel} has {limit} calls in flight, the most one channel may: retry when one ends")]
	ChannelBusy { channel: ChannelId, limit: u32 },
}

impl Refusal {
	/// A short, stable name: the JSON `error` of a 402 and the metrics label.
	pub fn reason(&self) -> &'static str {
		match self {
			Refusal::MissingReceipt => "missing_receipt",
			Refusal::MalformedReceipt(_) => "malformed_receipt",
			Refusal::UnknownChannel(_) => "unknown_channel",
			Refusal::WrongPayee(_) => "wrong_payee",
			Refusal::WrongService { .. } => "wrong_service",
			Refusal::BadSignature => "bad_signature",
			Refusal::SignerMismatch => "signer_mismatch",
			Refusal::ChannelExpiring { .. } => "channel_expiring",
			Refusal::ReceiptExceedsDeposit { .. } => "receipt_exceeds_deposit",
			Refusal::DepositExhausted { .. } => "deposit_exhausted",
			Refusal::ReceiptTooLow { .. } => "receipt_too_low",
			Refusal::ChainUnavailable(_) => "chain_unavailable",
			Refusal::StoreUnavailable(_) => "store_unavailable",
			Refusal::Overloaded(_) => "overloaded",
			Refusal::BodyTooLarge(_) => "body_too_large",
			Refusal::CallLimitReached(_) => "call_limit_reached",
			Refusal::RequestTimeout(_) => "request_timeout",
			Refusal::FreeCallsExhausted { .. } | Refusal::FreeCallBudgetExhausted { .. } => {
				"free_calls_exhausted"
			},
			Refusal::CallerUnauthenticated(_) => "caller_unauthenticated",
			Refusal::ReplayedRequest => "replayed_request",
			Refusal::ChannelBusy { .. } => "channel_busy",
		}
	}

	/// Whether the gateway, not the payment, is at fault (answered 503, not 402).
	pub fn is_unavailable(&self) -> bool {
		matches!(
			self,
			Refusal::ChainUnavailable(_) | Refusal::StoreUnavailable(_) | Refusal::Overloaded(_)
		)
	}

	/// The HTTP status a refused request is answered with.
	pub fn status(&self) -> u16 {
		match self {
			Refusal::BodyTooLarge(_) => 413,
			Refusal::RequestTimeout(_) => 408,
			Refusal::CallerUnauthenticated(_) | Refusal::ReplayedRequest => 401,
			Refusal::ChannelBusy { .. } => 429,
			refusal if refusal.is_unavailable() => 503,
			_ => 402,
		}
	}

	/// Whether fresh chain state could change the answer (a top-up, an extension).
	pub fn may_change_on_chain(&self) -> bool {
		matches!(
			self,
			Refusal::ChannelExpiring { .. }
				| Refusal::ReceiptExceedsDeposit { .. }
				| Refusal::DepositExhausted { .. }
		)
	}
}

/// One channel's accounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelAccount {
	pub id: ChannelId,
	pub chain: ChainChannel,
	pub best: Option<SignedReceipt>,
	/// Everything the channel's completed calls used, in the meter's measure.
	pub quantity: u128,
	/// Units set aside for calls in flight.
	pub reserved: u64,
}

impl ChannelAccount {
	/// Channel `id`'s accounts: its state on chain and its shared `ledger`.
	pub fn of(id: ChannelId, chain: ChainChannel, ledger: &Ledger) -> ChannelAccount {
		ChannelAccount {
			id,
			chain,
			best: ledger.best.clone(),
			quantity: ledger.quantity,
			reserved: ledger.reserved(),
		}
	}

	/// Puts what these accounts changed into `ledger`: the best receipt, the usage, and the
	/// updating call's reservation (the others' are not its to change).
	pub fn write_back(&self, ledger: &mut Ledger) {
		ledger.best = self.best.clone();
		ledger.quantity = self.quantity;
		ledger.reserved_by_call = self.reserved.saturating_sub(ledger.reserved_by_others);
	}

	/// Units the completed calls cost.
	pub fn owed_units(&self, terms: &Terms) -> u64 {
		units_for(self.quantity, terms.quantity_per_unit)
	}

	/// Units of the best receipt (0 without one).
	pub fn signed_units(&self) -> u64 {
		self.best.as_ref().map_or(0, |b| b.units)
	}

	/// The best receipt, if it pays more than is settled on chain.
	pub fn claimable(&self) -> Option<&SignedReceipt> {
		self.best.as_ref().filter(|b| b.units > self.chain.claimed_units())
	}

	/// What the best receipt adds to what is settled (planck).
	pub fn unclaimed_value(&self) -> Balance {
		let units = self.signed_units().saturating_sub(self.chain.claimed_units());
		Balance::from(units).saturating_mul(self.chain.price_per_unit)
	}

	/// Units `amount` pays for at the channel's price (unbounded for a free service).
	fn units_paid_by(&self, amount: Balance) -> u64 {
		match self.chain.price_per_unit {
			0 => u64::MAX,
			price => u64::try_from(amount / price).unwrap_or(u64::MAX),
		}
	}

	/// Whether `signature` is the channel signer's signature of a receipt for `units`.
	pub fn verify(
		&self,
		terms: &Terms,
		units: u64,
		signature: &MultiSignature,
	) -> Result<(), Refusal> {
		let receipt = Receipt {
			genesis_hash: terms.genesis_hash,
			channel_id: self.id,
			cumulative_units: units,
		};
		self.chain.signer.check(&receipt, signature).map_err(|e| match e {
			agora_primitives::ReceiptError::SignerMismatch => Refusal::SignerMismatch,
			_ => Refusal::BadSignature,
		})
	}

	/// Checks a receipt for `units` against the channel as the chain has it: payee, service,
	/// expiry, deposit, and (unless `signature_known`, i.e. already verified) the signer's
	/// signature. Needs nothing of the ledger.
	pub fn check_receipt(
		&self,
		terms: &Terms,
		best_block: BlockNumber,
		units: u64,
		signature: &MultiSignature,
		signature_known: bool,
	) -> Result<(), Refusal> {
		if self.chain.payee != terms.provider {
			return Err(Refusal::WrongPayee(self.id));
		}
		if self.chain.service_id != terms.service_id {
			return Err(Refusal::WrongService {
				channel: self.id,
				service: self.chain.service_id,
				served: terms.service_id,
			});
		}
		if best_block.saturating_add(terms.expiry_margin) >= self.chain.expires_at {
			return Err(Refusal::ChannelExpiring {
				channel: self.id,
				expires_at: self.chain.expires_at,
			});
		}
		let max_units = self.units_paid_by(self.chain.deposit);
		if units > max_units {
			return Err(Refusal::ReceiptExceedsDeposit { units, max_units });
		}
		if !signature_known {
			self.verify(terms, units, signature)?;
		}
		Ok(())
	}

	/// Keeps a checked receipt when it is the best so far; returns whether it became the
	/// best (and must be stored).
	pub fn keep_receipt(&mut self, units: u64, signature: &MultiSignature) -> bool {
		if units <= self.signed_units() {
			return false;
		}
		self.best = Some(SignedReceipt { units, signature: signature.clone() });
		true
	}

	/// [`check_receipt`](Self::check_receipt) then [`keep_receipt`](Self::keep_receipt);
	/// the signature is not verified again when it is the best receipt's.
	pub fn accept_receipt(
		&mut self,
		terms: &Terms,
		best_block: BlockNumber,
		units: u64,
		signature: &MultiSignature,
	) -> Result<bool, Refusal> {
		let known = self
			.best
			.as_ref()
			.is_some_and(|b| b.units == units && &b.signature == signature);
		self.check_receipt(terms, best_block, units, signature, known)?;
		Ok(self.keep_receipt(units, signature))
	}

	/// Sets `reservation` units aside for a call, if the deposit covers everything used and
	/// in flight and the unsigned part stays within the credit limit.
	pub fn reserve(&mut self, terms: &Terms, reservation: u64) -> Result<(), Refusal> {
		let owed_units = self.owed_units(terms);
		let committed_units = owed_units.saturating_add(self.reserved).saturating_add(reservation);
		let max_units = self.units_paid_by(self.chain.deposit);
		if committed_units > max_units {
			return Err(Refusal::DepositExhausted { committed_units, max_units });
		}
		let credit_units = self.units_paid_by(terms.credit_limit);
		let required_units = committed_units.saturating_sub(credit_units);
		if self.signed_units() < required_units {
			return Err(Refusal::ReceiptTooLow { owed_units, required_units });
		}
		self.reserved = self.reserved.saturating_add(reservation);
		Ok(())
	}

	/// The most a call holding `reservation` units may add to the usage (in the meter's
	/// quantity): what the deposit still pays for once the other calls in flight are
	/// counted. A call is never charged more, so the units owed never pass the deposit.
	pub fn quantity_room(&self, terms: &Terms, reservation: u64) -> u128 {
		let others = self.reserved.saturating_sub(reservation);
		let units = self.units_paid_by(self.chain.deposit).saturating_sub(others);
		(u128::from(units) * u128::from(terms.quantity_per_unit.max(1)))
			.saturating_sub(self.quantity)
	}

	/// A call that reserved `reservation` used `quantity`; returns the units owed now.
	pub fn complete(&mut self, terms: &Terms, reservation: u64, quantity: u64) -> u64 {
		self.reserved = self.reserved.saturating_sub(reservation);
		self.quantity = self.quantity.saturating_add(u128::from(quantity));
		self.owed_units(terms)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::{sr25519, Pair};
	use sp_keyring::Sr25519Keyring;

	const GENESIS: H256 = H256::repeat_byte(7);
	const PRICE: Balance = 1_000;

	fn terms() -> Terms {
		Terms {
			genesis_hash: GENESIS,
			provider: Sr25519Keyring::Bob.to_account_id(),
			service_id: 3,
			credit_limit: 5 * PRICE,
			expiry_margin: 10,
			quantity_per_unit: 1,
		}
	}

	fn app_key() -> sr25519::Pair {
		sr25519::Pair::from_string("//consumer-app", None).unwrap()
	}

	fn channel() -> ChannelAccount {
		ChannelAccount {
			id: 9,
			chain: ChainChannel {
				payee: Sr25519Keyring::Bob.to_account_id(),
				service_id: 3,
				signer: ReceiptSigner::Sr25519(app_key().public()),
				price_per_unit: PRICE,
				deposit: 100 * PRICE,
				claimed: 0,
				expires_at: 1_000,
			},
			best: None,
			quantity: 0,
			reserved: 0,
		}
	}

	fn sign(units: u64) -> MultiSignature {
		let receipt = Receipt { genesis_hash: GENESIS, channel_id: 9, cumulative_units: units };
		MultiSignature::Sr25519(app_key().sign(&receipt.payload()))
	}

	#[test]
	fn a_higher_valid_receipt_becomes_the_best_and_a_lower_one_does_not() {
		let mut account = channel();
		// sr25519 signatures are randomised: two signatures of one receipt differ.
		let ten = sign(10);
		assert_eq!(account.accept_receipt(&terms(), 100, 10, &ten), Ok(true));
		assert_eq!(account.signed_units(), 10);
		assert_eq!(account.accept_receipt(&terms(), 100, 4, &sign(4)), Ok(false));
		assert_eq!(account.accept_receipt(&terms(), 100, 10, &sign(10)), Ok(false));
		assert_eq!(account.best, Some(SignedReceipt { units: 10, signature: ten }));
		assert_eq!(account.claimable().map(|b| b.units), Some(10));
		assert_eq!(account.unclaimed_value(), 10 * PRICE);
	}

	#[test]
	fn receipt_checks_refuse_and_keep_the_best() {
		let terms = terms();
		let mut account = channel();
		account.accept_receipt(&terms, 100, 5, &sign(5)).unwrap();
		let before = account.clone();
		// Signed for other units, for another channel, or by another key.
		assert_eq!(account.accept_receipt(&terms, 100, 6, &sign(7)), Err(Refusal::BadSignature));
		let other = Receipt { genesis_hash: GENESIS, channel_id: 8, cumulative_units: 6 };
		let other_channel = MultiSignature::Sr25519(app_key().sign(&other.payload()));
		assert_eq!(
			account.accept_receipt(&terms, 100, 6, &other_channel),
			Err(Refusal::BadSignature)
		);
		let stranger = Receipt { genesis_hash: H256::zero(), channel_id: 9, cumulative_units: 6 };
		let other_chain = MultiSignature::Sr25519(app_key().sign(&stranger.payload()));
		assert_eq!(
			account.accept_receipt(&terms, 100, 6, &other_chain),
			Err(Refusal::BadSignature)
		);
		let ed = sp_core::ed25519::Pair::from_string("//consumer-app", None).unwrap();
		let mismatch = MultiSignature::Ed25519(ed.sign(&[0u8; 64]));
		assert_eq!(account.accept_receipt(&terms, 100, 6, &mismatch), Err(Refusal::SignerMismatch));
		// More than the deposit pays for.
		assert_eq!(
			account.accept_receipt(&terms, 100, 101, &sign(101)),
			Err(Refusal::ReceiptExceedsDeposit { units: 101, max_units: 100 })
		);
		// Within the expiry margin: 990 + 10 reaches block 1,000.
		assert_eq!(
			account.accept_receipt(&terms, 990, 6, &sign(6)),
			Err(Refusal::ChannelExpiring { channel: 9, expires_at: 1_000 })
		);
		assert_eq!(account, before);
	}

	#[test]
	fn channels_of_other_providers_or_services_are_refused() {
		let mut account = channel();
		account.chain.payee = Sr25519Keyring::Charlie.to_account_id();
		assert_eq!(account.accept_receipt(&terms(), 1, 1, &sign(1)), Err(Refusal::WrongPayee(9)));
		let mut account = channel();
		account.chain.service_id = 4;
		assert_eq!(
			account.accept_receipt(&terms(), 1, 1, &sign(1)),
			Err(Refusal::WrongService { channel: 9, service: 4, served: 3 })
		);
	}

	#[test]
	fn unsigned_usage_never_exceeds_the_credit_limit() {
		let terms = terms(); // 5 units of credit
		let mut account = channel();
		// Nothing signed: five 1-unit calls fit in the credit, the sixth does not.
		for _ in 0..5 {
			account.reserve(&terms, 1).unwrap();
		}
		assert_eq!(
			account.reserve(&terms, 1),
			Err(Refusal::ReceiptTooLow { owed_units: 0, required_units: 1 })
		);
		// The calls complete: 5 owed, none in flight; a receipt for 1 unit lets one more in.
		for _ in 0..5 {
			account.complete(&terms, 1, 1);
		}
		assert_eq!(account.owed_units(&terms), 5);
		assert_eq!(account.reserved, 0);
		account.accept_receipt(&terms, 1, 1, &sign(1)).unwrap();
		account.reserve(&terms, 1).unwrap();
		assert_eq!(
			account.reserve(&terms, 1),
			Err(Refusal::ReceiptTooLow { owed_units: 5, required_units: 2 })
		);
		assert_eq!(account.reserved, 1);
	}

	#[test]
	fn the_deposit_bounds_usage_and_reservations() {
		let mut terms = terms();
		terms.credit_limit = 1_000 * PRICE;
		let mut account = channel(); // deposit: 100 units
		account.complete(&terms, 0, 98);
		account.reserve(&terms, 2).unwrap();
		assert_eq!(
			account.reserve(&terms, 1),
			Err(Refusal::DepositExhausted { committed_units: 101, max_units: 100 })
		);
		// A top-up seen on chain makes room.
		account.chain.deposit += PRICE;
		account.reserve(&terms, 1).unwrap();
	}

	#[test]
	fn owed_units_round_up_over_the_channel_usage() {
		let mut terms = terms();
		terms.quantity_per_unit = 1_000;
		let mut account = channel();
		assert_eq!(account.complete(&terms, 0, 300), 1);
		assert_eq!(account.complete(&terms, 0, 300), 1);
		assert_eq!(account.complete(&terms, 0, 401), 2);
	}

	#[test]
	fn only_the_gateway_own_failures_are_unavailable() {
		assert!(Refusal::ChainUnavailable("down".into()).is_unavailable());
		assert!(Refusal::StoreUnavailable("disk full".into()).is_unavailable());
		assert_eq!(Refusal::StoreUnavailable("disk full".into()).reason(), "store_unavailable");
		assert!(!Refusal::BadSignature.is_unavailable());
		assert!(!Refusal::ReceiptTooLow { owed_units: 1, required_units: 1 }.is_unavailable());
		assert_eq!(Refusal::Overloaded(64).status(), 503);
		assert_eq!(Refusal::BodyTooLarge(10).status(), 413);
		assert_eq!(Refusal::RequestTimeout(std::time::Duration::from_secs(3)).status(), 408);
		assert_eq!(Refusal::CallLimitReached(10).status(), 402);
		assert_eq!(Refusal::BadSignature.status(), 402);
		let busy = Refusal::ChannelBusy { channel: 9, limit: 4 };
		assert_eq!(
			(busy.status(), busy.reason(), busy.is_unavailable()),
			(429, "channel_busy", false)
		);
	}

	#[test]
	fn no_call_is_charged_past_the_deposit() {
		let mut terms = terms();
		terms.quantity_per_unit = 1_000;
		terms.credit_limit = 1_000 * PRICE;
		let mut account = channel(); // deposit: 100 units = 100,000 quantity
		account.complete(&terms, 0, 90_500);
		// Two calls in flight hold 2 and 3 units: the first may add what the deposit pays
		// for beyond the usage and the other's 3 units.
		account.reserve(&terms, 2).unwrap();
		account.reserve(&terms, 3).unwrap();
		assert_eq!(account.quantity_room(&terms, 2), 97_000 - 90_500);
		account.complete(&terms, 2, 6_500);
		// The other call may still use its own 3 units, and no more.
		assert_eq!(account.quantity_room(&terms, 3), 3_000);
		account.complete(&terms, 3, 3_000);
		assert_eq!(account.quantity_room(&terms, 0), 0);
		assert_eq!(account.owed_units(&terms), 100);
	}

	#[test]
	fn a_call_changes_only_its_own_reservation_in_the_shared_ledger() {
		let terms = terms();
		let mut ledger = Ledger { reserved_by_others: 4, reserved_by_call: 1, ..Ledger::default() };
		let mut account = ChannelAccount::of(9, channel().chain, &ledger);
		assert_eq!(account.reserved, 5);
		// The credit (5 units) is all reserved, 4 of it by other calls: no more fits.
		assert_eq!(
			account.reserve(&terms, 1),
			Err(Refusal::ReceiptTooLow { owed_units: 0, required_units: 1 })
		);
		account.complete(&terms, 1, 1);
		account.write_back(&mut ledger);
		assert_eq!(
			(ledger.reserved_by_others, ledger.reserved_by_call, ledger.quantity),
			(4, 0, 1)
		);
	}

	#[test]
	fn settled_units_come_from_the_chain() {
		let mut account = channel();
		account.accept_receipt(&terms(), 1, 10, &sign(10)).unwrap();
		account.chain.claimed = 10 * PRICE;
		assert_eq!(account.chain.claimed_units(), 10);
		assert_eq!(account.claimable(), None);
		assert_eq!(account.unclaimed_value(), 0);
	}
}
