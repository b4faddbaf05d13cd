//! Validators that stop authoring: reported after a governed number of sessions without
//! a block, and removed from the set if the parameters say so.

use crate::{Config, Event, OfflineSessions, Pallet, Parameters, Validators};
use alloc::collections::BTreeMap;
use frame_support::traits::Get;
use sp_runtime::traits::Saturating;
use sp_staking::SessionIndex;

impl<T: Config> Pallet<T> {
	/// At the end of session `session`: each of its validators that authored a block has
	/// its count of offline sessions cleared; each that authored none has it incremented
	/// and, at `offline_after_sessions` or more, is reported and (with `remove_offline`)
	/// removed, unless that would leave fewer than `MinValidators`. A validator already
	/// leaving the set (removed, by governance or as offline) is not counted.
	pub(crate) fn track_offline(session: SessionIndex, authored: &BTreeMap<T::AccountId, u32>) {
		let parameters = Parameters::<T>::get();
		let wanted = Validators::<T>::get();
		for who in pallet_session::Validators::<T>::get() {
			if authored.get(&who).is_some_and(|blocks| *blocks > 0) || !wanted.contains(&who) {
				OfflineSessions::<T>::remove(&who);
				continue;
			}
			let sessions = OfflineSessions::<T>::mutate(&who, |count| {
				count.saturating_inc();
				*count
			});
			if sessions < parameters.offline_after_sessions {
				continue;
			}
			let removed = parameters.remove_offline && Self::remove_from_set(&who);
			Self::deposit_event(Event::ValidatorOffline { who, session, sessions, removed });
		}
	}

	/// Removes `who` from the wanted set if it is in it and the set stays at or above
	/// `MinValidators`; whether it did. It leaves the authority sets from the session
	/// after the next, as when governance removes it.
	pub(crate) fn remove_from_set(who: &T::AccountId) -> bool {
		Validators::<T>::mutate(|set| {
			let Some(index) = set.iter().position(|v| v == who) else { return false };
			if (set.len() as u32) <= T::MinValidators::get() {
				return false;
			}
			set.remove(index);
			OfflineSessions::<T>::remove(who);
			true
		})
	}
}
