//! # Rewards pallet
//!
//! Pays the people behind Agora's AI services: those who contribute training data, label
//! datasets, validate model outputs or provide compute.
//!
//! ## Overview
//!
//! ### Datasets and revenue sharing
//! - A curator **registers a dataset** ([`Pallet::register_dataset`]); a storage deposit
//!   is held (`HoldReason::DatasetDeposit`). Services list it as what they are built on.
//! - Anyone **contributes** to it ([`Pallet::contribute`]) with a held deposit
//!   (`HoldReason::ContributionDeposit`). The curator **reviews** the contribution
//!   ([`Pallet::review`]): accepted units become the contributor's shares and the deposit
//!   is released; a rejected contribution's deposit goes to the curator.
//! - Every settlement of a service built on the dataset sends its contributor share here
//!   (this pallet is pallet-metering's [`agora_primitives::RevenueSink`]). Revenue is
//!   spread over the shares with a reward-per-share accumulator (×10^18, 256-bit), so
//!   receiving revenue and [`Pallet::claim_rewards`] cost the same whatever the number of
//!   contributors. What does not divide evenly is carried into the next distribution, and
//!   the fraction of a planck a claim cannot pay stays owed: rounding never pays anyone
//!   twice and never loses a planck. Revenue arriving while nobody holds shares is the
//!   curator's.
//!
//! ### Campaigns
//! - A sponsor **creates a campaign** ([`Pallet::create_campaign`]) for data, labeling,
//!   output validation or compute; its budget moves into the pallet account. The
//!   governance origin creates campaigns funded by the treasury.
//! - Contributors **submit work** ([`Pallet::submit_work`]) with a held deposit
//!   (`HoldReason::SubmissionDeposit`); its reward, `units × reward_per_unit`, is set
//!   aside from the budget at once, so an approval is always paid in full.
//! - Reviewers vote once each ([`Pallet::review_submission`]). `required_approvals`
//!   approvals pay the reward and release the deposit; a majority of rejections returns
//!   the reward to the budget and forfeits the deposit to it.
//! - After the deadline the sponsor **closes** the campaign ([`Pallet::close_campaign`]):
//!   pending deposits are released and the rest of the budget is refunded.
//!
//! ### Parameters
//! The three deposits above ([`RewardParameters`]) are this pallet's own storage, read by
//! clients from it; governance changes them with [`Pallet::set_parameters`] within the
//! runtime's bounds.
//!
//! All dataset pools and campaign budgets sit in one pallet account, kept alive by its
//! existential deposit (minted at genesis). `try_state` checks that its balance covers
//! exactly what is owed.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod api;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod features;
mod impls;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
// Also built with `std`: the runtime's tests check every pallet's invariants after each
// step of their attack and property tests.
#[cfg(any(feature = "try-runtime", feature = "std", test))]
mod try_state;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use agora_primitives::DatasetId;
use frame_support::traits::{
	fungible::{Balanced, Credit, Inspect},
	OnUnbalanced,
};

/// The balance type of the reward currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The contributor count `claim_rewards` is charged for. Its benchmark measures up to
/// this many contributors and finds the cost independent of them (see `docs/benchmarks.md`).
pub const CLAIM_WEIGHT_CONTRIBUTORS: u32 = 1_000;

/// This pallet's governed parameters.
pub type ParametersOf<T> = RewardParameters<BalanceOf<T>>;

/// A change of one of this pallet's governed parameters.
pub type ParameterChangeOf<T> = ParameterChange<BalanceOf<T>>;

/// Revenue on its way into a dataset pool.
pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use agora_primitives::{
		CampaignId, CampaignKind, ContributionId, InvalidAmount, SubmissionId,
		MAX_PARAMETER_CHANGES,
	};
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{self, Mutate, MutateHold},
			tokens::{Fortitude, Precision, Restriction},
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_core::H256;
	use sp_runtime::traits::{AccountIdConversion, Saturating, Zero};

	/// 1: `DatasetsByCurator` and `SubmissionsOf` index datasets and submissions by account
	/// (see [`migrations::v1`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency rewards are paid in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ Balanced<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Derives the account that holds every pool and budget.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Creates treasury-funded campaigns and may close any campaign.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The account governance campaigns are funded from and refunded to.
		type Treasury: Get<Self::AccountId>;

		/// Where revenue for a dataset that does not exist goes (the treasury).
		type OnUnassignedRevenue: OnUnbalanced<CreditOf<Self>>;

		/// The parameters of a new chain, until genesis or governance sets others. Not
		/// metadata constants: they change without a runtime upgrade, so clients read the
		/// `Parameters` storage.
		type DefaultParameters: Get<ParametersOf<Self>>;

		/// The largest deposit governance may set.
		#[pallet::constant]
		type MaxParameterAmount: Get<BalanceOf<Self>>;

		/// The smallest campaign budget. A campaign's record stays until its sponsor
		/// closes it: the budget, locked in the pallet account meanwhile, is what pays for
		/// that storage, so a dust budget must not buy it.
		#[pallet::constant]
		type MinCampaignBudget: Get<BalanceOf<Self>>;

		/// Longest dataset name, in bytes.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// Longest metadata URI, in bytes.
		#[pallet::constant]
		type MaxUriLen: Get<u32>;

		/// Most contributions waiting for review in one dataset.
		#[pallet::constant]
		type MaxPendingPerDataset: Get<u32>;

		/// Most contributions one account may have waiting for review.
		#[pallet::constant]
		type MaxPendingPerContributor: Get<u32>;

		/// Most reviewers of a campaign (at most 32: votes are a bit per reviewer).
		#[pallet::constant]
		type MaxReviewers: Get<u32>;

		/// Most submissions waiting for reviews in one campaign.
		#[pallet::constant]
		type MaxPendingSubmissions: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A curator's deposit for a registered dataset.
		DatasetDeposit,
		/// A contributor's deposit for a contribution waiting for review.
		ContributionDeposit,
		/// A contributor's deposit for campaign work waiting for reviews.
		SubmissionDeposit,
	}

	/// Registered datasets and their revenue pools.
	#[pallet::storage]
	pub type Datasets<T: Config> = StorageMap<_, Twox64Concat, DatasetId, Dataset<T>, OptionQuery>;

	/// The id the next dataset gets.
	#[pallet::storage]
	pub type NextDatasetId<T: Config> = StorageValue<_, DatasetId, ValueQuery>;

	/// The datasets each account curates, for its pending curator revenue.
	#[pallet::storage]
	pub type DatasetsByCurator<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		DatasetId,
		(),
		OptionQuery,
	>;

	/// Each account's submissions waiting for reviews, as (campaign, submission).
	#[pallet::storage]
	pub type SubmissionsOf<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		(CampaignId, SubmissionId),
		(),
		OptionQuery,
	>;

	/// Each account's shares per dataset.
	#[pallet::storage]
	pub type Stakes<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		DatasetId,
		Stake,
		OptionQuery,
	>;

	/// Pending and accepted contributions (rejected ones are removed).
	#[pallet::storage]
	pub type Contributions<T: Config> =
		StorageMap<_, Twox64Concat, ContributionId, Contribution<T>, OptionQuery>;

	/// The contributions of each dataset.
	#[pallet::storage]
	pub type DatasetContributions<T: Config> =
		StorageDoubleMap<_, Twox64Concat, DatasetId, Twox64Concat, ContributionId, (), OptionQuery>;

	/// How many contributions each account has waiting for review.
	#[pallet::storage]
	pub type PendingContributionsOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// The id the next contribution gets.
	#[pallet::storage]
	pub type NextContributionId<T: Config> = StorageValue<_, ContributionId, ValueQuery>;

	/// Open campaigns.
	#[pallet::storage]
	pub type Campaigns<T: Config> =
		StorageMap<_, Twox64Concat, CampaignId, Campaign<T>, OptionQuery>;

	/// The id the next campaign gets.
	#[pallet::storage]
	pub type NextCampaignId<T: Config> = StorageValue<_, CampaignId, ValueQuery>;

	/// Submissions waiting for reviews, per campaign (decided ones are removed).
	#[pallet::storage]
	pub type Submissions<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		CampaignId,
		Twox64Concat,
		SubmissionId,
		Submission<T>,
		OptionQuery,
	>;

	/// The id the next submission gets.
	#[pallet::storage]
	pub type NextSubmissionId<T: Config> = StorageValue<_, SubmissionId, ValueQuery>;

	/// The governed parameters in force.
	#[pallet::storage]
	pub type Parameters<T: Config> =
		StorageValue<_, ParametersOf<T>, ValueQuery, T::DefaultParameters>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Parameters to start with instead of `DefaultParameters`.
		pub parameters: Option<ParametersOf<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		/// Sets the parameters, if given, and gives the pallet account its existential
		/// deposit, so pools and budgets of any size can be paid into it and it is never
		/// reaped.
		fn build(&self) {
			if let Some(parameters) = &self.parameters {
				if let Err(error) = Pallet::<T>::validate_parameters(parameters) {
					panic!("genesis rewards parameters are invalid: {error:?}");
				}
				Parameters::<T>::put(parameters);
			}
			let account = Pallet::<T>::account_id();
			let minimum = T::Currency::minimum_balance();
			let balance = T::Currency::balance(&account);
			if balance < minimum {
				let _ = T::Currency::mint_into(&account, minimum.saturating_sub(balance));
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `curator` registered dataset `dataset_id`; `deposit` is held.
		DatasetRegistered { dataset_id: DatasetId, curator: T::AccountId, deposit: BalanceOf<T> },
		/// `contributor` offered `units` to the dataset; `deposit` is held until review.
		ContributionSubmitted {
			contribution_id: ContributionId,
			dataset_id: DatasetId,
			contributor: T::AccountId,
			units: u64,
			deposit: BalanceOf<T>,
		},
		/// The curator accepted a contribution: `contributor` gained `shares`.
		ContributionAccepted {
			contribution_id: ContributionId,
			dataset_id: DatasetId,
			contributor: T::AccountId,
			shares: u64,
		},
		/// The curator rejected a contribution and received its `forfeited` deposit.
		ContributionRejected {
			contribution_id: ContributionId,
			dataset_id: DatasetId,
			contributor: T::AccountId,
			forfeited: BalanceOf<T>,
		},
		/// `amount` of settlement revenue entered the dataset's pool: spread over its
		/// shares, or owed to the curator when `to_curator` (nobody held shares).
		RevenueReceived { dataset_id: DatasetId, amount: BalanceOf<T>, to_curator: bool },
		/// Revenue for a dataset that does not exist went to `OnUnassignedRevenue`.
		RevenueUnassigned { dataset_id: DatasetId, amount: BalanceOf<T> },
		/// `who` was paid `amount` from the dataset's pool.
		RewardsClaimed { dataset_id: DatasetId, who: T::AccountId, amount: BalanceOf<T> },
		/// `sponsor` created a campaign with `budget` moved into the pallet account.
		CampaignCreated {
			campaign_id: CampaignId,
			sponsor: T::AccountId,
			kind: CampaignKind,
			budget: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
		},
		/// `contributor` submitted `units` of work; `reward` is set aside from the budget
		/// and `deposit` is held.
		WorkSubmitted {
			campaign_id: CampaignId,
			submission_id: SubmissionId,
			contributor: T::AccountId,
			units: u64,
			reward: BalanceOf<T>,
			deposit: BalanceOf<T>,
		},
		/// `reviewer` voted on a submission.
		SubmissionReviewed {
			campaign_id: CampaignId,
			submission_id: SubmissionId,
			reviewer: T::AccountId,
			approve: bool,
		},
		/// Enough reviewers approved: `contributor` was paid `reward`, its deposit released.
		SubmissionApproved {
			campaign_id: CampaignId,
			submission_id: SubmissionId,
			contributor: T::AccountId,
			reward: BalanceOf<T>,
		},
		/// A majority of reviewers rejected: the reward went back to the budget and the
		/// `forfeited` deposit joined it.
		SubmissionRejected {
			campaign_id: CampaignId,
			submission_id: SubmissionId,
			contributor: T::AccountId,
			forfeited: BalanceOf<T>,
		},
		/// The campaign closed: `refunded` went back to the sponsor and the deposits of
		/// `released_submissions` pending submissions were released.
		CampaignClosed {
			campaign_id: CampaignId,
			refunded: BalanceOf<T>,
			released_submissions: u32,
		},
		/// Governance changed parameters of this pallet.
		ParametersSet { changes: BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The name is empty or longer than `MaxNameLen`.
		InvalidName,
		/// The metadata URI is longer than `MaxUriLen`.
		MetadataUriTooLong,
		/// No dataset has this id.
		UnknownDataset,
		/// Dataset ids are exhausted.
		DatasetIdOverflow,
		/// Units must be positive.
		ZeroUnits,
		/// The dataset has `MaxPendingPerDataset` contributions waiting for review.
		TooManyPendingForDataset,
		/// The caller has `MaxPendingPerContributor` contributions waiting for review.
		TooManyPendingForContributor,
		/// Contribution ids are exhausted.
		ContributionIdOverflow,
		/// No contribution has this id (or it was rejected).
		UnknownContribution,
		/// Only the dataset's curator may review its contributions.
		NotCurator,
		/// The contribution was already accepted.
		ContributionAlreadyReviewed,
		/// Nothing is owed to the caller in this dataset.
		NothingToClaim,
		/// Shares, rewards or budgets overflow.
		ArithmeticOverflow,
		/// The pool or budget holds less than its records say: an invariant is broken.
		FundsMissing,
		/// The budget is below `MinCampaignBudget`.
		BudgetTooSmall,
		/// The reward per unit is zero.
		ZeroReward,
		/// The deadline is not after the current block.
		DeadlineInPast,
		/// A campaign needs at least one reviewer.
		NoReviewers,
		/// More reviewers than `MaxReviewers`.
		TooManyReviewers,
		/// A reviewer is listed twice.
		DuplicateReviewer,
		/// Required approvals must be between 1 and the number of reviewers.
		InvalidApprovalThreshold,
		/// Campaign ids are exhausted.
		CampaignIdOverflow,
		/// No open campaign has this id.
		UnknownCampaign,
		/// The campaign's deadline has passed: it takes no more work.
		CampaignEnded,
		/// A reviewer of the campaign may not submit work to it.
		ReviewerCannotSubmit,
		/// The reward exceeds the budget not yet set aside for other submissions.
		InsufficientBudget,
		/// The campaign has `MaxPendingSubmissions` submissions waiting for reviews.
		TooManyPendingSubmissions,
		/// Submission ids are exhausted.
		SubmissionIdOverflow,
		/// No pending submission of this campaign has this id.
		UnknownSubmission,
		/// Only the campaign's reviewers may review its submissions.
		NotReviewer,
		/// This reviewer already voted on this submission.
		AlreadyVoted,
		/// Only the campaign's sponsor (or governance) may close it.
		NotSponsor,
		/// The campaign's deadline has not passed yet.
		CampaignStillRunning,
		/// `set_parameters` without changes.
		NoParameterChanges,
		/// A deposit parameter set to zero.
		ZeroParameterAmount,
		/// A deposit parameter above `MaxParameterAmount`.
		ParameterAmountTooLarge,
	}

	impl<T> From<InvalidAmount> for Error<T> {
		fn from(error: InvalidAmount) -> Self {
			match error {
				InvalidAmount::Zero => Error::ZeroParameterAmount,
				InvalidAmount::TooLarge => Error::ParameterAmountTooLarge,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxNameLen::get() > 0, "MaxNameLen must be positive");
			assert!(
				Self::validate_parameters(&T::DefaultParameters::get()).is_ok(),
				"DefaultParameters must be valid"
			);
			assert!(!T::MinCampaignBudget::get().is_zero(), "MinCampaignBudget must be positive");
			assert!(
				(1..=32).contains(&T::MaxReviewers::get()),
				"MaxReviewers must be between 1 and 32 (one vote bit each)"
			);
			assert!(
				T::MaxPendingPerDataset::get() > 0
					&& T::MaxPendingPerContributor::get() > 0
					&& T::MaxPendingSubmissions::get() > 0,
				"pending bounds must be positive"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Register a dataset with the caller as curator; the `dataset_deposit` parameter is
		/// held.
		#[pallet::call_index(0)]
		pub fn register_dataset(
			origin: OriginFor<T>,
			name: Vec<u8>,
			metadata_uri: Vec<u8>,
			metadata_hash: H256,
		) -> DispatchResult {
			let curator = ensure_signed(origin)?;
			Self::do_register_dataset(curator, name, metadata_uri, metadata_hash)
		}

		/// Offer `units` of content (identified by `content_hash`) to a dataset;
		/// the `contribution_deposit` parameter is held until the curator reviews it.
		#[pallet::call_index(1)]
		pub fn contribute(
			origin: OriginFor<T>,
			dataset_id: DatasetId,
			content_hash: H256,
			units: u64,
		) -> DispatchResult {
			let contributor = ensure_signed(origin)?;
			Self::do_contribute(contributor, dataset_id, content_hash, units)
		}

		/// Curator only: accept a pending contribution (its units become the contributor's
		/// shares, its deposit is released) or reject it (its deposit goes to the curator
		/// and it is removed).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::review_accept().max(T::WeightInfo::review_reject()))]
		pub fn review(
			origin: OriginFor<T>,
			contribution_id: ContributionId,
			accept: bool,
		) -> DispatchResult {
			let curator = ensure_signed(origin)?;
			Self::do_review(curator, contribution_id, accept)
		}

		/// Pay the caller what it is owed from the dataset's pool: its shares' part of the
		/// revenue and, for the curator, revenue that arrived while nobody held shares.
		/// Costs the same whatever the number of contributors.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::claim_rewards(CLAIM_WEIGHT_CONTRIBUTORS))]
		pub fn claim_rewards(origin: OriginFor<T>, dataset_id: DatasetId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_rewards(who, dataset_id)
		}

		/// Create a campaign paying `reward_per_unit` for each approved unit of `kind` work
		/// submitted up to block `deadline`; `required_approvals` of `reviewers` approve a
		/// submission. A signed caller funds `budget` itself; the governance origin funds it
		/// from the treasury.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::create_campaign(reviewers.len() as u32))]
		pub fn create_campaign(
			origin: OriginFor<T>,
			kind: CampaignKind,
			budget: BalanceOf<T>,
			reward_per_unit: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
			reviewers: Vec<T::AccountId>,
			required_approvals: u32,
			metadata_uri: Vec<u8>,
		) -> DispatchResult {
			let sponsor = match T::GovernanceOrigin::try_origin(origin) {
				Ok(_) => T::Treasury::get(),
				Err(origin) => ensure_signed(origin)?,
			};
			Self::do_create_campaign(
				sponsor,
				kind,
				budget,
				reward_per_unit,
				deadline,
				reviewers,
				required_approvals,
				metadata_uri,
			)
		}

		/// Submit `units` of work (identified by `content_hash`) to a running campaign:
		/// the `submission_deposit` parameter is held and `units × reward_per_unit` is set
		/// aside from the budget until reviewers decide.
		#[pallet::call_index(5)]
		pub fn submit_work(
			origin: OriginFor<T>,
			campaign_id: CampaignId,
			content_hash: H256,
			units: u64,
		) -> DispatchResult {
			let contributor = ensure_signed(origin)?;
			Self::do_submit_work(contributor, campaign_id, content_hash, units)
		}

		/// Reviewer only, once per submission: approve or reject it. The vote that brings
		/// approvals to `required_approvals` pays the contributor; the one that makes
		/// rejections a majority of the reviewers forfeits its deposit to the budget.
		#[pallet::call_index(6)]
		#[pallet::weight(
			T::WeightInfo::review_submission_approve()
				.max(T::WeightInfo::review_submission_reject())
		)]
		pub fn review_submission(
			origin: OriginFor<T>,
			campaign_id: CampaignId,
			submission_id: SubmissionId,
			approve: bool,
		) -> DispatchResult {
			let reviewer = ensure_signed(origin)?;
			Self::do_review_submission(reviewer, campaign_id, submission_id, approve)
		}

		/// Sponsor (or the governance origin) only, after the deadline: release the deposits
		/// of pending submissions, refund the rest of the budget to the sponsor and remove
		/// the campaign.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::close_campaign(T::MaxPendingSubmissions::get()))]
		pub fn close_campaign(
			origin: OriginFor<T>,
			campaign_id: CampaignId,
		) -> DispatchResultWithPostInfo {
			let closer = match T::GovernanceOrigin::try_origin(origin) {
				Ok(_) => None,
				Err(origin) => Some(ensure_signed(origin)?),
			};
			Self::do_close_campaign(closer, campaign_id)
		}

		/// Governance: change parameters of this pallet. The changes apply in order and
		/// the result is checked as a whole (see [`Pallet::validate_parameters`]); a
		/// refused set changes nothing.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::set_parameters(changes.len() as u32))]
		pub fn set_parameters(
			origin: OriginFor<T>,
			changes: BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_parameters(changes)
		}
	}

	impl<T: Config> Pallet<T> {
		/// Moves a rejected deposit held under `reason` from `from` to `to`, whatever
		/// freezes `from` has: a deposit is forfeited by the counterparty's decision, and a
		/// freeze must not let its owner veto that (funds on hold never back a vote, see
		/// pallet-governance).
		pub(crate) fn forfeit(
			reason: HoldReason,
			from: &T::AccountId,
			to: &T::AccountId,
			amount: BalanceOf<T>,
		) -> Result<BalanceOf<T>, DispatchError> {
			T::Currency::transfer_on_hold(
				&reason.into(),
				from,
				to,
				amount,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Force,
			)
		}

		/// The account that holds every dataset pool and campaign budget.
		pub fn account_id() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		pub(crate) fn bounded_uri(uri: Vec<u8>) -> Result<BoundedVec<u8, T::MaxUriLen>, Error<T>> {
			uri.try_into().map_err(|_| Error::<T>::MetadataUriTooLong)
		}

		/// Everything the pallet account owes: every pool and every campaign budget.
		pub fn total_owed() -> BalanceOf<T> {
			let pools = Datasets::<T>::iter_values()
				.fold(BalanceOf::<T>::zero(), |total, d| total.saturating_add(d.pool));
			Campaigns::<T>::iter_values().fold(pools, |total, c| {
				total.saturating_add(c.available).saturating_add(c.committed)
			})
		}
	}
}
