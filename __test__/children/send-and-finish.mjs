// Sends a few codes and then simply ends: the process must exit on its own
// (the Rust runtime and the connection pool must not hold the event loop).
// Also runs failure paths with a marker secret, printing every error so the
// parent can scan this process's stdout and stderr for the secret.
const { createAliyunSmsConnector, createTencentSmsConnector } = await import('../../index.js');
const { aliyunConfig, tencentConfig } = await import('../support/configs.mjs');

const [aliyunEndpoint, tencentEndpoint, marker] = process.argv.slice(2);
const data = { to: '8613812345678', type: 'SignIn', payload: { code: '123456' } };
const aliyun = await createAliyunSmsConnector({ getConfig: async () => aliyunConfig({ endpoint: aliyunEndpoint }) });
const tencent = await createTencentSmsConnector({ getConfig: async () => tencentConfig({ endpoint: tencentEndpoint }) });
for (let i = 0; i < 3; i += 1) {
  console.log(JSON.stringify(await aliyun.sendMessage(data)));
  console.log(JSON.stringify(await tencent.sendMessage(data)));
}
const failures = [
  [aliyun, aliyunConfig({ endpoint: aliyunEndpoint, accessKeySecret: marker })],
  [tencent, tencentConfig({ endpoint: tencentEndpoint, accessKeySecret: marker })],
  [aliyun, aliyunConfig({ endpoint: 'http://127.0.0.1:9/', accessKeySecret: marker })],
  [tencent, { ...tencentConfig({ endpoint: tencentEndpoint, accessKeySecret: marker }), timeoutMs: 'x' }],
];
for (const [connector, config] of failures) {
  try {
    await connector.sendMessage(data, config);
  } catch (error) {
    console.error(error);
    console.error(JSON.stringify({ message: error.message, data: error.data }));
  }
}
console.log('done');
