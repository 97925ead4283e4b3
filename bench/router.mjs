// The SMS router against our direct connector, in one process: both load the
// same addon (one runtime, one connection pool), and timed blocks of sends
// alternate between them (ABBA order), so that a busy machine slows both alike.
// CPU per send is `process.cpuUsage()` over a block; the ratio is the median of
// the per-pair ratios. Prints one JSON line.
//
// Input (env BENCH_INPUT): { provider, endpoint, config, concurrency, n, pairs, warmup }
import { pathToFileURL } from 'node:url';

import { MESSAGE, oursEntry, routerConfig, routerEntry } from './impls.mjs';
import { median } from './stats.mjs';

const { provider, config, concurrency, n, pairs, warmup } = JSON.parse(process.env.BENCH_INPUT);

const load = async (entry, getConfig) => {
  const { default: createConnector } = await import(pathToFileURL(entry).href);
  return createConnector({ getConfig });
};
const direct = await load(oursEntry(provider), async () => config);
const router = await load(routerEntry, async () => routerConfig(provider, config));

let errors = 0;
let firstError;
/** `count` sends with `concurrency` in flight; returns CPU µs per send. */
const block = async (connector, count) => {
  let next = 0;
  const started = process.cpuUsage();
  const lane = async () => {
    while (next < count) {
      next += 1;
      try {
        await connector.sendMessage(MESSAGE);
      } catch (error) {
        errors += 1;
        firstError ??= `${error?.code ?? ''} ${error?.message ?? error}`.trim();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  const used = process.cpuUsage(started);
  return (used.user + used.system) / count;
};

await block(direct, warmup);
await block(router, warmup);
const cpu = { direct: [], router: [] };
const ratios = [];
for (let pair = 0; pair < pairs; pair += 1) {
  const order = pair % 2 === 0 ? ['direct', 'router'] : ['router', 'direct'];
  const got = {};
  for (const which of order) got[which] = await block(which === 'direct' ? direct : router, n);
  cpu.direct.push(got.direct);
  cpu.router.push(got.router);
  ratios.push(got.router / got.direct);
}
console.log(
  JSON.stringify({
    provider,
    concurrency,
    directUs: median(cpu.direct),
    routerUs: median(cpu.router),
    ratio: median(ratios),
    errors,
    firstError,
  })
);
// Pooled keep-alive sockets must not hold the process open.
process.exit(0);
