//! Aliyun international-site accounts (alibabacloud.com): Dysmsapi 2018-05-01,
//! same RPC signature v1 and form POST as `SendSms` (CONTRACT §7).
//!
//! - a recipient the mainland rule calls mainland: `SendMessageWithTemplate`
//!   (approved signature and template, `TemplateParam={"code":…}`);
//! - anyone else: `SendMessageToGlobe` (the template's own `message` text with
//!   the code in place, `Type=OTP`, the optional sender id).
//!
//! Answers: HTTP 200 with `ResponseCode` (`OK` on success) for what the service
//! processed; gateway errors (signature, key, throttling at the gateway) keep
//! the `SendSms` shape `{ Code, Message, RequestId }` and the §5 table.
//!
//! Sources (read 2026; no live account was available to check them against):
//! - SendMessageToGlobe: <https://www.alibabacloud.com/help/en/sms/developer-reference/api-dysmsapi-2018-05-01-sendmessagetoglobe>
//! - SendMessageWithTemplate: <https://www.alibabacloud.com/help/en/sms/developer-reference/api-dysmsapi-2018-05-01-sendmessagewithtemplate>
//!   (zh: <https://help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-2018-05-01-sendmessagewithtemplate>)
//! - endpoint, `RegionId=ap-southeast-1`, `Version=2018-05-01`: the SDK samples,
//!   e.g. <https://www.alibabacloud.com/help/zh/doc-detail/106584.htm>

use serde_json::Value;

use super::aliyun::{self, PROVIDER};
use super::{classify, id_field, invalid_shape, lookup, provider_error, str_field, Rule, Scope};
use crate::config::aliyun::AliyunConfig;
use crate::error::{ConnectorError, ErrorCode};
use crate::phone;
use crate::send_log::Receipt;
use crate::template::{self, Template};
use crate::transport::{HttpRequest, HttpResponse};

use ErrorCode::*;
use Scope::*;
/// `ResponseCode`s of the 2018-05-01 send actions, without the `isv.`/`isp.`
/// prefix some tables show (it is removed before the lookup). First match
/// wins. Sources: the international error-code page
/// <https://www.alibabacloud.com/help/en/sms/developer-reference/error-codes>
/// ("Common error codes"), and its older editions with prefixes
/// <https://www.alibabacloud.com/help/doc-detail/116206.htm> and
/// <https://www.alibabacloud.com/help/doc-detail/73694.htm> (older names
/// such as `PHONE_NUMBER_ILLEGAL`, `SENDERID_ERROR`). A code not listed here
/// is looked up in the `SendSms` table (§5), then is `General`.
const RESPONSE_CODE_RULES: &[Rule] = &[
  // The recipient: number, blacklist.
  Rule::exact("MOBILE_NUMBER_ILLEGAL", InvalidRequestParameters),
  Rule::exact("PHONE_NUMBER_ILLEGAL", InvalidRequestParameters),
  // Documented only as "Blacklist control"; CONTRACT §7 puts blacklists with the recipient.
  Rule::exact("BLACK_KEY_CONTROL_LIMIT", InvalidRequestParameters),
  // A country this account does not serve: another account may (§8 `destination`).
  Rule::exact("NOT_SUPPORTED_COUNTRY", InvalidRequestParameters).scope(Destination),
  // "The Phone Number from Mainland China is not supported" (SendMessageToGlobe).
  Rule::exact("COUNTRY_RESTRICTED", InvalidRequestParameters).scope(Destination),
  // Throttling: BUSINESS_LIMIT_CONTROL (per number: §8 `recipient`),
  // BUSINESS_LIMIT_CONTROL_MINUTE, BUSINESS_LIMIT_HOUR, BUSINESS_LIMIT_DAY,
  // QPS_LIMIT_CONTROL, DAY_LIMIT_CONTROL…
  Rule::exact("BUSINESS_LIMIT_CONTROL", RateLimitExceeded).scope(Recipient),
  Rule::contains("LIMIT_CONTROL", RateLimitExceeded),
  Rule::prefix("BUSINESS_LIMIT_", RateLimitExceeded),
  // Balance, or the service suspended.
  Rule::exact("AMOUNT_NOT_ENOUGH", UsageLimitExceeded),
  Rule::exact("OUT_OF_SERVICE", UsageLimitExceeded),
  // The account's set-up: account, sender id, signature, template, permission.
  Rule::exact("INVALID_SENDERID", InvalidConfig),
  Rule::exact("SENDERID_ERROR", InvalidConfig),
  Rule::exact("SMS_CONTENT_CODE_ILLEGAL", InvalidConfig),
  Rule::exact("SMS_CONTENTCODE_ILLEGAL", InvalidConfig),
  Rule::exact("SMS_SIGN_NAME_ILLEGAL", InvalidConfig),
  // A template with a variable other than `code` (only the code is sent).
  Rule::exact("CONTENT_MISSING_PARAMETERS", InvalidConfig),
  Rule::exact("FORBIDDEN_ACTION", InvalidConfig),
  Rule::exact("ACCOUNT_NOT_EXISTS", InvalidConfig),
  Rule::exact("ACCOUNT_ABNORMAL", InvalidConfig),
  Rule::exact("RAM_PERMISSION_DENY", InvalidConfig),
  Rule::exact("RAM_CHECK_FAILED", InvalidConfig),
  Rule::exact("PRODUCT_UN_SUBSCRIPT", InvalidConfig),
  Rule::exact("PRODUCT_UNSUBSCRIBE", InvalidConfig),
  // SYSTEM_ERROR, GATEWAY_ERROR, UNKNOWN, INVALID_PARAMETERS, INVALID_JSON_PARAM,
  // PARAM_LENGTH_LIMIT, MOBILE_COUNT_OVER_LIMIT…: General (no rule).
];

/// The code without the `isv.`/`isp.` prefix some tables show.
fn bare(code: &str) -> &str {
  code
    .strip_prefix("isv.")
    .or_else(|| code.strip_prefix("isp."))
    .unwrap_or(code)
}

pub fn classify_response_code(code: &str) -> ErrorCode {
  match classify(RESPONSE_CODE_RULES, bare(code)) {
    General => aliyun::classify_code(code),
    class => class,
  }
}

/// The refusal scope, from the rule that gave `classify_response_code` its
/// answer (this table, else the `SendSms` one for gateway codes).
pub fn refusal_scope(code: &str) -> Option<Scope> {
  match lookup(RESPONSE_CODE_RULES, bare(code)) {
    Some(rule) => rule.refusal_scope(),
    None => aliyun::refusal_scope(code),
  }
}

/// `Type` of `SendMessageToGlobe`: verification codes are one-time passwords.
const MESSAGE_TYPE: &str = "OTP";
const VERSION: &str = "2018-05-01";

/// What varies per send; time and nonce come from the caller so this stays pure.
pub struct Message<'a> {
  /// The template `template::find` chose.
  pub template: &'a Template,
  /// Logto's number, already checked (`phone::check_recipient`).
  pub to: &'a str,
  pub code: &'a str,
  pub timestamp: String,
  pub nonce: String,
}

/// The signed request for an international-site account, or
/// `TemplateNotFound` (nothing sent) when an overseas recipient's template has
/// no `message`.
pub fn build_request(
  config: &AliyunConfig,
  message: &Message<'_>,
) -> Result<HttpRequest, ConnectorError> {
  let strict = config.common.strict_phone_region_number_check;
  // `86` + 11 digits for the mainland, country code + number otherwise:
  // the E.164 digits without `+`.
  let e164 = phone::to_e164(message.to, strict);
  let to = e164.trim_start_matches('+');
  let common = [
    ("AccessKeyId", config.common.access_key_id.as_str()),
    ("Format", "JSON"),
    ("RegionId", config.region_id.as_str()),
    ("SignatureMethod", "HMAC-SHA1"),
    ("SignatureNonce", message.nonce.as_str()),
    ("SignatureVersion", "1.0"),
    ("Timestamp", message.timestamp.as_str()),
    ("To", to),
    ("Version", VERSION),
  ];
  if phone::is_china_number(message.to, strict) {
    let template_code = template::code_for(message.template, message.to, strict);
    let template_param = aliyun::template_param(message.code);
    let params = sorted(
      &common,
      &[
        ("Action", "SendMessageWithTemplate"),
        ("From", config.common.sign_name.as_str()),
        ("TemplateCode", template_code),
        ("TemplateParam", template_param.as_str()),
      ],
    );
    return Ok(aliyun::signed_form(config, params));
  }
  let Some(text) = message.template.message.as_deref() else {
    return Err(ConnectorError::new(
      ErrorCode::TemplateNotFound,
      format!(
        "The {} template has no message: an international-site account sends numbers outside \
         the Chinese mainland the template's own text (templates[].message, containing {{code}}).",
        message.template.usage_type
      ),
    ));
  };
  let text = text.replace(crate::config::shared::CODE_PLACEHOLDER, message.code);
  let mut own = vec![
    ("Action", "SendMessageToGlobe"),
    ("Message", text.as_str()),
    ("Type", MESSAGE_TYPE),
  ];
  if let Some(sender_id) = config.sender_id.as_deref() {
    own.push(("From", sender_id));
  }
  Ok(aliyun::signed_form(config, sorted(&common, &own)))
}

/// Both lists merged in the byte-wise name order Aliyun signs in.
fn sorted<'a>(a: &[(&'a str, &'a str)], b: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
  let mut params: Vec<_> = a.iter().chain(b).copied().collect();
  params.sort_unstable_by(|x, y| x.0.as_bytes().cmp(y.0.as_bytes()));
  params
}

/// Optional answer fields and the JSON types they may have (`null` = absent).
const OPTIONAL_STRINGS: [&str; 5] = [
  "ResponseDescription",
  "RequestId",
  "MessageId",
  "To",
  "From",
];

/// The ids an operator looks for, from a success answer.
pub fn receipt(body: &Value) -> Receipt {
  let text = |key| id_field(body, key);
  Receipt {
    code: text("ResponseCode"),
    request_id: text("RequestId"),
    message_id: text("MessageId").map(|id| ("MessageId", id)),
  }
}

/// Reads an answer: the parsed body on `ResponseCode: "OK"`, else the
/// classified error. A gateway error (no `ResponseCode`) is read as `SendSms`
/// reads it.
pub fn interpret(response: &HttpResponse) -> Result<Value, ConnectorError> {
  let body = aliyun::object_body(response)?;
  let Some(response_code) = body.get("ResponseCode") else {
    let code = aliyun::code_field(&body, response.status)?;
    // `Code: "OK"` is a `SendSms` success, not an answer to these actions.
    if code == "OK" {
      return Err(invalid_shape(PROVIDER, response.status));
    }
    return Err(aliyun::refusal(code, &body));
  };
  let optional_ok = OPTIONAL_STRINGS
    .iter()
    .all(|key| body.get(key).is_none_or(|v| v.is_string() || v.is_null()))
    && body
      .get("Segments")
      .is_none_or(|v| v.is_string() || v.is_u64() || v.is_null())
    && body
      .get("NumberDetail")
      .is_none_or(|v| v.is_object() || v.is_null());
  let Some(code) = response_code.as_str() else {
    return Err(invalid_shape(PROVIDER, response.status));
  };
  // Once the code says the message went out, optional fields are read
  // leniently (CONTRACT §5); a refusal's must be what they say.
  if code == "OK" && (200..300).contains(&response.status) {
    return Ok(body);
  }
  if !optional_ok {
    return Err(invalid_shape(PROVIDER, response.status));
  }
  let description = match str_field(&body, "ResponseDescription") {
    Some(text) if !text.is_empty() => text.to_owned(),
    _ => format!("{PROVIDER} refused the message with {code}."),
  };
  Err(provider_error(
    classify_response_code(code),
    code,
    description,
    str_field(&body, "RequestId"),
  ))
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::provider::test_support::{answer, code_of};
  use crate::sign::aliyun_rpc;
  use crate::template::TemplateCode;
  use serde_json::json;

  fn config(extra: Value) -> AliyunConfig {
    let templates: Vec<Value> = ["Register", "SignIn", "ForgotPassword", "Generic"]
      .iter()
      .map(
        |u| json!({ "usageType": u, "templateCode": { "china": "SMS_CN", "overseas": "SMS_OV" } }),
      )
      .collect();
    let mut input = json!({
      "accessKeyId": "testId", "accessKeySecret": "testSecret", "signName": "Logto",
      "templates": templates, "site": "international",
    });
    if let (Value::Object(input), Value::Object(extra)) = (&mut input, extra) {
      input.extend(extra);
    }
    match crate::config::aliyun::parse(&input) {
      Ok(parsed) => parsed.config,
      Err(issues) => panic!("config parses: {issues:?}"),
    }
  }

  fn template(message: Option<&str>) -> Template {
    Template {
      usage_type: "SignIn".into(),
      code: TemplateCode::Regional {
        china: "SMS_CN".into(),
        overseas: "SMS_OV".into(),
      },
      message: message.map(str::to_owned),
      locale: None,
    }
  }

  fn message<'a>(template: &'a Template, to: &'a str) -> Message<'a> {
    Message {
      template,
      to,
      code: "123456",
      timestamp: "2024-01-01T00:00:00Z".into(),
      nonce: "c1b2c332-4cfb-4a0f-b8cc-ebe622aa0a5c".into(),
    }
  }

  /// The form body as (name, value) pairs, decoded, `Signature` left out.
  fn form(request: &HttpRequest) -> Vec<(String, String)> {
    let body = String::from_utf8_lossy(&request.body).into_owned();
    url::form_urlencoded::parse(body.as_bytes())
      .into_owned()
      .filter(|(k, _)| k != "Signature")
      .collect()
  }

  fn signature(request: &HttpRequest) -> Option<String> {
    let body = String::from_utf8_lossy(&request.body).into_owned();
    url::form_urlencoded::parse(body.as_bytes())
      .into_owned()
      .find(|(k, _)| k == "Signature")
      .map(|(_, v)| v)
  }

  fn build(config: &AliyunConfig, template: &Template, to: &str) -> HttpRequest {
    match build_request(config, &message(template, to)) {
      Ok(request) => request,
      Err(error) => panic!("builds: {error:?}"),
    }
  }

  #[test]
  fn overseas_recipients_get_the_template_text_through_send_message_to_globe() {
    let config = config(json!({ "senderId": "Logto" }));
    let t = template(Some("Your code is {code}; {code} expires in 5 minutes"));
    let request = build(&config, &t, "447911123456");
    assert_eq!(
      request.url.as_str(),
      "https://dysmsapi.ap-southeast-1.aliyuncs.com/"
    );
    let pairs = form(&request);
    let expected = [
      ("AccessKeyId", "testId"),
      ("Action", "SendMessageToGlobe"),
      ("Format", "JSON"),
      ("From", "Logto"),
      (
        "Message",
        "Your code is 123456; 123456 expires in 5 minutes",
      ),
      ("RegionId", "ap-southeast-1"),
      ("SignatureMethod", "HMAC-SHA1"),
      ("SignatureNonce", "c1b2c332-4cfb-4a0f-b8cc-ebe622aa0a5c"),
      ("SignatureVersion", "1.0"),
      ("Timestamp", "2024-01-01T00:00:00Z"),
      ("To", "447911123456"),
      ("Type", "OTP"),
      ("Version", "2018-05-01"),
    ];
    let expected: Vec<(String, String)> = expected
      .iter()
      .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
      .collect();
    assert_eq!(pairs, expected);
    // The signature is the RPC v1 signature of exactly these parameters.
    let params = expected.iter().cloned().collect();
    let signed = aliyun_rpc::sign("POST", &params, "testSecret");
    assert_eq!(signature(&request), Some(signed.signature));
  }

  #[test]
  fn no_sender_id_no_from() {
    let config = config(json!({}));
    let t = template(Some("{code}"));
    for to in ["+447911123456", "00447911123456", "447911123456"] {
      let pairs = form(&build(&config, &t, to));
      assert!(pairs.iter().all(|(k, _)| k != "From"), "{pairs:?}");
      assert!(
        pairs.contains(&("To".into(), "447911123456".into())),
        "{to}"
      );
      assert!(pairs.contains(&("Message".into(), "123456".into())));
    }
  }

  #[test]
  fn mainland_recipients_get_the_approved_template() {
    let config = config(json!({ "senderId": "Logto" }));
    let t = template(None);
    for to in [
      "8613812345678",
      "+8613812345678",
      "008613812345678",
      "13812345678",
    ] {
      let pairs = form(&build(&config, &t, to));
      let get = |name: &str| {
        pairs
          .iter()
          .find(|(k, _)| k == name)
          .map(|(_, v)| v.as_str())
      };
      assert_eq!(get("Action"), Some("SendMessageWithTemplate"), "{to}");
      assert_eq!(get("To"), Some("8613812345678"), "{to}");
      // The signature name, never the sender id.
      assert_eq!(get("From"), Some("Logto"));
      assert_eq!(get("TemplateCode"), Some("SMS_CN"));
      assert_eq!(get("TemplateParam"), Some(r#"{"code":"123456"}"#));
      assert_eq!(get("Message"), None);
      assert_eq!(get("Type"), None);
      assert_eq!(get("Version"), Some("2018-05-01"));
    }
  }

  #[test]
  fn strict_mode_sends_a_bare_eleven_digit_number_abroad() {
    let t = template(Some("Code {code}"));
    let loose = form(&build(&config(json!({})), &t, "13812345678"));
    assert!(loose.contains(&("Action".into(), "SendMessageWithTemplate".into())));
    let strict = form(&build(
      &config(json!({ "strictPhoneRegionNumberCheck": true })),
      &t,
      "13812345678",
    ));
    assert!(strict.contains(&("Action".into(), "SendMessageToGlobe".into())));
    assert!(strict.contains(&("To".into(), "13812345678".into())));
  }

  #[test]
  fn overseas_without_message_is_template_not_found() {
    let error = build_request(&config(json!({})), &message(&template(None), "85268326366")).err();
    assert_eq!(
      error.as_ref().map(|e| e.code),
      Some(ErrorCode::TemplateNotFound)
    );
    assert!(error
      .as_ref()
      .and_then(|e| e.description())
      .is_some_and(|d| d.contains("SignIn")));
  }

  #[test]
  fn region_follows_the_endpoint() {
    let request = build(
      &config(json!({ "endpoint": "https://dysmsapi.eu-central-1.aliyuncs.com/" })),
      &template(Some("{code}")),
      "447911123456",
    );
    assert!(form(&request).contains(&("RegionId".into(), "eu-central-1".into())));
    let loopback = build(
      &config(json!({ "endpoint": "http://127.0.0.1:9/" })),
      &template(Some("{code}")),
      "447911123456",
    );
    assert!(form(&loopback).contains(&("RegionId".into(), "ap-southeast-1".into())));
  }

  #[test]
  fn response_code_table() {
    let cases = [
      ("MOBILE_NUMBER_ILLEGAL", InvalidRequestParameters),
      ("isv.MOBILE_NUMBER_ILLEGAL", InvalidRequestParameters),
      ("NOT_SUPPORTED_COUNTRY", InvalidRequestParameters),
      ("isv.COUNTRY_RESTRICTED", InvalidRequestParameters),
      ("BLACK_KEY_CONTROL_LIMIT", InvalidRequestParameters),
      ("BUSINESS_LIMIT_CONTROL", RateLimitExceeded),
      ("BUSINESS_LIMIT_CONTROL_MINUTE", RateLimitExceeded),
      ("isv.BUSINESS_LIMIT_HOUR", RateLimitExceeded),
      ("isv.BUSINESS_LIMIT_DAY", RateLimitExceeded),
      ("BUSINESS_LIMIT_CONTROL_PHONE", RateLimitExceeded),
      ("QPS_LIMIT_CONTROL", RateLimitExceeded),
      ("isv.DAY_LIMIT_CONTROL", RateLimitExceeded),
      ("AMOUNT_NOT_ENOUGH", UsageLimitExceeded),
      ("isv.OUT_OF_SERVICE", UsageLimitExceeded),
      ("INVALID_SENDERID", InvalidConfig),
      ("isv.SENDERID_ERROR", InvalidConfig),
      ("SMS_CONTENT_CODE_ILLEGAL", InvalidConfig),
      ("SMS_SIGN_NAME_ILLEGAL", InvalidConfig),
      ("FORBIDDEN_ACTION", InvalidConfig),
      ("isv.ACCOUNT_NOT_EXISTS", InvalidConfig),
      ("isp.RAM_PERMISSION_DENY", InvalidConfig),
      ("RAM_PERMISSION_DENY", InvalidConfig),
      ("PRODUCT_UN_SUBSCRIPT", InvalidConfig),
      ("CONTENT_MISSING_PARAMETERS", InvalidConfig),
      // The SendSms table still applies to what this one does not list.
      ("isv.SMS_TEMPLATE_ILLEGAL", InvalidConfig),
      ("Throttling.User", RateLimitExceeded),
      ("SYSTEM_ERROR", General),
      ("isp.SYSTEM_ERROR", General),
      ("GATEWAY_ERROR", General),
      ("INVALID_PARAMETERS", General),
      ("PARAM_LENGTH_LIMIT", General),
      ("something.new", General),
    ];
    for (code, expected) in cases {
      assert_eq!(classify_response_code(code), expected, "{code}");
    }
  }

  #[test]
  fn documented_success_and_optional_fields() {
    let full = r#"{"ResponseCode":"OK","NumberDetail":{"Carrier":"CMI","Region":"HongKong","Country":"Hongkong, China"},"RequestId":"F655A8D5-B967-440B-8683-DAD6FF8DE990","Segments":"1","ResponseDescription":"The SMS Send Request was accepted","To":"85268326366","MessageId":"1008030300****","From":"Alicloud"}"#;
    let Ok(value) = interpret(&answer(200, full)) else {
      panic!("success")
    };
    assert_eq!(value["MessageId"], "1008030300****");
    for body in [
      r#"{"ResponseCode":"OK"}"#,
      r#"{"ResponseCode":"OK","MessageId":null,"Segments":null,"NumberDetail":null,"From":null,"To":null,"RequestId":null,"ResponseDescription":null}"#,
      r#"{"ResponseCode":"OK","Segments":2}"#,
    ] {
      assert!(interpret(&answer(200, body)).is_ok(), "{body}");
    }
  }

  #[test]
  fn a_success_reads_optional_fields_leniently() {
    for body in [
      r#"{"ResponseCode":"OK","MessageId":5}"#,
      r#"{"ResponseCode":"OK","NumberDetail":"x","Segments":"1"}"#,
    ] {
      assert!(interpret(&answer(200, body)).is_ok(), "{body}");
    }
    let body = r#"{"ResponseCode":"OK","MessageId":1008000012345,"RequestId":7}"#;
    let value = interpret(&answer(200, body)).unwrap_or_default();
    assert_eq!(
      receipt(&value).message_id,
      Some(("MessageId", "1008000012345".to_owned()))
    );
  }

  #[test]
  fn shapes_statuses_and_refusals() {
    for (status, body, expected) in [
      (200, r#"{"ResponseCode":5}"#, InvalidResponse),
      // A refusal's companions must be what they say (a success's are read
      // leniently: `a_success_reads_optional_fields_leniently`).
      (
        200,
        r#"{"ResponseCode":"INVALID_SENDERID","RequestId":5}"#,
        InvalidResponse,
      ),
      (200, r#"{"Code":"OK","Message":"OK"}"#, InvalidResponse),
      (200, r#"{"Message":"x"}"#, InvalidResponse),
      (200, "[1]", InvalidResponse),
      (502, "<html></html>", General),
      (307, "", InvalidResponse),
      (400, r#"{"ResponseCode":"OK"}"#, General),
      (
        200,
        r#"{"ResponseCode":"INVALID_SENDERID","ResponseDescription":"The sender ID is invalid.","RequestId":"R"}"#,
        InvalidConfig,
      ),
      (
        400,
        r#"{"RequestId":"R","Code":"InvalidAccessKeyId.NotFound","Message":"Specified access key is not found."}"#,
        InvalidConfig,
      ),
      (
        400,
        r#"{"RequestId":"R","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#,
        RateLimitExceeded,
      ),
    ] {
      assert_eq!(
        code_of(interpret(&answer(status, body))),
        Some(expected),
        "{status} {body}"
      );
    }
  }

  #[test]
  fn refusal_data_and_redaction() {
    let body = r#"{"ResponseCode":"isv.BUSINESS_LIMIT_DAY","ResponseDescription":"Delivery frequency exceeds the day limit.","RequestId":"R1"}"#;
    let Some(error) = interpret(&answer(200, body)).err() else {
      panic!("fails")
    };
    assert_eq!(error.code, RateLimitExceeded);
    assert_eq!(
      error.data_value(),
      json!({ "errorDescription": "Delivery frequency exceeds the day limit.", "Code": "isv.BUSINESS_LIMIT_DAY", "RequestId": "R1" })
    );
    let mismatch = r#"{"RequestId":"R2","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DtestId%26To%3D447911123456"}"#;
    let Some(error) = interpret(&answer(400, mismatch)).err() else {
      panic!("fails")
    };
    assert_eq!(error.code, InvalidConfig);
    let data = error.data_value().to_string();
    assert!(
      !data.contains("447911123456") && !data.contains("testId"),
      "{data}"
    );
    let skew = r#"{"RequestId":"R3","Code":"InvalidTimeStamp.Expired","Message":"Specified time stamp or date value is expired."}"#;
    let Some(error) = interpret(&answer(400, skew)).err() else {
      panic!("fails")
    };
    assert_eq!(error.code, General);
    assert!(error.description().is_some_and(|d| d.contains("clock")));
    let bare = r#"{"ResponseCode":"SYSTEM_ERROR"}"#;
    let error = interpret(&answer(200, bare)).err();
    assert!(error
      .as_ref()
      .and_then(|e| e.description())
      .is_some_and(|d| d.contains("SYSTEM_ERROR")));
  }
}
