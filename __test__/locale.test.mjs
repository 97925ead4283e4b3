// Templates per language (CONTRACT §4): `templates[].locale` chosen by Logto's
// `payload.locale`, through both providers, the router and the
// international site's `message`, against the simulators. What the provider
// received is the proof: the template code (or text) it got, and never the
// locale itself.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { createAliyunSmsConnector, createSmsRouterConnector, createTencentSmsConnector } from '../index.js';
import { settle } from './support/configs.mjs';
import { captureStderr, jsonLines } from './support/stderr.mjs';
import { ALIYUN_DEFAULTS, TENCENT_DEFAULTS, startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';

const CN = '8613812345678';
const UK = '447911123456';
const CODE = '730194';
const LOCALE_MARKER = 'zh-Hant-HK';
const data = (to, locale, type = 'SignIn') => ({ to, type, payload: { code: CODE, ...(locale === undefined ? {} : { locale }) } });

// Approved codes the simulators know: [0] stands for Chinese, [1] for English,
// [2] for the template without a locale, [3] for the Generic one.
const [ZH, EN, PLAIN, GENERIC] = ALIYUN_DEFAULTS.mainlandTemplates;
const [TZH, TEN, TPLAIN, TGENERIC] = TENCENT_DEFAULTS.mainlandTemplates;
const requiredUsageTypes = ['Register', 'ForgotPassword'];

const aliyunTemplates = [
  { usageType: 'SignIn', templateCode: ZH, locale: 'zh-CN' },
  { usageType: 'SignIn', templateCode: EN, locale: 'en' },
  { usageType: 'SignIn', templateCode: PLAIN },
  { usageType: 'Generic', templateCode: GENERIC },
  ...requiredUsageTypes.map((usageType) => ({ usageType, templateCode: PLAIN })),
];

let aliyun;
let tencent;
before(async () => {
  [aliyun, tencent] = await Promise.all([startAliyunSimulator(), startTencentSimulator()]);
});
after(async () => {
  await Promise.all([aliyun?.close(), tencent?.close()]);
});
beforeEach(() => {
  aliyun.reset();
  tencent.reset();
});

const aliyunConfig = (overrides = {}) => ({
  accessKeyId: ALIYUN_DEFAULTS.accessKeyId,
  accessKeySecret: ALIYUN_DEFAULTS.accessKeySecret,
  signName: 'Logto',
  templates: aliyunTemplates,
  endpoint: aliyun.endpoint,
  ...overrides,
});

const tencentConfig = (overrides = {}) => ({
  accessKeyId: TENCENT_DEFAULTS.secretId,
  accessKeySecret: TENCENT_DEFAULTS.secretKey,
  signName: 'Logto',
  sdkAppId: TENCENT_DEFAULTS.sdkAppId,
  region: TENCENT_DEFAULTS.region,
  templates: [
    { usageType: 'SignIn', templateCode: { china: TZH, overseas: TENCENT_DEFAULTS.internationalTemplate }, locale: 'zh' },
    { usageType: 'SignIn', templateCode: { china: TEN, overseas: TENCENT_DEFAULTS.internationalTemplate }, locale: 'en-US' },
    { usageType: 'SignIn', templateCode: TPLAIN },
    { usageType: 'Generic', templateCode: TGENERIC, locale: 'en' },
    ...requiredUsageTypes.map((usageType) => ({ usageType, templateCode: TPLAIN })),
  ],
  endpoint: tencent.endpoint,
  ...overrides,
});

/** The selection table (CONTRACT §4): payload locale → the template the provider got. */
const aliyunTable = [
  ['zh-CN', ZH, 'exact tag'],
  ['ZH-cn', ZH, 'exact tag, case-insensitive'],
  ['en', EN, 'exact tag'],
  ['zh-TW', ZH, 'primary subtag: zh-TW takes zh-CN when no zh-TW or zh exists'],
  ['en-GB', EN, 'primary subtag'],
  ['fr', PLAIN, 'no match: the template without locale'],
  [undefined, PLAIN, 'no payload locale'],
  ['', PLAIN, 'an empty locale counts as absent'],
  [42, PLAIN, 'a locale that is not a string counts as absent'],
  [LOCALE_MARKER, ZH, 'primary subtag of a script-and-region tag'],
];
// Exactly SendSms's parameters: nothing of the payload but the code.
const SEND_SMS_PARAMS = ['AccessKeyId', 'Action', 'Format', 'PhoneNumbers', 'RegionId', 'SignName', 'Signature', 'SignatureMethod', 'SignatureNonce', 'SignatureVersion', 'TemplateCode', 'TemplateParam', 'Timestamp', 'Version'];

describe('Aliyun: the template for the user\'s language', () => {
  const connector = createAliyunSmsConnector({ getConfig: async () => aliyunConfig() });
  for (const [locale, expected, why] of aliyunTable) {
    it(`payload.locale ${JSON.stringify(locale)} → ${expected} (${why}); the locale never reaches the provider`, async () => {
      const { error } = await settle((await connector).sendMessage(data(CN, locale)));
      assert.equal(error, undefined, error?.message);
      assert.equal(aliyun.requests.length, 1);
      const [request] = aliyun.requests;
      assert.equal(request.verdict, 'ok');
      assert.equal(request.params.TemplateCode, expected);
      assert.equal(request.params.TemplateParam, JSON.stringify({ code: CODE }));
      assert.deepEqual(Object.keys(request.params).sort(), SEND_SMS_PARAMS);
      assert.ok(!request.rawBody.includes(LOCALE_MARKER), request.rawBody);
    });
  }

  it('the Generic fallback keeps the locale choice; with no template without locale, the first listed', async () => {
    const templates = [
      { usageType: 'Generic', templateCode: ZH, locale: 'zh' },
      { usageType: 'Generic', templateCode: EN, locale: 'en' },
      ...['SignIn', ...requiredUsageTypes].map((usageType) => ({ usageType, templateCode: PLAIN })),
    ];
    const connector = await createAliyunSmsConnector({ getConfig: async () => aliyunConfig({ templates }) });
    for (const [locale, expected] of [['en-AU', EN], ['zh-Hans-CN', ZH], ['de', ZH], [undefined, ZH]]) {
      aliyun.reset();
      assert.equal((await settle(connector.sendMessage(data(CN, locale, 'MfaVerification')))).error, undefined);
      assert.equal(aliyun.requests[0].params.TemplateCode, expected, String(locale));
    }
  });

  it('two templates with the same usage type and locale: the first listed wins', async () => {
    const templates = [{ usageType: 'SignIn', templateCode: EN, locale: 'en' }, { usageType: 'SignIn', templateCode: ZH, locale: 'EN' }, ...aliyunTemplates.slice(2)];
    const connector = await createAliyunSmsConnector({ getConfig: async () => aliyunConfig({ templates }) });
    assert.equal((await settle(connector.sendMessage(data(CN, 'en')))).error, undefined);
    assert.equal(aliyun.requests[0].params.TemplateCode, EN);
  });

  it('without any locale in the config the choice is the official one (first match), whatever the payload says', async () => {
    const templates = aliyunTemplates.map(({ locale, ...rest }) => rest);
    const connector = await createAliyunSmsConnector({ getConfig: async () => aliyunConfig({ templates }) });
    assert.equal((await settle(connector.sendMessage(data(CN, 'en')))).error, undefined);
    assert.equal(aliyun.requests[0].params.TemplateCode, ZH);
  });
});

describe('Tencent: the template for the user\'s language, with { china, overseas } codes', () => {
  const cases = [
    [CN, 'zh-CN', TZH, 'primary subtag zh, mainland code'],
    [CN, 'en-US', TEN, 'exact tag, mainland code'],
    [CN, 'EN', TEN, 'primary subtag, case-insensitive'],
    [UK, 'en-US', TENCENT_DEFAULTS.internationalTemplate, 'exact tag, overseas code'],
    [CN, 'ja', TPLAIN, 'no match: the template without locale'],
    [CN, undefined, TPLAIN, 'no payload locale'],
  ];
  for (const [to, locale, expected, why] of cases) {
    it(`${to} with payload.locale ${JSON.stringify(locale)} → ${expected} (${why})`, async () => {
      const connector = await createTencentSmsConnector({ getConfig: async () => tencentConfig() });
      const { error } = await settle(connector.sendMessage(data(to, locale)));
      assert.equal(error, undefined, error?.message);
      const [request] = tencent.requests;
      assert.equal(request.verdict, 'ok');
      assert.equal(request.body.TemplateId, expected);
      assert.deepEqual(request.body.TemplateParamSet, [CODE]);
      assert.ok(!Object.keys(request.body).some((key) => /locale/i.test(key)), request.rawBody);
      if (locale) assert.ok(!request.rawBody.includes(`"${locale}"`), request.rawBody);
    });
  }
});

describe('the international site: each language its own message text', () => {
  const intl = (templates) =>
    aliyunConfig({
      site: 'international',
      templates: [
        ...templates,
        ...['Generic', ...requiredUsageTypes].map((usageType) => ({ usageType, templateCode: PLAIN, message: 'Code {code}' })),
      ],
    });

  it('the chosen template\'s message is sent; an English user gets English, a Chinese user Chinese', async () => {
    const connector = await createAliyunSmsConnector({
      getConfig: async () =>
        intl([
          { usageType: 'SignIn', templateCode: ZH, locale: 'zh', message: '您的验证码是 {code}' },
          { usageType: 'SignIn', templateCode: EN, locale: 'en', message: 'Your code is {code}' },
        ]),
    });
    for (const [locale, text] of [['en-GB', `Your code is ${CODE}`], ['zh-CN', `您的验证码是 ${CODE}`]]) {
      aliyun.reset();
      assert.equal((await settle(connector.sendMessage(data(UK, locale)))).error, undefined);
      assert.equal(aliyun.requests[0].params.Action, 'SendMessageToGlobe');
      assert.equal(aliyun.requests[0].params.Message, text);
    }
  });

  it('selection comes first: a chosen template without message is template_not_found, never another locale\'s text', async () => {
    const connector = await createAliyunSmsConnector({
      getConfig: async () =>
        intl([
          { usageType: 'SignIn', templateCode: ZH, locale: 'zh' },
          { usageType: 'SignIn', templateCode: EN, locale: 'en', message: 'Your code is {code}' },
        ]),
    });
    const { error } = await settle(connector.sendMessage(data(UK, 'zh-TW')));
    assert.equal(error.code, 'template_not_found');
    assert.equal(aliyun.requests.length, 0);
  });
});

describe('the router: each account picks its own template for the language', () => {
  it('the first account\'s locale template is sent; after a failover, the second account\'s', async () => {
    const router = await createSmsRouterConnector({ getConfig: async () => ({}) });
    const config = {
      providers: [
        { name: 'cn', type: 'aliyun', config: aliyunConfig() },
        { name: 'backup', type: 'tencent', config: tencentConfig() },
      ],
      routes: [{ prefixes: ['*'], use: ['cn', 'backup'] }],
    };
    assert.equal((await settle(router.sendMessage(data(CN, 'en'), config))).error, undefined);
    assert.equal(aliyun.requests[0].params.TemplateCode, EN);
    aliyun.script({ businessCode: 'isv.DAY_LIMIT_CONTROL' });
    assert.equal((await settle(router.sendMessage(data(CN, 'en'), config))).error, undefined);
    assert.equal(tencent.requests[0].body.TemplateId, TEN);
  });
});

describe('the guard', () => {
  it('checks the tag\'s shape at ["templates", i, "locale"]; "" and null mean no locale; the output keeps a given locale', async () => {
    const { configGuard } = await createAliyunSmsConnector({ getConfig: async () => ({}) });
    const withLocale = (locale) => aliyunConfig({ templates: [{ usageType: 'SignIn', templateCode: ZH, locale }, ...aliyunTemplates.slice(2)] });
    for (const bad of ['e', 'english-language-tag-that-goes-on-and-on', 'en_US', 'en--US', '-en', 'en-', 'zh-CN!', 'abcdefghi', 'ja-123456789', ' en']) {
      const result = configGuard.safeParse(withLocale(bad));
      assert.equal(result.success, false, bad);
      assert.deepEqual(result.error.issues.map((issue) => [issue.path, issue.code]), [[['templates', 0, 'locale'], 'invalid_string']], bad);
    }
    const wrongType = configGuard.safeParse(withLocale(5));
    assert.deepEqual(wrongType.error.issues.map((issue) => [issue.path, issue.code]), [[['templates', 0, 'locale'], 'invalid_type']]);
    for (const good of ['en', 'zh-CN', 'pt-BR', 'zh-Hant-HK', 'es-419', 'x-klingon', 'sr-Latn-RS']) {
      const result = configGuard.safeParse(withLocale(good));
      assert.equal(result.success, true, good);
      assert.equal(result.data.templates[0].locale, good);
    }
    for (const unset of ['', null]) {
      const result = configGuard.safeParse(withLocale(unset));
      assert.equal(result.success, true, String(unset));
    }
    const none = configGuard.safeParse(aliyunConfig({ templates: aliyunTemplates.slice(2) }));
    assert.ok(none.data.templates.every((template) => !('locale' in template)));
  });

  it('the Tencent guard and the router accounts check it too', async () => {
    const tencentGuard = (await createTencentSmsConnector({ getConfig: async () => ({}) })).configGuard;
    const bad = tencentGuard.safeParse(tencentConfig({ templates: [{ usageType: 'Generic', templateCode: TGENERIC, locale: 'not_a_tag' }] }));
    assert.deepEqual(bad.error.issues.map((issue) => [issue.path, issue.code]), [[['templates', 0, 'locale'], 'invalid_string']]);
    const routerGuard = (await createSmsRouterConnector({ getConfig: async () => ({}) })).configGuard;
    const routed = routerGuard.safeParse({
      providers: [{ name: 'cn', type: 'tencent', config: tencentConfig({ templates: [{ usageType: 'Generic', templateCode: TGENERIC, locale: 'not_a_tag' }] }) }],
      routes: [{ prefixes: ['*'], use: ['cn'] }],
    });
    assert.deepEqual(routed.error.issues.map((issue) => [issue.path, issue.code]), [[['providers', 0, 'config', 'templates', 0, 'locale'], 'invalid_string']]);
  });
});

describe('the send log line', () => {
  it('carries the chosen template\'s locale, and nothing of the payload\'s own', async () => {
    const { text } = await captureStderr(async () => {
      const connector = await createAliyunSmsConnector({ getConfig: async () => aliyunConfig() });
      await connector.sendMessage(data(CN, 'zh-TW'));
      await connector.sendMessage(data(CN, LOCALE_MARKER.replace('zh', 'fr')));
    });
    const lines = jsonLines(text);
    assert.equal(lines.length, 2);
    assert.equal(lines[0].locale, 'zh-CN', 'the template\'s tag, not the payload\'s zh-TW');
    assert.equal('locale' in lines[1], false, 'the template without locale was sent');
  });
});
