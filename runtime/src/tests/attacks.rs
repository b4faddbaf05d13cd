//! The attacks on Agora's economics (issue #20), each performed against the assembled
//! runtime: real `pallet-balances` and every Agora pallet. Each test is named after its
//! attack and asserts that the attack fails and what the attacker is left with;
//! `docs/security.md` lists them with their defences.

use super::{
	genesis,
	support::{
		account, check_invariants, listed_service, open_channel, propose, receipt,
		run_governance_to, signed, vote_aye, vote_held,
	},
};
use crate::{
	configs, Balances, Governance, Metering, Rewards, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeOrigin, Services, System, AGR,
};
use agora_primitives::{Conviction, ProposalStatus};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::GetDispatchInfo,
	traits::{
		fungible::{Inspect, InspectHold, Mutate},
		tokens::Preservation,
	},
};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Dave, Eve, Ferdie};
use sp_runtime::{DispatchError, Perbill, TokenError};

fn dev_chain() -> sp_io::TestExternalities {
	genesis(sp_genesis_builder::DEV_RUNTIME_PRESET)
}

fn spend(amount: crate::Balance) -> RuntimeCall {
	RuntimeCall::Governance(pallet_governance::Call::spend { amount, beneficiary: account(Ferdie) })
}

/// Bob votes 900,000 AGR with 6× conviction, then tries to hand the same tokens to
/// Charlie through a payment channel so that Charlie votes them again (the run
/// on a dev node reached 2,781,898 AGR of turnout that way). The voted tokens are held:
/// no channel deposit can take them, and each vote stays backed.
#[test]
fn voted_tokens_cannot_be_recycled_through_a_channel_to_vote_again() {
	dev_chain().execute_with(|| {
		let (bob, charlie) = (account(Bob), account(Charlie));
		let service = listed_service(&charlie);
		let proposal = propose(&account(Alice), spend(1_000 * AGR));
		vote_aye(&bob, proposal, 900_000 * AGR);
		assert_eq!(vote_held(&bob), 900_000 * AGR);

		// The 900,000 AGR channel needs funds the vote holds.
		assert_noop!(
			Metering::open_channel(
				signed(&bob),
				service,
				900_000 * AGR,
				crate::DAYS,
				agora_primitives::ReceiptSigner::Sr25519(sp_core::Pair::public(
					super::support::receipt_key()
				)),
				agora_primitives::Price {
					unit: agora_primitives::PriceUnit::Request,
					per_unit: AGR
				},
			),
			TokenError::FundsUnavailable
		);
		// What is free still pays for service: 99,000 AGR, claimed by Charlie, who votes it.
		let channel = open_channel(&bob, service, 99_000 * AGR).unwrap();
		let (receipt, signature) = receipt(channel, 99_000);
		assert_ok!(Metering::claim(signed(&charlie), receipt, signature, true));
		vote_aye(&charlie, proposal, 900_000 * AGR);

		let tally = pallet_governance::Proposals::<Runtime>::get(proposal).unwrap().tally;
		assert_eq!(tally.turnout, 1_800_000 * AGR);
		// Bob's vote is still fully in his account, held; he has less than 1,000 AGR free.
		assert_eq!(vote_held(&bob), 900_000 * AGR);
		assert_eq!(Balances::total_balance(&bob), 901_000 * AGR);
		check_invariants();
	});
}

/// The other order: Bob first puts 600,000 AGR into a channel to Charlie's service, then
/// votes. A vote counts only funds not on hold, so the deposit Charlie can claim never
/// voted; and a plain transfer of what is free cannot strand the vote either.
#[test]
fn a_deposit_a_counterparty_can_claim_never_votes() {
	dev_chain().execute_with(|| {
		let (bob, charlie, dave) = (account(Bob), account(Charlie), account(Dave));
		let service = listed_service(&charlie);
		let proposal = propose(&account(Alice), spend(1_000 * AGR));
		let channel = open_channel(&bob, service, 600_000 * AGR).unwrap();
		assert_noop!(
			Governance::vote(signed(&bob), proposal, true, 400_001 * AGR, Conviction::Locked6x),
			pallet_governance::Error::<Runtime>::InsufficientFunds
		);
		vote_aye(&bob, proposal, 300_000 * AGR);
		// Bob sends away everything he can; the vote stays held.
		let movable = Balances::reducible_balance(
			&bob,
			Preservation::Preserve,
			frame_support::traits::tokens::Fortitude::Polite,
		);
		assert_eq!(movable, 100_000 * AGR - crate::EXISTENTIAL_DEPOSIT);
		assert_ok!(Balances::transfer(&bob, &dave, movable, Preservation::Preserve));
		// Charlie claims the whole deposit: Bob's vote is untouched.
		let (receipt, signature) = receipt(channel, 600_000);
		assert_ok!(Metering::claim(signed(&charlie), receipt, signature, true));
		assert_eq!(vote_held(&bob), 300_000 * AGR);
		assert_eq!(Balances::total_balance(&bob), 300_000 * AGR + crate::EXISTENTIAL_DEPOSIT);
		check_invariants();
	});
}

/// Every hold Agora places on a user's behalf takes free funds only, never what a vote
/// holds: provider bond and `bond_extra`, service deposit, channel deposit and `top_up`,
/// dataset, contribution and proposal deposits (submission deposits and the session key
/// deposit are the same `hold` of free funds), and plain transfers.
#[test]
fn no_deposit_or_bond_takes_what_a_vote_holds() {
	dev_chain().execute_with(|| {
		let (bob, charlie) = (account(Bob), account(Charlie));
		let service = listed_service(&charlie);
		let channel = open_channel(&bob, service, 10 * AGR).unwrap();
		assert_ok!(Rewards::register_dataset(
			signed(&charlie),
			b"data".to_vec(),
			vec![],
			Default::default()
		));
		assert_ok!(Services::register_provider(signed(&bob), b"bob".to_vec(), 100 * AGR));
		let proposal = propose(&account(Alice), spend(1_000 * AGR));
		// Bob votes all he has free but 5 AGR.
		let free = Balances::reducible_balance(
			&bob,
			Preservation::Preserve,
			frame_support::traits::tokens::Fortitude::Polite,
		);
		vote_aye(&bob, proposal, free - 5 * AGR);
		let beyond = 6 * AGR;
		assert_noop!(Services::bond_extra(signed(&bob), beyond), TokenError::FundsUnavailable);
		assert_noop!(Metering::top_up(signed(&bob), channel, beyond), TokenError::FundsUnavailable);
		assert_noop!(open_channel(&bob, service, beyond), TokenError::FundsUnavailable);
		pallet_services::Parameters::<Runtime>::mutate(|p| p.service_deposit = beyond);
		pallet_rewards::Parameters::<Runtime>::mutate(|p| {
			p.dataset_deposit = beyond;
			p.contribution_deposit = beyond;
		});
		pallet_governance::Parameters::<Runtime>::mutate(|p| p.proposal_deposit = beyond);
		assert_noop!(
			Services::list_service(
				signed(&bob),
				b"x".to_vec(),
				vec![],
				vec![],
				Default::default(),
				agora_primitives::Price {
					unit: agora_primitives::PriceUnit::Request,
					per_unit: AGR
				},
				Perbill::zero(),
				None
			),
			TokenError::FundsUnavailable
		);
		assert_noop!(
			Rewards::register_dataset(signed(&bob), b"x".to_vec(), vec![], Default::default()),
			TokenError::FundsUnavailable
		);
		assert_noop!(
			Rewards::contribute(signed(&bob), 0, Default::default(), 1),
			TokenError::FundsUnavailable
		);
		assert_noop!(
			Governance::propose(signed(&bob), Box::new(spend(1))),
			TokenError::FundsUnavailable
		);
		assert_ok!(Balances::transfer(&bob, &account(Dave), 4 * AGR, Preservation::Preserve));
		assert_noop!(
			Balances::transfer(&bob, &account(Dave), 2 * AGR, Preservation::Preserve),
			TokenError::FundsUnavailable
		);
		assert_eq!(vote_held(&bob), free - 5 * AGR);
		check_invariants();
	});
}

/// A contributor votes with everything it has free, then its contribution is rejected:
/// the curator still receives the forfeited deposit (with a freeze, the forfeit failed
/// and a voting contributor could never be rejected).
#[test]
fn a_vote_does_not_stop_a_curator_rejecting_a_contribution() {
	dev_chain().execute_with(|| {
		let (curator, eve) = (account(Dave), account(Eve));
		assert_ok!(Rewards::register_dataset(
			signed(&curator),
			b"d".to_vec(),
			vec![],
			Default::default()
		));
		assert_ok!(Rewards::contribute(signed(&eve), 0, Default::default(), 10));
		let proposal = propose(&account(Alice), spend(1_000 * AGR));
		let free = Balances::reducible_balance(
			&eve,
			Preservation::Preserve,
			frame_support::traits::tokens::Fortitude::Polite,
		);
		vote_aye(&eve, proposal, free);
		let curator_before = Balances::balance(&curator);
		assert_ok!(Rewards::review(signed(&curator), 0, false));
		let deposit = Rewards::parameters().contribution_deposit;
		assert_eq!(Balances::balance(&curator), curator_before + deposit);
		assert_eq!(vote_held(&eve), free);
		check_invariants();
	});
}

/// A provider sees a proposal to slash its whole bond, retires its service, unbonds and
/// tries to withdraw before the slash is enacted. With the default parameters (voting 7
/// days, enactment 1 day, unbonding 14 days) the bond is still held at enactment and the
/// slash takes all of it (with a 7-day unbonding period the provider withdrew first and
/// the slash found nothing).
#[test]
fn a_provider_cannot_unbond_and_withdraw_before_its_slash_is_enacted() {
	dev_chain().execute_with(|| {
		pallet_governance::Parameters::<Runtime>::put(configs::governance_parameters());
		let charlie = account(Charlie);
		let service = listed_service(&charlie);
		let bond = Services::parameters().min_provider_bond;
		let slash = RuntimeCall::Services(pallet_services::Call::slash_provider {
			provider: charlie.clone(),
			amount: bond,
		});
		let proposal = propose(&account(Alice), slash);
		for voter in [Alice, Bob, Dave] {
			vote_aye(&account(voter), proposal, 900_000 * AGR);
		}
		assert_ok!(Services::retire_service(signed(&charlie), service));
		assert_ok!(Services::unbond(signed(&charlie), bond));
		let parameters = Governance::parameters();
		let enact_at = 1 + parameters.voting_period + 1 + parameters.enactment_delay;
		run_governance_to(enact_at - 1);
		assert_noop!(
			Services::withdraw_unbonded(signed(&charlie)),
			pallet_services::Error::<Runtime>::NothingToWithdraw
		);
		let treasury_before = Balances::balance(&configs::TreasuryAccount::get());
		run_governance_to(enact_at);
		System::assert_has_event(RuntimeEvent::Services(pallet_services::Event::ProviderSlashed {
			provider: charlie.clone(),
			requested: bond,
			slashed: bond,
		}));
		assert_eq!(Balances::balance(&configs::TreasuryAccount::get()), treasury_before + bond);
		run_governance_to(1 + Services::parameters().unbonding_period + 1);
		assert_noop!(
			Services::withdraw_unbonded(signed(&charlie)),
			pallet_services::Error::<Runtime>::NothingToWithdraw
		);
		assert_eq!(
			Balances::balance_on_hold(&pallet_services::HoldReason::ProviderBond.into(), &charlie),
			0
		);
		check_invariants();
	});
}

/// Governance values that would halt the chain or leave it ungovernable are refused, each
/// with its own error, and change nothing: in every pallet that owns parameters, and
/// across them (a slash must be enacted before the bond it targets can leave).
#[test]
fn parameters_that_would_brick_the_chain_are_refused() {
	use pallet_governance::{Error, ParameterChange};
	dev_chain().execute_with(|| {
		let set = |change: ParameterChange<crate::Balance, crate::BlockNumber>| {
			Governance::set_parameters(RuntimeOrigin::root(), vec![change].try_into().unwrap())
		};
		let cases = [
			(
				ParameterChange::MinTurnout(Perbill::from_percent(100)),
				Error::<Runtime>::MinTurnoutOutOfBounds,
			),
			// No turnout at all: one planck would pass any call.
			(ParameterChange::MinTurnout(Perbill::zero()), Error::<Runtime>::MinTurnoutOutOfBounds),
			(ParameterChange::VotingPeriod(u32::MAX), Error::<Runtime>::PeriodOutOfBounds),
			(ParameterChange::EnactmentDelay(u32::MAX), Error::<Runtime>::PeriodOutOfBounds),
			(
				ParameterChange::ProposalDeposit(u128::MAX),
				Error::<Runtime>::ParameterAmountTooLarge,
			),
			(ParameterChange::VotingPeriod(1), Error::<Runtime>::VotingPeriodTooShort),
			// Voting for as long as a bond unbonds: the provider withdraws first.
			(
				ParameterChange::VotingPeriod(Services::parameters().unbonding_period),
				Error::<Runtime>::DecisionOutlastsUnbonding,
			),
			(
				ParameterChange::ApprovalThreshold(Perbill::from_percent(50)),
				Error::<Runtime>::ApprovalThresholdOutOfBounds,
			),
		];
		for (change, error) in cases {
			assert_noop!(set(change), error);
		}
		use pallet_metering::ParameterChange as MeteringChange;
		use pallet_services::ParameterChange as ServiceChange;
		let metering = |change| {
			crate::Metering::set_parameters(RuntimeOrigin::root(), vec![change].try_into().unwrap())
		};
		let services = |change| {
			crate::Services::set_parameters(RuntimeOrigin::root(), vec![change].try_into().unwrap())
		};
		assert_noop!(
			metering(MeteringChange::ProtocolFee(Perbill::from_percent(100))),
			pallet_metering::Error::<Runtime>::ProtocolFeeTooHigh
		);
		assert_noop!(
			metering(MeteringChange::MinChannelDeposit(u128::MAX)),
			pallet_metering::Error::<Runtime>::ParameterAmountTooLarge
		);
		// An unbonding period no longer than voting plus enactment: the provider unbonds
		// the moment a slash is proposed and withdraws before it is enacted.
		assert_noop!(
			services(ServiceChange::UnbondingPeriod(Governance::decision_time())),
			pallet_services::Error::<Runtime>::UnbondingShorterThanSlashDelay
		);
		assert_noop!(
			services(ServiceChange::MinProviderBond(0)),
			pallet_services::Error::<Runtime>::ZeroParameterAmount
		);
		// The runtime's defaults and development values are valid.
		assert_ok!(Governance::validate_parameters(&configs::governance_parameters()));
		assert_ok!(Governance::validate_parameters(&Governance::parameters()));
		assert_ok!(crate::Services::validate_parameters(&configs::service_parameters()));
		assert_ok!(crate::Metering::validate_parameters(&configs::metering_parameters()));
		assert_ok!(crate::Rewards::validate_parameters(&configs::reward_parameters()));
	});
}

/// Thirty-two proposals, each carrying a call of the heaviest weight a proposal may
/// declare, pass in the same block. Enactment spreads them over the following blocks:
/// no block's enactments declare more than `MaxEnactmentWeight`, a quarter block.
#[test]
fn thirty_two_maximum_weight_proposals_never_overfill_a_block() {
	dev_chain().execute_with(|| {
		let heaviest = configs::MaxProposalCallWeight::get();
		let heavy = RuntimeCall::Utility(pallet_utility::Call::with_weight {
			call: Box::new(RuntimeCall::System(frame_system::Call::remark { remark: vec![] })),
			weight: heaviest,
		});
		assert_eq!(heavy.get_dispatch_info().call_weight, heaviest);
		// Twelve proposers: each account has at most four proposals being voted on.
		let proposers = super::dev_accounts();
		let ids: Vec<_> = (0..32)
			.map(|i| propose(&proposers[i % proposers.len()], heavy.clone()))
			.collect();
		for id in &ids {
			for voter in [Alice, Bob] {
				vote_aye(&account(voter), *id, 900_000 * AGR);
			}
		}
		let parameters = Governance::parameters();
		let decided = 1 + parameters.voting_period + 1;
		let max_block = configs::RuntimeBlockWeights::get().max_block;
		let weights = run_governance_to(decided + parameters.enactment_delay + 40);
		for weight in &weights {
			assert!(weight.all_lte(max_block), "{weight:?} overfills a block");
			assert!(weight.all_lte(heaviest.saturating_mul(2)), "{weight:?}: more than one");
		}
		for id in ids {
			assert!(matches!(
				pallet_governance::Proposals::<Runtime>::get(id).unwrap().status,
				ProposalStatus::Enacted { succeeded: true, .. }
			));
		}
		check_invariants();
	});
}

/// An attacker's account has been drained to its existential deposit by fees and
/// transfers: it still cannot vote what it does not have free.
#[test]
fn a_vote_beyond_free_funds_is_refused_and_changes_nothing() {
	dev_chain().execute_with(|| {
		let attacker: crate::AccountId = [7u8; 32].into();
		assert_ok!(Balances::mint_into(&attacker, 10 * AGR));
		let proposal = propose(&account(Alice), spend(1));
		assert_noop!(
			Governance::vote(signed(&attacker), proposal, true, 10 * AGR, Conviction::Locked6x),
			pallet_governance::Error::<Runtime>::InsufficientFunds
		);
		assert_ok!(Governance::vote(
			signed(&attacker),
			proposal,
			true,
			10 * AGR - crate::EXISTENTIAL_DEPOSIT,
			Conviction::Locked6x
		));
		assert_noop!(
			Balances::transfer(&attacker, &account(Bob), 1, Preservation::Expendable),
			TokenError::Frozen
		);
		assert_eq!(
			DispatchError::from(TokenError::FundsUnavailable),
			Services::register_provider(signed(&attacker), b"a".to_vec(), 100 * AGR).unwrap_err()
		);
		check_invariants();
	});
}
