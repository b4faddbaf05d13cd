//! Benchmarks of every call and of `on_initialize` (deciding and enacting proposals), each
//! on its costliest path. The caller is whitelisted (its account is already paid for by
//! the transaction's fee); other parties are not.

use super::*;
use agora_primitives::{ProposalId, ProposalStatus, MAX_PARAMETER_CHANGES};
use alloc::{boxed::Box, vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, EnsureOrigin, Get, Hooks};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::{
	traits::{One, Saturating, Zero},
	Perbill,
};

fn funded<T: Config>(who: T::AccountId) -> T::AccountId {
	let plenty = Parameters::<T>::get()
		.proposal_deposit
		.saturating_add(T::Currency::minimum_balance())
		.saturating_mul(1_000u32.into());
	let _ = T::Currency::set_balance(&who, plenty);
	who
}

/// The longest call a proposal may carry: a remark filling `MaxProposalLen`.
fn longest_call<T: Config>() -> <T as Config>::RuntimeCall {
	// Call indices (2 bytes) and the remark's compact length prefix (at most 4 bytes).
	let len = T::MaxProposalLen::get().saturating_sub(6);
	frame_system::Call::<T>::remark { remark: vec![1; len as usize] }.into()
}

fn propose_from<T: Config>(proposer: T::AccountId) -> ProposalId {
	let id = NextProposalId::<T>::get();
	Pallet::<T>::propose(
		RawOrigin::Signed(funded::<T>(proposer)).into(),
		Box::new(longest_call::<T>()),
	)
	.expect("proposes");
	id
}

/// `n` proposals of other accounts (one each: an account has only
/// `MaxLiveProposalsPerAccount` being voted on), all ending in the same block.
fn proposals<T: Config>(n: u32) -> Vec<ProposalId> {
	(0..n).map(|i| propose_from::<T>(account("proposer", i, 0))).collect()
}

fn vote_on<T: Config>(who: &T::AccountId, id: ProposalId, conviction: Conviction) {
	Pallet::<T>::vote(
		RawOrigin::Signed(who.clone()).into(),
		id,
		true,
		T::Currency::minimum_balance(),
		conviction,
	)
	.expect("votes");
}

/// Every proposal with an aye passes: no minimum turnout.
fn any_aye_passes<T: Config>() {
	Parameters::<T>::mutate(|p| {
		p.min_turnout = Perbill::zero();
		p.approval_threshold = Perbill::from_percent(50);
	});
}

/// The first block after the voting of proposals made now.
fn decision_block<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number()
		.saturating_add(Parameters::<T>::get().voting_period)
		.saturating_add(One::one())
}

/// As many other votes of `who` as the bounds allow, on proposals that end now (with any
/// made earlier in this block), so the call under measurement walks and rewrites a full
/// vote list.
fn other_votes<T: Config>(who: &T::AccountId) {
	let others = T::MaxVotesPerAccount::get().min(T::MaxLiveProposals::get()).saturating_sub(1);
	let ids = proposals::<T>(others);
	for id in &ids {
		vote_on::<T>(who, *id, Conviction::Locked1x);
	}
	let decided = decision_block::<T>();
	frame_system::Pallet::<T>::set_block_number(decided);
	Pallet::<T>::on_initialize(decided);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The longest call, joining `MaxLiveProposals - 1` others that end in the same block.
	#[benchmark]
	fn propose() {
		proposals::<T>(T::MaxLiveProposals::get() - 1);
		let caller = funded::<T>(whitelisted_caller());
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), Box::new(longest_call::<T>()));
		assert_eq!(LiveProposals::<T>::get(), T::MaxLiveProposals::get());
	}

	/// A new vote of an account with the most other votes.
	#[benchmark]
	fn vote() {
		let caller = funded::<T>(whitelisted_caller());
		other_votes::<T>(&caller);
		let id = propose_from::<T>(account("proposer", 1, 0));
		let balance = T::Currency::minimum_balance();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), id, true, balance, Conviction::Locked6x);
		assert!(Votes::<T>::contains_key(id, &caller));
	}

	/// A winning conviction vote on an ended proposal becomes a lock.
	#[benchmark]
	fn remove_vote() {
		any_aye_passes::<T>();
		let caller = funded::<T>(whitelisted_caller());
		let id = propose_from::<T>(account("proposer", 1, 0));
		vote_on::<T>(&caller, id, Conviction::Locked6x);
		other_votes::<T>(&caller);
		assert!(matches!(
			Proposals::<T>::get(id).map(|p| p.status),
			Some(ProposalStatus::Approved { .. })
		));
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), id);
		assert!(VotingOf::<T>::get(&caller).prior.amount > Zero::zero());
	}

	/// An expired lock is dropped while the most votes stay recorded.
	#[benchmark]
	fn unlock() {
		any_aye_passes::<T>();
		let caller = funded::<T>(whitelisted_caller());
		let id = propose_from::<T>(account("proposer", 1, 0));
		vote_on::<T>(&caller, id, Conviction::Locked1x);
		other_votes::<T>(&caller);
		Pallet::<T>::remove_vote(RawOrigin::Signed(caller.clone()).into(), id).expect("removes");
		let until = VotingOf::<T>::get(&caller).prior.until;
		frame_system::Pallet::<T>::set_block_number(until);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), caller.clone());
		assert!(VotingOf::<T>::get(&caller).prior.amount.is_zero());
	}

	/// Governance cancels a proposal sharing its deadline with the most others, slashing
	/// the deposit.
	#[benchmark]
	fn cancel() -> Result<(), BenchmarkError> {
		let ids = proposals::<T>(T::MaxLiveProposals::get());
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let id = ids[0];
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id);
		assert!(matches!(
			Proposals::<T>::get(id).map(|p| p.status),
			Some(ProposalStatus::Cancelled { .. })
		));
		Ok(())
	}

	#[benchmark]
	fn spend() -> Result<(), BenchmarkError> {
		funded::<T>(T::Treasury::get());
		let amount = T::Currency::minimum_balance().saturating_mul(10u32.into());
		let beneficiary: T::AccountId = account("beneficiary", 0, 0);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, amount, beneficiary.clone());
		assert_eq!(T::Currency::balance(&beneficiary), amount);
		Ok(())
	}

	#[benchmark]
	fn set_parameters(n: Linear<1, MAX_PARAMETER_CHANGES>) -> Result<(), BenchmarkError> {
		let changes: Vec<ParameterChangeOf<T>> =
			(1..=n).map(|i| ParameterChange::ProposalDeposit(i.into())).collect();
		let changes = changes.try_into().expect("bounded by MAX_PARAMETER_CHANGES");
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, changes);
		assert_eq!(Parameters::<T>::get().proposal_deposit, n.into());
		Ok(())
	}

	/// `d` proposals end (all pass) and `e` passed proposals are dispatched (a remark of
	/// `MaxProposalLen`; the dispatched call's own weight is added at run time).
	#[benchmark]
	fn on_initialize(
		d: Linear<0, { T::MaxLiveProposals::get() }>,
		e: Linear<0, { T::MaxLiveProposals::get() }>,
	) {
		any_aye_passes::<T>();
		// One voter per proposal: a voter's votes are bounded.
		let approve = |ids: &[ProposalId]| {
			for (i, id) in ids.iter().enumerate() {
				vote_on::<T>(
					&funded::<T>(account("voter", i as u32, 0)),
					*id,
					Conviction::Locked1x,
				);
			}
		};
		let enacted = proposals::<T>(e);
		approve(&enacted);
		let decided = decision_block::<T>();
		frame_system::Pallet::<T>::set_block_number(decided);
		Pallet::<T>::on_initialize(decided);
		let parameters = Parameters::<T>::get();
		let now = decided.saturating_add(parameters.enactment_delay);
		// The next proposals' voting ends just before the enactments are due.
		frame_system::Pallet::<T>::set_block_number(
			now.saturating_sub(parameters.voting_period).saturating_sub(One::one()),
		);
		let deciding = proposals::<T>(d);
		approve(&deciding);
		frame_system::Pallet::<T>::set_block_number(now);
		assert_eq!(Deadlines::<T>::get(now.saturating_sub(One::one())).len() as u32, d);
		assert_eq!(Enactments::<T>::get(now).len() as u32, e);
		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}
		for id in deciding {
			assert!(matches!(
				Proposals::<T>::get(id).map(|p| p.status),
				Some(ProposalStatus::Approved { .. })
			));
		}
		for id in enacted {
			assert!(matches!(
				Proposals::<T>::get(id).map(|p| p.status),
				Some(ProposalStatus::Enacted { succeeded: true, .. })
			));
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
