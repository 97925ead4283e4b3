// The native binaries that ship, read from the files themselves. No macOS or
// Windows machine exists here and this glibc machine cannot load a musl
// binary, so everything but this machine's own binary is checked statically:
// ELF with readelf (binutils), Mach-O and PE with llvm-readobj/llvm-objdump
// (Debian's `llvm`; .ci/run installs it when missing). After `npm install`
// (this machine's binary only) the checks of the other targets are skipped,
// naming `npm run build:all`; after a build of all seven, and always under CI
// (which runs build:all), a missing or wrong binary fails.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';

import { platformTag } from '../js/native-tag.js';
import { TARGETS, binaryName } from '../scripts/targets.mjs';
import { hostBuildPlan } from '../scripts/toolchain.mjs';
import { repoRoot } from './support/logto-instance.mjs';

const nativeDir = path.join(repoRoot, 'native');
const manifest = JSON.parse(readFileSync(path.join(nativeDir, 'manifest.json'), 'utf8'));
const BUILD_ALL = 'npm run build:all';
const allBuilt = TARGETS.every((target) => manifest.binaries.some((b) => b.tag === target.tag));
const hostOnly = !allBuilt && !process.env.CI;
const notBuilt = (tag) => hostOnly && !manifest.binaries.some((b) => b.tag === tag) && `${tag} not built: \`${BUILD_ALL}\` builds it`;
const tool = (command, args) =>
  execFileSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } });
const compareVersions = (a, b) => {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
};

/** Architecture, needed libraries and required glibc versions of an ELF file. */
export const inspectElf = (file) => {
  const machine = /Machine:\s+(.+)/.exec(tool('readelf', ['-h', file]))?.[1].trim();
  const needed = [...tool('readelf', ['-d', file]).matchAll(/\(NEEDED\)\s+Shared library: \[(.+?)\]/g)].map((m) => m[1]);
  const versions = tool('readelf', ['-V', file]);
  const glibc = [...new Set([...versions.matchAll(/GLIBC_([0-9.]+)/g)].map((m) => m[1]))].sort(compareVersions);
  const exports = tool('readelf', ['--dyn-syms', '-W', file]);
  return { machine, needed, glibc, maxGlibc: glibc.at(-1), exportsRegistration: / GLOBAL +DEFAULT +\d+ napi_register_module_v1$/m.test(exports) };
};

/** Mach-O: CPU, file type, load commands (libraries, minimum macOS), exports, undefined Node-API symbols. */
export const inspectMachO = (file) => {
  const header = tool('llvm-readobj', ['--file-headers', file]);
  const commands = tool('llvm-objdump', ['--macho', '--private-headers', file]).split(/^Load command \d+$/m);
  const named = (cmd) => commands.filter((c) => new RegExp(`cmd ${cmd}\\n`).test(c)).map((c) => /\bname (\S+) \(offset/.exec(c)?.[1]);
  return {
    format: /^Format: (.+)$/m.exec(header)?.[1],
    fileType: /FileType: (\w+)/.exec(header)?.[1],
    libraries: named('LC_LOAD_DYLIB').concat(named('LC_LOAD_WEAK_DYLIB'), named('LC_REEXPORT_DYLIB')),
    installName: named('LC_ID_DYLIB')[0],
    signed: commands.some((c) => /cmd LC_CODE_SIGNATURE\n/.test(c)),
    minOs: /cmd LC_BUILD_VERSION\n(?:.*\n)*?\s+minos (\S+)/.exec(commands.join(''))?.[1],
    exportsRegistration: /\s_napi_register_module_v1$/m.test(tool('llvm-objdump', ['--macho', '--exports-trie', file])),
    undefinedNapi: tool('llvm-nm', ['--undefined-only', file]).split('\n').filter((s) => /^_napi_/.test(s.trim())),
  };
};

/** PE: machine, DLL flag, imported DLLs (plain and delay-loaded), exports. */
export const inspectPe = (file) => {
  const header = tool('llvm-readobj', ['--file-headers', file]);
  const imports = tool('llvm-readobj', ['--coff-imports', file]);
  return {
    format: /^Format: (.+)$/m.exec(header)?.[1],
    machine: /Machine: (\w+)/.exec(header)?.[1],
    isDll: /IMAGE_FILE_DLL/.test(header),
    dlls: [...imports.matchAll(/^(?:Delay)?Import \{\n\s+Name: (\S+)$/gm)].map((m) => m[1]),
    importsNapi: /Symbol: napi_/.test(imports),
    exportsRegistration: /^\s+Name: napi_register_module_v1$/m.test(tool('llvm-readobj', ['--coff-exports', file])),
  };
};

// Windows system DLLs (every Windows 10+ has them; Node 20 and 22 need Windows
// 10+). The C runtime is msvcrt.dll (Debian's MinGW-w64) or the Universal CRT's
// api-ms-win-crt-* sets (zig), both part of Windows. A MinGW runtime DLL (libgcc_s_seh-1.dll, libwinpthread-1.dll,
// libstdc++-6.dll), MSVC's vcruntime140.dll, node.exe or libnode.dll is not on
// the list: a Windows host may lack them, or the addon must not bind to them.
const WINDOWS_SYSTEM_DLLS = new Set(
  ['kernel32', 'ntdll', 'msvcrt', 'advapi32', 'userenv', 'ws2_32', 'bcrypt', 'bcryptprimitives', 'crypt32', 'ncrypt', 'secur32', 'user32', 'shell32', 'ole32', 'oleaut32', 'iphlpapi', 'dnsapi', 'normaliz', 'rpcrt4', 'mswsock'].map(
    (name) => `${name}.dll`
  )
);
const isWindowsSystemDll = (name) => WINDOWS_SYSTEM_DLLS.has(name.toLowerCase()) || /^api-ms-win-[a-z0-9-]+\.dll$/i.test(name);
// macOS: only the operating system's own libraries and frameworks.
const isMacSystemLibrary = (name) => /^\/usr\/lib\/[^/]+\.dylib$/.test(name) || /^\/System\/Library\/Frameworks\//.test(name);

describe('shipped binaries', () => {
  it(`every target of scripts/targets.mjs is built (${TARGETS.length}), and the manifest lists exactly the files`, (t) => {
    const files = readdirSync(nativeDir).filter((f) => f.endsWith('.node')).sort();
    assert.ok(files.includes(binaryName(platformTag())), `no binary for this machine (${platformTag()})`);
    assert.deepEqual(files, manifest.binaries.map((b) => binaryName(b.tag)).sort());
    const missing = TARGETS.filter((target) => !files.includes(binaryName(target.tag))).map((target) => target.tag);
    if (missing.length > 0 && hostOnly) {
      t.skip(`${missing.join(', ')} not built: \`${BUILD_ALL}\` builds them`);
      return;
    }
    assert.deepEqual(missing, [], `missing binaries: ${missing.join(', ')} (see the build's log)`);
  });

  for (const { tag, glibcFloor, musl } of TARGETS.filter((target) => target.tag.startsWith('linux-'))) {
    const file = path.join(nativeDir, binaryName(tag));
    // `npm install` builds this machine's binary against this machine's glibc;
    // the shipped one (build:all, through zig) has the floor.
    const floor = glibcFloor && (manifest.binaries.find((b) => b.tag === tag)?.glibcFloor === glibcFloor || !hostOnly) ? glibcFloor : undefined;
    const floorTitle = glibcFloor ? (floor ? `, glibc floor ${floor}` : ` (built for this machine: the glibc floor is checked after \`${BUILD_ALL}\`)`) : '';
    it(`${tag}: ELF, architecture, C library${floorTitle}, registration exported`, { skip: notBuilt(tag) }, () => {
      const info = inspectElf(file);
      const arch = tag.split('-')[1];
      assert.match(info.machine, arch === 'x64' ? /X86-64/ : /AArch64/, `${tag} is ${info.machine}`);
      assert.ok(info.exportsRegistration, 'napi_register_module_v1 is not exported');
      if (musl) {
        // musl: its libc is libc.so (the musl loader), and no glibc symbol versions at all.
        assert.ok(info.needed.includes('libc.so'), `${tag} needs ${info.needed.join(', ')}`);
        assert.equal(info.glibc.length, 0, `${tag} requires glibc ${info.glibc.join(', ')}`);
        assert.ok(!info.needed.some((lib) => lib.startsWith('libc.so.6')), 'links glibc');
      } else {
        assert.ok(info.needed.includes('libc.so.6'), `${tag} needs ${info.needed.join(', ')}`);
        if (floor) assert.ok(compareVersions(info.maxGlibc, floor) <= 0, `${tag} requires GLIBC_${info.maxGlibc}`);
      }
    });
  }

  for (const { tag } of TARGETS.filter((target) => target.tag.startsWith('darwin-'))) {
    const file = path.join(nativeDir, binaryName(tag));
    it(`${tag}: Mach-O dylib, architecture, macOS 11 floor, signed on arm64, only system libraries, registration exported, Node-API resolved at load`, { skip: notBuilt(tag) }, () => {
      const info = inspectMachO(file);
      assert.equal(info.format, tag === 'darwin-arm64' ? 'Mach-O arm64' : 'Mach-O 64-bit x86-64');
      assert.equal(info.fileType, 'DynamicLibrary');
      assert.ok(info.libraries.includes('/usr/lib/libSystem.B.dylib'), `links ${info.libraries.join(', ')}`);
      const foreign = info.libraries.filter((lib) => !isMacSystemLibrary(lib));
      assert.deepEqual(foreign, [], `links libraries a Mac may lack: ${foreign.join(', ')}`);
      assert.ok(compareVersions(info.minOs, '11.0') <= 0, `needs macOS ${info.minOs}`);
      assert.equal(info.installName, '@rpath/logto-sms-native.node', 'the install name carries a build path');
      // Apple silicon loads no unsigned code; the linker's ad-hoc signature is
      // enough. (Intel Macs load unsigned libraries, and zig signs only arm64.)
      if (tag === 'darwin-arm64') assert.ok(info.signed, 'no code signature');
      assert.ok(info.exportsRegistration, 'napi_register_module_v1 is not exported');
      // Node-API comes from the node binary at load time (napi's dyn-symbols),
      // so the dylib binds to no Node-API symbol.
      assert.deepEqual(info.undefinedNapi, []);
    });
  }

  for (const { tag } of TARGETS.filter((target) => target.tag.startsWith('win32-'))) {
    const file = path.join(nativeDir, binaryName(tag));
    it(`${tag}: PE DLL, x86-64, only Windows system DLLs (no MinGW runtime, no node.exe import), registration exported`, { skip: notBuilt(tag) }, () => {
      const info = inspectPe(file);
      assert.equal(info.format, 'COFF-x86-64');
      assert.equal(info.machine, 'IMAGE_FILE_MACHINE_AMD64');
      assert.ok(info.isDll, 'not a DLL');
      assert.ok(info.dlls.some((dll) => dll.toLowerCase() === 'kernel32.dll'), `imports ${info.dlls.join(', ')}`);
      const foreign = info.dlls.filter((dll) => !isWindowsSystemDll(dll));
      assert.deepEqual(foreign, [], `imports DLLs a Windows host may lack: ${foreign.join(', ')}`);
      // napi's dyn-symbols finds Node-API in node.exe at load time: nothing is
      // imported from node.exe or libnode.dll, so the DLL loads under any node.exe.
      assert.equal(info.importsNapi, false, 'imports Node-API symbols');
      assert.ok(info.exportsRegistration, 'napi_register_module_v1 is not exported');
    });
  }

  it('no shipped binary carries rawPost (the benchmark-only export, cargo feature `bench`)', () => {
    for (const file of readdirSync(nativeDir).filter((f) => f.endsWith('.node'))) {
      const bytes = readFileSync(path.join(nativeDir, file));
      // "rawPost" is the name napi registers the export under; raw_post is the Rust function.
      for (const needle of ['rawPost', 'raw_post']) assert.equal(bytes.indexOf(needle), -1, `${file} contains ${needle}`);
    }
    const loaded = createRequire(import.meta.url)(path.join(nativeDir, binaryName(platformTag())));
    assert.equal(typeof loaded.Sends, 'function');
    assert.equal(typeof loaded.Sends.prototype.aliyun, 'function');
    assert.equal(loaded.Sends.prototype.rawPost, undefined);
    assert.equal(loaded.rawPost, undefined);
  });

  it('the connector folders carry exactly the same binaries', () => {
    for (const name of ['connector-aliyun-sms-native', 'connector-tencent-sms-native']) {
      const dir = path.join(repoRoot, 'dist', name, 'native');
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.node')).sort(), manifest.binaries.map((b) => binaryName(b.tag)).sort(), name);
      for (const { tag } of manifest.binaries) {
        const file = binaryName(tag);
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
        if (hostOnly && !manifest.binaries.some((b) => b.tag === tag)) continue;
        assert.ok(existsSync(path.join(repoRoot, source, 'native', binaryName(tag))), `${source} lacks ${tag}`);
      }
    }
    assert.match(dockerfile, /rm -rf \/etc\/logto\/packages\/core\/connectors\/@logto-connector-aliyun-sms/);
  });
});

describe('the host build path (scripts/toolchain.mjs hostBuildPlan) on a musl host', () => {
  const triple = 'x86_64-unknown-linux-musl';

  it('links the C library dynamically, or rustc would drop the cdylib', () => {
    const plan = hostBuildPlan({ triple, env: {} });
    assert.deepEqual(plan.args, ['build', '--release', '--lib']);
    assert.equal(plan.env.CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS, '-C target-feature=-crt-static');
    // RUSTFLAGS, when set, wins over the per-target variable in cargo: the flag goes there too.
    assert.equal(hostBuildPlan({ triple, env: { RUSTFLAGS: '-C opt-level=3' } }).env.RUSTFLAGS, '-C opt-level=3 -C target-feature=-crt-static');
    assert.equal(hostBuildPlan({ triple: 'x86_64-unknown-linux-gnu', env: {} }).env.CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS, undefined);
  });

  it(`run for ${triple} through zig on this machine, it produces the cdylib (a musl ELF shared object)`, { skip: hostOnly && `needs zig, which \`${BUILD_ALL}\` installs` }, () => {
    // The same flags as the full build's linux-x64-musl, so every dependency is
    // found fresh; cargo relinks only this crate (the full build compiles the
    // Linux targets in one invocation, and the crate's fingerprint differs
    // between the two). Without -crt-static rustc would drop the cdylib and the
    // artifact list would lack it.
    const plan = hostBuildPlan({ triple, cross: true });
    const output = execFileSync(plan.command, [...plan.args, '--message-format=json'], { cwd: repoRoot, env: plan.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    const artifact = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((message) => message.reason === 'compiler-artifact' && message.target?.name === 'logto_sms_native');
    assert.ok(artifact, 'cargo reported no artifact for the crate');
    assert.ok(artifact.target.crate_types.includes('cdylib'));
    assert.ok(artifact.filenames.includes(plan.output), `no cdylib among ${artifact.filenames.join(', ')}`);
    const info = inspectElf(plan.output);
    assert.match(info.machine, /X86-64/);
    assert.ok(info.needed.includes('libc.so'), `needs ${info.needed.join(', ')}`);
    assert.equal(info.glibc.length, 0);
  });
});
