#!/usr/bin/env node
// npm run pack: one npm tarball per connector folder, in dist/, for
// `logto connector add <tarball>` or any npm registry. Run after npm install
// (or npm run build). The file names start with `connector-`, which Logto's CLI
// requires of a tarball it is given.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

for (const name of ['connector-aliyun-sms-native', 'connector-tencent-sms-native', 'connector-sms-router-native']) {
  const folder = path.join(dist, name);
  if (!existsSync(path.join(folder, 'package.json'))) {
    console.error(`[pack] ${path.relative(root, folder)} is missing: run npm install (or npm run build) first.`);
    process.exit(1);
  }
  const output = execFileSync('npm', ['pack', folder, '--json', '--pack-destination', dist], { cwd: dist, encoding: 'utf8' });
  const [{ filename, size, entryCount }] = JSON.parse(output);
  console.log(`[pack] dist/${filename} (${entryCount} files, ${(size / 1024 / 1024).toFixed(1)} MiB)`);
}
