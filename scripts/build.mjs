#!/usr/bin/env node
// npm install / npm run build: builds the native addon in release mode for this
// machine, then assembles the Logto connector folders with it.
// npm run build:all (`--all`): builds every platform Logto runs on, and exits
// non-zero unless all of them were built (a release and `npm run pack` need all).
//
// Targets (scripts/targets.mjs):
//   linux-x64-gnu    glibc >= 2.17 (cargo-zigbuild against a 2.17 floor: Debian 8+, Ubuntu 14.04+, RHEL 7+)
//   linux-x64-musl   Alpine, the official Logto Docker image (node:22-alpine) on amd64
//   linux-arm64-gnu  glibc >= 2.17 on arm64
//   linux-arm64-musl Alpine on arm64 (the official image's arm64 variant)
//   darwin-arm64     macOS on Apple silicon (Mozilla roots only: see Cargo.toml)
//   darwin-x64       macOS on Intel
//   win32-x64-msvc   Windows x64: a GNU-ABI DLL that node.exe loads (docs/building.md, "Not run here")
// Cross builds use zig (PyPI `ziglang`) through `cargo-zigbuild` (PyPI), installed
// into .tools/ inside the repository (Windows: Debian's MinGW-w64 gcc instead
// when it is installed, see toolchain.mjs), and Rust standard libraries added with
// `rustup target add`. The targets of a group (targets.mjs) are built by one
// cargo invocation, so one target's dependencies compile while another links.
// A target whose tools cannot be had, or whose build fails, is skipped with a
// warning and is missing from native/manifest.json, which records what was
// actually built; `--all` then exits 1 after assembling what it has.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import esbuild from 'esbuild';

import { platformTag } from '../js/native-tag.js';
import { TARGETS, binaryName, libraryFile } from './targets.mjs';
import { ensureRustTarget, ensureZig, hostBuildPlan, mingwEnv, root, succeeds, withTargetRustflags, zigEnv } from './toolchain.mjs';

const rootPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const nativeDir = path.join(root, 'native');
const hostTag = platformTag();
// `--all` (npm run build:all) builds the seven targets; LOGTO_SMS_TARGETS=all is the same.
const all = process.argv.includes('--all') || process.env.LOGTO_SMS_TARGETS === 'all';
const log = (message) => console.log(`[build] ${message}`);
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

const hasCargo = () => succeeds('cargo', ['--version']);

/** Copy then rename: a process that has the old binary loaded keeps a valid mapping. */
const install = (from, tag) => {
  const target = path.join(nativeDir, binaryName(tag));
  mkdirSync(nativeDir, { recursive: true });
  copyFileSync(from, `${target}.tmp`);
  renameSync(`${target}.tmp`, target);
};

const buildHost = () => {
  const plan = hostBuildPlan();
  log(`${plan.command} ${plan.args.join(' ')} (this machine only)`);
  execFileSync(plan.command, plan.args, { cwd: root, stdio: 'inherit', env: plan.env });
  install(plan.output, hostTag);
  return { tag: hostTag, tool: 'cargo build', glibcFloor: hostTag.endsWith('-gnu') ? 'build host' : undefined };
};

/**
 * One group's targets in one `cargo zigbuild --keep-going`: one target's
 * dependencies compile while another one's link runs, and a failing target
 * does not stop the others. Which targets produced their library is read from
 * cargo's own artifact messages; the others are skipped with a warning.
 */
const buildGroup = (targets) => {
  const started = Date.now();
  const ready = targets.filter((target) => {
    if (ensureRustTarget(target.triple)) return true;
    log(`skipping ${target.tag}: the Rust standard library for ${target.triple} could not be installed`);
    return false;
  });
  if (ready.length === 0) return [];
  // A lone Windows target links with Debian's MinGW-w64 when it is installed, else with zig.
  const mingw = ready.length === 1 ? mingwEnv(ready[0].triple) : undefined;
  const tool = mingw ? 'cargo build (MinGW-w64 gcc)' : 'cargo zigbuild';
  const args = [mingw ? 'build' : 'zigbuild', '--release', '--lib', '--keep-going', '--message-format=json-render-diagnostics', ...ready.flatMap((t) => ['--target', mingw ? t.triple : (t.zigTarget ?? t.triple)])];
  log(`cargo ${args.join(' ')}`);
  const result = spawnSync('cargo', args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: withTargetRustflags({ ...(mingw ?? zigEnv()), ...Object.assign({}, ...ready.map((t) => t.env)) }, ready.map((t) => t.triple)),
  });
  const produced = new Set(
    (result.stdout ?? '')
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"compiler-artifact"'))
      .flatMap((line) => JSON.parse(line).filenames ?? [])
  );
  const built = ready.filter((target) => {
    const output = path.join(root, 'target', target.triple, 'release', libraryFile(target.triple));
    if (produced.has(output)) {
      install(output, target.tag);
      return true;
    }
    log(`skipping ${target.tag}: the build failed (cargo exit ${result.status ?? result.signal ?? result.error?.message})`);
    return false;
  });
  log(`${built.map((t) => t.tag).join(', ') || 'nothing'} ready (${seconds(started)})`);
  return built.map((target) => ({ tag: target.tag, triple: target.triple, tool, glibcFloor: target.glibcFloor, libc: target.musl ? 'musl' : target.glibcFloor ? 'glibc' : undefined }));
};

const buildNative = () => {
  if (!hasCargo()) {
    const present = existsSync(nativeDir) ? readdirSync(nativeDir).filter((f) => f.endsWith('.node')) : [];
    if (present.includes(binaryName(hostTag))) {
      log(`cargo not found; using the prebuilt binaries in native/ (${present.join(', ')})`);
      return;
    }
    throw new Error(`[build] cargo not found and no prebuilt binary for ${hostTag}: install Rust (https://rustup.rs) and run again.`);
  }
  // Binaries from an earlier build could be stale: every run rebuilds what it ships.
  rmSync(nativeDir, { recursive: true, force: true });
  let built = [];
  if (all && ensureZig()) {
    for (const group of new Set(TARGETS.map((t) => t.group))) built.push(...buildGroup(TARGETS.filter((t) => t.group === group)));
  } else if (all) {
    log('zig could not be installed: building for this machine only');
  }
  if (!built.some((b) => b.tag === hostTag)) built.push(buildHost());
  // What was built, not what was asked for: the binaries test skips the
  // checks of targets absent here unless CI asks for all of them.
  writeFileSync(path.join(nativeDir, 'manifest.json'), `${JSON.stringify({ version: rootPackage.version, binaries: built }, null, 2)}\n`);
  const missing = TARGETS.filter((t) => !built.some((b) => b.tag === t.tag)).map((t) => t.tag);
  log(`binaries: ${built.map((b) => b.tag).join(', ')}${missing.length > 0 ? `; not built: ${missing.join(', ')}${all ? '' : ' (npm run build:all builds them)'}` : ''}`);
  return missing;
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

/**
 * The command line (bin/logto-sms.js, CONTRACT §11) as one ESM file per
 * folder, its PostgreSQL client (npm `pg`) inside: a folder copied alone runs
 * it. It imports nothing from outside the folder, not even
 * `@logto/connector-kit` (there is no host when it runs). pg's optional
 * native binding (`pg-native`, never used) is replaced by js/cli/no-pg-native.cjs
 * so that no bare import is left.
 */
const bundleBin = (outfile) =>
  esbuild.buildSync({
    entryPoints: [path.join(root, 'bin', 'logto-sms.js')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    alias: { 'pg-native': path.join(root, 'js', 'cli', 'no-pg-native.cjs') },
    // pg is CommonJS: its require() of Node's built-ins needs a real require in an ES module.
    banner: {
      js: `// Bundled from bin/ and js/cli/ of ${rootPackage.name} ${rootPackage.version} by scripts/build.mjs; edit the sources there.\nimport { createRequire as __logtoSmsCreateRequire } from 'node:module';\nconst require = __logtoSmsCreateRequire(import.meta.url);`,
    },
    logLevel: 'warning',
  });

const assemble = ({ provider, name, description }) => {
  const out = path.join(root, 'dist', name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, 'lib'), { recursive: true });
  // Logto loads lib/index.js; its default export is createConnector.
  bundleGlue(provider, path.join(out, 'lib', 'index.js'));
  mkdirSync(path.join(out, 'bin'), { recursive: true });
  bundleBin(path.join(out, 'bin', 'logto-sms.js'));
  chmodSync(path.join(out, 'bin', 'logto-sms.js'), 0o755);
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
    files: ['lib', 'bin', 'native', 'README.md', 'logo.svg'],
    bin: { 'logto-sms': 'bin/logto-sms.js' },
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
const missing = buildNative() ?? [];
for (const connector of connectors) assemble(connector);
log(`done in ${seconds(started)}`);
if (all && missing.length > 0) {
  console.error(`[build] build:all: ${missing.length} of ${TARGETS.length} targets were not built (${missing.join(', ')}); see the log above.`);
  process.exitCode = 1;
}
