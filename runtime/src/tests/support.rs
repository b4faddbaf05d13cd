//! What the attack and property tests share: accounts, a listed service, signed receipts,
//! governance blocks, and the checks every step must pass.

use crate::{
	AccountId, Balance, Balances, Governance, Metering, Rewards, Runtime, RuntimeCall,
	RuntimeOrigin, Services, System, Validators, AGR,
};
use agora_primitives::{
	ChannelId, Conviction, Price, PriceUnit, ProposalId, Receipt, ReceiptSigner, ServiceId,
};
use frame_support::{
	assert_ok,
	traits::{fungible::InspectHold, Hooks},
};
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{MultiSignature, Perbill};
use std::sync::OnceLock;

pub fn account(keyring: Sr25519Keyring) -> AccountId {
	keyring.to_account_id()
}

pub fn signed(who: &AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

/// The key a consumer's app signs receipts with, derived once: a `//` path from the
/// development phrase runs PBKDF2 (2,048 rounds of HMAC-SHA512), slow in a debug build.
pub fn receipt_key() -> &'static sr25519::Pair {
	static KEY: OnceLock<sr25519::Pair> = OnceLock::new();
	KEY.get_or_init(|| {
		sr25519::Pair::from_string("//ReceiptSigner", None).expect("a valid derivation")
	})
}

/// Registers `provider` with the minimum bond (if it is not yet a provider) and lists a
/// service at 1 AGR per request, no dataset share.
pub fn listed_service(provider: &AccountId) -> ServiceId {
	if pallet_services::Providers::<Runtime>::get(provider).is_none() {
		let bond = crate::Services::parameters().min_provider_bond;
		assert_ok!(Services::register_provider(signed(provider), b"provider".to_vec(), bond));
	}
	let id = pallet_services::NextServiceId::<Runtime>::get();
	assert_ok!(Services::list_service(
		signed(provider),
		b"llm".to_vec(),
		vec![],
		vec![],
		Default::default(),
		Price { unit: PriceUnit::Request, per_unit: AGR },
		Perbill::zero(),
		None,
	));
	id
}

/// Opens a channel of `deposit` from `consumer` to `service` for a day at up to 1 AGR per
/// unit (the price of [`listed_service`]), receipts signed with [`receipt_key`]; returns
/// its id.
pub fn open_channel(
	consumer: &AccountId,
	service: ServiceId,
	deposit: Balance,
) -> Result<ChannelId, sp_runtime::DispatchError> {
	let id = pallet_metering::NextChannelId::<Runtime>::get();
	Metering::open_channel(
		signed(consumer),
		service,
		deposit,
		crate::DAYS,
		ReceiptSigner::Sr25519(receipt_key().public()),
		Price { unit: PriceUnit::Request, per_unit: AGR },
	)?;
	Ok(id)
}

/// A receipt for `units` requests on `channel`, signed by the consumer's app.
pub fn receipt(channel: ChannelId, units: u64) -> (Receipt, MultiSignature) {
	let receipt = Receipt {
		genesis_hash: System::block_hash(0),
		channel_id: channel,
		cumulative_units: units,
	};
	let signature = MultiSignature::Sr25519(receipt_key().sign(&receipt.payload()));
	(receipt, signature)
}

/// `proposer` proposes `call`; returns its id.
pub fn propose(proposer: &AccountId, call: RuntimeCall) -> ProposalId {
	let id = pallet_governance::NextProposalId::<Runtime>::get();
	assert_ok!(Governance::propose(signed(proposer), Box::new(call)));
	id
}

pub fn vote_aye(who: &AccountId, proposal: ProposalId, balance: Balance) {
	assert_ok!(Governance::vote(signed(who), proposal, true, balance, Conviction::Locked6x));
}

/// What `who`'s votes and conviction locks hold.
pub fn vote_held(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&pallet_governance::HoldReason::Vote.into(), who)
}

/// Moves to block `n`, running pallet-governance's `on_initialize` in every block where it
/// has something to decide or enact (the other blocks change nothing it reads), and
/// returns the weight each of those blocks used.
pub fn run_governance_to(n: crate::BlockNumber) -> Vec<frame_support::weights::Weight> {
	let mut weights = Vec::new();
	for block in System::block_number() + 1..=n {
		let deciding = pallet_governance::Deadlines::<Runtime>::contains_key(block - 1);
		let enacting = pallet_governance::Enactments::<Runtime>::contains_key(block);
		if deciding || enacting {
			System::set_block_number(block);
			weights.push(<Governance as Hooks<_>>::on_initialize(block));
		}
	}
	System::set_block_number(n);
	weights
}

/// Every pallet's invariants, and the one this round adds: each recorded vote is backed by
/// at least its balance, still held in the voter's account.
pub fn check_invariants() {
	Services::do_try_state().expect("pallet-services invariants");
	Metering::do_try_state().expect("pallet-metering invariants");
	Rewards::do_try_state().expect("pallet-rewards invariants");
	Governance::do_try_state().expect("pallet-governance invariants");
	Validators::do_try_state().expect("pallet-validators invariants");
	for (proposal, who, vote) in pallet_governance::Votes::<Runtime>::iter() {
		let held = vote_held(&who);
		assert!(
			held >= vote.balance,
			"{who}'s vote of {} on proposal {proposal} is backed by {held} only",
			vote.balance
		);
	}
}
