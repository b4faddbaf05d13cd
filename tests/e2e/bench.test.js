// The throughput harness (scripts/bench, docs/performance.md) in its quick mode against the
// node under test: it must set up its marketplace, get every pre-signed transaction
// included, settle exactly the receipts it signed, read the author's block timings and
// measure the RPC. The figures of a debug node mean nothing; that they add up does.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from './lib/node.js';

const HARNESS = join(dirname(fileURLToPath(import.meta.url)), '../../scripts/bench/throughput.js');
const PRICE_PER_UNIT = 10n ** 6n;

function runHarness(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HARNESS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('scripts/bench/throughput.js --quick', () => {
  test('includes every transaction, settles every receipt and reports consistent figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agora-bench-test-'));
    try {
      const out = join(dir, 'report.json');
      const { code, stdout, stderr } = await runHarness(['--quick', '--node', nodeBinary(), '--out', out]);
      assert.equal(code, 0, stderr);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      const { transfers, claims, batches } = report.scenarios;

      // Quick mode: 300 transfers, 60 claims, one round of claim_batch over 200 channels
      // (2 payees × 100 channels: two batches of 100).
      assert.deepEqual([transfers.submitted, transfers.accepted, transfers.included, transfers.failed], [300, 300, 300, 0]);
      assert.deepEqual([claims.submitted, claims.included, claims.failed, claims.settled, claims.rejected], [60, 60, 0, 60, 0]);
      assert.deepEqual([batches.submitted, batches.included, batches.settled, batches.rejected], [2, 2, 200, 0]);
      assert.deepEqual([transfers.dropped, claims.dropped, batches.dropped], [0, 0, 0]);
      assert.equal(report.setup.channels, 200);
      assert.deepEqual([report.options.importCheck, report.importError], [false, null]);
      assert.ok(report.setup.services >= 130);
      // The churn: 130 channels opened and reclaimed, 130 services listed and removed,
      // before the RPC measurements; only the live ones are left in storage.
      assert.equal(report.setup.closed, 130);
      assert.deepEqual(report.setup.stored, { services: report.setup.services, channels: 200 });
      assert.deepEqual(report.setup.issued, { services: report.setup.services + 130, channels: 330 });
      // Channel 0: 1,000,000 units by its claim, then 2,000,000 by the batch.
      assert.equal(report.setup.sampleChannel.claimed, (2_000_000n * PRICE_PER_UNIT).toString());
      assert.equal(report.setup.sampleChannel.claimed, report.setup.sampleChannel.expected);

      for (const scenario of [transfers, claims, batches]) {
        assert.ok(scenario.blocks.length > 0);
        for (const block of scenario.blocks) {
          assert.ok(block.declaredMs > 0, `block ${block.number} declares weight`);
          assert.ok(block.builtMs >= 0, `block ${block.number}: the author's build time was read from its log`);
        }
        // Not asked to re-execute the blocks: no import figure, rather than a made-up one.
        assert.equal(scenario.importedOverDeclared, undefined);
        assert.ok(scenario.extrinsicWeightUs > 0);
        assert.ok(scenario.perSecond > 0);
      }
      // A claim declares more weight than a transfer; a batch of 100 less than 100 claims.
      assert.ok(claims.extrinsicWeightUs > transfers.extrinsicWeightUs);
      assert.ok(batches.extrinsicWeightUs < 100 * claims.extrinsicWeightUs);
      assert.equal(report.ratios.claimWeightVsTransfer, claims.extrinsicWeightUs / transfers.extrinsicWeightUs);

      // Quick mode reports, and does not fail on, blocks a debug node built slower than their
      // weight; the author had two thirds of a 6 s slot for each.
      assert.equal(report.proposalDeadlineMs, 4_000);
      for (const scenario of [transfers, claims, batches]) {
        assert.equal(scenario.worstBuiltMs, Math.max(...scenario.blocks.map((block) => block.builtMs)));
        const longest = scenario.blocks.find((block) => block.builtMs === scenario.worstBuiltMs);
        assert.equal(scenario.worstBuiltEnd, longest.end);
        assert.equal(scenario.endedAtDeadline, scenario.blocks.filter((block) => block.end === 'HitDeadline').length);
        assert.deepEqual(scenario.overweightBlocks.map((block) => block.number),
          scenario.blocks.filter((block) => !block.underSubmission && block.end === 'HitBlockWeightLimit'
            && block.builtMs > block.declaredMs)
            .map((block) => block.number));
        assert.ok(scenario.blocks.every((block) => typeof block.underSubmission === 'boolean'));
      }

      // Fees as a wallet quotes them: base + length + weight, with no multiplier or tip;
      // the weight part is the weight itself (1 planck per picosecond), the length part
      // 10 µAGR per byte, the base what every extrinsic declares.
      const { fees } = report;
      assert.deepEqual(Object.keys(fees), ['transferKeepAlive', 'claim', 'claimBatch (100)']);
      for (const [name, quote] of Object.entries(fees)) {
        const [fee, base, length, weight] = [quote.partialFee, quote.baseFee, quote.lengthFee, quote.weightFee].map(BigInt);
        assert.equal(fee, base + length + weight, name);
        assert.equal(weight, BigInt(quote.weightPs), name);
        assert.equal(length, BigInt(quote.lengthBytes) * 10n * 10n ** 6n, name);
        assert.equal(base, BigInt(fees.transferKeepAlive.baseFee), name);
      }
      assert.ok(BigInt(fees.claim.weightPs) > BigInt(fees.transferKeepAlive.weightPs));
      assert.ok(BigInt(fees['claimBatch (100)'].weightPs) < 100n * BigInt(fees.claim.weightPs));
      assert.match(stdout, /\| claimBatch \(100\) \| \d+ \|/);

      assert.deepEqual(Object.keys(report.rpc.calls), [
        'agora_listServices (first 100)', 'agora_listServices (100 after a random id)',
        'agora_listServices (first 100 tagged llm)', 'agora_listChannels (first 100 of a payee)',
        'agora_listChannels (first 100)', 'agora_getChannel (random id)',
      ]);
      for (const [name, calls] of Object.entries(report.rpc.calls)) {
        assert.ok(calls.calls > 0, name);
        assert.equal(calls.errors, 0, name);
        assert.ok(calls.p50Ms <= calls.p99Ms && calls.p99Ms <= calls.maxMs, name);
      }
      assert.equal(report.footprint.settlements, 260);
      assert.ok(report.footprint.rssMiB > 0 && report.footprint.peakRssMiB >= report.footprint.rssMiB);
      assert.match(stdout, /\| \(a\) transferKeepAlive \| 300 \|/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses bad options with a clear message', async () => {
    const bad = await runHarness(['--quick', '--node', nodeBinary(), '--claims', '0']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--claims must be a positive integer, not 0/);
    const tooMany = await runHarness(['--quick', '--node', nodeBinary(), '--claims', '500']);
    assert.equal(tooMany.code, 1);
    assert.match(tooMany.stderr, /--claims cannot exceed --channels/);
    const unknown = await runHarness(['--quick', '--node', nodeBinary(), '--claim', '5']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error: Unknown option '--claim' \(see --help\)$/m);
    // The import check needs `benchmark block`, which the test's node is built without.
    const noBenchmark = await runHarness(['--quick', '--node', nodeBinary(), '--import-check']);
    assert.equal(noBenchmark.code, 1);
    assert.match(noBenchmark.stderr, /--import-check needs a node with `benchmark block`; .* was built without --features runtime-benchmarks/);
    // --keep-chain never reuses (or deletes) an existing directory.
    const existing = mkdtempSync(join(tmpdir(), 'agora-bench-existing-'));
    try {
      const kept = await runHarness(['--quick', '--node', nodeBinary(), '--keep-chain', existing]);
      assert.equal(kept.code, 1);
      assert.match(kept.stderr, /--keep-chain .* already exists/);
    } finally {
      rmSync(existing, { recursive: true, force: true });
    }
  });
});
