// Import + createConnector time of one implementation, in this fresh process.
// `@logto/connector-kit` (the copy this implementation resolves) is imported
// before the clock starts: Logto has it loaded before it loads any connector.
// The official connector is the real npm package here (it sends nothing).
//
// Usage: node bench/import-time.mjs <ours|official> <aliyun|tencent>
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { officialPackage, oursEntry } from './impls.mjs';

const [impl, provider] = process.argv.slice(2);
const entry = impl === 'ours' ? oursEntry(provider) : createRequire(import.meta.url).resolve(officialPackage(provider));
await import(pathToFileURL(createRequire(entry).resolve('@logto/connector-kit')).href);

const start = performance.now();
const { default: createConnector } = await import(pathToFileURL(entry).href);
const connector = await createConnector({ getConfig: async () => ({}) });
const ms = performance.now() - start;

if (typeof connector.sendMessage !== 'function') throw new Error(`${impl} ${provider}: no sendMessage`);
console.log(JSON.stringify({ impl, provider, ms }));
