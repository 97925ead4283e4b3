// The native binaries that ship, read from the files themselves: architecture,
// C library, and (for glibc builds) the newest glibc symbol version they need.
// A musl binary cannot be loaded on this glibc machine, so it is checked
// statically. Targets that could not be built here are reported, not failed:
// only the binary for this machine is required.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { platformTag } from '../js/native-tag.js';
import { repoRoot } from './support/logto-instance.mjs';

const nativeDir = path.join(repoRoot, 'native');
const manifest = JSON.parse(readFileSync(path.join(nativeDir, 'manifest.json'), 'utf8'));
const expectedTags = ['linux-x64-gnu', 'linux-x64-musl', 'linux-arm64-gnu', 'linux-arm64-musl'];

const readelf = (args, file) => execFileSync('readelf', [...args, file], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
const compareVersions = (a, b) => {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
};

/** Architecture, needed libraries and required glibc versions of one .node file. */
export const inspectBinary = (file) => {
  const header = readelf(['-h'], file);
  const machine = /Machine:\s+(.+)/.exec(header)?.[1].trim();
  const dynamic = readelf(['-d'], file);
  const needed = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[(.+?)\]/g)].map((m) => m[1]);
  const versions = readelf(['-V'], file);
  const glibc = [...new Set([...versions.matchAll(/GLIBC_([0-9.]+)/g)].map((m) => m[1]))].sort(compareVersions);
  return { machine, needed, glibc, maxGlibc: glibc.at(-1) };
};

describe('shipped binaries', () => {
  it(`includes the binary for this machine (${platformTag()}) and the manifest lists every file`, () => {
    const files = readdirSync(nativeDir).filter((f) => f.endsWith('.node')).sort();
    assert.ok(files.includes(`logto-sms-native.${platformTag()}.node`));
    assert.deepEqual(files, manifest.binaries.map((b) => `logto-sms-native.${b.tag}.node`).sort());
    const missing = expectedTags.filter((tag) => !manifest.binaries.some((b) => b.tag === tag));
    if (missing.length > 0) console.log(`# not built on this machine: ${missing.join(', ')}`);
  });

  for (const { tag, glibcFloor } of manifest.binaries) {
    const file = path.join(nativeDir, `logto-sms-native.${tag}.node`);
    it(`${tag}: architecture, C library${glibcFloor ? `, glibc floor ${glibcFloor}` : ''}`, () => {
      const info = inspectBinary(file);
      const arch = tag.split('-')[1];
      assert.match(info.machine, arch === 'x64' ? /X86-64/ : /AArch64/, `${tag} is ${info.machine}`);
      if (tag.endsWith('-musl')) {
        // musl: its libc is libc.so (the musl loader), and no glibc symbol versions at all.
        assert.ok(info.needed.includes('libc.so'), `${tag} needs ${info.needed.join(', ')}`);
        assert.equal(info.glibc.length, 0, `${tag} requires glibc ${info.glibc.join(', ')}`);
        assert.ok(!info.needed.some((lib) => lib.startsWith('libc.so.6')), 'links glibc');
      } else {
        assert.ok(info.needed.includes('libc.so.6'), `${tag} needs ${info.needed.join(', ')}`);
        if (glibcFloor === '2.17') {
          assert.ok(compareVersions(info.maxGlibc, '2.17') <= 0, `${tag} requires GLIBC_${info.maxGlibc}`);
        }
      }
    });
  }

  it('the connector folders carry exactly the same binaries', () => {
    for (const name of ['connector-aliyun-sms-native', 'connector-tencent-sms-native']) {
      const dir = path.join(repoRoot, 'dist', name, 'native');
      for (const { tag } of manifest.binaries) {
        const file = `logto-sms-native.${tag}.node`;
        assert.ok(readFileSync(path.join(dir, file)).equals(readFileSync(path.join(nativeDir, file))), `${name}/${file}`);
      }
    }
  });

  it('the loader names what it saw and what it has when no binary fits', () => {
    const script = `import('${path.join(repoRoot, 'js', 'native.js')}').catch((e) => { console.log(e.message); })`;
    const output = execFileSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, LOGTO_SMS_NATIVE_PATH: path.join(nativeDir, 'logto-sms-native.nowhere.node') },
    });
    assert.match(output, /no native binary for this platform \(linux-x64-(gnu|musl)\)/);
    assert.match(output, /this package has: .*logto-sms-native\.linux-x64-gnu\.node/);
    assert.match(output, /Build one from source/);
  });

  it('the Dockerfile example copies folders that exist and carry the musl binaries the official image needs', () => {
    const dockerfile = readFileSync(path.join(repoRoot, 'examples', 'docker', 'Dockerfile'), 'utf8');
    const copies = [...dockerfile.matchAll(/^COPY\s+(\S+)\s+(\S+)/gm)];
    assert.equal(copies.length, 3);
    for (const [, source, destination] of copies) {
      assert.ok(existsSync(path.join(repoRoot, source, 'package.json')), `${source} does not exist`);
      assert.match(destination, /^\/etc\/logto\/packages\/core\/connectors\/connector-(aliyun-sms|tencent-sms|sms-router)-native$/);
      for (const tag of ['linux-x64-musl', 'linux-arm64-musl']) {
        if (manifest.binaries.some((b) => b.tag === tag)) {
          assert.ok(existsSync(path.join(repoRoot, source, 'native', `logto-sms-native.${tag}.node`)), `${source} lacks ${tag}`);
        }
      }
    }
    assert.match(dockerfile, /rm -rf \/etc\/logto\/packages\/core\/connectors\/@logto-connector-aliyun-sms/);
  });
});
