// Aliyun SMS connector metadata. Everything before the added form items reproduces
// the official connector's metadata exactly (id, names, descriptions, form items,
// defaults): Logto matches stored configs by id, and the console renders these items.
import { endpointFormItem, limitsFormItem, strictPhoneRegionFormItem, templatesFormItem, timeoutFormItem } from './shared.js';

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
    templatesFormItem,
    strictPhoneRegionFormItem,
    // Added by this package:
    endpointFormItem('https://dysmsapi.aliyuncs.com/', 'International-site accounts may need https://dysmsapi.ap-southeast-1.aliyuncs.com/.'),
    timeoutFormItem,
    limitsFormItem,
  ]
};
