//! Validators paid through the assembled runtime: a signed transaction's fee and tip
//! split between the block's author (found from Aura's pre-digest) and the treasury, and
//! a session's issuance minted for the blocks each validator authored, to the planck.

use super::genesis_storage;
use crate::{
	configs::TreasuryAccount, AccountId, Address, Balance, Balances, Executive, Header,
	RuntimeCall, RuntimeEvent, RuntimeOrigin, Signature, SignedPayload, System, Timestamp,
	TxExtension, UncheckedExtrinsic, Validators, AGR, SLOT_DURATION, YEARS,
};
use codec::Encode;
use frame_support::{assert_ok, traits::fungible::Inspect};
use pallet_validators::Event as ValidatorsEvent;
use sp_consensus_aura::{Slot, AURA_ENGINE_ID};
use sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{generic::Era, traits::Header as _, Digest, DigestItem, Perbill};

/// The local testnet's genesis, before block 1 (which the tests initialize themselves).
fn at_genesis() -> sp_io::TestExternalities {
	sp_io::TestExternalities::new(genesis_storage(LOCAL_TESTNET_RUNTIME_PRESET))
}

/// Starts block `number` in Aura slot `slot` (on the local testnet, `slot % 4` names
/// Alice, Bob, Charlie or Dave) and sets its timestamp.
fn start_block(number: u32, slot: u64) {
	let parent = System::block_hash(number - 1);
	let digest =
		Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, Slot::from(slot).encode())] };
	Executive::initialize_block(&Header::new(
		number,
		Default::default(),
		Default::default(),
		parent,
		digest,
	));
	assert_ok!(Timestamp::set(RuntimeOrigin::none(), slot * SLOT_DURATION));
}

/// Authors blocks `first..` in `slots`, one block per slot, each finalized.
fn author_blocks(first: u32, slots: &[u64]) {
	for (i, slot) in slots.iter().enumerate() {
		let number = first + i as u32;
		start_block(number, *slot);
		let header = Executive::finalize_block();
		// The next block's parent: what `System::initialize` of block `number + 1` records.
		frame_system::BlockHash::<crate::Runtime>::insert(number, header.hash());
	}
}

/// A transfer of 1 AGR from `from` to Eve with `tip`, signed as a wallet signs it.
fn signed_transfer(from: Sr25519Keyring, tip: Balance) -> UncheckedExtrinsic {
	let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: Address::Id(Sr25519Keyring::Eve.to_account_id()),
		value: AGR,
	});
	let extension: TxExtension = (
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(Era::Immortal),
		frame_system::CheckNonce::from(System::account_nonce(from.to_account_id())),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(tip),
		frame_metadata_hash_extension::CheckMetadataHash::new(false),
		frame_system::WeightReclaim::new(),
	);
	let payload = SignedPayload::new(call.clone(), extension.clone()).expect("a valid payload");
	let signature = payload.using_encoded(|bytes| from.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		Address::Id(from.to_account_id()),
		Signature::Sr25519(signature),
		extension,
	)
}

fn balance(who: &AccountId) -> Balance {
	Balances::total_balance(who)
}

fn validators_events() -> Vec<ValidatorsEvent<crate::Runtime>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Validators(event) => Some(event),
			_ => None,
		})
		.collect()
}

#[test]
fn a_transactions_fee_and_tip_go_to_the_author_and_the_treasury() {
	at_genesis().execute_with(|| {
		let share = Validators::parameters().author_fee_share;
		assert_eq!(share, Perbill::from_percent(20));
		assert_eq!(Validators::parameters().author_tip_share, Perbill::one());
		// Slot 5 of 4 validators: Bob's.
		start_block(1, 5);
		let bob = Sr25519Keyring::Bob.to_account_id();
		let treasury = TreasuryAccount::get();
		let (bob_before, treasury_before) = (balance(&bob), balance(&treasury));
		let issuance = Balances::total_issuance();

		let tip = 3 * crate::MICRO_AGR + 1;
		assert_eq!(
			Executive::apply_extrinsic(signed_transfer(Sr25519Keyring::Ferdie, tip)),
			Ok(Ok(()))
		);
		let paid = System::events()
			.into_iter()
			.find_map(|record| match record.event {
				RuntimeEvent::TransactionPayment(
					pallet_transaction_payment::Event::TransactionFeePaid {
						actual_fee, tip, ..
					},
				) => Some((actual_fee, tip)),
				_ => None,
			})
			.expect("Ferdie paid a fee");
		let (with_tip, paid_tip) = paid;
		assert_eq!(paid_tip, tip);
		let to_author = share.mul_floor(with_tip - tip) + tip;
		assert_eq!(balance(&bob) - bob_before, to_author);
		assert_eq!(balance(&treasury) - treasury_before, with_tip - to_author);
		// Nothing is burned any more.
		assert_eq!(Balances::total_issuance(), issuance);

		Executive::finalize_block();
		assert_eq!(
			validators_events(),
			vec![ValidatorsEvent::FeesPaid {
				author: Some(bob),
				to_author,
				to_treasury: with_tip - to_author,
			}]
		);
	});
}

#[test]
fn a_session_pays_its_validators_by_blocks_authored_and_reports_the_silent_one() {
	at_genesis().execute_with(|| {
		let [alice, bob, charlie, dave] = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.map(|k| k.to_account_id());
		let treasury = TreasuryAccount::get();
		let before = [&alice, &bob, &charlie, &dave, &treasury].map(balance);
		let issuance = Balances::total_issuance();
		// Session 0 is blocks 1–10. Dave's slots (3 mod 4) pass empty: Alice authors 4
		// blocks, Bob and Charlie 3 each.
		author_blocks(1, &[4, 5, 6, 8, 9, 10, 12, 13, 14, 16]);
		assert_eq!(crate::Session::current_index(), 1);

		let parameters = Validators::parameters();
		let yearly = parameters.yearly_inflation.mul_floor(issuance);
		let minted = yearly * 10 / Balance::from(YEARS);
		let pot = minted - parameters.treasury_issuance_share.mul_floor(minted);
		let paid = [pot * 4 / 10, pot * 3 / 10, pot * 3 / 10, 0];
		let after = [&alice, &bob, &charlie, &dave, &treasury].map(balance);
		for i in 0..4 {
			assert_eq!(after[i] - before[i], paid[i], "validator {i}");
		}
		let to_validators: Balance = paid.iter().sum();
		assert_eq!(after[4] - before[4], minted - to_validators);
		assert_eq!(Balances::total_issuance() - issuance, minted);
		// 5 % of the 12,000,000.002 AGR of the preset, for 10 blocks of a 5,259,600-block year.
		assert_eq!(minted, 1_140_771_161_495);
		let events = validators_events();
		assert!(events.contains(&ValidatorsEvent::IssuanceMinted {
			session: 0,
			minted,
			to_validators,
			to_treasury: minted - to_validators,
		}));
		assert!(events.contains(&ValidatorsEvent::ValidatorRewarded {
			who: alice.clone(),
			session: 0,
			blocks: 4,
			amount: paid[0],
		}));
		assert!(!events
			.iter()
			.any(|e| matches!(e, ValidatorsEvent::ValidatorRewarded { who, .. } if *who == dave)));

		// A second silent session: Dave is reported (and stays: removal is off).
		author_blocks(11, &[17, 18, 20, 21, 22, 24, 25, 26, 28, 29]);
		assert!(validators_events().contains(&ValidatorsEvent::ValidatorOffline {
			who: dave.clone(),
			session: 1,
			sessions: 2,
			removed: false,
		}));
		assert!(Validators::validators().contains(&dave));
		super::support::check_invariants();
	});
}
