// Loads the native addon that matches this platform. Binaries live in
// ../native/ next to the glue (the repository and every connector folder have
// the same layout), named logto-sms-native.<platform>-<arch>[-<libc>].node.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { platformTag } from './native-tag.js';

const require = createRequire(import.meta.url);
const nativeDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'native');
const baseName = 'logto-sms-native';

const load = () => {
  const tag = platformTag();
  const override = process.env.LOGTO_SMS_NATIVE_PATH;
  const file = override || path.join(nativeDir, `${baseName}.${tag}.node`);
  if (existsSync(file)) return require(file);
  const present = existsSync(nativeDir) ? readdirSync(nativeDir).filter((f) => f.endsWith('.node')) : [];
  throw new Error(
    `logto-sms-native: no native binary for this platform (${tag}). ` +
      `Looked for ${file}; this package has: ${present.length > 0 ? present.join(', ') : 'none'}. ` +
      'Build one from source with Rust installed: `npm install && npm run build` in the repository, ' +
      'then copy dist/connector-*-sms-native/ again.'
  );
};

export const native = load();
