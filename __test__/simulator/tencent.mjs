// Loopback fake of Tencent Cloud SMS SendSms (API 3.0, version 2021-01-11),
// written from spec/providers.md §2.2-2.7. Every processed request is HTTP 200
// (as the real API): request-level errors in Response.Error, per-number
// results in Response.SendStatusSet.
//
// The signature is checked against what actually arrived: the received
// Content-Type and Host header values (Host includes the port), the request
// path as canonical URI, the raw body bytes.
import { timingSafeEqual } from 'node:crypto';
import { startSimulator, newRequestId, padJson, normalisePath, randomDigits } from './common.mjs';
import { tc3Date, tc3Sign, parseTc3Authorization } from './verify-tencent.mjs';
import { TENCENT_QUERY_ACTIONS, handleTencentQuery, installTencentQueries } from './tencent-query.mjs';

const FIVE_MINUTES_S = 300;

export const TENCENT_DEFAULTS = Object.freeze({
  secretId: 'AKIDSimulatorSecretId',
  secretKey: 'sim-tc-secret-DO-NOT-LEAK-42b1',
  sdkAppId: '1400000001',
  region: 'ap-guangzhou',
  regions: Object.freeze(['ap-guangzhou', 'ap-beijing', 'ap-nanjing', 'ap-singapore']),
  signNames: Object.freeze(['Logto', '腾讯云']),
  /** Mainland verification templates, one placeholder each. */
  mainlandTemplates: Object.freeze(Array.from({ length: 9 }, (_, i) => `10000${i + 1}`)),
  /** International verification template, one placeholder. */
  internationalTemplate: '200001',
});

function defaultTemplates() {
  const map = new Map();
  for (const id of TENCENT_DEFAULTS.mainlandTemplates) map.set(id, { region: 'mainland', kind: 'verification', placeholders: 1 });
  map.set(TENCENT_DEFAULTS.internationalTemplate, { region: 'international', kind: 'verification', placeholders: 1 });
  return map;
}

const KNOWN_FIELDS = new Set([
  'PhoneNumberSet',
  'SmsSdkAppId',
  'TemplateId',
  'SignName',
  'TemplateParamSet',
  'ExtendCode',
  'SessionContext',
  'SenderId',
]);

// Calling code -> ISO country, longest prefix first; anything else is "DEF".
const ISO_BY_PREFIX = [
  ['852', 'HK'], ['853', 'MO'], ['886', 'TW'], ['65', 'SG'], ['60', 'MY'], ['66', 'TH'], ['84', 'VN'],
  ['62', 'ID'], ['63', 'PH'], ['81', 'JP'], ['82', 'KR'], ['91', 'IN'], ['44', 'GB'], ['49', 'DE'],
  ['33', 'FR'], ['61', 'AU'], ['7', 'RU'], ['1', 'US'],
];

const DEFAULT_ERROR_MESSAGES = {
  'LimitExceeded.PhoneNumberDailyLimit': 'The number of SMS messages sent from a single mobile number every day exceeds the upper limit.',
  'LimitExceeded.PhoneNumberThirtySecondLimit': 'The number of SMS messages sent from a single mobile number within 30 seconds exceeds the upper limit.',
  'LimitExceeded.PhoneNumberOneHourLimit': 'The number of SMS messages sent from a single mobile number within 1 hour exceeds the upper limit.',
  'FailedOperation.InsufficientBalanceInSmsPackage': 'The number of SMS messages in the package is insufficient.',
  'UnauthorizedOperation.SerivceSuspendDueToArrears': 'The service has been suspended due to overdue payment.',
  'FailedOperation.PhoneNumberInBlacklist': 'The mobile number is in the blocklist.',
  'InternalError.Timeout': 'Request timed out.',
};

/**
 * Parse one PhoneNumberSet entry into { e164, mainland, iso }, or undefined
 * when Tencent would refuse it. Accepted: `+<6-15 digits>`; mainland
 * relaxations `0086…`, `86…` and bare 11-digit numbers starting with 1.
 * International numbers without "+" (Logto's stored form) are refused.
 */
export function tencentParseNumber(number) {
  let m;
  if ((m = /^(?:\+86|0086|86)?(1\d{10})$/.exec(number))) return { e164: `+86${m[1]}`, mainland: true, iso: 'CN' };
  if (/^\+86/.test(number)) return undefined; // +86 but not a mainland mobile
  if ((m = /^\+([1-9]\d{5,14})$/.exec(number))) {
    const digits = m[1];
    const iso = ISO_BY_PREFIX.find(([prefix]) => digits.startsWith(prefix))?.[1] ?? 'DEF';
    return { e164: `+${digits}`, mainland: false, iso };
  }
  return undefined;
}

export async function startTencentSimulator(options = {}) {
  const accounts = new Map([[TENCENT_DEFAULTS.secretId, TENCENT_DEFAULTS.secretKey]]);
  const sdkAppIds = new Set([TENCENT_DEFAULTS.sdkAppId]);
  const regions = new Set(TENCENT_DEFAULTS.regions);
  const signNames = new Set(TENCENT_DEFAULTS.signNames);
  const templates = defaultTemplates();
  let sim;

  const error = (code, message) => ({
    status: 200,
    verdict: code,
    json: { Response: { Error: { Code: code, Message: message }, RequestId: newRequestId(false) } },
  });
  const missing = (name) => error('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
  const badType = (name) => error('InvalidParameter', `The value type of parameter \`${name}\` is not valid.`);

  const provider = {
    parse(entry) {
      try {
        entry.body = entry.rawBody === '' ? undefined : JSON.parse(entry.rawBody);
      } catch {
        entry.body = undefined;
      }
    },

    handle(entry, businessFault) {
      const h = entry.headers;

      // Transport and routing headers.
      if (entry.method !== 'POST') {
        return error('UnsupportedProtocol', 'The simulator implements SendSms as POST with a JSON body only.');
      }
      if (!h['x-tc-action']) return missing('Action');
      if (h['x-tc-action'] !== 'SendSms' && !TENCENT_QUERY_ACTIONS.includes(h['x-tc-action'])) return error('InvalidAction', `The requested action \`${h['x-tc-action']}\` does not exist.`);
      if (!h['x-tc-version']) return missing('Version');
      if (h['x-tc-version'] !== '2021-01-11') return error('NoSuchVersion', `The requested version \`${h['x-tc-version']}\` of ${h['x-tc-action']} does not exist.`);
      if (!h['x-tc-region']) return missing('Region');
      if (!regions.has(h['x-tc-region'])) return error('UnsupportedRegion', `The region \`${h['x-tc-region']}\` is not supported by SendSms.`);

      // Timestamp: an integer within five minutes of the (possibly skewed) clock.
      const rawTs = h['x-tc-timestamp'];
      if (rawTs === undefined || rawTs === '') return missing('Timestamp');
      if (!/^\d{1,12}$/.test(rawTs)) return error('InvalidParameter', 'The value type of parameter `Timestamp` is not valid.');
      const ts = Number(rawTs);
      const nowS = Math.floor(sim.now() / 1000);
      if (Math.abs(ts - nowS) > FIVE_MINUTES_S) {
        return error(
          'AuthFailure.SignatureExpire',
          `Signature expired. Timestamp and server time cannot differ by more than 5 minutes (request ${ts}, server ${nowS}).`,
        );
      }

      // Authorization header.
      const auth = parseTc3Authorization(h.authorization);
      if (!auth || !auth.signedHeaders.includes('content-type') || !auth.signedHeaders.includes('host')) {
        return error('AuthFailure.InvalidAuthorization', 'Authorization header is not in the TC3-HMAC-SHA256 format.');
      }
      if (auth.date !== tc3Date(ts)) {
        return error('AuthFailure.InvalidAuthorization', 'The credential date must be the UTC date of X-TC-Timestamp.');
      }
      if (auth.service !== 'sms') {
        return error('AuthFailure.InvalidAuthorization', `The credential service must be \`sms\`, got \`${auth.service}\`.`);
      }
      const secretKey = accounts.get(auth.secretId);
      if (secretKey === undefined) return error('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');

      const url = new URL(entry.url, 'http://127.0.0.1');
      const signedHeaderValues = Object.fromEntries(auth.signedHeaders.map((name) => [name, h[name] ?? '']));
      const expected = tc3Sign({
        secretKey,
        secretId: auth.secretId,
        timestamp: ts,
        service: 'sms',
        body: entry.rawBodyBytes,
        canonicalUri: url.pathname,
        canonicalQueryString: url.search.slice(1),
        method: entry.method,
        headers: signedHeaderValues,
      });
      if (!sameString(expected.signature, auth.signature)) {
        return error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
      }

      // The read-only actions (doctor and trace): tencent-query.mjs.
      if (h['x-tc-action'] !== 'SendSms') return handleTencentQuery(entry, { sim, templates, sdkAppIds, error, missing, badType });

      // Body.
      const b = entry.body;
      if (!b || typeof b !== 'object' || Array.isArray(b)) return error('FailedOperation.JsonParseFail', 'Failed to parse the request body as a JSON object.');
      const unknown = Object.keys(b).find((k) => !KNOWN_FIELDS.has(k));
      if (unknown) return error('UnknownParameter', `The parameter \`${unknown}\` is not recognized.`);

      if (b.SmsSdkAppId === undefined) return missing('SmsSdkAppId');
      if (typeof b.SmsSdkAppId !== 'string') return badType('SmsSdkAppId');
      if (b.TemplateId === undefined) return missing('TemplateId');
      if (typeof b.TemplateId !== 'string') return badType('TemplateId');
      if (b.PhoneNumberSet === undefined || (Array.isArray(b.PhoneNumberSet) && b.PhoneNumberSet.length === 0)) {
        return error('MissingParameter.EmptyPhoneNumberSet', 'The phone number set is empty.');
      }
      if (!Array.isArray(b.PhoneNumberSet) || b.PhoneNumberSet.some((n) => typeof n !== 'string')) return badType('PhoneNumberSet');
      if (b.TemplateParamSet !== undefined && (!Array.isArray(b.TemplateParamSet) || b.TemplateParamSet.some((v) => typeof v !== 'string'))) {
        return badType('TemplateParamSet');
      }
      for (const name of ['SignName', 'ExtendCode', 'SessionContext', 'SenderId']) {
        if (b[name] !== undefined && typeof b[name] !== 'string') return badType(name);
      }

      if (!sdkAppIds.has(b.SmsSdkAppId)) return error('InvalidParameterValue.SdkAppIdNotExist', 'The SdkAppId does not exist.');
      const template = templates.get(b.TemplateId);
      if (!template) return error('FailedOperation.TemplateIdNotExist', 'The template ID does not exist.');
      if (b.PhoneNumberSet.length > 200) {
        return error('LimitExceeded.PhoneNumberCountLimit', 'The number of phone numbers in one request exceeds 200.');
      }

      // Numbers: classify the valid ones; invalid ones fail per number below.
      const parsed = b.PhoneNumberSet.map((n) => ({ input: n, number: tencentParseNumber(n) }));
      const valid = parsed.filter((x) => x.number);
      const anyMainland = valid.some((x) => x.number.mainland);
      const anyGlobal = valid.some((x) => !x.number.mainland);
      if (anyMainland && anyGlobal) {
        return error('UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber', 'Mainland China and international numbers cannot be mixed in one request.');
      }
      if (template.region === 'mainland' && anyGlobal) {
        return error('UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone', 'A Chinese mainland template cannot be sent to a global phone number.');
      }
      if (template.region === 'international' && anyMainland) {
        return error('UnsupportedOperation.GlobalTemplateToChineseMainlandPhone', 'A global template cannot be sent to a Chinese mainland phone number.');
      }
      // SignName is required for mainland numbers only; international sends ignore it.
      if (anyMainland && !signNames.has(b.SignName)) {
        return error('FailedOperation.SignatureIncorrectOrUnapproved', 'The signature is incorrect or unapproved.');
      }
      const params = b.TemplateParamSet ?? [];
      if (params.length !== template.placeholders) {
        return error(
          'FailedOperation.TemplateParamSetNotMatchApprovedTemplate',
          `The template has ${template.placeholders} placeholder(s) but TemplateParamSet has ${params.length} value(s).`,
        );
      }
      if (businessFault?.errorCode !== undefined && businessFault.level !== 'number') {
        return error(businessFault.errorCode, businessFault.message ?? DEFAULT_ERROR_MESSAGES[businessFault.errorCode] ?? `Simulated ${businessFault.errorCode}`);
      }

      // Per-number results.
      const formatOk = template.kind !== 'verification' || params.every((v) => /^\d{1,6}$/.test(v));
      const session = b.SessionContext ?? '';
      const statuses = parsed.map(({ input, number }) => {
        if (!number) return failed(input, 'InvalidParameterValue.IncorrectPhoneNumber', 'The phone number format is incorrect (expected E.164 with +).', session);
        if (!formatOk) {
          return failed(number.e164, 'InvalidParameterValue.TemplateParameterFormatError', 'Verification code template parameter format error', session);
        }
        if (businessFault?.errorCode !== undefined) {
          const code = businessFault.errorCode;
          return failed(number.e164, code, businessFault.message ?? DEFAULT_ERROR_MESSAGES[code] ?? `Simulated ${code}`, session);
        }
        return {
          SerialNo: `2433:${randomDigits(28)}`,
          PhoneNumber: number.e164,
          Fee: 1,
          SessionContext: session,
          Code: 'Ok',
          Message: 'send success',
          IsoCode: number.iso,
        };
      });
      const firstFailure = statuses.find((s) => s.Code !== 'Ok');
      return {
        status: 200,
        verdict: firstFailure ? firstFailure.Code : 'ok',
        json: { Response: { SendStatusSet: statuses, RequestId: newRequestId(false) } },
      };
    },

    sampleBody() {
      return {
        Response: {
          SendStatusSet: [
            { SerialNo: `2433:${randomDigits(28)}`, PhoneNumber: '+8613800138000', Fee: 1, SessionContext: '', Code: 'Ok', Message: 'send success', IsoCode: 'CN' },
          ],
          RequestId: newRequestId(false),
        },
      };
    },

    paddedBody(n) {
      const id = newRequestId(false);
      return padJson(
        n,
        (pad) =>
          `{"Response":{"SendStatusSet":[{"SerialNo":"2433:1","PhoneNumber":"+8613800138000","Fee":1,"SessionContext":"${pad}","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"${id}"}}`,
      );
    },
  };

  sim = await startSimulator({ provider, endpointPath: normalisePath(options.path, ''), options });
  sim.accounts = accounts;
  sim.sdkAppIds = sdkAppIds;
  sim.regions = regions;
  sim.signNames = signNames;
  sim.templates = templates;
  installTencentQueries(sim);
  return sim;
}

function failed(phoneNumber, code, message, session) {
  return { SerialNo: '', PhoneNumber: phoneNumber, Fee: 0, SessionContext: session, Code: code, Message: message, IsoCode: '' };
}

function sameString(a, b) {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(String(b), 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

