// Threads and memory of a process that has loaded two connector folders, as
// Logto does, and sent one code through each (to the loopback simulators).
//   node bench/two-folders.mjs [dist folder, default ./dist]
// Prints one JSON line: threads, RSS and the addon copies loaded.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { aliyunConfig, tencentConfig } from '../__test__/support/configs.mjs';
import { startAliyunSimulator, startTencentSimulator } from '../__test__/simulator/index.mjs';

const dist = path.resolve(process.argv[2] ?? 'dist');
const load = async (name) => (await import(pathToFileURL(path.join(dist, name, 'lib', 'index.js')).href)).default;
const data = { to: '8613812345678', type: 'SignIn', payload: { code: '123456' } };

const [aliyun, tencent] = await Promise.all([startAliyunSimulator(), startTencentSimulator()]);
const viaAliyun = await (await load('connector-aliyun-sms-native'))({ getConfig: async () => aliyunConfig(aliyun) });
const viaTencent = await (await load('connector-tencent-sms-native'))({ getConfig: async () => tencentConfig(tencent) });
for (let round = 0; round < 20; round += 1) {
  await Promise.all([viaAliyun.sendMessage(data), viaTencent.sendMessage(data)]);
}
globalThis.gc?.();
const mappedAddons = new Set(
  readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .map((line) => line.split(/\s+/).slice(5).join(' '))
    .filter((file) => file.endsWith('.node'))
);
console.log(
  JSON.stringify({
    dist,
    threads: readdirSync('/proc/self/task').length,
    rssMB: Number((process.memoryUsage().rss / 2 ** 20).toFixed(1)),
    addonFilesMapped: mappedAddons.size,
  })
);
await Promise.all([aliyun.close(), tencent.close()]);
