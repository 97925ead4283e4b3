// npm run pack (scripts/pack.mjs) on copies of dist/'s connector folders: a folder
// that lacks a binary of scripts/targets.mjs is refused and nothing is packed,
// unless --allow-missing is given. (A complete dist/ is packed by the tarball
// route of __test__/install.test.mjs.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { binaryName } from '../scripts/targets.mjs';
import { repoRoot } from './support/logto-instance.mjs';

const scratch = path.join(repoRoot, '__test__', '.tmp', `pack-${process.pid}`);
const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const names = ['connector-aliyun-sms-native', 'connector-tencent-sms-native', 'connector-sms-router-native'];
const pack = (dist, ...flags) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'pack.mjs'), '--dist', dist, ...flags], { cwd: repoRoot, encoding: 'utf8' });
const tarballs = (dist) => readdirSync(dist).filter((f) => f.endsWith('.tgz'));

/** dist/'s connector folders copied to a fresh folder, with `tag`'s binary removed from the Tencent one. */
const distWithout = (tag, label) => {
  const dist = path.join(scratch, label);
  mkdirSync(dist, { recursive: true });
  for (const name of names) cpSync(path.join(repoRoot, 'dist', name), path.join(dist, name), { recursive: true });
  rmSync(path.join(dist, 'connector-tencent-sms-native', 'native', binaryName(tag)), { force: true });
  return dist;
};

describe('npm run pack', () => {
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('refuses a connector folder that lacks a binary, names it, and packs nothing', () => {
    const dist = distWithout('darwin-arm64', 'refused');
    const result = pack(dist);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /connector-(aliyun|tencent)-sms-native has no binary for [^\n]*darwin-arm64/);
    assert.match(result.stderr, /--allow-missing/);
    assert.deepEqual(tarballs(dist), []);
  });

  it('packs it anyway with --allow-missing, with a warning', () => {
    const dist = distWithout('win32-x64-msvc', 'allowed');
    const result = pack(dist, '--allow-missing');
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stderr, /warning: connector-tencent-sms-native has no binary for [^\n]*win32-x64-msvc/);
    assert.deepEqual(tarballs(dist).sort(), names.map((name) => `${name}-${version}.tgz`).sort());
  });
});
