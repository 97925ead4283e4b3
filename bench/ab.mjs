// Two builds of the direct connectors, paired: CPU per send and throughput of
// each, in alternating fresh processes (bench/profile.mjs: the canned
// loopback responder, concurrency 64, log line on and written to /dev/null),
// then the median of the per-pair ratios B/A.
//
//   node bench/ab.mjs --a ../old/dist --b dist [--pairs 8] [--n 40000]
//
// `--a`/`--b` are dist folders (each holding connector-<provider>-sms-native/);
// an older checkout's folder needs node_modules beside it to resolve the kit.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { median } from './stats.mjs';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string', default: 'dist' },
    pairs: { type: 'string', default: '8' },
    n: { type: 'string', default: '40000' },
    providers: { type: 'string', default: 'aliyun,tencent' },
  },
});
if (!values.a) throw new Error('--a <dist folder> is required');
const profile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'profile.mjs');
const run = (dist, provider) => {
  const entry = path.resolve(dist, `connector-${provider}-sms-native`, 'lib', 'index.js');
  const out = execFileSync(process.execPath, [profile, '--provider', provider, '--entry', entry, '--n', values.n], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out.trim().split('\n').at(-1));
};
const rows = [];
for (const provider of values.providers.split(',')) {
  const cpu = [];
  const rate = [];
  const a = { cpu: [], rate: [] };
  const b = { cpu: [], rate: [] };
  for (let pair = 0; pair < Number(values.pairs); pair += 1) {
    // The start order alternates, so drift in the machine's state hits both.
    const order = pair % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
    const result = {};
    for (const side of order) result[side] = run(values[side], provider);
    for (const [side, into] of [['a', a], ['b', b]]) {
      into.cpu.push(result[side].cpuUsPerSend);
      into.rate.push(result[side].sendsPerSec);
    }
    cpu.push(result.b.cpuUsPerSend / result.a.cpuUsPerSend);
    rate.push(result.b.sendsPerSec / result.a.sendsPerSec);
    console.error(`[ab] ${provider} pair ${pair + 1}: A ${result.a.cpuUsPerSend} µs, B ${result.b.cpuUsPerSend} µs CPU/send`);
  }
  rows.push(
    `| ${provider} | ${median(a.cpu).toFixed(1)} | ${median(b.cpu).toFixed(1)} | ${median(cpu).toFixed(3)}× | ` +
      `${Math.round(median(a.rate))} | ${Math.round(median(b.rate))} | ${median(rate).toFixed(3)}× |`
  );
}
console.log(`A: ${values.a}, B: ${values.b}; ${values.pairs} pairs of fresh processes, ${values.n} sends each at concurrency 64; medians.\n`);
console.log('| provider | A CPU µs/send | B CPU µs/send | B/A CPU (median of pairs) | A sends/s | B sends/s | B/A sends/s |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
