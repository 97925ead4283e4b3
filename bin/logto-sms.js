#!/usr/bin/env node
// logto-sms doctor | trace (CONTRACT §11). In a connector folder this file is
// a bundle of js/cli/ with its database client (scripts/build.mjs); in the
// repository it runs js/cli/ as it is (`npx logto-sms --connector …`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { main } from '../js/cli/main.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.exitCode = await main(process.argv.slice(2), { root });
