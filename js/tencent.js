// Logto connector: Tencent Cloud SMS (drop-in for @logto/connector-tencent-sms).
import { defineSmsConnector } from './connector.js';
import metadata from './metadata/tencent.js';
import { native } from './native.js';
import { sendsOf } from './sends.js';

// Arrow functions: the addon is loaded on first use, not when this module loads.
const start = sendsOf(native);

export const createTencentSmsConnector = defineSmsConnector({
  metadata,
  parseConfig: (json) => native.tencentParseConfig(json),
  send: (configJson, dataJson) => start('tencent', configJson, dataJson),
});

export default createTencentSmsConnector;
