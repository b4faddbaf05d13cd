//! Read-only views of channels, served by the `MeteringApi` runtime API.

use crate::{BalanceOf, Channel, Channels, ChannelsByConsumer, ChannelsByPayee, Config, Pallet};
use agora_primitives::{
	metering::MAX_CHANNELS_PAGE, ChannelId, ChannelInfo, Quote, Receipt, ReceiptError, ServiceId,
	ServiceInspect, Split,
};
use alloc::vec::Vec;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{CheckedMul, Saturating},
	MultiSignature,
};

/// A channel as the runtime API shows it.
pub type ChannelInfoOf<T> =
	ChannelInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
	/// Channel `id`, if open.
	pub fn channel_info(id: ChannelId) -> Option<ChannelInfoOf<T>> {
		Channels::<T>::get(id).map(|channel| Self::to_info(id, channel))
	}

	/// Up to `limit` (capped at [`MAX_CHANNELS_PAGE`]) open channels of `consumer` and/or
	/// `payee` when given, following channel `start_after` (the last one of the previous
	/// page).
	///
	/// A page reads only the channels it returns plus, with a consumer, that consumer's
	/// bounded index, never the ids of closed channels: with a consumer, channels come in
	/// id order; otherwise in storage order (of the ids' hashes), which is what walking
	/// `ChannelsByPayee` or `Channels` from a cursor gives.
	pub fn channels_page(
		consumer: Option<T::AccountId>,
		payee: Option<T::AccountId>,
		start_after: Option<ChannelId>,
		limit: u32,
	) -> Vec<ChannelInfoOf<T>> {
		let limit = limit.min(MAX_CHANNELS_PAGE) as usize;
		let page: Vec<(ChannelId, Channel<T>)> = match (consumer, payee) {
			(Some(consumer), payee) => ChannelsByConsumer::<T>::get(consumer)
				.into_iter()
				.filter(|id| start_after.is_none_or(|after| *id > after))
				.filter_map(|id| Channels::<T>::get(id).map(|channel| (id, channel)))
				.filter(|(_, channel)| payee.as_ref().is_none_or(|payee| &channel.payee == payee))
				.take(limit)
				.collect(),
			(None, Some(payee)) => {
				let ids = match start_after {
					Some(after) => ChannelsByPayee::<T>::iter_key_prefix_from(
						&payee,
						ChannelsByPayee::<T>::hashed_key_for(&payee, after),
					),
					None => ChannelsByPayee::<T>::iter_key_prefix(&payee),
				};
				ids.take(limit)
					.filter_map(|id| Channels::<T>::get(id).map(|channel| (id, channel)))
					.collect()
			},
			(None, None) => match start_after {
				Some(after) => Channels::<T>::iter_from_key(after).take(limit).collect(),
				None => Channels::<T>::iter().take(limit).collect(),
			},
		};
		page.into_iter().map(|(id, channel)| Self::to_info(id, channel)).collect()
	}

	/// What `units` of service `service_id` cost now and how a settlement would split.
	pub fn quote(service_id: ServiceId, units: u64) -> Option<Quote<BalanceOf<T>>> {
		let terms = T::Services::service_terms(service_id)?;
		let total = terms.price.per_unit.checked_mul(&BalanceOf::<T>::try_from(units).ok()?)?;
		let split = Split::of(
			total,
			crate::Pallet::<T>::parameters().protocol_fee,
			terms.contributor_share,
			terms.dataset.is_some(),
		);
		Some(Quote { total, split })
	}

	/// Whether the channel's payee could claim `receipt` now, and the amount it would
	/// settle (before the split).
	pub fn check_receipt_now(
		receipt: Receipt,
		signature: MultiSignature,
	) -> Result<BalanceOf<T>, ReceiptError> {
		let channel = Channels::<T>::get(receipt.channel_id).ok_or(ReceiptError::UnknownChannel)?;
		let total = Self::check_receipt(&channel, &Self::genesis_hash(), &receipt, &signature)?;
		Ok(total.saturating_sub(channel.claimed))
	}

	fn to_info(id: ChannelId, channel: Channel<T>) -> ChannelInfoOf<T> {
		ChannelInfo {
			id,
			consumer: channel.consumer,
			payee: channel.payee,
			service_id: channel.service_id,
			signer: channel.signer,
			price_per_unit: channel.price_per_unit,
			contributor_share: channel.contributor_share,
			dataset: channel.dataset,
			deposit: channel.deposit,
			claimed: channel.claimed,
			expires_at: channel.expires_at,
			opened_at: channel.opened_at,
		}
	}
}
