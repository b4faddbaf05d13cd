#!/usr/bin/env node
// Runs the end-to-end suites, each in its own `node --test` process, `--concurrency` of
// them at a time (default 4): they are independent (each starts its own nodes on free
// ports) and mostly wait for blocks. `node --test --test-concurrency` would sort the
// files by name; here the longest suites start first, so that the others run beside
// them instead of after them. Each suite's output is printed whole when it ends, then a
// summary: tests, passes and failures by suite.
//
//   node run.js [--concurrency N] [suite.test.js ...]   (default: every *.test.js here)
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The suites that take longest (minutes of 6-second blocks), longest first. */
const LONGEST_FIRST = [
  'testnet.test.js', // about 8 min: four validators through faults, restarts and paid sessions
  'validator-change.test.js', // about 7 min: a fifth validator voted in, then out
  'paying-clients.test.js',
  'bench.test.js',
  // A third four-validator network, started once the first suites are under way: every
  // debug node compiles the runtime at start, and a dozen at once on 2 cores took longer
  // than a node's 3 minutes to serve RPC.
  'equivocation.test.js', // about 5 min: a GRANDPA equivocation reported
  'upgrade.test.js',
  'gateway-traffic.test.js',
  'governance.test.js',
  'bad-input.test.js',
  'marketplace.test.js',
];

const here = dirname(fileURLToPath(import.meta.url));

function usage(message) {
  console.error(`${message}\nusage: node run.js [--concurrency N] [suite.test.js ...]`);
  process.exit(2);
}

/** `files` in the order they should start: the longest first, the rest by name. */
function startOrder(files) {
  const rank = (file) => {
    const index = LONGEST_FIRST.indexOf(file);
    return index === -1 ? LONGEST_FIRST.length : index;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The counts of a TAP stream's closing `# tests N`, `# pass N`, `# fail N` lines. */
function tapCounts(output) {
  const count = (name) => Number(output.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  return { tests: count('tests'), pass: count('pass'), fail: count('fail') };
}

function runSuite(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--test', '--test-reporter=tap', `./${file}`], {
      cwd: here,
      // @agora/client, linked from clients/js, loads that folder's copy of the same
      // @polkadot/util version: the flag keeps polkadot.js quiet about two copies (it
      // does only when their versions match).
      env: { ...process.env, POLKADOTJS_DISABLE_ESM_CJS_WARNING: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('close', (code, signal) => {
      resolve({ file, code, signal, output, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

async function main() {
  const { values, positionals } = parseArgs({
    options: { concurrency: { type: 'string', default: '4' } },
    allowPositionals: true,
  });
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    usage(`--concurrency must be a whole number ≥ 1, not ${values.concurrency}`);
  }
  const available = readdirSync(here).filter((name) => name.endsWith('.test.js'));
  const unknown = positionals.filter((name) => !available.includes(name));
  if (unknown.length > 0) usage(`no such suite in ${here}: ${unknown.join(', ')}`);

  const queue = startOrder(positionals.length > 0 ? positionals : available);
  const results = [];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      console.log(`# started ${file}`);
      const result = await runSuite(file);
      process.stdout.write(`\n# ===== ${file} (${result.seconds} s)\n${result.output}`);
      results.push(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));

  console.log('\n# ===== summary: suite, seconds, tests, pass, fail');
  const total = { tests: 0, pass: 0, fail: 0 };
  const failed = [];
  for (const result of results) {
    const counts = tapCounts(result.output);
    for (const key of Object.keys(total)) total[key] += counts[key];
    // A suite that exits non-zero failed, even if no test was counted as failing (it
    // crashed before its summary, or a hook threw).
    const ok = result.code === 0 && counts.fail === 0;
    if (!ok) failed.push(result.file);
    console.log(`# ${ok ? 'ok    ' : 'FAILED'} ${result.file} ${result.seconds} ${counts.tests} ${counts.pass} ${counts.fail}`
      + (result.signal ? ` (killed by ${result.signal})` : ''));
  }
  console.log(`# suites ${results.length}, tests ${total.tests}, pass ${total.pass}, fail ${total.fail}`);
  if (failed.length > 0) {
    console.log(`# failed suites: ${failed.join(', ')}`);
    process.exit(1);
  }
}

await main();
