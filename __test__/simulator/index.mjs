// Loopback fakes of Aliyun (SendSms; SendMessageToGlobe and
// SendMessageWithTemplate) and Tencent Cloud SendSms, with the reference
// signers they verify against. Node built-ins only, no dependencies.
export { startAliyunSimulator, ALIYUN_DEFAULTS, aliyunNumberRegion } from './aliyun.mjs';
export { GLOBE_DESCRIPTIONS, segments } from './aliyun-2018.mjs';
export { startTencentSimulator, TENCENT_DEFAULTS, tencentParseNumber } from './tencent.mjs';
export { aliyunPercentEncode, aliyunCanonicalQuery, aliyunStringToSign, aliyunSignature } from './verify-aliyun.mjs';
export { tc3Sign, tc3Date, tc3CanonicalHeaders, parseTc3Authorization } from './verify-tencent.mjs';
export {
  aliyunTimestamp,
  aliyunSignedParams,
  aliyun2018SignedParams,
  tencentSignedRequest,
  send,
  sendAliyun,
  sendTencent,
} from './reference-client.mjs';
