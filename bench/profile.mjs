// A steady load through one of our direct connectors, for a profiler to watch:
// the canned loopback responder in its own process, then `--n` sends at
// `--concurrency` through the connector folder Logto would load, log line on.
//
//   perf record -F 999 -g -o /tmp/perf.data -- node --perf-basic-prof bench/profile.mjs --provider tencent 2>/dev/null
//   node --cpu-prof --cpu-prof-dir /tmp/prof bench/profile.mjs --provider aliyun
//
// `--entry` points at another folder's lib/index.js (a build with symbols,
// say: the shipped binaries are stripped). Prints sends/s and CPU µs per send
// on stdout; the log lines go to stderr, as in Logto (send it to /dev/null).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { startResponder } from './child.mjs';
import { MESSAGE, benchConfig, oursEntry } from './impls.mjs';

const { values } = parseArgs({
  options: {
    provider: { type: 'string', default: 'tencent' },
    entry: { type: 'string' },
    n: { type: 'string', default: '40000' },
    concurrency: { type: 'string', default: '64' },
  },
});
const n = Number(values.n);
const concurrency = Number(values.concurrency);
const { child: responder, port } = await startResponder();
try {
  const config = await benchConfig(values.provider, `http://127.0.0.1:${port}/`);
  const entry = values.entry ? path.resolve(values.entry) : oursEntry(values.provider);
  const { default: createConnector } = await import(pathToFileURL(entry).href);
  const connector = await createConnector({ getConfig: async () => config });
  const run = async (count) => {
    let next = 0;
    const lane = async () => {
      while (next < count) {
        next += 1;
        await connector.sendMessage(MESSAGE);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  };
  await run(Math.min(2000, n));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(n);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      provider: values.provider,
      n,
      concurrency,
      sendsPerSec: Math.round(n / seconds),
      cpuUsPerSend: Number(((cpu.user + cpu.system) / n).toFixed(1)),
    })
  );
} finally {
  responder.kill();
}
process.exit(0);
