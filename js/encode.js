// Turns what Logto hands over (a config, message data) into JSON text for the
// native side, seen the way zod sees it:
// - only the keys a schema knows are read, each with a plain property read
//   (inherited, non-enumerable and getter keys count; toJSON does not). Unknown
//   keys are dropped here, as zod strips them, so whatever they hold (cycles,
//   deep nesting, huge data, throwing getters) cannot matter;
// - values JSON cannot carry, or would change, are tagged `{ "\u0000jsType": … }`
//   with the type zod would report (undefined in arrays, NaN, Infinity,
//   function, symbol, bigint, date, map, set…);
// - strings with lone surrogates are made well-formed: Rust strings are UTF-8.
// The JSON text is written directly (no intermediate copy): this runs on every
// send, on Logto's event loop.

/** Which keys to read at each level; `'[]'` is the element of an array; null is a leaf. */
const TEMPLATE = { type: null, usageType: null, templateCode: { china: null, overseas: null }, message: null, locale: null };
const BUDGET = { max: null, windowSeconds: null };
const LIMITS = {
  countries: { allow: { '[]': null }, deny: { '[]': null } },
  perIp: BUDGET,
  perRange: { ...BUDGET, trailingDigits: null },
  perCountry: BUDGET,
  global: BUDGET,
  redisUrl: null,
  namespace: null,
  onStoreError: null,
  mode: null,
};
export const CONFIG_SCHEMA = {
  accessKeyId: null,
  accessKeySecret: null,
  signName: null,
  sdkAppId: null,
  region: null,
  templates: { '[]': TEMPLATE },
  strictPhoneRegionNumberCheck: null,
  endpoint: null,
  timeoutMs: null,
  site: null,
  senderId: null,
  limits: LIMITS,
};
/**
 * The routing connector's config: each account's `config` is read like a
 * direct connector's (its `limits` only so the guard can say it belongs at the
 * top level).
 */
export const ROUTER_CONFIG_SCHEMA = {
  providers: { '[]': { name: null, type: null, config: CONFIG_SCHEMA } },
  routes: { '[]': { prefixes: { '[]': null }, use: { '[]': null } } },
  strictPhoneRegionNumberCheck: null,
  failover: { refusals: null, coolDownSeconds: null },
  limits: LIMITS,
};
/** The part of Logto's SendMessageData the send path reads. */
export const DATA_SCHEMA = { to: null, type: null, payload: { code: null, locale: null }, ip: null };

/** Printable ASCII without a quote or a backslash: the same text in JSON and in JS. */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const tag = (type) => `{"\\u0000jsType":"${type}"}`;

const specialType = (value) => {
  if (value instanceof Date) return 'date';
  if (value instanceof Map) return 'map';
  if (value instanceof Set) return 'set';
  if (value instanceof Promise) return 'promise';
  return undefined;
};

const read = (object, key) => {
  try {
    return object[key];
  } catch {
    return undefined;
  }
};

const emit = (value, schema) => {
  switch (typeof value) {
    case 'string':
      // Keys, ids and names are printable ASCII with nothing to escape: copied
      // as they are (a regex test costs less than JSON.stringify's call).
      if (PLAIN_ASCII.test(value)) return `"${value}"`;
      return JSON.stringify(value.isWellFormed() ? value : value.toWellFormed());
    case 'number':
      return Number.isFinite(value) ? String(value) : tag(Number.isNaN(value) ? 'nan' : 'infinity');
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      // undefined (an array hole or the root), bigint, function, symbol.
      return tag(typeof value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const element = schema?.['[]'];
    // Where the schema wants no array, only "it is an array" matters.
    if (element === undefined) return '[]';
    let out = '[';
    for (let index = 0; index < value.length; index += 1) {
      out += (index === 0 ? '' : ',') + emit(read(value, index), element);
    }
    return `${out}]`;
  }
  const special = specialType(value);
  if (special) return tag(special);
  if (!schema) return '{}';
  let out = '{';
  for (const key in schema) {
    if (key === '[]') continue;
    const item = read(value, key);
    // An absent key (or one set to undefined) stays absent, as zod treats it.
    if (item !== undefined) out += `${out.length > 1 ? ',' : ''}"${key}":${emit(item, schema[key])}`;
  }
  return `${out}}`;
};

/** JSON text of `value` as `schema` reads it; never throws. */
export const encode = (value, schema) => emit(value, schema);
