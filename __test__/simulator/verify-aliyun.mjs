// Reference implementation of Aliyun RPC signature v1 (HMAC-SHA1), written
// from spec/providers.md §1.3 with node:crypto only. The simulator uses it to
// check what the connector sends, and tests use it as an independent oracle
// for the Rust signer.
import { createHmac } from 'node:crypto';

// RFC 3986 unreserved characters; everything else is escaped byte by byte.
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/**
 * Percent-encode per Aliyun's rule: UTF-8 bytes, unreserved kept, the rest
 * `%XY` with upper-case hex (space -> %20, `*` -> %2A, `~` kept).
 * Works byte-wise on the UTF-8 encoding so that even a lone surrogate encodes
 * (as U+FFFD) instead of throwing like encodeURIComponent would.
 */
export function aliyunPercentEncode(value) {
  let out = '';
  for (const byte of Buffer.from(String(value), 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * CanonicalizedQueryString: `enc(name)=enc(value)` pairs sorted by the raw
 * parameter name in byte order (Buffer.compare, not localeCompare, which
 * would put lower-case before upper-case), joined with `&`.
 * `Signature` and undefined values are left out (Logto drops undefined).
 */
export function aliyunCanonicalQuery(params) {
  return Object.keys(params)
    .filter((name) => name !== 'Signature' && params[name] !== undefined)
    .sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
    .map((name) => `${aliyunPercentEncode(name)}=${aliyunPercentEncode(params[name])}`)
    .join('&');
}

/** StringToSign = METHOD & enc("/") & enc(CanonicalizedQueryString). */
export function aliyunStringToSign(params, method = 'POST') {
  return `${method.toUpperCase()}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(aliyunCanonicalQuery(params))}`;
}

/** Base64(HMAC-SHA1(key = secret + "&", StringToSign)). */
export function aliyunSignature(params, secret, method = 'POST') {
  return createHmac('sha1', `${secret}&`).update(aliyunStringToSign(params, method), 'utf8').digest('base64');
}
