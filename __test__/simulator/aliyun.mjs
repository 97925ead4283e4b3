// Loopback fake of Aliyun Dysmsapi SendSms (RPC, version 2017-05-25), written
// from spec/providers.md §1.2-1.7, and of the international site's 2018-05-01
// SendMessageToGlobe / SendMessageWithTemplate (aliyun-2018.mjs). It checks
// requests in the order the real gateway does: common parameters, timestamp,
// access key, signature, nonce, then the action's parameters and the business
// rules.
//
// Gateway errors are HTTP 4xx with { RequestId, HostId, Code, Message,
// Recommend }; SendSms business errors are HTTP 200 with { RequestId, Code,
// Message }; 2018-05-01 ones HTTP 200 with { RequestId, ResponseCode,
// ResponseDescription }.
import { timingSafeEqual } from 'node:crypto';
import { startSimulator, newRequestId, padJson, normalisePath, randomDigits } from './common.mjs';
import { aliyunSignature, aliyunStringToSign } from './verify-aliyun.mjs';
import { GLOBE_ACTIONS, VERSION_2018, handle2018 } from './aliyun-2018.mjs';
import { ALIYUN_QUERY_ACTIONS, handleAliyunQuery, installAliyunQueries } from './aliyun-query.mjs';

const HOST_ID = 'dysmsapi.aliyuncs.com';
const FIFTEEN_MINUTES_MS = 15 * 60 * 1000;

const verification = (region) => ({ region, kind: 'verification', variables: ['code'] });

export const ALIYUN_DEFAULTS = Object.freeze({
  accessKeyId: 'LTAI5tSimulatorKey',
  accessKeySecret: 'sim-secret-DO-NOT-LEAK-7f3a9c',
  signNames: Object.freeze(['Logto', '阿里云短信测试']),
  /** Mainland verification templates, one variable each (`code`). */
  mainlandTemplates: Object.freeze(Array.from({ length: 9 }, (_, i) => `SMS_100000${i + 1}`)),
  /** Overseas/international verification template, one variable (`code`). */
  overseasTemplate: 'SMS_2000001',
  /** Mainland notification template, variable `code` (any text up to 35 chars). */
  notificationTemplate: 'SMS_3000001',
  /** Approved sender ids for SendMessageToGlobe `From`. */
  senderIds: Object.freeze(['Logto', '123456789012345']),
  /** RegionIds the 2018-05-01 actions accept (the international endpoint's). */
  globeRegionIds: Object.freeze(['ap-southeast-1']),
  /** Calling codes SendMessageToGlobe does not serve (NOT_SUPPORTED_COUNTRY). */
  unsupportedCountryPrefixes: Object.freeze(['850']),
});

/** The API version of each action the fake serves. */
const ACTION_VERSIONS = {
  SendSms: '2017-05-25',
  ...Object.fromEntries(GLOBE_ACTIONS.map((action) => [action, VERSION_2018])),
  ...ALIYUN_QUERY_ACTIONS,
};

function defaultTemplates() {
  const map = new Map();
  for (const code of ALIYUN_DEFAULTS.mainlandTemplates) map.set(code, verification('mainland'));
  map.set(ALIYUN_DEFAULTS.overseasTemplate, verification('international'));
  map.set(ALIYUN_DEFAULTS.notificationTemplate, { region: 'mainland', kind: 'notification', variables: ['code'] });
  return map;
}

// Common parameters, in the order their absence is reported.
const REQUIRED_COMMON = [
  'AccessKeyId',
  'Action',
  'Format',
  'SignatureMethod',
  'SignatureNonce',
  'SignatureVersion',
  'Timestamp',
  'Version',
  'Signature',
];
const REQUIRED_SENDSMS = ['PhoneNumbers', 'SignName', 'TemplateCode'];

// Mainland: optional +86 / 0086 / 86 / + prefix, then 1 + 10 digits (AL-SendSms).
const MAINLAND_RE = /^(?:\+86|0086|86|\+)?1\d{10}$/;
// International: country code + number, digits only, no "+".
const INTERNATIONAL_RE = /^\d{5,20}$/;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const DEFAULT_BUSINESS_MESSAGES = {
  'isv.BUSINESS_LIMIT_CONTROL': '触发天级流控Permits:10',
  'isv.DAY_LIMIT_CONTROL': 'The daily sending limit configured for this account has been reached.',
  'isv.MONTH_LIMIT_CONTROL': 'The monthly sending limit configured for this account has been reached.',
  'isv.AMOUNT_NOT_ENOUGH': '账户余额不足',
  'isv.OUT_OF_SERVICE': '业务停机',
  'isp.RAM_PERMISSION_DENY': 'RAM权限DENY',
  'isp.SYSTEM_ERROR': 'isp.SYSTEM_ERROR',
};

/** Classify one number: 'mainland' | 'international' | undefined (illegal). */
export function aliyunNumberRegion(number) {
  if (MAINLAND_RE.test(number)) return 'mainland';
  if (INTERNATIONAL_RE.test(number)) return 'international';
  return undefined;
}

export async function startAliyunSimulator(options = {}) {
  const accounts = new Map([[ALIYUN_DEFAULTS.accessKeyId, ALIYUN_DEFAULTS.accessKeySecret]]);
  const signNames = new Set(ALIYUN_DEFAULTS.signNames);
  const templates = defaultTemplates();
  const senderIds = new Set(ALIYUN_DEFAULTS.senderIds);
  const globeRegionIds = new Set(ALIYUN_DEFAULTS.globeRegionIds);
  const unsupportedCountryPrefixes = new Set(ALIYUN_DEFAULTS.unsupportedCountryPrefixes);
  const usedNonces = new Set();
  let sim;

  const gateway = (status, code, message) => ({
    status,
    verdict: code,
    json: {
      RequestId: newRequestId(true),
      HostId: HOST_ID,
      Code: code,
      Message: message,
      Recommend: `https://next.api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=Dysmsapi`,
    },
  });
  const business = (code, message) => ({
    status: 200,
    verdict: code,
    json: { RequestId: newRequestId(true), Code: code, Message: message },
  });

  const provider = {
    reset() {
      usedNonces.clear();
    },

    /** Params = query string merged with a form body (body wins), like the gateway. */
    parse(entry, url) {
      const params = {};
      for (const [k, v] of url.searchParams) if (!(k in params)) params[k] = v;
      const ct = String(entry.headers['content-type'] ?? '').toLowerCase();
      // Only a form body carries parameters; a JSON body is ignored, so a
      // client that sends JSON sees Missing* errors as it would for real.
      if (entry.method !== 'GET' && ct.startsWith('application/x-www-form-urlencoded')) {
        const seen = new Set();
        for (const [k, v] of new URLSearchParams(entry.rawBody)) {
          if (seen.has(k)) continue;
          seen.add(k);
          params[k] = v;
        }
      }
      entry.params = params;
    },

    handle(entry, businessFault) {
      const p = entry.params;
      const has = (name) => typeof p[name] === 'string' && p[name] !== '';

      // 1. Common parameters.
      for (const name of REQUIRED_COMMON) {
        if (!has(name)) return gateway(400, `Missing${name}`, `${name} is mandatory for this action.`);
      }
      const version = ACTION_VERSIONS[p.Action];
      if (version === undefined) {
        return gateway(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
      }
      if (p.Version !== version) return gateway(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
      // The simulator only speaks JSON; Logto sends `json` (lower case).
      if (p.Format.toUpperCase() !== 'JSON') {
        return gateway(400, 'InvalidParameter', 'Specified parameter Format is not valid (the simulator answers JSON only).');
      }
      if (p.SignatureMethod !== 'HMAC-SHA1') {
        return gateway(400, 'InvalidParameter', 'Specified parameter SignatureMethod is not valid.');
      }
      if (p.SignatureVersion !== '1.0') {
        return gateway(400, 'InvalidParameter', 'Specified parameter SignatureVersion is not valid.');
      }

      // 2. Timestamp: only the documented second-precision UTC form.
      const ts = Date.parse(p.Timestamp);
      if (!TIMESTAMP_RE.test(p.Timestamp) || Number.isNaN(ts) || new Date(ts).toISOString().replace('.000Z', 'Z') !== p.Timestamp) {
        return gateway(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
      }
      if (Math.abs(ts - sim.now()) > FIFTEEN_MINUTES_MS) {
        return gateway(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
      }

      // 3. Access key.
      const secret = accounts.get(p.AccessKeyId);
      if (secret === undefined) return gateway(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');

      // 4. Signature over every received parameter except Signature.
      const method = entry.method.toUpperCase();
      const expected = aliyunSignature(p, secret, method);
      if (!sameString(expected, p.Signature)) {
        // The real gateway echoes its string-to-sign; the connector must strip it.
        return gateway(
          400,
          'SignatureDoesNotMatch',
          `Specified signature is not matched with our calculation. server string to sign is:${aliyunStringToSign(p, method)}`,
        );
      }

      // 5. Nonce: remembered only once the signature proved the sender.
      if (usedNonces.has(p.SignatureNonce)) {
        return gateway(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
      }
      usedNonces.add(p.SignatureNonce);

      // The read-only actions (doctor and trace): aliyun-query.mjs.
      if (p.Action in ALIYUN_QUERY_ACTIONS) {
        return handleAliyunQuery(p, { sim, signNames, templates, globeRegionIds, gateway, business });
      }

      if (p.Action !== 'SendSms') {
        return handle2018(p, {
          signNames,
          templates,
          senderIds,
          globeRegionIds,
          unsupportedCountryPrefixes,
          gateway,
          checkTemplateParam,
          businessFault,
        });
      }

      // 6. SendSms parameters.
      for (const name of REQUIRED_SENDSMS) {
        if (!has(name)) return gateway(400, `Missing${name}`, `${name} is mandatory for this action.`);
      }
      if (!signNames.has(p.SignName)) return business('isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名');
      const template = templates.get(p.TemplateCode);
      if (!template) return business('isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板');

      const numbers = p.PhoneNumbers.split(',');
      if (numbers.length > 1000) return business('isv.MOBILE_COUNT_OVER_LIMIT', '手机号码数量超过限制');
      for (const number of numbers) {
        const region = aliyunNumberRegion(number);
        if (!region) return business('isv.MOBILE_NUMBER_ILLEGAL', `手机号码格式错误: ${number}`);
        if (region === 'mainland' && template.region === 'international') {
          return business('isv.DOMESTIC_NUMBER_NOT_SUPPORTED', 'The international template cannot be sent to a mainland China number.');
        }
        if (region === 'international' && template.region === 'mainland') {
          return business('isv.SMS_TEMPLATE_ILLEGAL', 'The template does not support sending to international numbers.');
        }
      }

      const paramError = checkTemplateParam(p.TemplateParam, template);
      if (paramError) return business(...paramError);

      if (businessFault?.businessCode !== undefined) {
        const code = businessFault.businessCode;
        return business(code, businessFault.message ?? DEFAULT_BUSINESS_MESSAGES[code] ?? `Simulated ${code}`);
      }
      return {
        status: 200,
        verdict: 'ok',
        json: { RequestId: newRequestId(true), Code: 'OK', Message: 'OK', BizId: `${randomDigits(18)}^0` },
      };
    },

    sampleBody() {
      return { RequestId: newRequestId(true), Code: 'OK', Message: 'OK', BizId: `${randomDigits(18)}^0` };
    },

    paddedBody(n) {
      const id = newRequestId(true);
      return padJson(n, (pad) => `{"RequestId":"${id}","Code":"OK","Message":"OK","BizId":"900000000000000000^0","Padding":"${pad}"}`);
    },
  };

  sim = await startSimulator({ provider, endpointPath: normalisePath(options.path, '/'), options });
  sim.accounts = accounts;
  sim.signNames = signNames;
  sim.templates = templates;
  sim.senderIds = senderIds;
  sim.globeRegionIds = globeRegionIds;
  sim.unsupportedCountryPrefixes = unsupportedCountryPrefixes;
  sim.usedNonces = usedNonces;
  installAliyunQueries(sim);
  return sim;
}

/** Returns [code, message] for a TemplateParam the template refuses, else undefined. */
function checkTemplateParam(raw, template) {
  if (raw === undefined || raw === '') {
    return template.variables.length ? ['isv.TEMPLATE_MISSING_PARAMETERS', '模版缺少变量'] : undefined;
  }
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return ['isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值'];
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    return ['isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值'];
  }
  for (const variable of template.variables) {
    if (!(variable in parsed)) return ['isv.TEMPLATE_MISSING_PARAMETERS', `模版缺少变量: ${variable}`];
  }
  if (template.kind === 'notification') {
    for (const value of Object.values(parsed)) {
      if (value.length > 35) return ['isv.PARAM_LENGTH_LIMIT', '参数超出长度限制'];
    }
    return undefined;
  }
  // Verification templates: every value 1-6 chars of [a-zA-Z0-9], one key only
  // (Logto's `locale` / `uiLocales` leaking into the params fails here).
  for (const value of Object.values(parsed)) {
    if (!/^[a-zA-Z0-9]+$/.test(value)) return ['isv.INVALID_PARAMETERS', 'Params must be [a-zA-Z0-9] for verification sms'];
    if (value.length > 6) return ['isv.PARAM_LENGTH_LIMIT', '参数超出长度限制'];
  }
  const extra = Object.keys(parsed).filter((k) => !template.variables.includes(k));
  if (extra.length) {
    return ['isv.INVALID_PARAMETERS', `Verification templates take exactly one variable; unexpected: ${extra.join(', ')}`];
  }
  return undefined;
}

function sameString(a, b) {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(String(b), 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

