// Sends one code through one connector in a process of its own (so that the
// environment it starts with, proxies or LOGTO_SMS_LOG, is what it runs with),
// and prints the result as one JSON line on stdout.
//   node send-once.mjs <aliyun|tencent> <endpoint> [config overrides as JSON] [message data as JSON] [times]
// With `times`, sends that many codes one after another and prints the last result.
import { createAliyunSmsConnector, createTencentSmsConnector } from '../../index.js';
import { aliyunConfig, settle, tencentConfig } from '../support/configs.mjs';

const [provider, endpoint, overrides = '{}', dataJson, times = '1'] = process.argv.slice(2);
const [create, config] =
  provider === 'aliyun'
    ? [createAliyunSmsConnector, aliyunConfig({ endpoint }, JSON.parse(overrides))]
    : [createTencentSmsConnector, tencentConfig({ endpoint }, JSON.parse(overrides))];
const data = dataJson ? JSON.parse(dataJson) : { to: '8613812345678', type: 'SignIn', payload: { code: '123456' } };
const connector = await create({ getConfig: async () => config });
let outcome;
for (let i = 0; i < Number(times); i += 1) outcome = await settle(connector.sendMessage(data));
const { value, error } = outcome;
console.log(JSON.stringify({ value, code: error?.code, description: error?.data?.errorDescription, data: error?.data }));
// Exit in the same turn as the last send settled: its log line is still in
// the glue's buffer (js/send-log.js) and must come out on 'exit'.
process.exit(0);
