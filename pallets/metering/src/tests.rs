//! Tests of every call with exact free and held balances of consumer, provider, treasury
//! and pool; every error with its specific error and no state change. Each test ends
//! with `try_state`.

use crate::{
	migrations, mock::*, Channels, ChannelsByConsumer, ChannelsByPayee, ClaimItem, Error, Event,
	HoldReason, NextChannelId, OpenChannels, PaidTotals, Parameters, WeightInfo,
};
use agora_primitives::{
	ChannelId, ChannelsOfService, PaidUsage, Price, PriceUnit, Receipt, ReceiptError,
	ReceiptSigner, ServiceStatus, Split,
};
use agora_test_config::walk_pages;
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
	BoundedVec,
};
use sp_core::{ecdsa, ed25519, sr25519, Pair, H256};
use sp_runtime::{DispatchError, MultiSignature, Perbill, TokenError};
use std::sync::OnceLock;

fn held(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ChannelDeposit.into(), who)
}

fn free(who: &AccountId) -> Balance {
	Balances::balance(who)
}

/// The consumer's receipt key, derived once: a `//` path from the development phrase
/// runs PBKDF2 (2,048 rounds of HMAC-SHA512), tens of milliseconds in a debug build.
fn sr_pair() -> &'static sr25519::Pair {
	static PAIR: OnceLock<sr25519::Pair> = OnceLock::new();
	PAIR.get_or_init(|| sr25519::Pair::from_string("//Consumer", None).unwrap())
}

fn sr_signer() -> ReceiptSigner {
	ReceiptSigner::Sr25519(sr_pair().public())
}

fn genesis() -> H256 {
	System::block_hash(0)
}

fn receipt(channel_id: ChannelId, cumulative_units: u64) -> Receipt {
	Receipt { genesis_hash: genesis(), channel_id, cumulative_units }
}

fn sign(receipt: &Receipt) -> MultiSignature {
	MultiSignature::Sr25519(sr_pair().sign(&receipt.payload()))
}

fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|record| match record.event {
			RuntimeEvent::Metering(event) => Some(event),
			_ => None,
		})
		.expect("the pallet emitted an event")
}

fn metering_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Metering(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// A price any of the mock's services (priced per 1k tokens) opens at.
fn any_price() -> Price<Balance> {
	Price { unit: PriceUnit::Token1k, per_unit: Balance::MAX }
}

/// Opens a channel of the consumer on `service` and returns its id.
fn open_on(service: u64, deposit: Balance, duration: u64) -> ChannelId {
	let id = crate::NextChannelId::<Test>::get();
	assert_ok!(Metering::open_channel(
		RuntimeOrigin::signed(consumer()),
		service,
		deposit,
		duration,
		sr_signer(),
		any_price()
	));
	id
}

fn open(deposit: Balance) -> ChannelId {
	open_on(0, deposit, 50)
}

fn claim(id: ChannelId, units: u64, close: bool) -> sp_runtime::DispatchResult {
	let receipt = receipt(id, units);
	Metering::claim(RuntimeOrigin::signed(provider()), receipt, sign(&receipt), close)
}

// ------------------------------------------------------------------------------- open

#[test]
fn open_channel_holds_the_deposit_and_snapshots_the_terms() {
	run_test(|| {
		let id = open(1_000);
		assert_eq!(id, 0);
		assert_eq!(free(&consumer()), INITIAL_BALANCE - 1_000);
		assert_eq!(held(&consumer()), 1_000);
		let channel = Channels::<Test>::get(id).unwrap();
		assert_eq!(channel.consumer, consumer());
		assert_eq!(channel.payee, provider());
		assert_eq!(channel.service_id, 0);
		assert_eq!(channel.signer, sr_signer());
		assert_eq!(channel.price_per_unit, 10);
		assert_eq!(channel.contributor_share, Perbill::from_percent(10));
		assert_eq!(channel.dataset, Some(7));
		assert_eq!((channel.deposit, channel.claimed), (1_000, 0));
		assert_eq!((channel.opened_at, channel.expires_at), (1, 51));
		assert_eq!(ChannelsByConsumer::<Test>::get(consumer()).to_vec(), vec![id]);
		assert_eq!(Metering::open_channels(0), 1);
		assert_eq!(
			last_event(),
			Event::ChannelOpened {
				channel_id: id,
				consumer: consumer(),
				payee: provider(),
				service_id: 0,
				deposit: 1_000,
				price_per_unit: 10,
				expires_at: 51,
			}
		);
		// A later price change does not touch the open channel.
		MockServices::set(0, 99, Perbill::from_percent(10), Some(7), ServiceStatus::Active);
		assert_eq!(Channels::<Test>::get(id).unwrap().price_per_unit, 10);
	});
}

#[test]
fn open_channel_errors() {
	run_test(|| {
		let open_with = |service: u64, deposit: Balance, duration: u64| {
			Metering::open_channel(
				RuntimeOrigin::signed(consumer()),
				service,
				deposit,
				duration,
				sr_signer(),
				any_price(),
			)
		};
		assert_noop!(open_with(9, 1_000, 10), Error::<Test>::UnknownService);
		MockServices::set(2, 10, Perbill::zero(), None, ServiceStatus::Paused);
		assert_noop!(open_with(2, 1_000, 10), Error::<Test>::ServiceNotActive);
		MockServices::set(3, 10, Perbill::zero(), None, ServiceStatus::Retired);
		assert_noop!(open_with(3, 1_000, 10), Error::<Test>::ServiceNotActive);
		assert_noop!(open_with(0, MIN_DEPOSIT - 1, 10), Error::<Test>::DepositTooSmall);
		assert_noop!(open_with(0, 1_000, 0), Error::<Test>::InvalidDuration);
		assert_noop!(open_with(0, 1_000, MAX_DURATION + 1), Error::<Test>::InvalidDuration);
		assert_noop!(
			Metering::open_channel(
				RuntimeOrigin::signed(consumer()),
				0,
				1_000,
				10,
				sr_signer(),
				Price { unit: PriceUnit::Token1k, per_unit: 9 }
			),
			Error::<Test>::PriceAboveAgreed
		);
		assert_noop!(open_with(0, INITIAL_BALANCE + 1, 10), TokenError::FundsUnavailable);
		assert_noop!(
			Metering::open_channel(RuntimeOrigin::none(), 0, 1_000, 10, sr_signer(), any_price()),
			DispatchError::BadOrigin
		);
		for _ in 0..MAX_CHANNELS {
			open(MIN_DEPOSIT);
		}
		assert_noop!(open_with(0, 1_000, 10), Error::<Test>::TooManyChannels);
	});
}

// ------------------------------------------------------------------------------ claim

#[test]
fn only_the_newest_of_three_receipts_is_claimed() {
	run_test(|| {
		let id = open(10_000);
		// The consumer signs three receipts as usage grows; the provider keeps the newest.
		let receipts: Vec<_> = [100u64, 250, 400].iter().map(|units| receipt(id, *units)).collect();
		let newest = receipts[2];
		assert_ok!(Metering::claim(
			RuntimeOrigin::signed(provider()),
			newest,
			sign(&newest),
			false
		));

		// 400 units × 10 = 4,000: 3 % fee = 120, 10 % share = 400, provider 3,480.
		assert_eq!(held(&consumer()), 6_000);
		assert_eq!(free(&consumer()), INITIAL_BALANCE - 10_000);
		assert_eq!(free(&provider()), INITIAL_BALANCE + 3_480);
		assert_eq!(free(&treasury()), 1 + 120);
		assert_eq!(free(&pool()), 1 + 400);
		assert_eq!(revenue_log(), vec![(7, 400)]);
		assert_eq!(Channels::<Test>::get(id).unwrap().claimed, 4_000);
		// The settlement wrote only the channel: while it is open, its `claimed` is what
		// the consumer paid through it.
		assert!(!PaidTotals::<Test>::contains_key(consumer(), 0));
		assert_eq!(Metering::paid(&consumer(), 0), 4_000);
		assert_eq!(
			last_event(),
			Event::ChannelClaimed {
				channel_id: id,
				cumulative_units: 400,
				amount: 4_000,
				protocol_fee: 120,
				contributor_share: 400,
				provider_net: 3_480,
			}
		);

		// Replaying the older receipts, or the same one, pays nothing.
		for old in [receipts[0], receipts[1], newest] {
			assert_noop!(
				Metering::claim(RuntimeOrigin::signed(provider()), old, sign(&old), false),
				Error::<Test>::StaleReceipt
			);
		}

		// A newer receipt pays only the difference.
		assert_ok!(claim(id, 500, false));
		assert_eq!(held(&consumer()), 5_000);
		assert_eq!(free(&provider()), INITIAL_BALANCE + 3_480 + 870);
		assert_eq!(free(&treasury()), 1 + 120 + 30);
		assert_eq!(free(&pool()), 1 + 400 + 100);
	});
}

#[test]
fn claim_with_close_refunds_the_rest_and_removes_the_channel() {
	run_test(|| {
		let id = open(10_000);
		assert_ok!(claim(id, 100, true));
		assert_eq!(held(&consumer()), 0);
		assert_eq!(free(&consumer()), INITIAL_BALANCE - 1_000);
		assert!(Channels::<Test>::get(id).is_none());
		assert!(ChannelsByConsumer::<Test>::get(consumer()).is_empty());
		assert_eq!(Metering::open_channels(0), 0);
		assert!(!OpenChannels::<Test>::contains_key(0));
		assert_eq!(last_event(), Event::ChannelClosed { channel_id: id, refunded: 9_000 });
		assert_noop!(claim(id, 200, false), Error::<Test>::UnknownChannel);
	});
}

#[test]
fn claim_errors_leave_everything_untouched() {
	run_test(|| {
		let id = open(1_000);
		let good = receipt(id, 10);
		let signature = sign(&good);
		assert_noop!(
			Metering::claim(RuntimeOrigin::signed(other()), good, signature.clone(), false),
			Error::<Test>::NotPayee
		);
		assert_noop!(
			Metering::claim(RuntimeOrigin::signed(consumer()), good, signature.clone(), false),
			Error::<Test>::NotPayee
		);
		let unknown = receipt(id + 1, 10);
		assert_noop!(
			Metering::claim(RuntimeOrigin::signed(provider()), unknown, sign(&unknown), false),
			Error::<Test>::UnknownChannel
		);
		// A receipt for another chain, validly signed.
		let foreign = Receipt { genesis_hash: H256::repeat_byte(9), ..good };
		assert_noop!(
			Metering::claim(RuntimeOrigin::signed(provider()), foreign, sign(&foreign), false),
			Error::<Test>::WrongChain
		);
		// Signed with an ed25519 key although the channel's signer is sr25519.
		let ed = ed25519::Pair::from_string("//Consumer", None).unwrap();
		assert_noop!(
			Metering::claim(
				RuntimeOrigin::signed(provider()),
				good,
				MultiSignature::Ed25519(ed.sign(&good.payload())),
				false
			),
			Error::<Test>::SignerMismatch
		);
		// Signed by another sr25519 key.
		let stranger = sr25519::Pair::from_string("//Stranger", None).unwrap();
		assert_noop!(
			Metering::claim(
				RuntimeOrigin::signed(provider()),
				good,
				MultiSignature::Sr25519(stranger.sign(&good.payload())),
				false
			),
			Error::<Test>::BadSignature
		);
		// The signature of 10 units presented for 90.
		let inflated = receipt(id, 90);
		assert_noop!(
			Metering::claim(RuntimeOrigin::signed(provider()), inflated, signature.clone(), false),
			Error::<Test>::BadSignature
		);
		// 101 units × 10 is more than the deposit of 1,000.
		assert_noop!(claim(id, 101, false), Error::<Test>::Overdraft);
		assert_noop!(claim(id, 0, false), Error::<Test>::StaleReceipt);
		// Units × price beyond u128.
		MockServices::set(5, u128::MAX / 2, Perbill::zero(), None, ServiceStatus::Active);
		let big = open_on(5, 1_000, 10);
		assert_noop!(claim(big, 3, false), Error::<Test>::ArithmeticOverflow);
		// After expiry the payee can no longer claim.
		System::set_block_number(52);
		assert_noop!(
			Metering::claim(RuntimeOrigin::signed(provider()), good, signature, false),
			Error::<Test>::ChannelExpired
		);
		assert_eq!(free(&provider()), INITIAL_BALANCE);
		assert_eq!(held(&consumer()), 2_000);
	});
}

#[test]
fn claims_can_be_made_until_the_expiry_block_included() {
	run_test(|| {
		let id = open(1_000);
		System::set_block_number(51);
		assert_ok!(claim(id, 10, false));
	});
}

#[test]
fn sr25519_ed25519_and_ecdsa_signers_all_settle() {
	run_test(|| {
		let ed = ed25519::Pair::from_string("//App", None).unwrap();
		let ec = ecdsa::Pair::from_string("//App", None).unwrap();
		let keys: Vec<(ReceiptSigner, Box<dyn Fn(&[u8]) -> MultiSignature>)> = vec![
			(sr_signer(), Box::new(|m: &[u8]| MultiSignature::Sr25519(sr_pair().sign(m)))),
			(
				ReceiptSigner::Ed25519(ed.public()),
				Box::new(move |m: &[u8]| MultiSignature::Ed25519(ed.sign(m))),
			),
			(
				ReceiptSigner::Ecdsa(ec.public()),
				Box::new(move |m: &[u8]| MultiSignature::Ecdsa(ec.sign(m))),
			),
		];
		for (signer, sign_with) in keys {
			let id = crate::NextChannelId::<Test>::get();
			assert_ok!(Metering::open_channel(
				RuntimeOrigin::signed(consumer()),
				1,
				1_000,
				10,
				signer,
				any_price()
			));
			let receipt = receipt(id, 7);
			assert_ok!(Metering::claim(
				RuntimeOrigin::signed(provider()),
				receipt,
				sign_with(&receipt.payload()),
				true
			));
		}
		// Service 1 has no dataset: 3 × 70 split into 2 fee (3 % of 70, rounded down) + 68.
		assert_eq!(free(&treasury()), 1 + 3 * 2);
		assert_eq!(free(&provider()), INITIAL_BALANCE + 3 * 68);
		assert_eq!(free(&pool()), 1);
		assert_eq!(free(&consumer()), INITIAL_BALANCE - 3 * 70);
	});
}

#[test]
fn fee_rounding_favours_the_provider_and_parts_sum_exactly() {
	run_test(|| {
		// One unit at 10: 3 % of 10 and 10 % of 10 round down to 0 and 1.
		let id = open(1_000);
		assert_ok!(claim(id, 1, false));
		assert_eq!(free(&treasury()), 1);
		assert_eq!(free(&pool()), 1 + 1);
		assert_eq!(free(&provider()), INITIAL_BALANCE + 9);

		// A zero protocol fee: nothing to the treasury.
		set_fee(Perbill::zero());
		assert_ok!(claim(id, 11, false));
		assert_eq!(free(&treasury()), 1);
		assert_eq!(free(&pool()), 2 + 10);
		assert_eq!(free(&provider()), INITIAL_BALANCE + 9 + 90);

		// A 100 % fee, beyond what governance may set (`MaxProtocolFee`), still splits
		// exactly: everything to the treasury, the share gets what is left (nothing).
		set_fee(Perbill::one());
		assert_ok!(claim(id, 21, false));
		assert_eq!(free(&treasury()), 1 + 100);
		assert_eq!(free(&pool()), 12);
		assert_eq!(free(&provider()), INITIAL_BALANCE + 99);
		assert_eq!(held(&consumer()), 1_000 - 210);
		set_fee(PROTOCOL_FEE);
	});
}

/// Sets the protocol fee in storage, bypassing governance's bounds.
fn set_fee(fee: Perbill) {
	Parameters::<Test>::mutate(|parameters| parameters.protocol_fee = fee);
}

// ------------------------------------------------------------------------------ batch

#[test]
fn batch_settles_good_items_and_reports_bad_ones() {
	run_test(|| {
		let a = open_on(0, 1_000, 50);
		let b = open_on(1, 1_000, 50);
		let c = open_on(0, 1_000, 50);
		let good_a = receipt(a, 20);
		let good_b = receipt(b, 30);
		let overdraft_c = receipt(c, 101);
		let foreign = Receipt { genesis_hash: H256::repeat_byte(1), ..receipt(c, 5) };
		let item = |r: Receipt| ClaimItem { receipt: r, signature: sign(&r) };
		let items: BoundedVec<_, _> = vec![
			item(good_a),
			item(overdraft_c),
			item(good_b),
			item(foreign),
			item(receipt(99, 1)),
		]
		.try_into()
		.unwrap();
		assert_ok!(Metering::claim_batch(RuntimeOrigin::signed(provider()), items));

		let events = metering_events();
		let rejected: Vec<_> = events
			.iter()
			.filter_map(|e| match e {
				Event::ClaimRejected { channel_id, error } => Some((*channel_id, *error)),
				_ => None,
			})
			.collect();
		assert_eq!(
			rejected,
			vec![
				(c, Error::<Test>::Overdraft.into()),
				(c, Error::<Test>::WrongChain.into()),
				(99, Error::<Test>::UnknownChannel.into()),
			]
		);
		assert_eq!(
			last_event(),
			Event::BatchClaimed { payee: provider(), settled: 2, rejected: 3, amount: 200 + 300 }
		);
		// a: 200 → fee 6, share 20, net 174. b (no dataset): 300 → fee 9, net 291.
		assert_eq!(free(&treasury()), 1 + 15);
		assert_eq!(free(&pool()), 1 + 20);
		assert_eq!(free(&provider()), INITIAL_BALANCE + 174 + 291);
		assert_eq!(held(&consumer()), 3_000 - 500);
		assert_eq!(Channels::<Test>::get(c).unwrap().claimed, 0);
		// The pool was credited once for the whole batch.
		assert_eq!(revenue_log(), vec![(7, 20)]);
	});
}

#[test]
fn batch_credits_each_destination_once() {
	run_test(|| {
		let ids: Vec<_> = (0..3).map(|_| open(1_000)).collect();
		let items: BoundedVec<_, _> = ids
			.iter()
			.map(|id| {
				let r = receipt(*id, 10);
				ClaimItem { receipt: r, signature: sign(&r) }
			})
			.collect::<Vec<_>>()
			.try_into()
			.unwrap();
		assert_ok!(Metering::claim_batch(RuntimeOrigin::signed(provider()), items));
		// Three settlements of 100: fee 3 each, share 10 each, in one delivery per party.
		assert_eq!(revenue_log(), vec![(7, 30)]);
		assert_eq!(free(&treasury()), 1 + 9);
		assert_eq!(free(&provider()), INITIAL_BALANCE + 3 * 87);
		let transfers_to_provider = System::events()
			.iter()
			.filter(|r| {
				matches!(&r.event, RuntimeEvent::Balances(pallet_balances::Event::Deposit { who, .. }) if *who == provider())
			})
			.count();
		assert_eq!(transfers_to_provider, 1);
	});
}

#[test]
fn batch_is_charged_for_the_pools_it_credited() {
	run_test(|| {
		MockServices::set(2, 10, Perbill::from_percent(10), Some(8), ServiceStatus::Active);
		let on_7 = open_on(0, 1_000, 50);
		let without = open_on(1, 1_000, 50);
		let on_8 = open_on(2, 1_000, 50);
		let item = |r: Receipt| ClaimItem { receipt: r, signature: sign(&r) };
		let items: BoundedVec<_, _> = vec![
			item(receipt(on_7, 10)),
			item(receipt(without, 10)),
			item(receipt(on_8, 10)),
			item(receipt(on_7, 20)),
			item(receipt(99, 1)),
		]
		.try_into()
		.unwrap();
		// Charged up front as five receipts each paying a pool of its own.
		let call = crate::Call::<Test>::claim_batch { items: items.clone() };
		use frame_support::dispatch::GetDispatchInfo;
		assert_eq!(call.get_dispatch_info().call_weight, <() as WeightInfo>::claim_batch(0, 5));
		let post = Metering::claim_batch(RuntimeOrigin::signed(provider()), items).unwrap();
		// Two pools (datasets 7 and 8) were credited; the other three receipts (one
		// without a dataset, one sharing dataset 7's credit, one rejected) were not.
		assert_eq!(revenue_log(), vec![(7, 20), (8, 10)]);
		assert_eq!(post.actual_weight, Some(<() as WeightInfo>::claim_batch(3, 2)));
		let charged = <() as WeightInfo>::claim_batch(0, 5).ref_time();
		assert!(post.actual_weight.unwrap().ref_time() < charged);
	});
}

/// `claim_batch(n, p)`'s fit must never under-charge: a batch of one receipt paying its own
/// pool does what a single claim does (plus a loop and a storage layer), so it may not weigh
/// less than two thirds of a claim, as the CLI's forced intercept once made it
/// (docs/benchmarks.md). The intercept is extrapolated from sweeps over 50-receipt batches,
/// so small batches are over-charged, which is safe but bounded here; and a full batch,
/// every receipt paying a pool of its own, never weighs more per receipt than a claim.
#[test]
fn batch_weights_never_undercharge_a_claim() {
	let claim = <() as WeightInfo>::claim().ref_time();
	let one = <() as WeightInfo>::claim_batch(0, 1).ref_time();
	assert!(one * 3 >= claim * 2, "a one-receipt batch {one} vs a claim {claim}");
	assert!(one * 2 <= claim * 5, "a one-receipt batch {one} vs a claim {claim}");
	// The runtime's `MaxClaimsPerBatch`: the range the fit was measured over.
	let full = <() as WeightInfo>::claim_batch(0, 100).ref_time();
	assert!(full <= claim * 100, "a batch of 100 {full} vs 100 claims of {claim}");
}

#[test]
fn batch_errors() {
	run_test(|| {
		assert_noop!(
			Metering::claim_batch(RuntimeOrigin::signed(provider()), BoundedVec::new()),
			Error::<Test>::EmptyBatch
		);
		assert_noop!(
			Metering::claim_batch(RuntimeOrigin::none(), BoundedVec::new()),
			DispatchError::BadOrigin
		);
		// Items of a channel the caller is not payee of are rejected, nothing moves.
		let id = open(1_000);
		let r = receipt(id, 10);
		let items: BoundedVec<_, _> =
			vec![ClaimItem { receipt: r, signature: sign(&r) }].try_into().unwrap();
		assert_ok!(Metering::claim_batch(RuntimeOrigin::signed(other()), items));
		assert_eq!(
			metering_events().into_iter().rev().nth(1),
			Some(Event::ClaimRejected { channel_id: id, error: Error::<Test>::NotPayee.into() })
		);
		assert_eq!(held(&consumer()), 1_000);
		assert_eq!(free(&other()), INITIAL_BALANCE);
	});
}

// ------------------------------------------------------------- top up, extend, reclaim

#[test]
fn top_up_adds_to_the_hold() {
	run_test(|| {
		let id = open(1_000);
		assert_ok!(Metering::top_up(RuntimeOrigin::signed(consumer()), id, 500));
		assert_eq!(held(&consumer()), 1_500);
		assert_eq!(free(&consumer()), INITIAL_BALANCE - 1_500);
		assert_eq!(Channels::<Test>::get(id).unwrap().deposit, 1_500);
		assert_eq!(
			last_event(),
			Event::ChannelToppedUp { channel_id: id, amount: 500, deposit: 1_500 }
		);
		// The larger deposit covers a larger receipt.
		assert_ok!(claim(id, 150, false));
	});
}

#[test]
fn top_up_errors() {
	run_test(|| {
		let id = open(1_000);
		assert_noop!(
			Metering::top_up(RuntimeOrigin::signed(consumer()), id, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Metering::top_up(RuntimeOrigin::signed(consumer()), id + 1, 5),
			Error::<Test>::UnknownChannel
		);
		assert_noop!(
			Metering::top_up(RuntimeOrigin::signed(provider()), id, 5),
			Error::<Test>::NotConsumer
		);
		assert_noop!(
			Metering::top_up(RuntimeOrigin::signed(consumer()), id, INITIAL_BALANCE),
			TokenError::FundsUnavailable
		);
		System::set_block_number(52);
		assert_noop!(
			Metering::top_up(RuntimeOrigin::signed(consumer()), id, 5),
			Error::<Test>::ChannelExpired
		);
	});
}

#[test]
fn extend_moves_expiry_later_only() {
	run_test(|| {
		let id = open(1_000);
		assert_ok!(Metering::extend(RuntimeOrigin::signed(consumer()), id, 80));
		assert_eq!(Channels::<Test>::get(id).unwrap().expires_at, 80);
		assert_eq!(last_event(), Event::ChannelExtended { channel_id: id, expires_at: 80 });
		assert_noop!(
			Metering::extend(RuntimeOrigin::signed(consumer()), id, 80),
			Error::<Test>::ExpiryNotLater
		);
		assert_noop!(
			Metering::extend(RuntimeOrigin::signed(consumer()), id, 60),
			Error::<Test>::ExpiryNotLater
		);
		assert_noop!(
			Metering::extend(RuntimeOrigin::signed(consumer()), id, 1 + MAX_DURATION + 1),
			Error::<Test>::InvalidDuration
		);
		assert_noop!(
			Metering::extend(RuntimeOrigin::signed(provider()), id, 90),
			Error::<Test>::NotConsumer
		);
		assert_noop!(
			Metering::extend(RuntimeOrigin::signed(consumer()), id + 1, 90),
			Error::<Test>::UnknownChannel
		);
		System::set_block_number(81);
		assert_noop!(
			Metering::extend(RuntimeOrigin::signed(consumer()), id, 90),
			Error::<Test>::ChannelExpired
		);
	});
}

/// The provider sees an `open_channel` at 10 per 1k tokens in the pool and raises its
/// price to 1,000 first, or prices per request instead: the opening fails instead of the
/// first receipt draining the deposit.
#[test]
fn price_front_running_makes_the_opening_fail() {
	run_test(|| {
		let open_at = |unit: PriceUnit, per_unit: Balance| {
			let agreed = Price { unit, per_unit };
			Metering::open_channel(
				RuntimeOrigin::signed(consumer()),
				0,
				1_000,
				10,
				sr_signer(),
				agreed,
			)
		};
		MockServices::set(0, 1_000, Perbill::from_percent(10), Some(7), ServiceStatus::Active);
		assert_noop!(open_at(PriceUnit::Token1k, 10), Error::<Test>::PriceAboveAgreed);
		assert_noop!(open_at(PriceUnit::Request, 1_000), Error::<Test>::PriceUnitChanged);
		assert_eq!(held(&consumer()), 0);
		MockServices::set(0, 10, Perbill::from_percent(10), Some(7), ServiceStatus::Active);
		assert_ok!(open_at(PriceUnit::Token1k, 10));
		assert_eq!(Channels::<Test>::get(0).unwrap().price_per_unit, 10);
	});
}

/// A consumer keeps a 1-unit channel open on a service its provider retired, extending
/// it for ever: neither `extend` nor `top_up` work on a closed service, and the payee
/// closes the channel at any time, refunding the consumer.
#[test]
fn hostage_channels_cannot_keep_a_service_alive() {
	run_test(|| {
		let id = open(MIN_DEPOSIT);
		for status in [ServiceStatus::Retired, ServiceStatus::Delisted] {
			MockServices::set(0, 10, Perbill::from_percent(10), Some(7), status);
			assert_noop!(
				Metering::extend(RuntimeOrigin::signed(consumer()), id, 40),
				Error::<Test>::ServiceClosed
			);
			assert_noop!(
				Metering::top_up(RuntimeOrigin::signed(consumer()), id, 5),
				Error::<Test>::ServiceClosed
			);
		}
		assert_noop!(
			Metering::close_channel(RuntimeOrigin::signed(consumer()), id),
			Error::<Test>::NotPayee
		);
		assert_noop!(
			Metering::close_channel(RuntimeOrigin::signed(provider()), id + 1),
			Error::<Test>::UnknownChannel
		);
		assert_ok!(Metering::close_channel(RuntimeOrigin::signed(provider()), id));
		assert_eq!(last_event(), Event::ChannelClosed { channel_id: id, refunded: MIN_DEPOSIT });
		assert_eq!((held(&consumer()), free(&consumer())), (0, INITIAL_BALANCE));
		assert_eq!(Metering::open_channels(0), 0);
	});
}

/// Paused is not closed: a paused service's channels still take funds and time.
#[test]
fn a_paused_services_channels_carry_on() {
	run_test(|| {
		let id = open(1_000);
		MockServices::set(0, 10, Perbill::from_percent(10), Some(7), ServiceStatus::Paused);
		assert_ok!(Metering::top_up(RuntimeOrigin::signed(consumer()), id, 5));
		assert_ok!(Metering::extend(RuntimeOrigin::signed(consumer()), id, 60));
	});
}

/// Governance delisted the service: its consumers take their unclaimed deposits back at
/// once, before expiry; a provider's own retirement does not allow that.
#[test]
fn a_delisted_services_channels_are_reclaimable_at_once() {
	run_test(|| {
		let id = open(1_000);
		assert_ok!(claim(id, 30, false));
		MockServices::set(0, 10, Perbill::from_percent(10), Some(7), ServiceStatus::Retired);
		assert_noop!(
			Metering::reclaim(RuntimeOrigin::signed(consumer()), id),
			Error::<Test>::ChannelNotExpired
		);
		MockServices::set(0, 10, Perbill::from_percent(10), Some(7), ServiceStatus::Delisted);
		assert_ok!(Metering::reclaim(RuntimeOrigin::signed(consumer()), id));
		assert_eq!(last_event(), Event::ChannelReclaimed { channel_id: id, refunded: 700 });
		assert_eq!(held(&consumer()), 0);
	});
}

#[test]
fn reclaim_after_expiry_refunds_the_unclaimed_rest() {
	run_test(|| {
		let id = open(1_000);
		assert_ok!(claim(id, 30, false));
		assert_noop!(
			Metering::reclaim(RuntimeOrigin::signed(consumer()), id),
			Error::<Test>::ChannelNotExpired
		);
		System::set_block_number(52);
		assert_noop!(
			Metering::reclaim(RuntimeOrigin::signed(provider()), id),
			Error::<Test>::NotConsumer
		);
		assert_noop!(
			Metering::reclaim(RuntimeOrigin::signed(consumer()), id + 1),
			Error::<Test>::UnknownChannel
		);
		assert_ok!(Metering::reclaim(RuntimeOrigin::signed(consumer()), id));
		assert_eq!(last_event(), Event::ChannelReclaimed { channel_id: id, refunded: 700 });
		assert_eq!(held(&consumer()), 0);
		assert_eq!(free(&consumer()), INITIAL_BALANCE - 300);
		assert!(Channels::<Test>::get(id).is_none());
		assert_eq!(Metering::open_channels(0), 0);
	});
}

// ------------------------------------------------------------------------ paid usage

#[test]
fn paid_usage_sums_open_channels_and_closed_ones() {
	run_test(|| {
		let a = open_on(0, 10_000, 50);
		let b = open_on(0, 10_000, 50);
		let c = open_on(1, 10_000, 50);
		assert_ok!(claim(a, 100, false));
		assert_ok!(claim(b, 20, false));
		assert_ok!(claim(c, 30, false));
		assert_eq!(Metering::paid(&consumer(), 0), 1_000 + 200);
		assert_eq!(Metering::paid(&consumer(), 1), 300);
		assert_eq!(Metering::paid(&other(), 0), 0);
		assert_eq!(PaidTotals::<Test>::iter().count(), 0);

		// Closing with a claim moves the channel's whole `claimed` into the total.
		assert_ok!(claim(a, 150, true));
		assert_eq!(PaidTotals::<Test>::get(consumer(), 0), 1_500);
		assert_eq!(Metering::paid(&consumer(), 0), 1_500 + 200);

		// A channel that paid nothing leaves no total behind when reclaimed.
		let d = open_on(1, 1_000, 10);
		System::set_block_number(12);
		assert_ok!(Metering::reclaim(RuntimeOrigin::signed(consumer()), d));
		assert!(!PaidTotals::<Test>::contains_key(consumer(), 1));
		assert_eq!(Metering::paid(&consumer(), 1), 300);

		// Reclaiming moves what it paid, too: the sums are unchanged throughout.
		System::set_block_number(52);
		assert_ok!(Metering::reclaim(RuntimeOrigin::signed(consumer()), b));
		assert_ok!(Metering::reclaim(RuntimeOrigin::signed(consumer()), c));
		assert_eq!(PaidTotals::<Test>::get(consumer(), 0), 1_700);
		assert_eq!(PaidTotals::<Test>::get(consumer(), 1), 300);
		assert_eq!(Metering::paid(&consumer(), 0), 1_700);
		assert_eq!(Metering::paid(&consumer(), 1), 300);
	});
}

#[test]
fn migration_to_v1_takes_open_channels_out_of_paid_totals() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	run_test(|| {
		MockServices::set(2, 10, Perbill::zero(), None, ServiceStatus::Active);
		let open_paid = open_on(0, 10_000, 50);
		let open_unpaid = open_on(1, 10_000, 50);
		let fully_open = open_on(2, 10_000, 50);
		assert_ok!(claim(open_paid, 100, false));
		assert_ok!(claim(fully_open, 7, false));
		// Version 0's totals: every settlement added, closed channels' (500) included.
		PaidTotals::<Test>::insert(consumer(), 0, 500 + 1_000);
		PaidTotals::<Test>::insert(consumer(), 2, 70);
		PaidTotals::<Test>::insert(other(), 0, 42);
		StorageVersion::new(0).put::<Metering>();

		migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Metering::on_chain_storage_version(), 1);
		assert_eq!(PaidTotals::<Test>::get(consumer(), 0), 500);
		assert!(!PaidTotals::<Test>::contains_key(consumer(), 2));
		assert_eq!(PaidTotals::<Test>::get(other(), 0), 42);
		assert!(Channels::<Test>::get(open_unpaid).is_some());
		let paid =
			[(consumer(), 0, 1_500), (consumer(), 1, 0), (consumer(), 2, 70), (other(), 0, 42)];
		for (who, service, total) in paid.clone() {
			assert_eq!(Metering::paid(&who, service), total);
		}

		// Once at version 1 it does nothing.
		migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(PaidTotals::<Test>::get(consumer(), 0), 500);
		for (who, service, total) in paid {
			assert_eq!(Metering::paid(&who, service), total);
		}
	});
}

// ---------------------------------------------------------------------------- views

#[test]
fn views_show_channels_quotes_and_receipt_checks() {
	run_test(|| {
		let a = open(1_000);
		let b = open_on(1, 2_000, 20);
		let info = Metering::channel_info(a).unwrap();
		assert_eq!((info.id, info.deposit, info.payee.clone()), (a, 1_000, provider()));
		assert!(Metering::channel_info(9).is_none());
		assert_eq!(walk(None, None, 10), vec![a, b]);
		assert_eq!(page_ids(Some(consumer()), None, Some(a), 10), vec![b]);
		assert_eq!(walk(None, Some(provider()), 1), vec![a, b]);
		assert!(walk(Some(other()), None, 10).is_empty());
		assert!(walk(None, Some(other()), 10).is_empty());

		let quote = Metering::quote(0, 100).unwrap();
		assert_eq!(quote.total, 1_000);
		assert_eq!(
			quote.split,
			Split { protocol_fee: 30, contributor_share: 100, provider_net: 870 }
		);
		assert!(Metering::quote(9, 1).is_none());

		let r = receipt(a, 40);
		assert_eq!(Metering::check_receipt_now(r, sign(&r)), Ok(400));
		assert_eq!(
			Metering::check_receipt_now(receipt(9, 1), sign(&r)),
			Err(ReceiptError::UnknownChannel)
		);
		assert_eq!(
			Metering::check_receipt_now(receipt(a, 41), sign(&r)),
			Err(ReceiptError::BadSignature)
		);
		let over = receipt(a, 101);
		assert_eq!(Metering::check_receipt_now(over, sign(&over)), Err(ReceiptError::Overdraft));
		assert_ok!(claim(a, 40, false));
		assert_eq!(Metering::check_receipt_now(r, sign(&r)), Err(ReceiptError::StaleReceipt));
	});
}

/// The ids of one page of channels.
fn page_ids(
	consumer: Option<AccountId>,
	payee: Option<AccountId>,
	start_after: Option<ChannelId>,
	limit: u32,
) -> Vec<ChannelId> {
	Metering::channels_page(consumer, payee, start_after, limit)
		.into_iter()
		.map(|channel| channel.id)
		.collect()
}

/// Every channel a client sees walking the pages of `size`; see [`walk_pages`].
fn walk(consumer: Option<AccountId>, payee: Option<AccountId>, size: u32) -> Vec<ChannelId> {
	walk_pages(size, |after| page_ids(consumer.clone(), payee.clone(), after, size))
}

fn open_as(who: AccountId, service: u64) -> ChannelId {
	let id = NextChannelId::<Test>::get();
	assert_ok!(Metering::open_channel(
		RuntimeOrigin::signed(who),
		service,
		100,
		50,
		sr_signer(),
		any_price()
	));
	id
}

#[test]
fn channel_pages_walk_every_open_channel_once_whatever_the_filter() {
	run_test(|| {
		let carol = account(4);
		MockServices::set_of(carol.clone(), 3, 10, Perbill::zero(), None, ServiceStatus::Active);
		let by_consumer = [open_as(consumer(), 0), open_as(consumer(), 0), open_as(consumer(), 3)];
		let by_other = [open_as(other(), 3), open_as(other(), 0), open_as(other(), 0)];
		let by_provider = [open_as(provider(), 3), open_as(provider(), 3)];
		assert_ok!(Metering::close_channel(RuntimeOrigin::signed(provider()), by_consumer[1]));
		assert_ok!(Metering::close_channel(RuntimeOrigin::signed(carol.clone()), by_provider[0]));
		assert!(!ChannelsByPayee::<Test>::contains_key(provider(), by_consumer[1]));
		assert!(!ChannelsByPayee::<Test>::contains_key(&carol, by_provider[0]));

		let all = vec![0, 2, 3, 4, 5, 7];
		for size in [1, 2, 3, 100] {
			assert_eq!(walk(None, None, size), all);
			assert_eq!(walk(None, Some(provider()), size), vec![0, 4, 5]);
			assert_eq!(walk(None, Some(carol.clone()), size), vec![2, 3, 7]);
			assert_eq!(walk(Some(consumer()), None, size), vec![0, 2]);
			assert_eq!(walk(Some(other()), Some(carol.clone()), size), vec![3]);
			assert!(walk(None, Some(other()), size).is_empty());
		}
		// A consumer's channels come in id order.
		assert_eq!(page_ids(Some(other()), None, None, 3), by_other.to_vec());
		assert_eq!(page_ids(Some(other()), None, Some(3), 1), vec![4]);
		assert_eq!(page_ids(None, None, None, 0), Vec::<ChannelId>::new());
	});
}

/// Attack: open and reclaim channels by the million so that every listing reads their
/// ids. Their ids are skipped by construction: no page walks an id range. Here the id
/// counter stands where 2^40 opened and closed channels would leave it (walking that range
/// would not end).
#[test]
fn listing_channels_never_reads_the_ids_of_closed_ones() {
	run_test(|| {
		let closed = open(100);
		assert_ok!(Metering::close_channel(RuntimeOrigin::signed(provider()), closed));
		NextChannelId::<Test>::put(1 << 40);
		let a = open(100);
		let b = open(200);
		assert_eq!((a, b), ((1 << 40), (1 << 40) + 1));
		assert_eq!(walk(None, None, 1), vec![a, b]);
		assert_eq!(walk(None, Some(provider()), 1), vec![a, b]);
		assert_eq!(walk(Some(consumer()), None, 1), vec![a, b]);
		// A cursor whose channel has closed since still works: the walk goes on from
		// where its id hashes to.
		let key = |id: ChannelId| Channels::<Test>::hashed_key_for(id);
		let mut after_closed = page_ids(None, None, Some(closed), 10);
		after_closed.sort_unstable();
		let expected: Vec<_> = [a, b].into_iter().filter(|id| key(*id) > key(closed)).collect();
		assert_eq!(after_closed, expected);
	});
}

#[test]
fn migration_to_v2_indexes_open_channels_by_payee() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	run_test(|| {
		let carol = account(4);
		MockServices::set_of(carol.clone(), 3, 10, Perbill::zero(), None, ServiceStatus::Active);
		let a = open_as(consumer(), 0);
		let b = open_as(consumer(), 3);
		let c = open_as(other(), 0);
		// Version 1 had no index.
		let _ = ChannelsByPayee::<Test>::clear(u32::MAX, None);
		StorageVersion::new(1).put::<Metering>();
		assert!(Metering::do_try_state().is_err());

		migrations::v2::MigrateToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Metering::on_chain_storage_version(), 2);
		let mut indexed: Vec<_> = ChannelsByPayee::<Test>::iter_keys().collect();
		indexed.sort_unstable_by_key(|(_, id)| *id);
		assert_eq!(indexed, vec![(provider(), a), (carol.clone(), b), (provider(), c)]);
		assert_ok!(Metering::do_try_state());

		// Once at version 2 it does nothing: a channel removed from the index stays out.
		ChannelsByPayee::<Test>::remove(provider(), a);
		migrations::v2::MigrateToV2::<Test>::on_runtime_upgrade();
		assert!(!ChannelsByPayee::<Test>::contains_key(provider(), a));
		ChannelsByPayee::<Test>::insert(provider(), a, ());
	});
}

// ------------------------------------------------------------------ random sequences

mod property {
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Action {
		Open(u64, Balance, u64),
		TopUp(ChannelId, Balance),
		Claim(ChannelId, u64, bool),
		Batch(Vec<(ChannelId, u64)>),
		Extend(ChannelId, u64),
		Reclaim(ChannelId),
		Advance(u64),
	}

	fn action() -> impl Strategy<Value = Action> {
		let channel = 0..6u64;
		prop_oneof![
			(0..2u64, 50..3_000u128, 1..120u64).prop_map(|(s, d, t)| Action::Open(s, d, t)),
			(channel.clone(), 0..500u128).prop_map(|(c, a)| Action::TopUp(c, a)),
			(channel.clone(), 0..400u64, any::<bool>())
				.prop_map(|(c, u, close)| Action::Claim(c, u, close)),
			prop::collection::vec((channel.clone(), 0..400u64), 1..5).prop_map(Action::Batch),
			(channel.clone(), 1..200u64).prop_map(|(c, e)| Action::Extend(c, e)),
			channel.prop_map(Action::Reclaim),
			(1..40u64).prop_map(Action::Advance),
		]
	}

	fn apply(action: Action) {
		// Failing calls are part of the sequence: they must leave state consistent too.
		let _ = match action {
			Action::Open(service, deposit, duration) => Metering::open_channel(
				RuntimeOrigin::signed(consumer()),
				service,
				deposit,
				duration,
				sr_signer(),
				any_price(),
			),
			Action::TopUp(id, amount) => {
				Metering::top_up(RuntimeOrigin::signed(consumer()), id, amount)
			},
			Action::Claim(id, units, close) => claim(id, units, close),
			Action::Batch(items) => {
				let items: Vec<_> = items
					.into_iter()
					.map(|(id, units)| {
						let r = receipt(id, units);
						ClaimItem { receipt: r, signature: sign(&r) }
					})
					.collect();
				Metering::claim_batch(RuntimeOrigin::signed(provider()), items.try_into().unwrap())
					.map(|_| ())
					.map_err(|e| e.error)
			},
			Action::Extend(id, at) => Metering::extend(RuntimeOrigin::signed(consumer()), id, at),
			Action::Reclaim(id) => Metering::reclaim(RuntimeOrigin::signed(consumer()), id),
			Action::Advance(blocks) => {
				System::set_block_number(System::block_number() + blocks);
				Ok(())
			},
		};
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(48))]
		#[test]
		fn random_interleavings_keep_invariants_and_issuance(actions in prop::collection::vec(action(), 1..40)) {
			new_test_ext().execute_with(|| {
				let issuance = Balances::total_issuance();
				for action in actions {
					apply(action.clone());
					Metering::do_try_state().map_err(|e| format!("{e:?} after {action:?}")).unwrap();
					assert_eq!(Balances::total_issuance(), issuance, "after {action:?}");
					// What ratings see as paid is everything ever settled, open or closed.
					let settled: Balance = metering_events()
						.iter()
						.filter_map(|e| match e {
							Event::ChannelClaimed { amount, .. } => Some(*amount),
							_ => None,
						})
						.sum();
					let paid = Metering::paid(&consumer(), 0) + Metering::paid(&consumer(), 1);
					assert_eq!(paid, settled, "after {action:?}");
				}
			});
		}
	}
}

// ------------------------------------------------------------- guards of broken state

#[test]
fn channel_ids_never_wrap() {
	run_test(|| {
		crate::NextChannelId::<Test>::put(ChannelId::MAX);
		assert_noop!(
			Metering::open_channel(
				RuntimeOrigin::signed(consumer()),
				0,
				1_000,
				10,
				sr_signer(),
				any_price()
			),
			Error::<Test>::ChannelIdOverflow
		);
		crate::NextChannelId::<Test>::put(0);
	});
}

/// A channel whose funds are no longer on hold (state corrupted behind the pallet's back)
/// pays nothing: the claim fails whole instead of minting the difference.
#[test]
fn a_claim_on_funds_no_longer_held_fails_whole() {
	use frame_support::traits::{fungible::MutateHold, tokens::Precision};
	run_test(|| {
		let id = open(1_000);
		let reason = HoldReason::ChannelDeposit.into();
		assert_ok!(Balances::release(&reason, &consumer(), 1_000, Precision::Exact));
		assert_noop!(claim(id, 50, false), Error::<Test>::DepositMissing);
		assert_ok!(Balances::hold(&reason, &consumer(), 1_000));
	});
}

/// A payee that cannot be credited (its balance, corrupted here, would overflow) makes the
/// claim fail whole: the consumer's deposit stays held.
#[test]
fn a_payee_that_cannot_receive_fails_the_claim_whole() {
	run_test(|| {
		let id = open(1_000);
		let account = frame_system::Account::<Test>::get(provider());
		frame_system::Account::<Test>::mutate(provider(), |a| a.data.free = Balance::MAX - 10);
		assert_noop!(claim(id, 50, false), Error::<Test>::PayeeCannotReceive);
		assert_eq!(held(&consumer()), 1_000);
		frame_system::Account::<Test>::insert(provider(), account);
	});
}

// ------------------------------------------------------------------------- parameters

mod parameters {
	use super::*;
	use crate::{MeteringParameters, ParameterChange, ParameterChangeOf};
	use sp_runtime::BuildStorage;

	fn set(changes: Vec<ParameterChangeOf<Test>>) -> sp_runtime::DispatchResult {
		Metering::set_parameters(RuntimeOrigin::root(), BoundedVec::truncate_from(changes))
	}

	#[test]
	fn a_new_chain_runs_on_the_default_parameters() {
		run_test(|| {
			assert!(!Parameters::<Test>::exists());
			assert_eq!(Metering::parameters(), MockParameters::get());
		});
	}

	#[test]
	fn governance_changes_them_and_settlements_follow() {
		run_test(|| {
			use ParameterChange::*;
			let changes =
				vec![ProtocolFee(Perbill::from_percent(20)), MinChannelDeposit(MIN_DEPOSIT * 2)];
			assert_ok!(set(changes.clone()));
			assert_eq!(
				Metering::parameters(),
				MeteringParameters {
					protocol_fee: Perbill::from_percent(20),
					min_channel_deposit: MIN_DEPOSIT * 2,
				}
			);
			assert_eq!(
				last_event(),
				Event::ParametersSet { changes: BoundedVec::truncate_from(changes) }
			);
			assert_noop!(
				Metering::open_channel(
					RuntimeOrigin::signed(consumer()),
					1,
					MIN_DEPOSIT * 2 - 1,
					10,
					sr_signer(),
					any_price()
				),
				Error::<Test>::DepositTooSmall
			);
			// Service 1 (no dataset) at 10 per unit: 10 units pay 20 of 100 to the treasury.
			let id = open_on(1, MIN_DEPOSIT * 2, 10);
			assert_ok!(claim(id, 10, false));
			assert_eq!(free(&treasury()), 1 + 20);
			assert_eq!(free(&provider()), INITIAL_BALANCE + 80);
		});
	}

	#[test]
	fn only_governance_changes_them() {
		run_test(|| {
			let changes = BoundedVec::truncate_from(vec![ParameterChange::MinChannelDeposit(1)]);
			assert_noop!(
				Metering::set_parameters(RuntimeOrigin::signed(consumer()), changes),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn a_set_out_of_bounds_is_refused_whole() {
		run_test(|| {
			use ParameterChange::*;
			let too_high = Perbill::from_parts(MAX_PROTOCOL_FEE.deconstruct() + 1);
			let cases = [
				(vec![], Error::<Test>::NoParameterChanges),
				(vec![MinChannelDeposit(0)], Error::<Test>::ZeroParameterAmount),
				(
					vec![MinChannelDeposit(MAX_PARAMETER_AMOUNT + 1)],
					Error::<Test>::ParameterAmountTooLarge,
				),
				(vec![ProtocolFee(too_high)], Error::<Test>::ProtocolFeeTooHigh),
				(
					vec![MinChannelDeposit(5), ProtocolFee(Perbill::one())],
					Error::<Test>::ProtocolFeeTooHigh,
				),
			];
			for (changes, error) in cases {
				assert_noop!(set(changes), error);
			}
			assert_ok!(set(vec![
				ProtocolFee(MAX_PROTOCOL_FEE),
				MinChannelDeposit(MAX_PARAMETER_AMOUNT)
			]));
			assert_ok!(set(vec![ProtocolFee(Perbill::zero())]));
		});
	}

	fn genesis(parameters: MeteringParameters<Balance>) -> sp_io::TestExternalities {
		RuntimeGenesisConfig {
			metering: crate::GenesisConfig { parameters: Some(parameters) },
			..Default::default()
		}
		.build_storage()
		.unwrap()
		.into()
	}

	#[test]
	fn genesis_sets_them() {
		let parameters = MeteringParameters { min_channel_deposit: 7, ..MockParameters::get() };
		genesis(parameters.clone()).execute_with(|| {
			assert_eq!(Metering::parameters(), parameters);
		});
	}

	#[test]
	#[should_panic(expected = "genesis metering parameters are invalid: ProtocolFeeTooHigh")]
	fn genesis_refuses_invalid_ones() {
		genesis(MeteringParameters { protocol_fee: Perbill::one(), ..MockParameters::get() });
	}
}
