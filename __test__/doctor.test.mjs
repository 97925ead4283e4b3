// `logto-sms doctor` (CONTRACT §11) through each connector folder's own bin,
// against the provider simulators with scripted states: every check id and
// status, the exit codes, zero sending actions at the simulators, no secret
// in any output, and a folder copied alone.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';

import { ALIYUN_DEFAULTS, TENCENT_DEFAULTS, startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';
import { FOLDERS, configFile, doctor, repoRoot, runBin, runFolder } from './support/cli.mjs';
import { closedPort } from './support/ports.mjs';
import { USAGE_TYPES, aliyunConfig, tencentConfig } from './support/configs.mjs';

const SECRETS = [ALIYUN_DEFAULTS.accessKeySecret, TENCENT_DEFAULTS.secretKey];
const SENDING = ['SendSms', 'SendMessageToGlobe', 'SendMessageWithTemplate', 'SendBatchSms'];

/** Every output of every run is checked for secrets at the end. */
const outputs = [];
const run = async (...args) => {
  const result = await doctor(...args);
  outputs.push(result.stdout, result.stderr);
  return result;
};

const statusOf = (result) => Object.fromEntries(result.document.checks.map((c) => [c.id, c.status]));

/** Every fail and warn has a fix; every check a detail; ok and the exit code agree. */
const assertShape = (result) => {
  const { document, status } = result;
  for (const check of document.checks) {
    assert.equal(typeof check.detail, 'string', check.id);
    assert.ok(check.detail.length > 0, check.id);
    assert.ok(['pass', 'fail', 'warn', 'skip'].includes(check.status), check.id);
    if (check.status === 'fail' || check.status === 'warn') assert.ok(check.fix, `${check.id} has no fix`);
  }
  const ok = !document.checks.some((c) => c.status === 'fail');
  assert.equal(document.ok, ok);
  assert.equal(status, ok ? 0 : 1, result.stderr);
};

const noSends = (sim) => {
  const counts = sim.actionCounts();
  for (const action of SENDING) assert.equal(counts[action] ?? 0, 0, `${action} reached the simulator: ${JSON.stringify(counts)}`);
};

describe('doctor: Aliyun', () => {
  let sim;
  before(async () => {
    sim = await startAliyunSimulator();
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.reset();
    sim.clockSkewSeconds = 0;
  });
  const config = (overrides) => aliyunConfig(sim, overrides);

  it('passes a healthy setup with one GetSmsSign and one GetSmsTemplate per template code, and nothing sent', async () => {
    const result = await run('aliyun', config());
    assertShape(result);
    assert.equal(result.status, 0);
    assert.equal(result.document.connector, 'aliyun-short-message-service');
    const ids = ['config', 'credentials', 'clock', 'sign', ...USAGE_TYPES.map((u) => `template:${u}`)];
    assert.deepEqual(result.document.checks.map((c) => c.id), ids);
    assert.ok(result.document.checks.every((c) => c.status === 'pass'), JSON.stringify(result.document.checks));
    assert.deepEqual(sim.actionCounts(), { GetSmsSign: 1, GetSmsTemplate: USAGE_TYPES.length });
  });

  it('fails a signature in review, rejected, cancelled or not found', async () => {
    for (const [state, words] of [
      [{ SignStatus: 0 }, 'in review'],
      [{ SignStatus: 2, RejectInfo: 'the licence photo is unreadable' }, 'the licence photo is unreadable'],
      [{ SignStatus: 10 }, 'cancelled'],
    ]) {
      sim.reset();
      sim.signStates.set('Logto', state);
      const result = await run('aliyun', config());
      assertShape(result);
      assert.equal(result.byId.sign.status, 'fail');
      assert.match(result.byId.sign.detail, new RegExp(words));
      assert.equal(result.byId.credentials.status, 'pass');
      assert.equal(result.status, 1);
      noSends(sim);
    }
    const missing = await run('aliyun', config({ signName: 'NoSuchSign' }));
    assert.equal(missing.byId.sign.status, 'fail');
    assert.match(missing.byId.sign.detail, /not found/);
    assert.equal(missing.status, 1);
  });

  it('fails each broken template by name and passes the others', async () => {
    const codes = ALIYUN_DEFAULTS.mainlandTemplates;
    sim.templateStates.set(codes[0], { TemplateContent: 'Your code is ${code}, valid for ${minutes} minutes.' });
    sim.templateStates.set(codes[1], { RelatedSignName: 'AnotherSign' });
    sim.templateStates.set(codes[2], { TemplateStatus: '0' });
    sim.templateStates.set(codes[3], { TemplateStatus: '2', RejectInfo: 'misleading wording' });
    sim.templateStates.set(codes[4], { TemplateType: '1' });
    sim.templateStates.set(codes[5], { TemplateContent: 'Your code is ${otp}.', VariableAttribute: '{"otp":"numberCaptcha"}' });
    const templates = USAGE_TYPES.map((usageType, index) => ({ usageType, templateCode: index === 6 ? 'SMS_404' : codes[index] }));
    const result = await run('aliyun', config({ templates }));
    assertShape(result);
    const detail = (usage) => result.byId[`template:${usage}`].detail;
    const expected = [
      ['SignIn', /second variable \$\{minutes\}/],
      ['Register', /“AnotherSign”/],
      ['ForgotPassword', /in review/],
      ['OrganizationInvitation', /rejected: misleading wording/],
      ['Generic', /not a verification-code template \(TemplateType 1\)/],
      ['UserPermissionValidation', /\$\{otp\}/],
      ['BindNewIdentifier', /not found/],
    ];
    for (const [usage, words] of expected) {
      assert.equal(result.byId[`template:${usage}`].status, 'fail', usage);
      assert.match(detail(usage), words, usage);
    }
    assert.equal(result.byId['template:MfaVerification'].status, 'pass');
    assert.equal(result.byId['template:BindMfa'].status, 'pass');
    assert.equal(result.byId.sign.status, 'pass');
    assert.equal(result.status, 1);
    noSends(sim);
  });

  it('checks both codes of { china, overseas } templates, the overseas one as an international verification template', async () => {
    const templates = USAGE_TYPES.map((usageType, index) => ({
      usageType,
      templateCode: { china: ALIYUN_DEFAULTS.mainlandTemplates[index], overseas: ALIYUN_DEFAULTS.overseasTemplate },
    }));
    const result = await run('aliyun', config({ templates }));
    assertShape(result);
    assert.equal(result.byId['template:SignIn:china'].status, 'pass');
    assert.equal(result.byId['template:SignIn:overseas'].status, 'pass');
    assert.equal(result.status, 0);
    // The overseas code is asked once, whatever the number of usage types sharing it.
    assert.equal(sim.actionCounts().GetSmsTemplate, USAGE_TYPES.length + 1);
  });

  it('warns "cannot verify" when the RAM policy allows only SendSms, never passing sign or templates', async () => {
    sim.queryDenied = true;
    const result = await run('aliyun', config());
    assertShape(result);
    assert.equal(result.byId.credentials.status, 'warn');
    assert.match(result.byId.credentials.detail, /cannot verify.*Forbidden\.RAM/);
    assert.equal(result.byId.sign.status, 'warn');
    for (const usage of USAGE_TYPES) assert.ok(['warn', 'skip'].includes(result.byId[`template:${usage}`].status));
    assert.equal(result.byId.clock.status, 'pass', 'an error answer carries a Date too');
    assert.equal(result.status, 0);
    noSends(sim);
  });

  it('fails a refused key', async () => {
    for (const overrides of [{ accessKeySecret: 'not-the-secret' }, { accessKeyId: 'LTAI-unknown' }]) {
      const result = await run('aliyun', config(overrides));
      assertShape(result);
      assert.equal(result.byId.credentials.status, 'fail');
      assert.match(result.byId.credentials.detail, /SignatureDoesNotMatch|InvalidAccessKeyId/);
      assert.equal(result.byId.sign.status, 'skip');
      assert.equal(result.status, 1);
    }
  });

  it('reads the clock from the Date header: warn past 60 s, fail past 15 minutes', async () => {
    sim.clockSkewSeconds = 120;
    const warned = await run('aliyun', config());
    assertShape(warned);
    assert.equal(warned.byId.clock.status, 'warn');
    assert.match(warned.byId.clock.detail, /1[12][0-9] s behind/);
    assert.equal(warned.status, 0);
    sim.clockSkewSeconds = 20 * 60;
    const failed = await run('aliyun', config());
    assertShape(failed);
    assert.equal(failed.byId.clock.status, 'fail');
    assert.notEqual(failed.byId.credentials.status, 'pass');
    assert.equal(failed.status, 1);
  });

  it('skips every other check when the config fails the guard', async () => {
    const result = await run('aliyun', { ...config(), templates: [] });
    assertShape(result);
    assert.equal(result.byId.config.status, 'fail');
    assert.match(result.byId.config.detail, /templates/);
    assert.ok(result.document.checks.slice(1).every((c) => c.status === 'skip' && c.detail === 'the config is invalid'));
    assert.equal(result.status, 1);
    assert.deepEqual(sim.actionCounts(), {});
  });

  it('international site: the key through QueryMessage, sign skipped, message texts checked locally', async () => {
    const long = `您的验证码是{code}，${'请勿泄露'.repeat(20)}`;
    const templates = USAGE_TYPES.map((usageType) => ({
      usageType,
      templateCode: 'SMS_1000001',
      message: usageType === 'Register' ? long : 'Your code is {code}',
    }));
    const result = await run('aliyun', config({ site: 'international', templates }));
    assertShape(result);
    assert.equal(result.byId.credentials.status, 'pass');
    assert.equal(result.byId.sign.status, 'skip');
    assert.equal(result.byId['template:SignIn'].status, 'pass');
    assert.equal(result.byId['template:Register'].status, 'warn');
    assert.match(result.byId['template:Register'].detail, /UCS-2/);
    assert.ok(!result.stdout.includes('请勿泄露'), 'the message text is never printed');
    assert.deepEqual(sim.actionCounts(), { QueryMessage: 1 });
    assert.equal(result.status, 0);
  });

  it('prints a table for people: status words, ids, fixes under fail and warn', async () => {
    sim.signStates.set('Logto', { SignStatus: 0 });
    const result = await runFolder('aliyun', ['doctor', '--config', configFile(config())]);
    outputs.push(result.stdout, result.stderr);
    assert.equal(result.status, 1);
    assert.throws(() => JSON.parse(result.stdout));
    assert.match(result.stdout, /^FAIL {2}sign {2,}signature “Logto” is in review$/m);
    assert.match(result.stdout, /^\s+fix: Wait for the review/m);
    assert.match(result.stdout, /^PASS {2}template:SignIn /m);
  });

  it('leaves no secret in any output', () => {
    assert.ok(outputs.length > 0);
    for (const text of outputs) for (const secret of SECRETS) assert.ok(!text.includes(secret), 'a secret was printed');
  });
});

describe('doctor: Tencent', () => {
  let sim;
  before(async () => {
    sim = await startTencentSimulator();
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.reset();
    sim.clockSkewSeconds = 0;
  });
  const config = (overrides) => tencentConfig(sim, overrides);

  it('passes a healthy setup: one DescribeSmsTemplateList per International value, sign skipped, nothing sent', async () => {
    const result = await run('tencent', config());
    assertShape(result);
    assert.equal(result.document.connector, 'tencent-short-message-service');
    const ids = ['config', 'credentials', 'clock', 'sign', ...USAGE_TYPES.flatMap((u) => [`template:${u}:china`, `template:${u}:overseas`])];
    assert.deepEqual(result.document.checks.map((c) => c.id), ids);
    assert.equal(result.byId.sign.status, 'skip');
    assert.ok(result.document.checks.filter((c) => c.id !== 'sign').every((c) => c.status === 'pass'), JSON.stringify(result.document.checks));
    assert.deepEqual(sim.actionCounts(), { DescribeSmsTemplateList: 2 });
    const bodies = sim.requests.map((r) => r.body);
    assert.deepEqual(bodies.map((b) => b.International).sort(), [0, 1]);
    assert.ok(bodies.every((b) => b.TemplateIdSet.every(Number.isInteger)));
    assert.equal(result.status, 0);
  });

  it('fails templates in review, rejected, not in effect, with a second variable, not found or not a number', async () => {
    const ids = TENCENT_DEFAULTS.mainlandTemplates;
    sim.templateStates.set(ids[0], { StatusCode: 1 });
    sim.templateStates.set(ids[1], { StatusCode: -1, ReviewReply: 'signature mismatch' });
    sim.templateStates.set(ids[2], { StatusCode: 2 });
    sim.templateStates.set(ids[3], { TemplateContent: 'Code {1}, valid {2} minutes' });
    const templates = USAGE_TYPES.map((usageType, index) => ({
      usageType,
      templateCode: index === 4 ? '999999' : index === 5 ? 'SMS_1' : ids[index],
    }));
    const result = await run('tencent', config({ templates }));
    assertShape(result);
    const expected = [
      ['SignIn', /in review/],
      ['Register', /rejected: signature mismatch/],
      ['ForgotPassword', /not yet in effect/],
      ['OrganizationInvitation', /second variable \{2\}/],
      ['Generic', /not among this app's mainland templates/],
      ['UserPermissionValidation', /not a number/],
    ];
    for (const [usage, words] of expected) {
      assert.equal(result.byId[`template:${usage}`].status, 'fail', usage);
      assert.match(result.byId[`template:${usage}`].detail, words, usage);
    }
    assert.equal(result.byId['template:BindMfa'].status, 'pass');
    assert.equal(result.status, 1);
    noSends(sim);
  });

  it('warns "cannot verify" on UnauthorizedOperation.RequestPermissionDeny', async () => {
    sim.queryDenied = true;
    const result = await run('tencent', config());
    assertShape(result);
    assert.equal(result.byId.credentials.status, 'warn');
    assert.match(result.byId.credentials.detail, /RequestPermissionDeny/);
    assert.ok(result.document.checks.every((c) => c.status !== 'pass' || c.id === 'config' || c.id === 'clock'));
    assert.equal(result.status, 0);
  });

  it('fails a refused key and a clock beyond 5 minutes', async () => {
    const refused = await run('tencent', config({ accessKeySecret: 'wrong' }));
    assertShape(refused);
    assert.equal(refused.byId.credentials.status, 'fail');
    assert.match(refused.byId.credentials.detail, /AuthFailure\.SignatureFailure/);
    sim.clockSkewSeconds = -400;
    const skewed = await run('tencent', config());
    assertShape(skewed);
    assert.equal(skewed.byId.clock.status, 'fail');
    assert.match(skewed.byId.clock.detail, /ahead of/);
    assert.equal(skewed.byId.credentials.status, 'skip');
    assert.equal(skewed.status, 1);
  });

  it('checks the store only with limits: in-process counters pass, an unreachable Redis fails', async () => {
    const without = await run('tencent', config());
    assert.equal(without.byId.store, undefined);
    const memory = await run('tencent', config({ limits: { global: { max: 100, windowSeconds: 60 } } }));
    assertShape(memory);
    assert.equal(memory.byId.store.status, 'pass');
    const port = await closedPort();
    const redis = await run('tencent', config({ limits: { global: { max: 100, windowSeconds: 60 }, redisUrl: `redis://:MARKER-redis-pw@127.0.0.1:${port}/0` } }));
    assertShape(redis);
    assert.equal(redis.byId.store.status, 'fail');
    assert.ok(!redis.stdout.includes('MARKER-redis-pw'), 'the Redis password was printed');
    assert.equal(redis.status, 1);
  });

  it('leaves no secret in any output', () => {
    for (const text of outputs) for (const secret of SECRETS) assert.ok(!text.includes(secret), 'a secret was printed');
  });
});

describe('doctor: router', () => {
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
  beforeEach(() => {
    aliyun.reset();
    tencent.reset();
  });
  const router = (routes) => ({
    providers: [
      { name: 'aliyun-cn', type: 'aliyun', config: aliyunConfig(aliyun) },
      { name: 'tencent', type: 'tencent', config: tencentConfig(tencent) },
    ],
    routes,
  });
  const ROUTES = [
    { prefixes: ['86'], use: ['aliyun-cn', 'tencent'] },
    { prefixes: ['*'], use: ['tencent'] },
  ];

  it('checks every account under providers.<name>. with its account, and passes routes', async () => {
    const result = await run('router', router(ROUTES));
    assertShape(result);
    assert.equal(result.document.connector, 'sms-router-native');
    assert.equal(result.byId['providers.aliyun-cn.sign'].status, 'pass');
    assert.equal(result.byId['providers.aliyun-cn.sign'].account, 'aliyun-cn');
    assert.equal(result.byId['providers.tencent.template:SignIn:china'].account, 'tencent');
    assert.equal(result.byId['providers.tencent.credentials'].status, 'pass');
    assert.equal(result.byId.routes.status, 'pass');
    assert.equal(result.byId.config.status, 'pass');
    assert.equal(result.byId.config.account, undefined);
    assert.equal(result.status, 0);
    noSends(aliyun);
    noSends(tencent);
  });

  it('fails routes when a route has no healthy account, warns when every route still has one', async () => {
    aliyun.signStates.set('Logto', { SignStatus: 2 });
    const warned = await run('router', router(ROUTES));
    assertShape(warned);
    assert.equal(warned.byId['providers.aliyun-cn.sign'].status, 'fail');
    assert.equal(warned.byId.routes.status, 'warn');
    assert.match(warned.byId.routes.detail, /aliyun-cn/);
    assert.equal(warned.status, 1, 'an account check failed');
    tencent.templateStates.set(TENCENT_DEFAULTS.internationalTemplate, { StatusCode: -1 });
    const failed = await run('router', router(ROUTES));
    assertShape(failed);
    assert.equal(failed.byId.routes.status, 'fail');
    assert.match(failed.byId.routes.detail, /\[86\].*\[\*\]|\[\*\]/);
  });

  it('skips everything when the router config fails its guard', async () => {
    const result = await run('router', router([{ prefixes: ['86'], use: ['nobody'] }]));
    assertShape(result);
    assert.equal(result.byId.config.status, 'fail');
    assert.equal(result.byId.routes.status, 'skip');
    assert.equal(result.status, 1);
  });
});

describe('doctor: usage, exit code 2, and the folder alone', () => {
  let sim;
  before(async () => {
    sim = await startTencentSimulator();
  });
  after(() => sim.close());

  it('exits 2 for bad usage, naming the problem on stderr', async () => {
    const file = configFile(tencentConfig(sim));
    const cases = [
      [['doctor', '--config', file, '--bogus'], /unknown flag --bogus/],
      [['doctor'], /exactly one of --config and --db-url/],
      [['doctor', '--config', '/nonexistent/config.json'], /cannot read the config file/],
      [['doctor', '--config', configFile('{"accessKeyId": "x",')], /is not JSON/],
      [['doctor', '--config', file, '--connector', 'aliyun'], /does not match/],
      [['doctor', '--config', file, '--phone', '1'], /not a flag of doctor/],
      [['frobnicate'], /unknown command/],
      [['doctor', '--db-url', 'postgres://u:MARKER-db-password@127.0.0.1:1/db'], /cannot connect to the database/],
    ];
    for (const [args, message] of cases) {
      const result = await runFolder('tencent', args);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.ok(!result.stderr.includes('MARKER-db-password'), 'the database password was printed');
      assert.equal(result.stdout, '');
    }
  });

  it('reads the config from stdin with --config -', async () => {
    const result = await runFolder('tencent', ['doctor', '--config', '-', '--json'], { input: JSON.stringify(tencentConfig(sim)) });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).ok, true);
  });

  it('runs from the repository with --connector, and needs it there', async () => {
    const bin = path.join(repoRoot, 'bin', 'logto-sms.js');
    const file = configFile(tencentConfig(sim));
    const ran = await runBin(bin, ['doctor', '--connector', 'tencent', '--config', file, '--json']);
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(JSON.parse(ran.stdout).connector, 'tencent-short-message-service');
    const missing = await runBin(bin, ['doctor', '--config', file]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--connector/);
  });

  it('runs doctor from a folder copied alone to an empty directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'logto-sms-alone-'));
    try {
      const copy = path.join(dir, 'connector-tencent-sms-native');
      cpSync(FOLDERS.tencent, copy, { recursive: true });
      const result = await runBin(path.join(copy, 'bin', 'logto-sms.js'), ['doctor', '--config', configFile(tencentConfig(sim)), '--json'], { cwd: dir });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).checks.find((c) => c.id === 'credentials').status, 'pass');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
