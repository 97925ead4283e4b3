// Aliyun international-site accounts (CONTRACT §7), end to end through the
// simulator, which verifies every signature with node:crypto: the mainland rule
// picks SendMessageWithTemplate or SendMessageToGlobe, each with the 2018-05-01
// parameters; every documented ResponseCode class; gateway errors; a China-site
// request unchanged byte for byte; no secret in any error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';

import { createAliyunSmsConnector } from '../index.js';
import { USAGE_TYPES, settle } from './support/configs.mjs';
import {
  ALIYUN_DEFAULTS,
  aliyunCanonicalQuery,
  aliyunPercentEncode,
  aliyunSignedParams,
  startAliyunSimulator,
} from './simulator/index.mjs';

// A recognisable secret: it must never show up in an error or a returned value.
const MARKER = 'MARKER-intl-secret-5e4d3c2b1a';
const seen = [];

const OVERSEAS = '447911123456';
const MAINLAND = '8613812345678';
const CODE = '123456';
const mainlandCode = (type) => ALIYUN_DEFAULTS.mainlandTemplates[USAGE_TYPES.indexOf(type)];
const messageOf = (type) => `[${type}] Your Logto verification code is {code}. Never share {code}.`;
const sentMessage = (type) => messageOf(type).replaceAll('{code}', CODE);

let sim;
before(async () => {
  sim = await startAliyunSimulator();
  sim.accounts.set(ALIYUN_DEFAULTS.accessKeyId, MARKER);
});
after(() => sim.close());

/** An international-site config with a message for every usage type. */
const intlConfig = (overrides = {}) => ({
  accessKeyId: ALIYUN_DEFAULTS.accessKeyId,
  accessKeySecret: MARKER,
  signName: 'Logto',
  site: 'international',
  templates: USAGE_TYPES.map((usageType) => ({ usageType, templateCode: mainlandCode(usageType), message: messageOf(usageType) })),
  endpoint: sim.endpoint,
  ...overrides,
});

const data = (over = {}) => ({ to: OVERSEAS, type: 'SignIn', payload: { code: CODE, locale: 'en', uiLocales: 'en zh-CN' }, ...over });

/** One send: resolves { value } or { error }, and the requests the simulator saw. */
const sendWith = async (config, sendData = data(), fault) => {
  sim.reset();
  sim.clockSkewSeconds = 0;
  if (fault) sim.script(fault);
  const connector = await createAliyunSmsConnector({ getConfig: async () => config });
  const result = await settle(connector.sendMessage(sendData));
  seen.push(result.value, result.error?.message, result.error?.data, result.error?.stack);
  return { ...result, requests: [...sim.requests] };
};

const succeeds = async (config, sendData, what) => {
  const outcome = await sendWith(config, sendData);
  assert.ok(!outcome.error, `${what}: ${outcome.error?.code} ${JSON.stringify(outcome.error?.data)}`);
  assert.equal(outcome.requests.length, 1, `${what}: exactly one request`);
  const [request] = outcome.requests;
  assert.equal(request.verdict, 'ok', `${what}: simulator verdict`);
  // The send resolves to the provider's parsed answer, nothing added.
  assert.deepEqual(outcome.value, request.response, what);
  return request.params;
};

const fails = async (config, sendData, fault, what) => {
  const outcome = await sendWith(config, sendData, fault);
  assert.ok(outcome.error instanceof ConnectorError, `${what}: expected the host's ConnectorError, got ${JSON.stringify(outcome.value ?? String(outcome.error))}`);
  return outcome;
};

const common2018 = (params) => {
  assert.equal(params.Version, '2018-05-01');
  assert.equal(params.RegionId, 'ap-southeast-1', 'a loopback endpoint gets the site region');
  assert.equal(params.Format, 'JSON');
  assert.equal(params.SignatureMethod, 'HMAC-SHA1');
};

describe('aliyun international site: the action follows the recipient', () => {
  for (const type of USAGE_TYPES) {
    it(`${type} to an overseas number: SendMessageToGlobe with that template's message, Type=OTP`, async () => {
      const params = await succeeds(intlConfig(), data({ type }), type);
      common2018(params);
      assert.equal(params.Action, 'SendMessageToGlobe');
      assert.equal(params.To, OVERSEAS);
      assert.equal(params.Message, sentMessage(type));
      assert.equal(params.Type, 'OTP');
      assert.equal(params.From, undefined, 'no senderId, no From');
      for (const absent of ['TemplateCode', 'TemplateParam', 'PhoneNumbers', 'SignName']) assert.equal(params[absent], undefined, absent);
    });

    it(`${type} to a mainland number: SendMessageWithTemplate with that template's code and the signature`, async () => {
      const params = await succeeds(intlConfig(), data({ type, to: MAINLAND }), type);
      common2018(params);
      assert.equal(params.Action, 'SendMessageWithTemplate');
      assert.equal(params.To, MAINLAND);
      assert.equal(params.From, 'Logto');
      assert.equal(params.TemplateCode, mainlandCode(type));
      assert.equal(params.TemplateParam, JSON.stringify({ code: CODE }), 'only the code, never locale or uiLocales');
      assert.equal(params.Message, undefined);
      assert.equal(params.Type, undefined);
    });
  }

  it('a type without its own template falls back to Generic, on both actions', async () => {
    const required = ['Register', 'SignIn', 'ForgotPassword', 'Generic'];
    const config = intlConfig({ templates: intlConfig().templates.filter((t) => required.includes(t.usageType)) });
    const overseas = await succeeds(config, data({ type: 'MfaVerification' }), 'overseas');
    assert.equal(overseas.Message, sentMessage('Generic'));
    const mainland = await succeeds(config, data({ type: 'MfaVerification', to: MAINLAND }), 'mainland');
    assert.equal(mainland.TemplateCode, mainlandCode('Generic'));
  });

  it('non-strict mainland rule: an 11-digit number starting with 1 goes to SendMessageWithTemplate as 86 + 11 digits', async () => {
    for (const to of ['13812345678', '+8613812345678', '008613812345678', '18624017194']) {
      const params = await succeeds(intlConfig(), data({ to }), to);
      assert.equal(params.Action, 'SendMessageWithTemplate', to);
      assert.equal(params.To, `86${to.slice(-11)}`, to);
    }
  });

  it('strict mainland rule: only numbers with 86 are mainland; the rest go to SendMessageToGlobe as digits', async () => {
    const config = intlConfig({ strictPhoneRegionNumberCheck: true });
    for (const [to, action, sentTo] of [
      ['8613812345678', 'SendMessageWithTemplate', '8613812345678'],
      ['+8613812345678', 'SendMessageWithTemplate', '8613812345678'],
      ['18624017194', 'SendMessageToGlobe', '18624017194'],
      ['13812345678', 'SendMessageToGlobe', '13812345678'],
      ['+447911123456', 'SendMessageToGlobe', '447911123456'],
      ['0085268326366', 'SendMessageToGlobe', '85268326366'],
    ]) {
      const params = await succeeds(config, data({ to }), to);
      assert.equal(params.Action, action, to);
      assert.equal(params.To, sentTo, to);
    }
  });

  it('{ china, overseas } codes: the china code for the mainland, the message (no template code) abroad', async () => {
    const config = intlConfig({
      templates: USAGE_TYPES.map((usageType) => ({
        usageType,
        templateCode: { china: mainlandCode(usageType), overseas: ALIYUN_DEFAULTS.overseasTemplate },
        message: messageOf(usageType),
      })),
    });
    const mainland = await succeeds(config, data({ type: 'Register', to: MAINLAND }), 'mainland');
    assert.equal(mainland.TemplateCode, mainlandCode('Register'));
    const overseas = await succeeds(config, data({ type: 'Register' }), 'overseas');
    assert.equal(overseas.Action, 'SendMessageToGlobe');
    assert.equal(overseas.TemplateCode, undefined);
    assert.equal(overseas.Message, sentMessage('Register'));
  });

  it('senderId: From on SendMessageToGlobe when set (letters or 15 digits), never on the mainland action', async () => {
    for (const senderId of ALIYUN_DEFAULTS.senderIds) {
      const params = await succeeds(intlConfig({ senderId }), data(), senderId);
      assert.equal(params.From, senderId);
    }
    const mainland = await succeeds(intlConfig({ senderId: 'Logto' }), data({ to: MAINLAND }), 'mainland');
    assert.equal(mainland.From, 'Logto', 'the signature name');
    const withSignName = await succeeds(intlConfig({ senderId: '123456789012345' }), data({ to: MAINLAND }), 'mainland, digits sender');
    assert.equal(withSignName.From, 'Logto');
    for (const senderId of ['', null]) {
      const params = await succeeds(intlConfig({ senderId }), data(), `senderId ${JSON.stringify(senderId)}`);
      assert.equal(params.From, undefined);
    }
  });
});

describe('aliyun international site: refused before sending', () => {
  it('an overseas number whose template has no message: template_not_found naming the usage type, no request', async () => {
    const templates = intlConfig().templates.map(({ message, ...rest }) => (rest.usageType === 'SignIn' ? rest : { ...rest, message }));
    const outcome = await fails(intlConfig({ templates }), data({ type: 'SignIn' }), undefined, 'no message');
    assert.equal(outcome.error.code, 'template_not_found');
    assert.match(outcome.error.data.errorDescription, /SignIn/);
    assert.match(outcome.error.data.errorDescription, /message/);
    assert.equal(outcome.requests.length, 0, 'nothing may reach the provider');
    // The same template still serves the mainland (it has an approved code).
    await succeeds(intlConfig({ templates }), data({ type: 'SignIn', to: MAINLAND }), 'mainland');
  });

  it('a Generic fallback without message: template_not_found naming Generic, no request', async () => {
    const templates = ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, templateCode: mainlandCode(usageType) }));
    const outcome = await fails(intlConfig({ templates }), data({ type: 'BindMfa' }), undefined, 'generic');
    assert.equal(outcome.error.code, 'template_not_found');
    assert.match(outcome.error.data.errorDescription, /Generic/);
    assert.equal(outcome.requests.length, 0);
  });

  it('bad recipient or payload: invalid_request_parameters, no request', async () => {
    for (const sendData of [data({ to: '44 7911 123456' }), data({ to: '' }), data({ payload: { code: 123456 } }), data({ payload: {} })]) {
      const outcome = await fails(intlConfig(), sendData, undefined, JSON.stringify(sendData));
      assert.equal(outcome.error.code, 'invalid_request_parameters');
      assert.equal(outcome.requests.length, 0);
    }
  });

  it('a config with a bad added key: invalid_config with the guard issue, no request', async () => {
    for (const [overrides, path] of [
      [{ site: 'global' }, ['site']],
      [{ senderId: 'Logto Auth' }, ['senderId']],
      [{ senderId: '1234567890123456' }, ['senderId']],
      [{ templates: [{ usageType: 'Generic', templateCode: 'SMS_1', message: 'no placeholder' }, ...intlConfig().templates] }, ['templates', 0, 'message']],
    ]) {
      const outcome = await fails(intlConfig(overrides), data(), undefined, JSON.stringify(overrides));
      assert.equal(outcome.error.code, 'invalid_config');
      assert.deepEqual(outcome.error.data.issues.map((issue) => issue.path), [path]);
      assert.equal(outcome.requests.length, 0);
    }
  });
});

describe('aliyun international site: answers', () => {
  // [ResponseCode as the service may send it, the Logto code it maps to]
  const CLASSES = [
    ['MOBILE_NUMBER_ILLEGAL', 'invalid_request_parameters'],
    ['isv.MOBILE_NUMBER_ILLEGAL', 'invalid_request_parameters'],
    ['NOT_SUPPORTED_COUNTRY', 'invalid_request_parameters'],
    ['isv.COUNTRY_RESTRICTED', 'invalid_request_parameters'],
    ['BLACK_KEY_CONTROL_LIMIT', 'invalid_request_parameters'],
    ['BUSINESS_LIMIT_CONTROL', 'rate_limit_exceeded'],
    ['BUSINESS_LIMIT_CONTROL_MINUTE', 'rate_limit_exceeded'],
    ['isv.BUSINESS_LIMIT_HOUR', 'rate_limit_exceeded'],
    ['BUSINESS_LIMIT_DAY', 'rate_limit_exceeded'],
    ['BUSINESS_LIMIT_CONTROL_PHONE', 'rate_limit_exceeded'],
    ['QPS_LIMIT_CONTROL', 'rate_limit_exceeded'],
    ['AMOUNT_NOT_ENOUGH', 'usage_limit_exceeded'],
    ['isv.OUT_OF_SERVICE', 'usage_limit_exceeded'],
    ['INVALID_SENDERID', 'invalid_config'],
    ['SMS_CONTENT_CODE_ILLEGAL', 'invalid_config'],
    ['isv.SMS_SIGN_NAME_ILLEGAL', 'invalid_config'],
    ['FORBIDDEN_ACTION', 'invalid_config'],
    ['ACCOUNT_NOT_EXISTS', 'invalid_config'],
    ['isp.RAM_PERMISSION_DENY', 'invalid_config'],
    ['RAM_PERMISSION_DENY', 'invalid_config'],
    ['PRODUCT_UN_SUBSCRIPT', 'invalid_config'],
    ['SYSTEM_ERROR', 'general'],
    ['isp.GATEWAY_ERROR', 'general'],
    ['INVALID_PARAMETERS', 'general'],
    ['SOMETHING_NEW', 'general'],
  ];
  for (const [responseCode, expected] of CLASSES) {
    it(`ResponseCode ${responseCode} is ${expected}, with the provider's Code, RequestId and description`, async () => {
      for (const to of [OVERSEAS, MAINLAND]) {
        const outcome = await fails(intlConfig(), data({ to }), { businessCode: responseCode }, responseCode);
        // A usage_limit_exceeded on a kit before 5.1.1 would be general; the dev kit is 5.1.1+.
        assert.equal(outcome.error.code, expected, to);
        assert.equal(outcome.requests.length, 1, 'sent once, never again');
        const { response } = outcome.requests[0];
        assert.equal(response.ResponseCode, responseCode);
        assert.deepEqual(outcome.error.data, {
          errorDescription: response.ResponseDescription,
          Code: responseCode,
          RequestId: response.RequestId,
        });
      }
    });
  }

  it('refusals the simulator raises itself: unapproved sender id, unknown signature or template, unserved country', async () => {
    const cases = [
      [intlConfig({ senderId: 'NotApproved' }), data(), 'INVALID_SENDERID', 'invalid_config'],
      [intlConfig({ signName: 'Unknown' }), data({ to: MAINLAND }), 'SMS_SIGN_NAME_ILLEGAL', 'invalid_config'],
      [intlConfig({ templates: intlConfig().templates.map((t) => ({ ...t, templateCode: 'SMS_9999999' })) }), data({ to: MAINLAND }), 'SMS_CONTENT_CODE_ILLEGAL', 'invalid_config'],
      [intlConfig(), data({ to: '8502123456789' }), 'NOT_SUPPORTED_COUNTRY', 'invalid_request_parameters'],
    ];
    for (const [config, sendData, responseCode, expected] of cases) {
      const outcome = await fails(config, sendData, undefined, responseCode);
      assert.equal(outcome.requests[0].verdict, responseCode);
      assert.equal(outcome.error.code, expected, responseCode);
      assert.equal(outcome.error.data.Code, responseCode);
    }
  });

  it('gateway errors keep the SendSms mapping: wrong secret, unknown key, gateway throttling, clock skew, 5xx', async () => {
    const wrongSecret = await fails(intlConfig({ accessKeySecret: `${MARKER}-wrong` }), data(), undefined, 'wrong secret');
    assert.equal(wrongSecret.error.code, 'invalid_config');
    assert.equal(wrongSecret.error.data.Code, 'SignatureDoesNotMatch');
    assert.doesNotMatch(JSON.stringify(wrongSecret.error.data), /447911123456|string to sign|LTAI/);

    const unknownKey = await fails(intlConfig({ accessKeyId: 'LTAI-unknown' }), data(), undefined, 'unknown key');
    assert.equal(unknownKey.error.code, 'invalid_config');
    assert.equal(unknownKey.error.data.Code, 'InvalidAccessKeyId.NotFound');

    const throttled = await fails(intlConfig(), data(), {
      status: 400,
      json: { RequestId: 'R-T', HostId: 'dysmsapi.ap-southeast-1.aliyuncs.com', Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' },
    }, 'throttling');
    assert.equal(throttled.error.code, 'rate_limit_exceeded');
    assert.equal(throttled.error.data.RequestId, 'R-T');

    sim.reset();
    const connector = await createAliyunSmsConnector({ getConfig: async () => intlConfig() });
    sim.clockSkewSeconds = 3600;
    const skew = await settle(connector.sendMessage(data()));
    sim.clockSkewSeconds = 0;
    seen.push(skew.error?.data);
    assert.equal(skew.error?.code, 'general');
    assert.equal(skew.error.data.Code, 'InvalidTimeStamp.Expired');
    assert.match(skew.error.data.errorDescription, /clock/);

    const serverError = await fails(intlConfig(), data(), { status: 503, json: { ResponseCode: 'OK' } }, '5xx');
    assert.equal(serverError.error.code, 'general');
  });

  it('answers not in the 2018-05-01 shape are invalid_response (a SendSms success included)', async () => {
    for (const fault of [
      { status: 200, json: { Code: 'OK', Message: 'OK', BizId: '1^0', RequestId: 'R' } },
      { status: 200, json: { ResponseCode: 200 } },
      { status: 200, raw: '<html>maintenance</html>' },
    ]) {
      const outcome = await fails(intlConfig(), data(), fault, JSON.stringify(fault));
      assert.equal(outcome.error.code, 'invalid_response', JSON.stringify(fault));
      assert.equal(outcome.requests.length, 1);
    }
  });

  it('a success with null, missing or unusually typed optional fields is a success (read leniently once ResponseCode says OK)', async () => {
    for (const json of [
      { ResponseCode: 'OK', RequestId: 'R1' },
      { ResponseCode: 'OK', RequestId: 'R2', MessageId: null, Segments: null, NumberDetail: null, From: null, To: null, ResponseDescription: null },
      { ResponseCode: 'OK', RequestId: 'R3', MessageId: 1008000012345, NumberDetail: 'HK', Segments: '1' },
    ]) {
      const outcome = await sendWith(intlConfig(), data(), { status: 200, json });
      assert.ok(!outcome.error, JSON.stringify(outcome.error?.data));
      assert.deepEqual(outcome.value, json);
    }
  });
});

describe('aliyun China site unchanged', () => {
  const chinaConfig = (overrides = {}) => ({
    accessKeyId: ALIYUN_DEFAULTS.accessKeyId,
    accessKeySecret: MARKER,
    signName: 'Logto',
    templates: USAGE_TYPES.map((usageType) => ({ usageType, templateCode: mainlandCode(usageType) })),
    endpoint: sim.endpoint,
    ...overrides,
  });

  it('a China-site request is the SendSms 2017-05-25 form, byte for byte, whatever the international keys say', async () => {
    const variants = [
      chinaConfig(),
      chinaConfig({ site: 'china' }),
      chinaConfig({ site: 'china', senderId: 'Logto', templates: intlConfig().templates }),
      chinaConfig({ site: '', senderId: '' }),
    ];
    for (const config of variants) {
      const outcome = await sendWith(config, data({ to: MAINLAND }));
      assert.ok(!outcome.error, JSON.stringify(outcome.error?.data));
      const [request] = outcome.requests;
      assert.equal(request.verdict, 'ok');
      // Rebuild the official connector's request independently (reference
      // signer, node:crypto) with the nonce and time this one used.
      const sent = request.params;
      const expected = aliyunSignedParams({
        accessKeySecret: MARKER,
        overrides: {
          PhoneNumbers: MAINLAND,
          SignName: 'Logto',
          TemplateCode: mainlandCode('SignIn'),
          TemplateParam: JSON.stringify({ code: CODE }),
          SignatureNonce: sent.SignatureNonce,
          Timestamp: sent.Timestamp,
        },
      });
      assert.equal(expected.RegionId, 'cn-hangzhou');
      assert.equal(expected.Version, '2017-05-25');
      const body = `${aliyunCanonicalQuery(expected)}&Signature=${aliyunPercentEncode(expected.Signature)}`;
      assert.equal(request.rawBody, body, JSON.stringify(config).slice(0, 200));
      assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(request.method, 'POST');
    }
  });

  it('a China-site account sends overseas numbers through SendSms too', async () => {
    const config = chinaConfig({ templates: USAGE_TYPES.map((usageType) => ({ usageType, templateCode: { china: mainlandCode(usageType), overseas: ALIYUN_DEFAULTS.overseasTemplate }, message: messageOf(usageType) })) });
    const params = await succeeds(config, data(), 'china overseas');
    assert.equal(params.Action, 'SendSms');
    assert.equal(params.PhoneNumbers, OVERSEAS);
    assert.equal(params.TemplateCode, ALIYUN_DEFAULTS.overseasTemplate);
    assert.equal(params.Message, undefined);
  });
});

describe('aliyun international site: the guard', () => {
  it('accepts the added keys and echoes them only when given', async () => {
    const { configGuard } = await createAliyunSmsConnector({ getConfig: async () => assert.fail('not called') });
    const given = configGuard.safeParse(intlConfig({ senderId: 'Logto' }));
    assert.equal(given.success, true);
    assert.equal(given.data.site, 'international');
    assert.equal(given.data.senderId, 'Logto');
    assert.equal(given.data.templates[0].message, messageOf(USAGE_TYPES[0]));
    const { site, ...noSite } = intlConfig();
    const bare = configGuard.safeParse({ ...noSite, templates: noSite.templates.map(({ message, ...t }) => t) });
    assert.equal(bare.success, true);
    assert.ok(!('site' in bare.data) && !('senderId' in bare.data));
    assert.ok(bare.data.templates.every((t) => !('message' in t)));
  });
});

describe('secrets', () => {
  it('no error, error data or returned value above contains the secret', () => {
    assert.ok(seen.length > 100, `only ${seen.length} items scanned`);
    for (const item of seen) {
      const text = typeof item === 'string' ? item : JSON.stringify(item) ?? '';
      assert.ok(!text.includes(MARKER), `secret leaked in: ${text.slice(0, 300)}`);
    }
  });
});
