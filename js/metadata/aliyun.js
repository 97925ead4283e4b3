// Aliyun SMS connector metadata. Everything up to the added form items reproduces the
// official connector's metadata exactly (id, names, descriptions, form items, defaults):
// Logto matches stored configs by id, and the console renders these items. The last
// 2 form items are this package's additions (CONTRACT §4).
export const officialFormItemCount = 5;

export default {
  "id": "aliyun-short-message-service",
  "target": "aliyun-sms",
  "platform": null,
  "name": {
    "en": "Aliyun Short Message Service",
    "zh-CN": "阿里云短信服务",
    "tr-TR": "Aliyun SMS Servisi",
    "ko": "Aliyun Short 메세지 서비스"
  },
  "logo": "./logo.svg",
  "logoDark": null,
  "description": {
    "en": "Aliyun provides cloud computing services to online businesses.",
    "zh-CN": "阿里云是全球性的云服务提供商。",
    "tr-TR": "Aliyun, çevrimiçi işletmelere bulut bilişim hizmetleri sunmaktadır.",
    "ko": "Aliyun는 온라인 비지니스를 위해 클라우딩 컴퓨팅 서비스를 제공합니다."
  },
  "readme": "./README.md",
  "formItems": [
    {
      "key": "accessKeyId",
      "label": "Access Key ID",
      "type": "Text",
      "required": true,
      "placeholder": "<access-key-id>"
    },
    {
      "key": "accessKeySecret",
      "label": "Access Key Secret",
      "type": "Text",
      "required": true,
      "placeholder": "<access-key-secret>"
    },
    {
      "key": "signName",
      "label": "Signature Name",
      "type": "Text",
      "required": true,
      "placeholder": "<signature-name>"
    },
    {
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
    },
    {
      "key": "strictPhoneRegionNumberCheck",
      "label": "Strict Phone Region Number Check",
      "type": "Switch",
      "defaultValue": false,
      "description": "When this configuration is enabled, the connector will assume by default that all phone numbers include a valid region code and rely on this to determine whether the phone number belongs to mainland China. If your users' phone numbers do not include a region code due to historical reasons, their sign-in processes may be affected. Please enable this setting with caution."
    },
    {
      "key": "endpoint",
      "label": "Endpoint",
      "type": "Text",
      "required": false,
      "placeholder": "https://dysmsapi.aliyuncs.com/",
      "description": "Optional. Full URL of the SMS API; leave empty for https://dysmsapi.aliyuncs.com/. International-site accounts may need https://dysmsapi.ap-southeast-1.aliyuncs.com/. Must be https:// (http:// only for a loopback host)."
    },
    {
      "key": "timeoutMs",
      "label": "Timeout (ms)",
      "type": "Number",
      "required": false,
      "placeholder": "10000",
      "description": "Optional. Deadline for the whole request in milliseconds, 1 to 60000 (default 10000). A request that times out is not retried, so no code is sent twice."
    }
  ]
};
