// One behaviour suite, run four ways (ours / official × aliyun / tencent)
// against the loopback provider simulators.
//
// Shared expectations hold for both implementations. Deliberate differences
// (CONTRACT §4-§6) are tests whose name starts with "difference:" and gives
// the reason; the same test exists in the `ours` and the `official` run, and
// its body asserts what that implementation does (both branches are written
// out, so the pair of runs pins down both sides).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';

import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

import { createAliyunSmsConnector, createTencentSmsConnector } from '../../index.js';
import { ALIYUN_DEFAULTS, TENCENT_DEFAULTS } from '../simulator/index.mjs';

export { USAGE_TYPES } from '../support/configs.mjs';
import { USAGE_TYPES } from '../support/configs.mjs';

const C = ConnectorErrorCodes;

/** The rejection of `promise`; fails the test when it resolves. */
async function rejection(promise, what = 'sendMessage') {
  let value;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  assert.fail(`${what} resolved instead of rejecting: ${JSON.stringify(value?.body ?? value)?.slice(0, 500)}`);
}

/** Loopback server that records what reaches it (redirect target). */
async function startRecorder(answer) {
  const requests = [];
  const sockets = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const body = JSON.stringify(answer);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/moved`,
    requests,
    close: () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const s of sockets) s.destroy();
      return closed;
    },
  };
}

/**
 * @param {{ provider: 'aliyun' | 'tencent', impl: 'ours' | 'official',
 *           createConnector: Function, simulator: object, config: object }} options
 */
export function behaviourSuite({ provider, impl, createConnector, simulator, config }) {
  const aliyun = provider === 'aliyun';
  const ours = impl === 'ours';
  const D = aliyun ? ALIYUN_DEFAULTS : TENCENT_DEFAULTS;
  const mainland = D.mainlandTemplates; // 9 mainland verification templates
  const overseas = aliyun ? ALIYUN_DEFAULTS.overseasTemplate : TENCENT_DEFAULTS.internationalTemplate;
  const secret = aliyun ? ALIYUN_DEFAULTS.accessKeySecret : TENCENT_DEFAULTS.secretKey;

  // What the simulator received, provider-neutral.
  const sentTemplate = (r) => (aliyun ? r.params?.TemplateCode : r.body?.TemplateId);
  const sentNumber = (r) => (aliyun ? r.params?.PhoneNumbers : r.body?.PhoneNumberSet?.[0]);
  const sentParams = (r) => (aliyun ? r.params?.TemplateParam : r.body?.TemplateParamSet);
  const providerRequestId = (r) => (aliyun ? r.response?.RequestId : r.response?.Response?.RequestId);

  const templatesAll = USAGE_TYPES.map((usageType, i) => ({ usageType, templateCode: mainland[i] }));
  const base = { ...config, templates: templatesAll };
  const withTemplates = (templates, extra = {}) => ({ ...base, templates, ...extra });
  const codeOf = (type) => mainland[USAGE_TYPES.indexOf(type)];

  const DATA = Object.freeze({ to: '8613812345678', type: 'SignIn', payload: Object.freeze({ code: '123456' }) });
  const data = (over = {}) => ({ ...DATA, ...over, payload: { ...DATA.payload, ...(over.payload ?? {}) } });

  const connectorFor = (cfg = base) =>
    createConnector({
      getConfig: async () => cfg,
    });
  const send = async (d, cfg = base) => (await connectorFor(cfg)).sendMessage(d);

  const fresh = () => {
    simulator.reset();
    simulator.clockSkewSeconds = 0;
  };

  const assertNothingSent = (what) =>
    assert.equal(simulator.requests.length, 0, `${what}: nothing may reach the provider, got ${simulator.requests.length} request(s)`);
  const assertOneRequest = (what) =>
    assert.equal(simulator.requests.length, 1, `${what}: exactly one request must reach the provider, got ${simulator.requests.length}`);

  const assertConnectorError = (error, code, what) => {
    assert.ok(
      error instanceof ConnectorError,
      `${what}: expected the host's ConnectorError, got ${error?.constructor?.name}: ${String(error?.message).slice(0, 300)}`
    );
    assert.equal(error.code, code, `${what}: ConnectorError code (data: ${JSON.stringify(error.data)?.slice(0, 400)})`);
  };

  describe(`behaviour: ${impl} ${provider}`, () => {
    // ---------------------------------------------------------------- shared
    it('metadata equals the official metadata (ours: plus its added form items at the end)', async () => {
      const connector = await connectorFor();
      const counterpart = ours
        ? await (aliyun ? import('@logto/connector-aliyun-sms') : import('@logto/connector-tencent-sms')).then((m) =>
            // Metadata only: this unpatched official instance never sends.
            m.default({ getConfig: async () => assert.fail('never called') })
          )
        : await (aliyun ? createAliyunSmsConnector : createTencentSmsConnector)({ getConfig: async () => assert.fail('never called') });
      const official = ours ? counterpart.metadata : connector.metadata;
      const native = ours ? connector.metadata : counterpart.metadata;
      const n = official.formItems.length;
      const { formItems: officialItems, ...officialRest } = official;
      const { formItems: nativeItems, ...nativeRest } = native;
      assert.deepEqual(nativeRest, officialRest);
      // The templates item adds a description (the official one has none)
      // naming `locale` (CONTRACT §4) and, for Aliyun, the international-site
      // `message`; keys, labels, types and defaults are the official ones (§3).
      const withoutAddedDescription = (item) => {
        if (item.key !== 'templates') return item;
        const { description, ...rest } = item;
        assert.match(description, /"locale"/);
        if (aliyun) assert.match(description, /\{code\}/);
        return rest;
      };
      assert.deepEqual(nativeItems.slice(0, n).map(withoutAddedDescription), officialItems);
      const extra = nativeItems.slice(n).map((item) => item.key);
      assert.deepEqual(extra, aliyun ? ['site', 'senderId', 'endpoint', 'timeoutMs', 'limits'] : ['strictPhoneRegionNumberCheck', 'endpoint', 'timeoutMs', 'limits']);
      assert.equal(connector.type, 'Sms');
    });

    for (const type of USAGE_TYPES) {
      it(`type ${type} sends exactly one request with its own template code`, async () => {
        fresh();
        await send(data({ type }));
        assertOneRequest(type);
        const [r] = simulator.requests;
        assert.equal(r.verdict, 'ok', `provider verdict ${r.verdict}`);
        assert.equal(sentTemplate(r), codeOf(type));
      });
    }

    it('one config object changed in place between sends: each send uses what it holds at that moment', async () => {
      // Logto may hand over the same object every time; ours reuses its last
      // encoding of an unchanged config (js/encode.js), and must still see an
      // edit made in place.
      const cfg = structuredClone(base);
      const connector = await connectorFor(cfg);
      fresh();
      await connector.sendMessage(data());
      assert.equal(sentTemplate(simulator.requests[0]), codeOf('SignIn'));
      cfg.templates.find((t) => t.usageType === 'SignIn').templateCode = mainland[8];
      fresh();
      await connector.sendMessage(data());
      assertOneRequest('after the edit');
      assert.equal(sentTemplate(simulator.requests[0]), mainland[8]);
      const signName = cfg.signName;
      delete cfg.signName;
      fresh();
      assertConnectorError(await rejection(connector.sendMessage(data())), C.InvalidConfig, 'signName deleted in place');
      assertNothingSent('signName deleted in place');
      cfg.signName = signName;
      fresh();
      await connector.sendMessage(data());
      assertOneRequest('signName put back');
      assert.equal(simulator.requests[0].verdict, 'ok');
    });

    it('a success resolves after one request with the provider’s answer (no retries)', async () => {
      fresh();
      const result = await send(data());
      assertOneRequest('success');
      const [r] = simulator.requests;
      // Tencent differs on the shape of the returned value (see the difference test);
      // both carry the provider's JSON.
      const body = !aliyun && !ours ? result.body : result;
      assert.deepEqual(body, r.response);
    });

    it('the config argument overrides getConfig (getConfig is not called)', async () => {
      fresh();
      const connector = await createConnector({
        getConfig: async () => {
          throw new Error('getConfig must not be called when sendMessage gets a config');
        },
      });
      await connector.sendMessage(data({ type: 'Register' }), base);
      assertOneRequest('config argument');
      assert.equal(sentTemplate(simulator.requests[0]), codeOf('Register'));
    });

    it('getConfig is called with the metadata id when no config argument is given', async () => {
      fresh();
      const calls = [];
      const connector = await createConnector({
        getConfig: async (...args) => {
          calls.push(args);
          return base;
        },
      });
      await connector.sendMessage(data());
      assert.deepEqual(calls, [[connector.metadata.id]]);
      assertOneRequest('getConfig');
    });

    const invalidConfigs = aliyun
      ? {
          'empty object': {},
          'accessKeyId missing': (({ accessKeyId, ...rest }) => rest)(base),
          'accessKeySecret is a number': { ...base, accessKeySecret: 42 },
          'templates without Generic': withTemplates(templatesAll.filter((t) => t.usageType !== 'Generic')),
          'templates not an array': { ...base, templates: 'SMS_1000001' },
          'strictPhoneRegionNumberCheck not a boolean': { ...base, strictPhoneRegionNumberCheck: 'yes' },
        }
      : {
          'empty object': {},
          'sdkAppId missing': (({ sdkAppId, ...rest }) => rest)(base),
          'region is a number': { ...base, region: 1 },
          'templates without Generic': withTemplates(templatesAll.filter((t) => t.usageType !== 'Generic')),
          'templates not an array': { ...base, templates: '100001' },
        };
    for (const [name, cfg] of Object.entries(invalidConfigs)) {
      it(`invalid config (${name}) → ConnectorError invalid_config, nothing sent`, async () => {
        fresh();
        const connector = await createConnector({ getConfig: async () => assert.fail('config argument given') });
        const error = await rejection(connector.sendMessage(data(), cfg));
        assertConnectorError(error, C.InvalidConfig, name);
        assert.equal(error.data?.name, 'ZodError');
        assert.ok(Array.isArray(error.data?.issues) && error.data.issues.length > 0, 'issues listed');
        assertNothingSent(name);
      });
    }

    if (aliyun) {
      it('Generic fallback: a type missing from the templates uses the Generic template (both impls)', async () => {
        fresh();
        const cfg = withTemplates(templatesAll.filter((t) => t.usageType !== 'MfaVerification'));
        await send(data({ type: 'MfaVerification' }), cfg);
        assertOneRequest('fallback');
        assert.equal(sentTemplate(simulator.requests[0]), codeOf('Generic'));
      });

      // Official rule (isChinaNumber): non-strict ^(?:\+86|0086|86)?1\d{10}$, strict ^(?:\+86|0086|86)1\d{10}$.
      const numbers = [
        // to, non-strict region, strict region
        ['13812345678', 'china', 'overseas'],
        ['8613812345678', 'china', 'china'],
        ['+8613812345678', 'china', 'china'],
        ['008613812345678', 'china', 'china'],
        ['85268326366', 'overseas', 'overseas'],
        ['447911123456', 'overseas', 'overseas'],
        ['18624017194', 'china', 'overseas'], // NANP number without "+": mainland-looking unless strict
      ];
      for (const strict of [false, true]) {
        for (const [to, loose, strictRegion] of numbers) {
          const region = strict ? strictRegion : loose;
          it(`{ china, overseas } template (strict=${strict}) for ${to} → ${region} (same choice as the official rule)`, async () => {
            fresh();
            const templates = templatesAll.map((t) =>
              t.usageType === 'SignIn' ? { usageType: 'SignIn', templateCode: { china: mainland[0], overseas } } : t
            );
            const cfg = withTemplates(templates, { strictPhoneRegionNumberCheck: strict });
            // The simulator may refuse a template/number mismatch (e.g. a NANP number in
            // strict mode reaches the overseas template but looks mainland to Aliyun); only
            // the choice is compared here.
            await send(data({ to }), cfg).catch(() => {});
            assertOneRequest(to);
            const [r] = simulator.requests;
            assert.equal(sentTemplate(r), region === 'china' ? mainland[0] : overseas);
            assert.equal(sentNumber(r), to, 'Aliyun gets `to` as the official connector sends it');
          });
        }
      }
    }

    // ----------------------------------------------------------- differences
    it('difference: locale/uiLocales/link are never sent, only the code [uiLocales breaks verification templates]', async () => {
      fresh();
      const payload = { code: '123456', locale: 'zh-CN', uiLocales: 'zh-CN', link: 'https://example.com/verify?x=1' };
      if (ours) {
        await send(data({ payload }));
        assertOneRequest('ours');
        const [r] = simulator.requests;
        assert.equal(r.verdict, 'ok');
        if (aliyun) assert.equal(sentParams(r), '{"code":"123456"}');
        else assert.deepEqual(sentParams(r), ['123456']);
      } else {
        const error = await rejection(send(data({ payload })));
        assertOneRequest('official');
        const [r] = simulator.requests;
        if (aliyun) {
          // The official drops `locale` only and forwards the rest as template variables.
          assert.deepEqual(JSON.parse(sentParams(r)), { code: '123456', uiLocales: 'zh-CN', link: payload.link });
          assert.equal(r.verdict, 'isv.INVALID_PARAMETERS');
        } else {
          // The official appends every payload value but `locale` to TemplateParamSet.
          assert.deepEqual(sentParams(r), ['123456', 'zh-CN', payload.link]);
          assert.equal(r.verdict, 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate');
        }
        assertConnectorError(error, C.General, 'official locale');
      }
    });

    it('difference: payload without a string code [ours refuses before sending; official sends it]', async () => {
      // [payload, official Aliyun verdict, official Tencent verdict]
      const cases = [
        [{}, 'isv.TEMPLATE_MISSING_PARAMETERS', 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate'],
        [{ code: 123456 }, 'isv.INVALID_JSON_PARAM', 'ok'], // Tencent's official stringifies every value
        [{ locale: 'en' }, 'isv.TEMPLATE_MISSING_PARAMETERS', 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate'],
      ];
      for (const [payload, aliyunVerdict, tencentVerdict] of cases) {
        const what = `payload ${JSON.stringify(payload)}`;
        fresh();
        const connector = await connectorFor();
        const outcome = await connector.sendMessage({ to: DATA.to, type: 'SignIn', payload }).then(
          (value) => ({ value }),
          (error) => ({ error })
        );
        if (ours) {
          assert.ok(outcome.error, `${what}: ours must reject`);
          assertConnectorError(outcome.error, C.InvalidRequestParameters, what);
          assertNothingSent(what);
          continue;
        }
        assertOneRequest(`official ${what}`);
        const verdict = aliyun ? aliyunVerdict : tencentVerdict;
        assert.equal(simulator.requests[0].verdict, verdict, `official ${what}: provider verdict`);
        if (verdict === 'ok') assert.ok(outcome.value, `official ${what}: resolves`);
        else assertConnectorError(outcome.error, C.General, `official ${what}`);
      }
    });

    it('difference: a malformed `to` is refused before sending [ours validates; official sends whatever it gets]', async () => {
      for (const to of ['', 'abc', '+', '123']) {
        fresh();
        const error = await rejection(send(data({ to })));
        if (ours) {
          assertConnectorError(error, C.InvalidRequestParameters, `to ${JSON.stringify(to)}`);
          assertNothingSent(`to ${JSON.stringify(to)}`);
        } else {
          assertOneRequest(`official to ${JSON.stringify(to)}`);
          assertConnectorError(error, C.General, `official to ${JSON.stringify(to)}`);
        }
      }
    });

    if (!aliyun) {
      it('difference: Tencent gets E.164 with "+" [Tencent refuses an international number without "+"]', async () => {
        // 447911123456 (GB) through the international template; 8613812345678 through a mainland one.
        const intl = withTemplates(templatesAll.map((t) => (t.usageType === 'SignIn' ? { ...t, templateCode: overseas } : t)));
        fresh();
        if (ours) {
          await send(data({ to: '447911123456' }), intl);
          assertOneRequest('ours intl');
          assert.equal(sentNumber(simulator.requests[0]), '+447911123456');
          assert.equal(simulator.requests[0].verdict, 'ok');
        } else {
          const error = await rejection(send(data({ to: '447911123456' }), intl));
          assertOneRequest('official intl');
          assert.equal(sentNumber(simulator.requests[0]), '447911123456');
          assert.equal(simulator.requests[0].verdict, 'InvalidParameterValue.IncorrectPhoneNumber');
          assertConnectorError(error, C.General, 'official intl');
        }
        fresh();
        await send(data({ to: '8613812345678' }));
        assertOneRequest('mainland');
        assert.equal(sentNumber(simulator.requests[0]), ours ? '+8613812345678' : '8613812345678');
        assert.equal(simulator.requests[0].verdict, 'ok', 'Tencent accepts 86… for mainland numbers');
      });

      it('difference: Generic fallback for a type the templates lack [CONTRACT §4; official throws TemplateNotFound]', async () => {
        fresh();
        const cfg = withTemplates(templatesAll.filter((t) => t.usageType !== 'MfaVerification'));
        if (ours) {
          await send(data({ type: 'MfaVerification' }), cfg);
          assertOneRequest('ours fallback');
          assert.equal(sentTemplate(simulator.requests[0]), codeOf('Generic'));
        } else {
          const error = await rejection(send(data({ type: 'MfaVerification' }), cfg));
          assertConnectorError(error, C.TemplateNotFound, 'official fallback');
          assertNothingSent('official TemplateNotFound');
        }
      });

      // Ours: Tencent number as sent (E.164) and template, by the official Aliyun region rule.
      const numbers = [
        // to, [non-strict region, number], [strict region, number]
        ['13812345678', ['china', '+8613812345678'], ['overseas', '+13812345678']],
        ['8613812345678', ['china', '+8613812345678'], ['china', '+8613812345678']],
        ['+8613812345678', ['china', '+8613812345678'], ['china', '+8613812345678']],
        ['008613812345678', ['china', '+8613812345678'], ['china', '+8613812345678']],
        ['85268326366', ['overseas', '+85268326366'], ['overseas', '+85268326366']],
        ['447911123456', ['overseas', '+447911123456'], ['overseas', '+447911123456']],
        ['18624017194', ['china', '+8618624017194'], ['overseas', '+18624017194']],
      ];
      for (const strict of [false, true]) {
        for (const [to, loose, strictCase] of numbers) {
          const [region, e164] = strict ? strictCase : loose;
          it(`difference: { china, overseas } template (strict=${strict}) for ${to} [ours picks ${region} and sends ${e164}; official's guard rejects the config]`, async () => {
            fresh();
            const templates = templatesAll.map((t) =>
              t.usageType === 'SignIn' ? { usageType: 'SignIn', templateCode: { china: mainland[0], overseas } } : t
            );
            const cfg = withTemplates(templates, { strictPhoneRegionNumberCheck: strict });
            if (ours) {
              await send(data({ to }), cfg);
              assertOneRequest(to);
              const [r] = simulator.requests;
              assert.equal(sentTemplate(r), region === 'china' ? mainland[0] : overseas);
              assert.equal(sentNumber(r), e164);
              assert.equal(r.verdict, 'ok');
            } else {
              const error = await rejection(send(data({ to }), cfg));
              assertConnectorError(error, C.InvalidConfig, 'official { china, overseas }');
              assertNothingSent('official { china, overseas }');
            }
          });
        }
      }

      it('difference: return value [ours resolves to the parsed body; official returns a got Response]', async () => {
        fresh();
        const result = await send(data());
        assertOneRequest('return value');
        const answered = simulator.requests[0].response;
        if (ours) {
          assert.deepEqual(Object.keys(result), ['Response']);
          assert.ok(Array.isArray(result.Response.SendStatusSet));
          assert.equal(typeof result.Response.RequestId, 'string');
          assert.deepEqual(result, answered);
        } else {
          assert.equal(result.constructor?.name, 'IncomingMessage');
          assert.equal(result.statusCode, 200);
          assert.deepEqual(result.body, answered);
        }
      });
    }

    // --------------------------------------------------------------- errors
    // [name, setup(): { data?, config?, fault? }, ours expectation, official code]
    // ours expectation: { code, providerCode?, requestId?: true, description?: RegExp }
    // official: a ConnectorErrorCodes value, or { thrown: 'ClassName' } when it is not a ConnectorError.
    const errorRows = aliyun
      ? [
          ['rate limit isv.BUSINESS_LIMIT_CONTROL', { fault: { businessCode: 'isv.BUSINESS_LIMIT_CONTROL' } }, { code: C.RateLimitExceeded, providerCode: true }, C.RateLimitExceeded],
          ['rate limit isv.DAY_LIMIT_CONTROL', { fault: { businessCode: 'isv.DAY_LIMIT_CONTROL' } }, { code: C.RateLimitExceeded, providerCode: true }, C.General],
          ['rate limit isv.MONTH_LIMIT_CONTROL', { fault: { businessCode: 'isv.MONTH_LIMIT_CONTROL' } }, { code: C.RateLimitExceeded, providerCode: true }, C.General],
          ['rate limit Throttling.User', { fault: { businessCode: 'Throttling.User' } }, { code: C.RateLimitExceeded, providerCode: true }, C.General],
          ['usage limit isv.AMOUNT_NOT_ENOUGH', { fault: { businessCode: 'isv.AMOUNT_NOT_ENOUGH' } }, { code: C.UsageLimitExceeded, providerCode: true }, C.General],
          ['usage limit isv.OUT_OF_SERVICE', { fault: { businessCode: 'isv.OUT_OF_SERVICE' } }, { code: C.UsageLimitExceeded, providerCode: true }, C.General],
          ['invalid config: bad secret (SignatureDoesNotMatch, HTTP 400)', { config: { accessKeySecret: 'wrong-secret' } }, { code: C.InvalidConfig, providerCode: 'SignatureDoesNotMatch' }, C.General],
          ['invalid config: unknown access key (InvalidAccessKeyId.NotFound, HTTP 404)', { config: { accessKeyId: 'LTAI-unknown' } }, { code: C.InvalidConfig, providerCode: 'InvalidAccessKeyId.NotFound' }, C.General],
          ['invalid config: unknown template (isv.SMS_TEMPLATE_ILLEGAL)', { config: { templates: templatesAll.map((t) => ({ ...t, templateCode: 'SMS_9999999' })) } }, { code: C.InvalidConfig, providerCode: 'isv.SMS_TEMPLATE_ILLEGAL' }, C.General],
          ['invalid config: unknown sign name (isv.SMS_SIGNATURE_ILLEGAL)', { config: { signName: 'NoSuchSign' } }, { code: C.InvalidConfig, providerCode: 'isv.SMS_SIGNATURE_ILLEGAL' }, C.General],
          ['invalid config: isp.RAM_PERMISSION_DENY', { fault: { businessCode: 'isp.RAM_PERMISSION_DENY' } }, { code: C.InvalidConfig, providerCode: true }, C.General],
          ['invalid request parameters: isv.MOBILE_NUMBER_ILLEGAL (scripted)', { fault: { businessCode: 'isv.MOBILE_NUMBER_ILLEGAL' } }, { code: C.InvalidRequestParameters, providerCode: true }, C.General],
          ['invalid request parameters: +447911123456 refused by Aliyun (isv.MOBILE_NUMBER_ILLEGAL)', { data: { to: '+447911123456' } }, { code: C.InvalidRequestParameters, providerCode: 'isv.MOBILE_NUMBER_ILLEGAL' }, C.General],
          ['clock skew (InvalidTimeStamp.Expired) → general, the description blames the clock', { skew: 3600 }, { code: C.General, providerCode: 'InvalidTimeStamp.Expired', description: /clock/i }, C.General],
          ['other provider code isp.SYSTEM_ERROR → general', { fault: { businessCode: 'isp.SYSTEM_ERROR' } }, { code: C.General, providerCode: true }, C.General],
          ['HTTP 502 with an HTML body → general', { fault: { status: 502, raw: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' } }, { code: C.General }, C.InvalidResponse],
          ['HTTP 400 with an HTML body → invalid_response', { fault: { status: 400, raw: '<html><body>400</body></html>', contentType: 'text/html' } }, { code: C.InvalidResponse }, C.InvalidResponse],
          ['HTTP 200 with a non-JSON body → invalid_response', { fault: { status: 200, raw: 'OK, sent!', contentType: 'text/plain' } }, { code: C.InvalidResponse }, C.InvalidResponse],
          ['HTTP 200 JSON without Code → invalid_response', { fault: { status: 200, json: { RequestId: 'X', Message: 'OK' } } }, { code: C.InvalidResponse }, C.InvalidResponse],
        ]
      : [
          ['rate limit LimitExceeded.PhoneNumberDailyLimit (per number)', { fault: { errorCode: 'LimitExceeded.PhoneNumberDailyLimit', level: 'number' } }, { code: C.RateLimitExceeded, providerCode: true }, C.General],
          ['rate limit LimitExceeded.PhoneNumberThirtySecondLimit (request)', { fault: { errorCode: 'LimitExceeded.PhoneNumberThirtySecondLimit', level: 'request' } }, { code: C.RateLimitExceeded, providerCode: true }, C.General],
          ['rate limit RequestLimitExceeded (request)', { fault: { errorCode: 'RequestLimitExceeded', level: 'request' } }, { code: C.RateLimitExceeded, providerCode: true }, C.General],
          ['LimitExceeded.AppCountryOrRegionInBlacklist is not a rate limit → general', { fault: { errorCode: 'LimitExceeded.AppCountryOrRegionInBlacklist', level: 'number' } }, { code: C.General, providerCode: true }, C.General],
          ['usage limit FailedOperation.InsufficientBalanceInSmsPackage', { fault: { errorCode: 'FailedOperation.InsufficientBalanceInSmsPackage', level: 'request' } }, { code: C.UsageLimitExceeded, providerCode: true }, C.General],
          ['usage limit UnauthorizedOperation.SerivceSuspendDueToArrears', { fault: { errorCode: 'UnauthorizedOperation.SerivceSuspendDueToArrears', level: 'request' } }, { code: C.UsageLimitExceeded, providerCode: true }, C.General],
          ['invalid config: bad secret (AuthFailure.SignatureFailure)', { config: { accessKeySecret: 'wrong-secret' } }, { code: C.InvalidConfig, providerCode: 'AuthFailure.SignatureFailure' }, C.General],
          ['invalid config: unknown secret id (AuthFailure.SecretIdNotFound)', { config: { accessKeyId: 'AKIDunknown' } }, { code: C.InvalidConfig, providerCode: 'AuthFailure.SecretIdNotFound' }, C.General],
          ['invalid config: unknown template (FailedOperation.TemplateIdNotExist)', { config: { templates: templatesAll.map((t) => ({ ...t, templateCode: '999999' })) } }, { code: C.InvalidConfig, providerCode: 'FailedOperation.TemplateIdNotExist' }, C.General],
          ['invalid config: unknown sign name (FailedOperation.SignatureIncorrectOrUnapproved)', { config: { signName: 'NoSuchSign' } }, { code: C.InvalidConfig, providerCode: 'FailedOperation.SignatureIncorrectOrUnapproved' }, C.General],
          ['invalid config: unknown SDK app id (InvalidParameterValue.SdkAppIdNotExist)', { config: { sdkAppId: '1400999999' } }, { code: C.InvalidConfig, providerCode: 'InvalidParameterValue.SdkAppIdNotExist' }, C.General],
          ['invalid config: UnauthorizedOperation.RequestIpNotInWhitelist', { fault: { errorCode: 'UnauthorizedOperation.RequestIpNotInWhitelist', level: 'request' } }, { code: C.InvalidConfig, providerCode: true }, C.General],
          ['invalid request parameters: +12345 refused (InvalidParameterValue.IncorrectPhoneNumber)', { data: { to: '+12345' } }, { code: C.InvalidRequestParameters, providerCode: 'InvalidParameterValue.IncorrectPhoneNumber' }, C.General],
          ['invalid request parameters: FailedOperation.PhoneNumberParseFail (per number)', { fault: { errorCode: 'FailedOperation.PhoneNumberParseFail', level: 'number' } }, { code: C.InvalidRequestParameters, providerCode: true }, C.General],
          ['invalid request parameters: FailedOperation.PhoneNumberInBlacklist (per number)', { fault: { errorCode: 'FailedOperation.PhoneNumberInBlacklist', level: 'number' } }, { code: C.InvalidRequestParameters, providerCode: true }, C.General],
          ['clock skew (AuthFailure.SignatureExpire) → general, the description blames the clock', { skew: 3600 }, { code: C.General, providerCode: 'AuthFailure.SignatureExpire', description: /clock/i }, C.General],
          ['other provider code InternalError.Timeout → general', { fault: { errorCode: 'InternalError.Timeout', level: 'request' } }, { code: C.General, providerCode: true }, C.General],
          ['HTTP 502 with an HTML body → general', { fault: { status: 502, raw: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' } }, { code: C.General }, C.General],
          ['HTTP 400 with an HTML body → invalid_response', { fault: { status: 400, raw: '<html><body>400</body></html>', contentType: 'text/html' } }, { code: C.InvalidResponse }, C.General],
          ['HTTP 200 with a non-JSON body → invalid_response', { fault: { status: 200, raw: 'OK, sent!', contentType: 'text/plain' } }, { code: C.InvalidResponse }, { thrown: 'ParseError' }],
          ['HTTP 200 with an empty SendStatusSet → invalid_response', { fault: { status: 200, json: { Response: { SendStatusSet: [], RequestId: 'req-empty' } } } }, { code: C.InvalidResponse }, C.General],
        ];

    for (const [name, setup, expectOurs, expectOfficial] of errorRows) {
      const officialLabel = typeof expectOfficial === 'string' ? expectOfficial : `throws ${expectOfficial.thrown}`;
      it(`error: ${name} [ours ${expectOurs.code}; official ${officialLabel}]`, async () => {
        fresh();
        const cfg = { ...base, ...(setup.config ?? {}) };
        if (setup.fault) simulator.script(setup.fault);
        if (setup.skew) simulator.clockSkewSeconds = setup.skew;
        let error;
        try {
          error = await rejection(send(data(setup.data ?? {}), cfg));
        } finally {
          simulator.clockSkewSeconds = 0;
        }
        assertOneRequest(name);
        const [r] = simulator.requests;
        if (!ours) {
          if (typeof expectOfficial === 'string') assertConnectorError(error, expectOfficial, `official ${name}`);
          else {
            assert.ok(!(error instanceof ConnectorError), `official ${name}: expected a raw ${expectOfficial.thrown}`);
            assert.equal(error?.constructor?.name, expectOfficial.thrown);
          }
          if (aliyun && r.verdict === 'SignatureDoesNotMatch') {
            // Observed: the official passes Aliyun's echoed string-to-sign (phone number, code) on.
            assert.match(error.data.errorDescription, /server string to sign/);
          }
          return;
        }
        assertConnectorError(error, expectOurs.code, name);
        const wantCode = expectOurs.providerCode === true ? r.verdict : expectOurs.providerCode;
        if (wantCode) {
          assert.equal(r.verdict, wantCode, 'the simulator answered the expected provider code');
          assert.equal(error.data?.Code, wantCode, 'error.data.Code');
          const rid = providerRequestId(r);
          assert.ok(rid, 'the provider gave a RequestId');
          assert.equal(error.data?.RequestId, rid, 'error.data.RequestId');
        }
        assert.equal(typeof error.data?.errorDescription, 'string', 'error.data.errorDescription');
        if (expectOurs.description) assert.match(error.data.errorDescription, expectOurs.description);
        const everything = `${error.message}\n${JSON.stringify(error.data)}`;
        assert.ok(!everything.includes(secret), 'no secret in the error');
        if (r.verdict === 'SignatureDoesNotMatch') {
          assert.doesNotMatch(error.data.errorDescription, /string to sign|8613812345678|123456/, 'string-to-sign echo dropped');
        }
      });
    }

    it(`error: 3xx redirect → ours invalid_response and the target gets nothing [a followed 307 resends the POST; official follows it]`, async () => {
      fresh();
      const success = aliyun
        ? { RequestId: 'REDIRECTED', Code: 'OK', Message: 'OK', BizId: '1^0' }
        : { Response: { SendStatusSet: [{ SerialNo: 's', PhoneNumber: '+8613812345678', Fee: 1, SessionContext: '', Code: 'Ok', Message: 'send success', IsoCode: 'CN' }], RequestId: 'redirected' } };
      const target = await startRecorder(success);
      try {
        simulator.script({ redirect: target.url, status: 307 });
        if (ours) {
          const error = await rejection(send(data()));
          assertConnectorError(error, C.InvalidResponse, 'redirect');
          assertOneRequest('redirect');
          assert.equal(target.requests.length, 0, 'the redirect target must get nothing');
        } else {
          // Observed: got follows the 307 and POSTs the signed request again, to the target.
          const result = await send(data());
          assertOneRequest('official redirect (simulator)');
          assert.equal(target.requests.length, 1, 'official: the redirect target got the resent POST');
          assert.equal(target.requests[0].method, 'POST');
          assert.equal(target.requests[0].body, simulator.requests[0].rawBody, 'the same signed request, sent a second time');
          // …and the official reports the redirect target's answer as its success.
          assert.deepEqual(aliyun ? result : result.body, success);
        }
      } finally {
        await target.close();
      }
    });

    it('a success answer missing optional fields is still a success (the message went out)', async () => {
      fresh();
      const minimal = aliyun
        ? { RequestId: 'MINIMAL-1', Code: 'OK', Message: 'OK' }
        : { Response: { SendStatusSet: [{ PhoneNumber: '+8613812345678', Code: 'Ok', Message: 'send success', SerialNo: '2433:1' }], RequestId: 'minimal-1' } };
      simulator.script({ status: 200, json: minimal });
      const result = await send(data());
      assertOneRequest('minimal success');
      assert.deepEqual(!aliyun && !ours ? result.body : result, minimal);
    });

    if (ours) {
      it('error: a body over 1 MiB → invalid_response; exactly 1 MiB is accepted (CONTRACT §6)', async () => {
        const MiB = 1024 * 1024;
        for (const chunked of [false, true]) {
          fresh();
          simulator.script({ bodyBytes: MiB + 1, chunked });
          const error = await rejection(send(data()), `1 MiB + 1 (chunked=${chunked})`);
          assertConnectorError(error, C.InvalidResponse, `1 MiB + 1 (chunked=${chunked})`);
          assertOneRequest('oversized');
          fresh();
          simulator.script({ bodyBytes: MiB, chunked });
          await send(data());
          assertOneRequest('exactly 1 MiB');
        }
      });

      it('error: connection reset mid-response → general, not retried (the request may have reached the provider)', async () => {
        fresh();
        simulator.script({ resetMidResponse: true });
        const error = await rejection(send(data()));
        assertConnectorError(error, C.General, 'reset');
        assert.equal(typeof error.data?.errorDescription, 'string');
        assertOneRequest('reset mid-response');
      });

      it('error: HTTP 503 with a provider-looking JSON body → general', async () => {
        fresh();
        const json = aliyun
          ? { RequestId: 'R-503', Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.' }
          : { Response: { Error: { Code: 'InternalError', Message: 'busy' }, RequestId: 'r-503' } };
        simulator.script({ status: 503, json });
        const error = await rejection(send(data()));
        assertConnectorError(error, C.General, '503 JSON');
        assertOneRequest('503');
      });

      for (const status of [301, 302, 303, 308]) {
        it(`error: redirect ${status} → invalid_response, target gets nothing`, async () => {
          fresh();
          const target = await startRecorder({});
          try {
            simulator.script({ redirect: target.url, status });
            const error = await rejection(send(data()));
            assertConnectorError(error, C.InvalidResponse, `redirect ${status}`);
            assertOneRequest(`redirect ${status}`);
            assert.equal(target.requests.length, 0, 'the redirect target must get nothing');
          } finally {
            await target.close();
          }
        });
      }

      it('error: connection refused → general, description says so', async () => {
        fresh();
        const closed = await startRecorder({});
        const url = closed.url.replace('/moved', aliyun ? '/' : '');
        await closed.close();
        const error = await rejection(send(data(), { ...base, endpoint: url }));
        assertConnectorError(error, C.General, 'refused');
        assert.match(error.data?.errorDescription ?? '', /refused|connect/i);
      });

      it('timeout: timeoutMs 300 and a stalled provider → general at the deadline (not before), one request, description names the timeout', async () => {
        fresh();
        simulator.script({ stallBeforeHeaders: true });
        const started = Date.now();
        const error = await rejection(send(data(), { ...base, timeoutMs: 300 }));
        const elapsed = Date.now() - started;
        assertConnectorError(error, C.General, 'timeout');
        assert.ok(elapsed < 30_000, `rejected after ${elapsed} ms: hung`);
        assert.ok(elapsed >= 250, `rejected after ${elapsed} ms, before the 300 ms deadline`);
        assert.match(error.data?.errorDescription ?? '', /time(d)?\s*out|timeout|deadline/i);
        assertOneRequest('timeout');
        // And the connector still works afterwards.
        fresh();
        await send(data());
        assertOneRequest('after timeout');
      });

      const oursOnlyInvalid = {
        'endpoint http:// on a non-loopback host': { endpoint: 'http://example.com/' },
        'endpoint with another scheme': { endpoint: 'ftp://127.0.0.1/' },
        'timeoutMs 0': { timeoutMs: 0 },
        'timeoutMs 60001': { timeoutMs: 60001 },
      };
      for (const [name, extra] of Object.entries(oursOnlyInvalid)) {
        it(`ours: invalid added key (${name}) → invalid_config, nothing sent`, async () => {
          fresh();
          const error = await rejection(send(data(), { ...base, ...extra }));
          assertConnectorError(error, C.InvalidConfig, name);
          assertNothingSent(name);
        });
      }
    } else {
      it('official: the added keys (endpoint, timeoutMs) are dropped by its guard, so it cannot be pointed elsewhere', async () => {
        const connector = await connectorFor();
        const parsed = connector.configGuard.parse({ ...base, endpoint: 'http://127.0.0.1:1/', timeoutMs: 300 });
        assert.equal('endpoint' in parsed, false);
        assert.equal('timeoutMs' in parsed, false);
      });
    }
  });
}
