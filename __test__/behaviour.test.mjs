// The behaviour suite run four ways: ours and the official npm connectors,
// Aliyun and Tencent, each against its loopback simulator. The official
// connectors are copied and redirected to the simulators by
// support/official.mjs (they would otherwise call the real providers).
import { after } from 'node:test';

import { createAliyunSmsConnector, createTencentSmsConnector } from '../index.js';
import { ALIYUN_DEFAULTS, TENCENT_DEFAULTS, startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';
import { loadOfficialAliyun, loadOfficialTencent } from './support/official.mjs';
import { behaviourSuite } from './suites/behaviour.mjs';

// No skip path: a simulator or an official connector that cannot start fails the file.
const aliyunSim = await startAliyunSimulator();
const tencentSim = await startTencentSimulator();
const officialAliyun = await loadOfficialAliyun(aliyunSim.endpoint);
const officialTencent = await loadOfficialTencent(tencentSim.endpoint);

after(async () => {
  officialAliyun.cleanup();
  officialTencent.cleanup();
  await Promise.all([aliyunSim.close(), tencentSim.close()]);
});

const aliyunConfig = {
  accessKeyId: ALIYUN_DEFAULTS.accessKeyId,
  accessKeySecret: ALIYUN_DEFAULTS.accessKeySecret,
  signName: ALIYUN_DEFAULTS.signNames[0],
  templates: [], // the suite fills in the templates it needs
};
const tencentConfig = {
  accessKeyId: TENCENT_DEFAULTS.secretId,
  accessKeySecret: TENCENT_DEFAULTS.secretKey,
  signName: TENCENT_DEFAULTS.signNames[0],
  sdkAppId: TENCENT_DEFAULTS.sdkAppId,
  region: TENCENT_DEFAULTS.region,
  templates: [],
};

behaviourSuite({
  provider: 'aliyun',
  impl: 'ours',
  createConnector: createAliyunSmsConnector,
  simulator: aliyunSim,
  config: { ...aliyunConfig, endpoint: aliyunSim.endpoint },
});
behaviourSuite({
  provider: 'aliyun',
  impl: 'official',
  createConnector: officialAliyun.createConnector,
  simulator: aliyunSim,
  config: aliyunConfig,
});
behaviourSuite({
  provider: 'tencent',
  impl: 'ours',
  createConnector: createTencentSmsConnector,
  simulator: tencentSim,
  config: { ...tencentConfig, endpoint: tencentSim.endpoint },
});
behaviourSuite({
  provider: 'tencent',
  impl: 'official',
  createConnector: officialTencent.createConnector,
  simulator: tencentSim,
  config: tencentConfig,
});
