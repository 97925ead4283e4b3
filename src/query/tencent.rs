//! Tencent Cloud SMS read-only actions (API 3.0, version 2021-01-11), signed
//! and posted as `SendSms` is (TC3-HMAC-SHA256, JSON body, the config's
//! endpoint, `X-TC-Region` = the config's `region`):
//!
//! - `DescribeSmsTemplateList`: `International` (0 mainland, 1 global),
//!   `TemplateIdSet` (integers) → `DescribeTemplateStatusSet[]` with
//!   `TemplateId`, `International`, `StatusCode` (0 approved and in effect,
//!   1 in review, 2 approved but not yet in effect, -1 rejected),
//!   `ReviewReply`, `TemplateContent` (`{1}`, `{2}`… placeholders).
//!   <https://www.tencentcloud.com/document/product/382/40524>
//! - `PullSmsSendStatusByPhoneNumber`: `BeginTime`, `EndTime` (Unix seconds),
//!   `Offset` (0), `Limit` (≤ 100), `PhoneNumber` (E.164), `SmsSdkAppId` →
//!   `PullSmsSendStatusSet[]` with `SerialNo`, `ReportStatus` (`SUCCESS`,
//!   `FAIL`), `Description`, `UserReceiveTime` (Unix seconds), `PhoneNumber`.
//!   Receipts only: a message without a receipt yet is not listed.
//!   <https://www.tencentcloud.com/document/product/382/40518>
//!
//! Field names and types were read off Tencent's own SDK models
//! (`tencentcloud-sdk-go`, `sms/v20210111/models.go`).

use serde_json::{json, Value};

use crate::config::tencent::TencentConfig;
use crate::error::ConnectorError;
use crate::provider::tencent::{self as send, signed_request};
use crate::provider::{envelope, invalid_shape, str_field};
use crate::transport::{HttpRequest, HttpResponse};

/// Receipts per pull: the API's maximum.
pub const PULL_LIMIT: u32 = 100;
/// Template ids per `DescribeSmsTemplateList`: the API's maximum.
pub const TEMPLATE_IDS_PER_CALL: usize = 100;

/// A signed request for `action` with `body` at Unix time `timestamp`: the
/// same signing and headers as `SendSms`.
pub fn request(
  config: &TencentConfig,
  action: &str,
  body: &Value,
  timestamp: i64,
) -> Result<HttpRequest, ConnectorError> {
  signed_request(config, action, body.to_string().into_bytes(), timestamp)
}

/// `DescribeSmsTemplateList` for `ids` (or, with none, the first template of
/// the list: a call that proves the key whatever the config holds).
pub fn describe_templates(
  config: &TencentConfig,
  international: u8,
  ids: &[u64],
  timestamp: i64,
) -> Result<HttpRequest, ConnectorError> {
  let body = if ids.is_empty() {
    json!({ "International": international, "Limit": 1, "Offset": 0 })
  } else {
    json!({ "TemplateIdSet": ids, "International": international })
  };
  request(config, "DescribeSmsTemplateList", &body, timestamp)
}

/// `PullSmsSendStatusByPhoneNumber` for `e164` between two Unix times.
pub fn pull_status(
  config: &TencentConfig,
  e164: &str,
  begin: i64,
  end: i64,
  timestamp: i64,
) -> Result<HttpRequest, ConnectorError> {
  let body = json!({
    "BeginTime": begin,
    "Offset": 0,
    "Limit": PULL_LIMIT,
    "PhoneNumber": e164,
    "SmsSdkAppId": config.sdk_app_id,
    "EndTime": end,
  });
  request(config, "PullSmsSendStatusByPhoneNumber", &body, timestamp)
}

/// An answer: its `Response` object, or the classified `Response.Error`.
pub fn read(response: &HttpResponse) -> Result<Value, ConnectorError> {
  let body = envelope(response, "Tencent Cloud SMS")?;
  let Some(inner) = body
    .as_ref()
    .and_then(|b| b.get("Response"))
    .filter(|r| r.is_object())
  else {
    return Err(invalid_shape("Tencent Cloud SMS", response.status));
  };
  if let Some(error) = inner.get("Error") {
    let Some(code) = str_field(error, "Code") else {
      return Err(invalid_shape("Tencent Cloud SMS", response.status));
    };
    return Err(send::refusal(
      code,
      str_field(error, "Message"),
      str_field(inner, "RequestId"),
    ));
  }
  if !(200..300).contains(&response.status) {
    return Err(invalid_shape("Tencent Cloud SMS", response.status));
  }
  Ok(inner.clone())
}

pub use super::aliyun::KeyVerdict;

/// How the doctor reads a refused Tencent call (CONTRACT §11).
pub fn key_verdict(code: &str) -> KeyVerdict {
  match code {
    send::CLOCK_SKEW_CODE => KeyVerdict::Clock,
    "AuthFailure.UnauthorizedOperation"
    | "UnauthorizedOperation"
    | "UnauthorizedOperation.RequestPermissionDeny" => KeyVerdict::CannotQuery,
    _ if code.starts_with("AuthFailure.") || code.starts_with("UnauthorizedOperation.") => {
      KeyVerdict::Refused
    }
    _ => KeyVerdict::Other,
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::provider::tencent::CONTENT_TYPE;
  use crate::provider::test_support::answer;
  use crate::sign::tencent_tc3::{self, Tc3Input};

  fn config() -> TencentConfig {
    let templates: Vec<Value> = ["Register", "SignIn", "ForgotPassword", "Generic"]
      .iter()
      .map(|u| json!({ "usageType": u, "templateCode": "100001" }))
      .collect();
    let input = json!({
      "accessKeyId": "AKIDexample", "accessKeySecret": "secret", "signName": "Logto",
      "sdkAppId": "1400000001", "region": "ap-guangzhou", "templates": templates,
    });
    match crate::config::tencent::parse(&input) {
      Ok(parsed) => parsed.config,
      Err(issues) => panic!("{issues:?}"),
    }
  }

  #[test]
  fn requests_name_the_query_action_and_sign_the_body() {
    let config = config();
    let Ok(request) = describe_templates(&config, 1, &[100001, 200001], 1_704_150_000) else {
      panic!("request builds")
    };
    let header = |name: &str| {
      request
        .headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
    };
    assert_eq!(
      header("x-tc-action").as_deref(),
      Some("DescribeSmsTemplateList")
    );
    assert_eq!(header("x-tc-version").as_deref(), Some("2021-01-11"));
    assert_eq!(
      String::from_utf8_lossy(&request.body),
      r#"{"TemplateIdSet":[100001,200001],"International":1}"#
    );
    let expected = tencent_tc3::sign(&Tc3Input {
      secret_id: "AKIDexample",
      secret_key: "secret",
      service: "sms",
      host: "sms.tencentcloudapi.com",
      content_type: CONTENT_TYPE,
      canonical_uri: "/",
      payload: &request.body,
      timestamp: 1_704_150_000,
    });
    assert_eq!(header("authorization"), expected.map(|s| s.authorization));
    let Ok(pull) = pull_status(&config, "+8613812345678", 10, 20, 1_704_150_000) else {
      panic!("request builds")
    };
    let body: Value = serde_json::from_slice(&pull.body).unwrap_or_default();
    assert_eq!(body["PhoneNumber"], "+8613812345678");
    assert_eq!(body["SmsSdkAppId"], "1400000001");
    assert_eq!(body["Limit"], 100);
  }

  #[test]
  fn verdicts() {
    assert_eq!(
      key_verdict("AuthFailure.SignatureFailure"),
      KeyVerdict::Refused
    );
    assert_eq!(
      key_verdict("AuthFailure.SecretIdNotFound"),
      KeyVerdict::Refused
    );
    assert_eq!(
      key_verdict("UnauthorizedOperation.SmsSdkAppIdVerifyFail"),
      KeyVerdict::Refused
    );
    assert_eq!(
      key_verdict("UnauthorizedOperation.RequestPermissionDeny"),
      KeyVerdict::CannotQuery
    );
    assert_eq!(
      key_verdict("AuthFailure.UnauthorizedOperation"),
      KeyVerdict::CannotQuery
    );
    assert_eq!(
      key_verdict("UnauthorizedOperation"),
      KeyVerdict::CannotQuery
    );
    assert_eq!(
      key_verdict("AuthFailure.SignatureExpire"),
      KeyVerdict::Clock
    );
    assert_eq!(
      key_verdict("FailedOperation.TemplateIdNotExist"),
      KeyVerdict::Other
    );
  }

  #[test]
  fn reads_the_response_or_its_error() {
    let ok = read(&answer(
      200,
      r#"{"Response":{"DescribeTemplateStatusSet":[],"RequestId":"r"}}"#,
    ));
    assert!(ok.is_ok());
    let denied = read(&answer(
      200,
      r#"{"Response":{"Error":{"Code":"UnauthorizedOperation.RequestPermissionDeny","Message":"no"},"RequestId":"r"}}"#,
    ));
    assert_eq!(
      denied.as_ref().err().and_then(crate::query::provider_code),
      Some("UnauthorizedOperation.RequestPermissionDeny")
    );
    assert!(read(&answer(200, "{}")).is_err());
    assert!(read(&answer(502, "bad")).is_err());
  }
}
