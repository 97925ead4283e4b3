// Logto connector: the SMS router (one SMS connector over several Aliyun and
// Tencent Cloud accounts, routed by the recipient's number, with failover).
// Routing and every attempt happen in one native call per send.
import { defineSmsConnector } from './connector.js';
import { ROUTER_CONFIG_SCHEMA } from './encode.js';
import metadata from './metadata/router.js';
import { native } from './native.js';

// Arrow functions: the addon is loaded on first use, not when this module loads.

export const createSmsRouterConnector = defineSmsConnector({
  metadata,
  parseConfig: (json) => native.routerParseConfig(json),
  send: (configJson, dataJson) => native.routerSend(configJson, dataJson),
  configSchema: ROUTER_CONFIG_SCHEMA,
});

export default createSmsRouterConnector;
