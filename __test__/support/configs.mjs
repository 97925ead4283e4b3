// Configs for our connectors pointed at the simulators.
import { ALIYUN_DEFAULTS, TENCENT_DEFAULTS } from '../simulator/index.mjs';

export const USAGE_TYPES = ['SignIn', 'Register', 'ForgotPassword', 'OrganizationInvitation', 'Generic', 'UserPermissionValidation', 'BindNewIdentifier', 'MfaVerification', 'BindMfa'];

export const aliyunConfig = (simulator, overrides = {}) => ({
  accessKeyId: ALIYUN_DEFAULTS.accessKeyId,
  accessKeySecret: ALIYUN_DEFAULTS.accessKeySecret,
  signName: 'Logto',
  templates: USAGE_TYPES.map((usageType, index) => ({ usageType, templateCode: ALIYUN_DEFAULTS.mainlandTemplates[index] })),
  endpoint: simulator.endpoint,
  ...overrides,
});

export const tencentConfig = (simulator, overrides = {}) => ({
  accessKeyId: TENCENT_DEFAULTS.secretId,
  accessKeySecret: TENCENT_DEFAULTS.secretKey,
  signName: 'Logto',
  sdkAppId: TENCENT_DEFAULTS.sdkAppId,
  region: TENCENT_DEFAULTS.region,
  templates: USAGE_TYPES.map((usageType, index) => ({
    usageType,
    templateCode: { china: TENCENT_DEFAULTS.mainlandTemplates[index], overseas: TENCENT_DEFAULTS.internationalTemplate },
  })),
  endpoint: simulator.endpoint,
  ...overrides,
});

/** Settles a promise into { value } or { error }. */
export const settle = (promise) => promise.then((value) => ({ value }), (error) => ({ error }));
