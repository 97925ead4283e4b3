// Turns the JS values Logto hands over into JSON text for the native side.
// JSON cannot carry everything JS can, and the guard must judge what zod would
// see, so values JSON would drop or change are tagged instead ({ "\u0000jsType": … }).
// Strings with lone surrogates (invalid UTF-16) are made well-formed: Rust
// strings are UTF-8 and cannot hold them.
const TAG = '\u0000jsType';

function replacer(key, value) {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed() ? value : value.toWellFormed();
    case 'number':
      return Number.isFinite(value) ? value : { [TAG]: Number.isNaN(value) ? 'nan' : 'infinity' };
    case 'bigint':
    case 'function':
    case 'symbol':
      return { [TAG]: typeof value };
    case 'undefined':
      // An absent object key stays absent; an array hole or the root is tagged.
      return Array.isArray(this) || key === '' ? { [TAG]: 'undefined' } : undefined;
    default:
      return value;
  }
}

/** JSON text for any value; never throws (cycles and the like become a tagged unknown). */
export const encode = (value) => {
  try {
    return JSON.stringify(value, replacer);
  } catch {
    return JSON.stringify({ [TAG]: 'unserializable' });
  }
};
