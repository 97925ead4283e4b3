// Ours against the ceiling only (our transport alone, bench/impls.mjs), at one
// concurrency, in alternating fresh processes: a quicker check of the
// ours/ceiling ratio than the whole `npm run bench`, with each side's CPU per
// send split by thread (main = JS and N-API, rust = the tokio workers).
//
//   node bench/ceiling.mjs [--rounds 6] [--n 20000] [--concurrency 64] [--providers aliyun,tencent]
//
// Needs the benchmark addon (target/bench/, built by `npm run bench`).
import path from 'node:path';
import { parseArgs } from 'node:util';

import { runJson, startResponder } from './child.mjs';
import { PROVIDERS, ROOT, benchConfig, captureOurs } from './impls.mjs';
import { median } from './stats.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    n: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    providers: { type: 'string', default: PROVIDERS.join(',') },
  },
});
const concurrency = Number(values.concurrency);
const { child: responder, port } = await startResponder();
process.on('exit', () => responder.kill());
const endpoint = (provider) => (provider === 'aliyun' ? `http://127.0.0.1:${port}/` : `http://127.0.0.1:${port}`);


const fmt = (x, digits = 1) => x.toFixed(digits);
console.log(`ours vs ceiling, c=${concurrency}, ${values.rounds} rounds of ${values.n} sends per side, fresh processes, medians\n`);
console.log('| provider | ours sends/s | ceiling sends/s | ours/ceiling | ours CPU µs (main / rust) | ceiling CPU µs (main / rust) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const provider of values.providers.split(',')) {
  const config = await benchConfig(provider, endpoint(provider));
  const request = await captureOurs(provider, { port, endpoint: endpoint(provider), config });
  const sides = { ours: [], ceiling: [] };
  const ratios = [];
  for (let round = 0; round < Number(values.rounds); round += 1) {
    const order = round % 2 === 0 ? ['ours', 'ceiling'] : ['ceiling', 'ours'];
    const result = {};
    for (const impl of order) {
      const input = { impl, provider, endpoint: endpoint(provider), config, request, concurrency, n: Number(values.n), warmup: Math.max(500, 2 * concurrency) };
      result[impl] = await runJson(path.join(ROOT, 'bench', 'worker.mjs'), [], { input });
      if (result[impl].errors > 0) throw new Error(`${impl}: ${result[impl].errors} failed sends, first: ${result[impl].firstError}`);
      sides[impl].push(result[impl]);
    }
    ratios.push(result.ours.sendsPerSec / result.ceiling.sendsPerSec);
    console.error(`[ceiling] ${provider} round ${round + 1}: ours ${Math.round(result.ours.sendsPerSec)}/s, ceiling ${Math.round(result.ceiling.sendsPerSec)}/s`);
  }
  const cell = (impl) => {
    const runs = sides[impl];
    const m = (pick) => median(runs.map(pick));
    return {
      rate: m((r) => r.sendsPerSec),
      cpu: `${fmt(m((r) => r.cpuUsPerSend))} (${fmt(m((r) => r.threads.main?.usPerSend ?? NaN))} / ${fmt(m((r) => r.threads.rust?.usPerSend ?? NaN))})`,
    };
  };
  const ours = cell('ours');
  const ceiling = cell('ceiling');
  console.log(`| ${provider} | ${Math.round(ours.rate)} | ${Math.round(ceiling.rate)} | ${fmt(median(ratios), 3)}× | ${ours.cpu} | ${ceiling.cpu} |`);
}
process.exit(0);
