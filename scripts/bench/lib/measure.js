// Figures from what the harness observed: a scenario's rate from block contents, the
// weight-honesty check of its blocks, and RPC latency percentiles under load.
import { performance } from 'node:perf_hooks';
import { rpcCall } from '@agora/test-support';

const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
/** A block its author ended because it was full: the chain's capacity. */
const isFull = (row) => row.end === 'HitBlockWeightLimit' || row.end === 'HitBlockSizeLimit';

/** The value below which `share` (0..1) of the sorted `values` fall (nearest rank). */
export function percentile(sorted, share) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))];
}

/**
 * A scenario's figures from the blocks that included its extrinsics (`key`). Rates come
 * from blocks the author ended because they were full (weight or size), which is the
 * chain's capacity; when none was full the load was too small to fill one, and the rates
 * come from every block with the scenario's extrinsics (`fromFullBlocks: false`).
 */
export function summarizeScenario(key, blocks, prepared, { submitted, accepted, refused, submissionEndedAt }, { blockSeconds }) {
  const rows = blocks.map((block) => {
    const ours = block.calls[key];
    return {
      number: block.number,
      ok: ours.ok,
      failed: ours.failed,
      settled: block.settled,
      rejected: block.rejected,
      declaredMs: block.declaredMs,
      ...prepared(block.number),
    };
  }).map((row) => ({
    ...row,
    // Begun while the node was still validating the scenario's submissions, which takes
    // the CPU the author needs: its build time says more about the load than the weights.
    underSubmission: row.startedAt !== undefined && row.startedAt < submissionEndedAt,
  }));
  const full = rows.filter(isFull);
  const basis = full.length > 0 ? full : rows;
  const perBlock = mean(basis.map((row) => row.ok));
  const settledPerBlock = mean(basis.map((row) => row.settled));
  const included = rows.reduce((sum, row) => sum + row.ok, 0);
  const failed = rows.reduce((sum, row) => sum + row.failed, 0);
  const weightPs = blocks.reduce((sum, block) => sum + block.calls[key].weightPs, 0n);
  const timed = rows.filter((row) => row.builtMs !== undefined);
  const quiet = timed.filter((row) => !row.underSubmission);
  const longest = timed.reduce((worst, row) => (worst === null || row.builtMs > worst.builtMs ? row : worst), null);
  const ratio = (some) => {
    const fullOnes = some.filter(isFull);
    return fullOnes.length > 0 ? Math.max(...fullOnes.map((row) => row.builtMs / row.declaredMs)) : null;
  };
  return {
    key,
    submitted,
    accepted,
    refused: refused.length,
    refusedErrors: [...new Set(refused.map((error) => error.message))],
    included,
    failed,
    // Accepted by the pool but in no block: evicted, or still waiting when the harness
    // stopped reading blocks. Either way the scenario's figures are not the chain's.
    dropped: accepted - included - failed,
    settled: rows.reduce((sum, row) => sum + row.settled, 0),
    rejected: rows.reduce((sum, row) => sum + row.rejected, 0),
    blocks: rows,
    fullBlocks: full.length,
    fromFullBlocks: full.length > 0,
    perBlock,
    perSecond: perBlock / blockSeconds,
    settledPerBlock,
    settledPerSecond: settledPerBlock / blockSeconds,
    // The weight one extrinsic takes of the block's limit: its call, its extensions and the
    // base weight of every extrinsic (the `ExtrinsicSuccess` event's weight includes it).
    extrinsicWeightUs: Number(weightPs) / (included + failed) / 1e6,
    // Weight honesty: the time the author spent building each full block begun after the
    // submissions over the weight the block declares. Above 1 means the weights undercharge
    // this machine.
    builtOverDeclared: ratio(quiet),
    // The same for the blocks begun while the pool was validating the submissions.
    builtOverDeclaredUnderSubmission: ratio(timed.filter((row) => row.underSubmission)),
    // The longest an author took on one block, load or not: it must stay within the
    // proposer's share of the slot. How that block ended says whether the proposer's
    // deadline cut it short (`HitDeadline`), or it was full or out of transactions first.
    worstBuiltMs: longest?.builtMs ?? null,
    worstBuiltEnd: longest?.end ?? null,
    // Blocks the proposer closed at its deadline, with transactions still waiting: a busy
    // machine made the block smaller rather than the slot late.
    endedAtDeadline: timed.filter((row) => row.end === 'HitDeadline').length,
    // Held to their weight: full blocks only. The build time also counts what every block
    // does whatever it holds (inherents, waiting for the pool, the storage root) in whole
    // milliseconds, which a nearly empty block's weight does not cover.
    overweightBlocks: quiet.filter((row) => isFull(row) && row.builtMs > row.declaredMs)
      .map(({ number, builtMs, declaredMs }) => ({ number, builtMs, declaredMs })),
  };
}

// "Block 28 with    83 tx used  47.40% of its weight (   701,549,106 of  1,479,927,107 ns)"
const EXECUTED = /Block (\d+) with\s+\d+ tx used\s+[\d.]+% of its weight \(\s*([\d,]+) of\s+([\d,]+) ns\)/g;

/**
 * The figures of `benchmark block`'s log lines in `text`: per block number, the time its
 * execution took and the weight it declares, `{ tookNs, declaredNs }`.
 */
export function parseExecutedBlocks(text) {
  const number = (digits) => Number(digits.replaceAll(',', ''));
  return new Map([...text.matchAll(EXECUTED)].map((match) =>
    [Number(match[1]), { tookNs: number(match[2]), declaredNs: number(match[3]) }]));
}

/**
 * `scenario` with the import side of weight honesty: `executed` (from `reexecuteBlocks`)
 * gives each block's re-execution time; its full blocks must take at most their weight.
 */
export function withImports(scenario, executed) {
  const fullRows = scenario.blocks.filter(isFull);
  const full = fullRows.filter((row) => executed.has(row.number)).map(({ number }) => {
    const { tookNs, declaredNs } = executed.get(number);
    return { number, importedMs: tookNs / 1e6, declaredMs: declaredNs / 1e6 };
  });
  return {
    ...scenario,
    importedOverDeclared: full.length > 0 ? Math.max(...full.map((b) => b.importedMs / b.declaredMs)) : null,
    overweightImports: full.filter((b) => b.importedMs > b.declaredMs),
    // Full blocks `benchmark block` gave no figure for: unchecked, which is not a pass.
    unmeasuredImports: fullRows.filter((row) => !executed.has(row.number)).map((row) => row.number),
  };
}

/**
 * Says which scenarios' full blocks the import check has no figure for, or returns null
 * when it measured every one (or was not asked for).
 */
export function unmeasuredImports(scenarios) {
  const gaps = Object.entries(scenarios).filter(([, scenario]) => scenario.unmeasuredImports?.length > 0)
    .map(([name, scenario]) => `${name}: ${scenario.unmeasuredImports.join(', ')}`);
  return gaps.length > 0 ? `the import check measured no time for full blocks (${gaps.join('; ')})` : null;
}

/**
 * Names every full block begun after the submissions whose author took longer to build it
 * than the weight it declares (the weights undercharge this machine), every full block
 * that took longer than that to import (when the run re-executed them), and every block,
 * load or not, built past the author's `deadlineMs` (it would miss its slot); null when none.
 */
export function overweightBlocks(scenarios, deadlineMs) {
  const ms = (value) => value.toFixed(0);
  const over = Object.entries(scenarios).flatMap(([name, scenario]) => [
    ...scenario.overweightBlocks.map((block) =>
      `${name} block ${block.number}: built in ${block.builtMs} ms, declares ${ms(block.declaredMs)} ms`),
    ...(scenario.overweightImports ?? []).map((block) =>
      `${name} block ${block.number}: imported in ${ms(block.importedMs)} ms, declares ${ms(block.declaredMs)} ms`),
    ...scenario.blocks.filter((block) => block.builtMs > deadlineMs).map((block) =>
      `${name} block ${block.number}: built in ${block.builtMs} ms, past the author's ${deadlineMs} ms`),
  ]);
  if (over.length === 0) return null;
  return `blocks took longer than they may (${over.join('; ')}): the weights undercharge this machine`;
}

/**
 * Says which scenarios (by name) lost transactions the pool had accepted, or returns null
 * when none did.
 */
export function droppedTransactions(scenarios) {
  const lost = Object.entries(scenarios).filter(([, scenario]) => scenario.dropped > 0);
  if (lost.length === 0) return null;
  const list = lost.map(([name, s]) => `${name}: ${s.dropped} of ${s.accepted}`).join(', ');
  return `transactions accepted by the pool never reached a block (${list}); this run's figures do not measure the chain`;
}

/**
 * `clients` concurrent loops, each sending `request()` (a JSON-RPC `{ method, params }`)
 * over HTTP one after another for `seconds`. Latency percentiles in ms; an answer with a
 * JSON-RPC error counts as an error, not a latency.
 */
export async function measureLatency(httpUrl, { clients, seconds, request }) {
  const latencies = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1_000;
  async function client() {
    while (performance.now() < deadline) {
      const { method, params } = request();
      const started = performance.now();
      const body = await rpcCall(httpUrl, method, params);
      const took = performance.now() - started;
      if (body.error || body.result === undefined) errors += 1;
      else latencies.push(took);
    }
  }
  await Promise.all(Array.from({ length: clients }, client));
  latencies.sort((a, b) => a - b);
  return {
    calls: latencies.length,
    errors,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies[latencies.length - 1],
  };
}
