// agora-gateway under real AI traffic and attack: OpenAI-style streamed completions
// metered from their usage events, streams with no usage or past the deposit, forged
// 16 MiB bodies, a full request budget, a database that refuses a write, a node that
// accepts connections and never answers; at the end the provider is paid exactly what
// the consumer signed. A dev node, the gateway binary, a streaming stub upstream and a
// TCP proxy between the gateway and the node that can be made to hang.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { openChannel, receiptHeaders, receiptSigner, signReceipt } from '@agora/client';
import { listService } from './lib/fixtures.js';
import { startDevNode } from './lib/node.js';
import { startGateway, startHangingProxy, startStreamingUpstream, tokenGatewaySettings } from './lib/gateway.js';

const PRICE = 2n * 10n ** 11n; // planck per Token1k: 0.2 AGR, so that 5 units are the 1 AGR minimum deposit
const TOKEN1K = { unit: 'Token1k', perUnit: PRICE };
const RESERVE_UNITS = 2;
const CREDIT_UNITS = 10n;
const OPERATOR_TOKEN = 'operator-token-for-the-tests';
const MIB16 = 16 * 1024 * 1024;

/** Server-Sent Events of `text`: [{ event, data }] (the event name is 'message' when unnamed). */
function parseEvents(text) {
  return text.split(/\r?\n\r?\n/).filter((block) => block.trim()).map((block) => {
    const lines = block.split(/\r?\n/);
    const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim() ?? 'message';
    const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
    return { event, data };
  });
}

/** The value of a Prometheus sample in `metrics`, 0 when absent. */
function metric(metrics, sample) {
  const line = metrics.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('agora-gateway: streamed calls, fail-closed metering, bounded resources, a silent node', () => {
  let node;
  let api;
  let proxy;
  let upstream;
  let gateway;
  let dir;
  let genesisHash;
  let charlie;
  let charlieApp;
  let mallory;
  let serviceId;
  let channels; // { far, small, tiny }: channel ids
  const owed = {}; // channel id → units owed, as the gateway last said

  before(async () => {
    node = await startDevNode();
    api = node.api;
    dir = mkdtempSync(join(tmpdir(), 'agora-gateway-traffic-'));
    const keyring = new Keyring({ type: 'sr25519' });
    const bob = keyring.addFromUri('//Bob');
    charlie = keyring.addFromUri('//Charlie');
    charlieApp = keyring.addFromUri('//CharlieApp');
    mallory = keyring.addFromUri('//Mallory');
    genesisHash = api.genesisHash.toHex();
    serviceId = await listService(api, bob, { price: TOKEN1K });
    const open = async (units) => (await openChannel(api, charlie, {
      serviceId, deposit: units * PRICE, duration: 10_000, receiptSigner: receiptSigner(charlieApp), agreedPrice: TOKEN1K,
    })).channelId;
    channels = { far: await open(1_000n), small: await open(1_000n), tiny: await open(5n) };
    for (const id of Object.values(channels)) owed[id] = 0n;

    proxy = await startHangingProxy(new URL(node.httpUrl).host);
    upstream = await startStreamingUpstream();
    gateway = await startGateway(dir, await tokenGatewaySettings({ dir, upstreamUrl: upstream.url, nodeUrl: proxy.url, serviceId }, {
      reserve_units: RESERVE_UNITS,
      credit_limit: String(CREDIT_UNITS * PRICE),
      max_units_per_call: 100,
      max_concurrent_requests: 16,
      settle_interval: 5,
      inclusion_timeout: 30,
      node_timeout: 2,
      max_chain_age: 6,
      upstream_timeout: 10,
      client_timeout: 3,
      operator_token: OPERATOR_TOKEN,
    }), '//Bob');
  });

  after(async () => {
    await gateway?.stop();
    await upstream?.close();
    await proxy?.close();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const headersFor = (channel, units, pair = charlieApp) => receiptHeaders(signReceipt(pair, genesisHash, channel, units));

  /**
   * A streamed chat completion on `channel` with a receipt for `units`; reads the events
   * as they arrive. Resolves to { status, body (JSON, when refused), events: [{ event,
   * data, at }] } where `at` is when the event reached the client (performance.now()).
   */
  async function stream(channel, units, testOptions, extra = {}) {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headersFor(channel, units) },
      body: JSON.stringify({ model: 'tiny', stream: true, messages: [{ role: 'user', content: 'hi' }], test: testOptions, ...extra }),
    });
    if (response.status !== 200) return { status: response.status, body: await response.json(), events: [] };
    const events = [];
    const decoder = new TextDecoder();
    let pending = '';
    for await (const chunk of response.body) {
      pending += decoder.decode(chunk, { stream: true });
      const cut = pending.lastIndexOf('\n\n');
      if (cut < 0) continue;
      const at = performance.now();
      events.push(...parseEvents(pending.slice(0, cut + 2)).map((e) => ({ ...e, at })));
      pending = pending.slice(cut + 2);
    }
    events.push(...parseEvents(pending).map((e) => ({ ...e, at: performance.now() })));
    return { status: 200, headers: response.headers, events };
  }

  /** The gateway's `agora.usage` event of a finished stream, as JSON. */
  function usageOf(result) {
    const last = result.events.at(-1);
    assert.equal(last?.event, 'agora.usage', `the stream ends with the gateway's usage event: ${JSON.stringify(result.events.slice(-3))}`);
    return JSON.parse(last.data);
  }

  /** A non-streamed call that the upstream reports `tokens` tokens for. */
  async function jsonCall(channel, units, tokens) {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headersFor(channel, units) },
      body: JSON.stringify({ model: 'tiny', messages: [], test: { chunks: 1, tokensPerChunk: tokens } }),
    });
    return { status: response.status, owed: response.headers.get('agora-owed-units'), body: await response.json() };
  }

  const view = async (channel) => (await fetch(`${gateway.url}/agora/channels/${channel}`, { headers: headersFor(channel, 0n) })).json();
  const metrics = async () => (await fetch(`${gateway.url}/metrics`)).text();

  test('a stream reaches the client chunk by chunk and is charged from its usage event', async () => {
    const { far } = channels;
    // The client asks for no usage: the gateway asks the upstream for it anyway.
    const result = await stream(far, 0n, { chunks: 20, delayMs: 100, tokensPerChunk: 137, usage: 'final' }, { stream_options: { include_usage: false } });
    assert.equal(result.status, 200);
    assert.equal(result.headers.get('content-type'), 'text/event-stream');
    assert.equal(upstream.served.requests.at(-1).stream_options.include_usage, true);
    const content = result.events.filter((e) => e.data.includes('"delta"'));
    assert.equal(content.length, 20);
    const sentAt = upstream.served.sentAt.at(-1);
    assert.ok(content[0].at < sentAt[19], `the first chunk arrived (${content[0].at}) before the upstream sent the 20th (${sentAt[19]})`);
    assert.ok(content[9].at < sentAt[19], 'the 10th chunk too: the stream is not buffered');
    // The upstream's own end, then the gateway's usage: 20 × 137 = 2,740 tokens = 3 units.
    assert.equal(result.events.at(-2).data, '[DONE]');
    assert.deepEqual(usageOf(result), { owedUnits: 3, callUnits: 3 });
    owed[far] = 3n;
    assert.equal(BigInt((await view(far)).owedUnits), 3n);
  });

  test('a stream without usage is charged its reservation; 1,000 of them on one 1-unit receipt stop at the credit', async () => {
    const { small } = channels;
    const before = metric(await metrics(), 'agora_gateway_unmetered_responses_total');
    const first = await stream(small, 1n, { chunks: 3, usage: 'none' });
    assert.deepEqual(usageOf(first), { owedUnits: RESERVE_UNITS, callUnits: RESERVE_UNITS });
    // 999 more, 8 at a time, all on the 1-unit receipt: 1 signed + 10 of credit = 11 units
    // pay for 5 calls of 2 units; every other call is refused.
    const statuses = { ok: 1, refused: 0, reasons: new Set() };
    let next = 1;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < 1_000) {
        next += 1;
        const result = await stream(small, 1n, { chunks: 3, usage: 'none' });
        if (result.status === 200) {
          usageOf(result);
          statuses.ok += 1;
        } else {
          assert.equal(result.status, 402);
          statuses.refused += 1;
          statuses.reasons.add(result.body.error);
        }
      }
    }));
    assert.deepEqual({ ...statuses, reasons: [...statuses.reasons] }, { ok: 5, refused: 995, reasons: ['receipt_too_low'] });
    owed[small] = 10n;
    const channel = await view(small);
    assert.equal(BigInt(channel.owedUnits), 10n);
    assert.equal(channel.reservedUnits, 0);
    assert.equal(metric(await metrics(), 'agora_gateway_unmetered_responses_total') - before, 5);
  });

  test('a stream that runs past the deposit is cut off with an error event; the units owed stop at the deposit', async () => {
    const { tiny } = channels; // deposit: 5 units
    // 500 tokens per event, usage in every event: the 11th event would need a 6th unit.
    const result = await stream(tiny, 0n, { chunks: 20, tokensPerChunk: 500, usage: 'every' });
    assert.equal(result.status, 200);
    const content = result.events.filter((e) => e.data.includes('"delta"'));
    assert.equal(content.length, 10);
    const last = JSON.parse(result.events.at(-1).data);
    assert.equal(last.error.code, 'deposit_exhausted');
    assert.equal(last.error.type, 'agora_payment');
    assert.equal(last.owedUnits, 5);
    assert.equal(last.callUnits, 5);
    owed[tiny] = 5n;
    const channel = await view(tiny);
    assert.equal(BigInt(channel.owedUnits), 5n);
    assert.equal(channel.reservedUnits, 0);
    assert.equal(metric(await metrics(), 'agora_gateway_streams_cut_total{reason="deposit_exhausted"}'), 1);
    const next = await stream(tiny, 5n, { chunks: 1 });
    assert.equal(next.status, 402);
    assert.equal(next.body.error, 'deposit_exhausted');
  });

  test('a stream that would pass max_units_per_call is cut off there', async () => {
    const { small } = channels; // 10 units owed, max_units_per_call = 100
    // 20,000 tokens per event: the 6th would make the call 120 units.
    const result = await stream(small, 120n, { chunks: 20, tokensPerChunk: 20_000, usage: 'every' });
    assert.equal(result.events.filter((e) => e.data.includes('"delta"')).length, 5);
    const last = JSON.parse(result.events.at(-1).data);
    assert.equal(last.error.code, 'call_limit_reached');
    assert.equal(last.error.message, 'one call may use at most 100 units');
    assert.deepEqual([last.owedUnits, last.callUnits], [110, 100]);
    owed[small] = 110n;
    assert.equal(metric(await metrics(), 'agora_gateway_streams_cut_total{reason="call_limit_reached"}'), 1);
  });

  test('requests beyond max_concurrent_requests get 503 overloaded, and a slow client holds its permit', async () => {
    const { far } = channels;
    // 3 owed + 16 × 2 reserved must fit in what is signed + 10 of credit.
    const signed = 27n;
    const started = upstream.served.requests.length;
    const slow = Array.from({ length: 16 }, () => stream(far, signed, { chunks: 20, delayMs: 100, tokensPerChunk: 10 }));
    const deadline = Date.now() + 10_000;
    while (upstream.served.requests.length < started + 16) {
      assert.ok(Date.now() < deadline, 'the 16 streams reach the upstream');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const overloaded = await stream(far, signed, { chunks: 1 });
    assert.equal(overloaded.status, 503);
    assert.equal(overloaded.body.error, 'overloaded');
    const results = await Promise.all(slow);
    for (const result of results) {
      assert.equal(result.status, 200);
      assert.equal(usageOf(result).callUnits <= 1, true, 'each call adds its 200 tokens to the channel usage');
    }
    // 2,740 + 16 × 200 tokens = 5,940: 6 units.
    const channel = await view(far);
    assert.equal(BigInt(channel.owedUnits), 6n);
    assert.equal(BigInt(channel.signedUnits), signed);
    owed[far] = 6n;
  });

  /**
   * A raw POST: the body declared `length` bytes long (chunked when `length` is
   * undefined), `parts` written unless the server answers first, and ended unless
   * `stall` (a client that stops sending). Resolves to { status, json, continued, error }.
   */
  function rawPost(headers, length, { parts = [], expectContinue = false, stall = false } = {}) {
    return new Promise((resolve) => {
      const url = new URL(`${gateway.url}/v1/chat/completions`);
      const outcome = { status: null, json: null, continued: false, error: null };
      const declared = length === undefined ? {} : { 'content-length': String(length) };
      const request = httpRequest({
        host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
        headers: { 'content-type': 'application/json', ...declared, ...(expectContinue ? { expect: '100-continue' } : {}), ...headers },
      });
      request.on('continue', () => { outcome.continued = true; request.destroy(); });
      request.on('response', (response) => {
        outcome.status = response.statusCode;
        let text = '';
        response.on('data', (chunk) => { text += chunk; });
        response.on('end', () => { outcome.json = JSON.parse(text || 'null'); request.destroy(); resolve(outcome); });
      });
      // An upload cut off mid-way may still be answered: resolve when the request closes.
      request.on('error', (error) => { outcome.error = error.code; });
      request.on('close', () => resolve(outcome));
      if (expectContinue) return;
      for (const part of parts) request.write(part);
      if (!stall) request.end();
    });
  }

  test('a 16 MiB body with a forged receipt is refused before it is read, and 200 of them leave memory flat', async () => {
    const { far } = channels;
    const forged = headersFor(far, 1n, mallory);
    // Expect: 100-continue shows it: the answer comes without the body being asked for.
    const one = await rawPost(forged, MIB16, { expectContinue: true });
    assert.equal(one.status, 402);
    assert.equal(one.json.error, 'bad_signature');
    assert.equal(one.continued, false, 'the gateway never asked for the body');
    // A body declared larger than max_body_bytes is refused before anything else is read.
    const tooLarge = await rawPost(headersFor(far, owed[far]), MIB16 + 1, { expectContinue: true });
    assert.equal(tooLarge.status, 413);
    assert.deepEqual(Object.keys(tooLarge.json).sort(), ['error', 'message']);
    assert.equal(tooLarge.json.error, 'body_too_large');
    assert.equal(tooLarge.continued, false);

    const memory = (field) => Number(readFileSync(`/proc/${gateway.pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`))[1]) * 1024;
    const rssBefore = memory('VmRSS');
    const body = Buffer.alloc(MIB16, 0x7b); // one buffer, sent 200 times
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => rawPost(forged, MIB16, { parts: [body] })));
    const peakGrowth = memory('VmHWM') - rssBefore;
    for (const outcome of outcomes) {
      // Refused (402, or 503 while 16 others are being checked), or cut off mid-upload.
      assert.ok([402, 503].includes(outcome.status) || ['ECONNRESET', 'EPIPE'].includes(outcome.error), JSON.stringify(outcome));
    }
    assert.ok(outcomes.some((o) => o.status === 402), 'some uploads read their 402');
    assert.ok(peakGrowth < 64 * 1024 * 1024, `the gateway grew by ${peakGrowth} bytes (200 bodies would be ${200 * MIB16})`);
    assert.equal((await fetch(`${gateway.url}/health`)).status, 200);
    // A paid request whose body has no declared length is cut at max_body_bytes, and its
    // reservation released.
    const chunked = await rawPost(headersFor(far, owed[far]), undefined, { parts: [body, Buffer.alloc(1)] });
    assert.equal(chunked.status, 413);
    assert.equal(chunked.json.error, 'body_too_large');
    assert.equal(BigInt(chunked.json.owedUnits), owed[far]);
    assert.equal((await view(far)).reservedUnits, 0);
  });

  test("a channel's accounts are shown to its signer and the operator only", async () => {
    const { far, small } = channels;
    const url = `${gateway.url}/agora/channels/${far}`;
    const anonymous = await fetch(url);
    assert.equal(anonymous.status, 401);
    assert.equal((await anonymous.json()).error, 'unauthorized');
    assert.equal((await fetch(url, { headers: headersFor(far, 0n, mallory) })).status, 401);
    assert.equal((await fetch(url, { headers: headersFor(small, 0n) })).status, 401, "another channel's receipt");
    assert.equal((await fetch(url, { headers: { authorization: 'Bearer operator-token-for-the-test' } })).status, 401);
    const operator = await fetch(url, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    assert.equal(operator.status, 200);
    assert.equal(BigInt((await operator.json()).owedUnits), owed[far]);
    const signer = await fetch(url, { headers: headersFor(far, 0n) });
    assert.equal(signer.status, 200);
    assert.equal((await signer.json()).channelId, far);
  });

  test('a usage write the database refuses is not charged: 503 store_unavailable, nothing owed', async () => {
    const { far } = channels;
    const database = join(dir, 'gateway.sqlite');
    const sql = (statement) => execFileSync('sqlite3', ['-cmd', '.timeout 10000', database, statement]);
    sql("CREATE TRIGGER disk_full BEFORE UPDATE OF quantity ON channels BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    const before = await view(far);
    const refused = await jsonCall(far, owed[far], 1_500);
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error, 'store_unavailable');
    const streamed = await stream(far, owed[far], { chunks: 2, tokensPerChunk: 700 });
    assert.equal(JSON.parse(streamed.events.at(-1).data).error.code, 'store_unavailable');
    const after = await view(far);
    assert.equal(after.owedUnits, before.owedUnits);
    assert.equal(after.reservedUnits, 0);
    assert.equal(metric(await metrics(), 'agora_gateway_store_errors_total'), 2);
    sql('DROP TRIGGER disk_full;');
    const served = await jsonCall(far, owed[far], 1_500);
    assert.equal(served.status, 200);
    // 5,940 + 1,500 tokens = 7,440: 8 units.
    assert.equal(BigInt(served.owed), 8n);
    owed[far] = 8n;
  });

  test('a JSON-lines stream (Ollama-style) is relayed line by line and metered from the line with the usage', async () => {
    const { far } = channels;
    const started = upstream.served.sentAt.length;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headersFor(far, owed[far]) },
      body: JSON.stringify({ model: 'tiny', stream: true, test: { format: 'ndjson', chunks: 5, delayMs: 100, tokensPerChunk: 400 } }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-ndjson');
    const arrivals = [];
    let text = '';
    for await (const chunk of response.body) {
      text += Buffer.from(chunk).toString();
      arrivals.push(performance.now());
    }
    const lines = text.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 6);
    assert.deepEqual(lines.at(-1), { done: true, usage: { total_tokens: 2_000 } });
    assert.ok(arrivals[0] < upstream.served.sentAt[started][4], 'the first line arrived before the upstream sent the last');
    // 7,440 + 2,000 tokens = 9,440: 10 units.
    assert.equal(BigInt((await view(far)).owedUnits), 10n);
    owed[far] = 10n;
  });

  test('a node that never answers: calls that could run past expiry get 503, settlement resumes after, nothing is lost', async () => {
    // A channel 14 blocks from expiry: served now, but within the 10-block margin once
    // the gateway must assume 4 more blocks passed.
    const { channelId: near, expiresAt } = await openChannel(api, charlie, {
      serviceId, deposit: 100n * PRICE, duration: 14, receiptSigner: receiptSigner(charlieApp), agreedPrice: TOKEN1K,
    });
    assert.equal((await jsonCall(near, 0n, 100)).status, 200);

    proxy.hang();
    const hungAt = Date.now();
    // A new receipt is still taken (its signature is checked against what the gateway
    // knows of the channel) but cannot be settled while the node is silent.
    const { far } = channels;
    const handedIn = await fetch(`${gateway.url}/agora/receipts`, { method: 'POST', headers: headersFor(far, 30n) });
    assert.equal(handedIn.status, 200);
    assert.equal((await handedIn.json()).signedUnits, 30);
    let refusal;
    while (!refusal) {
      assert.ok(Date.now() - hungAt < 60_000, 'the near channel is refused within a minute of silence');
      const answer = await jsonCall(near, 0n, 100);
      if (answer.status !== 200) refusal = answer;
      else await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    assert.equal(refusal.status, 503);
    assert.equal(refusal.body.error, 'chain_unavailable');
    assert.match(refusal.body.message, new RegExp(`channel ${near}, expiring at block ${expiresAt}`));
    assert.ok(Date.now() - hungAt > 6_000, 'not before max_chain_age');
    assert.equal((await fetch(`${gateway.url}/health`)).status, 503);
    // A channel far from expiry is still served from what the gateway knows.
    const farCall = await jsonCall(far, owed[far], 100);
    assert.equal(farCall.status, 200);
    owed[far] = BigInt(farCall.owed);
    const claimedWhileSilent = BigInt((await api.rpc.agora.getChannel(far)).toJSON().claimed);
    assert.ok(claimedWhileSilent < 30n * PRICE, 'the new receipt is not settled while the node is silent');

    proxy.recover();
    const deadline = Date.now() + 60_000;
    let signedFar;
    for (;;) {
      signedFar = BigInt((await view(far)).signedUnits);
      const claimed = BigInt((await api.rpc.agora.getChannel(far)).toJSON().claimed);
      if (claimed === signedFar * PRICE) break;
      assert.ok(Date.now() < deadline, `claimed ${claimed}, signed ${signedFar} units:\n${gateway.log.slice(-20).join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    assert.equal(signedFar, 30n);
    // Healthy again from the next head poll (every 2 s).
    const healthDeadline = Date.now() + 15_000;
    while ((await fetch(`${gateway.url}/health`)).status !== 200) {
      assert.ok(Date.now() < healthDeadline, '/health answers 200 once the node does');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  test('a client that leaves mid-stream is charged the usage the stream reports, and a stalled upload gets 408', async () => {
    const { far } = channels;
    const before = BigInt((await view(far)).owedUnits);
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headersFor(far, owed[far]) },
      body: JSON.stringify({ model: 'tiny', stream: true, test: { chunks: 20, delayMs: 50, tokensPerChunk: 100, usage: 'final' } }),
      signal: controller.signal,
    });
    const reader = response.body.getReader();
    await reader.read();
    controller.abort();
    // The gateway reads the upstream to its end: 2,000 tokens more, 12 units in all.
    const deadline = Date.now() + 10_000;
    while (BigInt((await view(far)).owedUnits) === before) {
      assert.ok(Date.now() < deadline, 'the abandoned stream is charged');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // 9,540 + 2,000 tokens = 11,540: 12 units.
    assert.equal(BigInt((await view(far)).owedUnits), 12n);
    owed[far] = 12n;

    const stalled = await rawPost(headersFor(far, owed[far]), 100, { parts: ['{"model":'], stall: true }); // and nothing more
    assert.equal(stalled.status, 408);
    assert.equal(stalled.json.error, 'request_timeout');
    assert.equal((await view(far)).reservedUnits, 0);
  });

  test('the provider claims exactly what was signed on every channel', async () => {
    const { far, small, tiny } = channels;
    // The consumer pays what is owed on the tiny channel: the 5 units of its deposit.
    await fetch(`${gateway.url}/agora/receipts`, { method: 'POST', headers: headersFor(tiny, owed[tiny]) });
    const expected = { [far]: 30n, [small]: 120n, [tiny]: 5n };
    const deadline = Date.now() + 60_000;
    for (;;) {
      const claimed = {};
      for (const id of [far, small, tiny]) claimed[id] = BigInt((await api.rpc.agora.getChannel(id)).toJSON().claimed) / PRICE;
      if (Object.keys(expected).every((id) => claimed[id] === expected[id])) break;
      assert.ok(Date.now() < deadline, `claimed ${JSON.stringify(claimed, (_, v) => String(v))}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  });
});
