// SMS router connector metadata (CONTRACT §8): this package's own connector,
// not a drop-in for an official one, so its id, names and form items are ours.
// The console shows `providers`, `routes`, `failover` and `limits` as JSON
// editors; the defaults are a working shape to fill in.
import { limitsFormItem } from './shared.js';

/** An account entry as the `providers` editor starts it. */
const accountExample = (name, type, config) => ({ name, type, config });

const templates = ['SignIn', 'Register', 'ForgotPassword', 'Generic'];

const providersFormItem = {
  key: 'providers',
  label: 'Provider accounts',
  type: 'Json',
  required: true,
  defaultValue: [
    accountExample('aliyun-cn', 'aliyun', {
      accessKeyId: '<access-key-id>',
      accessKeySecret: '<access-key-secret>',
      signName: '<signature-name>',
      templates: templates.map((usageType) => ({ usageType, templateCode: '<template-code>' })),
    }),
    accountExample('tencent', 'tencent', {
      accessKeyId: '<secret-id>',
      accessKeySecret: '<secret-key>',
      signName: '<sign-name>',
      sdkAppId: '<sdk-app-id>',
      region: 'ap-guangzhou',
      templates: templates.map((usageType) => ({ usageType, templateCode: '<template-id>' })),
    }),
  ],
  description:
    'The SMS accounts to send through. Each is { "name": unique name, "type": "aliyun" or "tencent", "config": exactly what that provider\'s own connector accepts (Aliyun: accessKeyId, accessKeySecret, signName, templates, site, senderId, endpoint, timeoutMs…; Tencent: accessKeyId, accessKeySecret, signName, sdkAppId, region, templates, endpoint, timeoutMs…) }. Send limits go in "Send limits" below, not inside an account.',
};

const routesFormItem = {
  key: 'routes',
  label: 'Routes',
  type: 'Json',
  required: true,
  defaultValue: [
    { prefixes: ['86'], use: ['aliyun-cn', 'tencent'] },
    { prefixes: ['*'], use: ['tencent'] },
  ],
  description:
    'Which accounts send to which numbers. Each route is { "prefixes": leading digits of the number in international form without + ("86", "852", "1"), or "*" for any number; "use": account names, tried in this order }. The route with the longest matching prefix wins. The next account is tried only when the previous one refused before anything could be delivered (throttled, out of balance, account or template set-up, number or country not served, connection refused), never after a timeout or an unclear answer. A number no route takes is refused.',
};

const strictPhoneRegionFormItem = {
  key: 'strictPhoneRegionNumberCheck',
  label: 'Strict Phone Region Number Check',
  type: 'Switch',
  defaultValue: false,
  description:
    'For routing: when off (default), an 11-digit number starting with 1 and no country code counts as a mainland China number (+86), as the official Aliyun connector assumes for numbers stored without a country code. Turn it on when every stored number has its country code. Each account keeps its own setting for sending.',
};

const failoverFormItem = {
  key: 'failover',
  label: 'Failover',
  type: 'Json',
  required: false,
  defaultValue: { refusals: 3, coolDownSeconds: 60 },
  description:
    'An account that refused "refusals" times in a row is skipped for "coolDownSeconds" while another account of its route is available (integers, at least 1).',
};

/** The direct connectors' `limits` item; in the router it applies once per send. */
const routerLimitsFormItem = {
  ...limitsFormItem,
  description: `${limitsFormItem.description} In the router: applied once per code, before routing, whatever the number of accounts tried; never inside an account's config.`,
};

export default {
  id: 'sms-router-native',
  target: 'sms-router',
  platform: null,
  name: {
    en: 'SMS Router (Aliyun, Tencent Cloud)',
    'zh-CN': '短信路由（阿里云、腾讯云）',
    'tr-TR': 'SMS Yönlendirici (Aliyun, Tencent Cloud)',
    ko: 'SMS 라우터 (Aliyun, Tencent Cloud)',
  },
  logo: './logo.svg',
  logoDark: null,
  description: {
    en: 'Sends each verification code through the Aliyun or Tencent Cloud SMS account that fits the recipient\'s number, and fails over to the next account when one refuses.',
    'zh-CN': '按收件人号码选择合适的阿里云或腾讯云短信账号发送验证码；某个账号拒绝发送时，自动改用下一个账号。',
    'tr-TR': 'Her doğrulama kodunu alıcının numarasına uyan Aliyun veya Tencent Cloud SMS hesabıyla gönderir; bir hesap reddederse sıradaki hesaba geçer.',
    ko: '수신자 번호에 맞는 Aliyun 또는 Tencent Cloud SMS 계정으로 인증 코드를 보내고, 한 계정이 거부하면 다음 계정으로 넘어갑니다.',
  },
  readme: './README.md',
  formItems: [providersFormItem, routesFormItem, strictPhoneRegionFormItem, failoverFormItem, routerLimitsFormItem],
};
