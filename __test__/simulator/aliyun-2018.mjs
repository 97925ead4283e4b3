// The Dysmsapi 2018-05-01 send actions of Aliyun's international site
// (alibabacloud.com accounts), for the Aliyun simulator (aliyun.mjs), which
// runs the common checks (parameters, timestamp, key, signature, nonce) first.
// Written from the API references and the international error-code page:
//   https://www.alibabacloud.com/help/en/sms/developer-reference/api-dysmsapi-2018-05-01-sendmessagetoglobe
//   https://www.alibabacloud.com/help/en/sms/developer-reference/api-dysmsapi-2018-05-01-sendmessagewithtemplate
//   https://www.alibabacloud.com/help/en/sms/developer-reference/error-codes
//
// - SendMessageToGlobe: outside the Chinese mainland only. To (country code +
//   number, digits), Message (the whole text), optional From (sender id: up to
//   11 letters and digits or 15 digits), Type (OTP | NOTIFY | MKT).
// - SendMessageWithTemplate: the Chinese mainland only. To (86 + the number),
//   From (an approved signature), TemplateCode, TemplateParam.
// Both answer HTTP 200 with { RequestId, ResponseCode, ResponseDescription,
// … }: `OK` adds MessageId, Segments, To, From, NumberDetail. Gateway errors
// keep the common shape (aliyun.mjs).
//
// Beyond the documentation, this fake also refuses a Message that carries no
// verification code (a 4 to 8 digit run), or still has a `{code}` placeholder:
// that catches a connector that forgot to put the code in.
import { randomInt } from 'node:crypto';

import { newRequestId } from './common.mjs';

export const VERSION_2018 = '2018-05-01';
export const GLOBE_ACTIONS = Object.freeze(['SendMessageToGlobe', 'SendMessageWithTemplate']);

const ACCEPTED = 'The SMS Send Request was accepted';
const MESSAGE_TYPES = new Set(['OTP', 'NOTIFY', 'MKT']);
const SENDER_ID_RE = /^(?:[A-Za-z0-9]{1,11}|\d{1,15})$/;
const DIGITS_RE = /^\d{5,20}$/;
const MAINLAND_RE = /^861\d{10}$/;
const CODE_IN_TEXT_RE = /(?<!\d)\d{4,8}(?!\d)/;

/** Descriptions from the international error-code page, for the codes this fake answers. */
export const GLOBE_DESCRIPTIONS = Object.freeze({
  INVALID_SENDERID: 'The sender ID is invalid or unapproved.',
  FORBIDDEN_ACTION: "Your account's API call permissions have been downgraded.",
  OUT_OF_SERVICE: 'The SMS service is suspended.',
  ACCOUNT_NOT_EXISTS: 'The account does not exist.',
  SMS_CONTENT_CODE_ILLEGAL: 'The message template is invalid, does not exist, or has been rejected.',
  SMS_SIGN_NAME_ILLEGAL: 'The signature is invalid, does not exist, or has been rejected.',
  MOBILE_NUMBER_ILLEGAL: 'The format of the specified mobile phone number is invalid.',
  CONTENT_MISSING_PARAMETERS: 'The variable in the template is empty.',
  INVALID_PARAMETERS: 'The input parameters are invalid.',
  INVALID_JSON_PARAM: 'The parameter is empty. The JSON string failed to be parsed.',
  BLACK_KEY_CONTROL_LIMIT: 'Blacklist control.',
  PARAM_LENGTH_LIMIT: 'The length of parameter value exceeds limit.',
  AMOUNT_NOT_ENOUGH: 'Account Balance insufficient.',
  NOT_SUPPORTED_COUNTRY: 'Target country not supported.',
  COUNTRY_RESTRICTED: 'The Phone Number from Mainland China is not supported.',
  BUSINESS_LIMIT_CONTROL_MINUTE: 'Delivery frequency exceeds the minute limit.',
  BUSINESS_LIMIT_HOUR: 'Delivery frequency exceeds the hour limit.',
  BUSINESS_LIMIT_DAY: 'Delivery frequency exceeds the day limit.',
  BUSINESS_LIMIT_CONTROL_PHONE: 'Delivery frequency exceeds the phone limit.',
  QPS_LIMIT_CONTROL: 'Too many requests per second.',
  RAM_PERMISSION_DENY: 'RAM permission denied.',
  PRODUCT_UN_SUBSCRIPT: 'SMS service is not activated.',
  SYSTEM_ERROR: 'System error.',
  GATEWAY_ERROR: 'System error.',
});

/** A 2018-05-01 answer for a refused send (HTTP 200, as the service answers). */
export function globeRefusal(code, description) {
  const bare = code.replace(/^is[vp]\./, '');
  return {
    status: 200,
    verdict: code,
    json: {
      RequestId: newRequestId(true),
      ResponseCode: code,
      ResponseDescription: description ?? GLOBE_DESCRIPTIONS[bare] ?? `Simulated ${code}`,
    },
  };
}

const NUMBER_DETAILS = [
  ['852', { Country: 'Hongkong, China', Region: 'HongKong', Carrier: 'CMI' }],
  ['853', { Country: 'Macao, China', Region: 'Macao', Carrier: 'CTM' }],
  ['886', { Country: 'Taiwan, China', Region: 'Taiwan', Carrier: 'Chunghwa Telecom' }],
  ['86', { Country: 'China', Region: 'Hangzhou, Zhejiang', Carrier: 'China Mobile' }],
  ['44', { Country: 'United Kingdom', Region: 'United Kingdom', Carrier: 'Vodafone' }],
  ['1', { Country: 'United States', Region: 'United States', Carrier: 'T-Mobile' }],
];
const numberDetail = (to) =>
  NUMBER_DETAILS.find(([prefix]) => to.startsWith(prefix))?.[1] ?? { Country: 'Unknown', Region: 'Unknown', Carrier: 'Unknown' };

/** Billed parts: GSM-7 texts 160 (153 a part), others 70 (67 a part) UTF-16 units. */
export function segments(text) {
  const gsm = /^[\x20-\x7E\n\r]*$/.test(text) && !/[[\]{}\\^~|]/.test(text);
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return String(text.length <= single ? 1 : Math.ceil(text.length / part));
}

const accepted = (p, extra) => ({
  status: 200,
  verdict: 'ok',
  json: {
    RequestId: newRequestId(true),
    ResponseCode: 'OK',
    ResponseDescription: ACCEPTED,
    MessageId: `1008${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e6)).padStart(6, '0')}`,
    To: p.To,
    NumberDetail: numberDetail(p.To),
    ...extra,
  },
});

/**
 * Answers a SendMessageToGlobe / SendMessageWithTemplate whose common
 * parameters and signature already passed. `ctx` holds the simulator's
 * account data and helpers: { signNames, templates, senderIds,
 * unsupportedCountryPrefixes, globeRegionIds, gateway, checkTemplateParam,
 * businessFault }.
 */
export function handle2018(p, ctx) {
  const has = (name) => typeof p[name] === 'string' && p[name] !== '';
  const required = p.Action === 'SendMessageToGlobe' ? ['To', 'Message'] : ['To', 'From', 'TemplateCode'];
  for (const name of required) {
    if (!has(name)) return ctx.gateway(400, `Missing${name}`, `${name} is mandatory for this action.`);
  }
  // The SDK samples: "RegionId must be ap-southeast-1" on this endpoint.
  if (!has('RegionId')) return ctx.gateway(400, 'MissingRegionId', 'RegionId is mandatory for this action.');
  if (!ctx.globeRegionIds.has(p.RegionId)) {
    return ctx.gateway(400, 'InvalidRegionId', `Specified RegionId ${p.RegionId} is not served by this endpoint.`);
  }
  return p.Action === 'SendMessageToGlobe' ? toGlobe(p, ctx) : withTemplate(p, ctx);
}

function toGlobe(p, ctx) {
  if (p.Type !== undefined && !MESSAGE_TYPES.has(p.Type)) {
    return globeRefusal('INVALID_PARAMETERS', 'Type must be OTP, NOTIFY or MKT.');
  }
  if (p.From !== undefined && (!SENDER_ID_RE.test(p.From) || !ctx.senderIds.has(p.From))) {
    return globeRefusal('INVALID_SENDERID');
  }
  if (!DIGITS_RE.test(p.To)) return globeRefusal('MOBILE_NUMBER_ILLEGAL');
  if (p.To.startsWith('86')) return globeRefusal('COUNTRY_RESTRICTED');
  if ([...ctx.unsupportedCountryPrefixes].some((prefix) => p.To.startsWith(prefix))) {
    return globeRefusal('NOT_SUPPORTED_COUNTRY');
  }
  if (p.Message.includes('{code}') || !CODE_IN_TEXT_RE.test(p.Message)) {
    return globeRefusal('INVALID_PARAMETERS', 'Simulator: the message carries no verification code (4 to 8 digits), or still has a {code} placeholder.');
  }
  const fault = scripted(ctx.businessFault);
  if (fault) return fault;
  return accepted(p, { Segments: segments(p.Message), ...(p.From === undefined ? {} : { From: p.From }) });
}

function withTemplate(p, ctx) {
  if (!DIGITS_RE.test(p.To)) return globeRefusal('MOBILE_NUMBER_ILLEGAL');
  // This action sends to the Chinese mainland only.
  if (!p.To.startsWith('86')) return globeRefusal('NOT_SUPPORTED_COUNTRY', 'SendMessageWithTemplate sends only to the Chinese mainland.');
  if (!MAINLAND_RE.test(p.To)) return globeRefusal('MOBILE_NUMBER_ILLEGAL');
  if (!ctx.signNames.has(p.From)) return globeRefusal('SMS_SIGN_NAME_ILLEGAL');
  const template = ctx.templates.get(p.TemplateCode);
  if (!template || template.region !== 'mainland') return globeRefusal('SMS_CONTENT_CODE_ILLEGAL');
  const paramError = ctx.checkTemplateParam(p.TemplateParam, template);
  if (paramError) {
    // The SendSms checks, under this API's names.
    const [code, message] = paramError;
    const bare = code.replace(/^isv\./, '');
    return globeRefusal(bare === 'TEMPLATE_MISSING_PARAMETERS' ? 'CONTENT_MISSING_PARAMETERS' : bare, message);
  }
  const fault = scripted(ctx.businessFault);
  if (fault) return fault;
  return accepted(p, { Segments: '1', From: p.From });
}

/** A scripted `{ businessCode, message? }`, answered in this API's shape. */
const scripted = (fault) => (fault?.businessCode === undefined ? undefined : globeRefusal(fault.businessCode, fault.message));
