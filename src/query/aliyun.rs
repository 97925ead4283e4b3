//! Aliyun's read-only actions, signed and posted as `SendSms` is (RPC
//! signature v1, form POST to the config's endpoint):
//!
//! - `GetSmsSign` (2017-05-25): `SignName` → `SignStatus` (0 in review,
//!   1 approved, 2 rejected with `AuditInfo.RejectInfo`, 10 cancelled).
//!   <https://help.aliyun.com/en/sms/developer-reference/api-dysmsapi-2017-05-25-getsmssign>
//! - `GetSmsTemplate` (2017-05-25): `TemplateCode` → `TemplateStatus` ("0" in
//!   review, "1" approved, "2" rejected, "10" cancelled), `TemplateType` ("0"
//!   verification code, "1" notification, "2" promotion, "3" international with
//!   `IntlType` 2 = verification code), `TemplateContent` (`${var}`),
//!   `VariableAttribute` (JSON text, one key per variable), `RelatedSignName`.
//!   <https://help.aliyun.com/en/sms/developer-reference/api-dysmsapi-2017-05-25-getsmstemplate>
//! - `QuerySendDetails` (2017-05-25): `PhoneNumber`, `SendDate` (yyyyMMdd),
//!   `PageSize` (1–50), `CurrentPage`, optional `BizId` →
//!   `SmsSendDetailDTOs.SmsSendDetailDTO[]` with `SendStatus` (1 waiting for the
//!   receipt, 2 failed, 3 delivered), `ErrCode`, `TemplateCode`, `SendDate`,
//!   `ReceiveDate` (China Standard Time), `Content` (never read here).
//!   <https://help.aliyun.com/en/sms/developer-reference/api-dysmsapi-2017-05-25-querysenddetails>
//! - `QueryMessage` (2018-05-01, international site): `MessageId` →
//!   `ResponseCode`, `Status` ("1" delivered, "2" failed, "3" sending),
//!   `ErrorCode`, `ErrorDescription`, `SendDate`, `ReceiveDate` (RFC 2822), `To`.
//!   <https://www.alibabacloud.com/help/en/sms/developer-reference/api-dysmsapi-2018-05-01-querymessage>
//!
//! Field names and types were read off Alibaba Cloud's own SDK models
//! (`@alicloud/dysmsapi20170525`, `@alicloud/dysmsapi-2018-05-01`).

use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::config::aliyun::AliyunConfig;
use crate::error::ConnectorError;
use crate::provider::aliyun::{self as send, format_timestamp};
use crate::provider::aliyun_intl;
use crate::provider::{invalid_shape, provider_error, str_field};
use crate::transport::{HttpRequest, HttpResponse};

pub const V2017: &str = "2017-05-25";
pub const V2018: &str = "2018-05-01";

/// Records per `QuerySendDetails` page: the API's maximum.
pub const PAGE_SIZE: u32 = 50;

/// A signed read-only request: the common parameters, `own`, `Signature`.
fn rpc(
  config: &AliyunConfig,
  action: &str,
  version: &str,
  own: &[(&str, &str)],
  now: OffsetDateTime,
) -> HttpRequest {
  let timestamp = format_timestamp(now);
  let nonce = Uuid::new_v4().to_string();
  let mut params: Vec<(&str, &str)> = vec![
    ("AccessKeyId", config.common.access_key_id.as_str()),
    ("Action", action),
    ("Format", "JSON"),
    ("RegionId", config.region_id.as_str()),
    ("SignatureMethod", "HMAC-SHA1"),
    ("SignatureNonce", nonce.as_str()),
    ("SignatureVersion", "1.0"),
    ("Timestamp", timestamp.as_str()),
    ("Version", version),
  ];
  params.extend_from_slice(own);
  // Aliyun signs the parameters in byte-wise name order.
  params.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
  send::signed_form(config, params)
}

pub fn get_sms_sign(config: &AliyunConfig, now: OffsetDateTime) -> HttpRequest {
  rpc(
    config,
    "GetSmsSign",
    V2017,
    &[("SignName", config.common.sign_name.as_str())],
    now,
  )
}

pub fn get_sms_template(
  config: &AliyunConfig,
  template_code: &str,
  now: OffsetDateTime,
) -> HttpRequest {
  rpc(
    config,
    "GetSmsTemplate",
    V2017,
    &[("TemplateCode", template_code)],
    now,
  )
}

/// `phone`: an 11-digit mainland number, or country code and number (digits).
pub fn query_send_details(
  config: &AliyunConfig,
  phone: &str,
  send_date: &str,
  page: u32,
  biz_id: Option<&str>,
  now: OffsetDateTime,
) -> HttpRequest {
  let page = page.to_string();
  let size = PAGE_SIZE.to_string();
  let mut own = vec![
    ("CurrentPage", page.as_str()),
    ("PageSize", size.as_str()),
    ("PhoneNumber", phone),
    ("SendDate", send_date),
  ];
  if let Some(id) = biz_id {
    own.push(("BizId", id));
  }
  rpc(config, "QuerySendDetails", V2017, &own, now)
}

pub fn query_message(config: &AliyunConfig, message_id: &str, now: OffsetDateTime) -> HttpRequest {
  rpc(
    config,
    "QueryMessage",
    V2018,
    &[("MessageId", message_id)],
    now,
  )
}

/// A 2017-05-25 answer: the body on `Code: "OK"`, else the classified error
/// (CONTRACT §5's table; the server string-to-sign removed).
pub fn read_2017(response: &HttpResponse) -> Result<Value, ConnectorError> {
  let body = send::object_body(response)?;
  let code = send::code_field(&body, response.status)?;
  if code == "OK" && (200..300).contains(&response.status) {
    return Ok(body);
  }
  Err(send::refusal(code, &body))
}

/// A 2018-05-01 answer: `ResponseCode` for what the service processed, the
/// 2017 gateway shape (`Code`) for signature, key and permission refusals.
/// Any `ResponseCode` is returned as the body: `QueryMessage` for an unknown
/// id is still an answer of the service (what the doctor's key check needs).
pub fn read_2018(response: &HttpResponse) -> Result<Value, ConnectorError> {
  let body = send::object_body(response)?;
  if body.get("ResponseCode").is_some_and(Value::is_string) {
    if (200..300).contains(&response.status) {
      return Ok(body);
    }
    return Err(invalid_shape(send::PROVIDER, response.status));
  }
  let code = send::code_field(&body, response.status)?;
  if code == "OK" {
    return Err(invalid_shape(send::PROVIDER, response.status));
  }
  Err(send::refusal(code, &body))
}

/// A processed 2018-05-01 answer whose `ResponseCode` is not `OK`, as an error.
pub fn refused_2018(body: &Value) -> Option<ConnectorError> {
  let code = str_field(body, "ResponseCode")?;
  if code == "OK" {
    return None;
  }
  let description = str_field(body, "ResponseDescription")
    .filter(|d| !d.is_empty())
    .map_or_else(
      || format!("{} refused the query with {code}.", send::PROVIDER),
      str::to_owned,
    );
  Some(provider_error(
    aliyun_intl::classify_response_code(code),
    code,
    description,
    str_field(body, "RequestId"),
  ))
}

/// Who refused a key, and how: what the doctor's `credentials` check reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyVerdict {
  /// The key or the signature was refused: nothing will send.
  Refused,
  /// The key may not call this query (a RAM policy allowing only `SendSms`).
  CannotQuery,
  /// The request time was refused: the host's clock.
  Clock,
  /// Anything else: the key got past the gateway.
  Other,
}

pub fn key_verdict(code: &str) -> KeyVerdict {
  let bare = code
    .strip_prefix("isp.")
    .or_else(|| code.strip_prefix("isv."))
    .unwrap_or(code);
  if code.starts_with("InvalidAccessKeyId.")
    || code == "SignatureDoesNotMatch"
    || code == "IncompleteSignature"
  {
    KeyVerdict::Refused
  } else if code == "Forbidden.RAM" || bare == "RAM_PERMISSION_DENY" {
    KeyVerdict::CannotQuery
  } else if code == send::CLOCK_SKEW_CODE {
    KeyVerdict::Clock
  } else {
    KeyVerdict::Other
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::provider::test_support::answer;
  use crate::sign::aliyun_rpc;
  use serde_json::json;

  fn config() -> AliyunConfig {
    let templates: Vec<Value> = ["Register", "SignIn", "ForgotPassword", "Generic"]
      .iter()
      .map(|u| json!({ "usageType": u, "templateCode": "SMS_1" }))
      .collect();
    let input = json!({ "accessKeyId": "testId", "accessKeySecret": "testSecret", "signName": "Logto", "templates": templates });
    match crate::config::aliyun::parse(&input) {
      Ok(parsed) => parsed.config,
      Err(issues) => panic!("{issues:?}"),
    }
  }

  fn form(request: &HttpRequest) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body)
      .into_owned()
      .collect()
  }

  /// The form carries exactly the query action's parameters, and its
  /// `Signature` verifies (recomputed from the received fields).
  #[test]
  fn requests_are_signed_query_actions() {
    let config = config();
    let now = OffsetDateTime::UNIX_EPOCH;
    for (request, action, version) in [
      (get_sms_sign(&config, now), "GetSmsSign", V2017),
      (
        get_sms_template(&config, "SMS_1", now),
        "GetSmsTemplate",
        V2017,
      ),
      (
        query_send_details(&config, "13812345678", "20240102", 1, Some("1^0"), now),
        "QuerySendDetails",
        V2017,
      ),
      (query_message(&config, "100", now), "QueryMessage", V2018),
    ] {
      let fields = form(&request);
      let get = |name: &str| {
        fields
          .iter()
          .find(|(k, _)| k == name)
          .map(|(_, v)| v.clone())
      };
      assert_eq!(get("Action").as_deref(), Some(action));
      assert_eq!(get("Version").as_deref(), Some(version));
      assert_eq!(get("Format").as_deref(), Some("JSON"));
      assert!(
        !fields
          .iter()
          .any(|(k, _)| k == "TemplateParam" || k == "PhoneNumbers"),
        "{action}"
      );
      let params = fields
        .iter()
        .filter(|(k, _)| k != "Signature")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
      let expected = aliyun_rpc::sign("POST", &params, "testSecret").signature;
      assert_eq!(get("Signature"), Some(expected), "{action}");
    }
  }

  #[test]
  fn answers_and_refusals() {
    let ok = read_2017(&answer(
      200,
      r#"{"Code":"OK","SignStatus":1,"RequestId":"r"}"#,
    ));
    assert!(ok.is_ok());
    let forbidden = read_2017(&answer(
      403,
      r#"{"Code":"Forbidden.RAM","Message":"denied","RequestId":"r"}"#,
    ));
    let code = forbidden
      .as_ref()
      .err()
      .and_then(crate::query::provider_code);
    assert_eq!(code, Some("Forbidden.RAM"));
    assert_eq!(key_verdict("Forbidden.RAM"), KeyVerdict::CannotQuery);
    assert_eq!(
      key_verdict("isp.RAM_PERMISSION_DENY"),
      KeyVerdict::CannotQuery
    );
    assert_eq!(
      key_verdict("InvalidAccessKeyId.NotFound"),
      KeyVerdict::Refused
    );
    assert_eq!(key_verdict("SignatureDoesNotMatch"), KeyVerdict::Refused);
    assert_eq!(key_verdict("InvalidTimeStamp.Expired"), KeyVerdict::Clock);
    assert_eq!(key_verdict("isv.SMS_SIGN_ILLEGAL"), KeyVerdict::Other);
    let intl = read_2018(&answer(
      200,
      r#"{"ResponseCode":"OK","Status":"1","RequestId":"r"}"#,
    ));
    assert!(intl.is_ok());
    let gateway = read_2018(&answer(
      400,
      r#"{"Code":"SignatureDoesNotMatch","Message":"x","RequestId":"r"}"#,
    ));
    assert!(gateway.is_err());
    assert!(read_2018(&answer(200, "<html>")).is_err());
  }
}
