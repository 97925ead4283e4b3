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

// Encoding is two steps: `collect` reads what the schema asks for into a flat
// list of tokens (leaf values, and shared marker objects for structure, keys
// and tagged types), then `render` writes the JSON text from the tokens. The
// text is a function of the tokens alone, so when a config's tokens equal the
// last ones (every leaf the same value: Object.is), the last text is reused:
// Logto hands over the same config for every send, and rendering it was most
// of the glue's work per send (docs/benchmarks.md). The reads still happen on
// every send, so a config changed in any way zod would see is seen.

const marker = (text) => Object.freeze({ text });
const OBJECT_OPEN = marker('{');
const OBJECT_CLOSE = marker('}');
const ARRAY_OPEN = marker('[');
const ARRAY_CLOSE = marker(']');
const COMMA = marker(',');
const EMPTY_ARRAY = marker('[]');
const EMPTY_OBJECT = marker('{}');
const tags = new Map();
/** `{ "\u0000jsType": type }`: a value JSON cannot carry, with the type zod would report. */
const tagOf = (type) => {
  let tag = tags.get(type);
  if (!tag) tags.set(type, (tag = marker(`{"\\u0000jsType":"${type}"}`)));
  return tag;
};
const keys = new Map();
/** `"key":`, with a leading comma unless it is the object's first key. */
const keyOf = (key, first) => {
  let pair = keys.get(key);
  if (!pair) keys.set(key, (pair = [marker(`,${JSON.stringify(key)}:`), marker(`${JSON.stringify(key)}:`)]));
  return pair[first ? 1 : 0];
};

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

const collect = (value, schema, out) => {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      out.push(value);
      return;
    case 'object':
      break;
    default:
      // undefined (an array hole or the root), bigint, function, symbol.
      out.push(tagOf(typeof value));
      return;
  }
  if (value === null) {
    out.push(null);
    return;
  }
  if (Array.isArray(value)) {
    const element = schema?.['[]'];
    // Where the schema wants no array, only "it is an array" matters.
    if (element === undefined) {
      out.push(EMPTY_ARRAY);
      return;
    }
    out.push(ARRAY_OPEN);
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) out.push(COMMA);
      collect(read(value, index), element, out);
    }
    out.push(ARRAY_CLOSE);
    return;
  }
  const special = specialType(value);
  if (special) {
    out.push(tagOf(special));
    return;
  }
  if (!schema) {
    out.push(EMPTY_OBJECT);
    return;
  }
  out.push(OBJECT_OPEN);
  let first = true;
  for (const key in schema) {
    if (key === '[]') continue;
    const item = read(value, key);
    // An absent key (or one set to undefined) stays absent, as zod treats it.
    if (item === undefined) continue;
    out.push(keyOf(key, first));
    first = false;
    collect(item, schema[key], out);
  }
  out.push(OBJECT_CLOSE);
};

const render = (tokens) => {
  let out = '';
  for (const token of tokens) {
    switch (typeof token) {
      case 'string':
        // Keys, ids and names are printable ASCII with nothing to escape: copied
        // as they are (a regex test costs less than JSON.stringify's call).
        if (PLAIN_ASCII.test(token)) out += `"${token}"`;
        else out += JSON.stringify(token.isWellFormed() ? token : token.toWellFormed());
        break;
      case 'number':
        out += Number.isFinite(token) ? String(token) : tagOf(Number.isNaN(token) ? 'nan' : 'infinity').text;
        break;
      case 'boolean':
        out += token ? 'true' : 'false';
        break;
      default:
        out += token === null ? 'null' : token.text;
    }
  }
  return out;
};

const sameTokens = (a, b) => {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) {
    if (!Object.is(a[index], b[index])) return false;
  }
  return true;
};

/** The last tokens and text per schema (the config schemas hit; message data rarely does). */
const last = new WeakMap();

/** JSON text of `value` as `schema` reads it; never throws. */
export const encode = (value, schema) => {
  const tokens = [];
  collect(value, schema, tokens);
  const previous = last.get(schema);
  if (previous !== undefined && sameTokens(previous.tokens, tokens)) return previous.text;
  const text = render(tokens);
  last.set(schema, { tokens, text });
  return text;
};
