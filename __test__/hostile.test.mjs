// Hostile input, both providers: configs and message data generated to break
// things. Whatever comes in, the answer is the host's ConnectorError with the
// right code (or a real send), never a crash, a hang, or a request that should
// not have been made.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';

import { createAliyunSmsConnector, createTencentSmsConnector } from '../index.js';
import { aliyunConfig, tencentConfig } from './support/configs.mjs';
import { startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';
import { rng } from './support/random.mjs';


const cyclic = () => {
  const object = { a: 1 };
  object.self = object;
  return object;
};
const deep = (levels) => {
  let value = {};
  for (let i = 0; i < levels; i += 1) value = { templates: [value] };
  return value;
};

// Values that break naive code: wrong types, JS-only values, invalid UTF-16,
// control characters, huge and deeply nested data, prototype-pollution keys.
const HOSTILE = [
  () => 42, () => -1, () => 2 ** 53 + 1, () => NaN, () => Infinity, () => -Infinity, () => 1n,
  () => true, () => null, () => undefined, () => '', () => ' ', () => '\u0000\u0001\u001f\u007f',
  () => '\ud800', () => 'a\udc00b', () => '😀'.repeat(10), () => 'x'.repeat(1_000_000),
  () => [], () => [[[[[]]]]], () => {}, () => ({}), () => Symbol('s'), () => new Date(0), () => new Map([['a', 1]]),
  () => JSON.parse('{"__proto__":{"polluted":true}}'), () => ({ constructor: { prototype: { polluted: true } } }),
  () => cyclic(), () => deep(2000), () => Array.from({ length: 100_000 }, () => 'SignIn'),
  () => 'file:///etc/passwd', () => 'ftp://example.com/', () => 'http://example.com/', () => 'http://user:pass@127.0.0.1:1/',
  () => 'https://user@sms.example.com/', () => 'https://sms.example.com/?q=1', () => 'not a url', () => 'javascript:alert(1)',
  () => 'http://[::1]:1/', () => 'http://127.0.0.2:1/', () => 'https://', () => '//sms.example.com',
];
const KEYS = ['accessKeyId', 'accessKeySecret', 'signName', 'sdkAppId', 'region', 'templates', 'strictPhoneRegionNumberCheck', 'endpoint', 'timeoutMs', 'site', 'senderId', '__proto__', 'constructor'];

const providers = {
  aliyun: { create: createAliyunSmsConnector, start: startAliyunSimulator, config: aliyunConfig },
  tencent: { create: createTencentSmsConnector, start: startTencentSimulator, config: tencentConfig },
};

for (const [name, provider] of Object.entries(providers)) {
  describe(`${name}: hostile input`, () => {
    let simulator;
    let connector;
    before(async () => {
      simulator = await provider.start();
      connector = await provider.create({ getConfig: async () => provider.config(simulator) });
    });
    after(() => simulator.close());

    it('400 generated configs: a guard failure sends nothing; a send ends in a result or a ConnectorError', async () => {
      const next = rng(name === 'aliyun' ? 7 : 11);
      const pick = (list) => list[Math.floor(next() * list.length)];
      const good = { to: '8613812345678', type: 'SignIn', payload: { code: '123456' } };
      for (let round = 0; round < 400; round += 1) {
        const config = provider.config(simulator, { timeoutMs: 2000 });
        const mutations = 1 + Math.floor(next() * 3);
        for (let m = 0; m < mutations; m += 1) {
          const value = pick(HOSTILE)();
          if (next() < 0.3 && Array.isArray(config.templates)) {
            const template = { ...config.templates[Math.floor(next() * config.templates.length)] };
            template[pick(['usageType', 'templateCode', 'type', 'message', '__proto__'])] = value;
            config.templates = [...config.templates, template];
          } else {
            Object.defineProperty(config, pick(KEYS), { value, enumerable: true, configurable: true, writable: true });
          }
        }
        const verdict = connector.configGuard.safeParse(config);
        const before = simulator.requests.length;
        const started = Date.now();
        const result = await connector.sendMessage(good, config).then((value) => ({ value }), (error) => ({ error }));
        // A hang detector, not a timing check.
        assert.ok(Date.now() - started < 30_000, `round ${round} hung`);
        if (result.error) {
          assert.ok(result.error instanceof ConnectorError, `round ${round}: ${result.error}`);
        }
        if (!verdict.success) {
          assert.equal(result.error?.code, 'invalid_config', `round ${round}: guard refused but send said ${result.error?.code}`);
          assert.equal(simulator.requests.length, before, `round ${round}: sent despite an invalid config`);
        } else {
          assert.ok(simulator.requests.length - before <= 1, `round ${round}: sent twice`);
        }
      }
      assert.equal({}.polluted, undefined, 'Object.prototype was polluted');
    });

    it('300 generated message data: bad to/payload never reaches the provider', async () => {
      const next = rng(name === 'aliyun' ? 13 : 17);
      const pick = (list) => list[Math.floor(next() * list.length)];
      for (let round = 0; round < 300; round += 1) {
        const data = { to: '8613812345678', type: 'SignIn', payload: { code: '123456' } };
        const where = pick(['to', 'type', 'payload', 'code', 'data', '__proto__']);
        const value = pick(HOSTILE)();
        let input = data;
        if (where === 'code') data.payload = { code: value };
        else if (where === 'data') input = value;
        else Object.defineProperty(data, where, { value, enumerable: true, configurable: true, writable: true });
        const before = simulator.requests.length;
        const result = await connector.sendMessage(input).then((value) => ({ value }), (error) => ({ error }));
        if (result.error) assert.ok(result.error instanceof ConnectorError, `round ${round}: ${result.error}`);
        const sent = simulator.requests.length - before;
        assert.ok(sent <= 1);
        const toOk = typeof input?.to === 'string' && /^\+?\d{5,20}$/.test(input.to);
        const codeOk = typeof input?.payload?.code === 'string';
        if (!toOk || !codeOk) {
          assert.equal(sent, 0, `round ${round}: sent bad data (${where})`);
          assert.equal(result.error?.code, 'invalid_request_parameters', `round ${round} (${where})`);
        }
      }
      assert.equal({}.polluted, undefined, 'Object.prototype was polluted');
    });
  });
}
