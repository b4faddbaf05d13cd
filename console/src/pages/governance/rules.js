// The governance pallet's arithmetic, as docs/governance.md states it: what a vote with a
// conviction weighs, how long it locks, and whether a tally passes.

/** Conviction → [votes per AGR in tenths, lock periods after the end on the winning side]. */
export const CONVICTIONS = [
  ['None', 1, 0],
  ['Locked1x', 10, 1],
  ['Locked2x', 20, 2],
  ['Locked3x', 30, 4],
  ['Locked4x', 40, 8],
  ['Locked5x', 50, 16],
  ['Locked6x', 60, 32],
];

const conviction = (name) => {
  const found = CONVICTIONS.find(([known]) => known === name);
  if (!found) throw new Error(`unknown conviction ${name}`);
  return found;
};

/** The conviction-weighted votes of `balance` planck. */
export function votesOf(balance, name) {
  return (BigInt(balance) * BigInt(conviction(name)[1])) / 10n;
}

/** Blocks a winning vote stays locked after the end. */
export function lockBlocks(name, voteLockingPeriod) {
  return conviction(name)[2] * Number(voteLockingPeriod);
}

const BILLION = 1_000_000_000n;

/** `value` × `perBillion` / 10^9, rounded up: the chain's `Perbill::mul_ceil`. */
const mulCeil = (perBillion, value) => (BigInt(value) * BigInt(perBillion) + BILLION - 1n) / BILLION;

/**
 * Where `tally` stands against the thresholds, by the chain's rule
 * (`Tally::passes`): the turnout needed (planck), the ayes' share of the votes (parts
 * per billion) and whether it would pass if voting ended now.
 */
export function standing(tally, { minTurnout, approvalThreshold }, issuance) {
  const ayes = BigInt(tally.ayes);
  const nays = BigInt(tally.nays);
  const turnout = BigInt(tally.turnout);
  const turnoutNeeded = mulCeil(minTurnout, issuance);
  const approval = ayes + nays === 0n ? 0n : (ayes * BILLION) / (ayes + nays);
  const approved = ayes > 0n && ayes >= mulCeil(approvalThreshold, ayes + nays);
  return { turnoutNeeded, approval, passing: turnout >= turnoutNeeded && approved };
}
