// One JSON line on stderr per sendMessage (CONTRACT §10): what an operator
// needs to find a lost code (the provider's request and message ids), and
// never the code, the full number or a secret.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { createAliyunSmsConnector, createTencentSmsConnector } from '../index.js';
import { aliyunConfig, settle, tencentConfig } from './support/configs.mjs';
import { captureStderr, jsonLines } from './support/stderr.mjs';
import { ALIYUN_DEFAULTS, TENCENT_DEFAULTS, startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';

const run = promisify(execFile);
const MARKER = 'MARKER-secret-log-5e4d3c';
const TO = '8613812345678';
const CODE = '918273';
const data = { to: TO, type: 'SignIn', payload: { code: CODE } };

const providers = {
  aliyun: { create: createAliyunSmsConnector, start: startAliyunSimulator, config: aliyunConfig, keyId: ALIYUN_DEFAULTS.accessKeyId, id: 'aliyun-short-message-service', okCode: 'OK', messageId: 'BizId', throttle: { businessCode: 'isv.BUSINESS_LIMIT_CONTROL' }, throttleCode: 'isv.BUSINESS_LIMIT_CONTROL' },
  tencent: { create: createTencentSmsConnector, start: startTencentSimulator, config: tencentConfig, keyId: TENCENT_DEFAULTS.secretId, id: 'tencent-short-message-service', okCode: 'Ok', messageId: 'SerialNo', throttle: { errorCode: 'LimitExceeded.PhoneNumberDailyLimit', level: 'number' }, throttleCode: 'LimitExceeded.PhoneNumberDailyLimit' },
};

/** The JSON lines a child wrote to stderr. */
const logLines = (stderr) =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));

/** Nothing a user or attacker must not learn is in `text`. */
const assertClean = (text) => {
  assert.ok(!text.includes(MARKER), `secret in: ${text}`);
  assert.ok(!text.includes(CODE), `code in: ${text}`);
  assert.ok(!text.includes(TO) && !text.includes('13812345678'), `full number in: ${text}`);
};

for (const [name, p] of Object.entries(providers)) {
  describe(`${name}: the send log line`, () => {
    let simulator;

    before(async () => {
      simulator = await p.start();
      simulator.accounts.set(p.keyId, MARKER);
    });
    after(() => simulator.close());

    /** Runs one send in a child process; resolves to its result and stderr. */
    const sendInChild = async (env = {}, overrides = {}, times = 1) => {
      const { stdout, stderr } = await run(
        process.execPath,
        [new URL('./children/send-once.mjs', import.meta.url).pathname, name, simulator.endpoint, JSON.stringify({ accessKeySecret: MARKER, ...overrides }), JSON.stringify(data), String(times)],
        { env: { ...process.env, LOGTO_SMS_LOG: '', ...env }, timeout: 60_000 }
      );
      return { result: JSON.parse(stdout), stderr };
    };

    it('a process that exits in the turn its last send settled still writes every line', async () => {
      simulator.reset();
      // The child calls process.exit(0) right after its third send settles.
      const { result, stderr } = await sendInChild({}, {}, 3);
      assert.ok(result.value, result.description);
      const lines = logLines(stderr);
      assert.equal(lines.length, 3, stderr);
      assert.ok(lines.every((line) => line.outcome === 'sent'));
      assert.equal(simulator.requests.length, 3);
    });

    it('a success writes exactly one line with the ids, the masked recipient, and nothing secret', async () => {
      simulator.reset();
      const { result, stderr } = await sendInChild();
      assert.ok(result.value, result.description);
      const lines = logLines(stderr);
      assert.equal(lines.length, 1, stderr);
      const [line] = lines;
      assert.equal(line.connector, p.id);
      assert.equal(line.provider, name);
      assert.equal(line.usageType, 'SignIn');
      assert.equal(line.country, '86');
      assert.equal(line.recipient, '+86*********78');
      assert.equal(line.outcome, 'sent');
      assert.equal(line.Code, p.okCode);
      assert.equal(typeof line.RequestId, 'string');
      assert.ok(line.RequestId.length > 0);
      assert.equal(typeof line[p.messageId], 'string');
      assert.ok(line[p.messageId].length > 0);
      assert.equal(typeof line.ms, 'number');
      assertClean(stderr);
      // The return value is the provider's answer, which repeats the number; the secret is never in it.
      assert.ok(!JSON.stringify(result).includes(MARKER));
    });

    it('a provider refusal writes one line with its outcome, Code and RequestId', async () => {
      simulator.reset();
      simulator.script(p.throttle);
      const { result, stderr } = await sendInChild();
      assert.equal(result.code, 'rate_limit_exceeded');
      const lines = logLines(stderr);
      assert.equal(lines.length, 1, stderr);
      assert.equal(lines[0].outcome, 'rate_limit_exceeded');
      assert.equal(lines[0].Code, p.throttleCode);
      assert.equal(typeof lines[0].RequestId, 'string');
      assertClean(stderr);
    });

    it('an invalid config writes one line too (outcome invalid_config), and a wrong secret leaks nothing', async () => {
      simulator.reset();
      const invalid = await sendInChild({}, { templates: 'none' });
      assert.equal(invalid.result.code, 'invalid_config');
      assert.deepEqual(logLines(invalid.stderr).map((line) => line.outcome), ['invalid_config']);
      // The config failed the guard: the recipient is still told, read with the default mainland rule.
      const [invalidLine] = logLines(invalid.stderr);
      assert.equal(invalidLine.country, '86');
      assert.equal(invalidLine.recipient, '+86*********78');
      assertClean(invalid.stderr);
      const wrong = await sendInChild({}, { accessKeySecret: `${MARKER}-wrong` });
      assert.equal(wrong.result.code, 'invalid_config');
      assert.equal(logLines(wrong.stderr).length, 1);
      assertClean(wrong.stderr);
      assertClean(JSON.stringify(wrong.result));
    });

    it('monitor mode: a send a budget would have refused goes out, and its line names the budget (limit)', async () => {
      simulator.reset();
      const limits = { global: { max: 1, windowSeconds: 3600 }, perCountry: { max: 5, windowSeconds: 3600 }, mode: 'monitor' };
      const { result, stderr } = await sendInChild({}, { limits }, 3);
      assert.ok(result.value, result.description);
      const lines = logLines(stderr);
      assert.deepEqual(lines.map((line) => line.outcome), ['sent', 'sent', 'sent']);
      assert.deepEqual(lines.map((line) => line.limit), [undefined, 'global', 'global']);
      assert.equal(simulator.requests.length, 3);
      assertClean(stderr);
    });

    it('LOGTO_SMS_LOG=off writes nothing', async () => {
      simulator.reset();
      const { result, stderr } = await sendInChild({ LOGTO_SMS_LOG: 'off' });
      assert.ok(result.value, result.description);
      assert.equal(stderr, '');
    });

    it('one line per sendMessage, whatever the outcome, in one process', async () => {
      const connector = await p.create({ getConfig: async () => p.config(simulator, { accessKeySecret: MARKER }) });
      simulator.reset();
      simulator.script(p.throttle);
      const inputs = [data, data, { ...data, to: 'not a number' }, { ...data, payload: {} }, { ...data, type: 'BindMfa' }];
      const { value: results, text } = await captureStderr(() => Promise.all(inputs.map((input) => settle(connector.sendMessage(input)))));
      assert.deepEqual(
        results.map((r) => (r.error ? r.error.code : 'sent')).sort(),
        ['invalid_request_parameters', 'invalid_request_parameters', 'rate_limit_exceeded', 'sent', 'sent']
      );
      const lines = jsonLines(text);
      assert.equal(lines.length, inputs.length);
      assert.deepEqual(lines.map((line) => line.outcome).sort(), ['invalid_request_parameters', 'invalid_request_parameters', 'rate_limit_exceeded', 'sent', 'sent']);
      assertClean(text);
    });
  });
}
