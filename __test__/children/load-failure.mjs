// Imports the connectors with LOGTO_SMS_NATIVE_PATH naming a binary this host
// cannot load (set by the parent), and prints what sendMessage and the guard
// throw, as one JSON line.
import { ConnectorError } from '@logto/connector-kit';

import { createAliyunSmsConnector } from '../../index.js';
import { aliyunConfig, settle } from '../support/configs.mjs';

const describe = (error) => ({
  isConnectorError: error instanceof ConnectorError,
  code: error?.code,
  description: error?.data?.errorDescription,
});
const connector = await createAliyunSmsConnector({ getConfig: async () => aliyunConfig({ endpoint: 'http://127.0.0.1:9/' }) });
const send = await settle(connector.sendMessage({ to: '8613812345678', type: 'SignIn', payload: { code: '123456' } }));
let guard;
try {
  connector.configGuard.safeParse({});
} catch (error) {
  guard = error;
}
console.log(JSON.stringify({ send: describe(send.error), guard: describe(guard) }));
