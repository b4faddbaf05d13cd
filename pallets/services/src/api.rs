//! Read-only views of the registry, served by the `ServicesApi` runtime API.

use crate::{
	BalanceOf, Config, Pallet, Providers, Service, Services, ServicesByProvider, ServicesByTag,
	TagOf,
};
use agora_primitives::{ProviderInfo, ServiceFilter, ServiceId, ServiceInfo, MAX_SERVICES_PAGE};
use alloc::{boxed::Box, vec::Vec};
use frame_system::pallet_prelude::BlockNumberFor;

/// A service as the runtime API shows it.
pub type ServiceInfoOf<T> =
	ServiceInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
	/// Service `id`, if it exists.
	pub fn service_info(id: ServiceId) -> Option<ServiceInfoOf<T>> {
		Services::<T>::get(id).map(|service| Self::to_info(id, service))
	}

	/// Up to `limit` (capped at [`MAX_SERVICES_PAGE`]) services matching `filter`,
	/// following service `start_after` (the last one of the previous page).
	///
	/// A page walks the narrowest index its filter has: the provider's bounded list (in id
	/// order), else the tag's entries in `ServicesByTag`, else `Services` itself (both in
	/// storage order, of the ids' hashes). The ids of removed services are never read. A
	/// status filter is applied to what that walk finds: a page passes over the services
	/// in other statuses, each of which holds its deposit while it exists.
	pub fn services_page(
		filter: ServiceFilter<T::AccountId>,
		start_after: Option<ServiceId>,
		limit: u32,
	) -> Vec<ServiceInfoOf<T>> {
		let limit = limit.min(MAX_SERVICES_PAGE) as usize;
		let tag = match filter.tag.map(TagOf::<T>::try_from) {
			Some(Ok(tag)) => Some(tag),
			// No service carries a tag longer than tags can be.
			Some(Err(_)) => return Vec::new(),
			None => None,
		};
		let matches = |service: &Service<T>| {
			filter.status.is_none_or(|status| service.status == status)
				&& tag.as_ref().is_none_or(|tag| service.tags.contains(tag))
		};
		let walk: Box<dyn Iterator<Item = (ServiceId, Service<T>)>> = match (&filter.provider, &tag)
		{
			(Some(provider), _) => Box::new(
				ServicesByProvider::<T>::get(provider)
					.into_iter()
					.filter(move |id| start_after.is_none_or(|after| *id > after))
					.filter_map(Self::stored),
			),
			(None, Some(tag)) => {
				let ids = match start_after {
					Some(after) => ServicesByTag::<T>::iter_key_prefix_from(
						tag,
						ServicesByTag::<T>::hashed_key_for(tag, after),
					),
					None => ServicesByTag::<T>::iter_key_prefix(tag),
				};
				Box::new(ids.filter_map(Self::stored))
			},
			(None, None) => match start_after {
				Some(after) => Box::new(Services::<T>::iter_from_key(after)),
				None => Box::new(Services::<T>::iter()),
			},
		};
		walk.filter(|(_, service)| matches(service))
			.take(limit)
			.map(|(id, service)| Self::to_info(id, service))
			.collect()
	}

	/// Service `id` with its id, if it exists.
	fn stored(id: ServiceId) -> Option<(ServiceId, Service<T>)> {
		Services::<T>::get(id).map(|service| (id, service))
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
