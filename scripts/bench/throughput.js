#!/usr/bin/env node
// The throughput harness (docs/performance.md): one fresh `agora-node --dev` run that
// measures, side by side, (a) balance transfers, (b) single-receipt claims and (c)
// 100-item claim batches as included per block and per second from block contents; the
// build time of their blocks against their declared weight; agora_* RPC latency with
// the configured number of services and channels on chain; and the node's memory and
// database growth per 1,000 settlements. Prints a Markdown report; `--out` also writes
// the figures as JSON. Run it through ./scripts/bench/run.sh, which builds the release node.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rpcCall } from '@agora/test-support';
import {
  PRICE_PER_UNIT, churn, claimBatchCalls, claimCalls, collectBlocks, preSign, setUpMarketplace, submitAll, transferCalls,
  waitBlocks,
} from './lib/chain.js';
import { feeQuotes } from './lib/fees.js';
import {
  droppedTransactions, measureLatency, overweightBlocks, summarizeScenario, unmeasuredImports, withImports,
} from './lib/measure.js';
import { canBenchmark, poolLimitFor, reexecuteBlocks, startNode } from './lib/node.js';

const FULL = {
  transfers: 12_000, senders: 120, claims: 6_000, services: 10_000, channels: 10_000, payees: 20,
  'batch-rounds': 2, closed: 100_000, 'rpc-clients': 8, 'rpc-seconds': 20,
};
// A minute-long run on a debug node: what the end-to-end suite runs to keep the harness working.
const QUICK = {
  transfers: 300, senders: 10, claims: 60, services: 130, channels: 200, payees: 2,
  'batch-rounds': 1, closed: 130, 'rpc-clients': 2, 'rpc-seconds': 2,
};
const BATCH_SIZE = 100;
/** Units of a (b) receipt: a million metered calls settled by one claim. */
const CLAIM_UNITS = 1_000_000n;
/** The share of a slot Aura gives the author to build its block (node/src/service.rs). */
const PROPOSAL_SLOT_PORTION = 2 / 3;

const USAGE = `Usage: node scripts/bench/throughput.js [options]

  --node PATH          agora-node binary (default $AGORA_NODE)
  --quick              small figures for a check that the harness works (${JSON.stringify(QUICK)})
  --transfers N        (a) transferKeepAlive extrinsics (default ${FULL.transfers})
  --senders N          accounts the transfers come from (default ${FULL.senders})
  --claims N           (b) claim extrinsics, one receipt of ${CLAIM_UNITS} units each (default ${FULL.claims})
  --services N         services listed before the RPC measurements (default ${FULL.services})
  --channels N         channels opened; (c) settles each once per round (default ${FULL.channels})
  --payees N           providers the channels are spread over (default ${FULL.payees})
  --batch-rounds N     (c) rounds of claim_batch (${BATCH_SIZE} items) over every channel (default ${FULL['batch-rounds']})
  --closed N           channels closed and services removed before the RPC measurements, as an
                       attacker churning ids would leave them (default ${FULL.closed})
  --rpc-clients N      concurrent RPC clients (default ${FULL['rpc-clients']})
  --rpc-seconds N      seconds each RPC measurement lasts (default ${FULL['rpc-seconds']})
  --out FILE           also write the figures as JSON
  --keep-chain DIR     keep the chain in DIR (it must not exist) instead of a removed temporary directory
  --import-check       after the run, re-execute the scenarios' blocks with \`benchmark block\` as a node
                       imports them (in order, the trie cache on) and hold full blocks to their weight;
                       needs a node built with --features runtime-benchmarks (the benchmarking node)
  --help               this text

Exits 1 after printing the report if the blocks miss any transaction the pool
accepted (the pool holds ten times the largest scenario, so none should be), or,
except with --quick (a debug node's times mean nothing), if the author took longer
to build a block than the weight it declares (blocks begun while the node was still
validating the scenario's submissions are reported apart and not held to it) or
longer than its share of the slot, or, with --import-check, if a full block took longer
to import than its weight: the weights would undercharge this machine.`;

/** A bad command line: reported as one line, without a stack trace. */
class UsageError extends Error {}
/** A run whose figures cannot be trusted (its report is still printed): one line too. */
class IncompleteRunError extends Error {}

function parseOptions() {
  const numeric = Object.keys(FULL);
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        node: { type: 'string' },
        quick: { type: 'boolean' },
        out: { type: 'string' },
        'keep-chain': { type: 'string' },
        'import-check': { type: 'boolean' },
        help: { type: 'boolean' },
        ...Object.fromEntries(numeric.map((name) => [name, { type: 'string' }])),
      },
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const options = { ...(values.quick ? QUICK : FULL) };
  for (const name of numeric) {
    if (values[name] === undefined) continue;
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer, not ${values[name]}`);
    options[name] = value;
  }
  if (options.claims > options.channels) throw new UsageError('--claims cannot exceed --channels (one claim per channel)');
  if (options.payees > options.channels) throw new UsageError('--payees cannot exceed --channels');
  const node = values.node ?? process.env.AGORA_NODE;
  if (!node) throw new UsageError('no agora-node binary: pass --node or set AGORA_NODE (scripts/bench/run.sh does)');
  const keepChain = values['keep-chain'];
  if (keepChain !== undefined && existsSync(keepChain)) throw new UsageError(`--keep-chain ${keepChain} already exists`);
  const importCheck = values['import-check'] === true;
  if (importCheck && !existsSync(node)) throw new UsageError(`no agora-node binary at ${node}`);
  if (importCheck && !canBenchmark(node)) {
    throw new UsageError(`--import-check needs a node with \`benchmark block\`; ${node} was built without `
      + '--features runtime-benchmarks (cargo build --profile benchmark -p agora-node --features runtime-benchmarks)');
  }
  return { ...options, quick: values.quick === true, node, out: values.out, keepChain, importCheck };
}

const log = (message) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function runScenario(node, name, key, calls, context) {
  const { api, httpUrl } = node;
  log(`${name}: signing ${calls.length} extrinsics`);
  const signed = await preSign(api, calls);
  const from = (await api.rpc.chain.getHeader()).number.toNumber() + 1;
  log(`${name}: submitting`);
  const submission = await submitAll(httpUrl, signed);
  const submissionEndedAt = Date.now();
  log(`${name}: ${submission.accepted} accepted, ${submission.refused.length} refused; waiting for blocks`);
  const blocks = await collectBlocks(api, key, from, submission.accepted);
  return summarizeScenario(key, blocks, node.prepared, { submitted: signed.length, submissionEndedAt, ...submission }, context);
}

function machine() {
  const commit = (() => {
    try {
      // The harness's own checkout, wherever it is run from.
      const cwd = dirname(fileURLToPath(import.meta.url));
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  return { commit, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30) };
}

const fmt = (value, digits = 0) => (value === null || value === undefined || Number.isNaN(value)
  ? '–' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

function markdown(report) {
  const { scenarios: { transfers, claims, batches }, rpc, footprint, ratios, setup, fees, proposalDeadlineMs } = report;
  const row = (name, s, rate, perBlock, ratio) => `| ${name} | ${fmt(s.included)} | ${s.fullBlocks} | ${fmt(perBlock)} | ${fmt(rate, 1)} | ${ratio} | ${fmt(s.extrinsicWeightUs)} | ${fmt(s.builtOverDeclared, 2)} | ${fmt(s.builtOverDeclaredUnderSubmission, 2)} | ${fmt(s.worstBuiltMs)} (${s.worstBuiltEnd ?? '–'}) | ${s.endedAtDeadline} | ${fmt(s.importedOverDeclared, 2)} |`;
  const agr = (planck) => (Number(planck) / 1e12).toFixed(6);
  const feeRow = (name, q) => `| ${name} | ${q.lengthBytes} | ${fmt(Number(q.weightPs) / 1e6)} | ${agr(q.partialFee)} | ${agr(q.baseFee)} | ${agr(q.lengthFee)} | ${agr(q.weightFee)} |`;
  return [
    `Agora throughput, commit ${report.machine.commit}, ${report.machine.cpus} × ${report.machine.cpu}, ${report.machine.memoryGiB} GiB, ${report.node}`,
    '',
    '| scenario | included | full blocks | per block | per second | vs (a) | weight per extrinsic (µs, base incl.) | built / declared (max) | the same, begun under submission | longest build (ms, how it ended) | ended at the deadline | imported / declared (max) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    row('(a) transferKeepAlive', transfers, transfers.perSecond, transfers.perBlock, '1.00'),
    row('(b) claim (1 receipt)', claims, claims.perSecond, claims.perBlock, fmt(ratios.claimsVsTransfers, 2)),
    row(`(c) claim_batch (${BATCH_SIZE}): receipts`, { ...batches, included: batches.settled }, batches.settledPerSecond,
      batches.settledPerBlock, fmt(ratios.batchReceiptsVsTransfers, 2)),
    '',
    `Declared weight, base included: claim / transfer ${fmt(ratios.claimWeightVsTransfer, 2)}; ` +
      `one receipt of a ${BATCH_SIZE}-item batch / claim ${fmt(ratios.batchReceiptWeightVsClaim, 2)}. ` +
      `Each (b) claim settled ${CLAIM_UNITS.toLocaleString('en-US')} metered units in one extrinsic; channel ${setup.sampleChannel.id} ` +
      `ends with ${setup.sampleChannel.claimed} planck claimed (expected ${setup.sampleChannel.expected}). ` +
      `The author has ${fmt(proposalDeadlineMs)} ms of each slot to build its block; the proposer stops taking ` +
      `transactions at about 90 % of it (\`HitDeadline\`), so a busy machine makes a block smaller (or, past ` +
      `${fmt(proposalDeadlineMs)} ms, none). ` +
      (report.options.importCheck
        ? 'Imported: each full block re-executed after the run by `benchmark block`, in order, the trie cache on, once.'
        : 'Imported: not measured (--import-check).'),
    '',
    'Fees (`payment_queryInfo`, `payment_queryFeeDetails`), AGR:',
    '',
    '| extrinsic | bytes | weight (µs) | fee | base | length | weight part |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(fees).map(([name, quote]) => feeRow(name, quote)),
    '',
    `RPC with ${fmt(setup.services)} services and ${fmt(setup.channels)} open channels, after ${fmt(setup.closed)} ` +
      `channels were closed and ${fmt(setup.closed)} services removed, ${rpc.clients} clients × ${rpc.seconds} s each:`,
    '',
    '| call | calls | per second | p50 (ms) | p99 (ms) | max (ms) | errors |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(rpc.calls).map(([name, r]) =>
      `| ${name} | ${fmt(r.calls)} | ${fmt(r.perSecond)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${fmt(r.maxMs, 1)} | ${r.errors} |`),
    '',
    `Node RSS after the run ${fmt(footprint.rssMiB)} MiB (peak ${fmt(footprint.peakRssMiB)} MiB); ` +
      `database growth over (b) and (c): ${fmt(footprint.databaseGrowthMiB, 1)} MiB for ${fmt(footprint.settlements)} settlements ` +
      `= ${fmt(footprint.bytesPer1000Settlements / 1024)} KiB per 1,000 settlements.`,
  ].join('\n');
}

async function main() {
  const options = parseOptions();
  const version = execFileSync(options.node, ['--version'], { encoding: 'utf8' }).trim();
  log(`starting ${version}`);
  const node = await startNode(options.node, {
    poolLimit: poolLimitFor(Math.max(options.transfers, options.claims)),
    keepBasePath: options.keepChain,
    archive: options.importCheck,
  });
  try {
    const { api, httpUrl } = node;
    const context = {
      blockSeconds: api.consts.timestamp.minimumPeriod.toNumber() * 2 / 1_000,
    };
    const setup = await setUpMarketplace(api, options, log);
    const [transferFee, claimFee] = await preSign(api, [
      ...transferCalls(api, setup.accounts.senders, 1), ...claimCalls(api, setup, 1, CLAIM_UNITS),
    ]);
    const firstPayee = { payees: setup.payees.slice(0, 1), channels: setup.channels.filter((c) => c.payee === 0) };
    const [batchFee] = await preSign(api, claimBatchCalls(api, firstPayee, BATCH_SIZE, CLAIM_UNITS));
    const fees = await feeQuotes(httpUrl, {
      transferKeepAlive: transferFee, claim: claimFee, [`claimBatch (${BATCH_SIZE})`]: batchFee,
    });

    const transfers = await runScenario(node, '(a) transfers', 'balances.transferKeepAlive',
      transferCalls(api, setup.accounts.senders, options.transfers), context);
    const databaseBefore = node.databaseBytes();
    const claims = await runScenario(node, '(b) claims', 'metering.claim',
      claimCalls(api, setup, options.claims, CLAIM_UNITS), context);
    const batchCalls = [];
    for (let round = 1; round <= options['batch-rounds']; round += 1) {
      batchCalls.push(...claimBatchCalls(api, setup, BATCH_SIZE, CLAIM_UNITS * BigInt(round + 1)));
    }
    const batches = await runScenario(node, '(c) claim batches', 'metering.claimBatch', batchCalls, context);
    await waitBlocks(api, 2);
    const databaseAfter = node.databaseBytes();

    const sampleChannel = setup.channels[0];
    const sample = (await rpcCall(httpUrl, 'agora_getChannel', [sampleChannel.id])).result;
    log(`churn: closing ${options.closed} channels and removing ${options.closed} services`);
    await churn(api, { serviceId: sample.serviceId, count: options.closed }, log);
    const rpc = { clients: options['rpc-clients'], seconds: options['rpc-seconds'], calls: {} };
    const random = (below) => Math.floor(Math.random() * below);
    // What the churn left: only the live items are stored, however many ids were issued.
    const [serviceKeys, channelKeys, serviceIds, channelIds] = await Promise.all([
      api.query.services.services.keys(), api.query.metering.channels.keys(),
      api.query.services.nextServiceId(), api.query.metering.nextChannelId(),
    ]);
    const services = serviceKeys.length;
    const load = (request) => measureLatency(httpUrl, { clients: rpc.clients, seconds: rpc.seconds, request });
    log('RPC: agora_listServices, first page');
    rpc.calls['agora_listServices (first 100)'] = await load(() =>
      ({ method: 'agora_listServices', params: [{ limit: 100 }] }));
    log('RPC: agora_listServices, deep pages');
    rpc.calls['agora_listServices (100 after a random id)'] = await load(() =>
      ({ method: 'agora_listServices', params: [{ startAfter: random(Math.max(1, services - 100)), limit: 100 }] }));
    log('RPC: agora_listServices, a tag');
    rpc.calls['agora_listServices (first 100 tagged llm)'] = await load(() =>
      ({ method: 'agora_listServices', params: [{ tag: 'llm', limit: 100 }] }));
    log('RPC: agora_listChannels, a payee');
    const payee = setup.payees[0].address;
    rpc.calls['agora_listChannels (first 100 of a payee)'] = await load(() =>
      ({ method: 'agora_listChannels', params: [{ payee, limit: 100 }] }));
    log('RPC: agora_listChannels, all');
    rpc.calls['agora_listChannels (first 100)'] = await load(() =>
      ({ method: 'agora_listChannels', params: [{ limit: 100 }] }));
    log('RPC: agora_getChannel');
    rpc.calls['agora_getChannel (random id)'] = await load(() =>
      ({ method: 'agora_getChannel', params: [setup.channels[random(setup.channels.length)].id] }));

    const memory = node.memory();
    let scenarios = { transfers, claims, batches };
    let importError = null;
    if (options.importCheck) {
      await node.halt();
      const numbers = Object.values(scenarios).flatMap((scenario) => scenario.blocks.map((block) => block.number));
      try {
        if (numbers.length === 0) throw new Error('no scenario included anything in a block');
        const [first, last] = [Math.min(...numbers), Math.max(...numbers)];
        log(`import: re-executing blocks ${first} to ${last} as a node imports them`);
        // One block earlier: the first block executed also pays for compiling the runtime.
        const executed = reexecuteBlocks(options.node, node.basePath, Math.max(1, first - 1), last);
        scenarios = Object.fromEntries(Object.entries(scenarios).map(([name, s]) => [name, withImports(s, executed)]));
      } catch (error) {
        // Reported after the figures the run did get.
        importError = error.message;
      }
    }
    const settlements = claims.settled + batches.settled;
    const report = {
      date: new Date().toISOString(),
      machine: machine(),
      node: version,
      options: { ...options, node: undefined, out: undefined, keepChain: undefined },
      importError,
      setup: {
        services,
        channels: setup.channels.length,
        closed: options.closed,
        stored: { services, channels: channelKeys.length },
        issued: { services: serviceIds.toNumber(), channels: channelIds.toNumber() },
        sampleChannel: { id: sampleChannel.id, claimed: sample.claimed, expected: (CLAIM_UNITS * BigInt(options['batch-rounds'] + 1) * PRICE_PER_UNIT).toString() },
      },
      scenarios,
      proposalDeadlineMs: context.blockSeconds * 1_000 * PROPOSAL_SLOT_PORTION,
      fees,
      ratios: {
        claimsVsTransfers: claims.perSecond / transfers.perSecond,
        batchReceiptsVsTransfers: batches.settledPerSecond / transfers.perSecond,
        claimWeightVsTransfer: claims.extrinsicWeightUs / transfers.extrinsicWeightUs,
        batchReceiptWeightVsClaim: batches.extrinsicWeightUs / BATCH_SIZE / claims.extrinsicWeightUs,
      },
      rpc,
      footprint: {
        rssMiB: memory.rss / 2 ** 20,
        peakRssMiB: memory.peakRss / 2 ** 20,
        settlements,
        databaseGrowthMiB: (databaseAfter - databaseBefore) / 2 ** 20,
        bytesPer1000Settlements: ((databaseAfter - databaseBefore) / settlements) * 1_000,
      },
    };
    console.log(markdown(report));
    if (options.out) writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    const dropped = droppedTransactions(report.scenarios);
    if (dropped) throw new IncompleteRunError(dropped);
    if (importError) throw new IncompleteRunError(`the import check failed: ${importError}`);
    const unmeasured = unmeasuredImports(report.scenarios);
    if (unmeasured) throw new IncompleteRunError(unmeasured);
    const overweight = overweightBlocks(report.scenarios, report.proposalDeadlineMs);
    if (overweight && !options.quick) throw new IncompleteRunError(overweight);
  } finally {
    await node.stop();
  }
}

main().then(() => process.exit(0), (error) => {
  if (error instanceof UsageError) console.error(`error: ${error.message} (see --help)`);
  else if (error instanceof IncompleteRunError) console.error(`error: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
