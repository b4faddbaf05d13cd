//! Benchmarks of every call. Receipts are signed with ecdsa keys: of the three schemes
//! the costliest to check (a blake2 hash and a public-key recovery), so every claim is
//! charged for the dearest signature check.

use super::*;
use agora_primitives::{ChannelId, Receipt, ReceiptSigner, ServiceInspect};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::{crypto::KeyTypeId, ecdsa};
use sp_runtime::{
	traits::{Saturating, Zero},
	MultiSignature,
};

const KEY_TYPE: KeyTypeId = KeyTypeId(*b"bnch");

/// Gives `who` funds for many deposits (not so many that issuance could overflow across
/// a batch's consumers).
fn funded<T: Config>(who: T::AccountId) -> T::AccountId {
	let _ = T::Currency::set_balance(
		&who,
		Pallet::<T>::parameters()
			.min_channel_deposit
			.saturating_mul(1_000_000u32.into()),
	);
	who
}

/// A service of `provider` with a dataset share, and a key for signing receipts.
fn setup<T: Config>(provider: &T::AccountId) -> (ServiceId, ecdsa::Public) {
	let service = T::BenchmarkHelper::active_service(provider, 1_000u32.into());
	let key = sp_io::crypto::ecdsa_generate(KEY_TYPE, None);
	(service, key)
}

fn deposit<T: Config>() -> BalanceOf<T> {
	Pallet::<T>::parameters().min_channel_deposit.saturating_mul(1_000u32.into())
}

/// The price `service` is listed at, as a consumer agrees to it.
fn agreed_price<T: Config>(service: ServiceId) -> agora_primitives::Price<BalanceOf<T>> {
	T::Services::service_terms(service)
		.expect("the benchmark's service is listed")
		.price
}

/// Opens a channel of `consumer` and returns its id.
fn open<T: Config>(consumer: T::AccountId, service: ServiceId, key: ecdsa::Public) -> ChannelId {
	let id = NextChannelId::<T>::get();
	Pallet::<T>::open_channel(
		RawOrigin::Signed(consumer).into(),
		service,
		deposit::<T>(),
		T::MaxChannelDuration::get(),
		ReceiptSigner::Ecdsa(key),
		agreed_price::<T>(service),
	)
	.expect("opens");
	id
}

/// For the calls a consumer makes: the consumer is the (whitelisted) caller, whose
/// account the transaction already touches to pay its fee; the provider is another account.
fn consumer_with_channel<T: Config>() -> (T::AccountId, ChannelId) {
	let provider = funded::<T>(account("provider", 0, 0));
	let (service, key) = setup::<T>(&provider);
	let consumer = funded::<T>(whitelisted_caller());
	let id = open::<T>(consumer.clone(), service, key);
	(consumer, id)
}

/// A receipt for `units` units on `channel_id`, signed by `key`.
fn signed_receipt<T: Config>(
	channel_id: ChannelId,
	key: ecdsa::Public,
	units: u64,
) -> (Receipt, MultiSignature) {
	let genesis = Pallet::<T>::genesis_hash();
	let mut genesis_hash = sp_core::H256::zero();
	genesis_hash.as_mut().copy_from_slice(genesis.as_ref());
	let receipt = Receipt { genesis_hash, channel_id, cumulative_units: units };
	let signature =
		sp_io::crypto::ecdsa_sign(KEY_TYPE, &key, &receipt.payload()).expect("key exists");
	(receipt, MultiSignature::Ecdsa(signature))
}

/// A channel of another account on a service of the (whitelisted) caller, and a receipt
/// the caller can claim on it.
fn claimable<T: Config>() -> (T::AccountId, Receipt, MultiSignature) {
	let provider = funded::<T>(whitelisted_caller());
	let (service, key) = setup::<T>(&provider);
	let id = open::<T>(funded::<T>(account("consumer", 0, 0)), service, key);
	let (receipt, signature) = signed_receipt::<T>(id, key, 10);
	(provider, receipt, signature)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn open_channel() {
		let provider = funded::<T>(account("provider", 0, 0));
		let (service, key) = setup::<T>(&provider);
		let consumer = funded::<T>(whitelisted_caller());
		// One short of the consumer's channel bound: the index is as long as it gets.
		for _ in 1..T::MaxChannelsPerConsumer::get() {
			Pallet::<T>::open_channel(
				RawOrigin::Signed(consumer.clone()).into(),
				service,
				Pallet::<T>::parameters().min_channel_deposit,
				T::MaxChannelDuration::get(),
				ReceiptSigner::Ecdsa(key),
				agreed_price::<T>(service),
			)
			.expect("opens");
		}
		let id = NextChannelId::<T>::get();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(consumer),
			service,
			deposit::<T>(),
			T::MaxChannelDuration::get(),
			ReceiptSigner::Ecdsa(key),
			agreed_price::<T>(service),
		);
		assert!(Channels::<T>::contains_key(id));
	}

	/// A claim that keeps the channel open. (Closing is a benchmark of its own rather
	/// than a 0/1 component: the median-slopes analysis needs more than two points per
	/// component.)
	#[benchmark]
	fn claim() {
		let (provider, receipt, signature) = claimable::<T>();
		let id = receipt.channel_id;
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), receipt, signature, false);
		assert!(Channels::<T>::contains_key(id));
	}

	/// A claim that also refunds the rest of the deposit and removes the channel.
	#[benchmark]
	fn claim_and_close() {
		let (provider, receipt, signature) = claimable::<T>();
		let id = receipt.channel_id;
		#[extrinsic_call]
		claim(RawOrigin::Signed(provider), receipt, signature, true);
		assert!(!Channels::<T>::contains_key(id));
	}

	/// Receipts, each on its own channel of its own consumer: `n` pay the dataset pool
	/// the batch's first receipt pays, `p` each pay a pool of their own (as channels of
	/// the payee's other services do). Both ranges reach half the bound, so that every
	/// combination fits in one batch.
	#[benchmark]
	fn claim_batch(
		n: Linear<1, { T::MaxClaimsPerBatch::get() / 2 }>,
		p: Linear<0, { T::MaxClaimsPerBatch::get() / 2 }>,
	) {
		let provider = funded::<T>(whitelisted_caller());
		let (service, key) = setup::<T>(&provider);
		let items: Vec<ClaimItem> = (0..n + p)
			.map(|i| {
				let id = open::<T>(funded::<T>(account("consumer", i, 0)), service, key);
				if i >= n {
					Channels::<T>::mutate(id, |channel| {
						if let Some(channel) = channel {
							channel.dataset = Some(T::BenchmarkHelper::dataset());
						}
					});
				}
				let (receipt, signature) = signed_receipt::<T>(id, key, 10);
				ClaimItem { receipt, signature }
			})
			.collect();
		let items: BoundedVec<_, _> = items.try_into().expect("within the bound");
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), items);
		assert!(Channels::<T>::iter().all(|(_, channel)| !channel.claimed.is_zero()));
	}

	#[benchmark]
	fn top_up() {
		let (consumer, id) = consumer_with_channel::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(consumer), id, Pallet::<T>::parameters().min_channel_deposit);
		assert_eq!(
			Channels::<T>::get(id).map(|c| c.deposit),
			Some(deposit::<T>().saturating_add(Pallet::<T>::parameters().min_channel_deposit))
		);
	}

	#[benchmark]
	fn extend() {
		let (consumer, id) = consumer_with_channel::<T>();
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number().saturating_add(1u32.into()),
		);
		let new_expiry: BlockNumberFor<T> =
			frame_system::Pallet::<T>::block_number().saturating_add(T::MaxChannelDuration::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(consumer), id, new_expiry);
		assert_eq!(Channels::<T>::get(id).map(|c| c.expires_at), Some(new_expiry));
	}

	/// The channel was partly claimed: what it paid moves into the consumer's total.
	#[benchmark]
	fn reclaim() {
		let provider = funded::<T>(account("provider", 0, 0));
		let (service, key) = setup::<T>(&provider);
		let consumer = funded::<T>(whitelisted_caller());
		let id = open::<T>(consumer.clone(), service, key);
		let (receipt, signature) = signed_receipt::<T>(id, key, 10);
		Pallet::<T>::claim(RawOrigin::Signed(provider).into(), receipt, signature, false)
			.expect("claims");
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number()
				.saturating_add(T::MaxChannelDuration::get())
				.saturating_add(1u32.into()),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(consumer.clone()), id);
		assert!(!Channels::<T>::contains_key(id));
		assert!(!PaidTotals::<T>::get(&consumer, service).is_zero());
	}

	#[benchmark]
	fn set_parameters(
		n: Linear<1, { agora_primitives::MAX_PARAMETER_CHANGES }>,
	) -> Result<(), BenchmarkError> {
		let changes: Vec<ParameterChangeOf<T>> = (0..n)
			.map(|i| ParameterChange::ProtocolFee(sp_runtime::Perbill::from_parts(i)))
			.collect();
		let changes = changes.try_into().expect("bounded by MAX_PARAMETER_CHANGES");
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, changes);
		assert_eq!(Parameters::<T>::get().protocol_fee, sp_runtime::Perbill::from_parts(n - 1));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
