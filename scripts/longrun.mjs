#!/usr/bin/env node
// Long run (not part of npm test): 100,000 sends at concurrency 64 through both
// connectors against the provider simulators, with about 1% faults (5xx pages,
// stalls past the deadline, resets, non-JSON answers, throttling, refused
// connections). Checks: no crash, every promise settled, no number received
// twice, RSS and open file descriptors flat after warm-up.
//
//   node scripts/longrun.mjs [--sends 100000] [--concurrency 64]
//
// The simulators run in this process; the connectors run in a child process, so
// the child's memory and descriptors are the connector's alone.
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';

import { startAliyunSimulator, startTencentSimulator } from '../__test__/simulator/index.mjs';

const { values } = parseArgs({ options: { sends: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '64' } } });
const sends = Number(values.sends);
const concurrency = Number(values.concurrency);

const [aliyun, tencent] = await Promise.all([startAliyunSimulator(), startTencentSimulator()]);
const faults = [
  { status: 502, raw: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' },
  { stallBeforeHeaders: true },
  { resetMidResponse: true },
  { status: 200, raw: 'not json', contentType: 'text/plain' },
];
let faultIndex = 0;
const started = Date.now();
const sender = fork(new URL('./longrun-sender.mjs', import.meta.url), [aliyun.endpoint, tencent.endpoint, String(sends), String(concurrency)], { execArgv: ['--expose-gc'] });
const report = await new Promise((resolve, reject) => {
  sender.on('message', (message) => {
    if (message.fault) {
      // The next request to reach that simulator gets the fault.
      const simulator = message.fault === 'aliyun' ? aliyun : tencent;
      const fault = faults[faultIndex++ % faults.length];
      simulator.script(fault.stallBeforeHeaders ? fault : { ...fault });
      if (faultIndex % 5 === 0) simulator.script(message.fault === 'aliyun' ? { businessCode: 'isv.BUSINESS_LIMIT_CONTROL' } : { errorCode: 'LimitExceeded.PhoneNumberThirtySecondLimit', level: 'number' });
    } else if (message.report) {
      resolve(message.report);
    }
  });
  sender.on('exit', (code, signal) => (code === 0 ? undefined : reject(new Error(`sender exited with ${code ?? signal}`))));
});
await new Promise((resolve) => sender.on('exit', resolve));

const perNumber = new Map();
for (const request of [...aliyun.requests, ...tencent.requests]) {
  const number = request.params?.PhoneNumbers ?? request.body?.PhoneNumberSet?.[0];
  if (number) perNumber.set(number, (perNumber.get(number) ?? 0) + 1);
}
const twice = [...perNumber.values()].filter((count) => count > 1).length;
await Promise.all([aliyun.close(), tencent.close()]);

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log(`sends: ${report.sent} settled ${report.settled} (ok ${report.ok}, failed ${report.failed}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`failures by code: ${JSON.stringify(report.byCode)}`);
console.log(`requests received: ${aliyun.requests.length + tencent.requests.length}; numbers received more than once: ${twice}`);
console.log(`RSS after warm-up ${mb(report.rss.warm)}, at the end ${mb(report.rss.end)}; fds ${report.fds.warm} -> ${report.fds.end}; threads ${report.threads.warm} -> ${report.threads.end}`);
console.log('samples (after a full GC): settled  RSS  JS heap  fds  threads');
for (const s of report.samples) console.log(`  ${String(s.settled).padStart(7)}  ${mb(s.rss)}  ${mb(s.heapUsed)}  ${s.fds}  ${s.threads}`);
const ok = report.settled === report.sent && twice === 0 && report.nonConnectorErrors === 0;
console.log(ok ? 'PASS' : 'FAIL');
process.exit(ok ? 0 : 1);
