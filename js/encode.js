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
const TAG = '\u0000jsType';
// Deeper than any schema here (config → templates → [i] → templateCode → china).
const MAX_DEPTH = 8;

const tag = (type) => ({ [TAG]: type });

const tagFor = (value) => {
  if (value instanceof Date) return 'date';
  if (value instanceof Map) return 'map';
  if (value instanceof Set) return 'set';
  if (value instanceof Promise) return 'promise';
  return undefined;
};

const read = (object, key) => {
  try {
    return { value: object[key] };
  } catch {
    return { value: tag('unreadable') };
  }
};

const walk = (value, keys, depth) => {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed() ? value : value.toWellFormed();
    case 'number':
      return Number.isFinite(value) ? value : tag(Number.isNaN(value) ? 'nan' : 'infinity');
    case 'boolean':
      return value;
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      return tag(typeof value);
    default:
      break;
  }
  if (value === null) return null;
  if (depth >= MAX_DEPTH) return tag('deep');
  if (Array.isArray(value)) {
    return Array.from({ length: value.length }, (_, index) => walk(read(value, index).value, keys, depth + 1));
  }
  const special = tagFor(value);
  if (special) return tag(special);
  const out = {};
  for (const key of keys) {
    const { value: item } = read(value, key);
    // An absent key (or one set to undefined) stays absent, as zod treats it.
    if (item !== undefined) out[key] = walk(item, keys, depth + 1);
  }
  return out;
};

/** Every key the config schemas know, at any level. */
export const CONFIG_KEYS = [
  'accessKeyId', 'accessKeySecret', 'signName', 'sdkAppId', 'region', 'templates',
  'strictPhoneRegionNumberCheck', 'endpoint', 'timeoutMs', 'type', 'usageType', 'templateCode',
  'china', 'overseas',
];

/** The keys of Logto's SendMessageData the send path reads. */
export const DATA_KEYS = ['to', 'type', 'payload', 'code'];

/** JSON text of `value` restricted to `keys`; never throws. */
export const encode = (value, keys) => JSON.stringify(walk(value, keys, 0));
