#!/usr/bin/env node
// npm run demo: starts the local provider simulators, loads the connector
// folders from dist/ with Logto's own loader, sends a verification code through
// each to a mainland and an overseas number (and one through an Aliyun
// international-site account), and shows what the provider received and
// answered; then three sends through the SMS router (a China number, an
// overseas number, a failover) with the route and the attempts. Exits when
// done; nothing is left running.
import { ConnectorError } from '@logto/connector-kit';

import { ALIYUN_DEFAULTS, TENCENT_DEFAULTS, startAliyunSimulator, startTencentSimulator } from '../__test__/simulator/index.mjs';
import { USAGE_TYPES } from '../__test__/support/configs.mjs';
import { buildConnector, distFolder, loadFactories, scratchInstance } from '../__test__/support/logto-instance.mjs';

const bold = (text) => (process.stdout.isTTY ? `\u001B[1m${text}\u001B[0m` : text);
const indent = (text, pad = '      ') => text.split('\n').map((line) => pad + line).join('\n');

/** The route a number takes (the router decides; this is for the printout). */
const routeFor = (routes, digits) => {
  let best;
  for (const route of routes) {
    for (const prefix of route.prefixes) {
      const length = prefix === '*' ? 0 : digits.startsWith(prefix) ? prefix.length : -1;
      if (length >= 0 && (best === undefined || length > best.length)) best = { route, length };
    }
  }
  return best?.route;
};

/** Runs `send` and returns the send log line it wrote (stderr), kept off the screen. */
const withLogLine = async (send) => {
  // The glue writes a turn's log lines when the turn ends (js/send-log.js):
  // earlier sends' lines go out first, and this send's before it is read.
  const turnEnd = () => new Promise((resolve) => setImmediate(resolve));
  await turnEnd();
  const write = process.stderr.write;
  const saved = process.env.LOGTO_SMS_LOG;
  const lines = [];
  process.env.LOGTO_SMS_LOG = '';
  process.stderr.write = (chunk, ...rest) => {
    lines.push(String(chunk));
    return typeof rest.at(-1) === 'function' ? (rest.at(-1)(), true) : true;
  };
  try {
    const result = await send();
    await turnEnd();
    return { result, line: JSON.parse(lines.join('').trim().split('\n').at(-1)) };
  } finally {
    process.stderr.write = write;
    if (saved === undefined) delete process.env.LOGTO_SMS_LOG;
    else process.env.LOGTO_SMS_LOG = saved;
  }
};

/** Three sends through the SMS router: China, overseas, a failover. Returns how many were sent. */
const demoRouter = async (factory, aliyunConfig, tencentConfig) => {
  const config = {
    providers: [
      { name: 'aliyun-cn', type: 'aliyun', config: aliyunConfig },
      { name: 'tencent', type: 'tencent', config: tencentConfig },
    ],
    routes: [
      { prefixes: ['86'], use: ['aliyun-cn', 'tencent'] },
      { prefixes: ['*'], use: ['tencent'] },
    ],
  };
  console.log(`\n${bold('The SMS router (sms-router-native): one Logto connector, two accounts')}`);
  console.log(indent(JSON.stringify({ providers: config.providers.map(({ name, type }) => ({ name, type, config: '{…}' })), routes: config.routes })));
  const connector = await buildConnector(factory, config);
  const sends = [
    { to: '8613812345678', label: 'mainland China' },
    { to: '447911123456', label: 'overseas, UK' },
    { to: '8613912345678', label: 'mainland China, failover: the simulator says aliyun-cn reached its daily limit', arrange: () => aliyun.script({ businessCode: 'isv.DAY_LIMIT_CONTROL' }) },
  ];
  for (const send of sends) {
    send.arrange?.();
    const route = routeFor(config.routes, send.to);
    console.log(`\n${bold(`Router: SignIn code to ${send.to} (${send.label})`)}`);
    console.log(`  route: prefixes ${JSON.stringify(route.prefixes)} -> use ${JSON.stringify(route.use)}`);
    const { result, line } = await withLogLine(() => connector.sendMessage({ to: send.to, type: 'SignIn', payload: { code: '123456' } }));
    for (const attempt of line.attempts) {
      console.log(`  attempt: ${attempt.name} (${attempt.type}) -> ${attempt.outcome}${attempt.scope ? `, scope ${attempt.scope}` : ''}${attempt.Code ? ` [${attempt.Code}]` : ''}`);
    }
    const answered = result.Code ?? result.Response?.SendStatusSet?.[0]?.Code;
    console.log(`  sent by ${line.account} (${line.provider}), provider answered ${answered}; log line: ${JSON.stringify(line)}`);
  }
  return sends.length;
};

const [aliyun, tencent] = await Promise.all([startAliyunSimulator(), startTencentSimulator()]);
const instance = scratchInstance([distFolder('connector-aliyun-sms-native'), distFolder('connector-tencent-sms-native'), distFolder('connector-sms-router-native')]);

try {
  console.log(bold('Logto SMS connectors, native: demo'));
  console.log(`Provider simulators (loopback, signatures verified with node:crypto):\n  Aliyun  ${aliyun.endpoint}\n  Tencent ${tencent.endpoint}\n`);

  const factories = await loadFactories(instance.connectorsDir);
  console.log(`Loaded with Logto's loader (@logto/cli) from a scratch packages/core/connectors/:`);
  for (const factory of factories) console.log(`  ${factory.name.padEnd(30)} id=${factory.metadata.id}  type=${factory.type}`);
  const byId = Object.fromEntries(factories.map((factory) => [factory.metadata.id, factory]));

  const aliyunConfig = {
    accessKeyId: ALIYUN_DEFAULTS.accessKeyId,
    accessKeySecret: ALIYUN_DEFAULTS.accessKeySecret,
    signName: 'Logto',
    templates: USAGE_TYPES.map((usageType, i) => ({ usageType, templateCode: { china: ALIYUN_DEFAULTS.mainlandTemplates[i], overseas: ALIYUN_DEFAULTS.overseasTemplate } })),
    endpoint: aliyun.endpoint,
  };
  // An account opened on alibabacloud.com: Dysmsapi 2018-05-01. Overseas
  // numbers get the template's own text; mainland numbers its approved code.
  const aliyunIntlConfig = {
    accessKeyId: ALIYUN_DEFAULTS.accessKeyId,
    accessKeySecret: ALIYUN_DEFAULTS.accessKeySecret,
    signName: 'Logto',
    site: 'international',
    senderId: 'Logto',
    templates: USAGE_TYPES.map((usageType, i) => ({
      usageType,
      templateCode: ALIYUN_DEFAULTS.mainlandTemplates[i],
      message: 'Your Logto verification code is {code}. It expires in 10 minutes.',
    })),
    endpoint: aliyun.endpoint,
  };
  const tencentConfig = {
    accessKeyId: TENCENT_DEFAULTS.secretId,
    accessKeySecret: TENCENT_DEFAULTS.secretKey,
    signName: 'Logto',
    sdkAppId: TENCENT_DEFAULTS.sdkAppId,
    region: TENCENT_DEFAULTS.region,
    templates: USAGE_TYPES.map((usageType, i) => ({ usageType, templateCode: { china: TENCENT_DEFAULTS.mainlandTemplates[i], overseas: TENCENT_DEFAULTS.internationalTemplate } })),
    endpoint: tencent.endpoint,
  };

  const sends = [
    { provider: 'Aliyun', id: 'aliyun-short-message-service', simulator: aliyun, config: aliyunConfig, to: '8613812345678', label: 'mainland China' },
    { provider: 'Aliyun', id: 'aliyun-short-message-service', simulator: aliyun, config: aliyunConfig, to: '447911123456', label: 'overseas, UK' },
    { provider: 'Aliyun', id: 'aliyun-short-message-service', simulator: aliyun, config: aliyunIntlConfig, to: '447911123456', label: 'overseas, UK, international-site account' },
    { provider: 'Tencent', id: 'tencent-short-message-service', simulator: tencent, config: tencentConfig, to: '8613812345678', label: 'mainland China' },
    { provider: 'Tencent', id: 'tencent-short-message-service', simulator: tencent, config: tencentConfig, to: '447911123456', label: 'overseas, UK' },
  ];

  for (const send of sends) {
    const data = { to: send.to, type: 'SignIn', payload: { code: '123456', locale: 'en', uiLocales: 'en zh-CN' } };
    console.log(`\n${bold(`${send.provider}: SignIn code to ${send.to} (${send.label})`)}`);
    console.log(`  sendMessage(${JSON.stringify(data)})`);
    const connector = await buildConnector(byId[send.id], send.config);
    const answer = await connector.sendMessage(data);
    const request = send.simulator.requests.at(-1);
    console.log(`  provider received: ${request.method} ${request.path} (signature verified: ${request.verdict === 'ok' ? 'yes' : request.verdict})`);
    if (request.params?.Action === 'SendSms') {
      const { Action, PhoneNumbers, SignName, TemplateCode, TemplateParam, Timestamp, SignatureNonce } = request.params;
      console.log(indent(JSON.stringify({ Action, PhoneNumbers, SignName, TemplateCode, TemplateParam, Timestamp, SignatureNonce }, null, 2)));
    } else if (request.params) {
      const { Action, Version, RegionId, To, From, Message, Type, Timestamp, SignatureNonce } = request.params;
      console.log(indent(JSON.stringify({ Action, Version, RegionId, To, From, Message, Type, Timestamp, SignatureNonce }, null, 2)));
    } else {
      const { 'x-tc-action': action, 'x-tc-region': region, 'x-tc-timestamp': timestamp, host } = request.headers;
      console.log(indent(`headers: X-TC-Action=${action} X-TC-Region=${region} X-TC-Timestamp=${timestamp} Host=${host}`));
      console.log(indent(JSON.stringify(request.body, null, 2)));
    }
    console.log(`  provider answered: HTTP ${request.status}`);
    console.log(indent(JSON.stringify(answer, null, 2)));
  }

  console.log(`\n${bold('A failure, as Logto sees it: wrong access key secret (Aliyun)')}`);
  const broken = await buildConnector(byId['aliyun-short-message-service'], { ...aliyunConfig, accessKeySecret: 'not-the-secret' });
  try {
    await broken.sendMessage({ to: '8613812345678', type: 'SignIn', payload: { code: '123456' } });
    throw new Error('the broken config unexpectedly worked');
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    console.log(`  ConnectorError code=${error.code}`);
    console.log(indent(JSON.stringify(error.data, null, 2)));
  }
  const routed = await demoRouter(byId['sms-router-native'], aliyunConfig, tencentConfig);
  console.log(`\nDone: ${sends.length + routed} codes sent, every request signed correctly, only the code sent (as template parameter, or in the international-site text).`);
} finally {
  instance.remove();
  await Promise.all([aliyun.close(), tencent.close()]);
}
