// Checks the provider fakes themselves: the reference signers against the
// published vectors, and the simulators' answers to requests built with those
// signers (accepted when right, refused with the provider's code when not),
// plus every scripted fault. Run: node --test __test__/simulator.test.mjs
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import {
  startAliyunSimulator,
  startTencentSimulator,
  ALIYUN_DEFAULTS,
  TENCENT_DEFAULTS,
  aliyunPercentEncode,
  aliyunStringToSign,
  aliyunSignature,
  tc3Sign,
  aliyunSignedParams,
  aliyun2018SignedParams,
  aliyunTimestamp,
  segments,
  tencentSignedRequest,
  send,
  sendAliyun,
  sendTencent,
} from './simulator/index.mjs';

const readVectors = (name) => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8'));
const aliyunVectors = readVectors('aliyun-rpc.json');
const tencentVectors = readVectors('tencent-tc3.json');

describe('reference signers', () => {
  test('vector files have the agreed shape', () => {
    for (const v of aliyunVectors) {
      assert.deepEqual(Object.keys(v).sort(), ['method', 'name', 'params', 'published', 'secret', 'signature', 'source'].sort());
    }
    for (const v of tencentVectors) {
      for (const key of ['name', 'source', 'published', 'service', 'secretId', 'secretKey', 'timestamp', 'host', 'contentType', 'payload', 'canonicalUri', 'hashedPayload', 'hashedCanonicalRequest', 'signature']) {
        assert.ok(key in v, `${v.name} lacks ${key}`);
      }
    }
    assert.ok(aliyunVectors.filter((v) => v.published).length >= 3);
    assert.ok(tencentVectors.some((v) => v.published));
  });

  for (const v of aliyunVectors) {
    test(`aliyun ${v.name} (${v.published ? 'published' : 'derived'})`, () => {
      assert.equal(aliyunSignature(v.params, v.secret, v.method), v.signature);
    });
  }

  test('aliyun percent-encoding follows RFC 3986 with upper-case hex', () => {
    const cases = {
      'A-Z_a.z~0': 'A-Z_a.z~0',
      ' ': '%20',
      '*': '%2A',
      '+': '%2B',
      "!'()": '%21%27%28%29',
      '"/=&:%': '%22%2F%3D%26%3A%25',
      阿: '%E9%98%BF',
      '\u{1F600}': '%F0%9F%98%80',
    };
    for (const [input, expected] of Object.entries(cases)) assert.equal(aliyunPercentEncode(input), expected, input);
  });

  test('aliyun string-to-sign sorts names by bytes and double-encodes values', () => {
    const sts = aliyunStringToSign({ b: '1', a: 'x y', Z: '*' }, 'GET');
    assert.equal(sts, 'GET&%2F&Z%3D%252A%26a%3Dx%2520y%26b%3D1');
  });

  for (const v of tencentVectors) {
    test(`tencent ${v.name} (${v.published ? 'published' : 'derived'})`, () => {
      const r = tc3Sign({
        secretKey: v.secretKey,
        secretId: v.secretId,
        timestamp: v.timestamp,
        service: v.service,
        host: v.host,
        contentType: v.contentType,
        body: v.payload,
        canonicalUri: v.canonicalUri,
      });
      assert.equal(r.hashedPayload, v.hashedPayload);
      assert.equal(r.hashedCanonicalRequest, v.hashedCanonicalRequest);
      assert.equal(r.signature, v.signature);
      if (v.authorization) assert.equal(r.authorization, v.authorization);
    });
  }

  test('tencent credential date is the UTC date, not local', () => {
    // 2024-01-01T23:00:00Z is already 2024-01-02 in UTC+8.
    assert.equal(tc3Sign({ secretKey: 'k', secretId: 'id', timestamp: 1704150000, host: 'h', contentType: 'c' }).credentialScope, '2024-01-01/sms/tc3_request');
  });
});

describe('aliyun simulator', () => {
  let sim;
  before(async () => {
    sim = await startAliyunSimulator();
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.reset();
    sim.clockSkewSeconds = 0;
  });

  test('listens on loopback with a trailing-slash endpoint', () => {
    assert.match(sim.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(sim.server.address().address, '127.0.0.1');
  });

  test('accepts a correctly signed SendSms and records it, over one kept-alive connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await sendAliyun(sim, aliyunSignedParams(), { agent });
      assert.equal(first.status, 200);
      assert.equal(first.json.Code, 'OK');
      assert.equal(first.json.Message, 'OK');
      assert.match(first.json.BizId, /^\d+\^0$/);
      assert.match(first.json.RequestId, /^[0-9A-F-]{36}$/);
      const second = await sendAliyun(sim, aliyunSignedParams({ overrides: { SignName: '阿里云短信测试', PhoneNumbers: '+8613800138000' } }), { agent });
      assert.equal(second.json.Code, 'OK');
      assert.equal(second.reusedSocket, true);
    } finally {
      agent.destroy();
    }
    assert.equal(sim.requests.length, 2);
    const [r] = sim.requests;
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/');
    assert.equal(r.params.TemplateParam, '{"code":"123456"}');
    assert.equal(r.verdict, 'ok');
    assert.equal(r.status, 200);
    assert.equal(r.response.Code, 'OK');
  });

  test('GET with query parameters works too (signed as GET)', async () => {
    const qs = new URLSearchParams(aliyunSignedParams({ method: 'GET' })).toString();
    const res = await send(`${sim.endpoint}?${qs}`, { method: 'GET' });
    assert.equal(res.json.Code, 'OK');
  });

  test('wrong signature: 400 SignatureDoesNotMatch echoing the server string-to-sign', async () => {
    const params = aliyunSignedParams({ accessKeySecret: 'wrong-secret' });
    const res = await sendAliyun(sim, params);
    assert.equal(res.status, 400);
    assert.equal(res.json.Code, 'SignatureDoesNotMatch');
    assert.equal(res.json.HostId, 'dysmsapi.aliyuncs.com');
    assert.match(res.json.Recommend, /q=SignatureDoesNotMatch&product=Dysmsapi$/);
    const { Signature, ...unsigned } = params;
    assert.equal(
      res.json.Message,
      `Specified signature is not matched with our calculation. server string to sign is:${aliyunStringToSign(unsigned, 'POST')}`,
    );
    assert.equal(sim.requests[0].verdict, 'SignatureDoesNotMatch');
  });

  test('signed as GET but sent as POST is a mismatch', async () => {
    const res = await sendAliyun(sim, aliyunSignedParams({ method: 'GET' }));
    assert.equal(res.json.Code, 'SignatureDoesNotMatch');
  });

  test('reused nonce: 400 SignatureNonceUsed; reset() forgets nonces', async () => {
    const nonce = 'b6f1b0d2-0000-4000-8000-000000000001';
    assert.equal((await sendAliyun(sim, aliyunSignedParams({ overrides: { SignatureNonce: nonce } }))).json.Code, 'OK');
    const again = await sendAliyun(sim, aliyunSignedParams({ overrides: { SignatureNonce: nonce } }));
    assert.equal(again.status, 400);
    assert.equal(again.json.Code, 'SignatureNonceUsed');
    sim.reset();
    assert.equal((await sendAliyun(sim, aliyunSignedParams({ overrides: { SignatureNonce: nonce } }))).json.Code, 'OK');
  });

  test('timestamps: expired, skewed clock, bad format', async () => {
    const old = aliyunTimestamp(Date.now() - 16 * 60 * 1000);
    let res = await sendAliyun(sim, aliyunSignedParams({ overrides: { Timestamp: old } }));
    assert.equal(res.status, 400);
    assert.equal(res.json.Code, 'InvalidTimeStamp.Expired');
    assert.equal(res.json.Message, 'Specified time stamp or date value is expired.');

    sim.clockSkewSeconds = 20 * 60;
    res = await sendAliyun(sim, aliyunSignedParams());
    assert.equal(res.json.Code, 'InvalidTimeStamp.Expired');
    sim.clockSkewSeconds = 10 * 60;
    res = await sendAliyun(sim, aliyunSignedParams());
    assert.equal(res.json.Code, 'OK');
    sim.clockSkewSeconds = 0;

    res = await sendAliyun(sim, aliyunSignedParams({ overrides: { Timestamp: new Date().toISOString() } }));
    assert.equal(res.json.Code, 'InvalidTimeStamp.Format');
  });

  test('gateway checks: missing parameter, action, version, unknown key', async () => {
    let res = await sendAliyun(sim, aliyunSignedParams({ overrides: { SignatureNonce: undefined } }));
    assert.deepEqual([res.status, res.json.Code], [400, 'MissingSignatureNonce']);
    res = await sendAliyun(sim, aliyunSignedParams({ overrides: { Action: 'SendBatchSms' } }));
    assert.deepEqual([res.status, res.json.Code], [404, 'InvalidAction.NotFound']);
    res = await sendAliyun(sim, aliyunSignedParams({ overrides: { Version: '2018-05-01' } }));
    assert.deepEqual([res.status, res.json.Code], [400, 'InvalidVersion']);
    res = await sendAliyun(sim, aliyunSignedParams({ accessKeyId: 'LTAI-unknown' }));
    assert.deepEqual([res.status, res.json.Code], [404, 'InvalidAccessKeyId.NotFound']);
    assert.equal(res.json.Message, 'Specified access key is not found.');
    res = await sendAliyun(sim, aliyunSignedParams({ overrides: { PhoneNumbers: undefined } }));
    assert.deepEqual([res.status, res.json.Code], [400, 'MissingPhoneNumbers']);
  });

  test('business rules answer HTTP 200 with the isv code', async () => {
    const cases = [
      [{ SignName: 'Unknown' }, 'isv.SMS_SIGNATURE_ILLEGAL'],
      [{ TemplateCode: 'SMS_9999999' }, 'isv.SMS_TEMPLATE_ILLEGAL'],
      [{ PhoneNumbers: '+447911123456' }, 'isv.MOBILE_NUMBER_ILLEGAL'],
      [{ PhoneNumbers: '1234' }, 'isv.MOBILE_NUMBER_ILLEGAL'],
      [{ PhoneNumbers: '447911123456' }, 'isv.SMS_TEMPLATE_ILLEGAL'],
      [{ PhoneNumbers: '8613800138000', TemplateCode: 'SMS_2000001' }, 'isv.DOMESTIC_NUMBER_NOT_SUPPORTED'],
      [{ PhoneNumbers: '447911123456', TemplateCode: 'SMS_2000001' }, 'OK'],
      [{ PhoneNumbers: '0086' + '13800138000' }, 'OK'],
      [{ TemplateParam: '{"code":123456}' }, 'isv.INVALID_JSON_PARAM'],
      [{ TemplateParam: 'not json' }, 'isv.INVALID_JSON_PARAM'],
      [{ TemplateParam: undefined }, 'isv.TEMPLATE_MISSING_PARAMETERS'],
      [{ TemplateParam: '{"otp":"123456"}' }, 'isv.TEMPLATE_MISSING_PARAMETERS'],
      [{ TemplateParam: '{"code":"123456","locale":"zh-CN"}' }, 'isv.INVALID_PARAMETERS'],
      [{ TemplateParam: '{"code":"1234567"}' }, 'isv.PARAM_LENGTH_LIMIT'],
      [{ TemplateCode: 'SMS_3000001', TemplateParam: '{"code":"Your order has shipped"}' }, 'OK'],
    ];
    for (const [overrides, code] of cases) {
      const res = await sendAliyun(sim, aliyunSignedParams({ overrides }));
      assert.equal(res.status, 200, JSON.stringify(overrides));
      assert.equal(res.json.Code, code, JSON.stringify(overrides));
    }
    const locale = await sendAliyun(sim, aliyunSignedParams({ overrides: { TemplateParam: '{"code":"123456","locale":"zh-CN"}' } }));
    assert.equal(locale.json.Message, 'Params must be [a-zA-Z0-9] for verification sms');
  });

  test('scripted business code comes after validation passes', async () => {
    sim.script({ businessCode: 'isv.DAY_LIMIT_CONTROL' });
    sim.script({ businessCode: 'isv.BUSINESS_LIMIT_CONTROL', message: 'minute limit' });
    let res = await sendAliyun(sim, aliyunSignedParams({ accessKeySecret: 'bad' }));
    assert.equal(res.json.Code, 'SignatureDoesNotMatch'); // consumed the first fault
    res = await sendAliyun(sim, aliyunSignedParams());
    assert.deepEqual([res.status, res.json.Code, res.json.Message], [200, 'isv.BUSINESS_LIMIT_CONTROL', 'minute limit']);
    assert.equal(res.json.BizId, undefined);
    assert.equal(sim.pendingFaults, 0);
  });

  test('accounts, sign names and templates can be extended', async () => {
    sim.accounts.set('LTAI-second', 'second-secret');
    sim.signNames.add('Extra');
    const res = await sendAliyun(sim, aliyunSignedParams({ accessKeyId: 'LTAI-second', accessKeySecret: 'second-secret', overrides: { SignName: 'Extra' } }));
    assert.equal(res.json.Code, 'OK');
  });
});

describe('aliyun simulator: 2018-05-01 international-site actions', () => {
  let sim;
  before(async () => {
    sim = await startAliyunSimulator();
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());
  const post = (options) => sendAliyun(sim, aliyun2018SignedParams(options));

  test('accepts a signed SendMessageToGlobe and answers the documented success shape', async () => {
    const res = await post({ overrides: { From: 'Logto' } });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.json).sort(), ['From', 'MessageId', 'NumberDetail', 'RequestId', 'ResponseCode', 'ResponseDescription', 'Segments', 'To']);
    assert.equal(res.json.ResponseCode, 'OK');
    assert.equal(res.json.To, '447911123456');
    assert.equal(res.json.Segments, '1');
    assert.deepEqual(Object.keys(res.json.NumberDetail).sort(), ['Carrier', 'Country', 'Region']);
    assert.equal(sim.requests[0].verdict, 'ok');
  });

  test('accepts a signed SendMessageWithTemplate to a mainland number', async () => {
    const res = await post({ action: 'SendMessageWithTemplate' });
    assert.deepEqual([res.status, res.json.ResponseCode, res.json.From], [200, 'OK', ALIYUN_DEFAULTS.signNames[0]]);
  });

  test('the same signature rules: a wrong secret is SignatureDoesNotMatch', async () => {
    const res = await post({ accessKeySecret: 'wrong' });
    assert.deepEqual([res.status, res.json.Code], [400, 'SignatureDoesNotMatch']);
  });

  test('each action needs its own version, parameters and the international region', async () => {
    const cases = [
      [{ overrides: { Version: '2017-05-25' } }, 400, 'InvalidVersion'],
      [{ overrides: { To: undefined } }, 400, 'MissingTo'],
      [{ overrides: { Message: undefined } }, 400, 'MissingMessage'],
      [{ action: 'SendMessageWithTemplate', overrides: { From: undefined } }, 400, 'MissingFrom'],
      [{ action: 'SendMessageWithTemplate', overrides: { TemplateCode: undefined } }, 400, 'MissingTemplateCode'],
      [{ overrides: { RegionId: undefined } }, 400, 'MissingRegionId'],
      [{ overrides: { RegionId: 'cn-hangzhou' } }, 400, 'InvalidRegionId'],
    ];
    for (const [options, status, code] of cases) {
      const res = await post(options);
      assert.deepEqual([res.status, res.json.Code], [status, code], JSON.stringify(options));
    }
    // SendSms keeps its own version.
    const sendSms = await sendAliyun(sim, aliyunSignedParams({ overrides: { Version: '2018-05-01' } }));
    assert.equal(sendSms.json.Code, 'InvalidVersion');
  });

  test('business rules: the mainland only on one action, never on the other; sender id, type, text', async () => {
    const cases = [
      [{ overrides: { To: '8613800138000' } }, 'COUNTRY_RESTRICTED'],
      [{ overrides: { To: '+447911123456' } }, 'MOBILE_NUMBER_ILLEGAL'],
      [{ overrides: { To: '8502123456789' } }, 'NOT_SUPPORTED_COUNTRY'],
      [{ overrides: { From: 'Unknown' } }, 'INVALID_SENDERID'],
      [{ overrides: { From: 'Logto-Auth' } }, 'INVALID_SENDERID'],
      [{ overrides: { Type: 'PROMO' } }, 'INVALID_PARAMETERS'],
      [{ overrides: { Message: 'Your code is {code}' } }, 'INVALID_PARAMETERS'],
      [{ overrides: { Message: 'Hello there' } }, 'INVALID_PARAMETERS'],
      [{ overrides: { Message: 'Code 123456', Type: undefined, From: '123456789012345' } }, 'OK'],
      [{ action: 'SendMessageWithTemplate', overrides: { To: '447911123456' } }, 'NOT_SUPPORTED_COUNTRY'],
      [{ action: 'SendMessageWithTemplate', overrides: { To: '861380013800' } }, 'MOBILE_NUMBER_ILLEGAL'],
      [{ action: 'SendMessageWithTemplate', overrides: { From: 'Unknown' } }, 'SMS_SIGN_NAME_ILLEGAL'],
      [{ action: 'SendMessageWithTemplate', overrides: { TemplateCode: ALIYUN_DEFAULTS.overseasTemplate } }, 'SMS_CONTENT_CODE_ILLEGAL'],
      [{ action: 'SendMessageWithTemplate', overrides: { TemplateParam: undefined } }, 'CONTENT_MISSING_PARAMETERS'],
      [{ action: 'SendMessageWithTemplate', overrides: { TemplateParam: '{"code":123456}' } }, 'INVALID_JSON_PARAM'],
      [{ action: 'SendMessageWithTemplate', overrides: { TemplateParam: '{"code":"123456","locale":"en"}' } }, 'INVALID_PARAMETERS'],
    ];
    for (const [options, code] of cases) {
      const res = await post(options);
      assert.equal(res.status, 200, JSON.stringify(options));
      assert.equal(res.json.ResponseCode, code, JSON.stringify(options));
      if (code !== 'OK') assert.equal(typeof res.json.ResponseDescription, 'string');
      assert.equal(res.json.Code, undefined, 'the 2018-05-01 shape has no Code');
    }
  });

  test('a scripted business code is answered in this API\'s shape, after validation passes', async () => {
    sim.script({ businessCode: 'isv.BUSINESS_LIMIT_DAY' });
    const res = await post();
    assert.deepEqual([res.status, res.json.ResponseCode], [200, 'isv.BUSINESS_LIMIT_DAY']);
    assert.equal(res.json.ResponseDescription, 'Delivery frequency exceeds the day limit.');
    sim.script({ businessCode: 'AMOUNT_NOT_ENOUGH', message: 'custom text' });
    assert.equal((await post({ overrides: { To: '8613800138000' } })).json.ResponseCode, 'COUNTRY_RESTRICTED', 'refused first, fault consumed');
    assert.equal(sim.pendingFaults, 0);
  });

  test('segments count GSM-7 and UCS-2 texts', () => {
    assert.equal(segments('x'.repeat(160)), '1');
    assert.equal(segments('x'.repeat(161)), '2');
    assert.equal(segments('码'.repeat(70)), '1');
    assert.equal(segments('码'.repeat(71)), '2');
  });
});

describe('tencent simulator', () => {
  let sim;
  before(async () => {
    sim = await startTencentSimulator();
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.reset();
    sim.clockSkewSeconds = 0;
  });

  const body = (over = {}) => ({
    SmsSdkAppId: TENCENT_DEFAULTS.sdkAppId,
    SignName: 'Logto',
    TemplateId: '100001',
    TemplateParamSet: ['123456'],
    PhoneNumberSet: ['+8613800138000'],
    ...over,
  });
  const call = (opts = {}) => sendTencent(tencentSignedRequest({ endpoint: sim.endpoint, ...opts, body: opts.body ?? body(opts.over) }));

  test('endpoint has no path by default', () => {
    assert.match(sim.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('accepts a correctly signed SendSms', async () => {
    const res = await call();
    assert.equal(res.status, 200);
    const [s] = res.json.Response.SendStatusSet;
    assert.equal(s.Code, 'Ok');
    assert.equal(s.Message, 'send success');
    assert.equal(s.PhoneNumber, '+8613800138000');
    assert.equal(s.Fee, 1);
    assert.equal(s.IsoCode, 'CN');
    assert.equal(s.SessionContext, '');
    assert.match(res.json.Response.RequestId, /^[0-9a-f-]{36}$/);
    const [r] = sim.requests;
    assert.equal(r.verdict, 'ok');
    assert.deepEqual(r.body.PhoneNumberSet, ['+8613800138000']);
    assert.equal(r.path, '/');
  });

  test('mainland relaxations and an international number with its template', async () => {
    for (const n of ['8613800138000', '008613800138000', '13800138000']) {
      const res = await call({ over: { PhoneNumberSet: [n] } });
      assert.equal(res.json.Response.SendStatusSet[0].PhoneNumber, '+8613800138000', n);
    }
    const res = await call({ over: { TemplateId: '200001', SignName: undefined, PhoneNumberSet: ['+447911123456'] } });
    assert.deepEqual([res.json.Response.SendStatusSet[0].Code, res.json.Response.SendStatusSet[0].IsoCode], ['Ok', 'GB']);
  });

  test('international number without + is refused per number', async () => {
    const res = await call({ over: { TemplateId: '200001', PhoneNumberSet: ['447911123456'] } });
    const [s] = res.json.Response.SendStatusSet;
    assert.equal(res.json.Response.Error, undefined);
    assert.deepEqual([s.Code, s.SerialNo, s.Fee, s.IsoCode], ['InvalidParameterValue.IncorrectPhoneNumber', '', 0, '']);
    assert.equal(sim.requests[0].verdict, 'InvalidParameterValue.IncorrectPhoneNumber');
  });

  test('signature checks: wrong key, wrong host, wrong path, body changed', async () => {
    const errorCode = (res) => res.json.Response.Error?.Code;
    assert.equal(errorCode(await call({ secretKey: 'nope' })), 'AuthFailure.SignatureFailure');

    const prepared = tencentSignedRequest({ endpoint: sim.endpoint, body: body() });
    prepared.body = prepared.body.replace('123456', '654321');
    assert.equal(errorCode(await sendTencent(prepared)), 'AuthFailure.SignatureFailure');

    // Signed for /other but sent to /: the canonical URI is the received path.
    const other = tencentSignedRequest({ endpoint: `${sim.endpoint}/other`, body: body() });
    assert.equal(errorCode(await send(sim.endpoint, { headers: other.headers, body: other.body })), 'AuthFailure.SignatureFailure');

    // Signed with a Content-Type other than the one sent.
    const ct = tencentSignedRequest({ endpoint: sim.endpoint, body: body(), contentType: 'application/json' });
    ct.headers['content-type'] = 'application/json; charset=utf-8';
    assert.equal(errorCode(await sendTencent(ct)), 'AuthFailure.SignatureFailure');

    assert.equal(errorCode(await call({ secretId: 'AKIDunknown' })), 'AuthFailure.SecretIdNotFound');
    assert.equal(errorCode(await call({ service: 'cvm' })), 'AuthFailure.InvalidAuthorization');
  });

  test('any path is accepted and signed as the canonical URI', async () => {
    const res = await sendTencent(tencentSignedRequest({ endpoint: `${sim.endpoint}/v3/sms`, body: body() }));
    assert.equal(res.json.Response.SendStatusSet[0].Code, 'Ok');
    assert.equal(sim.requests[0].path, '/v3/sms');
  });

  test('clock: expired timestamp and skewed simulator clock', async () => {
    const now = Math.floor(Date.now() / 1000);
    let res = await call({ timestamp: now - 301 });
    assert.equal(res.json.Response.Error.Code, 'AuthFailure.SignatureExpire');
    sim.clockSkewSeconds = 400;
    res = await call();
    assert.equal(res.json.Response.Error.Code, 'AuthFailure.SignatureExpire');
    sim.clockSkewSeconds = 200;
    res = await call();
    assert.equal(res.json.Response.SendStatusSet[0].Code, 'Ok');
  });

  test('credential date must be the UTC date of X-TC-Timestamp', async () => {
    const prepared = tencentSignedRequest({ endpoint: sim.endpoint, body: body() });
    prepared.headers.authorization = prepared.headers.authorization.replace(/\/\d{4}-\d{2}-\d{2}\//, '/2001-01-01/');
    const res = await sendTencent(prepared);
    assert.equal(res.json.Response.Error.Code, 'AuthFailure.InvalidAuthorization');
  });

  test('request-level errors', async () => {
    const cases = [
      [{ region: 'eu-nowhere' }, 'UnsupportedRegion'],
      [{ over: { SmsSdkAppId: 1400000001 } }, 'InvalidParameter'],
      [{ over: { SmsSdkAppId: '1400999999' } }, 'InvalidParameterValue.SdkAppIdNotExist'],
      [{ over: { TemplateId: 100001 } }, 'InvalidParameter'],
      [{ over: { TemplateId: '999999' } }, 'FailedOperation.TemplateIdNotExist'],
      [{ over: { SignName: 'Nope' } }, 'FailedOperation.SignatureIncorrectOrUnapproved'],
      [{ over: { PhoneNumberSet: [] } }, 'MissingParameter.EmptyPhoneNumberSet'],
      [{ over: { TemplateParamSet: ['123456', 'zh-CN'] } }, 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate'],
      [{ over: { PhoneNumberSet: ['+447911123456'] } }, 'UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone'],
      [{ over: { TemplateId: '200001' } }, 'UnsupportedOperation.GlobalTemplateToChineseMainlandPhone'],
      [{ over: { PhoneNumberSet: ['+8613800138000', '+447911123456'] } }, 'UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber'],
      [{ over: { uiLocales: 'zh-CN' } }, 'UnknownParameter'],
      [{ body: 'not json' }, 'FailedOperation.JsonParseFail'],
    ];
    for (const [opts, code] of cases) {
      const res = await call(opts);
      assert.equal(res.status, 200);
      assert.equal(res.json.Response.Error?.Code, code, JSON.stringify(opts));
      assert.equal(typeof res.json.Response.Error.Message, 'string');
    }
    const res = await call({ over: { SmsSdkAppId: 1400000001 } });
    assert.equal(res.json.Response.Error.Message, 'The value type of parameter `SmsSdkAppId` is not valid.');
  });

  test('template parameter format error is per number', async () => {
    const res = await call({ over: { TemplateParamSet: ['12ab'] } });
    assert.equal(res.json.Response.SendStatusSet[0].Code, 'InvalidParameterValue.TemplateParameterFormatError');
  });

  test('scripted errorCode at request and number level', async () => {
    sim.script({ errorCode: 'LimitExceeded.PhoneNumberDailyLimit', level: 'request' });
    sim.script({ errorCode: 'LimitExceeded.PhoneNumberThirtySecondLimit', level: 'number', message: 'slow down' });
    let res = await call();
    assert.equal(res.json.Response.Error.Code, 'LimitExceeded.PhoneNumberDailyLimit');
    res = await call();
    const [s] = res.json.Response.SendStatusSet;
    assert.deepEqual([s.Code, s.Message, s.Fee], ['LimitExceeded.PhoneNumberThirtySecondLimit', 'slow down', 0]);
  });
});

describe('scripted transport faults', () => {
  let sim;
  before(async () => {
    sim = await startAliyunSimulator({ path: '/custom/path' });
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  const post = (opts) => sendAliyun(sim, aliyunSignedParams(), opts);

  test('endpoint honours the path option', () => {
    assert.match(sim.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/custom\/path$/);
  });

  test('status + json, raw, redirect', async () => {
    sim.script({ status: 503, json: { Code: 'ServiceUnavailable', Message: 'busy' } });
    sim.script({ status: 502, raw: '<html>bad gateway</html>' });
    sim.script({ status: 200, raw: 'OK but not JSON', contentType: 'text/plain' });
    sim.script({ redirect: 'https://example.invalid/', status: 307 });
    let res = await post();
    assert.deepEqual([res.status, res.json.Code], [503, 'ServiceUnavailable']);
    res = await post();
    assert.deepEqual([res.status, res.text, res.headers['content-type']], [502, '<html>bad gateway</html>', 'text/html; charset=utf-8']);
    res = await post();
    assert.deepEqual([res.status, res.text, res.headers['content-type']], [200, 'OK but not JSON', 'text/plain']);
    res = await post();
    assert.deepEqual([res.status, res.headers.location], [307, 'https://example.invalid/']);
    assert.equal(sim.requests.length, 4);
    assert.deepEqual(sim.requests.map((r) => r.verdict), ['scripted:status', 'scripted:raw', 'scripted:raw', 'scripted:redirect']);
    assert.equal(sim.requests[0].path, '/custom/path');
    // The queue is drained: the next request is handled normally.
    assert.equal((await post()).json.Code, 'OK');
  });

  test('delay, then normal answer or a given fault', async () => {
    sim.script({ delayMs: 80 });
    sim.script({ delayMs: 10, then: { status: 500, json: { Code: 'InternalError' } } });
    const t0 = Date.now();
    let res = await post();
    assert.ok(Date.now() - t0 >= 70);
    assert.equal(res.json.Code, 'OK');
    res = await post();
    assert.equal(res.status, 500);
  });

  test('stall before headers: client times out, request was recorded', async () => {
    sim.script({ stallBeforeHeaders: true });
    await assert.rejects(post({ timeoutMs: 150 }), /timeout/);
    assert.equal(sim.requests.length, 1);
    assert.equal(sim.requests[0].verdict, 'scripted:stallBeforeHeaders');
  });

  test('stall mid body: headers arrive, the body never completes', async () => {
    sim.script({ stallMidBody: true, status: 200 });
    await assert.rejects(post({ timeoutMs: 150 }), /timeout/);
  });

  test('reset mid response: the connection drops', async () => {
    sim.script({ resetMidResponse: true });
    await assert.rejects(post(), /aborted|incomplete|socket hang up|ECONNRESET/);
  });

  test('bodyBytes: a JSON body of exactly N bytes, with or without Content-Length', async () => {
    const n = 1024 * 1024 + 1;
    sim.script({ bodyBytes: n });
    sim.script({ bodyBytes: 300, chunked: true });
    let res = await post();
    assert.equal(Buffer.byteLength(res.text), n);
    assert.equal(res.headers['content-length'], String(n));
    assert.equal(res.json.Code, 'OK');
    res = await post();
    assert.equal(Buffer.byteLength(res.text), 300);
    assert.equal(res.headers['content-length'], undefined);
    assert.equal(res.json.Code, 'OK');
  });

  test('close() returns promptly with a stalled request open', async () => {
    const own = await startTencentSimulator({ path: '/stall' });
    own.script({ stallBeforeHeaders: true });
    const pending = send(own.endpoint, { body: '{}', timeoutMs: 5000 }).catch((e) => e);
    while (own.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    await own.close();
    assert.ok(Date.now() - t0 < 500);
    assert.ok((await pending) instanceof Error);
  });
});
