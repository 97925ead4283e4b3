// Public typings, written against @logto/connector-kit's own types so that a
// TypeScript host sees exactly the interface Logto loads.
import type { CreateConnector, SmsConnector } from '@logto/connector-kit';

/** Logto connector factory for Aliyun SMS (id `aliyun-short-message-service`). */
export declare const createAliyunSmsConnector: CreateConnector<SmsConnector>;

/** Logto connector factory for Tencent Cloud SMS (id `tencent-short-message-service`). */
export declare const createTencentSmsConnector: CreateConnector<SmsConnector>;

/**
 * Logto connector factory for the SMS router (id `sms-router-native`): one SMS
 * connector over several Aliyun and Tencent Cloud accounts, routed by the
 * recipient's number, with failover after definite refusals.
 */
export declare const createSmsRouterConnector: CreateConnector<SmsConnector>;

/** Every stage of an Aliyun RPC signature v1 (HMAC-SHA1). */
export interface AliyunRpcSignature {
  canonicalizedQueryString: string;
  stringToSign: string;
  /** Base64 HMAC-SHA1 with key `accessKeySecret + "&"`. */
  signature: string;
}

/**
 * Signs Aliyun RPC request parameters (all of them except `Signature`).
 * @param method `POST` or `GET`
 */
export declare function signAliyunRpc(
  method: string,
  params: Record<string, string>,
  accessKeySecret: string
): AliyunRpcSignature;

export interface Tc3SignInput {
  secretId: string;
  secretKey: string;
  /** `sms` for SMS; `cvm` in Tencent's published example. */
  service: string;
  /** The Host header as sent, with `:port` when the endpoint has a non-default port. */
  host: string;
  contentType: string;
  /** The endpoint's path, `/` for the default endpoint. */
  canonicalUri: string;
  /** The exact body bytes (a string is taken as UTF-8). */
  payload: string | Buffer;
  /** Unix seconds; the credential date is its UTC date. */
  timestamp: number;
}

/** Every stage of a TC3-HMAC-SHA256 signature, named as Tencent's document names them. */
export interface Tc3Signature {
  hashedRequestPayload: string;
  canonicalRequest: string;
  hashedCanonicalRequest: string;
  credentialScope: string;
  stringToSign: string;
  signature: string;
  /** The full `Authorization` header value. */
  authorization: string;
}

/** Signs one Tencent Cloud API 3.0 request with TC3-HMAC-SHA256. */
export declare function signTencentTc3(input: Tc3SignInput): Tc3Signature;
