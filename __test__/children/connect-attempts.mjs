// Runs inside a network namespace of its own (see __test__/support/netns.mjs),
// where the kernel's TCP counters count only this process's connections: how
// many TCP connection attempts did one send make? Prints one JSON line.
//   node connect-attempts.mjs <aliyun|tencent> <refused|unanswered>
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { createAliyunSmsConnector, createTencentSmsConnector } from '../../index.js';
import { aliyunConfig, settle, tencentConfig } from '../support/configs.mjs';
import { closedPort } from '../support/ports.mjs';

const [provider, scenario] = process.argv.slice(2);

/** Tcp ActiveOpens: connection attempts this namespace made (SYNs sent). */
const activeOpens = () => {
  const [names, values] = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('Tcp:'))
    .map((line) => line.split(/\s+/));
  return Number(values[names.indexOf('ActiveOpens')]);
};

let blackhole;
const unansweredPort = async () => {
  blackhole = spawn('python3', [new URL('../support/blackhole.py', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await createInterface({ input: blackhole.stdout })[Symbol.asyncIterator]().next().then(({ value }) => [value]);
  return Number(line);
};

const port = scenario === 'unanswered' ? await unansweredPort() : await closedPort();
const endpoint = `http://127.0.0.1:${port}/`;
const base = { endpoint: `http://127.0.0.1:1/` };
const [create, config] =
  provider === 'aliyun'
    ? [createAliyunSmsConnector, aliyunConfig(base, { endpoint, timeoutMs: 3000 })]
    : [createTencentSmsConnector, tencentConfig(base, { endpoint, timeoutMs: 3000 })];
const connector = await create({ getConfig: async () => config });
const before = activeOpens();
const started = Date.now();
const { value, error } = await settle(connector.sendMessage({ to: '8613812345678', type: 'SignIn', payload: { code: '123456' } }));
const attempts = activeOpens() - before;
blackhole?.kill();
console.log(JSON.stringify({ attempts, ms: Date.now() - started, value, code: error?.code, description: error?.data?.errorDescription }));
