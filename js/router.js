// Logto connector: the SMS router (one SMS connector over several Aliyun and
// Tencent Cloud accounts, routed by the recipient's number, with failover).
// Routing and every attempt happen in one native call per send.
import { defineSmsConnector } from './connector.js';
import { ROUTER_CONFIG_SCHEMA } from './encode.js';
import metadata from './metadata/router.js';
import { native } from './native.js';
import { sendsOf } from './sends.js';

// Arrow functions: the addon is loaded on first use, not when this module loads.
const start = sendsOf(native);

export const createSmsRouterConnector = defineSmsConnector({
  metadata,
  parseConfig: (json) => native.routerParseConfig(json),
  send: (configJson, dataJson) => start('router', configJson, dataJson),
  configSchema: ROUTER_CONFIG_SCHEMA,
});

export default createSmsRouterConnector;
