// Aliyun's read-only actions for the simulator (aliyun.mjs runs the common
// checks, timestamp, key, signature and nonce first, as for SendSms). Shapes
// from the API references and Alibaba Cloud's SDK models:
//   GetSmsSign (2017-05-25)       https://help.aliyun.com/en/sms/developer-reference/api-dysmsapi-2017-05-25-getsmssign
//   GetSmsTemplate (2017-05-25)   https://help.aliyun.com/en/sms/developer-reference/api-dysmsapi-2017-05-25-getsmstemplate
//   QuerySendDetails (2017-05-25) https://help.aliyun.com/en/sms/developer-reference/api-dysmsapi-2017-05-25-querysenddetails
//   QueryMessage (2018-05-01)     https://www.alibabacloud.com/help/en/sms/developer-reference/api-dysmsapi-2018-05-01-querymessage
//
// Scripted states (on the simulator object):
//   sim.signStates.set(name, { SignStatus, RejectInfo? })   0 in review, 1 approved, 2 rejected, 10 cancelled
//   sim.templateStates.set(code, { TemplateStatus?, TemplateType?, IntlType?, TemplateContent?,
//                                  VariableAttribute?, RelatedSignName?, RejectInfo? })
//   sim.queryDenied = true       a RAM policy that allows only SendSms: every query is Forbidden.RAM
//   sim.deliveries.push({ phone, sendStatus: 1|2|3, errCode?, templateCode?, at?, bizId? })   QuerySendDetails records
//   sim.deliveries.push({ messageId, to, status: '1'|'2'|'3', errorCode?, at? })              QueryMessage records
// A message SendSms (or SendMessageToGlobe / SendMessageWithTemplate) accepted
// shows up as delivered, five seconds after it arrived.
//
// What this fake assumes where the references are silent: an unknown sign
// name is `isv.SMS_SIGN_ILLEGAL`, an unknown template `isv.SMS_TEMPLATE_ILLEGAL`
// (both the SendSms codes for them), and QueryMessage for an unknown id
// answers ResponseCode OK without a Status.
import { newRequestId } from './common.mjs';

export const ALIYUN_QUERY_ACTIONS = Object.freeze({
  GetSmsSign: '2017-05-25',
  GetSmsTemplate: '2017-05-25',
  QuerySendDetails: '2017-05-25',
  QueryMessage: '2018-05-01',
});

const RECEIPT_DELAY_MS = 5000;
const CST_MS = 8 * 3600 * 1000;

/** `2019-01-08 16:44:13` in China Standard Time. */
const cstText = (ms) => new Date(ms + CST_MS).toISOString().slice(0, 19).replace('T', ' ');
/** `yyyyMMdd` in China Standard Time. */
const cstDay = (ms) => new Date(ms + CST_MS).toISOString().slice(0, 10).replaceAll('-', '');
/** RFC 2822 with +0800, as QueryMessage writes times. */
const rfc2822Cst = (ms) => {
  const d = new Date(ms + CST_MS);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const two = (n) => String(n).padStart(2, '0');
  return `${day}, ${two(d.getUTCDate())} ${month} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0800`;
};

/** A number as QuerySendDetails compares it: mainland numbers as their 11 digits. */
const normalise = (number) => {
  const m = /^(?:\+86|0086|86|\+)?(1\d{10})$/.exec(number);
  return m ? m[1] : number.replace(/^\+/, '');
};

/** Adds the scripted-state fields to a started Aliyun simulator. */
export function installAliyunQueries(sim) {
  sim.signStates = new Map();
  sim.templateStates = new Map();
  sim.queryDenied = false;
  sim.deliveries = [];
  /** Requests per Action, every one that arrived. */
  sim.actionCounts = () => {
    const counts = {};
    for (const entry of sim.requests) {
      const action = entry.params?.Action ?? '(none)';
      counts[action] = (counts[action] ?? 0) + 1;
    }
    return counts;
  };
  const reset = sim.reset;
  sim.reset = () => {
    reset();
    sim.signStates.clear();
    sim.templateStates.clear();
    sim.queryDenied = false;
    sim.deliveries.length = 0;
  };
}

/**
 * Answers a query action whose common checks and signature passed.
 * ctx: { sim, signNames, templates, globeRegionIds, gateway, business }.
 */
export function handleAliyunQuery(p, ctx) {
  const { sim, gateway } = ctx;
  if (sim.queryDenied) {
    return gateway(403, 'Forbidden.RAM', 'User not authorized to operate on the specified resource, or this API does not support RAM.');
  }
  switch (p.Action) {
    case 'GetSmsSign':
      return getSmsSign(p, ctx);
    case 'GetSmsTemplate':
      return getSmsTemplate(p, ctx);
    case 'QuerySendDetails':
      return querySendDetails(p, ctx);
    default:
      return queryMessage(p, ctx);
  }
}

const ok = (fields) => ({ status: 200, verdict: 'ok', json: { RequestId: newRequestId(true), Code: 'OK', Message: 'OK', ...fields } });

function getSmsSign(p, { sim, signNames, gateway, business }) {
  if (!p.SignName) return gateway(400, 'MissingSignName', 'SignName is mandatory for this action.');
  const state = sim.signStates.get(p.SignName) ?? (signNames.has(p.SignName) ? { SignStatus: 1 } : undefined);
  if (!state) return business('isv.SMS_SIGN_ILLEGAL', 'The specified signature does not exist in this account.');
  return ok({
    SignName: p.SignName,
    SignCode: 'SIGN_100000077042023_1688400000000_abcde',
    SignStatus: state.SignStatus,
    SignUsage: 'verification',
    CreateDate: '2024-06-03 10:02:34',
    AuditInfo: { RejectInfo: state.RejectInfo ?? '', AuditDate: '2024-06-03 12:02:34' },
    ApplyScene: 'https://logto.example',
    ThirdParty: false,
  });
}

function getSmsTemplate(p, { sim, templates, gateway, business }) {
  if (!p.TemplateCode) return gateway(400, 'MissingTemplateCode', 'TemplateCode is mandatory for this action.');
  const template = templates.get(p.TemplateCode);
  const state = sim.templateStates.get(p.TemplateCode);
  if (!template && !state) return business('isv.SMS_TEMPLATE_ILLEGAL', 'The specified template does not exist in this account.');
  const variables = template?.variables ?? ['code'];
  const type = template?.kind === 'notification' ? '1' : template?.region === 'international' ? '3' : '0';
  const base = {
    TemplateCode: p.TemplateCode,
    TemplateName: 'Verification code',
    TemplateStatus: '1',
    TemplateType: type,
    ...(type === '3' ? { IntlType: 2 } : {}),
    TemplateContent: `Your verification code is ${variables.map((v) => `\${${v}}`).join(' ')}. It expires in 5 minutes.`,
    VariableAttribute: JSON.stringify(Object.fromEntries(variables.map((v) => [v, 'numberCaptcha']))),
    TemplateTag: 2,
    CreateDate: '2024-06-03 10:02:34',
    OrderId: '2003019000',
  };
  const { RejectInfo, ...overrides } = state ?? {};
  return ok({ ...base, ...overrides, AuditInfo: { RejectInfo: RejectInfo ?? '', AuditDate: '2024-06-03 11:20:34' } });
}

function querySendDetails(p, { sim, gateway, business }) {
  for (const name of ['PhoneNumber', 'SendDate', 'PageSize', 'CurrentPage']) {
    if (!p[name]) return gateway(400, `Missing${name}`, `${name} is mandatory for this action.`);
  }
  const size = Number(p.PageSize);
  const page = Number(p.CurrentPage);
  if (!/^\d{8}$/.test(p.SendDate) || !Number.isInteger(size) || size < 1 || size > 50 || !Number.isInteger(page) || page < 1) {
    return business('isv.INVALID_PARAMETERS', 'SendDate must be yyyyMMdd, PageSize 1 to 50, CurrentPage 1 or more.');
  }
  const wanted = normalise(p.PhoneNumber);
  const records = [];
  for (const entry of sim.requests) {
    if (entry.params?.Action !== 'SendSms' || entry.verdict !== 'ok') continue;
    for (const number of entry.params.PhoneNumbers.split(',')) {
      if (normalise(number) !== wanted) continue;
      records.push({
        at: entry.receivedAt,
        bizId: entry.response?.BizId,
        row: {
          PhoneNum: wanted,
          SendStatus: 3,
          ErrCode: 'DELIVERED',
          TemplateCode: entry.params.TemplateCode,
          Content: `【${entry.params.SignName}】Your verification code is ${JSON.parse(entry.params.TemplateParam ?? '{}').code ?? ''}.`,
          SendDate: cstText(entry.receivedAt),
          ReceiveDate: cstText(entry.receivedAt + RECEIPT_DELAY_MS),
          OutId: '',
        },
      });
    }
  }
  for (const d of sim.deliveries) {
    if (d.phone === undefined || normalise(d.phone) !== wanted) continue;
    const at = d.at ?? sim.now();
    records.push({
      at,
      bizId: d.bizId,
      row: {
        PhoneNum: wanted,
        SendStatus: d.sendStatus,
        ErrCode: d.errCode ?? (d.sendStatus === 3 ? 'DELIVERED' : ''),
        TemplateCode: d.templateCode ?? 'SMS_1000001',
        Content: 'Your verification code is 000000.',
        SendDate: cstText(at),
        ReceiveDate: d.sendStatus === 1 ? '' : cstText(at + RECEIPT_DELAY_MS),
        OutId: '',
      },
    });
  }
  const matching = records
    .filter((r) => cstDay(r.at) === p.SendDate && (!p.BizId || r.bizId === p.BizId))
    .map((r) => r.row);
  return ok({
    TotalCount: matching.length,
    SmsSendDetailDTOs: { SmsSendDetailDTO: matching.slice((page - 1) * size, page * size) },
  });
}

function queryMessage(p, { sim, globeRegionIds, gateway }) {
  if (!p.MessageId) return gateway(400, 'MissingMessageId', 'MessageId is mandatory for this action.');
  if (!globeRegionIds.has(p.RegionId)) return gateway(400, 'InvalidRegionId', `Specified RegionId ${p.RegionId} is not served by this endpoint.`);
  let found;
  for (const entry of sim.requests) {
    const sent = entry.params?.Action === 'SendMessageToGlobe' || entry.params?.Action === 'SendMessageWithTemplate';
    if (sent && entry.verdict === 'ok' && entry.response?.MessageId === p.MessageId) {
      found = { to: entry.params.To, status: '1', errorCode: 'DELIVERED', at: entry.receivedAt, message: entry.params.Message ?? '' };
    }
  }
  const scripted = sim.deliveries.find((d) => d.messageId === p.MessageId);
  if (scripted) found = { message: 'Your code is 000000', at: sim.now(), ...scripted };
  const base = { RequestId: newRequestId(true), ResponseCode: 'OK', ResponseDescription: 'success', MessageId: p.MessageId };
  if (!found) return { status: 200, verdict: 'ok', json: base };
  const delivered = found.status === '1';
  return {
    status: 200,
    verdict: 'ok',
    json: {
      ...base,
      To: found.to,
      Status: found.status,
      ErrorCode: found.errorCode ?? (delivered ? 'DELIVERED' : 'UNDELIV'),
      ErrorDescription: delivered ? 'success' : 'The message could not be delivered.',
      SendDate: rfc2822Cst(found.at),
      ReceiveDate: found.status === '3' ? '' : rfc2822Cst(found.at + RECEIPT_DELAY_MS),
      Message: found.message,
      NumberDetail: { Country: 'Unknown', Region: 'Unknown', Carrier: 'Unknown' },
    },
  };
}
