// Bad input, transport failures and secrets, for both providers: every failure
// is the host's ConnectorError with the contract's code, nothing is sent when
// the input is bad, and no secret appears anywhere a user or a log could see.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';

import { createAliyunSmsConnector, createTencentSmsConnector } from '../index.js';
import { aliyunConfig, settle, tencentConfig } from './support/configs.mjs';
import { loadOfficialTencent } from './support/official.mjs';
import { ALIYUN_DEFAULTS, TENCENT_DEFAULTS, startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';
import { closedPort } from './support/ports.mjs';

// A recognisable secret: it must never show up in any error, data or output.
const MARKER = 'MARKER-secret-0f9e8d7c6b5a';
const seen = [];

const providers = {
  aliyun: { create: createAliyunSmsConnector, start: startAliyunSimulator, config: aliyunConfig, keyId: ALIYUN_DEFAULTS.accessKeyId },
  tencent: { create: createTencentSmsConnector, start: startTencentSimulator, config: tencentConfig, keyId: TENCENT_DEFAULTS.secretId },
};

for (const [name, provider] of Object.entries(providers)) {
  describe(`${name}: errors`, () => {
    let simulator;
    let connector;
    let config;

    before(async () => {
      simulator = await provider.start();
      simulator.accounts.set(provider.keyId, MARKER);
      config = provider.config(simulator, { accessKeySecret: MARKER });
      connector = await provider.create({ getConfig: async () => config });
    });
    after(() => simulator.close());

    /** Sends, records everything visible for the secret scan, returns the error. */
    const failure = async (data, overrideConfig, fault) => {
      simulator.reset();
      if (fault) simulator.script(fault);
      const result = await settle(connector.sendMessage(data, overrideConfig));
      seen.push(result.value, result.error?.message, result.error?.data, result.error?.stack);
      assert.ok(result.error, `expected a failure, got ${JSON.stringify(result.value)}`);
      assert.ok(result.error instanceof ConnectorError, `not the host's ConnectorError: ${result.error}`);
      return result.error;
    };
    const good = { to: '8613812345678', type: 'SignIn', payload: { code: '123456' } };

    it('refuses recipients that are not phone numbers, sending nothing', async () => {
      for (const to of ['', 'abc', '+', '123', '86 138 1234 5678', '+86-13812345678', '1'.repeat(21), 13812345678, null, undefined, { to: 1 }]) {
        const error = await failure({ ...good, to });
        assert.equal(error.code, 'invalid_request_parameters', `to=${JSON.stringify(to)}`);
        assert.equal(simulator.requests.length, 0);
      }
    });

    it('refuses a payload without a string code, sending nothing', async () => {
      for (const payload of [{}, { code: 123456 }, { code: null }, { link: 'https://x' }, null, 'code', []]) {
        const error = await failure({ ...good, payload });
        assert.equal(error.code, 'invalid_request_parameters', `payload=${JSON.stringify(payload)}`);
        assert.match(error.data.errorDescription, /code/);
        assert.equal(simulator.requests.length, 0);
      }
    });

    it('refuses message data that is not an object', async () => {
      for (const data of [null, 'x', 42, []]) {
        const error = await failure(data);
        assert.equal(error.code, 'invalid_request_parameters');
        assert.equal(simulator.requests.length, 0);
      }
    });

    it('refuses configs that are not objects or have wrong types, with zod-shaped issues', async () => {
      // null/undefined mean "no config given": getConfig is used, as in the official connectors.
      const bad = ['config', 42, [], true, { ...config, accessKeyId: 42 }, { ...config, templates: 'x' }, { ...config, templates: [] }, { ...config, endpoint: 'ftp://x' }, { ...config, endpoint: 'http://example.com/' }, { ...config, timeoutMs: 0 }];
      for (const input of bad) {
        const error = await failure(good, input);
        assert.equal(error.code, 'invalid_config', JSON.stringify(input));
        assert.equal(error.data.name, 'ZodError');
        assert.ok(error.data.issues.length > 0);
        for (const issue of error.data.issues) {
          assert.equal(typeof issue.code, 'string');
          assert.ok(Array.isArray(issue.path));
          assert.equal(typeof issue.message, 'string');
        }
        assert.equal(simulator.requests.length, 0);
      }
    });

    it('handles a very large config without crashing', async () => {
      const huge = { ...config, signName: 'x'.repeat(2_000_000), templates: [...config.templates, ...Array.from({ length: 20_000 }, (_, i) => ({ usageType: `Extra${i}`, templateCode: 'T' }))] };
      simulator.reset();
      const result = await settle(connector.sendMessage(good, huge));
      seen.push(result.error?.message, result.error?.data);
      // The provider refuses the unknown sign name; the point is a clean ConnectorError.
      assert.ok(result.error instanceof ConnectorError);
      assert.ok(simulator.requests.length <= 1);
    });

    // How many times a refused connection is tried is counted by the kernel in
    // __test__/transport.test.mjs.
    it('reports a refused connection as general: nothing was sent', async () => {
      const port = await closedPort();
      const error = await failure(good, { ...config, endpoint: `http://127.0.0.1:${port}/` });
      assert.equal(error.code, 'general');
      assert.match(error.data.errorDescription, /refused/i);
      assert.match(error.data.errorDescription, /Nothing was sent/);
    });

    it('refuses an answer over 1 MiB as invalid_response', async () => {
      const error = await failure(good, undefined, { bodyBytes: 1024 * 1024 + 10 });
      assert.equal(error.code, 'invalid_response');
      const streamed = await failure(good, undefined, { bodyBytes: 2 * 1024 * 1024, chunked: true });
      assert.equal(streamed.code, 'invalid_response');
    });

    it('reports a connection reset mid-answer as general, not retried', async () => {
      simulator.reset();
      simulator.script({ resetMidResponse: true });
      const result = await settle(connector.sendMessage(good));
      seen.push(result.error?.message, result.error?.data);
      assert.ok(result.error instanceof ConnectorError);
      assert.equal(result.error.code, 'general');
      assert.match(result.error.data.errorDescription, /may have been sent/);
      assert.equal(simulator.requests.length, 1);
    });

    it('reports a timeout as general within the deadline, not retried', async () => {
      const started = Date.now();
      const error = await failure(good, { ...config, timeoutMs: 300 }, { stallMidBody: true, status: 200 });
      assert.equal(error.code, 'general');
      assert.match(error.data.errorDescription, /300 ms/);
      // A hang detector, not a timing check: the deadline is 300 ms.
      assert.ok(Date.now() - started < 30_000, 'a stalled request must settle at its deadline, not hang');
      assert.equal(simulator.requests.length, 1);
    });

    it('sends successfully with the marker secret (the scan covers return values too)', async () => {
      simulator.reset();
      const result = await settle(connector.sendMessage(good));
      seen.push(result.value);
      assert.ok(result.value, result.error?.message);
      assert.equal(simulator.requests.length, 1);
    });

    it('wrong secret: invalid_config, no secret, no server string-to-sign', async () => {
      const error = await failure(good, { ...config, accessKeySecret: `${MARKER}-wrong` });
      assert.equal(error.code, 'invalid_config');
      assert.ok(error.data.Code);
      assert.doesNotMatch(JSON.stringify(error.data), /8613812345678|string to sign/);
    });
  });
}

describe('tencent: config values that an HTTP header cannot carry', () => {
  let simulator;
  let official;

  before(async () => {
    simulator = await startTencentSimulator();
    official = await loadOfficialTencent(simulator.endpoint);
  });
  after(async () => {
    official?.cleanup();
    await simulator?.close();
  });

  // Pasted from a web console: a trailing line break, a non-breaking space, a
  // full-width letter, a control character.
  const pasted = ['\n', '\u00a0', 'Ａ', '\u0001'];

  for (const key of ['accessKeyId', 'region']) {
    it(`${key}: the guard accepts what the official one accepts; the send is invalid_config naming the key, nothing sent`, async () => {
      const ours = await createTencentSmsConnector({ getConfig: async () => ({}) });
      const theirs = await official.createConnector({ getConfig: async () => ({}) });
      for (const bad of pasted) {
        // Plain template ids: the official guard takes only those.
        const config = tencentConfig(simulator);
        config.templates = config.templates.map((t) => ({ ...t, templateCode: t.templateCode.china }));
        config[key] = `${config[key]}${bad}`;
        assert.equal(ours.configGuard.safeParse(config).success, theirs.configGuard.safeParse(config).success, JSON.stringify(bad));
        assert.equal(ours.configGuard.safeParse(config).success, true);
        simulator.reset();
        const { error } = await settle(ours.sendMessage({ to: '8613812345678', type: 'SignIn', payload: { code: '123456' } }, config));
        assert.ok(error instanceof ConnectorError);
        assert.equal(error.code, 'invalid_config', JSON.stringify(bad));
        assert.equal(error.data.key, key);
        assert.match(error.data.errorDescription, new RegExp(key));
        assert.equal(simulator.requests.length, 0);
      }
    });
  }
});

describe('secrets', () => {
  it('no error message, error data or return value above contains the secret', () => {
    assert.ok(seen.length > 50);
    for (const item of seen) {
      const text = typeof item === 'string' ? item : JSON.stringify(item) ?? '';
      assert.ok(!text.includes(MARKER), `secret leaked in: ${text.slice(0, 300)}`);
    }
  });
});
