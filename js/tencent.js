// Logto connector: Tencent Cloud SMS (drop-in for @logto/connector-tencent-sms).
import { defineSmsConnector } from './connector.js';
import metadata from './metadata/tencent.js';
import { native } from './native.js';

export const createTencentSmsConnector = defineSmsConnector({
  metadata,
  parseConfig: native.tencentParseConfig,
  send: native.tencentSend,
});

export default createTencentSmsConnector;
