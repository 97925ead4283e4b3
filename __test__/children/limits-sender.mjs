// Sends `count` codes through one connector at `concurrency`, then prints one
// JSON line: how many were sent and how many were refused, by code and by
// `data.limit`. Every error message and data object is also written to stderr
// so the parent can scan this process's output for secrets.
// Usage: node limits-sender.mjs <aliyun|tencent> <config JSON> <count> <concurrency>
const { createAliyunSmsConnector, createTencentSmsConnector } = await import('../../index.js');

const [provider, configJson, count, concurrency] = process.argv.slice(2);
const config = JSON.parse(configJson);
const create = provider === 'aliyun' ? createAliyunSmsConnector : createTencentSmsConnector;
const connector = await create({ getConfig: async () => config });
const data = { to: '8613812345678', type: 'SignIn', payload: { code: '123456' } };

const result = { sent: 0, refused: {}, limits: {} };
let next = 0;
const worker = async () => {
  while (next < Number(count)) {
    next += 1;
    try {
      await connector.sendMessage(data);
      result.sent += 1;
    } catch (error) {
      result.refused[error.code] = (result.refused[error.code] ?? 0) + 1;
      const limit = error.data?.limit ?? 'none';
      result.limits[limit] = (result.limits[limit] ?? 0) + 1;
      console.error(JSON.stringify({ message: error.message, data: error.data }));
    }
  }
};
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
console.log(JSON.stringify(result));
