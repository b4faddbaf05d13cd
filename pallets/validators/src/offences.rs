//! Offences proven on chain (GRANDPA equivocations, through `pallet-offences`): the
//! offender is disabled at once and, with `remove_offenders`, removed from the set.

use crate::{Config, Event, Pallet, Parameters};
use frame_support::{traits::Get, weights::Weight};
use sp_runtime::Perbill;
use sp_staking::{
	offence::{OffenceDetails, OffenceSeverity, OnOffenceHandler},
	SessionIndex,
};

/// `pallet-offences` identifies an offender by its validator id and a full
/// identification; validators hold no stake, so that identification is `()`.
impl<T: Config> OnOffenceHandler<T::AccountId, (T::AccountId, ()), Weight> for Pallet<T> {
	/// `offenders` lists every offender of the offence's time slot, those reported before
	/// included: each is disabled (again, at no cost) and removed if still in the set, so
	/// handling one twice changes nothing more.
	fn on_offence(
		offenders: &[OffenceDetails<T::AccountId, (T::AccountId, ())>],
		severities: &[Perbill],
		session: SessionIndex,
	) -> Weight {
		let remove = Parameters::<T>::get().remove_offenders;
		for (details, severity) in offenders.iter().zip(severities) {
			let who = details.offender.0.clone();
			pallet_session::Pallet::<T>::report_offence(who.clone(), OffenceSeverity(*severity));
			let disabled =
				pallet_session::Pallet::<T>::validator_id_to_index(&who).is_some_and(|index| {
					pallet_session::DisabledValidators::<T>::get().iter().any(|(i, _)| *i == index)
				});
			let removed = remove && Self::remove_from_set(&who);
			Self::deposit_event(Event::OffenderReported { who, session, disabled, removed });
		}
		// Per offender: the parameters, the session's validators and disabled list (read,
		// the latter written), the wanted set (read and written) and its offline count.
		T::DbWeight::get().reads_writes(1 + 3 * offenders.len() as u64, 3 * offenders.len() as u64)
	}
}
