// The Rust signers through N-API: the providers' published examples as fixed
// vectors, then thousands of generated requests checked against independent
// node:crypto implementations (__test__/simulator/verify-*.mjs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { signAliyunRpc, signTencentTc3 } from '../index.js';
import { aliyunSignature, aliyunStringToSign } from './simulator/verify-aliyun.mjs';
import { tc3Sign } from './simulator/verify-tencent.mjs';
import { rng } from './support/random.mjs';

const vectors = (name) => JSON.parse(readFileSync(new URL(`./vectors/${name}.json`, import.meta.url), 'utf8'));


// Characters that break naive encoders: RFC 3986 edge cases, %, quotes,
// Chinese, an emoji (4-byte UTF-8, surrogate pair in JS), controls.
const NASTY = [' ', '*', '~', '+', '%', "'", '!', '(', ')', '"', '/', '=', '&', '?', '#', ':', '阿', '里', '云', '😀', '\n', '\t', 'é', '-', '_', '.', 'a', 'Z', '0', '9'];
const nastyString = (next, max = 24) => {
  const length = Math.floor(next() * max);
  let out = '';
  for (let i = 0; i < length; i += 1) out += NASTY[Math.floor(next() * NASTY.length)];
  return out;
};

describe('Aliyun RPC signature v1', () => {
  for (const vector of vectors('aliyun-rpc')) {
    it(`${vector.published ? 'published' : 'derived'} vector: ${vector.name}`, () => {
      const signed = signAliyunRpc(vector.method, vector.params, vector.secret);
      assert.equal(signed.signature, vector.signature);
      assert.equal(signed.stringToSign, aliyunStringToSign(vector.params, vector.method));
    });
  }

  it('equals the node:crypto reference on 3000 generated parameter sets', () => {
    const next = rng(20261122);
    for (let round = 0; round < 3000; round += 1) {
      const params = {};
      const count = 1 + Math.floor(next() * 14);
      for (let i = 0; i < count; i += 1) params[`${nastyString(next, 6)}K${i}`] = nastyString(next);
      const secret = nastyString(next, 40);
      const method = next() < 0.5 ? 'POST' : 'GET';
      const ours = signAliyunRpc(method, params, secret);
      assert.equal(ours.signature, aliyunSignature(params, secret, method), `seed round ${round}: ${JSON.stringify(params)}`);
    }
  });
});

describe('Tencent TC3-HMAC-SHA256', () => {
  for (const vector of vectors('tencent-tc3')) {
    it(`${vector.published ? 'published' : 'derived'} vector: ${vector.name}`, () => {
      const signed = signTencentTc3({
        secretId: vector.secretId,
        secretKey: vector.secretKey,
        service: vector.service,
        host: vector.host,
        contentType: vector.contentType,
        canonicalUri: vector.canonicalUri,
        payload: vector.payload,
        timestamp: vector.timestamp,
      });
      assert.equal(signed.hashedRequestPayload, vector.hashedPayload);
      assert.equal(signed.hashedCanonicalRequest, vector.hashedCanonicalRequest);
      assert.equal(signed.signature, vector.signature);
      if (vector.authorization) assert.equal(signed.authorization, vector.authorization);
    });
  }

  it('equals the node:crypto reference on 2000 generated bodies, hosts and ports', () => {
    const next = rng(4242);
    const hosts = ['sms.tencentcloudapi.com', 'sms.intl.tencentcloudapi.com', '127.0.0.1', 'localhost', '[::1]', 'sms.ap-guangzhou.tencentcloudapi.com'];
    for (let round = 0; round < 2000; round += 1) {
      const port = next() < 0.5 ? '' : `:${1 + Math.floor(next() * 65535)}`;
      const host = `${hosts[Math.floor(next() * hosts.length)]}${port}`;
      const body = JSON.stringify({ SmsSdkAppId: nastyString(next), SignName: nastyString(next), TemplateParamSet: [nastyString(next, 8)], PhoneNumberSet: [`+${Math.floor(next() * 1e12)}`] });
      const input = {
        secretId: `AKID${nastyString(next, 8)}`,
        secretKey: nastyString(next, 40),
        service: 'sms',
        host,
        contentType: 'application/json; charset=utf-8',
        canonicalUri: next() < 0.7 ? '/' : `/${encodeURIComponent(nastyString(next, 6))}`,
        payload: next() < 0.5 ? body : Buffer.from(body),
        // Spread over 1970..2100, including the hours around UTC midnight.
        timestamp: Math.floor(next() * 4_102_444_800),
      };
      const ours = signTencentTc3(input);
      const reference = tc3Sign({ ...input, body: input.payload });
      assert.equal(ours.signature, reference.signature, `round ${round}: ${JSON.stringify({ ...input, payload: body })}`);
      assert.equal(ours.authorization, reference.authorization);
    }
  });
});
