// Form items the two connectors share. The `templates` and
// `strictPhoneRegionNumberCheck` items reproduce the official connectors'
// items exactly (Tencent's official connector has no strict item: ours adds
// Aliyun's); `endpoint`, `timeoutMs` (CONTRACT §4) and `limits` (§9) are this
// package's additions.

/**
 * The note both connectors add to the templates item's description: Logto's
 * console renders the JSON as it is, so `locale` is named here (CONTRACT §4).
 */
export const templateLocaleNote =
  'A template may carry a "locale" (a language tag such as "en" or "zh-CN"): among the templates of one usage type, the one matching the user\'s language (exact tag, else the same language) is sent, else the one without a locale. Example: [{ "usageType": "SignIn", "templateCode": "SMS_1", "locale": "zh-CN" }, { "usageType": "SignIn", "templateCode": "SMS_2", "locale": "en" }].';

/** The official `templates` item: one default template per Logto usage type. */
export const templatesFormItem = {
  "key": "templates",
  "label": "Templates",
  "type": "Json",
  "required": true,
  "defaultValue": [
    {
      "usageType": "SignIn",
      "templateCode": "<template-code>"
    },
    {
      "usageType": "Register",
      "templateCode": "<template-code>"
    },
    {
      "usageType": "ForgotPassword",
      "templateCode": "<template-code>"
    },
    {
      "usageType": "OrganizationInvitation",
      "templateCode": "<template-code>"
    },
    {
      "usageType": "Generic",
      "templateCode": "<template-code>"
    },
    {
      "usageType": "UserPermissionValidation",
      "templateCode": "<template-code>"
    },
    {
      "usageType": "BindNewIdentifier",
      "templateCode": "<template-code>"
    },
    {
      "usageType": "MfaVerification",
      "templateCode": "<template-code>"
    },
    {
      "usageType": "BindMfa",
      "templateCode": "<template-code>"
    }
  ]
};

/** The official Aliyun `strictPhoneRegionNumberCheck` item. */
export const strictPhoneRegionFormItem = {
  "key": "strictPhoneRegionNumberCheck",
  "label": "Strict Phone Region Number Check",
  "type": "Switch",
  "defaultValue": false,
  "description": "When this configuration is enabled, the connector will assume by default that all phone numbers include a valid region code and rely on this to determine whether the phone number belongs to mainland China. If your users' phone numbers do not include a region code due to historical reasons, their sign-in processes may be affected. Please enable this setting with caution."
};

/** The added `endpoint` item, for a provider's default URL. */
export const endpointFormItem = (defaultUrl, internationalHint) => ({
  key: 'endpoint',
  label: 'Endpoint',
  type: 'Text',
  required: false,
  placeholder: defaultUrl,
  description: `Optional. Full URL of the SMS API; leave empty for ${defaultUrl}. ${internationalHint} Must be https:// (http:// only for a loopback host).`,
});

/** The added `timeoutMs` item. */
export const timeoutFormItem = {
  "key": "timeoutMs",
  "label": "Timeout (ms)",
  "type": "Number",
  "required": false,
  "placeholder": "10000",
  "description": "Optional. Deadline for the whole request in milliseconds, 1 to 60000 (default 10000). A request that times out is not retried, so no code is sent twice."
};

/**
 * The added `limits` item (CONTRACT §9). No default value: a connector without
 * the key sends without limits, as the official one does; the placeholder shows
 * the README's recommended starting setting.
 */
export const limitsFormItem = {
  key: 'limits',
  label: 'Send limits',
  type: 'Json',
  required: false,
  placeholder: JSON.stringify(
    {
      countries: { allow: ['86'], deny: [] },
      perIp: { max: 10, windowSeconds: 3600 },
      perCountry: { max: 500, windowSeconds: 86400 },
      global: { max: 2000, windowSeconds: 86400 },
    },
    null,
    2
  ),
  description:
    'Optional guard against SMS pumping (bots requesting codes to premium-rate numbers). countries.allow / countries.deny: E.164 prefixes such as "86" (deny wins; an empty allow list allows every country). perIp, perRange (with trailingDigits, default 3), perCountry, global: { max, windowSeconds }, at most max sends in any rolling window (per IP address, per number range, per calling code, in total). Counted in this Logto process, or shared by every replica with redisUrl (Logto\'s REDIS_URL syntax, cluster included, or "env:REDIS_URL" to read it from the environment); namespace keeps deployments sharing one Redis apart. onStoreError: "allow" (default: send when Redis cannot answer) or "deny". mode: "monitor" counts and logs what would be refused without refusing. See the connector\'s README.',
};
