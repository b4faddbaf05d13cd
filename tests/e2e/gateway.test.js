// agora-gateway in front of an AI service: a dev node, the gateway binary and a small
// OpenAI-style upstream. A consumer opens a channel and makes 200 calls (some of them
// concurrent) with signed receipts in the headers; calls without or with bad receipts
// get 402 and never reach the upstream; the gateway is killed and restarted mid-way and
// forgets nothing; at the end the provider's balance grew by exactly the metered usage
// × price, less the protocol fee and its transaction fees, settled by a few claim_batch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { openChannel, receiptHeaders, receiptSigner, signReceipt } from '@agora/client';
import { listService } from './lib/fixtures.js';
import { startDevNode } from './lib/node.js';
import { startGateway, startUpstream, tokenGatewaySettings } from './lib/gateway.js';

const PRICE = 10n ** 10n; // planck per Token1k (0.01 AGR)
const DEPOSIT = 1_000n * PRICE; // pays for 1,000 units
const CREDIT_UNITS = 10n;
const RESERVE_UNITS = 2n;
const CALLS = 200;
const MAX_CALLS_PER_CHANNEL = 4;

/** Tokens the upstream reports for call `i`: 150…849, so calls cost fractions of a unit. */
const tokensOf = (i) => 150 + ((i * 97) % 700);

describe('agora-gateway: paid calls, 402s, a crash, batch settlement', () => {
  let node;
  let api;
  let upstream;
  let gateway;
  let settings;
  let dir;
  let genesisHash;
  let bob;
  let charlieApp;
  let channelId;
  let startHash;
  let owed = 0n; // the newest Agora-Owed-Units seen
  let calls = 0; // paid calls answered 200

  before(async () => {
    node = await startDevNode();
    api = node.api;
    dir = mkdtempSync(join(tmpdir(), 'agora-gateway-'));
    const keyring = new Keyring({ type: 'sr25519' });
    bob = keyring.addFromUri('//Bob');
    const charlie = keyring.addFromUri('//Charlie');
    charlieApp = keyring.addFromUri('//CharlieApp');
    genesisHash = api.genesisHash.toHex();

    const serviceId = await listService(api, bob, { price: { unit: 'Token1k', perUnit: PRICE } });
    ({ channelId } = await openChannel(api, charlie, {
      serviceId, deposit: DEPOSIT, duration: 10_000, receiptSigner: receiptSigner(charlieApp),
      agreedPrice: { unit: 'Token1k', perUnit: PRICE },
    }));
    upstream = await startUpstream((input) => input.tokens);
    settings = await tokenGatewaySettings({ dir, upstreamUrl: upstream.url, nodeUrl: node.httpUrl, serviceId }, {
      reserve_units: Number(RESERVE_UNITS),
      credit_limit: String(CREDIT_UNITS * PRICE),
      max_calls_per_channel: MAX_CALLS_PER_CHANNEL,
      settle_interval: 10,
      inclusion_timeout: 30,
    });
    startHash = (await api.rpc.chain.getBlockHash()).toHex(); // after Bob's listing
    gateway = await startGateway(dir, settings, '//Bob');
  });

  after(async () => {
    await gateway?.stop();
    await upstream?.close();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const headersFor = (units, pair = charlieApp, channel = channelId) =>
    receiptHeaders(signReceipt(pair, genesisHash, channel, units));

  async function post(headers, i, extra = {}) {
    const response = await fetch(`${gateway.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer upstream-key', ...headers },
      body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: `question ${i}` }], tokens: tokensOf(i), ...extra }),
    });
    const owedHeader = response.headers.get('agora-owed-units');
    return { status: response.status, owed: owedHeader === null ? null : BigInt(owedHeader), body: await response.json() };
  }

  /** A paid call that must succeed, carrying a receipt for `units`; resolves to the units owed after it. */
  async function paid(units) {
    const i = calls;
    calls += 1;
    // #region gateway-call
    const signed = signReceipt(charlieApp, genesisHash, channelId, units);
    const response = await fetch(`${gateway.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer upstream-key', ...receiptHeaders(signed) },
      body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: `question ${i}` }], tokens: tokensOf(i) }),
    });
    // What the channel owes now: the next receipt must cover it (less the credit allowed).
    const owedNow = BigInt(response.headers.get('agora-owed-units'));
    // #endregion gateway-call
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.usage.total_tokens, tokensOf(i));
    return owedNow;
  }

  /** Units owed for everything the upstream served: rounded up once, over the whole channel. */
  const expectedOwed = () => (BigInt(upstream.served.tokens) + 999n) / 1000n;

  async function refusal(headers) {
    const before = upstream.served.calls;
    const answer = await post(headers, 0);
    assert.equal(upstream.served.calls, before, 'a refused call never reaches the upstream');
    return answer;
  }

  test('calls without a valid receipt get 402 with the reason and are not forwarded', async () => {
    const missing = await refusal({});
    assert.equal(missing.status, 402);
    assert.equal(missing.body.error, 'missing_receipt');
    // This gateway gives no free calls: a caller's signed headers are not a payment.
    const caller = await refusal({ 'Agora-Caller': charlieApp.address, 'Agora-Caller-Time': '1', 'Agora-Caller-Nonce': 'n', 'Agora-Caller-Signature': 'sr25519:0x00' });
    assert.deepEqual([caller.status, caller.body.error], [402, 'missing_receipt']);
    assert.equal((await refusal({ ...headersFor(1), 'Agora-Signature': 'sr25519:0x12' })).body.error, 'malformed_receipt');
    const mallory = new Keyring({ type: 'sr25519' }).addFromUri('//Mallory');
    const forged = await refusal(headersFor(1, mallory));
    assert.equal(forged.status, 402);
    // What the channel owes is not told to whoever cannot sign for it.
    assert.deepEqual(forged.body, { error: 'bad_signature', message: "the signature is not the channel signer's signature of this receipt" });
    assert.equal(forged.owed, null);
    assert.equal((await refusal(headersFor(1_001))).body.error, 'receipt_exceeds_deposit');
    assert.equal((await refusal(headersFor(1, charlieApp, 999))).body.error, 'unknown_channel');
    assert.equal(upstream.served.calls, 0);
  });

  test('browsers may call it from any page by default: the gateway answers preflights itself and exposes its headers', async () => {
    const received = upstream.served.received;
    const preflight = await fetch(`${gateway.url}/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://console.agora.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'agora-channel, agora-units, agora-signature, content-type' },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.equal(preflight.headers.get('access-control-allow-headers'), '*');
    assert.equal(preflight.headers.get('access-control-max-age'), '600');
    assert.equal(upstream.served.received, received, 'a preflight never reaches the upstream');
    // A refusal is readable by the page too, with Agora-Owed-Units and the rest exposed.
    const refused = await fetch(`${gateway.url}/chat/completions`, { method: 'POST', headers: { origin: 'https://console.agora.example' } });
    assert.equal(refused.status, 402);
    assert.equal(refused.headers.get('access-control-allow-origin'), '*');
    assert.equal(refused.headers.get('access-control-expose-headers'), '*');
    // The operator's metrics are not for pages.
    const metrics = await fetch(`${gateway.url}/metrics`, { headers: { origin: 'https://console.agora.example' } });
    assert.equal(metrics.status, 200);
    assert.equal(metrics.headers.get('access-control-allow-origin'), null);
  });

  test('paid calls are forwarded, metered from usage.total_tokens and owed back in a header', async () => {
    // Sequential: each call pays what the previous response said is owed.
    for (let n = 0; n < 60; n += 1) {
      owed = await paid(owed);
      assert.equal(owed, expectedOwed());
    }
    assert.equal(upstream.served.lastHeaders.authorization, 'Bearer upstream-key');
    assert.equal(upstream.served.lastHeaders['agora-signature'], undefined, 'receipt headers stay at the gateway');
    // Concurrent: waves of 4 calls on the one channel with the same receipt (4 × 2 reserved
    // units fit in the 10-unit credit).
    for (let wave = 0; wave < 5; wave += 1) {
      const answers = await Promise.all([0, 1, 2, 3].map(() => paid(owed)));
      owed = answers.reduce((max, units) => (units > max ? units : max), owed);
    }
    assert.equal(owed, expectedOwed());
    assert.equal(upstream.served.calls, calls);
  });

  test('usage left unsigned stops at the credit limit', async () => {
    // Keep presenting the same receipt: calls go through until the unsigned usage plus
    // the next call's reservation would pass the credit, then 402 receipt_too_low.
    const signed = owed;
    let refused;
    while (!refused) {
      const i = calls;
      const answer = await post(headersFor(signed), i);
      if (answer.status === 200) {
        calls += 1;
        owed = answer.owed;
      } else {
        refused = answer;
      }
    }
    assert.equal(refused.status, 402);
    assert.equal(refused.body.error, 'receipt_too_low');
    assert.equal(BigInt(refused.body.owedUnits), owed);
    assert.equal(BigInt(refused.body.requiredUnits), owed + RESERVE_UNITS - CREDIT_UNITS);
    assert.ok(owed - signed <= CREDIT_UNITS, `unsigned ${owed - signed} ≤ credit ${CREDIT_UNITS}`);
    assert.ok(owed + RESERVE_UNITS - signed > CREDIT_UNITS, 'refused only once the next call would pass the credit');
    assert.equal(owed, expectedOwed());
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    // Three calls without a receipt: one with no header at all, one with a caller's only,
    // one from a web page (the CORS test). A preflight is not a call: it is not counted.
    assert.match(metrics, /agora_gateway_refusals_total\{reason="missing_receipt"\} 3\n/);
    for (const reason of ['malformed_receipt', 'bad_signature', 'receipt_exceeds_deposit', 'unknown_channel', 'receipt_too_low']) {
      assert.match(metrics, new RegExp(`agora_gateway_refusals_total\\{reason="${reason}"\\} 1\\n`));
    }
  });

  test('a killed gateway restarts with every receipt and all usage', async () => {
    const view = async () => (await fetch(`${gateway.url}/agora/channels/${channelId}`, { headers: headersFor(0) })).json();
    const before = await view();
    assert.equal(BigInt(before.owedUnits), owed);
    await gateway.kill();
    // It comes back allowing one web origin only (allow_origins).
    settings = { ...settings, allow_origins: 'https://console.agora.example' };
    gateway = await startGateway(dir, settings, '//Bob');
    const fromPage = async (origin) => (await fetch(`${gateway.url}/health`, { headers: { origin } })).headers.get('access-control-allow-origin');
    assert.equal(await fromPage('https://console.agora.example'), 'https://console.agora.example');
    assert.equal(await fromPage('https://elsewhere.example'), null);
    const restarted = await view();
    assert.equal(restarted.owedUnits, before.owedUnits);
    assert.equal(restarted.signedUnits, before.signedUnits);
    assert.equal(restarted.reservedUnits, 0);
    // The consumer pays what is owed and carries on: up to 200 calls, the last 20 concurrent.
    while (calls < CALLS - 20) owed = await paid(owed);
    for (let wave = 0; wave < 5; wave += 1) {
      const answers = await Promise.all([0, 1, 2, 3].map(() => paid(owed)));
      owed = answers.reduce((max, units) => (units > max ? units : max), owed);
    }
    assert.equal(calls, CALLS);
    assert.equal(owed, expectedOwed());
  });

  test('one channel holds at most max_calls_per_channel calls in flight: the next gets 429 channel_busy', async () => {
    const received = upstream.served.received;
    const slow = [0, 1, 2, 3].map(async () => {
      const i = calls;
      calls += 1;
      const answer = await post(headersFor(owed), i, { delayMs: 1_500 });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.owed;
    });
    while (upstream.served.received < received + MAX_CALLS_PER_CHANNEL) await new Promise((resolve) => setTimeout(resolve, 20));
    const busy = await post(headersFor(owed), calls);
    assert.deepEqual([busy.status, busy.body.error], [429, 'channel_busy']);
    assert.equal(busy.body.message, `channel ${channelId} has 4 calls in flight, the most one channel may: retry when one ends`);
    assert.equal(upstream.served.received, received + MAX_CALLS_PER_CHANNEL, 'the busy call never reached the upstream');
    owed = (await Promise.all(slow)).reduce((max, units) => (units > max ? units : max), owed);
    // Once they ended, the channel is served again.
    owed = await paid(owed);
    assert.equal(owed, expectedOwed());
  });

  test('the provider is paid exactly the metered usage, through a few claim_batch', async () => {
    // The last call's usage is paid without a call.
    // #region gateway-hand-in
    const handedIn = await fetch(`${gateway.url}/agora/receipts`, {
      method: 'POST', headers: receiptHeaders(signReceipt(charlieApp, genesisHash, channelId, owed)),
    });
    const view = await handedIn.json(); // { owedUnits, signedUnits, claimedUnits, … }
    // #endregion gateway-hand-in
    assert.equal(handedIn.status, 200);
    assert.equal(BigInt(view.signedUnits), owed);
    assert.equal(BigInt(view.owedUnits), owed);

    const deadline = Date.now() + 90_000;
    let channel;
    for (;;) {
      channel = (await api.rpc.agora.getChannel(channelId)).toJSON();
      if (BigInt(channel.claimed) === owed * PRICE) break;
      assert.ok(Date.now() < deadline, `claimed ${channel.claimed}, expected ${owed * PRICE}:\n${gateway.log.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    // Every block since the gateway started: its transactions and the settlements.
    const endHash = (await api.rpc.chain.getBlockHash()).toHex();
    const start = (await api.rpc.chain.getHeader(startHash)).number.toNumber();
    const end = (await api.rpc.chain.getHeader(endHash)).number.toNumber();
    const bobId = api.registry.createType('AccountId', bob.address).toString();
    let batches = 0;
    let claimed = 0n;
    let providerNet = 0n;
    let fees = 0n;
    for (let number = start + 1; number <= end; number += 1) {
      const hash = await api.rpc.chain.getBlockHash(number);
      const [block, events] = await Promise.all([api.rpc.chain.getBlock(hash), (await api.at(hash)).query.system.events()]);
      block.block.extrinsics.forEach((extrinsic, index) => {
        if (!extrinsic.isSigned || extrinsic.signer.toString() !== bobId) return;
        assert.equal(`${extrinsic.method.section}.${extrinsic.method.method}`, 'metering.claimBatch');
        batches += 1;
        for (const { phase, event } of events) {
          if (!phase.isApplyExtrinsic || phase.asApplyExtrinsic.toNumber() !== index) continue;
          if (api.events.metering.ChannelClaimed.is(event)) {
            const { amount, protocolFee, contributorShare, providerNet: net } = event.data;
            assert.equal(contributorShare.toBigInt(), 0n);
            // The dev chain's 2 % protocol fee, rounded down; the rest to the provider.
            assert.equal(protocolFee.toBigInt(), (amount.toBigInt() * 2n) / 100n);
            assert.equal(net.toBigInt(), amount.toBigInt() - protocolFee.toBigInt());
            claimed += amount.toBigInt();
            providerNet += net.toBigInt();
          }
          if (api.events.transactionPayment.TransactionFeePaid.is(event)) fees += event.data.actualFee.toBigInt();
          assert.ok(!api.events.metering.ClaimRejected.is(event), `rejected: ${event.toString()}`);
        }
      });
    }
    assert.equal(claimed, owed * PRICE);
    assert.ok(batches >= 1 && batches <= 12, `${batches} claim_batch transactions settled ${CALLS} calls`);
    const [before, after] = await Promise.all([startHash, endHash].map(async (hash) => (await api.at(hash)).query.system.account(bob.address)));
    assert.equal(after.data.free.toBigInt() - before.data.free.toBigInt(), providerNet - fees);

    // The gateway reads the settlement back: nothing left to claim.
    const settledDeadline = Date.now() + 30_000;
    for (;;) {
      const view = await (await fetch(`${gateway.url}/agora/channels/${channelId}`, { headers: headersFor(0) })).json();
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      if (BigInt(view.claimedUnits) === owed && /agora_gateway_unclaimed_value_planck 0\n/.test(metrics)) {
        assert.equal(view.abandoned, null);
        assert.match(metrics, /agora_gateway_settlements_total\{result="included"\} [1-9]/);
        assert.match(metrics, /agora_gateway_dropped_receipts_total 0\n/);
        break;
      }
      assert.ok(Date.now() < settledDeadline, `the gateway still sees ${view.claimedUnits} of ${owed} units claimed`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  test('failed upstream calls are not charged and release their reservation', async () => {
    const view = async () => (await fetch(`${gateway.url}/agora/channels/${channelId}`, { headers: headersFor(0) })).json();
    const before = await view();
    const send = () => fetch(`${gateway.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headersFor(owed) },
      body: JSON.stringify({ model: 'tiny', messages: [], fail: true }),
    });
    // The upstream answers 500: passed through, nothing owed for it.
    const failed = await send();
    assert.equal(failed.status, 500);
    assert.deepEqual(await failed.json(), { error: 'model overloaded' });
    assert.equal(failed.headers.get('agora-call-units'), '0');
    assert.equal(BigInt(failed.headers.get('agora-owed-units')), owed);
    // The upstream is gone: 502, nothing owed, the reservation released.
    await upstream.close();
    const down = await send();
    assert.equal(down.status, 502);
    assert.equal((await down.json()).error, 'upstream_unavailable');
    assert.equal(BigInt(down.headers.get('agora-owed-units')), owed);
    const after = await view();
    assert.equal(after.owedUnits, before.owedUnits);
    assert.equal(after.reservedUnits, 0);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, /agora_gateway_requests_total\{outcome="upstream_error"\} 1\n/);
  });
});
