// Accountability on the four-validator testnet: two contradicting GRANDPA prevotes of
// Dave's key in one round (what a second node run with Dave's keys sends) are reported on
// chain by another account, with the key-ownership proof the runtime API gives; the
// report is accepted, Dave is disabled at once and leaves the set from the session after
// the next, and the other three keep finalizing. A second report of the same offence,
// and one whose votes are not both Dave's, are refused.
//
// (Two nodes holding Dave's keys do not reliably double-vote here: GRANDPA votes for a
// block two behind the best, which both nodes agree on, so the test signs the two votes
// itself, with the ed25519 key `//Dave` that `--dave` puts in a node's keystore.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { submit, submitOk } from '@agora/client';
import { eventually } from './lib/node.js';
import { accounts, bestWithValidators, useFourValidators, waitFinalized } from './lib/testnet.js';

const grandpaKeys = new Keyring({ type: 'ed25519' });

/**
 * `signer`'s GRANDPA prevote for `target` in round `round` of set `setId`: the vote and
 * its signature over the localized payload (SCALE of the message, round and set id).
 */
function prevote(api, signer, setId, round, target) {
  const vote = { targetHash: target.hash, targetNumber: target.number };
  // `finality_grandpa::Message::Prevote` (variant 0) of the vote, then the round and set.
  const payload = u8aConcat(
    [0],
    api.createType('H256', target.hash).toU8a(),
    api.createType('u32', target.number).toU8a(),
    api.createType('u64', round).toU8a(),
    api.createType('u64', setId).toU8a(),
  );
  return [vote, u8aToHex(signer.sign(payload))];
}

describe('a GRANDPA equivocation on the four-validator testnet', () => {
  const net = useFourValidators();
  const { nodes } = net;

  test('is reported, and Dave is disabled and leaves the set; false reports are refused', async () => {
    const { api } = nodes.alice;
    const dave = accounts.dave.address;
    const daveGrandpa = grandpaKeys.addFromUri('//Dave');
    const charlieGrandpa = grandpaKeys.addFromUri('//Charlie');
    const head = await waitFinalized(api, 3);
    const blocks = await Promise.all([1, 2].map(async (number) => ({
      number, hash: (await api.rpc.chain.getBlockHash(number)).toHex(),
    })));
    const setId = (await api.query.grandpa.currentSetId()).toNumber();
    const round = 1_000;
    const proof = (firstSigner, secondSigner) => ({
      setId,
      equivocation: {
        Prevote: {
          roundNumber: round,
          identity: u8aToHex(firstSigner.publicKey),
          first: prevote(api, firstSigner, setId, round, blocks[0]),
          second: prevote(api, secondSigner, setId, round, blocks[1]),
        },
      },
    });
    // The runtime API's answer, raw: `Option<OpaqueKeyOwnershipProof>`, the opaque bytes
    // being the SCALE of the `MembershipProof` the call takes.
    const answer = await api.rpc.state.call('GrandpaApi_generate_key_ownership_proof',
      u8aToHex(u8aConcat(api.createType('u64', setId).toU8a(), daveGrandpa.publicKey)));
    const opaque = api.createType('Option<Bytes>', answer.toU8a(true));
    assert.ok(opaque.isSome, 'the runtime proves Dave owns the key');
    const ownership = api.createType('SpSessionMembershipProof', opaque.unwrap().toU8a(true));
    assert.equal(ownership.validatorCount.toNumber(), 4);

    // Votes that are not both Dave's prove nothing, and change nothing.
    const forged = await submit(api, api.tx.grandpa.reportEquivocation(proof(daveGrandpa, charlieGrandpa), ownership), accounts.ferdie);
    assert.equal(forged.error, 'grandpa.InvalidEquivocationProof');

    const reported = await submitOk(api, api.tx.grandpa.reportEquivocation(proof(daveGrandpa, daveGrandpa), ownership), accounts.ferdie);
    const events = reported.events.map(({ event }) => event);
    assert.ok(events.some((event) => api.events.offences.Offence.is(event)), 'pallet-offences recorded it');
    const offender = events.find((event) => api.events.validators.OffenderReported.is(event));
    assert.ok(offender, 'pallet-validators acted on it');
    assert.equal(offender.data.who.toString(), dave);
    assert.equal(offender.data.disabled.isTrue, true);
    assert.equal(offender.data.removed.isTrue, true);

    const at = await api.at(reported.blockHash);
    assert.ok(!(await at.query.validators.validators()).map(String).includes(dave), 'Dave left the wanted set');
    const index = (await at.query.session.validators()).map(String).indexOf(dave);
    assert.deepEqual((await at.query.session.disabledValidators()).map(([i]) => i.toNumber()), [index]);

    const again = await submit(api, api.tx.grandpa.reportEquivocation(proof(daveGrandpa, daveGrandpa), ownership), accounts.ferdie);
    assert.equal(again.error, 'grandpa.DuplicateOffenceReport');

    // From the session after the next, Dave is out of the authorities; the three others
    // keep finalizing.
    const { head: without } = await eventually(async () => {
      const best = await bestWithValidators(api);
      return !best.validators.includes(dave) && best;
    }, 'a session without Dave');
    assert.equal((await api.query.aura.authorities()).length, 3);
    await waitFinalized(api, without.number.toNumber() + 2);
    assert.ok(head.number.toNumber() >= 3);
  });
});
