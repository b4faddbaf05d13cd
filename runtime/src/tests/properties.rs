//! Random sequences of calls over every Agora pallet and plain transfers, votes among
//! them, against the assembled runtime. After every step, failed calls included: each
//! live vote is backed by at least its balance, still in the voter's account; every
//! pallet's `try_state` holds; total issuance is unchanged.

use super::{
	at_block_one, genesis_storage,
	support::{check_invariants, open_channel, receipt, run_governance_to, signed},
};
use crate::{
	AccountId, Balance, Balances, Governance, Metering, Rewards, Runtime, RuntimeCall, Services,
	System, AGR,
};
use agora_primitives::{Conviction, Price, PriceUnit};
use frame_support::traits::{fungible::Mutate, tokens::Preservation};
use proptest::prelude::*;
use sp_keyring::Sr25519Keyring;
use sp_runtime::Perbill;
use std::sync::OnceLock;

/// Five actors, each with 1,000 AGR: small enough that the random amounts run into what
/// votes, deposits and bonds hold.
const ACTORS: u8 = 5;

fn actor(i: u8) -> AccountId {
	// Derived once: each keyring derivation runs PBKDF2, slow in a debug build.
	static ACCOUNTS: OnceLock<Vec<AccountId>> = OnceLock::new();
	ACCOUNTS
		.get_or_init(|| Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect())
		.get((i % ACTORS) as usize)
		.expect("five keyrings")
		.clone()
}

/// The development genesis, with the actors' funds cut to 1,000 AGR each.
fn fresh_chain() -> sp_io::TestExternalities {
	let mut ext = at_block_one(genesis_storage(sp_genesis_builder::DEV_RUNTIME_PRESET));
	ext.execute_with(|| {
		for i in 0..ACTORS {
			let who = actor(i);
			Balances::set_balance(&who, 1_000 * AGR);
		}
	});
	ext
}

#[derive(Debug, Clone)]
enum Op {
	Propose { who: u8 },
	Vote { who: u8, nth: u8, balance: u64, conviction: u8 },
	RemoveVote { who: u8, nth: u8 },
	Unlock { who: u8 },
	Transfer { from: u8, to: u8, amount: u64 },
	RegisterProvider { who: u8, bond: u64 },
	BondExtra { who: u8, amount: u64 },
	Unbond { who: u8, amount: u64 },
	ListService { who: u8 },
	OpenChannel { who: u8, nth: u8, deposit: u64 },
	TopUp { who: u8, nth: u8, amount: u64 },
	Claim { who: u8, nth: u8, units: u64, close: bool },
	RegisterDataset { who: u8 },
	Contribute { who: u8, nth: u8 },
	Review { who: u8, nth: u8, accept: bool },
	Advance { blocks: u32 },
}

/// Amounts in whole AGR, up to a little more than an actor has.
fn agr() -> impl Strategy<Value = u64> {
	1u64..1_100
}

fn op() -> impl Strategy<Value = Op> {
	let who = 0..ACTORS;
	let nth = any::<u8>();
	prop_oneof![
		who.clone().prop_map(|who| Op::Propose { who }),
		(who.clone(), nth.clone(), agr(), 0u8..7).prop_map(|(who, nth, balance, conviction)| {
			Op::Vote { who, nth, balance, conviction }
		}),
		(who.clone(), nth.clone()).prop_map(|(who, nth)| Op::RemoveVote { who, nth }),
		who.clone().prop_map(|who| Op::Unlock { who }),
		(who.clone(), who.clone(), agr()).prop_map(|(from, to, amount)| Op::Transfer {
			from,
			to,
			amount
		}),
		(who.clone(), 100u64..400).prop_map(|(who, bond)| Op::RegisterProvider { who, bond }),
		(who.clone(), agr()).prop_map(|(who, amount)| Op::BondExtra { who, amount }),
		(who.clone(), agr()).prop_map(|(who, amount)| Op::Unbond { who, amount }),
		who.clone().prop_map(|who| Op::ListService { who }),
		(who.clone(), nth.clone(), agr()).prop_map(|(who, nth, deposit)| Op::OpenChannel {
			who,
			nth,
			deposit
		}),
		(who.clone(), nth.clone(), agr()).prop_map(|(who, nth, amount)| Op::TopUp {
			who,
			nth,
			amount
		}),
		(who.clone(), nth.clone(), agr(), any::<bool>())
			.prop_map(|(who, nth, units, close)| { Op::Claim { who, nth, units, close } }),
		who.clone().prop_map(|who| Op::RegisterDataset { who }),
		(who.clone(), nth.clone()).prop_map(|(who, nth)| Op::Contribute { who, nth }),
		(who, nth, any::<bool>()).prop_map(|(who, nth, accept)| Op::Review { who, nth, accept }),
		(1u32..30).prop_map(|blocks| Op::Advance { blocks }),
	]
}

fn conviction(i: u8) -> Conviction {
	Conviction::ALL[i as usize % Conviction::ALL.len()]
}

/// The `nth` of `count` ids issued so far (0 when none were).
fn pick(nth: u8, count: u64) -> u64 {
	u64::from(nth) % count.max(1)
}

fn apply(op: Op) -> sp_runtime::DispatchResult {
	let agr = |amount: u64| Balance::from(amount) * AGR;
	match op {
		Op::Propose { who } => {
			let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![who] });
			Governance::propose(signed(&actor(who)), Box::new(call))
		},
		Op::Vote { who, nth, balance, conviction: c } => {
			let proposals = pallet_governance::NextProposalId::<Runtime>::get().into();
			let id = pick(nth, proposals) as u32;
			Governance::vote(signed(&actor(who)), id, nth % 2 == 0, agr(balance), conviction(c))
		},
		Op::RemoveVote { who, nth } => {
			let proposals = pallet_governance::NextProposalId::<Runtime>::get().into();
			Governance::remove_vote(signed(&actor(who)), pick(nth, proposals) as u32)
		},
		Op::Unlock { who } => Governance::unlock(signed(&actor(0)), actor(who)),
		Op::Transfer { from, to, amount } => <Balances as Mutate<_>>::transfer(
			&actor(from),
			&actor(to),
			agr(amount),
			Preservation::Preserve,
		)
		.map(|_| ()),
		Op::RegisterProvider { who, bond } => {
			Services::register_provider(signed(&actor(who)), b"p".to_vec(), agr(bond))
		},
		Op::BondExtra { who, amount } => Services::bond_extra(signed(&actor(who)), agr(amount)),
		Op::Unbond { who, amount } => Services::unbond(signed(&actor(who)), agr(amount)),
		Op::ListService { who } => Services::list_service(
			signed(&actor(who)),
			b"s".to_vec(),
			vec![],
			vec![],
			Default::default(),
			Price { unit: PriceUnit::Request, per_unit: AGR },
			Perbill::from_percent(10),
			None,
		),
		Op::OpenChannel { who, nth, deposit } => {
			let services = pallet_services::NextServiceId::<Runtime>::get();
			open_channel(&actor(who), pick(nth, services), agr(deposit)).map(|_| ())
		},
		Op::TopUp { who, nth, amount } => {
			let channels = pallet_metering::NextChannelId::<Runtime>::get();
			Metering::top_up(signed(&actor(who)), pick(nth, channels), agr(amount))
		},
		Op::Claim { who, nth, units, close } => {
			let channels = pallet_metering::NextChannelId::<Runtime>::get();
			let (receipt, signature) = receipt(pick(nth, channels), units);
			Metering::claim(signed(&actor(who)), receipt, signature, close)
		},
		Op::RegisterDataset { who } => Rewards::register_dataset(
			signed(&actor(who)),
			b"d".to_vec(),
			vec![],
			Default::default(),
		),
		Op::Contribute { who, nth } => {
			let datasets = pallet_rewards::NextDatasetId::<Runtime>::get();
			Rewards::contribute(signed(&actor(who)), pick(nth, datasets), Default::default(), 5)
		},
		Op::Review { who, nth, accept } => {
			let contributions = pallet_rewards::NextContributionId::<Runtime>::get();
			Rewards::review(signed(&actor(who)), pick(nth, contributions), accept)
		},
		Op::Advance { blocks } => {
			run_governance_to(System::block_number() + blocks);
			Ok(())
		},
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(32))]
	#[test]
	fn votes_stay_backed_and_no_token_is_created_or_lost(
		ops in proptest::collection::vec(op(), 1..80)
	) {
		fresh_chain().execute_with(|| {
			let issuance = Balances::total_issuance();
			for op in ops {
				// Failing calls are part of the sequence: they must change nothing.
				let _ = frame_support::storage::with_storage_layer(|| apply(op.clone()));
				check_invariants();
				prop_assert_eq!(Balances::total_issuance(), issuance, "after {:?}", op);
			}
			Ok(())
		})?;
	}
}
