// The folder's own native binary, loaded without @logto/connector-kit (the
// connector glue's loader, js/native.js, builds the host's ConnectorError;
// the command line has no host). Same layout in the repository and in every
// connector folder: <root>/bin/logto-sms.js and <root>/native/*.node.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { platformTag } from '../native-tag.js';

export class AddonError extends Error {}

/** The addon's exports; `root` is the folder holding bin/ and native/. */
export const loadAddon = (root) => {
  const tag = platformTag();
  const nativeDir = path.join(root, 'native');
  const file = process.env.LOGTO_SMS_NATIVE_PATH || path.join(nativeDir, `logto-sms-native.${tag}.node`);
  if (!existsSync(file)) {
    const present = existsSync(nativeDir) ? readdirSync(nativeDir).filter((f) => f.endsWith('.node')) : [];
    throw new AddonError(`no native binary for this platform (${tag}) at ${file}; this folder has: ${present.join(', ') || 'none'}`);
  }
  const module = { exports: {} };
  try {
    process.dlopen(module, file);
  } catch (error) {
    throw new AddonError(`the native binary ${file} could not be loaded: ${error?.message ?? error}`);
  }
  if (typeof module.exports.smsDoctor !== 'function') {
    throw new AddonError(`the native binary ${file} has no doctor (it is older than this tool): build the folder again`);
  }
  return module.exports;
};
