// Guard parity: our native config guards against the official zod guards of
// @logto/connector-aliyun-sms and @logto/connector-tencent-sms, over a
// deterministic corpus (__test__/corpus/guard-configs.mjs).
//
// The contract (CONTRACT.md §3-§4): for every input the success flags agree;
// on success the parsed data is deep-equal (our added keys removed, and checked
// to be echoed when the input has them); on failure the sets of (path, code)
// pairs are equal and custom messages are equal word for word.
//
// Deliberate differences, each asserted on OUR behaviour in its own block:
//   1. Tencent templateCode may be {china, overseas}: ours is a superset of the
//      official `z.string()` for that key (same region pick as Aliyun).
//   2. Added keys endpoint / timeoutMs (both providers) and, for Tencent,
//      strictPhoneRegionNumberCheck: validated by ours, ignored (stripped as
//      unknown keys) by the official guards.
//   3. Strings with lone UTF-16 surrogates come out well-formed (U+FFFD): Rust
//      strings are UTF-8 and cannot hold them.
//   4. The parsed config is JSON: an own key set to `undefined` is dropped from
//      the output (zod keeps the key with value undefined) and -0 comes out as 0.
//      Same verdict, and no consumer can tell the difference after JSON storage.
//   5. Aliyun's international-site keys site / senderId / templates[].message
//      (CONTRACT §7): validated by ours, stripped by the official guard; with
//      them removed, the output is the official one. Tencent ignores them.
// Deep nesting is not a difference: only keys the schema knows are read (as zod
// strips the others), so nesting in unknown keys cannot matter.
//
// Run: node --test __test__/guard-parity.test.mjs
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

import { createAliyunSmsConnector, createTencentSmsConnector } from '../index.js';
import {
  PROVIDERS,
  REQUIRED_USAGE_TYPES,
  parityCorpus,
  validConfig,
  nestedConfig,
} from './corpus/guard-configs.mjs';

const getConfig = async () => {
  throw new Error('getConfig must not be called by the guard tests');
};

const guards = {};
before(async () => {
  const officialAliyun = (await import('@logto/connector-aliyun-sms')).default;
  const officialTencent = (await import('@logto/connector-tencent-sms')).default;
  guards.aliyun = {
    official: (await officialAliyun({ getConfig })).configGuard,
    ours: (await createAliyunSmsConnector({ getConfig })).configGuard,
  };
  guards.tencent = {
    official: (await officialTencent({ getConfig })).configGuard,
    ours: (await createTencentSmsConnector({ getConfig })).configGuard,
  };
});

// ---- helpers ----------------------------------------------------------------

const show = (value) =>
  inspect(value, { depth: 4, breakLength: 120, maxStringLength: 80, maxArrayLength: 10 });

const pairKey = (issue) => `${JSON.stringify(issue.path)} ${issue.code}`;
const pairSet = (issues) => [...new Set(issues.map(pairKey))].sort();
const customMessages = (issues) =>
  issues
    .filter((issue) => issue.code === 'custom')
    .map((issue) => `${JSON.stringify(issue.path)} ${issue.message}`)
    .sort();

const summary = (result) =>
  result.success
    ? { success: true, data: result.data }
    : { success: false, issues: result.error.issues.map((i) => `${i.path.join('.')} | ${i.code} | ${i.message.slice(0, 100)}`) };

/** The shape every failure of ours must have, whatever the input. */
function assertZodLikeError(error) {
  assert.ok(error instanceof Error, 'error is an Error');
  assert.equal(error.name, 'ZodError');
  assert.ok(Array.isArray(error.issues) && error.issues.length > 0, 'issues is a non-empty array');
  for (const issue of error.issues) {
    assert.equal(typeof issue.code, 'string');
    assert.equal(typeof issue.message, 'string');
    assert.ok(issue.message.length > 0, 'message is not empty');
    assert.ok(Array.isArray(issue.path), 'path is an array');
    for (const seg of issue.path) assert.ok(['string', 'number'].includes(typeof seg), `path segment ${show(seg)}`);
  }
}

const isObjectLike = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');

/**
 * Compares both guards on one input, per the contract; `expectCustom` (when
 * given) is the exact list of custom messages both must produce.
 */
function assertParity(providerName, input, { expectCustom } = {}) {
  const { official, ours } = guards[providerName];
  const provider = PROVIDERS[providerName];
  const off = official.safeParse(input);
  let our;
  assert.doesNotThrow(() => {
    our = ours.safeParse(input);
  }, 'our safeParse must never throw');
  const context = () => `\ninput:    ${show(input)}\nofficial: ${show(summary(off))}\nours:     ${show(summary(our))}`;

  assert.equal(our.success, off.success, `success flags differ${context()}`);
  if (off.success) {
    const data = { ...our.data };
    for (const key of provider.addedKeys) {
      const had = isObjectLike(input) && Object.hasOwn(input, key) && input[key] !== undefined;
      if (had) {
        assert.deepStrictEqual(our.data[key], input[key], `added key ${key} must be echoed${context()}`);
      } else {
        assert.ok(!(key in our.data), `added key ${key} must not appear when the input lacks it${context()}`);
      }
      delete data[key];
    }
    assert.deepStrictEqual(data, off.data, `parsed data differs${context()}`);
  } else {
    assertZodLikeError(our.error);
    assert.deepStrictEqual(pairSet(our.error.issues), pairSet(off.error.issues), `(path, code) sets differ${context()}`);
    assert.deepStrictEqual(
      customMessages(our.error.issues),
      customMessages(off.error.issues),
      `custom messages differ${context()}`,
    );
  }
  if (expectCustom) {
    const expected = expectCustom.map((m) => `["templates"] ${m}`).sort();
    assert.deepStrictEqual(off.success ? [] : customMessages(off.error.issues), expected, 'official custom messages (corpus expectation)');
    assert.deepStrictEqual(our.success ? [] : customMessages(our.error.issues), expected, `our custom messages${context()}`);
  }
}

// ---- the parity corpus ------------------------------------------------------

for (const providerName of Object.keys(PROVIDERS)) {
  const corpus = parityCorpus(providerName);

  describe(`${providerName}: guard parity corpus (${corpus.length} configs)`, () => {
    test('corpus has at least 120 configs and unique names', () => {
      assert.ok(corpus.length >= 120, `only ${corpus.length} configs`);
      assert.equal(new Set(corpus.map((c) => c.name)).size, corpus.length);
    });

    for (const { name, make, expectCustom } of corpus) {
      test(name, () => assertParity(providerName, make(), { expectCustom }));
    }
  });
}

// ---- exact custom messages, independent of the official package -------------

describe('missing usage types: exact messages', () => {
  const cases = [
    ['aliyun', [], 'UsageType (Register, SignIn, ForgotPassword, Generic) should be provided in templates.'],
    ['aliyun', ['Register', 'SignIn', 'ForgotPassword'], 'UsageType (Generic) should be provided in templates.'],
    ['aliyun', ['Generic', 'SignIn'], 'UsageType (Register, ForgotPassword) should be provided in templates.'],
    ['tencent', [], 'Template with UsageType (Register, SignIn, ForgotPassword, Generic) should be provided!'],
    ['tencent', ['Register', 'SignIn', 'ForgotPassword'], 'Template with UsageType (Generic) should be provided!'],
    ['tencent', ['ForgotPassword', 'Generic'], 'Template with UsageType (Register, SignIn) should be provided!'],
  ];
  for (const [providerName, present, message] of cases) {
    test(`${providerName}: templates [${present.join(', ')}]`, () => {
      const result = guards[providerName].ours.safeParse(validConfig(PROVIDERS[providerName], present));
      assert.equal(result.success, false);
      assert.deepStrictEqual(
        result.error.issues.map(({ code, path, message: m }) => ({ code, path, message: m })),
        [{ code: 'custom', path: ['templates'], message }],
      );
    });
  }
});

// ---- deliberate difference 1: Tencent templateCode {china, overseas} --------

describe('deliberate difference 1: Tencent templateCode may be {china, overseas} (ours is a superset)', () => {
  const config = () => {
    const c = validConfig(PROVIDERS.tencent);
    c.templates[0] = { ...c.templates[0], templateCode: { china: '111', overseas: '222', extra: 'dropped' } };
    c.templates[3] = { ...c.templates[3], templateCode: { china: '', overseas: '' } };
    return c;
  };

  test('official rejects it with invalid_type at templates.N.templateCode', () => {
    const off = guards.tencent.official.safeParse(config());
    assert.equal(off.success, false);
    assert.deepStrictEqual(pairSet(off.error.issues), pairSet([
      { path: ['templates', 0, 'templateCode'], code: 'invalid_type' },
      { path: ['templates', 3, 'templateCode'], code: 'invalid_type' },
    ]));
  });

  test('ours accepts it and outputs {china, overseas} only', () => {
    const our = guards.tencent.ours.safeParse(config());
    assert.equal(our.success, true, show(summary(our)));
    assert.deepStrictEqual(our.data.templates[0], { usageType: 'Register', templateCode: { china: '111', overseas: '222' } });
    assert.deepStrictEqual(our.data.templates[3], { usageType: 'Generic', templateCode: { china: '', overseas: '' } });
    assert.deepStrictEqual(our.data.templates[1], config().templates[1]);
  });

  test('with string templateCodes only, ours and official agree exactly', () => {
    assertParity('tencent', validConfig(PROVIDERS.tencent));
  });
});

// ---- deliberate difference 2: added keys ------------------------------------

describe('deliberate difference 2: added keys endpoint / timeoutMs (and Tencent strictPhoneRegionNumberCheck), ignored by the official guards', () => {
  const ok = [
    ['endpoint', 'https://dysmsapi.aliyuncs.com/'],
    ['endpoint', 'https://sms.example.com/custom/path'],
    ['endpoint', 'https://sms.example.com:8443'],
    ['endpoint', 'http://127.0.0.1:8080/'],
    ['endpoint', 'http://127.10.20.30/sms'],
    ['endpoint', 'http://[::1]:9000/x'],
    ['endpoint', 'http://localhost:3000/'],
    ['endpoint', 'http://LOCALHOST/'],
    ['endpoint', ''],
    ['endpoint', null],
    ['timeoutMs', 1],
    ['timeoutMs', 10000],
    ['timeoutMs', 60000],
    ['timeoutMs', ''],
    ['timeoutMs', null],
  ];
  const bad = [
    ['endpoint', 'http://example.com/', 'custom'],
    ['endpoint', 'http://10.0.0.1/', 'custom'],
    ['endpoint', 'http://192.168.1.1:8080/', 'custom'],
    ['endpoint', 'http://localhost.example.com/', 'custom'],
    ['endpoint', 'ftp://example.com/', 'custom'],
    ['endpoint', 'ws://localhost/', 'custom'],
    ['endpoint', 'file:///etc/passwd', 'custom'],
    ['endpoint', 'javascript:alert(1)', 'custom'],
    ['endpoint', 'https://user:pass@example.com/', 'custom'],
    ['endpoint', 'https://user@example.com/', 'custom'],
    ['endpoint', 'https://example.com/?a=1', 'custom'],
    ['endpoint', 'https://example.com/#frag', 'custom'],
    ['endpoint', 'not a url', 'custom'],
    ['endpoint', '/relative/path', 'custom'],
    ['endpoint', 42, 'invalid_type'],
    ['endpoint', true, 'invalid_type'],
    ['endpoint', {}, 'invalid_type'],
    ['endpoint', ['https://example.com/'], 'invalid_type'],
    ['timeoutMs', 0, 'too_small'],
    ['timeoutMs', -5, 'too_small'],
    ['timeoutMs', 60001, 'too_big'],
    ['timeoutMs', 1e9, 'too_big'],
    ['timeoutMs', 1.5, 'invalid_type'],
    ['timeoutMs', '5000', 'invalid_type'],
    ['timeoutMs', true, 'invalid_type'],
    ['timeoutMs', NaN, 'invalid_type'],
    ['timeoutMs', [], 'invalid_type'],
    ['timeoutMs', {}, 'invalid_type'],
  ];

  for (const providerName of Object.keys(PROVIDERS)) {
    const p = PROVIDERS[providerName];
    for (const [key, value] of ok) {
      test(`${providerName}: ${key} = ${show(value)} is accepted and echoed`, () => {
        const input = { ...validConfig(p), [key]: value };
        const our = guards[providerName].ours.safeParse(input);
        assert.equal(our.success, true, show(summary(our)));
        assert.deepStrictEqual(our.data[key], value);
        const off = guards[providerName].official.safeParse(input);
        assert.equal(off.success, true);
        assert.ok(!(key in off.data), 'official strips the key');
      });
    }
    for (const [key, value, code] of bad) {
      test(`${providerName}: ${key} = ${show(value)} fails with ${code} at [${key}]`, () => {
        const input = { ...validConfig(p), [key]: value };
        const our = guards[providerName].ours.safeParse(input);
        assert.equal(our.success, false, show(summary(our)));
        assertZodLikeError(our.error);
        assert.deepStrictEqual(pairSet(our.error.issues), [`${JSON.stringify([key])} ${code}`]);
        const off = guards[providerName].official.safeParse(input);
        assert.equal(off.success, true, 'the official guard ignores the unknown key');
      });
    }
    test(`${providerName}: an added-key issue accumulates with official-key issues`, () => {
      const input = { ...validConfig(p, ['Register']), signName: 1, endpoint: 'http://example.com/', timeoutMs: 0 };
      const our = guards[providerName].ours.safeParse(input);
      const off = guards[providerName].official.safeParse(input);
      assert.equal(our.success, false);
      assert.deepStrictEqual(
        pairSet(our.error.issues),
        [...pairSet(off.error.issues), '["endpoint"] custom', '["timeoutMs"] too_small'].sort(),
      );
    });
  }

  for (const [value, code] of [
    ['true', 'invalid_type'],
    [1, 'invalid_type'],
    [null, 'invalid_type'],
  ]) {
    test(`tencent: strictPhoneRegionNumberCheck = ${show(value)} fails ours (${code}), official ignores it`, () => {
      const input = { ...validConfig(PROVIDERS.tencent), strictPhoneRegionNumberCheck: value };
      const our = guards.tencent.ours.safeParse(input);
      assert.equal(our.success, false, show(summary(our)));
      assert.deepStrictEqual(pairSet(our.error.issues), [`["strictPhoneRegionNumberCheck"] ${code}`]);
      assert.equal(guards.tencent.official.safeParse(input).success, true);
    });
  }
  for (const value of [true, false]) {
    test(`tencent: strictPhoneRegionNumberCheck = ${value} is accepted and echoed`, () => {
      const our = guards.tencent.ours.safeParse({ ...validConfig(PROVIDERS.tencent), strictPhoneRegionNumberCheck: value });
      assert.equal(our.success, true);
      assert.equal(our.data.strictPhoneRegionNumberCheck, value);
    });
  }
});

// ---- deliberate difference 3: lone surrogates -------------------------------

describe('deliberate difference 3: strings with lone UTF-16 surrogates are made well-formed (U+FFFD)', () => {
  for (const providerName of Object.keys(PROVIDERS)) {
    const p = PROVIDERS[providerName];
    test(`${providerName}: lone surrogates in signName, usageType and templateCode`, () => {
      const input = validConfig(p, [...REQUIRED_USAGE_TYPES, 'Odd\uDC00']);
      input.signName = 'a\uD800b\uDFFF';
      input.templates[0].templateCode = '\uD83D';
      const off = guards[providerName].official.safeParse(input);
      const our = guards[providerName].ours.safeParse(input);
      assert.equal(off.success, true);
      assert.equal(our.success, true);
      assert.equal(off.data.signName, 'a\uD800b\uDFFF', 'official keeps the string as is');
      assert.equal(our.data.signName, 'a\uFFFDb\uFFFD');
      assert.equal(our.data.templates[0].templateCode, '\uFFFD');
      assert.equal(our.data.templates[4].usageType, 'Odd\uFFFD');
      // Apart from that, the outputs agree.
      const wellFormed = JSON.parse(JSON.stringify(off.data, (_, v) => (typeof v === 'string' ? v.toWellFormed() : v)));
      assert.deepStrictEqual(our.data, wellFormed);
    });
    test(`${providerName}: a lone surrogate in a required usage type does not hide it`, () => {
      const input = validConfig(p, ['Register', 'SignIn', 'ForgotPassword', 'Generic\uD800']);
      assertParity(providerName, input, { expectCustom: [p.missingMessage(['Generic'])] });
    });
  }
});

// ---- deliberate difference 4: the output is JSON ---------------------------

describe('deliberate difference 4: the parsed config is JSON (undefined keys dropped, -0 is 0)', () => {
  for (const providerName of Object.keys(PROVIDERS)) {
    const p = PROVIDERS[providerName];
    test(`${providerName}: an own key set to undefined: both accept, ours drops the key`, () => {
      const input = { ...validConfig(p), strictPhoneRegionNumberCheck: undefined };
      const official = guards[providerName].official.safeParse(input);
      const our = guards[providerName].ours.safeParse(input);
      assert.equal(official.success, true);
      assert.equal(our.success, true);
      assert.equal('strictPhoneRegionNumberCheck' in our.data, false);
    });
    if (providerName === 'aliyun') {
      test('aliyun: template type -0: both accept, ours outputs 0', () => {
        const input = validConfig(p);
        input.templates[0] = { ...input.templates[0], type: -0 };
        assert.equal(guards.aliyun.official.safeParse(input).success, true);
        const our = guards.aliyun.ours.safeParse(input);
        assert.equal(our.success, true);
        assert.ok(Object.is(our.data.templates[0].type, 0));
      });
    }
  }
});

// ---- deliberate difference 5: Aliyun international-site keys ------------------

describe('deliberate difference 5: Aliyun site / senderId / templates[].message, ignored by the official guard', () => {
  const p = PROVIDERS.aliyun;
  const withMessage = (message) => {
    const c = validConfig(p);
    c.templates[0] = { ...c.templates[0], message };
    return c;
  };
  /** Our output without the added keys equals the official output. */
  const assertSameApartFromAddedKeys = (input) => {
    const our = guards.aliyun.ours.safeParse(input);
    const off = guards.aliyun.official.safeParse(input);
    assert.equal(our.success, true, show(summary(our)));
    assert.equal(off.success, true);
    const { site, senderId, ...rest } = our.data;
    const stripped = { ...rest, templates: rest.templates.map(({ message, ...t }) => t) };
    for (const key of ['endpoint', 'timeoutMs']) delete stripped[key];
    assert.deepStrictEqual(stripped, off.data);
    assert.ok(!('site' in off.data) && !('senderId' in off.data));
    assert.ok(off.data.templates.every((t) => !('message' in t)), 'official strips message');
    return our.data;
  };

  for (const [key, value] of [
    ['site', 'china'],
    ['site', 'international'],
    ['site', ''],
    ['site', null],
    ['senderId', 'Logto'],
    ['senderId', 'A1b2C3d4E5f'],
    ['senderId', '123456789012345'],
    ['senderId', ''],
    ['senderId', null],
  ]) {
    test(`aliyun: ${key} = ${show(value)} is accepted and echoed`, () => {
      const data = assertSameApartFromAddedKeys({ ...validConfig(p), [key]: value });
      assert.deepStrictEqual(data[key], value);
    });
  }
  // '' (blanks too) and null mean "no message" (CONTRACT §4: an emptied console field).
  for (const message of ['Your code is {code}', '{code}', '验证码 {code}，{code} 五分钟内有效', '', ' ', null]) {
    test(`aliyun: templates[0].message = ${show(message)} is accepted and echoed`, () => {
      const data = assertSameApartFromAddedKeys(withMessage(message));
      assert.deepStrictEqual(data.templates[0].message, message);
      assert.ok(!('message' in data.templates[1]), 'absent stays absent');
    });
  }

  const bad = [
    [{ site: 'global' }, '["site"] invalid_enum_value'],
    [{ site: 'China' }, '["site"] invalid_enum_value'],
    [{ site: 1 }, '["site"] invalid_type'],
    [{ site: ['international'] }, '["site"] invalid_type'],
    [{ senderId: 'Logto Auth' }, '["senderId"] custom'],
    [{ senderId: 'Logto1234567' }, '["senderId"] custom'],
    [{ senderId: '1234567890123456' }, '["senderId"] custom'],
    [{ senderId: 'Lögto' }, '["senderId"] custom'],
    [{ senderId: 12345 }, '["senderId"] invalid_type'],
  ];
  for (const [extra, pair] of bad) {
    test(`aliyun: ${show(extra)} fails ours with ${pair}, official ignores it`, () => {
      const input = { ...validConfig(p), ...extra };
      const our = guards.aliyun.ours.safeParse(input);
      assert.equal(our.success, false);
      assertZodLikeError(our.error);
      assert.deepStrictEqual(pairSet(our.error.issues), [pair]);
      assert.equal(guards.aliyun.official.safeParse(input).success, true);
    });
  }
  for (const [message, code] of [
    ['Your code is CODE', 'custom'],
    ['{Code}', 'custom'],
    [' no code ', 'custom'],
    [42, 'invalid_type'],
    [{ en: '{code}' }, 'invalid_type'],
  ]) {
    test(`aliyun: templates[0].message = ${show(message)} fails ours with ${code}, official ignores it`, () => {
      const input = withMessage(message);
      const our = guards.aliyun.ours.safeParse(input);
      assert.equal(our.success, false);
      assert.deepStrictEqual(pairSet(our.error.issues), [`["templates",0,"message"] ${code}`]);
      assert.equal(guards.aliyun.official.safeParse(input).success, true);
    });
  }

  test('aliyun: added-key issues accumulate with official-key issues', () => {
    const input = { ...withMessage('no placeholder'), accessKeyId: 1, site: 'x', senderId: '!' };
    const our = guards.aliyun.ours.safeParse(input);
    const off = guards.aliyun.official.safeParse(input);
    assert.deepStrictEqual(
      pairSet(our.error.issues),
      [...pairSet(off.error.issues), '["senderId"] custom', '["site"] invalid_enum_value', '["templates",0,"message"] custom'].sort(),
    );
  });

  test('tencent: the Aliyun-only keys are unknown keys there, exactly as for the official guard', () => {
    const input = { ...validConfig(PROVIDERS.tencent), site: 'x', senderId: 5 };
    input.templates[0] = { ...input.templates[0], message: 42 };
    assertParity('tencent', input);
    const our = guards.tencent.ours.safeParse(input);
    assert.ok(!('site' in our.data) && !('senderId' in our.data) && !('message' in our.data.templates[0]));
  });
});

// ---- not a difference: deep nesting in unknown keys ---------------------------

describe('deep nesting in unknown keys agrees with the official guard (unknown keys are never read)', () => {
  for (const providerName of Object.keys(PROVIDERS)) {
    const p = PROVIDERS[providerName];
    for (const [levels, kind] of [
      [128, 'object'],
      [129, 'array'],
      [200, 'object'],
      [1000, 'array'],
    ]) {
      test(`${providerName}: ${levels} levels of ${kind}s in an unknown key`, () => {
        assertParity(providerName, nestedConfig(p, levels, kind));
      });
    }
    test(`${providerName}: sendMessage with a deeply nested unknown key sends`, async () => {
      const factory = providerName === 'aliyun' ? createAliyunSmsConnector : createTencentSmsConnector;
      const connector = await factory({ getConfig });
      // Port 9 on loopback (nothing listens): the point is that the guard
      // passes, so the failure is a network one, not invalid_config.
      const result = await connector
        .sendMessage({ to: '8613812345678', type: 'Generic', payload: { code: '123456' } }, { ...nestedConfig(p, 1000), endpoint: 'http://127.0.0.1:9/' })
        .then(() => null, (error) => error);
      assert.equal(result?.code, 'general');
    });
  }
});

// ---- the zod surface: parse / safeParseAsync / parseAsync --------------------

describe('configGuard surface behaves like zod', () => {
  for (const providerName of Object.keys(PROVIDERS)) {
    const p = PROVIDERS[providerName];
    const valid = () => ({ ...validConfig(p), unknown: 1 });
    const invalid = () => ({ ...validConfig(p, ['Register']), signName: 7 });

    test(`${providerName}: all four methods exist`, () => {
      for (const method of ['safeParse', 'parse', 'safeParseAsync', 'parseAsync']) {
        assert.equal(typeof guards[providerName].ours[method], 'function', method);
      }
    });

    test(`${providerName}: parse returns the data / throws a ZodError like zod`, () => {
      const { ours, official } = guards[providerName];
      assert.deepStrictEqual(ours.parse(valid()), official.parse(valid()));
      let ourError;
      let offError;
      assert.throws(() => ours.parse(invalid()), (e) => ((ourError = e), true));
      assert.throws(() => official.parse(invalid()), (e) => ((offError = e), true));
      assertZodLikeError(ourError);
      assert.equal(ourError.name, offError.name);
      assert.deepStrictEqual(pairSet(ourError.issues), pairSet(offError.issues));
      assert.deepStrictEqual(customMessages(ourError.issues), customMessages(offError.issues));
      assert.deepStrictEqual(ourError.issues, ours.safeParse(invalid()).error.issues);
      assert.equal(typeof ourError.message, 'string');
      // zod's helpers Logto may call on the error.
      assert.deepStrictEqual(ourError.errors, ourError.issues);
      assert.deepStrictEqual(
        Object.keys(ourError.flatten().fieldErrors).sort(),
        Object.keys(offError.flatten().fieldErrors).sort(),
      );
    });

    test(`${providerName}: safeParseAsync resolves like safeParse`, async () => {
      const { ours, official } = guards[providerName];
      const pending = ours.safeParseAsync(valid());
      assert.ok(pending instanceof Promise, 'returns a Promise');
      const good = await pending;
      assert.equal(good.success, true);
      assert.deepStrictEqual(good.data, (await official.safeParseAsync(valid())).data);
      const bad = await ours.safeParseAsync(invalid());
      assert.equal(bad.success, false);
      assertZodLikeError(bad.error);
      assert.deepStrictEqual(pairSet(bad.error.issues), pairSet((await official.safeParseAsync(invalid())).error.issues));
    });

    test(`${providerName}: parseAsync resolves with the data / rejects with a ZodError`, async () => {
      const { ours, official } = guards[providerName];
      const pending = ours.parseAsync(valid());
      assert.ok(pending instanceof Promise, 'returns a Promise');
      assert.deepStrictEqual(await pending, await official.parseAsync(valid()));
      const rejected = ours.parseAsync(invalid());
      assert.ok(rejected instanceof Promise, 'an invalid config still returns a Promise (no sync throw)');
      await assert.rejects(rejected, (error) => {
        assertZodLikeError(error);
        assert.deepStrictEqual(pairSet(error.issues), pairSet(official.safeParse(invalid()).error.issues));
        return true;
      });
    });
  }
});
