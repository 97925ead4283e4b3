// The package's public entry: the connector factories and the signers.
import { native } from './js/native.js';

export { createAliyunSmsConnector } from './js/aliyun.js';
export { createTencentSmsConnector } from './js/tencent.js';
export { createSmsRouterConnector } from './js/router.js';

/** Aliyun RPC signature v1 over request parameters (every stage returned). */
export const signAliyunRpc = (method, params, accessKeySecret) =>
  native.aliyunSignRpc(method, params, accessKeySecret);

/** Tencent TC3-HMAC-SHA256 over one request (every stage returned). */
export const signTencentTc3 = (input) => native.tencentSignTc3(input);
