// Runs inside a worker thread: loads the addon, sends one code through each
// provider to the simulators whose endpoints it is given, reports, and exits.
import { parentPort, workerData } from 'node:worker_threads';

const { createAliyunSmsConnector, createTencentSmsConnector } = await import('../../index.js');
const { aliyunConfig, tencentConfig } = await import('../support/configs.mjs');

const data = { to: '8613812345678', type: 'SignIn', payload: { code: '123456' } };
const aliyun = await createAliyunSmsConnector({ getConfig: async () => aliyunConfig({ endpoint: workerData.aliyun }) });
const tencent = await createTencentSmsConnector({ getConfig: async () => tencentConfig({ endpoint: workerData.tencent }) });
const results = [(await aliyun.sendMessage(data)).Code, (await tencent.sendMessage(data)).Response.SendStatusSet[0].Code];
parentPort.postMessage(results);
