// The hand-written declarations (src/index.d.ts) cover every export, and compile against
// a typical use of the package (test/types/usage.ts) with TypeScript's strict checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as client from '../src/index.js';

test('every export of src/index.js is declared in src/index.d.ts', () => {
  const declarations = readFileSync(new URL('../src/index.d.ts', import.meta.url), 'utf8');
  const declared = new Set([...declarations.matchAll(/^export declare (?:const|function|class) (\w+)/gm)].map((m) => m[1]));
  assert.deepEqual(Object.keys(client).filter((name) => !declared.has(name)), []);
  assert.deepEqual([...declared].filter((name) => !(name in client)), [], 'no declaration without an export');
});

test('the declarations compile against a typical use, strictly', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = new URL('./types/tsconfig.json', import.meta.url).pathname;
  execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8', stdio: 'pipe' });
});
