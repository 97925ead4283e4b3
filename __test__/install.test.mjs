// Every way a self-hoster installs the connectors, done as the README says, into
// a scratch instance laid out like Logto (official connectors already present),
// then loaded with Logto's own loader and used to send a code.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { satisfies } from 'semver';
import { TARGETS } from '../scripts/targets.mjs';

import { aliyunConfig, tencentConfig } from './support/configs.mjs';
import { buildConnector, cliConnectorAdd, distFolder, duplicateIds, loadFactories, repoRoot, scratchLogto } from './support/logto-instance.mjs';
import { startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';

const ours = ['connector-aliyun-sms-native', 'connector-tencent-sms-native', 'connector-sms-router-native'];
const version = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version;

/** The README's replacement step: remove the official folders ours replace. */
const removeOfficial = (instance) => {
  for (const name of ['@logto-connector-aliyun-sms', '@logto-connector-tencent-sms']) {
    rmSync(path.join(instance.connectorsDir, name), { recursive: true, force: true });
  }
};

describe('install routes', () => {
  let aliyun;
  let tencent;
  const instances = [];
  const fresh = (options) => {
    const instance = scratchLogto(options);
    instances.push(instance);
    return instance;
  };

  before(async () => {
    [aliyun, tencent] = await Promise.all([startAliyunSimulator(), startTencentSimulator()]);
    // npm run pack, as the README says, for the tarball route. After `npm install`
    // alone (this machine's binary only) pack refuses the folders unless told
    // to pack what is there (__test__/pack.test.mjs); after build:all it packs them as they are.
    const built = JSON.parse(readFileSync(path.join(repoRoot, 'native', 'manifest.json'), 'utf8')).binaries.map((b) => b.tag);
    const partial = TARGETS.some((t) => !built.includes(t.tag));
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'pack.mjs'), ...(partial ? ['--allow-missing'] : [])], { cwd: repoRoot, stdio: 'pipe' });
  });
  after(async () => {
    for (const instance of instances) instance.remove();
    await Promise.all([aliyun?.close(), tencent?.close()]);
  });

  /** Loads the instance as Logto does and sends a code through each of ours. */
  const assertOursLoadedAndSending = async (instance) => {
    const factories = await loadFactories(instance.connectorsDir);
    assert.deepEqual(duplicateIds(factories), []);
    const byId = Object.fromEntries(factories.map((f) => [f.metadata.id, f]));
    assert.equal(path.basename(byId['aliyun-short-message-service'].path), 'connector-aliyun-sms-native');
    assert.equal(path.basename(byId['tencent-short-message-service'].path), 'connector-tencent-sms-native');
    assert.equal(path.basename(byId['sms-router-native'].path), 'connector-sms-router-native');
    aliyun.reset();
    tencent.reset();
    const viaAliyun = await buildConnector(byId['aliyun-short-message-service'], aliyunConfig(aliyun));
    assert.equal((await viaAliyun.sendMessage({ to: '8613812345678', type: 'SignIn', payload: { code: '123456' } })).Code, 'OK');
    const viaTencent = await buildConnector(byId['tencent-short-message-service'], tencentConfig(tencent));
    const answer = await viaTencent.sendMessage({ to: '447911123456', type: 'Register', payload: { code: '654321' } });
    assert.equal(answer.Response.SendStatusSet[0].Code, 'Ok');
    // The router: the first account throttled (account-wide), the second sends.
    const viaRouter = await buildConnector(byId['sms-router-native'], {
      providers: [
        { name: 'aliyun-cn', type: 'aliyun', config: aliyunConfig(aliyun) },
        { name: 'tencent', type: 'tencent', config: tencentConfig(tencent) },
      ],
      routes: [{ prefixes: ['*'], use: ['aliyun-cn', 'tencent'] }],
    });
    aliyun.script({ businessCode: 'isv.DAY_LIMIT_CONTROL' });
    const routed = await viaRouter.sendMessage({ to: '8613812345678', type: 'SignIn', payload: { code: '246810' } });
    assert.equal(routed.Response.SendStatusSet[0].Code, 'Ok');
    assert.equal(aliyun.requests.length, 2);
    assert.equal(tencent.requests.length, 2);
  };

  it('the scratch instance starts like Logto: the official connectors load', async () => {
    const instance = fresh();
    const factories = await loadFactories(instance.connectorsDir);
    assert.deepEqual(factories.map((f) => f.metadata.id).sort(), ['aliyun-short-message-service', 'tencent-short-message-service']);
  });

  it('without the replacement step, the ids collide (Logto would reject every connector)', async () => {
    const instance = fresh();
    cliConnectorAdd(distFolder('connector-aliyun-sms-native'), instance.root);
    const factories = await loadFactories(instance.connectorsDir);
    assert.deepEqual(duplicateIds(factories), ['aliyun-short-message-service']);
  });

  it('the router has its own id: added beside the official connectors, nothing collides and nothing needs removing', async () => {
    const instance = fresh();
    cliConnectorAdd(distFolder('connector-sms-router-native'), instance.root);
    const factories = await loadFactories(instance.connectorsDir);
    assert.deepEqual(duplicateIds(factories), []);
    assert.deepEqual(factories.map((f) => f.metadata.id).sort(), ['aliyun-short-message-service', 'sms-router-native', 'tencent-short-message-service']);
  });

  it('logto connector add <folder>, after removing the official folders', async () => {
    const instance = fresh();
    removeOfficial(instance);
    for (const name of ours) cliConnectorAdd(distFolder(name), instance.root);
    await assertOursLoadedAndSending(instance);
  });

  it('logto connector add <tarball from npm run pack>, after removing the official folders', async () => {
    const instance = fresh();
    removeOfficial(instance);
    for (const name of ours) {
      const output = cliConnectorAdd(path.join(repoRoot, 'dist', `${name}-${version}.tgz`), instance.root);
      assert.match(output, new RegExp(`Added ${name}`));
    }
    await assertOursLoadedAndSending(instance);
  });

  it('copying the folders by hand, after removing the official folders', async () => {
    const instance = fresh();
    removeOfficial(instance);
    for (const name of ours) cpSync(distFolder(name), path.join(instance.connectorsDir, name), { recursive: true });
    await assertOursLoadedAndSending(instance);
  });

  it('going back: removing ours and restoring the official link loads the official connectors again', async () => {
    const instance = fresh();
    removeOfficial(instance);
    cliConnectorAdd(distFolder('connector-aliyun-sms-native'), instance.root);
    rmSync(path.join(instance.connectorsDir, 'connector-aliyun-sms-native'), { recursive: true, force: true });
    cliConnectorAdd(path.join(repoRoot, 'node_modules', '@logto', 'connector-aliyun-sms'), instance.root);
    const factories = await loadFactories(instance.connectorsDir);
    assert.deepEqual(factories.map((f) => f.metadata.id), ['aliyun-short-message-service']);
    assert.equal(factories[0].name, '@logto/connector-aliyun-sms');
    assert.equal(path.basename(factories[0].path), '@logto-connector-aliyun-sms');
  });

  it('the connector-kit range accepts both current majors', () => {
    for (const name of ours) {
      const manifest = JSON.parse(readFileSync(path.join(distFolder(name), 'package.json'), 'utf8'));
      const range = manifest.dependencies['@logto/connector-kit'];
      for (const host of ['4.0.0', '4.7.0', '5.0.0', '5.1.1']) assert.ok(satisfies(host, range), `${range} vs ${host}`);
      for (const host of ['3.0.0', '6.0.0']) assert.ok(!satisfies(host, range), `${range} vs ${host}`);
    }
  });

  it('on a connector-kit 4 host: loads, sends, and errors are that kit\'s ConnectorError (usage limit falls back to general)', async () => {
    const instance = fresh({ kit: 'connector-kit-4' });
    removeOfficial(instance);
    for (const name of ours) cpSync(distFolder(name), path.join(instance.connectorsDir, name), { recursive: true });
    const { ConnectorError: Kit4Error } = await import(path.join(repoRoot, 'node_modules', 'connector-kit-4', 'lib', 'index.js'));
    const factories = await loadFactories(instance.connectorsDir);
    const factory = factories.find((f) => f.metadata.id === 'aliyun-short-message-service');
    const connector = await buildConnector(factory, aliyunConfig(aliyun));
    aliyun.reset();
    aliyun.script({ businessCode: 'isv.AMOUNT_NOT_ENOUGH' });
    await assert.rejects(connector.sendMessage({ to: '8613812345678', type: 'SignIn', payload: { code: '123456' } }), (error) => {
      assert.ok(error instanceof Kit4Error, 'the host kit 4 class');
      assert.equal(error.code, 'general');
      assert.equal(error.data.Code, 'isv.AMOUNT_NOT_ENOUGH');
      return true;
    });
  });
});
