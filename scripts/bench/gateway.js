#!/usr/bin/env node
// agora-gateway's overhead (docs/gateway.md, "Performance"): paid calls per second and
// the latency a paid call adds, against the same stub upstream called directly, for
// non-streamed and streamed (Server-Sent Events) chat completions. A dev node with one
// service and `--clients` channels (one per client), the release gateway in front of the
// stub upstream, and the load generator (gateway/examples/overhead.rs), whose clients
// sign a new receipt for every call. Each kind of call runs twice: with `--clients`
// clients, to saturate the machine (throughput; latency is then mostly queueing), and
// with one client, to see what one call adds when nothing waits. Prints a table and one
// JSON line.
//
// With `--stores`, it compares the stores instead: paid JSON calls per second from
// `--clients` clients through one gateway on SQLite, then through 1, 2 and 3 replicas
// sharing one PostgreSQL (a throwaway server of Debian's packages), the clients spread
// evenly over the replicas.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { receiptSigner, submitOk } from '@agora/client';
import { startNode } from './lib/node.js';
import { freePorts, spawnLogged } from '@agora/test-support';
import { startPostgres } from '@agora/test-support/postgres';

const HELP = `usage: gateway.js --node BIN --gateway BIN --overhead BIN [--clients 64] [--seconds 10]
  --node      agora-node (only reads channels and takes the settlements: not on the call path)
  --gateway   agora-gateway, release build
  --overhead  the load generator and stub upstream (gateway/examples/overhead.rs), release build
  --clients   concurrent clients, each paying on a channel of its own (default 64)
  --seconds   length of each run (default 10)
  --stores    compare one gateway on SQLite with 1, 2 and 3 replicas on one PostgreSQL`;

const AGR = 10n ** 12n;
const PRICE = { unit: 'Token1k', perUnit: 10n ** 8n };

const { values: args } = parseArgs({
  options: {
    node: { type: 'string' }, gateway: { type: 'string' }, overhead: { type: 'string' },
    clients: { type: 'string', default: '64' }, seconds: { type: 'string', default: '10' },
    stores: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
  },
});
if (args.help || !args.node || !args.gateway || !args.overhead) {
  console.log(HELP);
  process.exit(args.help ? 0 : 2);
}
const clients = Number(args.clients);
const log = (message) => console.error(`[gateway-bench] ${message}`);

/** Runs the load generator with `count` clients; resolves to its JSON figures. */
function load(url, count, extra) {
  return new Promise((resolve, reject) => {
    const child = spawn(args.overhead, ['load', '--url', url, '--clients', String(count), '--seconds', args.seconds, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`overhead load exited with ${code}`))));
  });
}

async function waitForHealth(url) {
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${url}/health`).catch(() => null))?.status !== 200) {
    if (Date.now() > deadline) throw new Error('agora-gateway not healthy within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const node = await startNode(args.node, { poolLimit: 8192 });
const dir = mkdtempSync(join(tmpdir(), 'agora-gateway-bench-'));
const processes = [];
try {
  const { api } = node;
  const keyring = new Keyring({ type: 'sr25519' });
  const [bob, charlie] = [keyring.addFromUri('//Bob'), keyring.addFromUri('//Charlie')];
  const app = keyring.addFromUri('//BenchApp');

  log(`listing a service and opening ${clients} channels`);
  await submitOk(api, api.tx.services.registerProvider('bench-provider', 100n * AGR), bob);
  const listed = await submitOk(api, api.tx.services.listService('bench', ['llm'], '', `0x${'22'.repeat(32)}`, PRICE, 0, null), bob);
  const serviceId = listed.events.find(({ event }) => api.events.services.ServiceListed.is(event)).event.data.serviceId.toNumber();
  const opens = Array.from({ length: clients }, () => api.tx.metering.openChannel(serviceId, 10n * AGR, 100_000, receiptSigner(app), PRICE));
  const opened = await submitOk(api, api.tx.utility.batchAll(opens), charlie);
  const channels = opened.events.filter(({ event }) => api.events.metering.ChannelOpened.is(event)).map(({ event }) => event.data.channelId.toNumber());
  if (channels.length !== clients || channels.some((id, i) => id !== channels[0] + i)) throw new Error(`channels ${channels} are not consecutive`);

  const [upstreamPort] = await freePorts(1);
  const upstream = spawnLogged(args.overhead, ['upstream', '--listen', `127.0.0.1:${upstreamPort}`]);
  processes.push(upstream);
  /** Starts gateway `name` on `database`; resolves to its URL once healthy. */
  const startGateway = async (name, database) => {
    const [port] = await freePorts(1);
    const config = join(dir, `${name}.toml`);
    writeFileSync(config, [
      `listen = "127.0.0.1:${port}"`,
      `upstream = "http://127.0.0.1:${upstreamPort}/v1"`,
      `node = "${node.httpUrl}"`,
      `service_id = ${serviceId}`,
      `database = "${database}"`,
      'metering = "json_field"',
      'usage_field = "usage.total_tokens"',
      'quantity_per_unit = 1000',
      'reserve_units = 1',
      `credit_limit = "${10n * PRICE.perUnit}"`,
    ].join('\n'));
    const gateway = spawnLogged(args.gateway, ['--config', config], { ...process.env, AGORA_GATEWAY_KEY: '//Bob', RUST_LOG: 'warn' });
    processes.push(gateway);
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url);
    return { url, stop: () => gateway.end('SIGTERM') };
  };

  const genesis = api.genesisHash.toHex();
  const payingFrom = (first) => ['--genesis', genesis, '--first-channel', String(first), '--signer', '//BenchApp'];

  /** One gateway on SQLite, then 1, 2 and 3 replicas on one PostgreSQL. */
  async function compareStores() {
    // Each configuration's clients pay on channels of their own, opened by a consumer of
    // their own (a consumer holds 64 channels at most): Charlie's, then Dave's, Eve's and
    // Ferdie's.
    const firstChannels = [channels[0]];
    for (const consumer of ['//Dave', '//Eve', '//Ferdie'].map((uri) => keyring.addFromUri(uri))) {
      const opens = Array.from({ length: clients }, () => api.tx.metering.openChannel(serviceId, 10n * AGR, 100_000, receiptSigner(app), PRICE));
      const batch = await submitOk(api, api.tx.utility.batchAll(opens), consumer);
      firstChannels.push(batch.events.find(({ event }) => api.events.metering.ChannelOpened.is(event)).event.data.channelId.toNumber());
    }
    const postgres = await startPostgres();
    try {
      const rows = [];
      const measure = async (label, gateways, firstChannel) => {
        log(`${label}: ${clients} clients, ${args.seconds} s`);
        // Client k of the configuration pays on channel firstChannel + k, whichever replica it calls.
        const shares = gateways.map((_, i) => Math.floor(clients / gateways.length) + (i < clients % gateways.length ? 1 : 0));
        const firsts = shares.map((_, i) => firstChannel + shares.slice(0, i).reduce((a, b) => a + b, 0));
        const figures = await Promise.all(gateways.map((g, i) => load(`${g.url}/v1/chat/completions`, shares[i], payingFrom(firsts[i]))));
        rows.push({
          store: label,
          callsPerSecond: figures.reduce((sum, f) => sum + f.callsPerSecond, 0),
          p50Ms: Math.max(...figures.map((f) => f.p50Ms)),
          p99Ms: Math.max(...figures.map((f) => f.p99Ms)),
          errors: figures.reduce((sum, f) => sum + f.errors, 0),
        });
        for (const g of gateways) await g.stop();
      };
      await measure('SQLite, 1 gateway', [await startGateway('sqlite', join(dir, 'gateway.sqlite'))], channels[0]);
      for (const replicas of [1, 2, 3]) {
        const database = `replicas${replicas}`;
        postgres.createDatabase(database);
        const gateways = [];
        for (let i = 0; i < replicas; i += 1) gateways.push(await startGateway(`${database}-${i}`, postgres.url(database)));
        await measure(`PostgreSQL, ${replicas} replica${replicas === 1 ? '' : 's'}`, gateways, firstChannels[replicas]);
      }
      const row = (cells) => `| ${cells.join(' | ')} |`;
      console.log(row(['store', 'paid calls/s', 'p50 / p99 ms (slowest replica)', 'errors']));
      console.log(row(Array(4).fill('---')));
      for (const r of rows) console.log(row([r.store, r.callsPerSecond.toFixed(0), `${r.p50Ms.toFixed(2)} / ${r.p99Ms.toFixed(2)}`, r.errors]));
      console.log(JSON.stringify({ clients, seconds: Number(args.seconds), stores: rows }));
    } finally {
      postgres.close();
    }
  }

  /** What a paid call adds, JSON and streamed, against the upstream called directly. */
  async function measureOverhead() {
    const { url: gatewayUrl } = await startGateway('gateway', join(dir, 'gateway.sqlite'));
    const paid = payingFrom(channels[0]);
    const runs = {};
    for (const stream of [false, true]) {
      for (const count of [clients, 1]) {
        const flag = stream ? ['--stream'] : [];
        const kind = `${stream ? 'streamed' : 'json'}, ${count} client${count === 1 ? '' : 's'}`;
        log(`${kind}: the upstream directly, ${args.seconds} s`);
        const direct = await load(`http://127.0.0.1:${upstreamPort}/v1/chat/completions`, count, flag);
        log(`${kind}: through the gateway, paid, a new receipt per call`);
        const gatewayRun = await load(`${gatewayUrl}/v1/chat/completions`, count, [...flag, ...paid]);
        runs[kind] = { direct, gateway: gatewayRun, addedP50Ms: gatewayRun.p50Ms - direct.p50Ms, addedP99Ms: gatewayRun.p99Ms - direct.p99Ms };
      }
    }

    const row = (cells) => `| ${cells.join(' | ')} |`;
    console.log(row(['calls', 'direct calls/s', 'direct p50 / p99 ms', 'paid calls/s', 'paid p50 / p99 ms', 'added p50 / p99 ms', 'errors']));
    console.log(row(Array(7).fill('---')));
    for (const [kind, { direct, gateway: g, addedP50Ms, addedP99Ms }] of Object.entries(runs)) {
      const ms = (value) => value.toFixed(2);
      console.log(row([kind, direct.callsPerSecond, `${ms(direct.p50Ms)} / ${ms(direct.p99Ms)}`, g.callsPerSecond,
        `${ms(g.p50Ms)} / ${ms(g.p99Ms)}`, `${ms(addedP50Ms)} / ${ms(addedP99Ms)}`, g.errors + direct.errors]));
    }
    console.log(JSON.stringify({ clients, seconds: Number(args.seconds), runs }));
  }

  await (args.stores ? compareStores() : measureOverhead());
} finally {
  for (const child of processes) await child.end('SIGTERM');
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
}
