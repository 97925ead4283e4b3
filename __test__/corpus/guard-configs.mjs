// Deterministic config corpus for the guard parity tests (guard-parity.test.mjs).
// Every case is { name, make, expectCustom? }: `make()` builds a fresh input
// (functions, symbols and cycles cannot be shared as data), `expectCustom`, when
// present, is the exact list of custom messages both guards must produce.
// Nothing here is random: the corpus is the same on every run.

/** Logto's TemplateType values (connector-kit), in the kit's order. */
export { USAGE_TYPES as ALL_USAGE_TYPES } from '../support/configs.mjs';
import { USAGE_TYPES as ALL_USAGE_TYPES } from '../support/configs.mjs';

/** The usage types both official guards require, in the order their messages name them. */
export const REQUIRED_USAGE_TYPES = ['Register', 'SignIn', 'ForgotPassword', 'Generic'];

export const PROVIDERS = {
  aliyun: {
    name: 'aliyun',
    stringKeys: ['accessKeyId', 'accessKeySecret', 'signName'],
    hasTemplateType: true,
    // Keys this package adds; the official guard drops them as unknown keys.
    addedKeys: ['endpoint', 'timeoutMs', 'site', 'senderId'],
    missingMessage: (missing) => `UsageType (${missing.join(', ')}) should be provided in templates.`,
    base: () => ({
      accessKeyId: 'LTAI5tExampleAccessKeyId',
      accessKeySecret: 'ExampleAccessKeySecret0123456789',
      signName: 'Logto',
    }),
    template: (usageType, index) => ({ type: 2, usageType, templateCode: `SMS_${100000 + index}` }),
  },
  tencent: {
    name: 'tencent',
    stringKeys: ['accessKeyId', 'accessKeySecret', 'signName', 'sdkAppId', 'region'],
    hasTemplateType: false,
    addedKeys: ['endpoint', 'timeoutMs', 'strictPhoneRegionNumberCheck'],
    missingMessage: (missing) => `Template with UsageType (${missing.join(', ')}) should be provided!`,
    base: () => ({
      accessKeyId: 'AKIDExampleSecretId',
      accessKeySecret: 'ExampleSecretKey0123456789',
      signName: '腾讯云',
      sdkAppId: '1400000000',
      region: 'ap-guangzhou',
    }),
    template: (usageType, index) => ({ usageType, templateCode: String(1000000 + index) }),
  },
};

/** A valid config with templates for the given usage types. */
export const validConfig = (p, usageTypes = REQUIRED_USAGE_TYPES) => ({
  ...p.base(),
  templates: usageTypes.map((u, i) => p.template(u, i)),
});

/** Same config with template number `index` replaced by `fn(template)` (undefined result = delete key handled by fn). */
const withTemplate = (p, index, fn) => {
  const config = validConfig(p);
  config.templates[index] = fn({ ...config.templates[index] });
  return config;
};

const omit = (object, key) => {
  const { [key]: _dropped, ...rest } = object;
  return rest;
};

const nest = (depth, leaf, wrap) => {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = wrap(value);
  return value;
};

/** Objects nested `levels` deep, counting the config object itself as level 1. */
export const nestedConfig = (p, levels, kind = 'object') => {
  // config (1) > deep (2) > ... : the unknown key holds levels - 1 containers.
  const inner = kind === 'object' ? nest(levels - 2, {}, (v) => ({ a: v })) : nest(levels - 2, [], (v) => [v]);
  return { ...validConfig(p), deep: inner };
};

/** Non-empty subsets of the required usage types, in a fixed (binary-counting) order. */
const requiredSubsets = () => {
  const subsets = [];
  for (let mask = 1; mask < 1 << REQUIRED_USAGE_TYPES.length; mask += 1) {
    subsets.push(REQUIRED_USAGE_TYPES.filter((_, i) => mask & (1 << i)));
  }
  return subsets;
};

/** Wrong-typed values tried at every path that expects a string (or an object). */
const WRONG_VALUES = [
  ['number', () => 42],
  ['zero', () => 0],
  ['boolean true', () => true],
  ['boolean false', () => false],
  ['null', () => null],
  ['empty array', () => []],
  ['string array', () => ['x']],
  ['empty object', () => ({})],
  ['object', () => ({ value: 'x' })],
  ['nested', () => ({ a: { b: ['x', { c: 1 }] } })],
];

/** Values only JS (not JSON) can hold: zod sees them as they are. */
const JS_VALUES = [
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
  ['undefined', () => undefined],
  ['function', () => () => 'x'],
  ['symbol', () => Symbol('x')],
  ['bigint', () => 10n],
  ['Date', () => new Date(0)],
];

const LONG = 'x'.repeat(1 << 20);

/** The parity corpus for one provider: every case must agree with the official guard. */
export function parityCorpus(providerName) {
  const p = PROVIDERS[providerName];
  const cases = [];
  const add = (name, make, extra = {}) => cases.push({ name, make, ...extra });
  const T = (u, i) => p.template(u, i);

  // ---- valid baselines ----------------------------------------------------
  add('valid: the 4 required usage types', () => validConfig(p));
  add('valid: all 9 usage types', () => validConfig(p, ALL_USAGE_TYPES));
  add('valid: all 9 usage types, reversed', () => validConfig(p, [...ALL_USAGE_TYPES].reverse()));
  add('valid: required types plus an unknown usage type', () =>
    validConfig(p, [...REQUIRED_USAGE_TYPES, 'Custom']));
  add('valid: duplicate usage types (Generic twice)', () =>
    validConfig(p, [...REQUIRED_USAGE_TYPES, 'Generic', 'SignIn']));
  add('valid: JSON round-trip (as Logto stores it)', () => JSON.parse(JSON.stringify(validConfig(p, ALL_USAGE_TYPES))));
  add('valid: unknown top-level keys', () => ({
    ...validConfig(p),
    foo: 1,
    bar: 'baz',
    nothing: null,
    list: [1, 'two', { three: 3 }],
    nested: { a: { b: { c: [true] } } },
  }));
  add('valid: unknown keys in templates', () => {
    const config = validConfig(p);
    config.templates = config.templates.map((t, i) => ({ ...t, description: `template ${i}`, extra: { deep: [i] } }));
    return config;
  });
  add('valid: unicode sign name (CJK)', () => ({ ...validConfig(p), signName: '阿里云短信测试' }));
  add('valid: unicode sign name (emoji, astral)', () => ({ ...validConfig(p), signName: 'Logto 😀𝒳' }));
  add('valid: unicode sign name (RTL + combining)', () => ({ ...validConfig(p), signName: 'לוגטו e\u0301' }));
  add('valid: sign name with NUL and control characters', () => ({ ...validConfig(p), signName: 'a\u0000b\u0007c\n' }));
  add('valid: every string key empty', () => {
    const config = validConfig(p);
    for (const key of p.stringKeys) config[key] = '';
    config.templates = config.templates.map((t) => ({ ...t, templateCode: '' }));
    return config;
  });
  add('valid: empty usageType besides the required ones', () => validConfig(p, [...REQUIRED_USAGE_TYPES, '']));
  add('valid: 1 MB sign name', () => ({ ...validConfig(p), signName: LONG }));
  add('valid: 1 MB templateCode', () => withTemplate(p, 0, (t) => ({ ...t, templateCode: LONG })));
  add('valid: 1 MB string in an unknown key', () => ({ ...validConfig(p), blob: LONG }));
  add('valid: 1000 templates', () =>
    validConfig(p, Array.from({ length: 1000 }, (_, i) => REQUIRED_USAGE_TYPES[i % 4])));
  add('valid: strictPhoneRegionNumberCheck true', () => ({ ...validConfig(p), strictPhoneRegionNumberCheck: true }));
  add('valid: strictPhoneRegionNumberCheck false', () => ({ ...validConfig(p), strictPhoneRegionNumberCheck: false }));
  add('valid: endpoint and timeoutMs set (official ignores them)', () => ({
    ...validConfig(p),
    endpoint: 'https://sms.example.com/api',
    timeoutMs: 5000,
  }));
  add('valid: endpoint "" and timeoutMs null (unset)', () => ({ ...validConfig(p), endpoint: '', timeoutMs: null }));
  add('valid: endpoint null and timeoutMs ""', () => ({ ...validConfig(p), endpoint: null, timeoutMs: '' }));
  add('valid: own __proto__ key at top level (JSON.parse)', () =>
    JSON.parse(JSON.stringify(validConfig(p)).replace('{', '{"__proto__":{"polluted":true},')));
  add('valid: own __proto__ key in a template (JSON.parse)', () =>
    JSON.parse(JSON.stringify(validConfig(p)).replace('"templates":[{', '"templates":[{"__proto__":{"usageType":"x"},')));
  add('valid: unknown key nested 50 objects deep', () => ({ ...validConfig(p), deep: nest(50, { leaf: 1 }, (v) => ({ a: v })) }));
  add('valid: unknown key nested 50 arrays deep', () => ({ ...validConfig(p), deep: nest(50, [1], (v) => [v]) }));
  add('valid: 127 levels of nesting (config = level 1)', () => nestedConfig(p, 127));
  add('valid: null-prototype config object', () => Object.assign(Object.create(null), validConfig(p)));
  add('valid: unknown keys holding JS-only values', () => ({
    ...validConfig(p),
    fn: () => 1,
    sym: Symbol('s'),
    big: 1n,
    nan: NaN,
    inf: Infinity,
    undef: undefined,
    date: new Date(0),
    map: new Map([[1, 2]]),
    re: /x/,
    [Symbol('key')]: 'symbol-keyed',
  }));
  add('valid: template with JS-only unknown values', () =>
    withTemplate(p, 0, (t) => ({ ...t, fn() {}, sym: Symbol('s'), big: 2n, nan: NaN })));
  add('valid: array with extra own property', () => {
    const config = validConfig(p);
    config.templates.extra = 'ignored';
    return config;
  });

  if (p.hasTemplateType) {
    for (const type of [0, 1, 2, 6, 7]) {
      add(`valid: template type ${type}`, () => {
        const config = validConfig(p);
        config.templates = config.templates.map((t) => ({ ...t, type }));
        return config;
      });
    }
    add('valid: template type absent (default 2)', () => {
      const config = validConfig(p);
      config.templates = config.templates.map((t) => omit(t, 'type'));
      return config;
    });
    add('valid: template type undefined (default 2)', () => {
      const config = validConfig(p);
      config.templates = config.templates.map((t) => ({ ...t, type: undefined }));
      return config;
    });
    add('valid: mixed template types', () => {
      const config = validConfig(p, ALL_USAGE_TYPES);
      config.templates = config.templates.map((t, i) => (i % 6 === 5 ? omit(t, 'type') : { ...t, type: [0, 1, 2, 6, 7][i % 5] }));
      return config;
    });
    add('valid: templateCode {china, overseas}', () =>
      withTemplate(p, 0, (t) => ({ ...t, templateCode: { china: 'SMS_1', overseas: 'SMS_2' } })));
    add('valid: templateCode {china, overseas} with extra keys', () => {
      const config = validConfig(p);
      config.templates = config.templates.map((t, i) => ({
        ...t,
        templateCode: { china: `SMS_C${i}`, overseas: `SMS_O${i}`, extra: 1, nested: { x: [] } },
      }));
      return config;
    });
    add('valid: templateCode {china: "", overseas: ""}', () =>
      withTemplate(p, 3, (t) => ({ ...t, templateCode: { china: '', overseas: '' } })));
  }

  // ---- each key missing ---------------------------------------------------
  for (const key of [...p.stringKeys, 'templates']) {
    add(`missing: ${key}`, () => omit(validConfig(p), key));
    add(`undefined: ${key}`, () => ({ ...validConfig(p), [key]: undefined }));
  }
  add('missing: every key ({})', () => ({}));
  add('missing: templates[0].usageType', () => withTemplate(p, 0, (t) => omit(t, 'usageType')));
  add('missing: templates[0].templateCode', () => withTemplate(p, 0, (t) => omit(t, 'templateCode')));
  add('missing: templates[2] usageType and templateCode', () => withTemplate(p, 2, (t) => omit(omit(t, 'usageType'), 'templateCode')));

  // ---- wrong types at every path ------------------------------------------
  for (const key of p.stringKeys) {
    for (const [label, value] of WRONG_VALUES) {
      add(`wrong type: ${key} = ${label}`, () => ({ ...validConfig(p), [key]: value() }));
    }
  }
  for (const [label, value] of WRONG_VALUES.filter(([l]) => l !== 'empty array')) {
    add(`wrong type: templates = ${label}`, () => ({ ...validConfig(p), templates: value() }));
  }
  add('wrong type: templates = string', () => ({ ...validConfig(p), templates: 'Generic' }));
  add('wrong type: templates = array-like object', () => {
    const config = validConfig(p);
    return { ...config, templates: { ...config.templates, length: config.templates.length } };
  });
  add('wrong type: templates = object keyed by usage type', () => {
    const config = validConfig(p);
    return { ...config, templates: Object.fromEntries(config.templates.map((t) => [t.usageType, t])) };
  });
  for (const [label, value] of [
    ['null', () => null],
    ['string', () => 'Generic'],
    ['number', () => 7],
    ['boolean', () => false],
    ['array', () => [T('Generic', 9)]],
    ['empty object', () => ({})],
    ['object without usageType', () => ({ templateCode: 'X' })],
    ['object without templateCode', () => ({ usageType: 'Generic' })],
    ['undefined (array hole value)', () => undefined],
  ]) {
    add(`templates: array with a ${label}`, () => {
      const config = validConfig(p);
      config.templates.push(value());
      return config;
    });
  }
  add('templates: sparse array (holes)', () => {
    const config = validConfig(p);
    config.templates.length = 6;
    return config;
  });
  add('templates: only bad elements', () => ({ ...validConfig(p), templates: [null, 'x', 1] }));
  for (const [label, value] of WRONG_VALUES) {
    add(`wrong type: templates[0].usageType = ${label}`, () => withTemplate(p, 0, (t) => ({ ...t, usageType: value() })));
  }
  for (const [label, value] of WRONG_VALUES) {
    if (p.hasTemplateType && label === 'empty object') continue; // object shapes: see below
    add(`wrong type: templates[1].templateCode = ${label}`, () => withTemplate(p, 1, (t) => ({ ...t, templateCode: value() })));
  }
  add('wrong type: usageType and templateCode wrong in two templates', () => {
    const config = validConfig(p);
    config.templates[0] = { ...config.templates[0], usageType: 1 };
    config.templates[3] = { ...config.templates[3], templateCode: false };
    return config;
  });
  add('wrong type: every top-level key wrong at once', () => {
    const config = {};
    for (const key of p.stringKeys) config[key] = 1;
    config.templates = 'x';
    if (p.hasTemplateType) config.strictPhoneRegionNumberCheck = 'true';
    return config;
  });

  if (p.hasTemplateType) {
    for (const [label, value] of [
      ['3', () => 3],
      ["'2' (string)", () => '2'],
      ['2.5', () => 2.5],
      ['-1', () => -1],
      ['8', () => 8],
      ['null', () => null],
      ['true', () => true],
      ["'Generic'", () => 'Generic'],
      ['[]', () => []],
      ['{}', () => ({})],
      ['[2]', () => [2]],
    ]) {
      add(`wrong type: templates[0].type = ${label}`, () => withTemplate(p, 0, (t) => ({ ...t, type: value() })));
    }
    add('wrong type: type wrong in all four templates', () => {
      const config = validConfig(p);
      config.templates = config.templates.map((t, i) => ({ ...t, type: [3, '2', null, 2.5][i] }));
      return config;
    });
    for (const [label, value] of [
      ['{} (empty object)', () => ({})],
      ['{china} only', () => ({ china: 'SMS_1' })],
      ['{overseas} only', () => ({ overseas: 'SMS_2' })],
      ['china a number', () => ({ china: 1, overseas: 'SMS_2' })],
      ['overseas null', () => ({ china: 'SMS_1', overseas: null })],
      ['both sides objects', () => ({ china: {}, overseas: [] })],
      ['china undefined', () => ({ china: undefined, overseas: 'SMS_2' })],
    ]) {
      add(`templateCode object: ${label}`, () => withTemplate(p, 1, (t) => ({ ...t, templateCode: value() })));
    }
  } else {
    // Tencent's official templateCode is a plain string: an object that is not
    // a valid {china, overseas} pair (what ours adds) is rejected by both.
    for (const [label, value] of [
      ['{china} only', () => ({ china: '1' })],
      ['{overseas} only', () => ({ overseas: '2' })],
      ['china a number', () => ({ china: 1, overseas: '2' })],
    ]) {
      add(`templateCode object: ${label}`, () => withTemplate(p, 1, (t) => ({ ...t, templateCode: value() })));
    }
  }

  // ---- strictPhoneRegionNumberCheck (official key for Aliyun only) ----------
  if (p.hasTemplateType) {
    for (const [label, value] of [
      ["'true'", () => 'true'],
      ['1', () => 1],
      ['0', () => 0],
      ['null', () => null],
      ['{}', () => ({})],
    ]) {
      add(`wrong type: strictPhoneRegionNumberCheck = ${label}`, () => ({
        ...validConfig(p),
        strictPhoneRegionNumberCheck: value(),
      }));
    }
  }

  // ---- missing required usage types: every combination, exact messages ---
  for (const removed of requiredSubsets()) {
    const kept = ALL_USAGE_TYPES.filter((u) => !removed.includes(u));
    add(`usage types: without ${removed.join('+')}`, () => validConfig(p, kept), {
      expectCustom: [p.missingMessage(REQUIRED_USAGE_TYPES.filter((u) => removed.includes(u)))],
    });
  }
  add('usage types: empty templates array', () => ({ ...validConfig(p), templates: [] }), {
    expectCustom: [p.missingMessage(REQUIRED_USAGE_TYPES)],
  });
  add('usage types: wrong case (generic, signin)', () =>
    validConfig(p, ['Register', 'signin', 'ForgotPassword', 'generic']), {
    expectCustom: [p.missingMessage(['SignIn', 'Generic'])],
  });
  add('usage types: surrounding spaces', () =>
    validConfig(p, [' Register', 'SignIn', 'ForgotPassword ', 'Generic']), {
    expectCustom: [p.missingMessage(['Register', 'ForgotPassword'])],
  });
  add('usage types: only optional ones', () =>
    validConfig(p, ['OrganizationInvitation', 'MfaVerification', 'BindMfa']), {
    expectCustom: [p.missingMessage(REQUIRED_USAGE_TYPES)],
  });
  add('usage types: missing Generic plus a wrong signName (both reported)', () =>
    ({ ...validConfig(p, ['Register', 'SignIn', 'ForgotPassword']), signName: 5 }), {
    expectCustom: [p.missingMessage(['Generic'])],
  });
  add('usage types: missing Generic plus an invalid template (refine skipped)', () => {
    const config = validConfig(p, ['Register', 'SignIn', 'ForgotPassword']);
    config.templates.push({ usageType: 'BindMfa', templateCode: 7 });
    return config;
  }, { expectCustom: [] });
  add('usage types: missing all, templates contain null (refine skipped)', () => ({
    ...validConfig(p),
    templates: [null],
  }), { expectCustom: [] });

  // ---- top-level non-objects ----------------------------------------------
  for (const [label, value] of [
    ['null', () => null],
    ['undefined', () => undefined],
    ['42', () => 42],
    ["'x'", () => 'x'],
    ["'' (empty string)", () => ''],
    ['[] (empty array)', () => []],
    ['[config]', () => [validConfig(p)]],
    ['true', () => true],
    ['NaN', () => NaN],
    ['Infinity', () => Infinity],
    ['a function', () => () => validConfig(p)],
    ['a symbol', () => Symbol('config')],
    ['a bigint', () => 1n],
    ['a Date', () => new Date(0)],
    ['JSON text of a valid config', () => JSON.stringify(validConfig(p))],
  ]) {
    add(`top level: ${label}`, value);
  }

  // ---- JS-only values where zod sees the real value ------------------------
  for (const [label, value] of JS_VALUES) {
    add(`js value: signName = ${label}`, () => ({ ...validConfig(p), signName: value() }));
    add(`js value: templates[0].templateCode = ${label}`, () => withTemplate(p, 0, (t) => ({ ...t, templateCode: value() })));
  }
  for (const [label, value] of JS_VALUES.filter(([l]) => ['NaN', 'symbol', 'function', 'Date'].includes(l))) {
    add(`js value: templates[2].usageType = ${label}`, () => withTemplate(p, 2, (t) => ({ ...t, usageType: value() })));
    add(`js value: templates = ${label}`, () => ({ ...validConfig(p), templates: value() }));
  }
  add('js value: undefined inside templates', () => {
    const config = validConfig(p);
    config.templates.splice(1, 0, undefined);
    return config;
  });
  if (p.hasTemplateType) {
    for (const [label, value] of JS_VALUES) {
      add(`js value: templates[0].type = ${label}`, () => withTemplate(p, 0, (t) => ({ ...t, type: value() })));
    }
    add('js value: strictPhoneRegionNumberCheck = NaN', () => ({ ...validConfig(p), strictPhoneRegionNumberCheck: NaN }));
    add('js value: templateCode {china: Symbol, overseas: 1n}', () =>
      withTemplate(p, 0, (t) => ({ ...t, templateCode: { china: Symbol('c'), overseas: 1n } })));
  }

  // ---- JS objects that JSON.stringify sees differently from zod -----------
  add('js object: signName = new String("x") (boxed)', () => ({ ...validConfig(p), signName: new String('x') }));
  add('js object: templateCode = new String("x") (boxed)', () =>
    withTemplate(p, 0, (t) => ({ ...t, templateCode: new String('x') })));
  add('js object: top level = new Map()', () => new Map(Object.entries(validConfig(p))));
  add('js object: templates[0] = new Map()', () => withTemplate(p, 0, (t) => new Map(Object.entries(t))));
  add('js object: templates = new Set()', () => ({ ...validConfig(p), templates: new Set(validConfig(p).templates) }));
  add('js object: config inherits its keys (Object.create)', () => Object.create(validConfig(p)));
  add('js object: template inherits its keys (Object.create)', () => withTemplate(p, 0, (t) => Object.create(t)));
  add('js object: signName is a non-enumerable own property', () => {
    const config = validConfig(p);
    Object.defineProperty(config, 'signName', { value: 'hidden', enumerable: false });
    return config;
  });
  add('js object: config has an own toJSON method', () => ({ ...validConfig(p), toJSON: () => 'x' }));
  add('js object: template has an own toJSON method', () => withTemplate(p, 0, (t) => ({ ...t, toJSON: () => null })));
  add('js object: plain object whose toJSON returns a valid config', () => ({ toJSON: () => validConfig(p) }));
  add('js object: cyclic value in an unknown key', () => {
    const config = validConfig(p);
    config.self = config;
    return config;
  });
  add('js object: unknown key with a throwing getter', () => {
    const config = validConfig(p);
    Object.defineProperty(config, 'boom', { enumerable: true, get() { throw new Error('boom'); } });
    return config;
  });
  add('json data: config is {"\\u0000jsType":"undefined"}', () => JSON.parse('{"\\u0000jsType":"undefined"}'));
  add('json data: template is {"\\u0000jsType":"nan"}', () => {
    const config = validConfig(p);
    config.templates.push(JSON.parse('{"\\u0000jsType":"nan"}'));
    return config;
  });

  return cases;
}
