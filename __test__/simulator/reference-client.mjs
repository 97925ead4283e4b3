// A minimal, correct client for both fakes, built on the reference signers.
// Tests use it to prove the simulators accept what the specs describe (and to
// forge bad requests by tweaking one field); it is not the product's client.
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { aliyunSignature } from './verify-aliyun.mjs';
import { tc3Sign } from './verify-tencent.mjs';
import { ALIYUN_DEFAULTS } from './aliyun.mjs';
import { TENCENT_DEFAULTS } from './tencent.mjs';

/** Second-precision UTC ISO timestamp, as Aliyun wants it. */
export const aliyunTimestamp = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Logto-shaped SendSms params, signed. `overrides` replace/add params before
 * signing (a value of undefined removes it); `tamper` edits after signing.
 */
export function aliyunSignedParams({
  accessKeyId = ALIYUN_DEFAULTS.accessKeyId,
  accessKeySecret = ALIYUN_DEFAULTS.accessKeySecret,
  method = 'POST',
  overrides = {},
  tamper,
} = {}) {
  const params = {
    AccessKeyId: accessKeyId,
    Action: 'SendSms',
    Format: 'json',
    PhoneNumbers: '8613800138000',
    RegionId: 'cn-hangzhou',
    SignName: ALIYUN_DEFAULTS.signNames[0],
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: randomUUID(),
    SignatureVersion: '1.0',
    TemplateCode: ALIYUN_DEFAULTS.mainlandTemplates[0],
    TemplateParam: JSON.stringify({ code: '123456' }),
    Timestamp: aliyunTimestamp(),
    Version: '2017-05-25',
    ...overrides,
  };
  for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
  params.Signature = aliyunSignature(params, accessKeySecret, method);
  tamper?.(params);
  return params;
}

/**
 * Signed params of a 2018-05-01 international-site send: `SendMessageToGlobe`
 * (default) or `SendMessageWithTemplate`, with documented example values.
 * `overrides` and `tamper` as in aliyunSignedParams.
 */
export function aliyun2018SignedParams({
  action = 'SendMessageToGlobe',
  accessKeyId = ALIYUN_DEFAULTS.accessKeyId,
  accessKeySecret = ALIYUN_DEFAULTS.accessKeySecret,
  overrides = {},
  tamper,
} = {}) {
  const own =
    action === 'SendMessageToGlobe'
      ? { To: '447911123456', Message: 'Your verification code is 123456.', Type: 'OTP' }
      : {
          To: '8613800138000',
          From: ALIYUN_DEFAULTS.signNames[0],
          TemplateCode: ALIYUN_DEFAULTS.mainlandTemplates[0],
          TemplateParam: JSON.stringify({ code: '123456' }),
        };
  const params = {
    AccessKeyId: accessKeyId,
    Action: action,
    Format: 'JSON',
    RegionId: 'ap-southeast-1',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: randomUUID(),
    SignatureVersion: '1.0',
    Timestamp: aliyunTimestamp(),
    Version: '2018-05-01',
    ...own,
    ...overrides,
  };
  for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
  params.Signature = aliyunSignature(params, accessKeySecret, 'POST');
  tamper?.(params);
  return params;
}

/** Body + headers for a signed Tencent SendSms POST to `endpoint`. */
export function tencentSignedRequest({
  endpoint,
  secretId = TENCENT_DEFAULTS.secretId,
  secretKey = TENCENT_DEFAULTS.secretKey,
  region = TENCENT_DEFAULTS.region,
  timestamp = Math.floor(Date.now() / 1000),
  contentType = 'application/json; charset=utf-8',
  body = {
    SmsSdkAppId: TENCENT_DEFAULTS.sdkAppId,
    SignName: TENCENT_DEFAULTS.signNames[0],
    TemplateId: TENCENT_DEFAULTS.mainlandTemplates[0],
    TemplateParamSet: ['123456'],
    PhoneNumberSet: ['+8613800138000'],
  },
  service = 'sms',
  headers: extraHeaders = {},
} = {}) {
  const url = new URL(endpoint);
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const signed = tc3Sign({
    secretKey,
    secretId,
    timestamp,
    service,
    host: url.host,
    contentType,
    body: raw,
    canonicalUri: url.pathname || '/',
  });
  return {
    url: url.href,
    body: raw,
    signed,
    headers: {
      'content-type': contentType,
      authorization: signed.authorization,
      'x-tc-action': 'SendSms',
      'x-tc-version': '2021-01-11',
      'x-tc-region': region,
      'x-tc-timestamp': String(timestamp),
      ...extraHeaders,
    },
  };
}

/**
 * One HTTP exchange with node:http. Resolves { status, headers, text, json,
 * reusedSocket }; rejects on network errors or after `timeoutMs`.
 */
export function send(url, { method = 'POST', headers = {}, body, agent, timeoutMs = 2000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('response aborted')));
      res.on('end', () => {
        if (!res.complete) return reject(new Error('response incomplete'));
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json, reusedSocket: req.reusedSocket });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** POST an Aliyun form. */
export function sendAliyun(sim, params, opts = {}) {
  const body = new URLSearchParams(params).toString();
  return send(sim.endpoint, {
    ...opts,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(opts.headers ?? {}) },
    body,
  });
}

/** POST a signed Tencent request built by tencentSignedRequest. */
export function sendTencent(prepared, opts = {}) {
  return send(prepared.url, { ...opts, headers: prepared.headers, body: prepared.body });
}
