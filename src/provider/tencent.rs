//! Tencent Cloud SendSms (API 3.0, version 2021-01-11): the JSON body, the
//! X-TC-* headers, answer parsing and the error table (CONTRACT §5,
//! spec/providers.md §2.6–2.7). Tencent answers HTTP 200 for processed
//! requests, errors included: `Response.Error` and every `SendStatusSet[].Code`
//! must be read.

use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::Value;

use time::OffsetDateTime;

use super::{
  boxed, classify, clock_skew_description, envelope, id_field, invalid_shape, provider_error,
  scope_in, str_field, Account, Checked, ProviderType, Rule, Scope,
};
use crate::config::shared::Common;
use crate::config::tencent::{self as tencent_config, TencentConfig};
use crate::error::{ConnectorError, ErrorCode};
use crate::phone;
use crate::send_log::Receipt;
use crate::sign::tencent_tc3::Tc3Input;
use crate::template;
use crate::transport::{HttpRequest, HttpResponse};

pub(crate) const PROVIDER: &str = "Tencent Cloud SMS";
/// Signed byte-for-byte: the header sent must be exactly this.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";
/// The SMS API version of every action this package calls.
pub(crate) const VERSION: &str = "2021-01-11";
pub(crate) const CLOCK_SKEW_CODE: &str = "AuthFailure.SignatureExpire";
const ARREARS_CODE: &str = "UnauthorizedOperation.SerivceSuspendDueToArrears";
/// The destination country is blocked for this SdkAppId.
const COUNTRY_BLOCKED_CODE: &str = "LimitExceeded.AppCountryOrRegionInBlacklist";

/// Tencent Cloud SMS accounts (China and international sites alike).
pub static TYPE: ProviderType = ProviderType {
  name: "tencent",
  parse: |value| boxed(tencent_config::parse(value)),
};

impl Account for TencentConfig {
  fn common(&self) -> &Common {
    &self.common
  }

  fn build_request(
    &self,
    message: &Checked<'_>,
    now: OffsetDateTime,
  ) -> Result<HttpRequest, ConnectorError> {
    let strict = self.common.strict_phone_region_number_check;
    let phone = phone::to_e164(message.to, strict);
    let message = Message {
      phone: &phone,
      template_id: template::code_for(message.template, message.to, strict),
      code: message.code,
      timestamp: now.unix_timestamp(),
    };
    build_request(self, &message)
  }

  fn read_answer(&self, response: &HttpResponse) -> Result<Value, ConnectorError> {
    interpret(response)
  }

  fn receipt(&self, answer: &Value) -> Receipt {
    receipt(answer)
  }

  fn refusal_scope(&self, code: &str) -> Option<Scope> {
    refusal_scope(code)
  }
}

use ErrorCode::*;
use Scope::*;
/// `SendSms` codes (CONTRACT §5) with the refusal scopes §8 names; any other
/// code is `general` and may have been sent.
const RULES: &[Rule] = &[
  // The recipient.
  Rule::exact(
    "InvalidParameterValue.IncorrectPhoneNumber",
    InvalidRequestParameters,
  ),
  Rule::exact(
    "FailedOperation.PhoneNumberParseFail",
    InvalidRequestParameters,
  ),
  Rule::exact(
    "FailedOperation.PhoneNumberInBlacklist",
    InvalidRequestParameters,
  ),
  // Not a rate: the destination country is blocked for this SdkAppId, so
  // `general`; nothing was sent, and another account may serve it.
  Rule::exact(COUNTRY_BLOCKED_CODE, General).scope(Destination),
  // Per-number throttles (PhoneNumberDailyLimit, PhoneNumberThirtySecondLimit…,
  // and the frequency policy): about the recipient, never failed over.
  Rule::prefix("LimitExceeded.PhoneNumber", RateLimitExceeded).scope(Recipient),
  Rule::exact("LimitExceeded.DeliveryFrequencyLimit", RateLimitExceeded).scope(Recipient),
  // DailyLimit and the other app-wide limits: the account.
  Rule::prefix("LimitExceeded.", RateLimitExceeded),
  Rule::exact("LimitExceeded", RateLimitExceeded),
  Rule::prefix("RequestLimitExceeded", RateLimitExceeded),
  // Balance, arrears.
  Rule::exact(
    "FailedOperation.InsufficientBalanceInSmsPackage",
    UsageLimitExceeded,
  ),
  Rule::exact(ARREARS_CODE, UsageLimitExceeded),
  // The clock, not the account: `general` with a clock message; nothing was sent.
  Rule::exact(CLOCK_SKEW_CODE, General).scope(Account),
  // The account's set-up.
  Rule::prefix("AuthFailure.", InvalidConfig),
  Rule::prefix("UnauthorizedOperation.", InvalidConfig),
  Rule::exact(
    "FailedOperation.SignatureIncorrectOrUnapproved",
    InvalidConfig,
  ),
  Rule::exact(
    "FailedOperation.TemplateIncorrectOrUnapproved",
    InvalidConfig,
  ),
  Rule::exact("FailedOperation.TemplateIdNotExist", InvalidConfig),
  Rule::exact("FailedOperation.SignIdNotExist", InvalidConfig),
  Rule::exact("FailedOperation.MissingSignature", InvalidConfig),
  Rule::exact(
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
    InvalidConfig,
  ),
  Rule::exact("InvalidParameterValue.SdkAppIdNotExist", InvalidConfig),
  Rule::exact(
    "InvalidParameterValue.TemplateParameterFormatError",
    InvalidConfig,
  ),
  Rule::exact(
    "InvalidParameterValue.TemplateParameterLengthLimit",
    InvalidConfig,
  ),
  // A template of the wrong region for the number (the config's
  // `{ china, overseas }` codes): this account's set-up does not serve the
  // destination; another account may.
  Rule::exact(
    "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone",
    InvalidConfig,
  )
  .scope(Destination),
  Rule::exact(
    "UnsupportedOperation.GlobalTemplateToChineseMainlandPhone",
    InvalidConfig,
  )
  .scope(Destination),
];

pub fn classify_code(code: &str) -> ErrorCode {
  classify(RULES, code)
}

pub fn refusal_scope(code: &str) -> Option<Scope> {
  scope_in(RULES, code)
}

/// Field order as the official connector sends it; ids are JSON strings
/// (Tencent refuses numbers there).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendSmsBody<'a> {
  sms_sdk_app_id: &'a str,
  sign_name: &'a str,
  template_id: &'a str,
  template_param_set: [&'a str; 1],
  phone_number_set: [&'a str; 1],
}

pub struct Message<'a> {
  /// E.164 with `+`.
  pub phone: &'a str,
  pub template_id: &'a str,
  pub code: &'a str,
  pub timestamp: i64,
}

/// The Host header reqwest will send: host, plus `:port` when not the default.
pub fn host_header(url: &reqwest::Url) -> String {
  let host = url.host_str().unwrap_or_default();
  match url.port() {
    Some(port) => format!("{host}:{port}"),
    None => host.to_owned(),
  }
}

pub fn build_request(
  config: &TencentConfig,
  message: &Message<'_>,
) -> Result<HttpRequest, ConnectorError> {
  let body = serde_json::to_vec(&SendSmsBody {
    sms_sdk_app_id: &config.sdk_app_id,
    sign_name: &config.common.sign_name,
    template_id: message.template_id,
    template_param_set: [message.code],
    phone_number_set: [message.phone],
  })
  .map_err(|e| {
    ConnectorError::new(
      InvalidRequestParameters,
      format!("The request body could not be built: {e}"),
    )
  })?;
  signed_request(config, "SendSms", body, message.timestamp)
}

/// The API 3.0 request for `action` (version 2021-01-11) with `body` at Unix
/// time `timestamp`: TC3-signed with the account's kept signing key, the
/// X-TC-* headers. Shared by `SendSms` and the read-only queries (`query`).
pub(crate) fn signed_request(
  config: &TencentConfig,
  action: &str,
  body: Vec<u8>,
  timestamp: i64,
) -> Result<HttpRequest, ConnectorError> {
  header_safe("accessKeyId", &config.common.access_key_id)?;
  header_safe("region", &config.region)?;
  let host = host_header(&config.common.endpoint);
  let signed = config
    .signing_keys
    .sign(&Tc3Input {
      secret_id: &config.common.access_key_id,
      secret_key: config.common.access_key_secret.expose_secret(),
      service: "sms",
      host: &host,
      content_type: CONTENT_TYPE,
      canonical_uri: config.common.endpoint.path(),
      payload: &body,
      timestamp,
    })
    .ok_or_else(|| {
      ConnectorError::new(
        General,
        "The host clock is outside the range a request can be signed for.",
      )
    })?;
  Ok(HttpRequest {
    url: config.common.endpoint.clone(),
    headers: vec![
      ("authorization".into(), signed.authorization),
      ("content-type".into(), CONTENT_TYPE.into()),
      ("x-tc-action".into(), action.into()),
      ("x-tc-version".into(), VERSION.into()),
      ("x-tc-timestamp".into(), timestamp.to_string()),
      ("x-tc-region".into(), config.region.clone()),
    ],
    body,
    timeout: config.common.timeout,
  })
}

/// `accessKeyId` (inside `Authorization`) and `region` (`X-TC-Region`) travel
/// in headers, which carry visible ASCII, spaces and tabs only. The official
/// guard accepts any string, so a value pasted from a web console with a line
/// break or a non-breaking space passes it: refuse it here, naming the key,
/// before anything is signed or sent.
pub(crate) fn header_safe(key: &str, value: &str) -> Result<(), ConnectorError> {
  if value
    .bytes()
    .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
  {
    return Ok(());
  }
  Err(
    ConnectorError::new(
      InvalidConfig,
      format!(
        "The config value of {key} holds a character an HTTP header cannot carry \
         (a line break, or a non-ASCII character such as a non-breaking space pasted from a web console). \
         Nothing was sent; retype the value."
      ),
    )
    .with("key", key),
  )
}

/// Reads an answer: the parsed body when every number was accepted, else the
/// classified error of the request or of the first refused number.
pub fn interpret(response: &HttpResponse) -> Result<Value, ConnectorError> {
  let body = envelope(response, PROVIDER)?;
  let Some(inner) = body
    .as_ref()
    .and_then(|b| b.get("Response"))
    .filter(|r| r.is_object())
  else {
    return Err(invalid_shape(PROVIDER, response.status));
  };
  let request_id = str_field(inner, "RequestId");
  if let Some(error) = inner.get("Error") {
    let Some(code) = str_field(error, "Code") else {
      return Err(invalid_shape(PROVIDER, response.status));
    };
    return Err(refusal(code, str_field(error, "Message"), request_id));
  }
  let Some(statuses) = inner.get("SendStatusSet").and_then(Value::as_array) else {
    return Err(invalid_shape(PROVIDER, response.status));
  };
  if statuses.is_empty() || !(200..300).contains(&response.status) {
    return Err(invalid_shape(PROVIDER, response.status));
  }
  for status in statuses {
    let Some(code) = str_field(status, "Code") else {
      return Err(invalid_shape(PROVIDER, response.status));
    };
    if !code.eq_ignore_ascii_case("Ok") {
      return Err(refusal(code, str_field(status, "Message"), request_id));
    }
  }
  body.ok_or_else(|| invalid_shape(PROVIDER, response.status))
}

/// The ids an operator looks for, from a success answer (one number per send).
pub fn receipt(body: &Value) -> Receipt {
  let inner = body.get("Response");
  let status = inner
    .and_then(|r| r.get("SendStatusSet"))
    .and_then(|set| set.get(0));
  let text = |value: Option<&Value>, key| value.and_then(|v| id_field(v, key));
  Receipt {
    code: text(status, "Code"),
    request_id: text(inner, "RequestId"),
    message_id: text(status, "SerialNo").map(|id| ("SerialNo", id)),
  }
}

pub(crate) fn refusal(
  code: &str,
  message: Option<&str>,
  request_id: Option<&str>,
) -> ConnectorError {
  let message = message.unwrap_or("");
  let description = if code == CLOCK_SKEW_CODE {
    clock_skew_description(PROVIDER, "5 minutes", message)
  } else if message.is_empty() {
    format!("{PROVIDER} refused the request with {code}.")
  } else {
    message.to_owned()
  };
  provider_error(classify_code(code), code, description, request_id)
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::provider::test_support::{answer, code_of};

  #[test]
  fn table() {
    let cases = [
      (
        "InvalidParameterValue.IncorrectPhoneNumber",
        InvalidRequestParameters,
      ),
      (
        "FailedOperation.PhoneNumberInBlacklist",
        InvalidRequestParameters,
      ),
      ("LimitExceeded.PhoneNumberDailyLimit", RateLimitExceeded),
      ("LimitExceeded.AppCountryOrRegionInBlacklist", General),
      ("RequestLimitExceeded", RateLimitExceeded),
      ("RequestLimitExceeded.IPLimitExceeded", RateLimitExceeded),
      (
        "FailedOperation.InsufficientBalanceInSmsPackage",
        UsageLimitExceeded,
      ),
      (
        "UnauthorizedOperation.SerivceSuspendDueToArrears",
        UsageLimitExceeded,
      ),
      ("UnauthorizedOperation.SmsSdkAppIdVerifyFail", InvalidConfig),
      ("AuthFailure.SignatureFailure", InvalidConfig),
      ("AuthFailure.SecretIdNotFound", InvalidConfig),
      ("AuthFailure.SignatureExpire", General),
      (
        "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
        InvalidConfig,
      ),
      ("InternalError.Timeout", General),
      (
        "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone",
        InvalidConfig,
      ),
      (
        "UnsupportedOperation.GlobalTemplateToChineseMainlandPhone",
        InvalidConfig,
      ),
    ];
    for (code, expected) in cases {
      assert_eq!(classify_code(code), expected, "{code}");
    }
  }

  #[test]
  fn success_needs_every_number_ok_and_tolerates_missing_optional_fields() {
    let ok = r#"{"Response":{"SendStatusSet":[{"SerialNo":"5000:1","PhoneNumber":"+8613800000000","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"r"}}"#;
    assert!(interpret(&answer(200, ok)).is_ok());
    let minimal = r#"{"Response":{"SendStatusSet":[{"Code":"Ok"}]}}"#;
    assert!(interpret(&answer(200, minimal)).is_ok());
    let nulls = r#"{"Response":{"SendStatusSet":[{"SerialNo":null,"PhoneNumber":null,"Fee":null,"SessionContext":null,"Code":"Ok","Message":null,"IsoCode":null}],"RequestId":null}}"#;
    assert!(interpret(&answer(200, nulls)).is_ok());
  }

  #[test]
  fn errors_in_both_places() {
    let request_level = r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"bad"},"RequestId":"r"}}"#;
    assert_eq!(
      code_of(interpret(&answer(200, request_level))),
      Some(InvalidConfig)
    );
    let number_level = r#"{"Response":{"SendStatusSet":[{"Code":"LimitExceeded.PhoneNumberThirtySecondLimit","Message":"x"}],"RequestId":"r"}}"#;
    assert_eq!(
      code_of(interpret(&answer(200, number_level))),
      Some(RateLimitExceeded)
    );
    let empty = r#"{"Response":{"SendStatusSet":[],"RequestId":"r"}}"#;
    assert_eq!(
      code_of(interpret(&answer(200, empty))),
      Some(InvalidResponse)
    );
    assert_eq!(
      code_of(interpret(&answer(200, "{}"))),
      Some(InvalidResponse)
    );
    assert_eq!(
      code_of(interpret(&answer(200, "<html>"))),
      Some(InvalidResponse)
    );
    assert_eq!(code_of(interpret(&answer(502, "<html>"))), Some(General));
    assert_eq!(code_of(interpret(&answer(302, ""))), Some(InvalidResponse));
  }

  /// The request builder end to end against a derived vector (computed with
  /// Python's hmac/hashlib, see __test__/vectors/tencent-tc3.json): body bytes,
  /// field order, headers and signature.
  #[test]
  fn request_matches_sms_vector() {
    use crate::template::{Template, TemplateCode};
    use secrecy::SecretString;
    let Ok(endpoint) = reqwest::Url::parse("https://sms.tencentcloudapi.com") else {
      panic!("constant URL")
    };
    let config = TencentConfig {
      common: crate::config::shared::Common {
        access_key_id: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE".into(),
        access_key_secret: SecretString::from("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"),
        sign_name: "腾讯云".into(),
        templates: vec![Template {
          usage_type: "Generic".into(),
          code: TemplateCode::Single("1234567".into()),
          message: None,
          locale: None,
        }],
        strict_phone_region_number_check: false,
        endpoint,
        timeout: std::time::Duration::from_secs(10),
      },
      sdk_app_id: "1400006666".into(),
      region: "ap-guangzhou".into(),
      signing_keys: Default::default(),
    };
    let message = Message {
      phone: "+8613800138000",
      template_id: "1234567",
      code: "123456",
      timestamp: 1_704_150_000,
    };
    let Ok(request) = build_request(&config, &message) else {
      panic!("request builds")
    };
    assert_eq!(
      String::from_utf8_lossy(&request.body),
      r#"{"SmsSdkAppId":"1400006666","SignName":"腾讯云","TemplateId":"1234567","TemplateParamSet":["123456"],"PhoneNumberSet":["+8613800138000"]}"#
    );
    let header = |name: &str| {
      request
        .headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
    };
    assert_eq!(
      header("authorization"),
      Some("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2024-01-01/sms/tc3_request, SignedHeaders=content-type;host, Signature=61ede8287b9886729a8fe34dcc4339d2f58c7ca5d5fb6523770fba081b05846c")
    );
    assert_eq!(header("x-tc-timestamp"), Some("1704150000"));
    assert_eq!(header("x-tc-region"), Some("ap-guangzhou"));
    assert_eq!(header("x-tc-version"), Some("2021-01-11"));
    assert_eq!(header("content-type"), Some(CONTENT_TYPE));
  }

  #[test]
  fn host_header_keeps_explicit_port() {
    let url = reqwest::Url::parse("http://127.0.0.1:8080/sms");
    assert_eq!(
      url.as_ref().map(host_header).ok().as_deref(),
      Some("127.0.0.1:8080")
    );
    let url = reqwest::Url::parse("https://sms.tencentcloudapi.com");
    assert_eq!(
      url.as_ref().map(host_header).ok().as_deref(),
      Some("sms.tencentcloudapi.com")
    );
  }
}
