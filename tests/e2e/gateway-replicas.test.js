// agora-gateway beyond one machine: three replicas of one provider's gateway on one
// PostgreSQL (started by the test from Debian's packages), a stub upstream, a dev node.
// Unpaid calls spread over the replicas get exactly the credit limit between them; 64
// paying clients go on while a replica is SIGKILLed and the database restarts, and every
// unit owed is settled once; free trial calls are counted across replicas and restarts,
// and cannot be spent by another key or a replay.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { freeCallHeaders, receiptHeaders, receiptSigner, signReceipt, submitOk } from '@agora/client';
import { listService } from './lib/fixtures.js';
import { eventually, startDevNode } from './lib/node.js';
import { startGateway, startUpstream, tokenGatewaySettings } from './lib/gateway.js';
import { startPostgres } from '@agora/test-support/postgres';

const PRICE = 10n ** 9n; // planck per request
const REQUEST = { unit: 'Request', perUnit: PRICE };
const CREDIT_UNITS = 8n;
const CLIENTS = 64;
const TRAFFIC_CHANNELS = 16; // four clients per channel
const CALLS_PER_CLIENT = 10;
const FREE_CALLS = 3;
const RESERVATION_TTL = 6;
const OPERATOR_TOKEN = 'replicas-operator-token';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('agora-gateway: three replicas on one PostgreSQL', () => {
  let node;
  let api;
  let postgres;
  let upstream;
  let genesisHash;
  let serviceId;
  let bob;
  let charlieApp;
  let channels; // [credit test channel, ...traffic channels]
  let startNumber;
  const replicas = []; // { dir, settings, gateway }

  before(async () => {
    node = await startDevNode();
    api = node.api;
    postgres = await startPostgres();
    postgres.createDatabase('gateway');
    const keyring = new Keyring({ type: 'sr25519' });
    bob = keyring.addFromUri('//Bob');
    const charlie = keyring.addFromUri('//Charlie');
    charlieApp = keyring.addFromUri('//CharlieApp');
    genesisHash = api.genesisHash.toHex();
    serviceId = await listService(api, bob, { name: 'replicated', price: REQUEST });
    startNumber = (await api.rpc.chain.getHeader()).number.toNumber();
    const open = api.tx.metering.openChannel(serviceId, 100_000n * PRICE, 10_000, receiptSigner(charlieApp), REQUEST);
    const opened = await submitOk(api, api.tx.utility.batchAll(Array.from({ length: TRAFFIC_CHANNELS + 1 }, () => open)), charlie);
    channels = opened.events.filter(({ event }) => api.events.metering.ChannelOpened.is(event))
      .map(({ event }) => event.data.channelId.toNumber());
    assert.equal(channels.length, TRAFFIC_CHANNELS + 1);

    upstream = await startUpstream(() => 10);
    for (let i = 0; i < 3; i += 1) {
      const dir = mkdtempSync(join(tmpdir(), `agora-gateway-replica-${i}-`));
      const settings = await tokenGatewaySettings({ dir, upstreamUrl: upstream.url, nodeUrl: node.httpUrl, serviceId }, {
        metering: 'per_request',
        database: postgres.url('gateway'),
        credit_limit: String(CREDIT_UNITS * PRICE),
        reservation_ttl: RESERVATION_TTL,
        settle_interval: 5,
        inclusion_timeout: 20,
        free_calls: FREE_CALLS,
        free_calls_period: 3_600,
        operator_token: OPERATOR_TOKEN,
      });
      replicas.push({ dir, settings, gateway: await startGateway(dir, settings, '//Bob') });
    }
  });

  after(async () => {
    for (const { gateway, dir } of replicas) {
      await gateway?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    await upstream?.close();
    postgres?.close();
    await node?.stop();
  });

  const restart = async (i) => {
    replicas[i].gateway = await startGateway(replicas[i].dir, replicas[i].settings, '//Bob');
  };

  /** POSTs a chat completion to replica `i` with `headers`: { status, owed, body }. */
  async function call(i, headers) {
    const response = await fetch(`${replicas[i].gateway.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const owed = response.headers.get('agora-owed-units');
    return {
      status: response.status,
      owed: owed === null ? null : BigInt(owed),
      left: response.headers.get('agora-free-calls-left'),
      body: await response.json(),
    };
  }

  /** Channel `id`'s accounts as replica `i` reads them from the database. */
  async function accounts(i, id) {
    const response = await fetch(`${replicas[i].gateway.url}/agora/channels/${id}`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    assert.equal(response.status, 200);
    return response.json();
  }

  const receiptFor = (channel, units) => receiptHeaders(signReceipt(charlieApp, genesisHash, channel, units));

  test('the credit limit holds across replicas: of 128 unpaid calls at once, exactly signed + credit are served', async () => {
    const [channel] = channels;
    const signed = 2n;
    const before = upstream.served.calls;
    const answers = await Promise.all(Array.from({ length: 128 }, (_, i) => call(i % 3, receiptFor(channel, signed))));
    const served = answers.filter((a) => a.status === 200).length;
    assert.equal(served, Number(signed + CREDIT_UNITS));
    assert.equal(upstream.served.calls - before, served);
    assert.deepEqual([...new Set(answers.filter((a) => a.status !== 200).map((a) => a.body.error))], ['receipt_too_low']);
    for (let i = 0; i < 3; i += 1) {
      const seen = await accounts(i, channel);
      assert.equal(seen.owedUnits, served);
      assert.equal(seen.signedUnits, Number(signed));
      assert.equal(seen.reservedUnits, 0);
    }
  });

  test('64 paying clients over three replicas, one SIGKILLed and the database restarted: nothing lost, settled exactly once', async (t) => {
    const traffic = channels.slice(1);
    const known = new Map(traffic.map((c) => [c, 0n])); // the highest owed units seen: what clients sign
    const served = new Map(traffic.map((c) => [c, 0])); // 200s
    const unanswered = new Map(traffic.map((c) => [c, 0])); // calls that got no answer
    const errors = {};
    const unavailableAt = []; // when each store_unavailable came
    const outage = {}; // when the database was being stopped, and was started again
    const alive = [true, true, true];
    const count = (kind) => { errors[kind] = (errors[kind] ?? 0) + 1; };
    const total = () => [...served.values()].reduce((a, b) => a + b, 0);

    async function client(i) {
      const channel = traffic[i % traffic.length];
      let replica = i % 3;
      for (let done = 0; done < CALLS_PER_CLIENT;) {
        // As a load balancer's health check would, clients leave a dead replica.
        while (!alive[replica]) replica = (replica + 1) % 3;
        let answer;
        try {
          answer = await call(replica, receiptFor(channel, known.get(channel)));
        } catch {
          count('no_answer');
          unanswered.set(channel, unanswered.get(channel) + 1);
          replica = (replica + 1) % 3;
          continue;
        }
        if (answer.owed !== null && answer.owed > known.get(channel)) known.set(channel, answer.owed);
        if (answer.status === 200) {
          served.set(channel, served.get(channel) + 1);
          done += 1;
        } else {
          count(answer.body.error);
          if (answer.body.error === 'store_unavailable') unavailableAt.push(Date.now());
          await sleep(answer.body.error === 'store_unavailable' ? 200 : 10);
        }
      }
    }

    const until = async (calls) => { while (total() < calls) await sleep(20); };
    const faults = (async () => {
      await until(150);
      await replicas[2].gateway.kill();
      alive[2] = false;
      await until(300);
      outage.from = Date.now();
      await postgres.stop();
      await sleep(3_000);
      await postgres.start();
      outage.to = Date.now();
    })();
    await Promise.all([...Array.from({ length: CLIENTS }, (_, i) => client(i)), faults]);
    await restart(2);
    assert.equal(total(), CLIENTS * CALLS_PER_CLIENT);
    t.diagnostic(`refusals and failures on the way: ${JSON.stringify(errors)}`);
    // Calls were in flight on the killed replica and while the database was down, and
    // clients waited on the receipt they had, on the database, left the dead replica, or
    // retried a 502 (an upstream connection closed under the call; not charged): nothing
    // else went wrong.
    assert.ok(errors.store_unavailable > 0 && errors.no_answer > 0, JSON.stringify(errors));
    const retried = ['receipt_too_low', 'store_unavailable', 'no_answer', 'upstream_unavailable'];
    assert.deepEqual(Object.keys(errors).filter((e) => !retried.includes(e)), []);
    // 503s came only while the database was down (and the requests already waiting on it
    // when it came back: database_timeout, 5 s, at most).
    assert.deepEqual(unavailableAt.filter((at) => at < outage.from || at > outage.to + 5_000), []);

    // What is owed: every call served, and at most the calls whose answer was lost with the
    // killed replica; the two living replicas agree.
    const owed = new Map();
    for (const channel of traffic) {
      // (The chain state each replica shows is its own last read.)
      const shared = ({ owedUnits, signedUnits, reservedUnits }) => ({ owedUnits, signedUnits, reservedUnits });
      const seen = await accounts(0, channel);
      assert.deepEqual(shared(await accounts(1, channel)), shared(seen));
      assert.ok(seen.owedUnits >= served.get(channel) && seen.owedUnits <= served.get(channel) + unanswered.get(channel),
        `channel ${channel}: owed ${seen.owedUnits}, served ${served.get(channel)}, unanswered ${unanswered.get(channel)}`);
      owed.set(channel, BigInt(seen.owedUnits));
    }
    // The killed replica's reservations expire.
    await eventually(async () => {
      for (const channel of traffic) if ((await accounts(0, channel)).reservedUnits !== 0) return false;
      return true;
    }, 'every reservation freed or expired', 4 * RESERVATION_TTL * 1000);

    // The client pays what it owes; the replicas settle it, once.
    for (const [channel, units] of owed) {
      const handedIn = await fetch(`${replicas[channel % 2].gateway.url}/agora/receipts`, { method: 'POST', headers: receiptFor(channel, units) });
      assert.equal(handedIn.status, 200);
    }
    await eventually(async () => {
      for (const [channel, units] of owed) {
        const onChain = (await api.query.metering.channels(channel)).unwrap();
        if (onChain.claimed.toBigInt() !== units * PRICE) return false;
      }
      return true;
    }, 'every channel settled to what it owes', 240_000);
    const claimed = new Map();
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    for (let number = startNumber; number <= head; number += 1) {
      const events = await (await api.at(await api.rpc.chain.getBlockHash(number))).query.system.events();
      for (const { event } of events) {
        assert.ok(!api.events.metering.ClaimRejected.is(event), `block ${number}: ${JSON.stringify(event.toHuman())}`);
        if (api.events.metering.ChannelClaimed.is(event)) {
          const id = event.data.channelId.toNumber();
          claimed.set(id, (claimed.get(id) ?? 0n) + event.data.amount.toBigInt());
        }
      }
    }
    for (const [channel, units] of owed) assert.equal(claimed.get(channel), units * PRICE, `channel ${channel}`);
    // The restarted replica reads the same accounts, settled.
    for (const channel of traffic) {
      const seen = await accounts(2, channel);
      assert.equal(BigInt(seen.owedUnits), owed.get(channel));
      assert.equal(BigInt(seen.claimedUnits), owed.get(channel));
    }
  });

  test('free calls: an account with 0 AGR gets its allowance across replicas, then 402 with how to pay', async () => {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
    const trial = keyring.addFromUri(mnemonicGenerate());
    const other = keyring.addFromUri(mnemonicGenerate());
    const mallory = keyring.addFromUri('//Mallory');
    assert.equal((await api.query.system.account(trial.address)).data.free.toBigInt(), 0n);
    // #region free-call
    // A free call to `path`, signed by the caller's key: no channel, no AGR.
    const signed = (pair, overrides = {}) => freeCallHeaders(pair, { genesisHash, serviceId, path: '/chat/completions', ...overrides });
    // #endregion free-call
    const before = upstream.served.calls;
    const first = signed(trial);
    const answers = [await call(0, first), await call(1, signed(trial)), await call(2, signed(trial))];
    assert.deepEqual(answers.map((a) => [a.status, a.left]), [[200, '2'], [200, '1'], [200, '0']]);
    assert.equal(upstream.served.calls - before, FREE_CALLS);

    const exhausted = await call(1, signed(trial));
    assert.equal(exhausted.status, 402);
    assert.equal(exhausted.body.error, 'free_calls_exhausted');
    assert.match(exhausted.body.message, /used its 3 free calls of the period; they renew at \d+/);
    assert.equal(exhausted.body.pay.serviceId, serviceId);
    assert.equal(exhausted.body.pay.provider, keyring.encodeAddress(bob.publicKey, 4242));

    // A replayed request, and Mallory's signature naming the trial account (or spending
    // someone else's allowance), are refused; none reaches the upstream.
    const replay = await call(2, first);
    assert.deepEqual([replay.status, replay.body.error], [401, 'replayed_request']);
    const forged = await call(0, { ...signed(mallory), 'Agora-Caller': other.address });
    assert.deepEqual([forged.status, forged.body.error], [401, 'caller_unauthenticated']);
    const stale = await call(0, signed(other, { time: Math.floor(Date.now() / 1000) - 600 }));
    assert.deepEqual([stale.status, stale.body.error], [401, 'caller_unauthenticated']);
    assert.equal(upstream.served.calls - before, FREE_CALLS);

    // The count survives a restart of the replica; another account has its own allowance.
    await replicas[0].gateway.stop();
    await restart(0);
    assert.equal((await call(0, signed(trial))).body.error, 'free_calls_exhausted');
    const fresh = await call(0, signed(other));
    assert.deepEqual([fresh.status, fresh.left], [200, '2']);
  });
});
