// Faults the other suites do not cover, and the addon's life inside a Node
// process: TLS refusal, slow answers, wrong-shape answers, worker threads,
// exiting on its own, createConnector churn, and secrets in a process's output.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

import { ConnectorError } from '@logto/connector-kit';

import { createAliyunSmsConnector, createTencentSmsConnector } from '../index.js';
import { aliyunConfig, settle, tencentConfig } from './support/configs.mjs';
import { startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';

const run = promisify(execFile);
const child = (name) => new URL(`./children/${name}`, import.meta.url).pathname;
const data = { to: '8613812345678', type: 'SignIn', payload: { code: '123456' } };
const threads = () => readdirSync('/proc/self/task').length;
const fds = () => readdirSync('/proc/self/fd').length;

describe('reliability', () => {
  let aliyun;
  let tencent;
  let tls;
  let tlsHits = 0;
  let viaAliyun;
  let viaTencent;

  before(async () => {
    [aliyun, tencent] = await Promise.all([startAliyunSimulator(), startTencentSimulator()]);
    viaAliyun = await createAliyunSmsConnector({ getConfig: async () => aliyunConfig(aliyun) });
    viaTencent = await createTencentSmsConnector({ getConfig: async () => tencentConfig(tencent) });
    const fixture = (file) => readFileSync(new URL(`./fixtures/${file}`, import.meta.url));
    tls = https.createServer({ key: fixture('untrusted-key.pem'), cert: fixture('untrusted-cert.pem') }, (request, response) => {
      tlsHits += 1;
      response.end('{"Code":"OK"}');
    });
    await new Promise((resolve) => tls.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    tls?.closeAllConnections();
    await new Promise((resolve) => tls?.close(resolve));
    await Promise.all([aliyun?.close(), tencent?.close()]);
  });

  it('refuses a server whose TLS certificate is not trusted: general, says certificate, nothing delivered', async () => {
    const endpoint = `https://127.0.0.1:${tls.address().port}/`;
    for (const [connector, config] of [[viaAliyun, aliyunConfig({ endpoint })], [viaTencent, tencentConfig({ endpoint })]]) {
      const { error } = await settle(connector.sendMessage(data, config));
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.code, 'general');
      assert.match(error.data.errorDescription, /certificate/i);
    }
    assert.equal(tlsHits, 0);
  });

  it('a slow success inside the deadline is a success, sent once', async () => {
    for (const [connector, simulator, config] of [[viaAliyun, aliyun, aliyunConfig(aliyun, { timeoutMs: 3000 })], [viaTencent, tencent, tencentConfig(tencent, { timeoutMs: 3000 })]]) {
      simulator.reset();
      simulator.script({ delayMs: 400 });
      const { value, error } = await settle(connector.sendMessage(data, config));
      assert.ok(value, error?.message);
      assert.equal(simulator.requests.length, 1);
    }
  });

  it('200 with JSON of the wrong shape is invalid_response', async () => {
    for (const [connector, simulator] of [[viaAliyun, aliyun], [viaTencent, tencent]]) {
      for (const json of [{ foo: 1 }, [], { Code: 1 }, { Response: { SendStatusSet: 'x' } }, { Response: { SendStatusSet: [] } }]) {
        simulator.reset();
        simulator.script({ status: 200, json });
        const { error } = await settle(connector.sendMessage(data));
        assert.ok(error instanceof ConnectorError);
        // An Aliyun-shaped body is wrong for Tencent and the other way round.
        assert.equal(error.code, 'invalid_response', `${JSON.stringify(json)}`);
        assert.equal(simulator.requests.length, 1);
      }
    }
  });

  it('worker threads load and use the addon and exit while the main thread goes on', async () => {
    for (let i = 0; i < 4; i += 1) {
      const results = await new Promise((resolve, reject) => {
        const worker = new Worker(child('worker-send.mjs'), { workerData: { aliyun: aliyun.endpoint, tencent: tencent.endpoint } });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      assert.deepEqual(results, ['OK', 'Ok']);
    }
    const after = await viaAliyun.sendMessage(data);
    assert.equal(after.Code, 'OK');
  });

  it('a process where only workers ever load the addon does not crash when they exit', async () => {
    const { stdout } = await run(process.execPath, [child('worker-only.mjs'), aliyun.endpoint, tencent.endpoint], { timeout: 30_000 });
    assert.match(stdout, /round 2: OK,Ok/);
    assert.match(stdout, /main thread still alive/);
  });

  it('a process that sent messages exits on its own; its output holds no secret, its log lines no code or number', async () => {
    const marker = 'MARKER-reliability-5e4d3c2b1a';
    // A process that does not exit on its own is killed at the timeout, and
    // `run` then rejects: that is the failure this test looks for.
    const { stdout, stderr } = await run(process.execPath, [child('send-and-finish.mjs'), aliyun.endpoint, tencent.endpoint, marker], {
      timeout: 60_000,
      env: { ...process.env, LOGTO_SMS_LOG: '' },
    });
    assert.match(stdout, /done/);
    assert.match(stderr, /ConnectorError/);
    assert.ok(!stdout.includes(marker) && !stderr.includes(marker), 'the secret appeared in the output');
    // The send log lines are in stderr (6 sends, 4 failures) and hold neither
    // the code nor the full number.
    const logLines = stderr.split('\n').filter((line) => line.startsWith('{"connector"'));
    assert.equal(logLines.length, 10, stderr);
    assert.ok(!stderr.includes('123456') && !stderr.includes('13812345678'), 'the code or the number appeared in stderr');
  });

  it('10,000 createConnector calls leave threads and open files where they were', async () => {
    await viaTencent.sendMessage(data); // the runtime and the pool exist before counting
    const before = { threads: threads(), fds: fds() };
    for (let i = 0; i < 10_000; i += 1) {
      // What Logto does on every connector lookup.
      await (i % 2 ? createAliyunSmsConnector : createTencentSmsConnector)({ getConfig: async () => aliyunConfig(aliyun) });
    }
    await viaAliyun.sendMessage(data);
    assert.deepEqual({ threads: threads(), fds: fds() }, before);
  });
});
