// Tencent Cloud SMS connector metadata. Everything before the added form items reproduces
// the official connector's metadata exactly (id, names, descriptions, form items,
// defaults): Logto matches stored configs by id, and the console renders these items.
import { endpointFormItem, limitsFormItem, strictPhoneRegionFormItem, templateLocaleNote, templatesFormItem, timeoutFormItem } from './shared.js';

export default {
  "id": "tencent-short-message-service",
  "target": "tencent-sms",
  "platform": null,
  "name": {
    "en": "Tencent Short Message Service",
    "zh-CN": "腾讯云短信服务",
    "tr-TR": "Tencent SMS Servisi",
    "ko": "Tencent Short 메세지 서비스"
  },
  "logo": "./logo.svg",
  "logoDark": null,
  "description": {
    "en": "Tencent provides cloud computing services to online businesses.",
    "zh-CN": "腾讯云是全球性的云服务提供商。",
    "tr-TR": "Tencent, çevrimiçi işletmelere bulut bilişim hizmetleri sunmaktadır.",
    "ko": "Tencent 는 온라인 비지니스를 위해 클라우딩 컴퓨팅 서비스를 제공합니다."
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
      "label": "Sign Name",
      "type": "Text",
      "required": true,
      "placeholder": "<sign-name>"
    },
    {
      "key": "sdkAppId",
      "label": "SDK App ID",
      "type": "Text",
      "required": true,
      "placeholder": "<sdk-app-id>"
    },
    {
      "key": "region",
      "label": "Region",
      "type": "Text",
      "required": true,
      "placeholder": "<region>"
    },
    // The official item; the description (the official one has none) is added.
    { ...templatesFormItem, description: templateLocaleNote },
    // Added by this package:
    strictPhoneRegionFormItem,
    endpointFormItem('https://sms.tencentcloudapi.com', 'International-site (tencentcloud.com) accounts use https://sms.intl.tencentcloudapi.com.'),
    timeoutFormItem,
    limitsFormItem,
  ]
};
