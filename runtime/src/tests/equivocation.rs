//! GRANDPA equivocations reported on chain, as a node reports one it sees: two prevotes
//! of Dave's key in one round for different blocks, with the proof that the key was
//! Dave's in this session, are accepted unsigned; Dave is disabled at once and leaves the
//! set. A proof that does not hold, or the same one again, is refused and changes nothing.

use super::genesis;
use crate::{Grandpa, Historical, Runtime, RuntimeEvent, RuntimeOrigin, System, Validators};
use frame_support::{assert_noop, assert_ok, traits::KeyOwnerProofSystem};
use pallet_grandpa::AuthorityId as GrandpaId;
use sp_consensus_grandpa::{EquivocationProof, KEY_TYPE};
use sp_core::H256;
use sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// `signer`'s prevote for block `number` (hash `hash`) in round 1 of set `set_id`.
fn prevote(
	set_id: u64,
	signer: Ed25519Keyring,
	hash: H256,
	number: u32,
) -> (finality_grandpa::Prevote<H256, u32>, sp_consensus_grandpa::AuthoritySignature) {
	let vote = finality_grandpa::Prevote { target_hash: hash, target_number: number };
	let payload = sp_consensus_grandpa::localized_payload(
		1,
		set_id,
		&finality_grandpa::Message::Prevote(vote.clone()),
	);
	(vote, signer.sign(&payload).into())
}

/// Two prevotes in round 1: the first by `offender` for block 1 (hash 1), the second by
/// `second_signer` for block 2 (hash 2).
fn equivocation(
	offender: Ed25519Keyring,
	second_signer: Ed25519Keyring,
) -> EquivocationProof<H256, u32> {
	let set_id = Grandpa::current_set_id();
	EquivocationProof::new(
		set_id,
		sp_consensus_grandpa::Equivocation::Prevote(finality_grandpa::Equivocation {
			round_number: 1,
			identity: offender.public().into(),
			first: prevote(set_id, offender, H256::repeat_byte(1), 1),
			second: prevote(set_id, second_signer, H256::repeat_byte(2), 2),
		}),
	)
}

fn owner_proof(key: Ed25519Keyring) -> sp_session::MembershipProof {
	Historical::prove((KEY_TYPE, GrandpaId::from(key.public())))
		.expect("the key is a GRANDPA key of this session")
}

#[test]
fn a_proven_equivocation_disables_the_offender_and_removes_it() {
	genesis(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let dave = Sr25519Keyring::Dave.to_account_id();
		assert_ok!(Grandpa::report_equivocation_unsigned(
			RuntimeOrigin::none(),
			Box::new(equivocation(Ed25519Keyring::Dave, Ed25519Keyring::Dave)),
			owner_proof(Ed25519Keyring::Dave),
		));
		System::assert_has_event(RuntimeEvent::Validators(
			pallet_validators::Event::OffenderReported {
				who: dave.clone(),
				session: 0,
				disabled: true,
				removed: true,
			},
		));
		// Index 3 of Alice, Bob, Charlie, Dave: it may no longer author (Aura skips it).
		assert_eq!(
			pallet_session::DisabledValidators::<Runtime>::get()
				.into_iter()
				.map(|(index, _)| index)
				.collect::<Vec<_>>(),
			vec![3]
		);
		assert!(!Validators::validators().contains(&dave));
		super::support::check_invariants();

		// The same offence again: refused as a duplicate.
		assert_noop!(
			Grandpa::report_equivocation_unsigned(
				RuntimeOrigin::none(),
				Box::new(equivocation(Ed25519Keyring::Dave, Ed25519Keyring::Dave)),
				owner_proof(Ed25519Keyring::Dave),
			),
			pallet_grandpa::Error::<Runtime>::DuplicateOffenceReport
		);
	});
}

#[test]
fn a_proof_that_does_not_hold_is_refused_and_changes_nothing() {
	genesis(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let validators = Validators::validators();
		let ferdie = RuntimeOrigin::signed(Sr25519Keyring::Ferdie.to_account_id());
		let (dave, charlie) = (Ed25519Keyring::Dave, Ed25519Keyring::Charlie);
		let refused: [(RuntimeOrigin, _, _, sp_runtime::DispatchError); 3] = [
			// The second vote is Charlie's, not Dave's: no equivocation.
			(
				RuntimeOrigin::none(),
				equivocation(dave, charlie),
				owner_proof(dave),
				pallet_grandpa::Error::<Runtime>::InvalidEquivocationProof.into(),
			),
			// A real equivocation of Dave's with the proof of Charlie's key.
			(
				RuntimeOrigin::none(),
				equivocation(dave, dave),
				owner_proof(charlie),
				pallet_grandpa::Error::<Runtime>::InvalidKeyOwnershipProof.into(),
			),
			// Only the node's own pool submits it unsigned; a signed origin is not `none`.
			(
				ferdie,
				equivocation(dave, dave),
				owner_proof(dave),
				sp_runtime::DispatchError::BadOrigin,
			),
		];
		for (origin, proof, owner, error) in refused {
			assert_noop!(
				Grandpa::report_equivocation_unsigned(origin, Box::new(proof), owner),
				error
			);
		}
		assert_eq!(Validators::validators(), validators);
		assert!(pallet_session::DisabledValidators::<Runtime>::get().is_empty());
	});
}
