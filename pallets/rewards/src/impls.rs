//! The traits other pallets use this one through.

use crate::*;
use agora_primitives::{DatasetId, DatasetInspect, RevenueSink};

impl<T: Config> RevenueSink<CreditOf<T>> for Pallet<T> {
	fn on_revenue(dataset: DatasetId, revenue: CreditOf<T>) {
		Self::receive_revenue(dataset, revenue)
	}
}

impl<T: Config> DatasetInspect for Pallet<T> {
	fn dataset_exists(id: DatasetId) -> bool {
		Datasets::<T>::contains_key(id)
	}

	/// Records a dataset curated by the pallet account, without a deposit.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_dataset() -> DatasetId {
		let id = NextDatasetId::<T>::get();
		let dataset = Dataset::new(
			Self::account_id(),
			Default::default(),
			Default::default(),
			Default::default(),
			Default::default(),
		);
		DatasetsByCurator::<T>::insert(Self::account_id(), id, ());
		Datasets::<T>::insert(id, dataset);
		NextDatasetId::<T>::put(id.saturating_add(1));
		id
	}
}
