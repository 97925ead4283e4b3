// The tools the build runs and how it calls them: zig and cargo-zigbuild (from
// PyPI, into .tools/ inside the repository), Rust standard libraries (rustup),
// and the cargo command lines for the host build and the cross builds. Shared
// by scripts/build.mjs and the tests that check the build paths.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { libraryFile, targetRustflags } from './targets.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = path.join(root, '.tools', 'python');
const log = (message) => console.log(`[build] ${message}`);

export const succeeds = (command, args, options = {}) => spawnSync(command, args, { stdio: 'ignore', ...options }).status === 0;

/** This machine's Rust target triple, as rustc names it. */
export const hostTriple = () => /^host: (\S+)$/m.exec(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }))?.[1];

/**
 * `env` plus the rustc flags each of `triples` needs (targets.mjs), as cargo's
 * per-target CARGO_TARGET_<TRIPLE>_RUSTFLAGS. RUSTFLAGS, when set, overrides
 * those in cargo, so the flags go there too when there is a single triple.
 */
export const withTargetRustflags = (env, triples) => {
  const out = { ...env };
  for (const triple of triples) {
    const flags = targetRustflags(triple).join(' ');
    if (!flags) continue;
    const key = `CARGO_TARGET_${triple.toUpperCase().replaceAll('-', '_').replaceAll('.', '_')}_RUSTFLAGS`;
    out[key] = [env[key], flags].filter(Boolean).join(' ');
    if (env.RUSTFLAGS && triples.length === 1) out.RUSTFLAGS = `${env.RUSTFLAGS} ${flags}`;
  }
  return out;
};

/**
 * The host build: plain `cargo build --release --lib` for the machine that runs
 * it, no zig: what `npm install` runs everywhere (`npm run build:all` cross-builds the rest).
 * On a musl host (Alpine: how people build for the official Logto image) rustc
 * links the C library statically unless told otherwise, and then drops the
 * cdylib, so the musl flags from targets.mjs are added.
 *
 * `cross` runs the same plan for another triple through `cargo zigbuild
 * --target` (zig supplies that target's linker): the test in
 * __test__/binaries.test.mjs uses it to prove the musl host path on this
 * glibc machine.
 */
export const hostBuildPlan = ({ triple = hostTriple(), env = process.env, cross = false } = {}) => ({
  command: 'cargo',
  args: cross ? ['zigbuild', '--release', '--lib', '--target', triple] : ['build', '--release', '--lib'],
  env: withTargetRustflags(cross ? zigEnv(env) : env, [triple]),
  output: path.join(root, 'target', ...(cross ? [triple] : []), 'release', libraryFile(triple)),
});

/**
 * Where zig and cargo-zigbuild are found, and zig's cache kept inside the
 * repository (target/zig-cache) rather than in the home folder.
 */
export const zigEnv = (env = process.env) => ({
  ...env,
  PATH: `${path.join(toolsDir, 'bin')}${path.delimiter}${env.PATH}`,
  PYTHONPATH: [toolsDir, env.PYTHONPATH].filter(Boolean).join(path.delimiter),
  ZIG_GLOBAL_CACHE_DIR: env.ZIG_GLOBAL_CACHE_DIR ?? path.join(root, 'target', 'zig-cache'),
  LIBNODE_PATH: libnodeStub(),
});

/**
 * Debian's MinGW-w64 (`gcc-mingw-w64-x86-64-win32`) as the Windows linker and
 * C compiler, when installed: it brings its C runtime prebuilt, where zig
 * compiles MinGW's from source on first use (about 2 CPU-minutes). The DLL
 * then uses msvcrt.dll, zig's the Universal CRT; both are part of Windows.
 * Returns undefined when the toolchain is not there (zig is used instead).
 */
export const mingwEnv = (triple, env = process.env) => {
  const prefix = { 'x86_64-pc-windows-gnu': 'x86_64-w64-mingw32' }[triple];
  if (!prefix || !succeeds(`${prefix}-gcc`, ['--version'])) return undefined;
  const suffix = triple.replaceAll('-', '_');
  return {
    ...env,
    [`CARGO_TARGET_${suffix.toUpperCase()}_LINKER`]: `${prefix}-gcc`,
    [`CC_${suffix}`]: `${prefix}-gcc`,
    [`AR_${suffix}`]: `${prefix}-ar`,
    LIBNODE_PATH: libnodeStub(),
  };
};

// napi-build links Windows GNU builds against "libnode" and insists on a
// folder holding libnode.dll (its windows.rs). With napi's `dyn-symbols`
// feature the addon finds every Node-API function in node.exe at load time,
// so it needs no import library: the folder gets an empty stand-in file and
// an empty archive for `-lnode`, which adds nothing to the DLL.

const libnodeStub = () => {
  const dir = path.join(root, 'target', 'libnode-stub');
  if (!existsSync(path.join(dir, 'libnode.a'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'libnode.dll'), '');
    writeFileSync(path.join(dir, 'libnode.a'), '!<arch>\n');
  }
  return dir;
};

/**
 * The cross-build tools from PyPI, pinned so two builds a week apart use the
 * same linker. To update: change the versions here, run `npm run build:all &&
 * npm test`, and commit both (docs/building.md).
 */
export const ZIG_TOOLS = { ziglang: '0.17.1', 'cargo-zigbuild': '0.24.1' };

const installedVersion = (name) => {
  const found = spawnSync('python3', ['-c', `import importlib.metadata as m, sys; sys.path.insert(0, ${JSON.stringify(toolsDir)}); print(m.distribution(${JSON.stringify(name)}).version)`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
};

/** zig + cargo-zigbuild at the pinned versions from PyPI into .tools/ (once; about 15 s). */
export const ensureZig = () => {
  const cargoZigbuild = path.join(toolsDir, 'bin', 'cargo-zigbuild');
  const pinned = Object.entries(ZIG_TOOLS).every(([name, version]) => installedVersion(name) === version);
  if (pinned && existsSync(cargoZigbuild) && succeeds('python3', ['-m', 'ziglang', 'version'], { env: zigEnv() })) return true;
  const specs = Object.entries(ZIG_TOOLS).map(([name, version]) => `${name}==${version}`);
  log(`installing ${specs.join(' ')} from PyPI into .tools/python`);
  const pip = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--upgrade', '--target', toolsDir, ...specs], { stdio: 'inherit' });
  return pip.status === 0 && existsSync(cargoZigbuild);
};

/** The Rust standard library for `triple`, added if missing. */
export const ensureRustTarget = (triple) => {
  const installed = spawnSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' });
  if (installed.status === 0 && installed.stdout.split('\n').includes(triple)) return true;
  log(`rustup target add ${triple}`);
  return succeeds('rustup', ['target', 'add', triple], { stdio: 'inherit' });
};
