// Every binary a full build ships, one per platform tag that js/native-tag.js
// computes. The one list that scripts/build.mjs builds, scripts/pack.mjs
// requires and __test__/binaries.test.mjs checks.
//
// `group`: the targets built by one cargo invocation. Cargo unifies features
// across the targets of one invocation, and macOS takes reqwest without the
// system-roots feature (Cargo.toml), so macOS builds on its own, as does Windows.
// `env`: environment its build needs (the same for every target of a group).
export const TARGETS = [
  { tag: 'linux-x64-gnu', triple: 'x86_64-unknown-linux-gnu', zigTarget: 'x86_64-unknown-linux-gnu.2.17', glibcFloor: '2.17', group: 'linux' },
  { tag: 'linux-x64-musl', triple: 'x86_64-unknown-linux-musl', musl: true, group: 'linux' },
  { tag: 'linux-arm64-gnu', triple: 'aarch64-unknown-linux-gnu', zigTarget: 'aarch64-unknown-linux-gnu.2.17', glibcFloor: '2.17', group: 'linux' },
  { tag: 'linux-arm64-musl', triple: 'aarch64-unknown-linux-musl', musl: true, group: 'linux' },
  // macOS 11 or newer, as Node 22 (Logto's runtime) itself; without it zig
  // would stamp its own, much newer, minimum into the binary.
  { tag: 'darwin-arm64', triple: 'aarch64-apple-darwin', group: 'macos', env: { MACOSX_DEPLOYMENT_TARGET: '11.0' } },
  { tag: 'darwin-x64', triple: 'x86_64-apple-darwin', group: 'macos', env: { MACOSX_DEPLOYMENT_TARGET: '11.0' } },
  // GNU ABI, loaded by the MSVC-built node.exe: see docs/building.md, "Not run here".
  // A group of its own: with the Linux targets it would add Windows-only
  // features to shared crates (tokio's windows-sys), and the Linux binaries
  // would no longer match a build of any one of them (__test__/binaries.test.mjs
  // rebuilds linux-x64-musl on its own and expects cargo to find it fresh).
  { tag: 'win32-x64-msvc', triple: 'x86_64-pc-windows-gnu', group: 'windows' },
];

export const binaryName = (tag) => `logto-sms-native.${tag}.node`;

/** The file cargo writes for a cdylib on `triple`. */
export const libraryFile = (triple) => {
  if (triple.includes('-windows-')) return 'logto_sms_native.dll';
  if (triple.includes('-apple-')) return 'liblogto_sms_native.dylib';
  return 'liblogto_sms_native.so';
};

/** The rustc flags a target needs whichever way it is built (host or cross). */
export const targetRustflags = (triple) =>
  // A musl target links the C library statically by default, and rustc then
  // silently drops a cdylib: link it dynamically (the host's musl libc.so).
  triple.endsWith('-musl') ? ['-C', 'target-feature=-crt-static'] : [];
