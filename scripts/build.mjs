#!/usr/bin/env node
// npm install / npm run build: builds the native addon in release mode for every
// Linux target Logto runs on, then assembles the Logto connector folders.
//
// Targets (each a full build, about 75-90 s on 2 cores):
//   linux-x64-gnu    glibc >= 2.17 (cargo-zigbuild against a 2.17 floor: Debian 8+, Ubuntu 14.04+, RHEL 7+)
//   linux-x64-musl   Alpine, the official Logto Docker image (node:22-alpine) on amd64
//   linux-arm64-gnu  glibc >= 2.17 on arm64
//   linux-arm64-musl Alpine on arm64 (the official image's arm64 variant)
// Cross builds use zig (PyPI `ziglang`) through `cargo-zigbuild` (PyPI), installed
// into .tools/ inside the repository, and Rust standard libraries added with
// `rustup target add`. A target whose tools cannot be had is skipped with a
// warning; only the binary for this machine is required.
//
//   LOGTO_SMS_TARGETS=host  build only for this machine with plain `cargo build`
//                           (the default on anything but Linux x64)
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import esbuild from 'esbuild';

import { platformTag } from '../js/native-tag.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const nativeDir = path.join(root, 'native');
const toolsDir = path.join(root, '.tools', 'python');
const hostTag = platformTag();
const log = (message) => console.log(`[build] ${message}`);

export const TARGETS = [
  { tag: 'linux-x64-gnu', triple: 'x86_64-unknown-linux-gnu', zigTarget: 'x86_64-unknown-linux-gnu.2.17', glibcFloor: '2.17' },
  { tag: 'linux-x64-musl', triple: 'x86_64-unknown-linux-musl', musl: true },
  { tag: 'linux-arm64-gnu', triple: 'aarch64-unknown-linux-gnu', zigTarget: 'aarch64-unknown-linux-gnu.2.17', glibcFloor: '2.17' },
  { tag: 'linux-arm64-musl', triple: 'aarch64-unknown-linux-musl', musl: true },
];

const succeeds = (command, args, options = {}) => spawnSync(command, args, { stdio: 'ignore', ...options }).status === 0;
const hasCargo = () => succeeds('cargo', ['--version']);
const libraryFile = { darwin: 'liblogto_sms_native.dylib', win32: 'logto_sms_native.dll' }[process.platform] ?? 'liblogto_sms_native.so';

/** Copy then rename: a process that has the old binary loaded keeps a valid mapping. */
const install = (from, tag) => {
  const target = path.join(nativeDir, `logto-sms-native.${tag}.node`);
  mkdirSync(nativeDir, { recursive: true });
  copyFileSync(from, `${target}.tmp`);
  renameSync(`${target}.tmp`, target);
};

const zigEnv = () => ({
  ...process.env,
  PATH: `${path.join(toolsDir, 'bin')}${path.delimiter}${process.env.PATH}`,
  PYTHONPATH: [toolsDir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
  // musl cdylibs must link the C library dynamically, or rustc drops the cdylib.
  CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS: '-C target-feature=-crt-static',
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUSTFLAGS: '-C target-feature=-crt-static',
});

/** zig + cargo-zigbuild from PyPI into .tools/ (once; about 15 s). */
const ensureZig = () => {
  const cargoZigbuild = path.join(toolsDir, 'bin', 'cargo-zigbuild');
  if (existsSync(cargoZigbuild) && succeeds('python3', ['-m', 'ziglang', 'version'], { env: zigEnv() })) return true;
  log('installing zig and cargo-zigbuild from PyPI into .tools/python');
  const pip = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', toolsDir, 'ziglang', 'cargo-zigbuild'], { stdio: 'inherit' });
  return pip.status === 0 && existsSync(cargoZigbuild);
};

/** The Rust standard library for `triple`, added if missing. */
const ensureRustTarget = (triple) => {
  const installed = spawnSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' });
  if (installed.status === 0 && installed.stdout.split('\n').includes(triple)) return true;
  log(`rustup target add ${triple}`);
  return succeeds('rustup', ['target', 'add', triple], { stdio: 'inherit' });
};

const buildHost = () => {
  log('cargo build --release (this machine only)');
  execFileSync('cargo', ['build', '--release', '--lib'], { cwd: root, stdio: 'inherit' });
  install(path.join(root, 'target', 'release', libraryFile), hostTag);
  return { tag: hostTag, tool: 'cargo build', glibcFloor: hostTag.endsWith('-gnu') ? 'build host' : undefined };
};

const buildTarget = (target) => {
  if (!ensureRustTarget(target.triple)) {
    log(`skipping ${target.tag}: the Rust standard library for ${target.triple} could not be installed`);
    return undefined;
  }
  const started = Date.now();
  log(`cargo zigbuild --release --target ${target.zigTarget ?? target.triple}`);
  const result = spawnSync('cargo', ['zigbuild', '--release', '--lib', '--target', target.zigTarget ?? target.triple], { cwd: root, stdio: 'inherit', env: zigEnv() });
  if (result.status !== 0) {
    log(`skipping ${target.tag}: the build failed`);
    return undefined;
  }
  install(path.join(root, 'target', target.triple, 'release', libraryFile), target.tag);
  log(`${target.tag} ready (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return { tag: target.tag, tool: 'cargo zigbuild', glibcFloor: target.glibcFloor, libc: target.musl ? 'musl' : 'glibc' };
};

const buildNative = () => {
  if (!hasCargo()) {
    const present = existsSync(nativeDir) ? readdirSync(nativeDir).filter((f) => f.endsWith('.node')) : [];
    if (present.includes(`logto-sms-native.${hostTag}.node`)) {
      log(`cargo not found; using the prebuilt binaries in native/ (${present.join(', ')})`);
      return;
    }
    throw new Error(`[build] cargo not found and no prebuilt binary for ${hostTag}: install Rust (https://rustup.rs) and run again.`);
  }
  // Binaries from an earlier build could be stale: every run rebuilds what it ships.
  rmSync(nativeDir, { recursive: true, force: true });
  const wanted = process.env.LOGTO_SMS_TARGETS ?? (hostTag === 'linux-x64-gnu' ? 'all' : 'host');
  let built = [];
  if (wanted === 'all' && ensureZig()) {
    built = TARGETS.map(buildTarget).filter(Boolean);
  } else if (wanted === 'all') {
    log('zig could not be installed: building for this machine only');
  }
  if (!built.some((b) => b.tag === hostTag)) built.push(buildHost());
  writeFileSync(path.join(nativeDir, 'manifest.json'), `${JSON.stringify({ version: rootPackage.version, binaries: built }, null, 2)}\n`);
  const missing = wanted === 'all' ? TARGETS.filter((t) => !built.some((b) => b.tag === t.tag)).map((t) => t.tag) : [];
  log(`binaries: ${built.map((b) => b.tag).join(', ')}${missing.length > 0 ? `; NOT built here: ${missing.join(', ')}` : ''}`);
};

const connectors = [
  { provider: 'aliyun', name: 'connector-aliyun-sms-native', description: 'Aliyun SMS connector for Logto, native (Rust) implementation.' },
  { provider: 'tencent', name: 'connector-tencent-sms-native', description: 'Tencent Cloud SMS connector for Logto, native (Rust) implementation.' },
  { provider: 'router', name: 'connector-sms-router-native', description: 'SMS router connector for Logto: several Aliyun and Tencent Cloud SMS accounts, routed by number, with failover; native (Rust) implementation.' },
];
/**
 * The glue as one ESM file per connector folder: Logto imports every connector
 * at start-up, and one module loads in about a quarter of the time eight do.
 * `@logto/connector-kit` stays an import (the host's own copy); nothing else is
 * imported from outside the folder. Not minified, so it stays readable.
 */
const bundleGlue = (provider, outfile) =>
  esbuild.buildSync({
    entryPoints: [path.join(root, 'js', `${provider}.js`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@logto/connector-kit'],
    banner: { js: `// Bundled from js/ of ${rootPackage.name} ${rootPackage.version} by scripts/build.mjs; edit the sources there.` },
    logLevel: 'warning',
  });

const assemble = ({ provider, name, description }) => {
  const out = path.join(root, 'dist', name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, 'lib'), { recursive: true });
  // Logto loads lib/index.js; its default export is createConnector.
  bundleGlue(provider, path.join(out, 'lib', 'index.js'));
  cpSync(nativeDir, path.join(out, 'native'), { recursive: true, filter: (src) => !src.endsWith('.gitkeep') && !src.endsWith('.tmp') });
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
  log(`dist/${name}/ assembled (${binaries.length} binaries)`);
};

const started = Date.now();
buildNative();
for (const connector of connectors) assemble(connector);
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
