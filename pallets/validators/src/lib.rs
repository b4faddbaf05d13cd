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
//!
//! ## Paying validators
//!
//! Validators are paid for the blocks they author, from two sources (the formulas, with
//! the chain's figures, are in `docs/token.md`):
//! - **Transaction fees and tips** ([`DealWithFees`], the runtime's fee handler): the
//!   block's author gets `author_fee_share` of each fee and `author_tip_share` of each
//!   tip, the treasury the rest. Nothing is burned. [`Event::FeesPaid`] sums a block's.
//! - **Issuance**: at the end of every session, `yearly_inflation` of the total issuance,
//!   pro rata of the session's blocks to a year of blocks, is minted; the treasury gets
//!   `treasury_issuance_share` of it and each validator of the session the rest in
//!   proportion to the blocks it authored ([`Event::ValidatorRewarded`],
//!   [`Event::IssuanceMinted`]). A validator that authored nothing earns nothing.
//!
//! ## Offline validators
//!
//! A validator of the session that authored no block in it has missed every one of its
//! slots. After `offline_after_sessions` such sessions in a row it is reported
//! ([`Event::ValidatorOffline`]) and, if `remove_offline` is set, removed from the set
//! as governance would remove it.
//!
//! ## Equivocating validators
//!
//! This pallet is `pallet-offences`' offence handler: a validator proven to have
//! equivocated (the runtime accepts GRANDPA equivocation reports, checked against
//! `pallet-session`'s historical key ownership) is disabled at once, as far as
//! `pallet-session`'s disabling strategy allows, and, with `remove_offenders`, removed
//! from the set ([`Event::OffenderReported`]). Validators hold no stake, so nothing is
//! slashed.
//!
//! All of these are [`ValidatorParameters`], changed by governance
//! ([`Pallet::set_parameters`]).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
mod offences;
mod offline;
mod rewards;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use rewards::DealWithFees;
pub use types::{BlockFeesPaid, ParameterChange, SessionIssuance, ValidatorParameters};
pub use weights::WeightInfo;

use agora_primitives::{ParameterSet, MAX_PARAMETER_CHANGES};
use alloc::{collections::BTreeMap, vec::Vec};
use frame_support::traits::{fungible, Get};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::Perbill;
use sp_staking::SessionIndex;

/// The balance type of the native token.
pub type BalanceOf<T> = <<T as Config>::NativeBalance as fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

/// An amount of the native token taken from one account and not yet given to another.
pub type CreditOf<T> =
	fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::NativeBalance>;

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
		+ pallet_authorship::Config
	{
		/// The native token: fees are split in it and issuance is minted in it.
		type NativeBalance: fungible::Mutate<Self::AccountId> + fungible::Balanced<Self::AccountId>;

		/// The treasury's account: receives the fees and issuance not paid to validators.
		type Treasury: Get<Self::AccountId>;

		/// Blocks in a year at the target block time: the yearly inflation is minted a
		/// `1 / BlocksPerYear` for every block authored.
		#[pallet::constant]
		type BlocksPerYear: Get<u32>;

		/// The highest yearly inflation governance may set.
		#[pallet::constant]
		type MaxYearlyInflation: Get<Perbill>;

		/// The parameters a new chain starts with, unless its genesis sets others.
		type DefaultParameters: Get<ValidatorParameters>;

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

	/// The governed parameters in force.
	#[pallet::storage]
	pub type Parameters<T: Config> =
		StorageValue<_, ValidatorParameters, ValueQuery, T::DefaultParameters>;

	/// Blocks each validator has authored in the current session; cleared when it ends.
	/// Keys are validators only, so at most `MaxValidators` entries.
	#[pallet::storage]
	pub type AuthoredBlocks<T: Config> = StorageMap<_, Twox64Concat, T::AccountId, u32, ValueQuery>;

	/// For each validator, how many sessions in a row it has ended without authoring a
	/// block; removed when it authors one or leaves the set.
	#[pallet::storage]
	pub type OfflineSessions<T: Config> =
		StorageMap<_, Twox64Concat, T::AccountId, u32, ValueQuery>;

	/// The fees the current block's transactions have paid so far. Taken at the end of
	/// the block for [`Event::FeesPaid`].
	#[pallet::storage]
	#[pallet::whitelist_storage]
	pub type BlockFees<T: Config> =
		StorageValue<_, BlockFeesPaid<T::AccountId, BalanceOf<T>>, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The validators of the first sessions; each needs session keys in
		/// `pallet-session`'s genesis. Empty: `pallet-session`'s genesis keys decide the
		/// first set, and this pallet's set stays empty until governance fills it.
		pub validators: Vec<T::AccountId>,
		/// The session length, if not `DefaultSessionLength`.
		pub session_length: Option<BlockNumberFor<T>>,
		/// Parameters to start with instead of `DefaultParameters`.
		pub parameters: Option<ValidatorParameters>,
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
			if let Some(parameters) = &self.parameters {
				if let Err(error) = Pallet::<T>::validate_parameters(parameters) {
					panic!("validators genesis: invalid parameters: {error:?}");
				}
				Parameters::<T>::put(parameters);
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
		/// The changed set (or the set with changed keys) was handed to `pallet-session`
		/// for session `session`.
		ValidatorSetQueued { session: SessionIndex, validators: Vec<T::AccountId> },
		/// Sessions now last `length` blocks.
		SessionLengthSet { length: BlockNumberFor<T> },
		/// The block's transactions paid `to_author` to its author (none: the treasury took
		/// that part too) and `to_treasury` to the treasury, fees and tips together.
		FeesPaid {
			author: Option<T::AccountId>,
			to_author: BalanceOf<T>,
			to_treasury: BalanceOf<T>,
		},
		/// `who` was paid `amount` of session `session`'s issuance for the `blocks` blocks it
		/// authored in it.
		ValidatorRewarded {
			who: T::AccountId,
			session: SessionIndex,
			blocks: u32,
			amount: BalanceOf<T>,
		},
		/// Session `session` ended: `minted` new AGR, `to_validators` of it paid to its
		/// validators and `to_treasury` to the treasury. Total issuance grew by `minted`.
		IssuanceMinted {
			session: SessionIndex,
			minted: BalanceOf<T>,
			to_validators: BalanceOf<T>,
			to_treasury: BalanceOf<T>,
		},
		/// `who` authored no block in the last `sessions` sessions, up to `session`;
		/// `removed`: it leaves the set (from the session after the next one).
		ValidatorOffline { who: T::AccountId, session: SessionIndex, sessions: u32, removed: bool },
		/// `who` was proven to have committed an offence (an equivocation) in session
		/// `session`; `disabled`: it may no longer author (the disabling strategy allows
		/// only so many; GRANDPA counts its votes until it leaves the set); `removed`: it
		/// leaves the set (from the session after the next one).
		OffenderReported { who: T::AccountId, session: SessionIndex, disabled: bool, removed: bool },
		/// Governance changed parameters of this pallet.
		ParametersSet { changes: BoundedVec<ParameterChange, ConstU32<MAX_PARAMETER_CHANGES>> },
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
		/// `set_parameters` was given no change.
		NoParameterChanges,
		/// The yearly inflation is above `MaxYearlyInflation`.
		InflationTooHigh,
		/// `offline_after_sessions` is zero: every validator would be offline at once.
		OfflineThresholdZero,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// What other pallets do in every block for this one and charge nothing for, charged
		/// here: `pallet-session` reads [`SessionLength`] (through [`CurrentSessionLength`]);
		/// `pallet-authorship` reads the session's validators to find the author, caches it
		/// and forgets it at the end of the block; the author's [`AuthoredBlocks`] count is
		/// incremented; the author's account is credited with fees (read once and written
		/// once a block, however many transactions pay it); [`BlockFees`] is taken at the
		/// end of the block. (When a session ends, `pallet-session` charges a whole block,
		/// which covers the session's payouts.)
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			T::DbWeight::get().reads_writes(4, 4)
		}

		fn on_finalize(_n: BlockNumberFor<T>) {
			Self::report_block_fees();
		}

		fn integrity_test() {
			assert!(T::MinValidators::get() >= 1, "a chain needs at least one validator");
			assert!(T::MinValidators::get() <= T::MaxValidators::get());
			assert!(
				T::MinSessionLength::get() >= 1u32.into(),
				"a session lasts at least one block"
			);
			assert!(T::DefaultSessionLength::get() >= T::MinSessionLength::get());
			assert!(T::BlocksPerYear::get() > 0, "a year holds blocks");
			assert!(
				Self::validate_parameters(&T::DefaultParameters::get()).is_ok(),
				"DefaultParameters must be valid"
			);
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
			OfflineSessions::<T>::remove(&who);
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

		/// Governance: change parameters of this pallet. The changes apply in order and
		/// the result is checked as a whole (see [`Pallet::validate_parameters`]); a
		/// refused set changes nothing.
		#[pallet::call_index(3)]
		#[pallet::weight(<T as Config>::WeightInfo::set_parameters(changes.len() as u32))]
		pub fn set_parameters(
			origin: OriginFor<T>,
			changes: BoundedVec<ParameterChange, ConstU32<MAX_PARAMETER_CHANGES>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let parameters = Parameters::<T>::get().changed(
				&changes,
				Self::validate_parameters,
				Error::<T>::NoParameterChanges,
			)?;
			Parameters::<T>::put(parameters);
			Self::deposit_event(Event::ParametersSet { changes });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The current validator set.
	pub fn validators() -> Vec<T::AccountId> {
		Validators::<T>::get().into_inner()
	}

	/// The governed parameters in force.
	pub fn parameters() -> ValidatorParameters {
		Parameters::<T>::get()
	}

	/// Whether `parameters` keep the chain's supply and its validators sound: a yearly
	/// inflation of at most `MaxYearlyInflation`, and an offline threshold of at least one
	/// session. Any share is valid, from nothing to everything.
	pub fn validate_parameters(parameters: &ValidatorParameters) -> Result<(), Error<T>> {
		frame_support::ensure!(
			parameters.yearly_inflation <= T::MaxYearlyInflation::get(),
			Error::<T>::InflationTooHigh
		);
		frame_support::ensure!(
			parameters.offline_after_sessions > 0,
			Error::<T>::OfflineThresholdZero
		);
		Ok(())
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
		frame_support::ensure!(
			Self::validate_parameters(&Parameters::<T>::get()).is_ok(),
			"the parameters in force are invalid"
		);
		let session = pallet_session::Validators::<T>::get();
		frame_support::ensure!(
			AuthoredBlocks::<T>::iter_keys().all(|who| session.contains(&who)),
			"a block is counted for an account that is not a validator of the session"
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

impl<T: Config> Pallet<T> {
	/// Whether any of `validators` has registered keys other than those it authors with
	/// in the session starting now (`pallet-session`'s queued keys, still in place while
	/// it plans the next session).
	fn keys_rotated(validators: &[T::AccountId]) -> bool {
		let queued = pallet_session::QueuedKeys::<T>::get();
		validators.iter().any(|who| {
			let current = queued.iter().find(|(v, _)| v == who).map(|(_, keys)| keys);
			current != pallet_session::NextKeys::<T>::get(who).as_ref()
		})
	}
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	/// The set for session `new_index`: the wanted validators that have session keys, or
	/// `None` (keep the current set) when that is too small, or is the current set with
	/// the same keys. A key change alone counts as a change: the session history then
	/// records the new keys, so that a rotated-away key can no longer be proven to be the
	/// validator's (and used to report it for votes it never cast).
	fn new_session(new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		let ready: Vec<T::AccountId> = Self::validators()
			.into_iter()
			.filter(|who| pallet_session::NextKeys::<T>::contains_key(who))
			.collect();
		if (ready.len() as u32) < T::MinValidators::get()
			|| (ready == pallet_session::Validators::<T>::get() && !Self::keys_rotated(&ready))
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

	/// Pays the session's issuance for the blocks each validator authored, then reports
	/// the validators that authored none.
	fn end_session(end_index: SessionIndex) {
		let authored: BTreeMap<T::AccountId, u32> = AuthoredBlocks::<T>::drain().collect();
		Self::mint_session_issuance(end_index, &authored);
		Self::track_offline(end_index, &authored);
	}

	fn start_session(_start_index: SessionIndex) {}
}
