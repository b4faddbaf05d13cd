//! # Validators pallet
//!
//! The accounts that author (Aura) and finalize (GRANDPA) Agora's blocks. Governance adds
//! and removes validators without a runtime upgrade; `pallet-session` applies the change
//! at a session boundary and hands the new keys to Aura and GRANDPA.
//!
//! ## Overview
//!
//! - [`Validators`] is the set governance wants. [`Pallet::add_validator`] and
//!   [`Pallet::remove_validator`] (the `GovernanceOrigin`, Root on Agora: a passed
//!   proposal) change it; the set never exceeds `MaxValidators` nor drops below
//!   `MinValidators`.
//! - This pallet is `pallet-session`'s `SessionManager`. At the end of each session,
//!   `pallet-session` asks for the set of the session after the next one: a change made
//!   during session `n` is queued at the end of `n` and authors from the start of `n + 2`
//!   (`pallet-session` queues one session ahead so that every new validator's keys are
//!   known a full session before it must use them). [`Event::ValidatorSetQueued`] says
//!   when a set was handed over and for which session.
//! - Sessions last [`SessionLength`] blocks (the runtime's `DefaultSessionLength` unless
//!   genesis or [`Pallet::set_session_length`] says otherwise); [`CurrentSessionLength`]
//!   feeds it to `pallet_session::PeriodicSessions`.
//! - An operator makes an account a validator by setting its session keys
//!   (`author_rotateKeys`, then `session.setKeys(keys, proof)`); governance then adds it.
//!   A validator without keys is left out of the sessions planned until it sets them.
//!   If fewer than `MinValidators` of the set have keys, the current set carries on.
//! - A removed validator drops out of the Aura and GRANDPA authority sets at the session
//!   where the removal applies: its node stops authoring and its GRANDPA votes no longer
//!   count.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_staking::SessionIndex;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// 0: the layout the pallet was first released with.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ pallet_session::Config<ValidatorId = <Self as frame_system::Config>::AccountId>
	{
		/// Adds and removes validators and sets the session length: Root on Agora, i.e. a
		/// passed proposal.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The most validators the set may hold.
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// The fewest validators the set may hold: below it, block production and finality
		/// would rest on too few nodes.
		#[pallet::constant]
		type MinValidators: Get<u32>;

		/// The session length, in blocks, until genesis or governance sets another.
		#[pallet::constant]
		type DefaultSessionLength: Get<BlockNumberFor<Self>>;

		/// The shortest session governance may set: a session must outlast the time keys
		/// and finality need to settle.
		#[pallet::constant]
		type MinSessionLength: Get<BlockNumberFor<Self>>;

		/// Weight information for extrinsics in this pallet.
		type WeightInfo: WeightInfo;
	}

	/// The validator set governance wants, in the order validators were added.
	#[pallet::storage]
	pub type Validators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// How many blocks a session lasts; sessions end at the multiples of it.
	#[pallet::storage]
	pub type SessionLength<T: Config> =
		StorageValue<_, BlockNumberFor<T>, ValueQuery, T::DefaultSessionLength>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The validators of the first sessions; each needs session keys in
		/// `pallet-session`'s genesis. Empty: `pallet-session`'s genesis keys decide the
		/// first set, and this pallet's set stays empty until governance fills it.
		pub validators: Vec<T::AccountId>,
		/// The session length, if not `DefaultSessionLength`.
		pub session_length: Option<BlockNumberFor<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let count = self.validators.len() as u32;
			assert!(
				count == 0 || count >= T::MinValidators::get(),
				"validators genesis: {count} validators, fewer than MinValidators ({})",
				T::MinValidators::get()
			);
			let mut set = BoundedVec::<T::AccountId, T::MaxValidators>::default();
			for who in &self.validators {
				assert!(!set.contains(who), "validators genesis: {who:?} is listed twice");
				set.try_push(who.clone()).unwrap_or_else(|_| {
					panic!(
						"validators genesis: {count} validators, more than MaxValidators ({})",
						T::MaxValidators::get()
					)
				});
			}
			Validators::<T>::put(set);
			if let Some(length) = self.session_length {
				assert!(
					length >= T::MinSessionLength::get(),
					"validators genesis: session_length {length:?} is below MinSessionLength ({:?})",
					T::MinSessionLength::get()
				);
				SessionLength::<T>::put(length);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` joined the set; it authors from the session after the next one, or from
		/// the first session planned after its session keys are set.
		ValidatorAdded { who: T::AccountId },
		/// `who` left the set; it stops authoring from the session after the next one.
		ValidatorRemoved { who: T::AccountId },
		/// The changed set was handed to `pallet-session` for session `session`.
		ValidatorSetQueued { session: SessionIndex, validators: Vec<T::AccountId> },
		/// Sessions now last `length` blocks.
		SessionLengthSet { length: BlockNumberFor<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already a validator.
		AlreadyValidator,
		/// The account is not a validator.
		NotValidator,
		/// The set already holds `MaxValidators`.
		TooManyValidators,
		/// Removing the account would leave fewer than `MinValidators`.
		TooFewValidators,
		/// The session length is below `MinSessionLength`.
		SessionTooShort,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// `pallet-session` reads [`SessionLength`] (through [`CurrentSessionLength`]) in every
		/// block's `on_initialize` and charges nothing when the session goes on: the read is
		/// charged here.
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			T::DbWeight::get().reads(1)
		}

		fn integrity_test() {
			assert!(T::MinValidators::get() >= 1, "a chain needs at least one validator");
			assert!(T::MinValidators::get() <= T::MaxValidators::get());
			assert!(
				T::MinSessionLength::get() >= 1u32.into(),
				"a session lasts at least one block"
			);
			assert!(T::DefaultSessionLength::get() >= T::MinSessionLength::get());
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Adds `who` to the validator set (governance). It authors from the session after
		/// the next one, provided its session keys are set by then.
		#[pallet::call_index(0)]
		pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Validators::<T>::try_mutate(|set| {
				ensure!(!set.contains(&who), Error::<T>::AlreadyValidator);
				set.try_push(who.clone()).map_err(|_| Error::<T>::TooManyValidators)
			})?;
			Self::deposit_event(Event::ValidatorAdded { who });
			Ok(())
		}

		/// Removes `who` from the validator set (governance). It stops authoring from the
		/// session after the next one.
		#[pallet::call_index(1)]
		pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Validators::<T>::try_mutate(|set| {
				let index = set.iter().position(|v| v == &who).ok_or(Error::<T>::NotValidator)?;
				ensure!(set.len() as u32 > T::MinValidators::get(), Error::<T>::TooFewValidators);
				set.remove(index);
				Ok::<_, Error<T>>(())
			})?;
			Self::deposit_event(Event::ValidatorRemoved { who });
			Ok(())
		}

		/// Sets how many blocks a session lasts (governance). Sessions end at the multiples
		/// of `length`, so the current one ends at the next multiple of the new length.
		#[pallet::call_index(2)]
		pub fn set_session_length(
			origin: OriginFor<T>,
			length: BlockNumberFor<T>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(length >= T::MinSessionLength::get(), Error::<T>::SessionTooShort);
			SessionLength::<T>::put(length);
			Self::deposit_event(Event::SessionLengthSet { length });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The current validator set.
	pub fn validators() -> Vec<T::AccountId> {
		Validators::<T>::get().into_inner()
	}

	/// The set stays within its bounds and holds no account twice.
	// Also built with `std`: the runtime's tests check every pallet's invariants after
	// each step of their attack and property tests.
	#[cfg(any(feature = "try-runtime", feature = "std", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let set = Validators::<T>::get();
		frame_support::ensure!(
			set.len() as u32 >= T::MinValidators::get(),
			"fewer validators than MinValidators"
		);
		for (i, who) in set.iter().enumerate() {
			frame_support::ensure!(!set[..i].contains(who), "a validator is listed twice");
		}
		frame_support::ensure!(
			SessionLength::<T>::get() >= T::MinSessionLength::get(),
			"the session length is below MinSessionLength"
		);
		Ok(())
	}
}

/// The session length in storage, for `pallet_session::PeriodicSessions` (which then ends
/// sessions and estimates the next rotation).
pub struct CurrentSessionLength<T>(core::marker::PhantomData<T>);

impl<T: Config> frame_support::traits::Get<BlockNumberFor<T>> for CurrentSessionLength<T> {
	fn get() -> BlockNumberFor<T> {
		SessionLength::<T>::get()
	}
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	/// The set for session `new_index`: the wanted validators that have session keys, or
	/// `None` (keep the current set) when that is the current set or too small.
	fn new_session(new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		let ready: Vec<T::AccountId> = Self::validators()
			.into_iter()
			.filter(|who| pallet_session::NextKeys::<T>::contains_key(who))
			.collect();
		if (ready.len() as u32) < T::MinValidators::get()
			|| ready == pallet_session::Validators::<T>::get()
		{
			return None;
		}
		Self::deposit_event(Event::ValidatorSetQueued {
			session: new_index,
			validators: ready.clone(),
		});
		Some(ready)
	}

	fn new_session_genesis(_new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		let validators = Self::validators();
		(!validators.is_empty()).then_some(validators)
	}

	fn end_session(_end_index: SessionIndex) {}

	fn start_session(_start_index: SessionIndex) {}
}
