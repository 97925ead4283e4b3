// Loads the dist/connector-*-native/ folders exactly as Logto does (the loader
// from @logto/cli), from a folder laid out like packages/core/connectors/, and
// sends a code through each to the simulator.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { ConnectorError } from '@logto/connector-kit';

import { platformTag } from '../js/native-tag.js';
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
    instance = scratchInstance([distFolder('connector-aliyun-sms-native'), distFolder('connector-tencent-sms-native'), distFolder('connector-sms-router-native')]);
    factories = await loadFactories(instance.connectorsDir);
  });
  after(async () => {
    instance?.remove();
    await Promise.all([aliyun?.close(), tencent?.close()]);
  });

  it('finds and loads the three packages: the official ids, and the router its own', () => {
    const byName = Object.fromEntries(factories.map((f) => [f.name, f]));
    assert.deepEqual(Object.keys(byName).sort(), ['connector-aliyun-sms-native', 'connector-sms-router-native', 'connector-tencent-sms-native']);
    assert.equal(byName['connector-aliyun-sms-native'].metadata.id, 'aliyun-short-message-service');
    assert.equal(byName['connector-aliyun-sms-native'].metadata.target, 'aliyun-sms');
    assert.equal(byName['connector-tencent-sms-native'].metadata.id, 'tencent-short-message-service');
    assert.equal(byName['connector-tencent-sms-native'].metadata.target, 'tencent-sms');
    assert.equal(byName['connector-sms-router-native'].metadata.id, 'sms-router-native');
    assert.equal(byName['connector-sms-router-native'].metadata.target, 'sms-router');
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

    // The router, one account of each type: mainland numbers through Aliyun.
    const routerConfig = {
      providers: [
        { name: 'aliyun-cn', type: 'aliyun', config: aliyunConfig(aliyun) },
        { name: 'tencent', type: 'tencent', config: tencentConfig(tencent) },
      ],
      routes: [
        { prefixes: ['86'], use: ['aliyun-cn', 'tencent'] },
        { prefixes: ['*'], use: ['tencent'] },
      ],
    };
    const viaRouter = await buildConnector(byId['sms-router-native'], routerConfig);
    assert.equal((await viaRouter.sendMessage({ to: '8613812345678', type: 'SignIn', payload: { code: '123456' } })).Code, 'OK');
    assert.equal((await viaRouter.sendMessage({ to: '447911123456', type: 'SignIn', payload: { code: '123456' } })).Response.SendStatusSet[0].Code, 'Ok');
    assert.equal(aliyun.requests.length, 2);
    assert.equal(tencent.requests.length, 2);
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

  it('the folders share one loaded addon: one runtime with at most two workers, not one per folder', async () => {
    // The previous test sent through every folder, so each has loaded its own.
    const addons = globalThis[Symbol.for('logto-sms-native.addons')];
    assert.equal(addons?.size, 1);
    const workers = readdirSync('/proc/self/task').filter((task) => readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim().startsWith('logto-sms-nat'));
    // Tokio's workers carry the runtime's name (blocking threads, for DNS, too,
    // but loopback sends resolve nothing).
    assert.equal(workers.length, Math.min(2, availableParallelism()));
  });
});

describe('a binary that exists but cannot be loaded', () => {
  const run = promisify(execFile);

  const loadWith = async (file) => {
    const { stdout } = await run(process.execPath, [new URL('./children/load-failure.mjs', import.meta.url).pathname], {
      env: { ...process.env, LOGTO_SMS_NATIVE_PATH: file },
      timeout: 60_000,
    });
    return JSON.parse(stdout);
  };

  const check = (result, file) => {
    for (const error of [result.send, result.guard]) {
      assert.equal(error.isConnectorError, true, JSON.stringify(result));
      assert.equal(error.code, 'general');
      assert.ok(error.description.includes(`(${platformTag()})`), error.description);
      assert.ok(error.description.includes(file), error.description);
      assert.match(error.description, /npm run build/);
    }
  };

  const musl = path.join(distFolder('connector-aliyun-sms-native'), 'native', 'logto-sms-native.linux-x64-musl.node');
  const muslSkip = !existsSync(musl) && !process.env.CI && 'linux-x64-musl not built: `npm run build:all` builds it';
  it("is the host's ConnectorError (general) naming the platform, the file and the fix: a musl binary on glibc", { skip: muslSkip }, async () => {
    check(await loadWith(musl), musl);
  });

  it('and the same for a damaged file', async () => {
    const damaged = path.join(tmpdir(), `logto-sms-native-damaged-${process.pid}.node`);
    writeFileSync(damaged, Buffer.from('\x7fELF not really'));
    check(await loadWith(damaged), damaged);
  });
});

