#!/usr/bin/env node
// npm run pack: one npm tarball per connector folder, in dist/, for
// `logto connector add <tarball>` or any npm registry. Run after npm install
// (or npm run build). The file names start with `connector-`, which Logto's CLI
// requires of a tarball it is given.
//
// A folder that lacks any binary of scripts/targets.mjs is refused: a tarball
// handed to someone else must run on every platform it claims. `--allow-missing`
// packs it anyway (say, a host-only build for this machine alone).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { TARGETS, binaryName } from './targets.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: { 'allow-missing': { type: 'boolean', default: false }, dist: { type: 'string', default: path.join(root, 'dist') } },
});
// --dist: where the connector folders are and the tarballs go (tests use a copy).
const dist = path.resolve(options.dist);
const folders = ['connector-aliyun-sms-native', 'connector-tencent-sms-native', 'connector-sms-router-native'].map((name) => path.join(dist, name));

const fail = (message) => {
  console.error(`[pack] ${message}`);
  process.exit(1);
};

// Every folder is checked before anything is packed, so a refusal leaves no tarball.
for (const folder of folders) {
  if (!existsSync(path.join(folder, 'package.json'))) {
    fail(`${folder} is missing: run npm install (or npm run build) first.`);
  }
  const missing = TARGETS.filter((t) => !existsSync(path.join(folder, 'native', binaryName(t.tag)))).map((t) => t.tag);
  if (missing.length === 0) continue;
  const what = `${path.basename(folder)} has no binary for ${missing.join(', ')}`;
  if (!options['allow-missing']) {
    fail(`${what}. Run npm run build:all first, or pass --allow-missing to pack it for the platforms it has.`);
  }
  console.warn(`[pack] warning: ${what} (--allow-missing)`);
}

for (const folder of folders) {
  const output = execFileSync('npm', ['pack', folder, '--json', '--pack-destination', dist], { cwd: dist, encoding: 'utf8' });
  const [{ filename, size, entryCount }] = JSON.parse(output);
  console.log(`[pack] ${path.relative(process.cwd(), path.join(dist, filename))} (${entryCount} files, ${(size / 1024 / 1024).toFixed(1)} MiB)`);
}
