// Finds and loads the native addon that matches this platform. Binaries live in
// ../native/ next to the glue (the repository and every connector folder have
// the same layout), named logto-sms-native.<platform>-<arch>[-<libc>].node.
//
// The file is looked for at import, so a platform without a binary fails while
// Logto loads connectors, with a message that says what to do. It is loaded
// (dlopen, a few milliseconds) only when first used: Logto imports every
// connector at start-up and calls createConnector on every lookup, and neither
// needs the addon.
//
// One addon per process: every connector folder carries its own copy of the
// binary, and each copy loaded would bring its own runtime threads, connection
// pool and config cache. The first folder to load its binary registers it on
// `globalThis`; a later folder whose binary is byte-for-byte the same file uses
// that one instead of loading its own.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

import { platformTag } from './native-tag.js';

const nativeDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'native');
const REGISTRY = Symbol.for('logto-sms-native.addons');
const BUILD_HINT =
  'Build one from source with Rust installed: `npm install && npm run build` in the repository, ' +
  'then copy dist/connector-*-native/ again.';

const tag = platformTag();

const locate = () => {
  const file = process.env.LOGTO_SMS_NATIVE_PATH || path.join(nativeDir, `logto-sms-native.${tag}.node`);
  if (existsSync(file)) return file;
  const present = existsSync(nativeDir) ? readdirSync(nativeDir).filter((f) => f.endsWith('.node')) : [];
  throw new Error(
    `logto-sms-native: no native binary for this platform (${tag}). ` +
      `Looked for ${file}; this package has: ${present.length > 0 ? present.join(', ') : 'none'}. ${BUILD_HINT}`
  );
};

const file = locate();

/** The addons this process loaded, by the SHA-256 of their file. */
const registry = () => (globalThis[REGISTRY] ??= new Map());

/**
 * The binary exists but cannot be loaded (a glibc binary on musl, a newer glibc
 * than the host's, a damaged copy): Logto shows a ConnectorError to the admin,
 * where any other error would be an opaque 500.
 */
const loadFailure = (error) =>
  new ConnectorError(ConnectorErrorCodes.General, {
    errorDescription:
      `logto-sms-native: the native binary for this platform (${tag}) could not be loaded from ${file}: ` +
      `${error?.message ?? error}. It was probably built for another C library or an older system; ` +
      `check that the folder was copied whole and matches this host (glibc or musl, x64 or arm64). ${BUILD_HINT}`,
  });

const load = () => {
  try {
    const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
    const loaded = registry();
    let addon = loaded.get(digest);
    if (!addon) {
      // dlopen directly: any file name works (a build's .so, .dylib or .dll too).
      const module = { exports: {} };
      process.dlopen(module, file);
      addon = module.exports;
      loaded.set(digest, addon);
    }
    return addon;
  } catch (error) {
    throw loadFailure(error);
  }
};

let binding;

/**
 * The addon's exports, loaded on first property access (a Proxy so callers
 * write `native.aliyunSend(…)` and the dlopen happens only then).
 */
export const native = new Proxy(
  {},
  {
    get: (_, key) => {
      binding ??= load();
      return binding[key];
    },
  }
);
