#!/usr/bin/env node
// npm test: Rust formatting, lints and unit tests, the typings check, then every
// Node test file. Stops at the first failing step and exits non-zero.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// A floor on the number of Node test files, so a renamed or lost file cannot
// turn into a green run that tested less.
const MIN_TEST_FILES = 6;

const run = (label, command, args, env = process.env) => {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`\n${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
};

const testFiles = readdirSync(path.join(root, '__test__'))
  .filter((file) => file.endsWith('.test.mjs'))
  .map((file) => path.join('__test__', file));
if (testFiles.length < MIN_TEST_FILES) {
  console.error(`Only ${testFiles.length} test files found in __test__/ (expected at least ${MIN_TEST_FILES}).`);
  process.exit(1);
}

run('rustfmt', 'cargo', ['fmt', '--check']);
run('clippy', 'cargo', ['clippy', '--all-targets', '--', '-D', 'warnings']);
// rawPost compiles only with the benchmark's feature; lint that build too.
run('clippy (bench feature)', 'cargo', ['clippy', '--lib', '--features', 'bench', '--', '-D', 'warnings']);
run('rust tests', 'cargo', ['test', '--lib']);
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
run('typings (connector-kit 5)', process.execPath, [tsc, '-p', '__test__/typings/tsconfig.json']);
run('typings (connector-kit 4)', process.execPath, [tsc, '-p', '__test__/typings/tsconfig.kit4.json']);
// The send log lines would bury the test report; the tests of the log turn it on.
run('node tests', process.execPath, ['--test', ...testFiles], { ...process.env, LOGTO_SMS_LOG: 'off' });
