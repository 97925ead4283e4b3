// Finds and loads the native addon that matches this platform. Binaries live in
// ../native/ next to the glue (the repository and every connector folder have
// the same layout), named logto-sms-native.<platform>-<arch>[-<libc>].node.
//
// The file is looked for at import, so a platform without a binary fails while
// Logto loads connectors, with a message that says what to do. It is loaded
// (dlopen, a few milliseconds) only when first used: Logto imports every
// connector at start-up and calls createConnector on every lookup, and neither
// needs the addon.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { platformTag } from './native-tag.js';

const require = createRequire(import.meta.url);
const nativeDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'native');

const locate = () => {
  const tag = platformTag();
  const file = process.env.LOGTO_SMS_NATIVE_PATH || path.join(nativeDir, `logto-sms-native.${tag}.node`);
  if (existsSync(file)) return file;
  const present = existsSync(nativeDir) ? readdirSync(nativeDir).filter((f) => f.endsWith('.node')) : [];
  throw new Error(
    `logto-sms-native: no native binary for this platform (${tag}). ` +
      `Looked for ${file}; this package has: ${present.length > 0 ? present.join(', ') : 'none'}. ` +
      'Build one from source with Rust installed: `npm install && npm run build` in the repository, ' +
      'then copy dist/connector-*-sms-native/ again.'
  );
};

const file = locate();
let binding;

/**
 * The addon's exports, loaded on first property access (a Proxy so callers
 * write `native.aliyunSend(…)` and the dlopen happens only then).
 */
export const native = new Proxy(
  {},
  {
    get: (_, key) => {
      binding ??= require(file);
      return binding[key];
    },
  }
);
