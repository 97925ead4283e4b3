// Logto connector: Aliyun SMS (drop-in for @logto/connector-aliyun-sms).
import { defineSmsConnector } from './connector.js';
import metadata from './metadata/aliyun.js';
import { native } from './native.js';
import { sendsOf } from './sends.js';

// Arrow functions: the addon is loaded on first use, not when this module loads.
const start = sendsOf(native);

export const createAliyunSmsConnector = defineSmsConnector({
  metadata,
  parseConfig: (json) => native.aliyunParseConfig(json),
  send: (configJson, dataJson) => start('aliyun', configJson, dataJson),
});

export default createAliyunSmsConnector;
