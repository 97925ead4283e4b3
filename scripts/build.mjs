#!/usr/bin/env node
// npm install / npm run build: builds the native addon (release) and
// assembles the two Logto connector folders under dist/.
//
//   node scripts/build.mjs          build with cargo (a no-op when up to date); if
//                                   cargo is missing, use a binary already in native/
//   node scripts/build.mjs --force  always run cargo
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { platformTag } from '../js/native-tag.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const force = process.argv.includes('--force');
const nativeDir = path.join(root, 'native');
const binaryName = `logto-sms-native.${platformTag()}.node`;

const hasCargo = () => spawnSync('cargo', ['--version'], { stdio: 'ignore' }).status === 0;

const buildNative = () => {
  const target = path.join(nativeDir, binaryName);
  if (!force && !hasCargo()) {
    if (existsSync(target)) {
      console.log(`[build] cargo not found; using the prebuilt ${path.relative(root, target)}`);
      return;
    }
    throw new Error(`[build] cargo not found and no prebuilt ${binaryName}: install Rust (https://rustup.rs) and run again.`);
  }
  console.log('[build] cargo build --release (first build takes a few minutes)');
  const started = Date.now();
  execFileSync('cargo', ['build', '--release', '--lib'], { cwd: root, stdio: 'inherit' });
  const library = { darwin: 'liblogto_sms_native.dylib', win32: 'logto_sms_native.dll' }[process.platform] ?? 'liblogto_sms_native.so';
  mkdirSync(nativeDir, { recursive: true });
  // Copy then rename: a process that has the old binary loaded keeps a valid mapping.
  copyFileSync(path.join(root, 'target', 'release', library), `${target}.tmp`);
  renameSync(`${target}.tmp`, target);
  console.log(`[build] native/${binaryName} ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
};

const connectors = [
  { provider: 'aliyun', name: 'connector-aliyun-sms-native', description: 'Aliyun SMS connector for Logto, native (Rust) implementation.' },
  { provider: 'tencent', name: 'connector-tencent-sms-native', description: 'Tencent Cloud SMS connector for Logto, native (Rust) implementation.' },
];
// Glue files every connector folder needs; the other provider's files stay out.
const sharedGlue = ['connector.js', 'encode.js', 'guard.js', 'native.js', 'native-tag.js'];

const assemble = ({ provider, name, description }) => {
  const out = path.join(root, 'dist', name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, 'lib', 'metadata'), { recursive: true });
  for (const file of [...sharedGlue, `${provider}.js`]) {
    copyFileSync(path.join(root, 'js', file), path.join(out, 'lib', file));
  }
  copyFileSync(path.join(root, 'js', 'metadata', `${provider}.js`), path.join(out, 'lib', 'metadata', `${provider}.js`));
  writeFileSync(path.join(out, 'lib', 'index.js'), `// Logto loads lib/index.js; its default export is createConnector.\nexport { default } from './${provider}.js';\n`);
  cpSync(nativeDir, path.join(out, 'native'), { recursive: true, filter: (src) => !src.endsWith('.gitkeep') });
  for (const file of ['README.md', 'logo.svg']) {
    copyFileSync(path.join(root, 'connectors', provider, file), path.join(out, file));
  }
  const manifest = {
    name,
    version: rootPackage.version,
    description,
    license: rootPackage.license,
    type: 'module',
    main: './lib/index.js',
    exports: './lib/index.js',
    files: ['lib', 'native', 'README.md', 'logo.svg'],
    // Resolved from the host (Logto's own copy), never bundled: Logto checks
    // `instanceof ConnectorError` against its own class. Both current majors.
    dependencies: { '@logto/connector-kit': rootPackage.dependencies['@logto/connector-kit'] },
    engines: rootPackage.engines,
  };
  writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const binaries = readdirSync(path.join(out, 'native')).filter((f) => f.endsWith('.node'));
  console.log(`[build] dist/${name}/ assembled (${binaries.join(', ')})`);
};

buildNative();
for (const connector of connectors) assemble(connector);
