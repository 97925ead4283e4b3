// Compiled with `tsc --noEmit` by `npm test`: the package's exports are what
// @logto/connector-kit says a Logto SMS connector is.
import {
  ConnectorType,
  TemplateType,
  type CreateConnector,
  type SmsConnector,
} from '@logto/connector-kit';

import {
  createAliyunSmsConnector,
  createSmsRouterConnector,
  createTencentSmsConnector,
  signAliyunRpc,
  signTencentTc3,
  type AliyunRpcSignature,
  type Tc3Signature,
} from '../../index.js';

const factories: Array<CreateConnector<SmsConnector>> = [createAliyunSmsConnector, createTencentSmsConnector, createSmsRouterConnector];

export const useLikeLogto = async (): Promise<unknown[]> => {
  const results: unknown[] = [];
  for (const createConnector of factories) {
    const connector: SmsConnector = await createConnector({ getConfig: async (id: string) => ({ id }) });
    const type: ConnectorType.Sms = connector.type;
    const guarded = connector.configGuard.safeParse({});
    results.push(type, guarded.success);
    results.push(await connector.sendMessage({ to: '8613812345678', type: TemplateType.SignIn, payload: { code: '123456' } }));
    results.push(await connector.sendMessage({ to: '8613812345678', type: TemplateType.Generic, payload: { code: '000000' } }, {}));
  }
  return results;
};

const rpc: AliyunRpcSignature = signAliyunRpc('POST', { Action: 'SendSms' }, 'secret');
const tc3: Tc3Signature = signTencentTc3({
  secretId: 'id',
  secretKey: 'key',
  service: 'sms',
  host: 'sms.tencentcloudapi.com',
  contentType: 'application/json; charset=utf-8',
  canonicalUri: '/',
  payload: Buffer.from('{}'),
  timestamp: 0,
});
export const signatures: string[] = [rpc.signature, tc3.authorization];

// @ts-expect-error: a factory needs getConfig
export const wrong = createAliyunSmsConnector({});
// @ts-expect-error: the router's factory too
export const wrongRouter = createSmsRouterConnector({});
