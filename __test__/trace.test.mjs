// `logto-sms trace` (CONTRACT §11): a message the connector just sent is
// found with the id of its send log line; scripted delivered / failed /
// pending records; the international site's --id; the router's route; the
// exit codes; no full number other than the one passed, no message text, no
// secret in any output.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { ALIYUN_DEFAULTS, TENCENT_DEFAULTS, startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';
import { configFile, repoRoot, runFolder } from './support/cli.mjs';
import { USAGE_TYPES, aliyunConfig, tencentConfig } from './support/configs.mjs';

const execFileAsync = promisify(execFile);
const sendOnce = path.join(repoRoot, '__test__', 'children', 'send-once.mjs');
const SECRETS = [ALIYUN_DEFAULTS.accessKeySecret, TENCENT_DEFAULTS.secretKey];
const CN = '8613812345678';
const OTHER_CN = '8613900001111';
const UK = '447911123456';

/** Sends one code through the connector in a process of its own with the send log on; the log line. */
const sendAndLog = async (provider, endpoint, overrides = {}, to = CN) => {
  const env = { ...process.env };
  delete env.LOGTO_SMS_LOG;
  const data = JSON.stringify({ to, type: 'SignIn', payload: { code: '246810' } });
  const { stdout, stderr } = await execFileAsync(process.execPath, [sendOnce, provider, endpoint, JSON.stringify(overrides), data], { env });
  assert.ok(JSON.parse(stdout).value, `the send failed: ${stdout}`);
  const line = stderr.split('\n').find((l) => l.startsWith('{') && l.includes('"outcome"'));
  assert.ok(line, `no send log line on stderr: ${stderr}`);
  return JSON.parse(line);
};

const outputs = [];
const trace = async (kind, config, args) => {
  const result = await runFolder(kind, ['trace', '--config', configFile(config), ...args]);
  outputs.push(result.stdout, result.stderr);
  let document;
  try {
    document = JSON.parse(result.stdout);
  } catch {
    document = undefined;
  }
  return { ...result, document };
};

const FIELDS = ['id', 'status', 'sentAt', 'receivedAt', 'errorCode', 'errorDescription', 'template'];
const assertRows = (document) => {
  for (const row of document.messages) for (const key of FIELDS) assert.ok(key in row, `${key} missing`);
};

/** Today in China Standard Time, as YYYY-MM-DD. */
const todayCst = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

describe('trace: Aliyun China site (QuerySendDetails)', () => {
  let sim;
  before(async () => {
    sim = await startAliyunSimulator();
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  it('finds the message the connector just sent, matched by the BizId of its send log line', async () => {
    const log = await sendAndLog('aliyun', sim.endpoint);
    assert.ok(log.BizId);
    const found = await trace('aliyun', aliyunConfig(sim), ['--phone', CN, '--id', log.BizId, '--json']);
    assert.equal(found.status, 0, found.stderr);
    assertRows(found.document);
    assert.deepEqual(
      { ...found.document, messages: undefined },
      { ok: true, connector: 'aliyun-short-message-service', phone: CN, date: todayCst(), messages: undefined },
    );
    assert.equal(found.document.messages.length, 1);
    const [row] = found.document.messages;
    assert.equal(row.id, log.BizId);
    assert.equal(row.status, 'delivered');
    assert.equal(row.template, ALIYUN_DEFAULTS.mainlandTemplates[0]);
    assert.match(row.sentAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    assert.equal(row.errorCode, null);
    const query = sim.requests.find((r) => r.params.Action === 'QuerySendDetails');
    assert.equal(query.params.PhoneNumber, '13812345678');
    assert.equal(query.params.BizId, log.BizId);
    assert.equal(query.params.SendDate, todayCst().replaceAll('-', ''));
    assert.ok(!found.stdout.includes('246810'), 'the message text (and its code) is never printed');
  });

  it('lists scripted delivered, failed and pending records with null ids, only for the number asked', async () => {
    sim.deliveries.push(
      { phone: CN, sendStatus: 3 },
      { phone: CN, sendStatus: 2, errCode: 'MK:0001' },
      { phone: CN, sendStatus: 1 },
      { phone: OTHER_CN, sendStatus: 3 },
    );
    const found = await trace('aliyun', aliyunConfig(sim), ['--phone', CN, '--json']);
    assert.equal(found.status, 0);
    assertRows(found.document);
    assert.deepEqual(found.document.messages.map((m) => [m.status, m.errorCode, m.id]), [
      ['delivered', null, null],
      ['failed', 'MK:0001', null],
      ['pending', null, null],
    ]);
    assert.ok(!found.stdout.includes('13900001111'), 'another number was printed');
  });

  it('answers an empty day with no messages and exit 0; another day is asked as SendDate', async () => {
    const found = await trace('aliyun', aliyunConfig(sim), ['--phone', CN, '--date', '2024-01-02', '--json']);
    assert.equal(found.status, 0);
    assert.deepEqual(found.document.messages, []);
    assert.equal(found.document.date, '2024-01-02');
    assert.equal(sim.requests.at(-1).params.SendDate, '20240102');
  });

  it('exits 1 with the classified error when the query is refused, 2 for a bad date or number', async () => {
    sim.queryDenied = true;
    const refused = await trace('aliyun', aliyunConfig(sim), ['--phone', CN, '--json']);
    assert.equal(refused.status, 1);
    assert.deepEqual(refused.document.error.providerCode, 'Forbidden.RAM');
    assert.equal(refused.document.error.code, 'invalid_config');
    assert.equal(refused.document.ok, false);
    assert.equal(refused.document.connector, 'aliyun-short-message-service');
    for (const args of [['--phone', CN, '--date', '2024-02-30'], ['--phone', 'not-a-number']]) {
      const bad = await trace('aliyun', aliyunConfig(sim), args);
      assert.equal(bad.status, 2, bad.stderr);
    }
  });

  it('prints a table for people', async () => {
    sim.deliveries.push({ phone: CN, sendStatus: 2, errCode: 'MK:0001' });
    const table = await trace('aliyun', aliyunConfig(sim), ['--phone', CN]);
    assert.equal(table.status, 0);
    assert.match(table.stdout, /^STATUS\s+SENT\s+RECEIVED\s+ERROR\s+TEMPLATE\s+ID$/m);
    assert.match(table.stdout, /^failed\s+\S+\s+\S+\s+MK:0001\s+SMS_1000001\s+-$/m);
  });
});

describe('trace: Aliyun international site (QueryMessage)', () => {
  let sim;
  before(async () => {
    sim = await startAliyunSimulator();
  });
  after(() => sim.close());
  const config = () =>
    aliyunConfig(sim, {
      site: 'international',
      templates: USAGE_TYPES.map((usageType) => ({ usageType, templateCode: 'SMS_1000001', message: 'Your code is {code}' })),
    });

  it('needs --id (exit 2), and finds the sent message by its MessageId', async () => {
    const without = await trace('aliyun', config(), ['--phone', UK]);
    assert.equal(without.status, 2);
    assert.match(without.stderr, /--id/);
    const log = await sendAndLog('aliyun', sim.endpoint, { site: 'international', templates: config().templates }, UK);
    assert.ok(log.MessageId);
    const found = await trace('aliyun', config(), ['--phone', UK, '--id', log.MessageId, '--json']);
    assert.equal(found.status, 0, found.stderr);
    assertRows(found.document);
    assert.equal(found.document.messages.length, 1);
    assert.equal(found.document.messages[0].id, log.MessageId);
    assert.equal(found.document.messages[0].status, 'delivered');
    assert.match(found.document.messages[0].receivedAt, /\+08:00$/);
    // Another number's message is not shown, even by its id.
    const other = await trace('aliyun', config(), ['--phone', '447911000000', '--id', log.MessageId, '--json']);
    assert.deepEqual(other.document.messages, []);
  });

  it('reports a failed and a pending message', async () => {
    sim.deliveries.push({ messageId: 'M-failed', to: UK, status: '2', errorCode: 'UNDELIV' }, { messageId: 'M-pending', to: UK, status: '3' });
    const failed = await trace('aliyun', config(), ['--phone', UK, '--id', 'M-failed', '--json']);
    assert.deepEqual([failed.document.messages[0].status, failed.document.messages[0].errorCode], ['failed', 'UNDELIV']);
    const pending = await trace('aliyun', config(), ['--phone', UK, '--id', 'M-pending', '--json']);
    assert.equal(pending.document.messages[0].status, 'pending');
  });
});

describe('trace: Tencent (PullSmsSendStatusByPhoneNumber)', () => {
  let sim;
  before(async () => {
    sim = await startTencentSimulator();
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  it('finds the message the connector just sent by the SerialNo of its send log line', async () => {
    const log = await sendAndLog('tencent', sim.endpoint);
    assert.ok(log.SerialNo);
    sim.deliveries.push({ phone: '+8613812345678', reportStatus: 'FAIL', description: 'MN:0001', serialNo: '2433:failed' });
    const found = await trace('tencent', tencentConfig(sim), ['--phone', CN, '--json']);
    assert.equal(found.status, 0, found.stderr);
    assertRows(found.document);
    const ours = found.document.messages.find((m) => m.id === log.SerialNo);
    assert.ok(ours, JSON.stringify(found.document));
    assert.deepEqual([ours.status, ours.sentAt, ours.template, ours.errorCode], ['delivered', null, null, null]);
    const failed = found.document.messages.find((m) => m.id === '2433:failed');
    assert.deepEqual([failed.status, failed.errorCode], ['failed', 'MN:0001']);
    const pull = sim.requests.find((r) => r.headers['x-tc-action'] === 'PullSmsSendStatusByPhoneNumber');
    assert.equal(pull.body.PhoneNumber, '+8613812345678');
    assert.equal(pull.body.EndTime - pull.body.BeginTime, 86_399);
    assert.equal(pull.body.BeginTime % 86_400, 16 * 3600, 'a China Standard Time day starts at 16:00 UTC');
    // --id keeps only that message.
    const one = await trace('tencent', tencentConfig(sim), ['--phone', CN, '--id', log.SerialNo, '--json']);
    assert.deepEqual(one.document.messages.map((m) => m.id), [log.SerialNo]);
  });

  it('exits 1 on a refused query', async () => {
    sim.queryDenied = true;
    const refused = await trace('tencent', tencentConfig(sim), ['--phone', CN, '--json']);
    assert.equal(refused.status, 1);
    assert.equal(refused.document.error.providerCode, 'UnauthorizedOperation.RequestPermissionDeny');
  });
});

describe('trace: router', () => {
  let aliyun;
  let tencent;
  before(async () => {
    aliyun = await startAliyunSimulator();
    tencent = await startTencentSimulator();
  });
  after(async () => {
    await aliyun.close();
    await tencent.close();
  });

  it('asks the accounts of the route the number takes, and names the account of each row', async () => {
    const config = {
      providers: [
        { name: 'aliyun-cn', type: 'aliyun', config: aliyunConfig(aliyun) },
        { name: 'tencent', type: 'tencent', config: tencentConfig(tencent) },
      ],
      routes: [
        { prefixes: ['86'], use: ['aliyun-cn'] },
        { prefixes: ['*'], use: ['tencent'] },
      ],
    };
    aliyun.deliveries.push({ phone: CN, sendStatus: 3 });
    tencent.deliveries.push({ phone: `+${UK}`, reportStatus: 'SUCCESS' });
    const cn = await trace('router', config, ['--phone', CN, '--json']);
    assert.equal(cn.status, 0, cn.stderr);
    assert.deepEqual(cn.document.messages.map((m) => [m.account, m.status]), [['aliyun-cn', 'delivered']]);
    const uk = await trace('router', config, ['--phone', UK, '--json']);
    assert.deepEqual(uk.document.messages.map((m) => m.account), ['tencent']);
    assert.equal(aliyun.actionCounts().QuerySendDetails, 1);
    assert.equal(tencent.actionCounts().PullSmsSendStatusByPhoneNumber, 1);
  });
});

describe('trace: output hygiene', () => {
  it('leaves no secret and no message text in any output', () => {
    assert.ok(outputs.length > 0);
    for (const text of outputs) {
      for (const secret of SECRETS) assert.ok(!text.includes(secret), 'a secret was printed');
      assert.ok(!text.includes('246810'), 'a code was printed');
      assert.ok(!text.includes('Your code is'), 'message text was printed');
    }
  });
});
