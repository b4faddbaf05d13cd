// The harness's arithmetic on what it observed: rates from full blocks, transactions the
// pool accepted but no block included, and the run failing when there are any.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  droppedTransactions, overweightBlocks, parseExecutedBlocks, percentile, summarizeScenario, unmeasuredImports,
  withImports,
} from '../lib/measure.js';

const KEY = 'balances.transferKeepAlive';
const CONTEXT = { blockSeconds: 6 };

/** A block holding `ok` successful and `failed` failed extrinsics of `KEY`, 1 ms each. */
function block(number, ok, failed = 0) {
  const weightPs = BigInt(ok + failed) * 1_000_000_000n;
  return { number, calls: { [KEY]: { ok, failed, weightPs } }, settled: 0, rejected: 0, declaredMs: 1_000 };
}

const authored = {
  10: { builtMs: 900, end: 'HitBlockWeightLimit', extrinsics: 1_001 },
  11: { builtMs: 400, end: 'NoMoreTransactions', extrinsics: 501 },
};

describe('summarizeScenario', () => {
  test('counts what blocks included and what the pool accepted but dropped', () => {
    const summary = summarizeScenario(KEY, [block(10, 1_000), block(11, 498, 2)], (n) => authored[n],
      { submitted: 1_600, accepted: 1_550, refused: [{ message: 'Priority is too low' }] }, CONTEXT);
    assert.deepEqual(
      [summary.submitted, summary.accepted, summary.refused, summary.included, summary.failed, summary.dropped],
      [1_600, 1_550, 1, 1_498, 2, 50],
    );
    assert.deepEqual(summary.refusedErrors, ['Priority is too low']);
    // Rates from the one full block only; weight per extrinsic (base included) over all of them.
    assert.equal(summary.fullBlocks, 1);
    assert.equal(summary.perBlock, 1_000);
    assert.equal(summary.perSecond, 1_000 / 6);
    assert.equal(summary.extrinsicWeightUs, 1_000);
    assert.equal(summary.builtOverDeclared, 0.9);
    assert.equal(summary.worstBuiltMs, 900);
    assert.equal(summary.worstBuiltEnd, 'HitBlockWeightLimit');
    assert.equal(summary.endedAtDeadline, 0);
    assert.deepEqual(summary.overweightBlocks, []);
    assert.equal(overweightBlocks({ transfers: summary }, 4_000), null);
  });

  test('names the blocks begun after the submissions that took longer to build than they declare', () => {
    const slow = {
      // Begun while the submissions were still being validated: reported, not a failure.
      10: { builtMs: 1_900, startedAt: 5_000, end: 'HitBlockWeightLimit', extrinsics: 1_001 },
      11: { builtMs: 1_250, startedAt: 7_000, end: 'HitBlockWeightLimit', extrinsics: 501 },
      // Not full: its few milliseconds of fixed work are not held to its small weight.
      12: { builtMs: 40, startedAt: 13_000, end: 'NoMoreTransactions', extrinsics: 2 },
      // Cut short by the proposer's deadline with transactions left: not full either.
      13: { builtMs: 3_600, startedAt: 19_000, end: 'HitDeadline', extrinsics: 700 },
    };
    const summary = summarizeScenario(KEY,
      [block(10, 1_000), block(11, 500), { ...block(12, 1), declaredMs: 1 }, block(13, 699)],
      (n) => slow[n], { submitted: 2_200, accepted: 2_200, refused: [], submissionEndedAt: 6_000 }, CONTEXT);
    assert.deepEqual(summary.blocks.map((row) => row.underSubmission), [true, false, false, false]);
    assert.equal(summary.builtOverDeclared, 1.25);
    assert.equal(summary.builtOverDeclaredUnderSubmission, 1.9);
    assert.equal(summary.worstBuiltMs, 3_600);
    assert.equal(summary.worstBuiltEnd, 'HitDeadline');
    assert.equal(summary.endedAtDeadline, 1);
    assert.deepEqual(summary.overweightBlocks, [{ number: 11, builtMs: 1_250, declaredMs: 1_000 }]);
    const empty = { overweightBlocks: [], blocks: [] };
    assert.equal(overweightBlocks({ transfers: summary, claims: empty }, 4_000),
      'blocks took longer than they may (transfers block 11: built in 1250 ms, '
      + 'declares 1000 ms): the weights undercharge this machine');
    // Past the author's deadline fails whatever the load.
    assert.equal(overweightBlocks({ transfers: summary }, 1_800),
      'blocks took longer than they may (transfers block 11: built in 1250 ms, declares 1000 ms; '
      + 'transfers block 10: built in 1900 ms, past the author\'s 1800 ms; '
      + 'transfers block 13: built in 3600 ms, past the author\'s 1800 ms): the weights undercharge this machine');
  });

  test('reports no longest build when the author logged none of the blocks', () => {
    const summary = summarizeScenario(KEY, [block(10, 1_000)], () => undefined,
      { submitted: 1_000, accepted: 1_000, refused: [] }, CONTEXT);
    assert.deepEqual([summary.worstBuiltMs, summary.worstBuiltEnd, summary.endedAtDeadline], [null, null, 0]);
    assert.equal(summary.builtOverDeclared, null);
  });

  test('finds nothing dropped when every accepted transaction is in a block', () => {
    const summary = summarizeScenario(KEY, [block(10, 1_000), block(11, 500)], (n) => authored[n],
      { submitted: 1_500, accepted: 1_500, refused: [] }, CONTEXT);
    assert.equal(summary.dropped, 0);
    assert.equal(droppedTransactions({ transfers: summary }), null);
  });
});

describe('the import check', () => {
  // What `agora-node benchmark block` logs (after its timestamp), one line per block.
  const LOG = [
    '2026-11-30 10:17:45 Block 10 with     1 tx used 28.83% of its weight (   577,012,593 of  2,001,766,951 ns)    ',
    '2026-11-30 10:17:46 Block 11 with  1001 tx used  90.00% of its weight (   900,000,000 of  1,000,000,000 ns)    ',
    '2026-11-30 10:17:47 Block 12 with   501 tx used 120.00% of its weight ( 1,200,000,000 of  1,000,000,000 ns) - OVER WEIGHT!    ',
    'some other log line',
  ].join('\n');

  test('reads each block\'s execution time and declared weight', () => {
    assert.deepEqual([...parseExecutedBlocks(LOG)], [
      [10, { tookNs: 577_012_593, declaredNs: 2_001_766_951 }],
      [11, { tookNs: 900_000_000, declaredNs: 1_000_000_000 }],
      [12, { tookNs: 1_200_000_000, declaredNs: 1_000_000_000 }],
    ]);
  });

  test('holds full blocks to their weight on import, and fails the run for one over it', () => {
    const ended = {
      11: { builtMs: 500, startedAt: 9_000, end: 'HitBlockWeightLimit', extrinsics: 1_001 },
      12: { builtMs: 700, startedAt: 9_500, end: 'HitBlockWeightLimit', extrinsics: 501 },
      13: { builtMs: 30, startedAt: 9_800, end: 'NoMoreTransactions', extrinsics: 2 },
    };
    const summary = summarizeScenario(KEY, [block(11, 1_000), block(12, 500), block(13, 1)], (n) => ended[n],
      { submitted: 1_501, accepted: 1_501, refused: [], submissionEndedAt: 0 }, CONTEXT);
    // Block 13 is not full and was not re-executed: neither counts.
    const checked = withImports(summary, parseExecutedBlocks(LOG));
    assert.equal(checked.importedOverDeclared, 1.2);
    assert.deepEqual(checked.overweightImports, [{ number: 12, importedMs: 1_200, declaredMs: 1_000 }]);
    assert.equal(overweightBlocks({ transfers: checked }, 4_000),
      'blocks took longer than they may (transfers block 12: imported in 1200 ms, declares 1000 ms): '
      + 'the weights undercharge this machine');
    assert.equal(unmeasuredImports({ transfers: checked }), null);
    // A full block with no figure is not a pass: the run fails, naming it.
    const partial = withImports(summary, new Map([[11, { tookNs: 900_000_000, declaredNs: 1_000_000_000 }]]));
    assert.equal(partial.importedOverDeclared, 0.9);
    assert.equal(overweightBlocks({ transfers: partial }, 4_000), null);
    assert.equal(unmeasuredImports({ transfers: partial, claims: { blocks: [] } }),
      'the import check measured no time for full blocks (transfers: 12)');
  });
});

describe('droppedTransactions', () => {
  test('names every scenario that lost transactions, with how many of how many', () => {
    const message = droppedTransactions({
      transfers: { accepted: 12_000, dropped: 5_220 },
      claims: { accepted: 6_000, dropped: 0 },
      batches: { accepted: 200, dropped: 3 },
    });
    assert.equal(message, 'transactions accepted by the pool never reached a block '
      + '(transfers: 5220 of 12000, batches: 3 of 200); this run\'s figures do not measure the chain');
  });
});

describe('percentile', () => {
  test('is the nearest-rank value', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.deepEqual([percentile(sorted, 0.5), percentile(sorted, 0.99), percentile(sorted, 1)], [50, 99, 100]);
    assert.equal(percentile([7], 0.99), 7);
  });
});
