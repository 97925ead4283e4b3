// Reference implementation of Tencent Cloud TC3-HMAC-SHA256, written from
// spec/providers.md §2.3 with node:crypto only. Used by the simulator to check
// requests and by tests as an independent oracle for the Rust signer.
import { createHash, createHmac } from 'node:crypto';

const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, msg) => createHmac('sha256', key).update(msg, 'utf8').digest();

/** UTC calendar date (YYYY-MM-DD) of a unix timestamp in seconds. */
export function tc3Date(timestamp) {
  return new Date(Number(timestamp) * 1000).toISOString().slice(0, 10);
}

/**
 * Canonical headers per Tencent's rule: key and value lower-cased and trimmed,
 * `key:value\n` lines sorted by key. Tencent's doc lower-cases the values too,
 * so `Application/JSON` signs as `application/json`; the values we send are
 * already lower-case, so this only matters for odd clients.
 */
export function tc3CanonicalHeaders(headers) {
  const entries = Object.entries(headers)
    .map(([k, v]) => [k.trim().toLowerCase(), String(v ?? '').trim().toLowerCase()])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    canonicalHeaders: entries.map(([k, v]) => `${k}:${v}\n`).join(''),
    signedHeaders: entries.map(([k]) => k).join(';'),
  };
}

/**
 * Sign a request with TC3-HMAC-SHA256.
 * `headers` (optional, name -> value) replaces the default signed pair
 * { content-type, host } when a request signs more headers; the simulator
 * uses it to honour whatever SignedHeaders a client declares.
 */
export function tc3Sign({
  secretKey,
  secretId,
  timestamp,
  service = 'sms',
  host,
  contentType,
  body = '',
  canonicalUri = '/',
  canonicalQueryString = '',
  method = 'POST',
  headers,
}) {
  const date = tc3Date(timestamp);
  const { canonicalHeaders, signedHeaders } = tc3CanonicalHeaders(headers ?? { 'content-type': contentType, host });
  const hashedPayload = sha256Hex(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  const canonicalRequest = [
    method.toUpperCase(),
    canonicalUri,
    canonicalQueryString,
    canonicalHeaders,
    signedHeaders,
    hashedPayload,
  ].join('\n');
  const hashedCanonicalRequest = sha256Hex(canonicalRequest);
  const credentialScope = `${date}/${service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(timestamp), credentialScope, hashedCanonicalRequest].join('\n');
  const kDate = hmac(`TC3${secretKey}`, date);
  const kService = hmac(kDate, service);
  const kSigning = hmac(kService, 'tc3_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
  const authorization = `TC3-HMAC-SHA256 Credential=${secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return {
    date,
    hashedPayload,
    canonicalHeaders,
    signedHeaders,
    canonicalRequest,
    hashedCanonicalRequest,
    credentialScope,
    stringToSign,
    signature,
    authorization,
  };
}

// `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=<h;h>, Signature=<hex64>`
const AUTH_RE =
  /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s,]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/** Parse an Authorization header; undefined when it is not TC3-shaped. */
export function parseTc3Authorization(value) {
  const m = AUTH_RE.exec(String(value ?? ''));
  if (!m) return undefined;
  return { secretId: m[1], date: m[2], service: m[3], signedHeaders: m[4].split(';'), signature: m[5] };
}
