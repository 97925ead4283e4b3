// Logto connector: Aliyun SMS (drop-in for @logto/connector-aliyun-sms).
import { defineSmsConnector } from './connector.js';
import metadata from './metadata/aliyun.js';
import { native } from './native.js';

export const createAliyunSmsConnector = defineSmsConnector({
  metadata,
  parseConfig: native.aliyunParseConfig,
  send: native.aliyunSend,
});

export default createAliyunSmsConnector;
