// The connector side of scripts/longrun.mjs (a child process): sends with unique
// numbers, asks the parent for a fault before about 1% of them, and reports.
import { readdirSync } from 'node:fs';

import { ConnectorError } from '@logto/connector-kit';

import { createAliyunSmsConnector, createTencentSmsConnector } from '../index.js';
import { aliyunConfig, tencentConfig } from '../__test__/support/configs.mjs';

const [aliyunEndpoint, tencentEndpoint, total, concurrencyText] = process.argv.slice(2);
const sends = Number(total);
const concurrency = Number(concurrencyText);
const providers = [
  { name: 'aliyun', create: createAliyunSmsConnector, config: aliyunConfig({ endpoint: aliyunEndpoint, timeoutMs: 1000 }) },
  { name: 'tencent', create: createTencentSmsConnector, config: tencentConfig({ endpoint: tencentEndpoint, timeoutMs: 1000 }) },
];
const refused = (config) => ({ ...config, endpoint: 'http://127.0.0.1:9/' });
const sample = () => {
  // A full GC first (the child runs with --expose-gc), so the heap figure is what is retained.
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, fds: readdirSync('/proc/self/fd').length, threads: readdirSync('/proc/self/task').length };
};
const samples = [];

let next = 0;
let settled = 0;
let ok = 0;
let nonConnectorErrors = 0;
const byCode = {};
let warm;

const one = async (index) => {
  const provider = providers[index % 2];
  // Logto calls createConnector for every lookup; so does this.
  const connector = await provider.create({ getConfig: async () => provider.config });
  const roll = index % 100;
  let config;
  if (roll === 37) process.send({ fault: provider.name });
  if (index % 500 === 123) config = refused(provider.config);
  // Unique mainland number per send: a number seen twice is a double send.
  const to = `86139${String(index).padStart(8, '0')}`;
  try {
    await connector.sendMessage({ to, type: 'SignIn', payload: { code: String(100000 + (index % 900000)) } }, config);
    ok += 1;
  } catch (error) {
    if (!(error instanceof ConnectorError)) nonConnectorErrors += 1;
    byCode[error.code ?? 'not-a-connector-error'] = (byCode[error.code] ?? 0) + 1;
  }
  settled += 1;
  if (settled === Math.min(10_000, Math.floor(sends / 5))) warm = sample();
  if (settled % Math.max(1, Math.floor(sends / 10)) === 0) samples.push({ settled, ...sample() });
};

const lane = async () => {
  while (next < sends) await one(next++);
};
await Promise.all(Array.from({ length: concurrency }, lane));
const end = sample();
warm ??= end;
process.send({
  report: {
    sent: sends,
    settled,
    ok,
    failed: settled - ok,
    byCode,
    nonConnectorErrors,
    rss: { warm: warm.rss, end: end.rss },
    fds: { warm: warm.fds, end: end.fds },
    threads: { warm: warm.threads, end: end.threads },
    samples,
  },
});
