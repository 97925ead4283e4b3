// Aliyun SMS connector metadata. Everything before the added form items reproduces
// the official connector's metadata exactly (id, names, descriptions, form items,
// defaults): Logto matches stored configs by id, and the console renders these items.
import { endpointFormItem, limitsFormItem, strictPhoneRegionFormItem, templateLocaleNote, templatesFormItem, timeoutFormItem } from './shared.js';

// The official templates item; its description (not part of the official
// item, which has none) shows the `locale` and the `message` an
// international-site account adds.
const aliyunTemplatesFormItem = {
  ...templatesFormItem,
  description:
    'International-site accounts (Account site: International) also give each template a "message": the text sent to numbers outside the Chinese mainland, with {code} where the code goes. Example: { "usageType": "SignIn", "templateCode": "SMS_123456789", "message": "Your verification code is {code}. It expires in 10 minutes." }. Mainland numbers always get the approved templateCode. ' + templateLocaleNote,
};

/** Added: which Alibaba Cloud site the account belongs to (CONTRACT §7). */
const siteFormItem = {
  key: 'site',
  label: 'Account site',
  type: 'Select',
  required: false,
  defaultValue: 'china',
  selectItems: [
    { value: 'china', title: 'China site (aliyun.com)' },
    { value: 'international', title: 'International site (alibabacloud.com)' },
  ],
  description:
    'China-site accounts send with SendSms. International-site accounts send with SendMessageWithTemplate (mainland China numbers, approved signature and template) and SendMessageToGlobe (every other number, the template\'s "message" text).',
};

/** Added: the sender id international-site accounts may show abroad. */
const senderIdFormItem = {
  key: 'senderId',
  label: 'Sender ID',
  type: 'Text',
  required: false,
  placeholder: '<sender-id>',
  showConditions: [{ targetKey: 'site', expectValue: 'international' }],
  description:
    'Optional, international site only. The approved sender id shown to numbers outside the Chinese mainland: up to 11 letters and digits, or up to 15 digits. Empty: the provider\'s default sender.',
};

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
    aliyunTemplatesFormItem,
    strictPhoneRegionFormItem,
    // Added by this package:
    siteFormItem,
    senderIdFormItem,
    endpointFormItem(
      'https://dysmsapi.aliyuncs.com/',
      'With Account site International the default is https://dysmsapi.ap-southeast-1.aliyuncs.com/.'
    ),
    timeoutFormItem,
    limitsFormItem,
  ]
};
