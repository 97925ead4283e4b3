// A process where only worker threads ever load the addon, the case where
// napi-rs shuts its runtime down when the last worker exits. It must not crash:
// the parent checks the exit code and the last line.
import { Worker } from 'node:worker_threads';

const [aliyun, tencent] = process.argv.slice(2);
for (let round = 0; round < 3; round += 1) {
  const results = await new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker-send.mjs', import.meta.url), { workerData: { aliyun, tencent } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  console.log(`round ${round}: ${results.join(',')}`);
  // Let the worker exit completely (and its runtime wind down) before the next one.
  await new Promise((resolve) => setTimeout(resolve, 200));
}
await new Promise((resolve) => setTimeout(resolve, 500));
console.log('main thread still alive');
