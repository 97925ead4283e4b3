// Loads dist/connector-*-sms-native/ exactly as Logto does (the loader from
// @logto/cli), from a folder laid out like packages/core/connectors/, and sends a
// code through each to the simulator.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';

import { aliyunConfig, tencentConfig } from './support/configs.mjs';
import { buildConnector, distFolder, loadFactories, scratchInstance } from './support/logto-instance.mjs';
import { startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';

describe("Logto's loader", () => {
  let instance;
  let factories;
  let aliyun;
  let tencent;

  before(async () => {
    [aliyun, tencent] = await Promise.all([startAliyunSimulator(), startTencentSimulator()]);
    instance = scratchInstance([distFolder('connector-aliyun-sms-native'), distFolder('connector-tencent-sms-native')]);
    factories = await loadFactories(instance.connectorsDir);
  });
  after(async () => {
    instance?.remove();
    await Promise.all([aliyun?.close(), tencent?.close()]);
  });

  it('finds and loads both packages, with the official ids', () => {
    const byName = Object.fromEntries(factories.map((f) => [f.name, f]));
    assert.deepEqual(Object.keys(byName).sort(), ['connector-aliyun-sms-native', 'connector-tencent-sms-native']);
    assert.equal(byName['connector-aliyun-sms-native'].metadata.id, 'aliyun-short-message-service');
    assert.equal(byName['connector-aliyun-sms-native'].metadata.target, 'aliyun-sms');
    assert.equal(byName['connector-tencent-sms-native'].metadata.id, 'tencent-short-message-service');
    assert.equal(byName['connector-tencent-sms-native'].metadata.target, 'tencent-sms');
    for (const factory of factories) {
      assert.equal(factory.type, 'Sms');
      assert.match(factory.metadata.logo, /^data:image\/svg\+xml;base64,/);
      assert.match(factory.metadata.readme, /^# .*connector \(native\)/);
    }
  });

  it('each folder is self-contained: its only bare import is @logto/connector-kit', () => {
    for (const factory of factories) {
      const manifest = JSON.parse(readFileSync(path.join(factory.path, 'package.json'), 'utf8'));
      assert.deepEqual(Object.keys(manifest.dependencies), ['@logto/connector-kit']);
      // The glue is one bundled module; its imports are node: built-ins and the host's kit.
      const text = readFileSync(path.join(factory.path, 'lib', 'index.js'), 'utf8');
      const specifiers = [...text.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((m) => m[1]);
      assert.ok(specifiers.includes('@logto/connector-kit'));
      for (const specifier of specifiers) {
        assert.ok(specifier.startsWith('node:') || specifier === '@logto/connector-kit', `lib/index.js imports ${specifier}`);
      }
      assert.doesNotMatch(text, /\brequire\(["'](?!.*\.node)/, 'no CommonJS requires of packages');
    }
  });

  it('sends a code through each loaded connector', async () => {
    const byId = Object.fromEntries(factories.map((f) => [f.metadata.id, f]));
    const viaAliyun = await buildConnector(byId['aliyun-short-message-service'], aliyunConfig(aliyun));
    const answer = await viaAliyun.sendMessage({ to: '8613812345678', type: 'SignIn', payload: { code: '123456' } });
    assert.equal(answer.Code, 'OK');
    assert.equal(aliyun.requests.length, 1);
    assert.equal(aliyun.requests[0].verdict, 'ok');

    const viaTencent = await buildConnector(byId['tencent-short-message-service'], tencentConfig(tencent));
    const reply = await viaTencent.sendMessage({ to: '447911123456', type: 'MfaVerification', payload: { code: '123456' } });
    assert.equal(reply.Response.SendStatusSet[0].Code, 'Ok');
    assert.equal(tencent.requests.length, 1);
    assert.equal(tencent.requests[0].body.PhoneNumberSet[0], '+447911123456');
  });

  it("throws the host's ConnectorError class from a loaded folder", async () => {
    const factory = factories.find((f) => f.metadata.id === 'aliyun-short-message-service');
    const connector = await buildConnector(factory, { nonsense: true });
    await assert.rejects(connector.sendMessage({ to: '8613812345678', type: 'SignIn', payload: { code: '1' } }), (error) => {
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.code, 'invalid_config');
      return true;
    });
  });
});
