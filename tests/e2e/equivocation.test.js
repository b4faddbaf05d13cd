// Accountability on the four-validator testnet: a second node started with Dave's keys
// makes Dave equivocate (two blocks in its slots, two GRANDPA votes in a round). The
// honest nodes see the contradicting votes and report them on chain, unsigned, with the
// proof that the key is Dave's; Dave is disabled at once and removed from the set, and
// the other three keep finalizing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './lib/node.js';
import { accounts, finalizedHead, useFourValidators, waitFinalized } from './lib/testnet.js';

describe('a GRANDPA equivocation on the four-validator testnet', () => {
  const net = useFourValidators(['dave2']);
  const { nodes } = net;

  test('is reported by the honest nodes, and Dave is disabled and removed', async () => {
    const { api } = nodes.alice;
    const dave = accounts.dave.address;
    await waitFinalized(api, 2);
    nodes.dave2 = await net.testnet.start('dave2', { keysOf: 'dave' });

    // Scan every new block's events for the report.
    let scanned = (await api.rpc.chain.getHeader()).number.toNumber();
    const reported = await eventually(async () => {
      const best = (await api.rpc.chain.getHeader()).number.toNumber();
      for (; scanned < best; scanned += 1) {
        const at = await api.at(await api.rpc.chain.getBlockHash(scanned + 1));
        const events = (await at.query.system.events()).map(({ event }) => event);
        const offender = events.find((event) => api.events.validators.OffenderReported.is(event));
        if (offender) return { number: scanned + 1, events, offender: offender.data };
      }
      return undefined;
    }, 'an equivocation report', 420_000);

    assert.equal(reported.offender.who.toString(), dave);
    assert.equal(reported.offender.disabled.isTrue, true);
    assert.equal(reported.offender.removed.isTrue, true);
    const offence = reported.events.find((event) => api.events.offences.Offence.is(event));
    assert.ok(offence, 'pallet-offences recorded it');
    assert.equal(offence.data.kind.toU8a().length > 0, true);

    const at = await api.at(await api.rpc.chain.getBlockHash(reported.number));
    assert.ok(!(await at.query.validators.validators()).map(String).includes(dave), 'Dave left the wanted set');
    const index = (await at.query.session.validators()).map(String).indexOf(dave);
    assert.ok((await at.query.session.disabledValidators()).some(([i]) => i.toNumber() === index), 'Dave is disabled');

    // The three honest validators keep finalizing past the report.
    await waitFinalized(api, reported.number + 3);
    assert.ok((await finalizedHead(api)).number.toNumber() >= reported.number + 3);
  });
});
