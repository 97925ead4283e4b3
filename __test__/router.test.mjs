// The routing connector (CONTRACT §8) against the provider simulators: which
// account each number goes to, failover after definite refusals only (requests
// counted at every simulator), the cool-down, the guard, limits once per send,
// an international-site Aliyun account inside the router, and no secret of any
// account in any error or log line.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';

import { createSmsRouterConnector } from '../index.js';
import { USAGE_TYPES, settle } from './support/configs.mjs';
import { closedPort } from './support/ports.mjs';
import { captureStderr, jsonLines } from './support/stderr.mjs';
import { ALIYUN_DEFAULTS, TENCENT_DEFAULTS, startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';

const MARKER = 'MARKER-router-secret-4f7e21';
const CODE = '902718';
const CN = '8613812345678';
const UK = '447911123456';
const data = (to, type = 'SignIn') => ({ to, type, payload: { code: CODE } });

// Four provider endpoints, so that who received what is plain: two Aliyun
// (one of them also serves the international-site actions), two Tencent.
const sims = {};
const allSims = () => Object.values(sims);
const total = () => allSims().reduce((sum, sim) => sum + sim.requests.length, 0);
const counts = () => Object.fromEntries(Object.entries(sims).map(([name, sim]) => [name, sim.requests.length]));

// The cool-down is process-wide and keyed by account: every test names its
// accounts afresh so that no test inherits another's refusals.
let serial = 0;
const fresh = (name) => `${name}-${(serial += 1)}`;

const aliyunAccount = (sim, name, overrides = {}) => ({
  name,
  type: 'aliyun',
  config: {
    accessKeyId: ALIYUN_DEFAULTS.accessKeyId,
    accessKeySecret: MARKER,
    signName: 'Logto',
    templates: USAGE_TYPES.map((usageType, i) => ({ usageType, templateCode: { china: ALIYUN_DEFAULTS.mainlandTemplates[i], overseas: ALIYUN_DEFAULTS.overseasTemplate } })),
    endpoint: sim.endpoint,
    ...overrides,
  },
});

const intlAccount = (sim, name, overrides = {}) => ({
  name,
  type: 'aliyun',
  config: {
    accessKeyId: ALIYUN_DEFAULTS.accessKeyId,
    accessKeySecret: MARKER,
    signName: 'Logto',
    site: 'international',
    senderId: 'Logto',
    templates: USAGE_TYPES.map((usageType, i) => ({ usageType, templateCode: ALIYUN_DEFAULTS.mainlandTemplates[i], message: 'Your code is {code}.' })),
    endpoint: sim.endpoint,
    ...overrides,
  },
});

const tencentAccount = (sim, name, overrides = {}) => ({
  name,
  type: 'tencent',
  config: {
    accessKeyId: TENCENT_DEFAULTS.secretId,
    accessKeySecret: MARKER,
    signName: 'Logto',
    sdkAppId: TENCENT_DEFAULTS.sdkAppId,
    region: TENCENT_DEFAULTS.region,
    templates: USAGE_TYPES.map((usageType, i) => ({ usageType, templateCode: { china: TENCENT_DEFAULTS.mainlandTemplates[i], overseas: TENCENT_DEFAULTS.internationalTemplate } })),
    endpoint: sim.endpoint,
    ...overrides,
  },
});

/** A router config: `accounts` in `providers`, and `routes`. */
const routerConfig = (accounts, routes, extra = {}) => ({ providers: accounts, routes, ...extra });

const router = await createSmsRouterConnector({ getConfig: async () => ({}) });

/** Sends through the router with `config`; resolves to { value } or { error }. */
const send = (config, message) => settle(router.sendMessage(message, config));

before(async () => {
  [sims.aliyun, sims.aliyun2, sims.tencent, sims.tencent2] = await Promise.all([startAliyunSimulator(), startAliyunSimulator(), startTencentSimulator(), startTencentSimulator()]);
  for (const sim of [sims.aliyun, sims.aliyun2]) sim.accounts.set(ALIYUN_DEFAULTS.accessKeyId, MARKER);
  for (const sim of [sims.tencent, sims.tencent2]) sim.accounts.set(TENCENT_DEFAULTS.secretId, MARKER);
});
after(async () => {
  await Promise.all(allSims().map((sim) => sim.close()));
});
beforeEach(() => {
  for (const sim of allSims()) {
    sim.reset();
    sim.clockSkewSeconds = 0;
  }
});

describe('routing', () => {
  it('the longest matching prefix wins and "*" takes what no prefix matches: one request, at the right account', async () => {
    const [a, b, t, t2] = [fresh('aliyun-86'), fresh('aliyun-8613'), fresh('tencent-any'), fresh('tencent-hk')];
    const config = routerConfig(
      [aliyunAccount(sims.aliyun, a), aliyunAccount(sims.aliyun2, b), tencentAccount(sims.tencent, t), tencentAccount(sims.tencent2, t2)],
      [
        { prefixes: ['*'], use: [t] },
        { prefixes: ['86'], use: [a] },
        { prefixes: ['8613'], use: [b] },
        { prefixes: ['852', '853'], use: [t2] },
      ]
    );
    const cases = [
      [CN, 'aliyun2'],
      ['8615012345678', 'aliyun'],
      [UK, 'tencent'],
      ['85268326366', 'tencent2'],
      ['85361234567', 'tencent2'],
      ['33612345678', 'tencent'],
      ['+12025550123', 'tencent'],
    ];
    for (const [to, expected] of cases) {
      for (const sim of allSims()) sim.reset();
      const { value, error } = await send(config, data(to));
      assert.equal(error, undefined, `${to}: ${error?.message}`);
      assert.ok(value);
      assert.deepEqual(counts(), { aliyun: 0, aliyun2: 0, tencent: 0, tencent2: 0, [expected]: 1 }, to);
      assert.equal(sims[expected].requests[0].verdict, 'ok');
    }
  });

  it('the mainland rule: a bare 11-digit 1… number routes as +86 unless strictPhoneRegionNumberCheck; accounts without the key take the router\'s', async () => {
    const [a, t] = [fresh('aliyun-cn'), fresh('tencent-nanp')];
    const accounts = [aliyunAccount(sims.aliyun, a), tencentAccount(sims.tencent, t)];
    const routes = [
      { prefixes: ['86'], use: [a] },
      { prefixes: ['1'], use: [t] },
    ];
    assert.equal((await send(routerConfig(accounts, routes), data('13812345678'))).error, undefined);
    assert.deepEqual([sims.aliyun.requests.length, sims.tencent.requests.length], [1, 0]);
    const strict = await send(routerConfig(accounts, routes, { strictPhoneRegionNumberCheck: true }), data('13812345678'));
    assert.equal(strict.error, undefined);
    assert.deepEqual([sims.aliyun.requests.length, sims.tencent.requests.length], [1, 1]);
    // The Tencent account had no rule of its own: it sent with the router's.
    assert.equal(sims.tencent.requests[0].body.PhoneNumberSet[0], '+13812345678');
  });

  it('the allow-list bypass is closed: an account whose mainland rule differs from the router\'s is a guard issue, and nothing is sent', async () => {
    // Router non-strict, the account strict, countries.allow ["86"]: before,
    // 12684641234 was counted and allowed as +86 and went out to Tencent as
    // +12684641234 (Antigua), premium-number pumping through the allow-list.
    const t = fresh('tencent-strict');
    const config = routerConfig([tencentAccount(sims.tencent, t, { strictPhoneRegionNumberCheck: true })], [{ prefixes: ['*'], use: [t] }], {
      limits: { countries: { allow: ['86'] } },
    });
    const result = router.configGuard.safeParse(config);
    assert.equal(result.success, false);
    assert.deepEqual(
      result.error.issues.map((issue) => [issue.path.join('.'), issue.code]),
      [['providers.0.config.strictPhoneRegionNumberCheck', 'custom']]
    );
    const { error } = await send(config, data('12684641234'));
    assert.equal(error.code, 'invalid_config');
    assert.equal(total(), 0);
    // Set alike (both strict), the same number is +1 for routing, limits and
    // sending: the allow-list refuses it, nothing sent.
    const alike = { ...config, strictPhoneRegionNumberCheck: true };
    assert.equal(router.configGuard.safeParse(alike).success, true);
    const refused = await send(alike, data('12684641234'));
    assert.equal(refused.error.code, 'invalid_request_parameters');
    assert.match(refused.error.data.errorDescription, /\+1 is not enabled/);
    // And not strict anywhere: it is +86 for all of them, and goes out as +86.
    const nonStrict = routerConfig([tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [t] }], { limits: { countries: { allow: ['86'] } } });
    assert.equal((await send(nonStrict, data('12684641234'))).error, undefined);
    assert.equal(total(), 1);
    assert.equal(sims.tencent.requests[0].body.PhoneNumberSet[0], '+8612684641234');
  });

  it('a number no route takes is invalid_request_parameters naming its country code, and nothing is sent', async () => {
    const a = fresh('aliyun-cn');
    const config = routerConfig([aliyunAccount(sims.aliyun, a)], [{ prefixes: ['86', '852'], use: [a] }]);
    const { error } = await send(config, data(UK));
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'invalid_request_parameters');
    assert.match(error.data.errorDescription, /\+44\b/);
    assert.equal(error.data.country, '44');
    const unassigned = await send(config, data('99912345678'));
    assert.equal(unassigned.error.code, 'invalid_request_parameters');
    assert.equal(total(), 0);
  });

  it('a bad recipient or a payload without a code is refused before routing: nothing sent, no attempts', async () => {
    const a = fresh('aliyun-any');
    const config = routerConfig([aliyunAccount(sims.aliyun, a)], [{ prefixes: ['*'], use: [a] }]);
    for (const message of [data('not a number'), { to: CN, type: 'SignIn', payload: {} }, data('+86 138')]) {
      const { error } = await send(config, message);
      assert.equal(error.code, 'invalid_request_parameters');
      assert.equal(error.data.attempts, undefined);
    }
    assert.equal(total(), 0);
  });
});

describe('failover after a definite refusal', () => {
  // Each case: the first account refuses before anything is sent; the second
  // (on another simulator) sends. Exactly one request at each.
  // [label, arrange, class, provider code, scope]. After each failover, the
  // same refusal with the first account alone shows the class and scope the
  // router saw (error.data.attempts).
  const aliyunFirst = [
    ['the daily limit (isv.DAY_LIMIT_CONTROL)', (sim) => sim.script({ businessCode: 'isv.DAY_LIMIT_CONTROL' }), 'rate_limit_exceeded', 'isv.DAY_LIMIT_CONTROL', 'account'],
    ['the monthly limit (isv.MONTH_LIMIT_CONTROL)', (sim) => sim.script({ businessCode: 'isv.MONTH_LIMIT_CONTROL' }), 'rate_limit_exceeded', 'isv.MONTH_LIMIT_CONTROL', 'account'],
    ['balance (isv.AMOUNT_NOT_ENOUGH)', (sim) => sim.script({ businessCode: 'isv.AMOUNT_NOT_ENOUGH' }), 'usage_limit_exceeded', 'isv.AMOUNT_NOT_ENOUGH', 'account'],
    ['service suspended (isv.OUT_OF_SERVICE)', (sim) => sim.script({ businessCode: 'isv.OUT_OF_SERVICE' }), 'usage_limit_exceeded', 'isv.OUT_OF_SERVICE', 'account'],
    ['a template the account may not use (isv.SMS_TEMPLATE_ILLEGAL)', (sim) => sim.script({ businessCode: 'isv.SMS_TEMPLATE_ILLEGAL' }), 'invalid_config', 'isv.SMS_TEMPLATE_ILLEGAL', 'account'],
    ['a signature the account may not use (isv.SMS_SIGNATURE_ILLEGAL)', (sim) => sim.script({ businessCode: 'isv.SMS_SIGNATURE_ILLEGAL' }), 'invalid_config', 'isv.SMS_SIGNATURE_ILLEGAL', 'account'],
    ['clock skew (InvalidTimeStamp.Expired, general)', (sim) => (sim.clockSkewSeconds = 3600), 'general', 'InvalidTimeStamp.Expired', 'account'],
    ["the host's IP not allowed (isv.DENY_IP_RANGE)", (sim) => sim.script({ businessCode: 'isv.DENY_IP_RANGE' }), 'invalid_config', 'isv.DENY_IP_RANGE', 'destination'],
    ['a mainland-only account (isv.DOMESTIC_NUMBER_NOT_SUPPORTED)', (sim) => sim.script({ businessCode: 'isv.DOMESTIC_NUMBER_NOT_SUPPORTED' }), 'invalid_request_parameters', 'isv.DOMESTIC_NUMBER_NOT_SUPPORTED', 'destination'],
  ];
  for (const [label, arrange, code, providerCode, scope] of aliyunFirst) {
    it(`Aliyun refuses with ${label} (scope ${scope}): the next account sends; one request at each`, async () => {
      const [a, t] = [fresh('aliyun'), fresh('tencent')];
      const config = routerConfig([aliyunAccount(sims.aliyun, a), tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [a, t] }]);
      arrange(sims.aliyun);
      const { value, error } = await send(config, data(CN));
      assert.equal(error, undefined, error?.message);
      assert.equal(value.Response.SendStatusSet[0].Code, 'Ok');
      assert.deepEqual(counts(), { aliyun: 1, aliyun2: 0, tencent: 1, tencent2: 0 });
      assert.equal(sims.aliyun.requests[0].response.Code, providerCode);
      for (const sim of allSims()) sim.reset();
      arrange(sims.aliyun);
      const alone = await send(routerConfig([aliyunAccount(sims.aliyun, a)], [{ prefixes: ['*'], use: [a] }]), data(CN));
      assert.equal(alone.error.code, code);
      assert.deepEqual(alone.error.data.attempts, [{ type: 'aliyun', code, providerCode, scope }]);
    });
  }

  it('Aliyun refuses the account set-up (wrong secret, SignatureDoesNotMatch): the next account sends', async () => {
    const [a, t] = [fresh('aliyun-wrong-secret'), fresh('tencent')];
    const config = routerConfig([aliyunAccount(sims.aliyun, a, { accessKeySecret: `${MARKER}-wrong` }), tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [a, t] }]);
    assert.equal((await send(config, data(CN))).error, undefined);
    assert.deepEqual(counts(), { aliyun: 1, aliyun2: 0, tencent: 1, tencent2: 0 });
    assert.equal(sims.aliyun.requests[0].response.Code, 'SignatureDoesNotMatch');
  });

  it('the first account cannot be reached (connection refused): the next account sends', async () => {
    const [a, t] = [fresh('aliyun-down'), fresh('tencent')];
    const down = aliyunAccount(sims.aliyun, a, { endpoint: `http://127.0.0.1:${await closedPort()}/` });
    const config = routerConfig([down, tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [a, t] }]);
    assert.equal((await send(config, data(UK))).error, undefined);
    assert.deepEqual(counts(), { aliyun: 0, aliyun2: 0, tencent: 1, tencent2: 0 });
  });

  const tencentFirst = [
    ['the daily limit of the app (LimitExceeded.DailyLimit)', (sim) => sim.script({ errorCode: 'LimitExceeded.DailyLimit', level: 'request' })],
    ['a country the app may not send to (LimitExceeded.AppCountryOrRegionInBlacklist, general, destination)', (sim) => sim.script({ errorCode: 'LimitExceeded.AppCountryOrRegionInBlacklist', level: 'number' })],
    ['a mainland template for a global number (UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone, destination)', (sim) => sim.script({ errorCode: 'UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone', level: 'request' })],
    ['the package exhausted (FailedOperation.InsufficientBalanceInSmsPackage)', (sim) => sim.script({ errorCode: 'FailedOperation.InsufficientBalanceInSmsPackage', level: 'request' })],
    ['arrears (UnauthorizedOperation.SerivceSuspendDueToArrears)', (sim) => sim.script({ errorCode: 'UnauthorizedOperation.SerivceSuspendDueToArrears', level: 'request' })],
    ['a template not approved (FailedOperation.TemplateIncorrectOrUnapproved)', (sim) => sim.script({ errorCode: 'FailedOperation.TemplateIncorrectOrUnapproved', level: 'number' })],
    ['clock skew (AuthFailure.SignatureExpire, general)', (sim) => (sim.clockSkewSeconds = 600)],
  ];
  for (const [label, arrange] of tencentFirst) {
    it(`Tencent refuses with ${label}: the next account sends; one request at each`, async () => {
      const [t, a] = [fresh('tencent'), fresh('aliyun')];
      const config = routerConfig([tencentAccount(sims.tencent, t), aliyunAccount(sims.aliyun, a)], [{ prefixes: ['*'], use: [t, a] }]);
      arrange(sims.tencent);
      const { value, error } = await send(config, data(UK));
      assert.equal(error, undefined, error?.message);
      assert.equal(value.Code, 'OK');
      assert.deepEqual(counts(), { aliyun: 1, aliyun2: 0, tencent: 1, tencent2: 0 });
    });
  }

  it('an international-site account refuses (ResponseCode NOT_SUPPORTED_COUNTRY, DAY_LIMIT_CONTROL, AMOUNT_NOT_ENOUGH, INVALID_SENDERID): the next account sends', async () => {
    for (const businessCode of ['NOT_SUPPORTED_COUNTRY', 'DAY_LIMIT_CONTROL', 'AMOUNT_NOT_ENOUGH', 'INVALID_SENDERID']) {
      for (const sim of allSims()) sim.reset();
      const [i, t] = [fresh('aliyun-intl'), fresh('tencent')];
      const config = routerConfig([intlAccount(sims.aliyun, i), tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [i, t] }]);
      sims.aliyun.script({ businessCode });
      assert.equal((await send(config, data(UK))).error, undefined, businessCode);
      assert.deepEqual(counts(), { aliyun: 1, aliyun2: 0, tencent: 1, tencent2: 0 }, businessCode);
      assert.equal(sims.aliyun.requests[0].response.ResponseCode, businessCode);
    }
  });

  it('an international-site template without message (template_not_found): nothing sent by it, the next account sends', async () => {
    const [i, t] = [fresh('aliyun-intl-no-message'), fresh('tencent')];
    const noMessage = intlAccount(sims.aliyun, i);
    noMessage.config.templates = noMessage.config.templates.map(({ message, ...rest }) => rest);
    const config = routerConfig([noMessage, tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [i, t] }]);
    assert.equal((await send(config, data(UK))).error, undefined);
    assert.deepEqual(counts(), { aliyun: 0, aliyun2: 0, tencent: 1, tencent2: 0 });
    // Mainland numbers need no message: the same account sends them itself.
    for (const sim of allSims()) sim.reset();
    assert.equal((await send(config, data(CN))).error, undefined);
    assert.deepEqual(counts(), { aliyun: 1, aliyun2: 0, tencent: 0, tencent2: 0 });
    assert.equal(sims.aliyun.requests[0].params.Action, 'SendMessageWithTemplate');
  });
});

describe('no failover after a possible delivery: exactly one request in all', () => {
  const stops = [
    ['a timeout', 'aliyun', (sim) => sim.script({ stallBeforeHeaders: true }), 'general'],
    ['a connection reset after the request went out', 'aliyun', (sim) => sim.script({ resetMidResponse: true }), 'general'],
    ['an HTTP 502', 'aliyun', (sim) => sim.script({ status: 502, raw: '<html>bad gateway</html>' }), 'general'],
    ['an HTTP 503 whose body says throttled', 'aliyun', (sim) => sim.script({ status: 503, json: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: 'x', RequestId: 'r' } }), 'general'],
    ['an answer that is not JSON', 'aliyun', (sim) => sim.script({ status: 200, raw: 'not json', contentType: 'text/plain' }), 'invalid_response'],
    ['a redirect', 'aliyun', (sim) => sim.script({ redirect: 'http://127.0.0.1:9/' }), 'invalid_response'],
    ['an unknown Aliyun code', 'aliyun', (sim) => sim.script({ businessCode: 'isv.SOMETHING_NEW' }), 'general'],
    ['isp.SYSTEM_ERROR', 'aliyun', (sim) => sim.script({ businessCode: 'isp.SYSTEM_ERROR' }), 'general'],
    ['an unknown Tencent code', 'tencent', (sim) => sim.script({ errorCode: 'InternalError.Timeout', level: 'request' }), 'general'],
    ['an empty Tencent SendStatusSet', 'tencent', (sim) => sim.script({ status: 200, json: { Response: { SendStatusSet: [], RequestId: 'r' } } }), 'invalid_response'],
  ];
  for (const [label, first, arrange, code] of stops) {
    it(`${label} from the first account (${first}) ends the send with its error (${code})`, async () => {
      const names = [fresh(first), fresh('second')];
      const firstAccount = first === 'aliyun' ? aliyunAccount(sims.aliyun, names[0], { timeoutMs: 400 }) : tencentAccount(sims.tencent, names[0], { timeoutMs: 400 });
      const second = first === 'aliyun' ? tencentAccount(sims.tencent2, names[1]) : aliyunAccount(sims.aliyun2, names[1]);
      const config = routerConfig([firstAccount, second], [{ prefixes: ['*'], use: names }]);
      arrange(sims[first]);
      const { error } = await send(config, data(CN));
      assert.ok(error instanceof ConnectorError, 'rejects with the host ConnectorError');
      assert.equal(error.code, code);
      assert.equal(total(), 1, JSON.stringify(counts()));
      assert.equal(sims[first].requests.length, 1);
      assert.deepEqual(
        error.data.attempts.map((attempt) => [attempt.type, attempt.code, attempt.scope]),
        [[first, code, undefined]]
      );
    });
  }

  it('a success ends the send: the second account gets nothing', async () => {
    const [a, t] = [fresh('aliyun'), fresh('tencent')];
    const config = routerConfig([aliyunAccount(sims.aliyun, a), tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [a, t] }]);
    const { value } = await send(config, data(CN));
    assert.equal(value.Code, 'OK');
    assert.deepEqual(counts(), { aliyun: 1, aliyun2: 0, tencent: 0, tencent2: 0 });
  });
});

describe('a refusal about the recipient stops: no other account is tried, and the account does not cool down', () => {
  // Another account would only add another per-number quota for an
  // SMS-bombing bot, and junk numbers must not push a healthy account out.
  const recipientRefusals = [
    ['Aliyun per-number throttle (isv.BUSINESS_LIMIT_CONTROL)', 'aliyun', (sim) => sim.script({ businessCode: 'isv.BUSINESS_LIMIT_CONTROL' }), 'rate_limit_exceeded', 'isv.BUSINESS_LIMIT_CONTROL'],
    ['Aliyun invalid number (isv.MOBILE_NUMBER_ILLEGAL)', 'aliyun', (sim) => sim.script({ businessCode: 'isv.MOBILE_NUMBER_ILLEGAL' }), 'invalid_request_parameters', 'isv.MOBILE_NUMBER_ILLEGAL'],
    ['Tencent per-number daily limit (LimitExceeded.PhoneNumberDailyLimit)', 'tencent', (sim) => sim.script({ errorCode: 'LimitExceeded.PhoneNumberDailyLimit', level: 'number' }), 'rate_limit_exceeded', 'LimitExceeded.PhoneNumberDailyLimit'],
    ['Tencent frequency policy (LimitExceeded.DeliveryFrequencyLimit)', 'tencent', (sim) => sim.script({ errorCode: 'LimitExceeded.DeliveryFrequencyLimit', level: 'number' }), 'rate_limit_exceeded', 'LimitExceeded.DeliveryFrequencyLimit'],
    ['Tencent invalid number (InvalidParameterValue.IncorrectPhoneNumber)', 'tencent', (sim) => sim.script({ errorCode: 'InvalidParameterValue.IncorrectPhoneNumber', level: 'request' }), 'invalid_request_parameters', 'InvalidParameterValue.IncorrectPhoneNumber'],
    ['Tencent blacklisted number (FailedOperation.PhoneNumberInBlacklist)', 'tencent', (sim) => sim.script({ errorCode: 'FailedOperation.PhoneNumberInBlacklist', level: 'number' }), 'invalid_request_parameters', 'FailedOperation.PhoneNumberInBlacklist'],
  ];
  for (const [label, first, arrange, code, providerCode] of recipientRefusals) {
    it(`${label}: one request in all, the error is that refusal with scope recipient`, async () => {
      const names = [fresh(first), fresh('second')];
      const firstAccount = first === 'aliyun' ? aliyunAccount(sims.aliyun, names[0]) : tencentAccount(sims.tencent, names[0]);
      const second = first === 'aliyun' ? tencentAccount(sims.tencent2, names[1]) : aliyunAccount(sims.aliyun2, names[1]);
      const config = routerConfig([firstAccount, second], [{ prefixes: ['*'], use: names }], { failover: { refusals: 1, coolDownSeconds: 3600 } });
      arrange(sims[first]);
      const { error } = await send(config, data(CN));
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.code, code);
      assert.equal(error.data.Code, providerCode);
      assert.deepEqual(error.data.attempts, [{ type: first, code, providerCode, scope: 'recipient' }]);
      assert.deepEqual(counts(), { aliyun: 0, aliyun2: 0, tencent: 0, tencent2: 0, [first]: 1 });
      // refusals: 1 would have cooled it down after one account-scope
      // refusal: the next send still goes to it first.
      assert.equal((await send(config, data(CN))).error, undefined);
      assert.equal(sims[first].requests.length, 2);
      assert.equal(total(), 2);
    });
  }

  it('an international-site per-number throttle (BUSINESS_LIMIT_CONTROL) stops too', async () => {
    const [i, t] = [fresh('aliyun-intl'), fresh('tencent')];
    const config = routerConfig([intlAccount(sims.aliyun, i), tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [i, t] }]);
    sims.aliyun.script({ businessCode: 'BUSINESS_LIMIT_CONTROL' });
    const { error } = await send(config, data(UK));
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.deepEqual(error.data.attempts, [{ type: 'aliyun', code: 'rate_limit_exceeded', providerCode: 'BUSINESS_LIMIT_CONTROL', scope: 'recipient' }]);
    assert.deepEqual(counts(), { aliyun: 1, aliyun2: 0, tencent: 0, tencent2: 0 });
  });

  it('three junk numbers do not cool a healthy account down; three account refusals do', async () => {
    const [a, t] = [fresh('aliyun-healthy'), fresh('tencent')];
    const config = routerConfig([aliyunAccount(sims.aliyun, a), tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [a, t] }], { failover: { refusals: 3, coolDownSeconds: 3600 } });
    for (let i = 0; i < 3; i += 1) {
      sims.aliyun.script({ businessCode: 'isv.MOBILE_NUMBER_ILLEGAL' });
      assert.equal((await send(config, data(CN))).error.code, 'invalid_request_parameters');
    }
    assert.equal((await send(config, data(CN))).value.Code, 'OK', 'still first in line');
    assert.deepEqual(counts(), { aliyun: 4, aliyun2: 0, tencent: 0, tencent2: 0 });
    for (let i = 0; i < 3; i += 1) {
      sims.aliyun.script({ businessCode: 'isv.DAY_LIMIT_CONTROL' });
      assert.equal((await send(config, data(CN))).error, undefined);
    }
    assert.deepEqual(counts(), { aliyun: 7, aliyun2: 0, tencent: 3, tencent2: 0 });
    // Cooling down now: skipped.
    assert.equal((await send(config, data(CN))).error, undefined);
    assert.deepEqual(counts(), { aliyun: 7, aliyun2: 0, tencent: 4, tencent2: 0 });
  });

  it('destination refusals move on but do not cool the account down', async () => {
    const [a, t] = [fresh('aliyun-mainland-only'), fresh('tencent')];
    const config = routerConfig([aliyunAccount(sims.aliyun, a), tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [a, t] }], { failover: { refusals: 1, coolDownSeconds: 3600 } });
    sims.aliyun.script({ businessCode: 'isv.DOMESTIC_NUMBER_NOT_SUPPORTED' });
    assert.equal((await send(config, data(UK))).error, undefined);
    assert.deepEqual(counts(), { aliyun: 1, aliyun2: 0, tencent: 1, tencent2: 0 });
    // refusals: 1 — an account-scope refusal would have cooled it; this did not.
    assert.equal((await send(config, data(CN))).value.Code, 'OK');
    assert.deepEqual(counts(), { aliyun: 2, aliyun2: 0, tencent: 1, tencent2: 0 });
  });
});

describe('every account refuses', () => {
  it("the error is the last account's, and data.attempts lists each attempt in order", async () => {
    const [a, t, b] = [fresh('aliyun-cn'), fresh('tencent'), fresh('aliyun-backup')];
    const config = routerConfig(
      [aliyunAccount(sims.aliyun, a), tencentAccount(sims.tencent, t), aliyunAccount(sims.aliyun2, b)],
      [{ prefixes: ['86'], use: [a, t, b] }]
    );
    sims.aliyun.script({ businessCode: 'isv.DAY_LIMIT_CONTROL' });
    sims.tencent.script({ errorCode: 'FailedOperation.TemplateIncorrectOrUnapproved', level: 'number' });
    sims.aliyun2.script({ businessCode: 'isv.AMOUNT_NOT_ENOUGH' });
    const { error } = await send(config, data(CN));
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'usage_limit_exceeded');
    assert.equal(error.data.Code, 'isv.AMOUNT_NOT_ENOUGH');
    assert.equal(typeof error.data.RequestId, 'string');
    // What the browser may see: types, classes, provider codes, scopes; no
    // account name, no message of an earlier attempt (CONTRACT §5).
    assert.deepEqual(error.data.attempts, [
      { type: 'aliyun', code: 'rate_limit_exceeded', providerCode: 'isv.DAY_LIMIT_CONTROL', scope: 'account' },
      { type: 'tencent', code: 'invalid_config', providerCode: 'FailedOperation.TemplateIncorrectOrUnapproved', scope: 'account' },
      { type: 'aliyun', code: 'usage_limit_exceeded', providerCode: 'isv.AMOUNT_NOT_ENOUGH', scope: 'account' },
    ]);
    const shown = JSON.stringify(error.data);
    for (const name of [a, t, b]) assert.ok(!shown.includes(name), shown);
    assert.deepEqual(counts(), { aliyun: 1, aliyun2: 1, tencent: 1, tencent2: 0 });
  });

  it('a refusal without a provider code (connection refused) is listed without providerCode', async () => {
    const [a, t] = [fresh('aliyun-down'), fresh('tencent')];
    const down = aliyunAccount(sims.aliyun, a, { endpoint: `http://127.0.0.1:${await closedPort()}/` });
    const config = routerConfig([tencentAccount(sims.tencent, t), down], [{ prefixes: ['*'], use: [t, a] }]);
    sims.tencent.script({ errorCode: 'LimitExceeded.DailyLimit', level: 'request' });
    const { error } = await send(config, data(CN));
    assert.equal(error.code, 'general');
    assert.match(error.data.errorDescription, /Nothing was sent/);
    assert.deepEqual(error.data.attempts.map((x) => 'providerCode' in x), [true, false]);
  });
});

describe('cool-down', () => {
  it('an account with `refusals` definite refusals in a row is skipped for coolDownSeconds, process-wide, then tried again', async () => {
    const [a, t] = [fresh('aliyun-throttled'), fresh('tencent')];
    // Long enough that the sends right after the second refusal fall inside
    // it on a slow machine; the wait after it is twice as long.
    const config = routerConfig([aliyunAccount(sims.aliyun, a), tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [a, t] }], { failover: { refusals: 2, coolDownSeconds: 3 } });
    for (let i = 0; i < 2; i += 1) {
      sims.aliyun.script({ businessCode: 'isv.DAY_LIMIT_CONTROL' });
      assert.equal((await send(config, data(CN))).error, undefined);
    }
    assert.deepEqual(counts(), { aliyun: 2, aliyun2: 0, tencent: 2, tencent2: 0 });
    // Cooling down: skipped, by any connector instance of this process.
    const another = await createSmsRouterConnector({ getConfig: async () => config });
    const skipped = await settle(another.sendMessage(data(CN)));
    assert.equal(skipped.error, undefined);
    assert.deepEqual(counts(), { aliyun: 2, aliyun2: 0, tencent: 3, tencent2: 0 });
    // After the cool-down it is tried first again, and sends.
    await sleep(6000);
    assert.equal((await send(config, data(CN))).value.Code, 'OK');
    assert.deepEqual(counts(), { aliyun: 3, aliyun2: 0, tencent: 3, tencent2: 0 });
  });

  it('a success or a possible delivery ends the run of refusals', async () => {
    const [a, t] = [fresh('aliyun-flaky'), fresh('tencent')];
    const config = routerConfig([aliyunAccount(sims.aliyun, a, { timeoutMs: 400 }), tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [a, t] }], { failover: { refusals: 2, coolDownSeconds: 60 } });
    sims.aliyun.script({ businessCode: 'isv.DAY_LIMIT_CONTROL' });
    await send(config, data(CN));
    await send(config, data(CN)); // a success
    sims.aliyun.script({ businessCode: 'isv.DAY_LIMIT_CONTROL' });
    await send(config, data(CN));
    sims.aliyun.script({ status: 502, raw: 'bad gateway' }); // a possible delivery
    assert.equal((await send(config, data(CN))).error.code, 'general');
    sims.aliyun.script({ businessCode: 'isv.DAY_LIMIT_CONTROL' });
    await send(config, data(CN));
    // Never two refusals in a row: still tried first.
    assert.equal((await send(config, data(CN))).value.Code, 'OK');
    assert.deepEqual(counts(), { aliyun: 6, aliyun2: 0, tencent: 3, tencent2: 0 });
  });

  it('when every account of the route is cooling down, all are tried in order as usual', async () => {
    const [a, t] = [fresh('aliyun-out'), fresh('tencent-out')];
    const config = routerConfig([aliyunAccount(sims.aliyun, a), tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [a, t] }], { failover: { refusals: 1, coolDownSeconds: 60 } });
    sims.aliyun.script({ businessCode: 'isv.AMOUNT_NOT_ENOUGH' });
    sims.tencent.script({ errorCode: 'FailedOperation.InsufficientBalanceInSmsPackage', level: 'request' });
    assert.equal((await send(config, data(CN))).error.code, 'usage_limit_exceeded');
    // Both cooling: both tried, in order; the first sends.
    assert.equal((await send(config, data(CN))).value.Code, 'OK');
    assert.deepEqual(counts(), { aliyun: 2, aliyun2: 0, tencent: 1, tencent2: 0 });
  });
});

describe('the guard', () => {
  it("reports a provider config's own issues under providers[i].config, and every other problem, at once", () => {
    const [a, t] = ['aliyun-cn', 'tencent'];
    const aliyun = aliyunAccount(sims.aliyun, a, { templates: [{ usageType: 'SignIn', templateCode: 'x' }], site: 'moon' });
    const tencent = tencentAccount(sims.tencent, t, { sdkAppId: 1400000000, limits: { global: { max: 5, windowSeconds: 60 } } });
    const config = routerConfig(
      [aliyun, tencent, { name: a, type: 'twilio', config: {} }],
      [
        { prefixes: ['+86', '*'], use: [a, 'nobody'] },
        { prefixes: ['1'], use: [] },
        { prefixes: ['44'], use: [t, t] },
      ],
      { failover: { refusals: 0 } }
    );
    const result = router.configGuard.safeParse(config);
    assert.equal(result.success, false);
    assert.equal(result.error.name, 'ZodError');
    const pairs = result.error.issues.map((issue) => [issue.path.join('.'), issue.code]).sort();
    assert.deepEqual(pairs, [
      ['failover.refusals', 'too_small'],
      ['providers.0.config.site', 'invalid_enum_value'],
      ['providers.0.config.templates', 'custom'],
      ['providers.1.config.limits', 'custom'],
      ['providers.1.config.sdkAppId', 'invalid_type'],
      ['providers.2.name', 'custom'],
      ['providers.2.type', 'invalid_enum_value'],
      ['routes.0.prefixes.0', 'invalid_string'],
      ['routes.0.use.1', 'custom'],
      ['routes.1.use', 'too_small'],
      ['routes.2.use.1', 'custom'],
    ]);
    // The Aliyun guard's own message for missing usage types, word for word.
    const missing = result.error.issues.find((issue) => issue.path.join('.') === 'providers.0.config.templates');
    assert.equal(missing.message, 'UsageType (Register, ForgotPassword, Generic) should be provided in templates.');
    assert.ok(!JSON.stringify(result.error.issues).includes(MARKER));
  });

  it('sendMessage with an invalid config rejects with invalid_config carrying the issues, and sends nothing', async () => {
    const a = fresh('aliyun');
    const config = routerConfig([aliyunAccount(sims.aliyun, a, { accessKeyId: 5 })], [{ prefixes: ['*'], use: [a] }]);
    const { error } = await send(config, data(CN));
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'invalid_config');
    assert.deepEqual(error.data.issues.map((issue) => issue.path), [['providers', 0, 'config', 'accessKeyId']]);
    assert.equal(total(), 0);
  });

  it("a valid config parses to each account's own guard output, unknown keys dropped, failover defaults filled", () => {
    const [a, t] = ['aliyun-cn', 'tencent'];
    const config = routerConfig([aliyunAccount(sims.aliyun, a, { extra: 1 }), tencentAccount(sims.tencent, t)], [{ prefixes: ['86'], use: [a, t], note: 'x' }], { failover: {}, other: true });
    const result = router.configGuard.safeParse(config);
    assert.equal(result.success, true, JSON.stringify(result.error?.issues));
    assert.deepEqual(Object.keys(result.data), ['providers', 'routes', 'failover']);
    assert.equal(result.data.providers[0].config.extra, undefined);
    assert.equal(result.data.providers[0].config.templates[0].type, 2);
    assert.deepEqual(result.data.routes, [{ prefixes: ['86'], use: [a, t] }]);
    assert.deepEqual(result.data.failover, { refusals: 3, coolDownSeconds: 60 });
  });
});

describe('hostile configs', () => {
  it('the guard and sendMessage answer anything with issues or invalid_config, never a throw of another kind', async () => {
    const cyclic = { providers: [] };
    cyclic.providers.push(cyclic);
    const getterThrows = { get providers() { throw new Error('boom'); }, routes: [] };
    const inputs = [
      undefined, null, 5, 'x', [], {}, Object.create(null), cyclic, getterThrows,
      { providers: new Map(), routes: new Set() },
      { providers: [{ name: 'a', type: 'aliyun', config: { accessKeySecret: MARKER, templates: [undefined, NaN] } }], routes: [{ prefixes: [Infinity], use: [Symbol('a')] }] },
      { providers: [{ name: '__proto__', type: 'tencent', config: null }], routes: [{ prefixes: ['*'], use: ['__proto__'] }], failover: { refusals: 1e300, coolDownSeconds: -0 } },
    ];
    for (const input of inputs) {
      const result = router.configGuard.safeParse(input);
      assert.equal(result.success, false);
      assert.ok(result.error.issues.length > 0);
      assert.ok(!JSON.stringify(result.error.issues).includes(MARKER));
      const { error } = await send(input ?? {}, data(CN));
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.code, 'invalid_config');
    }
    assert.equal(total(), 0);
  });
});

describe('an international-site Aliyun account inside the router', () => {
  it('sends overseas numbers with SendMessageToGlobe and mainland numbers with SendMessageWithTemplate', async () => {
    const i = fresh('aliyun-intl');
    const config = routerConfig([intlAccount(sims.aliyun, i)], [{ prefixes: ['*'], use: [i] }]);
    const overseas = await send(config, data(UK));
    assert.equal(overseas.value.ResponseCode, 'OK');
    const mainland = await send(config, data(CN, 'Register'));
    assert.equal(mainland.value.ResponseCode, 'OK');
    const [globe, template] = sims.aliyun.requests;
    assert.equal(globe.verdict, 'ok');
    assert.deepEqual([globe.params.Action, globe.params.To, globe.params.Message, globe.params.From], ['SendMessageToGlobe', UK, `Your code is ${CODE}.`, 'Logto']);
    assert.deepEqual([template.params.Action, template.params.To, template.params.TemplateCode], ['SendMessageWithTemplate', CN, ALIYUN_DEFAULTS.mainlandTemplates[1]]);
  });
});

describe('send limits, once per sendMessage', () => {
  it('are counted once however many accounts a send tries', async () => {
    const [a, t] = [fresh('aliyun'), fresh('tencent')];
    // A window no other test uses: the counters are process-wide.
    const limits = { perCountry: { max: 1, windowSeconds: 7717 } };
    const config = routerConfig([aliyunAccount(sims.aliyun, a), tencentAccount(sims.tencent, t)], [{ prefixes: ['*'], use: [a, t] }], { limits });
    sims.aliyun.script({ businessCode: 'isv.DAY_LIMIT_CONTROL' });
    assert.equal((await send(config, data(CN))).error, undefined, 'two attempts, one count');
    assert.deepEqual(counts(), { aliyun: 1, aliyun2: 0, tencent: 1, tencent2: 0 });
    const { error } = await send(config, data(CN));
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.equal(error.data.attempts, undefined);
    assert.equal(total(), 2, 'nothing sent');
  });

  it('a number no route takes, or that no account has a template for, counts nothing', async () => {
    const [a, i] = [fresh('aliyun'), fresh('aliyun-intl-no-message')];
    const noMessage = intlAccount(sims.aliyun2, i);
    noMessage.config.templates = noMessage.config.templates.map(({ message, ...rest }) => rest);
    const limits = { global: { max: 1, windowSeconds: 7718 } };
    const config = routerConfig([aliyunAccount(sims.aliyun, a), noMessage], [{ prefixes: ['86'], use: [a] }, { prefixes: ['44'], use: [i] }], { limits });
    for (let k = 0; k < 3; k += 1) {
      assert.equal((await send(config, data('33612345678'))).error.code, 'invalid_request_parameters', 'no route');
      assert.equal((await send(config, data(UK))).error.code, 'template_not_found', 'no message for +44');
    }
    assert.equal(total(), 0);
    // The one send the global budget allows is still there.
    assert.equal((await send(config, data(CN))).error, undefined);
    assert.equal((await send(config, data(CN))).error.code, 'rate_limit_exceeded');
    assert.equal(total(), 1);
  });

  it('a country the limits refuse is refused, nothing sent', async () => {
    const a = fresh('aliyun');
    const config = routerConfig([aliyunAccount(sims.aliyun, a)], [{ prefixes: ['*'], use: [a] }], { limits: { countries: { deny: ['44'] } } });
    const { error } = await send(config, data(UK));
    assert.equal(error.code, 'invalid_request_parameters');
    assert.equal(error.data.errorDescription, 'SMS to +44 is not enabled');
    assert.equal(total(), 0);
  });
});

describe('secrets and the log line', () => {
  it('no secret of any account in any error or log line; the line names the account and lists the attempts', async () => {
    const errors = [];
    const [a, t, i] = [fresh('aliyun'), fresh('tencent'), fresh('intl')];
    const { text: log } = await captureStderr(async () => {
      const accounts = [aliyunAccount(sims.aliyun, a, { accessKeySecret: `${MARKER}-wrong` }), tencentAccount(sims.tencent, t), intlAccount(sims.aliyun2, i, { accessKeySecret: `${MARKER}-intl` })];
      const config = routerConfig(accounts, [{ prefixes: ['86'], use: [a, t] }, { prefixes: ['44'], use: [i] }]);
      // A failover (wrong secret, then a success), every account refusing,
      // an international refusal, a guard failure, no route.
      assert.equal((await send(config, data(CN))).error, undefined);
      sims.tencent.script({ errorCode: 'AuthFailure.SecretIdNotFound', level: 'request' });
      errors.push((await send(config, data(CN))).error);
      errors.push((await send(config, data(UK))).error);
      errors.push((await send({ ...config, routes: 'x' }, data(CN))).error);
      errors.push((await send(config, data('33612345678'))).error);
    });
    const [accepted, ...rest] = jsonLines(log);
    assert.equal(rest.length, 4);
    assert.equal(accepted.connector, 'sms-router-native');
    assert.equal(accepted.provider, 'tencent');
    assert.equal(accepted.account, t);
    assert.equal(accepted.outcome, 'sent');
    assert.equal(accepted.country, '86');
    assert.deepEqual(
      accepted.attempts.map(({ name, type, outcome, scope, Code }) => ({ name, type, outcome, scope, Code })),
      [
        { name: a, type: 'aliyun', outcome: 'invalid_config', scope: 'account', Code: 'SignatureDoesNotMatch' },
        { name: t, type: 'tencent', outcome: 'sent', scope: undefined, Code: undefined },
      ]
    );
    for (const attempt of accepted.attempts) assert.equal(typeof attempt.ms, 'number');
    // The account that sent: its ids at the top of the line.
    assert.equal(accepted.Code, 'Ok');
    assert.equal(typeof accepted.RequestId, 'string');
    assert.deepEqual(rest.map((line) => line.outcome), ['invalid_config', 'invalid_config', 'invalid_config', 'invalid_request_parameters']);
    assert.ok(!log.includes(MARKER), log);
    assert.ok(!log.includes(CODE), log);
    assert.ok(!log.includes('13812345678') && !log.includes(UK), log);
    for (const error of errors) {
      assert.ok(error instanceof ConnectorError);
      for (const text of [error.message, JSON.stringify(error.data), String(error.stack)]) assert.ok(!text.includes(MARKER), text);
    }
  });
});
