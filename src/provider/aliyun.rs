//! Aliyun SendSms (RPC, version 2017-05-25): request parameters, answer
//! parsing and the error table (CONTRACT §5, spec/providers.md §1.6).

use secrecy::ExposeSecret;
use serde_json::Value;
use time::macros::format_description;
use time::OffsetDateTime;

use uuid::Uuid;

use super::{
  aliyun_intl, boxed, classify, clock_skew_description, envelope, id_field, invalid_shape,
  provider_error, scope_in, str_field, Account, Checked, ProviderType, Rule, Scope,
};
use crate::config::aliyun::{self as aliyun_config, AliyunConfig, Site};
use crate::config::shared::Common;
use crate::error::{ConnectorError, ErrorCode};
use crate::send_log::Receipt;
use crate::sign::aliyun_rpc;
use crate::template;
use crate::transport::{HttpRequest, HttpResponse};

pub(crate) const PROVIDER: &str = "Aliyun SMS";

/// Aliyun SMS accounts of both sites (the site decides the API).
pub static TYPE: ProviderType = ProviderType {
  name: "aliyun",
  parse: |value| boxed(aliyun_config::parse(value)),
};

impl Account for AliyunConfig {
  fn common(&self) -> &Common {
    &self.common
  }

  fn build_request(
    &self,
    message: &Checked<'_>,
    now: OffsetDateTime,
  ) -> Result<HttpRequest, ConnectorError> {
    let timestamp = format_timestamp(now);
    let nonce = Uuid::new_v4().to_string();
    if self.site == Site::International {
      let message = aliyun_intl::Message {
        template: message.template,
        to: message.to,
        code: message.code,
        timestamp,
        nonce,
      };
      return aliyun_intl::build_request(self, &message);
    }
    let strict = self.common.strict_phone_region_number_check;
    let message = Message {
      to: message.to,
      template_code: template::code_for(message.template, message.to, strict),
      code: message.code,
      timestamp,
      nonce,
    };
    Ok(build_request(self, &message))
  }

  fn read_answer(&self, response: &HttpResponse) -> Result<Value, ConnectorError> {
    match self.site {
      Site::China => interpret(response),
      Site::International => aliyun_intl::interpret(response),
    }
  }

  fn receipt(&self, answer: &Value) -> Receipt {
    match self.site {
      Site::China => receipt(answer),
      Site::International => aliyun_intl::receipt(answer),
    }
  }

  fn refusal_scope(&self, code: &str) -> Option<Scope> {
    match self.site {
      Site::China => refusal_scope(code),
      Site::International => aliyun_intl::refusal_scope(code),
    }
  }
}

use ErrorCode::*;
use Scope::*;
/// `SendSms` codes (CONTRACT §5) with the refusal scopes §8 names; any other
/// code is `general` and may have been sent.
const RULES: &[Rule] = &[
  // The recipient.
  Rule::exact("isv.MOBILE_NUMBER_ILLEGAL", InvalidRequestParameters),
  // A mainland-only account asked for an overseas number: this account does
  // not serve the destination, another may.
  Rule::exact(
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
    InvalidRequestParameters,
  )
  .scope(Destination),
  // Throttling. The per-number one is about the recipient: failing over would
  // hand an SMS-bombing bot another account's per-number quota.
  Rule::exact("isv.BUSINESS_LIMIT_CONTROL", RateLimitExceeded).scope(Recipient),
  Rule::exact("isv.DAY_LIMIT_CONTROL", RateLimitExceeded),
  Rule::exact("isv.MONTH_LIMIT_CONTROL", RateLimitExceeded),
  Rule::contains("LIMIT_CONTROL", RateLimitExceeded),
  Rule::prefix("Throttling", RateLimitExceeded),
  // Balance, suspension.
  Rule::exact("isv.AMOUNT_NOT_ENOUGH", UsageLimitExceeded),
  Rule::exact("isv.OUT_OF_SERVICE", UsageLimitExceeded),
  // The account's set-up.
  Rule::exact("SignatureDoesNotMatch", InvalidConfig),
  Rule::exact("IncompleteSignature", InvalidConfig),
  Rule::prefix("InvalidAccessKeyId.", InvalidConfig),
  Rule::exact("Forbidden.RAM", InvalidConfig),
  Rule::exact("isp.RAM_PERMISSION_DENY", InvalidConfig),
  Rule::exact("isv.SMS_SIGNATURE_ILLEGAL", InvalidConfig),
  Rule::exact("isv.SMS_SIGN_ILLEGAL", InvalidConfig),
  Rule::exact("isv.SIGN_NAME_ILLEGAL", InvalidConfig),
  Rule::exact("isv.SIGN_STATE_ILLEGAL", InvalidConfig),
  Rule::exact("isv.SMS_SIGNATURE_SCENE_ILLEGAL", InvalidConfig),
  Rule::exact("isv.SMS_TEMPLATE_ILLEGAL", InvalidConfig),
  Rule::exact("isv.TEMPLATE_MISSING_PARAMETERS", InvalidConfig),
  Rule::exact("isv.PRODUCT_UN_SUBSCRIPT", InvalidConfig),
  Rule::exact("isv.PRODUCT_UNSUBSCRIBE", InvalidConfig),
  // The account's IP allow-list refuses this host: from here this account
  // cannot reach the destination (another account or region may).
  Rule::exact("isv.DENY_IP_RANGE", InvalidConfig).scope(Destination),
  // The host clock, not the account: `general` with a clock message, and
  // nothing was sent.
  Rule::exact(CLOCK_SKEW_CODE, General).scope(Account),
];

pub(crate) const CLOCK_SKEW_CODE: &str = "InvalidTimeStamp.Expired";

pub fn classify_code(code: &str) -> ErrorCode {
  classify(RULES, code)
}

pub fn refusal_scope(code: &str) -> Option<Scope> {
  scope_in(RULES, code)
}

/// `Timestamp` as Aliyun wants it: UTC, seconds, `Z`.
pub fn format_timestamp(now: OffsetDateTime) -> String {
  now
    .format(format_description!(
      "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_default()
}

/// What varies per send; time and nonce come from the caller so this stays pure.
pub struct Message<'a> {
  pub to: &'a str,
  pub template_code: &'a str,
  pub code: &'a str,
  pub timestamp: String,
  pub nonce: String,
}

/// The request parameters except `Signature`, in the byte-wise name order
/// Aliyun signs them in (a test keeps the order honest).
fn sorted_params<'a>(
  config: &'a AliyunConfig,
  message: &'a Message<'_>,
  template_param: &'a str,
) -> [(&'static str, &'a str); 13] {
  [
    ("AccessKeyId", config.common.access_key_id.as_str()),
    ("Action", "SendSms"),
    // Lower-case `json` as the official connector sends it.
    ("Format", "json"),
    ("PhoneNumbers", message.to),
    // `cn-hangzhou` on the default endpoint, as the official connector sends.
    ("RegionId", config.region_id.as_str()),
    ("SignName", config.common.sign_name.as_str()),
    ("SignatureMethod", "HMAC-SHA1"),
    ("SignatureNonce", message.nonce.as_str()),
    ("SignatureVersion", "1.0"),
    ("TemplateCode", message.template_code),
    ("TemplateParam", template_param),
    ("Timestamp", message.timestamp.as_str()),
    ("Version", "2017-05-25"),
  ]
}

/// The form body: the canonicalized query string (already every parameter,
/// encoded) plus `Signature`; a form's field order does not matter.
pub fn build_request(config: &AliyunConfig, message: &Message<'_>) -> HttpRequest {
  let template_param = template_param(message.code);
  signed_form(config, sorted_params(config, message, &template_param))
}

/// `TemplateParam`: the code is the only variable (CONTRACT §4).
pub(super) fn template_param(code: &str) -> String {
  serde_json::json!({ "code": code }).to_string()
}

/// The POST to the config's endpoint: `sorted_params` (every parameter but
/// `Signature`, in byte-wise name order) signed with RPC v1, as a form.
pub(crate) fn signed_form<'a>(
  config: &AliyunConfig,
  sorted_params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> HttpRequest {
  let common = &config.common;
  let signed = aliyun_rpc::sign_sorted(
    "POST",
    sorted_params,
    common.access_key_secret.expose_secret(),
  );
  let mut body = signed.canonicalized_query_string;
  body.push_str("&Signature=");
  body.push_str(&aliyun_rpc::percent_encode(&signed.signature));
  HttpRequest {
    url: common.endpoint.clone(),
    headers: vec![(
      "content-type".into(),
      "application/x-www-form-urlencoded".into(),
    )],
    body: body.into_bytes(),
    timeout: common.timeout,
  }
}

/// Reads an answer: the parsed body on `Code: "OK"`, else the classified error.
pub fn interpret(response: &HttpResponse) -> Result<Value, ConnectorError> {
  let body = object_body(response)?;
  let code = code_field(&body, response.status)?;
  if code == "OK" && (200..300).contains(&response.status) {
    return Ok(body);
  }
  Err(refusal(code, &body))
}

/// The checks before the body (`envelope`), then "a JSON object".
pub(crate) fn object_body(response: &HttpResponse) -> Result<Value, ConnectorError> {
  envelope(response, PROVIDER)?
    .filter(Value::is_object)
    .ok_or_else(|| invalid_shape(PROVIDER, response.status))
}

/// `Code` of a `SendSms` answer or of a gateway error (both versions' gateway
/// answers have this shape), with its companions' types checked.
pub(crate) fn code_field(body: &Value, status: u16) -> Result<&str, ConnectorError> {
  // Once `Code` says the message went out, the optional fields are read
  // leniently (CONTRACT §5): a sent message must never be reported as failed
  // because an id came back as a number or empty. A refusal's companions
  // must be what they say (null means absent).
  let shape_ok = |code: &str| {
    code == "OK"
      || ["Message", "RequestId", "BizId"]
        .iter()
        .all(|key| body.get(key).is_none_or(|v| v.is_string() || v.is_null()))
  };
  match str_field(body, "Code") {
    Some(code) if shape_ok(code) => Ok(code),
    _ => Err(invalid_shape(PROVIDER, status)),
  }
}

/// The error for a refused request: the §5 table, the clock explanation for
/// skew, the server string-to-sign removed.
pub(crate) fn refusal(code: &str, body: &Value) -> ConnectorError {
  let message = redact(str_field(body, "Message").unwrap_or(""));
  let description = if code == CLOCK_SKEW_CODE {
    clock_skew_description(PROVIDER, "15 minutes", &message)
  } else if message.is_empty() {
    format!("{PROVIDER} refused the request with {code}.")
  } else {
    message
  };
  provider_error(
    classify_code(code),
    code,
    description,
    str_field(body, "RequestId"),
  )
}

/// The ids an operator looks for, from a success answer.
pub fn receipt(body: &Value) -> Receipt {
  let text = |key| id_field(body, key);
  Receipt {
    code: text("Code"),
    request_id: text("RequestId"),
    message_id: text("BizId").map(|id| ("BizId", id)),
  }
}

/// `SignatureDoesNotMatch` echoes the server's string-to-sign (key id, phone
/// number, the code): Logto may show error data to the end user, so it goes.
fn redact(message: &str) -> String {
  const MARKER: &str = "server string to sign is";
  match message.to_ascii_lowercase().find(MARKER) {
    Some(at) => message[..at].trim_end().to_owned(),
    None => message.to_owned(),
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::provider::test_support::{answer, code_of};

  #[test]
  fn table() {
    let cases = [
      ("isv.MOBILE_NUMBER_ILLEGAL", InvalidRequestParameters),
      ("isv.BUSINESS_LIMIT_CONTROL", RateLimitExceeded),
      ("isv.DAY_LIMIT_CONTROL", RateLimitExceeded),
      ("isv.MONTH_LIMIT_CONTROL", RateLimitExceeded),
      ("Throttling.User", RateLimitExceeded),
      ("Throttling", RateLimitExceeded),
      ("isv.AMOUNT_NOT_ENOUGH", UsageLimitExceeded),
      ("isv.OUT_OF_SERVICE", UsageLimitExceeded),
      ("InvalidAccessKeyId.NotFound", InvalidConfig),
      ("InvalidAccessKeyId.Inactive", InvalidConfig),
      ("isv.SMS_TEMPLATE_ILLEGAL", InvalidConfig),
      ("isv.PRODUCT_UN_SUBSCRIPT", InvalidConfig),
      ("InvalidTimeStamp.Expired", General),
      ("isp.SYSTEM_ERROR", General),
      ("SignatureNonceUsed", General),
      ("something.new", General),
    ];
    for (code, expected) in cases {
      assert_eq!(classify_code(code), expected, "{code}");
    }
  }

  #[test]
  fn success_with_and_without_optional_fields() {
    let full = r#"{"Code":"OK","Message":"OK","BizId":"700000000000000000^0","RequestId":"A0"}"#;
    assert!(interpret(&answer(200, full)).is_ok());
    assert!(interpret(&answer(200, r#"{"Code":"OK"}"#)).is_ok());
    let nulls = r#"{"Code":"OK","Message":null,"BizId":null,"RequestId":null}"#;
    assert!(interpret(&answer(200, nulls)).is_ok());
  }

  #[test]
  fn statuses_before_bodies() {
    assert_eq!(
      code_of(interpret(&answer(502, "<html>bad gateway</html>"))),
      Some(General)
    );
    assert_eq!(
      code_of(interpret(&answer(503, r#"{"Code":"OK"}"#))),
      Some(General)
    );
    assert_eq!(code_of(interpret(&answer(307, ""))), Some(InvalidResponse));
    assert_eq!(
      code_of(interpret(&answer(200, "not json"))),
      Some(InvalidResponse)
    );
    assert_eq!(
      code_of(interpret(&answer(200, "[1]"))),
      Some(InvalidResponse)
    );
    assert_eq!(
      code_of(interpret(&answer(200, r#"{"Code":5}"#))),
      Some(InvalidResponse)
    );
    assert_eq!(
      code_of(interpret(&answer(400, r#"{"Message":"x"}"#))),
      Some(InvalidResponse)
    );
    assert_eq!(
      code_of(interpret(&answer(400, r#"{"Code":"OK"}"#))),
      Some(General)
    );
  }

  #[test]
  fn signature_mismatch_drops_server_string_to_sign() {
    let body = r#"{"RequestId":"R1","HostId":"dysmsapi.aliyuncs.com","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DLTAIsecretish%26PhoneNumbers%3D8613800000000","Recommend":"https://x"}"#;
    let error = interpret(&answer(400, body)).err();
    let Some(error) = error else {
      panic!("must fail")
    };
    assert_eq!(error.code, InvalidConfig);
    let data = error.data_value().to_string();
    assert!(!data.contains("LTAI"), "{data}");
    assert!(!data.contains("8613800000000"), "{data}");
    assert_eq!(
      error.description(),
      Some("Specified signature is not matched with our calculation.")
    );
    assert!(data.contains("\"RequestId\":\"R1\""));
  }

  #[test]
  fn clock_skew_says_it_is_the_clock() {
    let body = r#"{"Code":"InvalidTimeStamp.Expired","Message":"Specified time stamp or date value is expired.","RequestId":"R"}"#;
    let error = interpret(&answer(400, body)).err();
    assert_eq!(error.as_ref().map(|e| e.code), Some(General));
    assert!(error
      .as_ref()
      .and_then(|e| e.description())
      .is_some_and(|d| d.contains("clock")));
  }

  #[test]
  fn parameters_are_in_signing_order_and_the_body_carries_the_signature() {
    let templates: Vec<Value> = ["Register", "SignIn", "ForgotPassword", "Generic"]
      .iter()
      .map(|u| serde_json::json!({ "usageType": u, "templateCode": "SMS_154950909" }))
      .collect();
    let config = serde_json::json!({
      "accessKeyId": "testId", "accessKeySecret": "testSecret", "signName": "阿里云短信测试", "templates": templates,
    });
    let Ok(parsed) = crate::config::aliyun::parse(&config) else {
      panic!("config parses")
    };
    let message = Message {
      to: "8613800138000",
      template_code: "SMS_154950909",
      code: "123456",
      timestamp: "2024-01-01T00:00:00Z".into(),
      nonce: "c1b2c332-4cfb-4a0f-b8cc-ebe622aa0a5c".into(),
    };
    assert_eq!(parsed.config.region_id, "cn-hangzhou");
    let params = sorted_params(&parsed.config, &message, r#"{"code":"123456"}"#);
    assert!(params
      .windows(2)
      .all(|w| w[0].0.as_bytes() < w[1].0.as_bytes()));
    let body = String::from_utf8(build_request(&parsed.config, &message).body).unwrap_or_default();
    // spec/providers.md §1.3, the derived Logto-shaped SendSms vector.
    assert!(
      body.ends_with("&Signature=%2FmZz2KBVJNOp4362B2L7Z8JuZqk%3D"),
      "{body}"
    );
    assert!(body.contains("&TemplateParam=%7B%22code%22%3A%22123456%22%7D&"));
  }

  /// A China-site request is what it was before the international site was
  /// added, byte for byte, whatever the international keys say.
  #[test]
  fn china_site_request_is_unchanged_byte_for_byte() {
    let templates: Vec<Value> = ["Register", "SignIn", "ForgotPassword", "Generic"]
      .iter()
      .map(|u| serde_json::json!({ "usageType": u, "templateCode": "SMS_154950909", "message": "Code {code}" }))
      .collect();
    let base = serde_json::json!({
      "accessKeyId": "testId", "accessKeySecret": "testSecret", "signName": "阿里云短信测试", "templates": templates,
    });
    // spec/providers.md §1.3, the derived Logto-shaped SendSms vector, as a form.
    let expected = "AccessKeyId=testId&Action=SendSms&Format=json&PhoneNumbers=8613800138000\
      &RegionId=cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95\
      &SignatureMethod=HMAC-SHA1&SignatureNonce=c1b2c332-4cfb-4a0f-b8cc-ebe622aa0a5c&SignatureVersion=1.0\
      &TemplateCode=SMS_154950909&TemplateParam=%7B%22code%22%3A%22123456%22%7D\
      &Timestamp=2024-01-01T00%3A00%3A00Z&Version=2017-05-25&Signature=%2FmZz2KBVJNOp4362B2L7Z8JuZqk%3D";
    let message = Message {
      to: "8613800138000",
      template_code: "SMS_154950909",
      code: "123456",
      timestamp: "2024-01-01T00:00:00Z".into(),
      nonce: "c1b2c332-4cfb-4a0f-b8cc-ebe622aa0a5c".into(),
    };
    for extra in [
      serde_json::json!({}),
      serde_json::json!({ "site": "china" }),
      serde_json::json!({ "site": "china", "senderId": "Logto", "endpoint": "" }),
      serde_json::json!({ "site": null, "senderId": "" }),
    ] {
      let mut input = base.clone();
      if let (Value::Object(input), Value::Object(extra)) = (&mut input, extra.clone()) {
        input.extend(extra);
      }
      let Ok(parsed) = crate::config::aliyun::parse(&input) else {
        panic!("config parses: {extra}")
      };
      let request = build_request(&parsed.config, &message);
      assert_eq!(
        request.url.as_str(),
        "https://dysmsapi.aliyuncs.com/",
        "{extra}"
      );
      assert_eq!(
        request.headers,
        vec![(
          "content-type".to_owned(),
          "application/x-www-form-urlencoded".to_owned()
        )]
      );
      assert_eq!(String::from_utf8_lossy(&request.body), expected, "{extra}");
    }
  }

  #[test]
  fn timestamp_has_no_milliseconds() {
    let t = OffsetDateTime::from_unix_timestamp(1_704_067_200).map(format_timestamp);
    assert_eq!(t.ok().as_deref(), Some("2024-01-01T00:00:00Z"));
  }
}
