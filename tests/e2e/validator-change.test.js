// A validator joins and leaves a four-validator local testnet through governance: Eve's
// operator sets its session keys over RPC (a proof ties them to Eve's account), holders
// vote it in, it authors blocks, they vote it out, and it authors no more. Its own suite
// (and network) so that it runs beside testnet.test.js: it waits for four sessions.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { u8aToHex } from '@polkadot/util';
import { propose, submit, submitOk, vote } from '@agora/client';
import { eventually, rpcCall } from './lib/node.js';
import {
  accounts, authorOf, bestWithValidators, useFourValidators, waitFinalized, waitForAuthor,
} from './lib/testnet.js';

const AGR = 10n ** 12n;

describe('a validator joins and leaves the four-validator testnet by a vote', () => {
  const net = useFourValidators(['eve']);
  const { nodes } = net;

  test('governance adds a fifth validator, which authors; then removes it, and it stops', async () => {
    const { api } = nodes.alice;
    const { alice, bob, charlie, eve } = accounts;

    // Eve's operator starts a validator node, generates its session keys over RPC with a
    // proof that they vouch for Eve's account, and registers them on chain (the proof
    // does not work for another account).
    nodes.eve = await net.testnet.start('eve', { devKeys: false });
    const rotated = await rpcCall(nodes.eve.httpUrl, 'author_rotateKeysWithOwner', [u8aToHex(eve.publicKey)]);
    const { keys, proof } = rotated.result;
    const forged = await submit(api, api.tx.session.setKeys(keys, proof), alice);
    assert.equal(forged.error, 'session.InvalidProof');
    await submitOk(api, api.tx.session.setKeys(keys, proof), eve);
    assert.ok((await api.query.session.nextKeys(eve.address)).isSome);

    const passed = async (call) => {
      const { proposalId } = await propose(api, alice, call);
      await Promise.all([
        vote(api, bob, proposalId, { aye: true, balance: 700_000n * AGR, conviction: 'Locked1x' }),
        vote(api, charlie, proposalId, { aye: true, balance: 700_000n * AGR, conviction: 'Locked1x' }),
      ]);
    };
    await passed(api.tx.validators.addValidator(eve.address));
    await eventually(async () => (await api.query.validators.validators()).map(String).includes(eve.address),
      'the addition to be enacted');
    // Its removal goes to the vote at once: pallet-session gives Eve at least one full
    // session between the two changes.
    await passed(api.tx.validators.removeValidator(eve.address));

    await eventually(async () => (await bestWithValidators(api)).validators.includes(eve.address),
      'a session with Eve');
    assert.equal((await api.query.aura.authorities()).length, 5);
    assert.equal((await api.call.grandpaApi.grandpaAuthorities()).length, 5);
    const authored = await waitForAuthor(api, eve.address);
    assert.ok(authored.number.toNumber() > 0);

    const { head: removedHead } = await eventually(async () => {
      const best = await bestWithValidators(api);
      return !best.validators.includes(eve.address) && best;
    }, 'a session without Eve');
    assert.equal((await api.query.aura.authorities()).length, 4);
    assert.equal((await api.call.grandpaApi.grandpaAuthorities()).length, 4);
    const from = removedHead.number.toNumber() + 1;
    await waitFinalized(api, from + 12);
    for (let number = from; number <= from + 12; number += 1) {
      const author = await authorOf(api, await api.rpc.chain.getBlockHash(number));
      assert.notEqual(author, eve.address, `block ${number}`);
    }
    await nodes.eve.stop();
    delete nodes.eve;
  });
});
