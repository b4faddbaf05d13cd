//! Read-only views of the registry, served by the `ServicesApi` runtime API.

use crate::{
	BalanceOf, Config, NextServiceId, Pallet, Providers, Service, Services, ServicesByProvider,
};
use agora_primitives::{ProviderInfo, ServiceFilter, ServiceId, ServiceInfo, MAX_SERVICES_PAGE};
use alloc::vec::Vec;
use frame_system::pallet_prelude::BlockNumberFor;

/// A service as the runtime API shows it.
pub type ServiceInfoOf<T> =
	ServiceInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
	/// Service `id`, if it exists.
	pub fn service_info(id: ServiceId) -> Option<ServiceInfoOf<T>> {
		Services::<T>::get(id).map(|service| Self::to_info(id, service))
	}

	/// Up to `limit` (capped at [`MAX_SERVICES_PAGE`]) services matching `filter` with ids
	/// above `start_after`, in id order.
	pub fn services_page(
		filter: ServiceFilter<T::AccountId>,
		start_after: Option<ServiceId>,
		limit: u32,
	) -> Vec<ServiceInfoOf<T>> {
		let limit = limit.min(MAX_SERVICES_PAGE) as usize;
		let first = start_after.map_or(0, |id| id.saturating_add(1));
		let matches = |service: &Service<T>| {
			filter.status.is_none_or(|status| service.status == status)
				&& filter
					.tag
					.as_ref()
					.is_none_or(|tag| service.tags.iter().any(|t| t.as_slice() == tag.as_slice()))
		};
		let candidates: Vec<ServiceId> = match &filter.provider {
			// A provider's index is in listing (hence id) order.
			Some(provider) => ServicesByProvider::<T>::get(provider)
				.into_iter()
				.filter(|id| *id >= first)
				.collect(),
			None => (first..NextServiceId::<T>::get()).collect(),
		};
		candidates
			.into_iter()
			.filter_map(|id| Services::<T>::get(id).map(|service| (id, service)))
			.filter(|(_, service)| matches(service))
			.take(limit)
			.map(|(id, service)| Self::to_info(id, service))
			.collect()
	}

	/// Provider `who`, with the ids of all its services.
	pub fn provider_info(
		who: &T::AccountId,
	) -> Option<ProviderInfo<BalanceOf<T>, BlockNumberFor<T>>> {
		Providers::<T>::get(who).map(|provider| ProviderInfo {
			name: provider.name.into_inner(),
			bond: provider.bond,
			unbonding: provider.unbonding.iter().map(|c| (c.amount, c.unlock_at)).collect(),
			live_services: provider.live_services,
			services: ServicesByProvider::<T>::get(who).into_inner(),
		})
	}

	fn to_info(id: ServiceId, service: Service<T>) -> ServiceInfoOf<T> {
		ServiceInfo {
			id,
			provider: service.provider,
			name: service.name.into_inner(),
			tags: service.tags.into_iter().map(|tag| tag.into_inner()).collect(),
			metadata_uri: service.metadata_uri.into_inner(),
			metadata_hash: service.metadata_hash,
			price: service.price,
			status: service.status,
			contributor_share: service.contributor_share,
			dataset: service.dataset,
			rating_sum: service.rating.sum,
			rating_count: service.rating.count,
			deposit: service.deposit,
			created_at: service.created_at,
			updated_at: service.updated_at,
		}
	}
}
