// Tencent Cloud SMS read-only actions (2021-01-11) for the simulator
// (tencent.mjs runs the header, timestamp and signature checks first, as for
// SendSms). Shapes from the API references and Tencent's SDK models:
//   DescribeSmsTemplateList         https://www.tencentcloud.com/document/product/382/40524
//   PullSmsSendStatusByPhoneNumber  https://www.tencentcloud.com/document/product/382/40518
//
// Scripted states (on the simulator object):
//   sim.templateStates.set(id, { StatusCode?, ReviewReply?, TemplateContent? })   0 approved, 1 in review, 2 not yet in effect, -1 rejected
//   sim.queryDenied = true       a CAM policy that allows only SendSms: UnauthorizedOperation.RequestPermissionDeny
//   sim.deliveries.push({ phone: '+86…', serialNo?, reportStatus: 'SUCCESS'|'FAIL', description?, at? })
// A number SendSms accepted shows up as a SUCCESS receipt three seconds after
// the request arrived. Receipts only: nothing is listed before its receipt.
import { randomDigits, newRequestId } from './common.mjs';

export const TENCENT_QUERY_ACTIONS = Object.freeze(['DescribeSmsTemplateList', 'PullSmsSendStatusByPhoneNumber']);

const RECEIPT_DELAY_S = 3;

/** Adds the scripted-state fields to a started Tencent simulator. */
export function installTencentQueries(sim) {
  sim.templateStates = new Map();
  sim.queryDenied = false;
  sim.deliveries = [];
  /** Requests per X-TC-Action, every one that arrived. */
  sim.actionCounts = () => {
    const counts = {};
    for (const entry of sim.requests) {
      const action = entry.headers['x-tc-action'] ?? '(none)';
      counts[action] = (counts[action] ?? 0) + 1;
    }
    return counts;
  };
  const reset = sim.reset;
  sim.reset = () => {
    reset();
    sim.templateStates.clear();
    sim.queryDenied = false;
    sim.deliveries.length = 0;
  };
}

const isInt = (v) => Number.isInteger(v) && v >= 0;

/** ctx: { sim, templates, sdkAppIds, error, missing, badType } */
export function handleTencentQuery(entry, ctx) {
  const { sim, error } = ctx;
  const b = entry.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) return error('FailedOperation.JsonParseFail', 'Failed to parse the request body as a JSON object.');
  if (sim.queryDenied) {
    return error('UnauthorizedOperation.RequestPermissionDeny', 'The request does not have permission to call this API (check the CAM policy).');
  }
  return entry.headers['x-tc-action'] === 'DescribeSmsTemplateList' ? describeTemplates(b, ctx) : pullStatus(b, ctx);
}

const answer = (fields) => ({ status: 200, verdict: 'ok', json: { Response: { ...fields, RequestId: newRequestId(false) } } });

function describeTemplates(b, { sim, templates, missing, badType }) {
  if (b.International === undefined) return missing('International');
  if (b.International !== 0 && b.International !== 1) return badType('International');
  if (b.TemplateIdSet !== undefined && (!Array.isArray(b.TemplateIdSet) || !b.TemplateIdSet.every(isInt))) return badType('TemplateIdSet');
  const global = b.International === 1;
  const describe = (id) => {
    const template = templates.get(String(id));
    const state = sim.templateStates.get(String(id));
    if (!template && !state) return undefined;
    if (template && (template.region === 'international') !== global) return undefined;
    const placeholders = Array.from({ length: template?.placeholders ?? 1 }, (_, i) => `{${i + 1}}`).join(', ');
    return {
      TemplateId: id,
      International: b.International,
      StatusCode: 0,
      ReviewReply: '',
      TemplateName: 'Verification code',
      CreateTime: 1_700_000_000,
      TemplateContent: `Your verification code is ${placeholders}. It expires in 5 minutes.`,
      ...state,
    };
  };
  let ids = b.TemplateIdSet;
  if (!ids || ids.length === 0) {
    const offset = isInt(b.Offset) ? b.Offset : 0;
    const limit = isInt(b.Limit) ? b.Limit : 0;
    ids = [...templates.keys()].map(Number).filter((id) => describe(id)).slice(offset, offset + limit);
  }
  return answer({ DescribeTemplateStatusSet: ids.map(describe).filter(Boolean) });
}

function pullStatus(b, { sim, sdkAppIds, error, missing, badType }) {
  for (const name of ['BeginTime', 'Offset', 'Limit', 'PhoneNumber', 'SmsSdkAppId']) {
    if (b[name] === undefined) return missing(name);
  }
  for (const name of ['BeginTime', 'Offset', 'Limit']) if (!isInt(b[name])) return badType(name);
  if (b.EndTime !== undefined && !isInt(b.EndTime)) return badType('EndTime');
  if (typeof b.PhoneNumber !== 'string') return badType('PhoneNumber');
  if (typeof b.SmsSdkAppId !== 'string') return badType('SmsSdkAppId');
  if (!sdkAppIds.has(b.SmsSdkAppId)) return error('InvalidParameterValue.SdkAppIdNotExist', 'The SdkAppId does not exist.');
  if (b.Limit > 100) return error('InvalidParameterValue.LimitVerifyFail', 'Limit is at most 100.');
  const end = b.EndTime ?? Math.floor(sim.now() / 1000);
  const receipts = [];
  for (const entry of sim.requests) {
    if (entry.headers['x-tc-action'] !== 'SendSms' || entry.verdict !== 'ok' || entry.body?.SmsSdkAppId !== b.SmsSdkAppId) continue;
    for (const status of entry.response?.Response?.SendStatusSet ?? []) {
      if (status.Code !== 'Ok' || status.PhoneNumber !== b.PhoneNumber) continue;
      receipts.push({ at: Math.floor(entry.receivedAt / 1000) + RECEIPT_DELAY_S, serialNo: status.SerialNo, reportStatus: 'SUCCESS', description: 'DELIVRD' });
    }
  }
  for (const d of sim.deliveries) {
    if (d.phone !== b.PhoneNumber) continue;
    receipts.push({
      at: Math.floor((d.at ?? sim.now()) / 1000),
      serialNo: d.serialNo ?? `2433:${randomDigits(28)}`,
      reportStatus: d.reportStatus,
      description: d.description ?? (d.reportStatus === 'SUCCESS' ? 'DELIVRD' : 'MN:0001'),
    });
  }
  const national = (e164) => (e164.startsWith('+86') ? e164.slice(3) : e164.replace(/^\+\d{1,3}/, ''));
  const set = receipts
    .filter((r) => r.at >= b.BeginTime && r.at <= end)
    .slice(0, b.Limit)
    .map((r) => ({
      UserReceiveTime: r.at,
      CountryCode: b.PhoneNumber.startsWith('+86') ? '86' : '',
      SubscriberNumber: national(b.PhoneNumber),
      PhoneNumber: b.PhoneNumber,
      SerialNo: r.serialNo,
      ReportStatus: r.reportStatus,
      Description: r.description,
      SessionContext: '',
    }));
  return answer({ PullSmsSendStatusSet: set });
}
