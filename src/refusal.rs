//! The one place that decides whether a failed attempt is a **definite
//! refusal**: nothing was sent, so the router may try the next account
//! (CONTRACT §8). Sending an SMS is not idempotent: anything that may have
//! reached the provider and been delivered ends the send, whatever it was.
//!
//! Definite:
//! - nothing left this machine: the request could not be built (no template
//!   for the usage type, an international-site template without `message`, a
//!   value a header cannot carry) or the connection could not be made;
//! - the provider answered with a code that means it sent nothing: throttling
//!   (`rate_limit_exceeded`), balance (`usage_limit_exceeded`), the account's
//!   set-up (`invalid_config`), the recipient or its country
//!   (`invalid_request_parameters`), and the few `general` codes each provider
//!   type lists in `ProviderType::general_refusals` (clock skew; Tencent's
//!   country blacklist).
//!
//! Never: a timeout or a failure after the request went out, an answer over
//! the size cap, a 5xx, an answer not in the documented shape, any other
//! provider code, a success.

use serde_json::Value;

use crate::error::{ConnectorError, ErrorCode, ErrorData};
use crate::provider::ProviderType;

/// How far an attempt got before it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
  /// Nothing reached the provider: the request was not built, or the
  /// connection could not be made.
  NotSent,
  /// The request went out and no readable answer came back (timeout, reset,
  /// an answer over the size cap): it may have been delivered.
  MaybeSent,
  /// The provider answered; the error is what its answer means.
  Answered,
}

/// A failed attempt: where it failed and the error the connector reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
  pub stage: Stage,
  pub error: ConnectorError,
}

/// Whether the next account may be tried after `failure` of an account of
/// type `provider`.
pub fn is_definite(provider: &ProviderType, failure: &Failure) -> bool {
  match failure.stage {
    Stage::NotSent => true,
    Stage::MaybeSent => false,
    Stage::Answered => match failure.error.code {
      ErrorCode::RateLimitExceeded
      | ErrorCode::UsageLimitExceeded
      | ErrorCode::InvalidConfig
      | ErrorCode::InvalidRequestParameters
      | ErrorCode::TemplateNotFound => true,
      // A 5xx, an unknown code, or one of the provider's listed exceptions.
      ErrorCode::General => {
        provider_code(&failure.error).is_some_and(|code| provider.general_refusals.contains(&code))
      }
      ErrorCode::InvalidResponse => false,
    },
  }
}

/// The provider's own code an error carries (`data.Code`), if any.
pub fn provider_code(error: &ConnectorError) -> Option<&str> {
  match &error.data {
    ErrorData::Fields(map) => map.get("Code").and_then(Value::as_str),
    ErrorData::Message(_) => None,
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::config::{aliyun as aliyun_config, tencent as tencent_config};
  use crate::provider::test_support::answer;
  use crate::provider::{aliyun, tencent, Account};
  use crate::transport::TransportError;
  use serde_json::json;

  fn templates() -> Vec<Value> {
    ["Register", "SignIn", "ForgotPassword", "Generic"]
      .iter()
      .map(|u| json!({ "usageType": u, "templateCode": "T" }))
      .collect()
  }

  fn aliyun_account(site: &str) -> Box<dyn Account> {
    let input = json!({
      "accessKeyId": "id", "accessKeySecret": "secret", "signName": "s",
      "templates": templates(), "site": site,
    });
    match aliyun_config::parse(&input) {
      Ok(parsed) => Box::new(parsed.config),
      Err(issues) => panic!("config parses: {issues:?}"),
    }
  }

  fn tencent_account() -> Box<dyn Account> {
    let input = json!({
      "accessKeyId": "id", "accessKeySecret": "secret", "signName": "s",
      "sdkAppId": "1400000000", "region": "ap-guangzhou", "templates": templates(),
    });
    match tencent_config::parse(&input) {
      Ok(parsed) => Box::new(parsed.config),
      Err(issues) => panic!("config parses: {issues:?}"),
    }
  }

  /// What the router does with an answer: read it as the account reads it,
  /// then decide.
  fn verdict(
    provider: &ProviderType,
    account: &dyn Account,
    status: u16,
    body: &str,
  ) -> (Option<ErrorCode>, bool) {
    match account.read_answer(&answer(status, body)) {
      Ok(_) => (None, false),
      Err(error) => {
        let failure = Failure {
          stage: Stage::Answered,
          error,
        };
        (Some(failure.error.code), is_definite(provider, &failure))
      }
    }
  }

  use ErrorCode::*;

  /// Every provider code CONTRACT §5 and §7 name, through the account's own
  /// answer reader: its class for the direct connector, and whether the
  /// router moves on.
  #[test]
  fn every_code_the_contract_names() {
    let china = aliyun_account("china");
    let intl = aliyun_account("international");
    let tencent = tencent_account();
    // Aliyun, China site: `SendSms` answers (business codes at 200, gateway at 4xx).
    let aliyun_cases: &[(&str, u16, ErrorCode, bool)] = &[
      (
        "isv.MOBILE_NUMBER_ILLEGAL",
        200,
        InvalidRequestParameters,
        true,
      ),
      ("isv.BUSINESS_LIMIT_CONTROL", 200, RateLimitExceeded, true),
      ("isv.DAY_LIMIT_CONTROL", 200, RateLimitExceeded, true),
      ("isv.MONTH_LIMIT_CONTROL", 200, RateLimitExceeded, true),
      ("Throttling", 400, RateLimitExceeded, true),
      ("Throttling.User", 400, RateLimitExceeded, true),
      ("Throttling.Api", 400, RateLimitExceeded, true),
      ("isv.AMOUNT_NOT_ENOUGH", 200, UsageLimitExceeded, true),
      ("isv.OUT_OF_SERVICE", 200, UsageLimitExceeded, true),
      ("SignatureDoesNotMatch", 400, InvalidConfig, true),
      ("IncompleteSignature", 400, InvalidConfig, true),
      ("InvalidAccessKeyId.NotFound", 404, InvalidConfig, true),
      ("InvalidAccessKeyId.Inactive", 400, InvalidConfig, true),
      ("Forbidden.RAM", 403, InvalidConfig, true),
      ("isp.RAM_PERMISSION_DENY", 200, InvalidConfig, true),
      ("isv.SMS_SIGNATURE_ILLEGAL", 200, InvalidConfig, true),
      ("isv.SMS_SIGN_ILLEGAL", 200, InvalidConfig, true),
      ("isv.SIGN_NAME_ILLEGAL", 200, InvalidConfig, true),
      ("isv.SIGN_STATE_ILLEGAL", 200, InvalidConfig, true),
      ("isv.SMS_SIGNATURE_SCENE_ILLEGAL", 200, InvalidConfig, true),
      ("isv.SMS_TEMPLATE_ILLEGAL", 200, InvalidConfig, true),
      ("isv.TEMPLATE_MISSING_PARAMETERS", 200, InvalidConfig, true),
      ("isv.PRODUCT_UN_SUBSCRIPT", 200, InvalidConfig, true),
      ("isv.PRODUCT_UNSUBSCRIBE", 200, InvalidConfig, true),
      ("InvalidTimeStamp.Expired", 400, General, true),
      // Any other code: the message may have gone out.
      ("isp.SYSTEM_ERROR", 200, General, false),
      ("SignatureNonceUsed", 400, General, false),
      ("isv.SOMETHING_NEW", 200, General, false),
    ];
    for &(code, status, class, definite) in aliyun_cases {
      let body = json!({ "Code": code, "Message": "m", "RequestId": "R" }).to_string();
      for (site, account) in [("china", &china), ("international", &intl)] {
        assert_eq!(
          verdict(&aliyun::TYPE, account.as_ref(), status, &body),
          (Some(class), definite),
          "aliyun {site} {code}"
        );
      }
    }
    // Aliyun, international site: `ResponseCode`s, with and without prefix.
    let intl_cases: &[(&str, ErrorCode, bool)] = &[
      ("MOBILE_NUMBER_ILLEGAL", InvalidRequestParameters, true),
      ("NOT_SUPPORTED_COUNTRY", InvalidRequestParameters, true),
      ("COUNTRY_RESTRICTED", InvalidRequestParameters, true),
      ("BLACK_KEY_CONTROL_LIMIT", InvalidRequestParameters, true),
      ("BUSINESS_LIMIT_CONTROL", RateLimitExceeded, true),
      ("BUSINESS_LIMIT_CONTROL_MINUTE", RateLimitExceeded, true),
      ("BUSINESS_LIMIT_DAY", RateLimitExceeded, true),
      ("QPS_LIMIT_CONTROL", RateLimitExceeded, true),
      ("DAY_LIMIT_CONTROL", RateLimitExceeded, true),
      ("AMOUNT_NOT_ENOUGH", UsageLimitExceeded, true),
      ("OUT_OF_SERVICE", UsageLimitExceeded, true),
      ("INVALID_SENDERID", InvalidConfig, true),
      ("SMS_CONTENT_CODE_ILLEGAL", InvalidConfig, true),
      ("SMS_SIGN_NAME_ILLEGAL", InvalidConfig, true),
      ("FORBIDDEN_ACTION", InvalidConfig, true),
      ("ACCOUNT_NOT_EXISTS", InvalidConfig, true),
      ("RAM_PERMISSION_DENY", InvalidConfig, true),
      ("PRODUCT_UN_SUBSCRIPT", InvalidConfig, true),
      ("SYSTEM_ERROR", General, false),
      ("INVALID_PARAMETERS", General, false),
      ("SOMETHING_NEW", General, false),
    ];
    for &(code, class, definite) in intl_cases {
      for shown in [
        code.to_owned(),
        format!("isv.{code}"),
        format!("isp.{code}"),
      ] {
        let body = json!({ "ResponseCode": shown, "ResponseDescription": "d", "RequestId": "R" })
          .to_string();
        assert_eq!(
          verdict(&aliyun::TYPE, intl.as_ref(), 200, &body),
          (Some(class), definite),
          "aliyun international {shown}"
        );
      }
    }
    // Tencent: request-level `Response.Error` and per-number `SendStatusSet` codes.
    let tencent_cases: &[(&str, ErrorCode, bool)] = &[
      (
        "InvalidParameterValue.IncorrectPhoneNumber",
        InvalidRequestParameters,
        true,
      ),
      (
        "FailedOperation.PhoneNumberParseFail",
        InvalidRequestParameters,
        true,
      ),
      (
        "FailedOperation.PhoneNumberInBlacklist",
        InvalidRequestParameters,
        true,
      ),
      (
        "LimitExceeded.PhoneNumberDailyLimit",
        RateLimitExceeded,
        true,
      ),
      (
        "LimitExceeded.PhoneNumberThirtySecondLimit",
        RateLimitExceeded,
        true,
      ),
      (
        "LimitExceeded.DeliveryFrequencyLimit",
        RateLimitExceeded,
        true,
      ),
      ("LimitExceeded.AppCountryOrRegionInBlacklist", General, true),
      ("RequestLimitExceeded", RateLimitExceeded, true),
      (
        "RequestLimitExceeded.IPLimitExceeded",
        RateLimitExceeded,
        true,
      ),
      (
        "FailedOperation.InsufficientBalanceInSmsPackage",
        UsageLimitExceeded,
        true,
      ),
      (
        "UnauthorizedOperation.SerivceSuspendDueToArrears",
        UsageLimitExceeded,
        true,
      ),
      ("AuthFailure.SignatureFailure", InvalidConfig, true),
      ("AuthFailure.SecretIdNotFound", InvalidConfig, true),
      ("AuthFailure.SignatureExpire", General, true),
      (
        "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
        InvalidConfig,
        true,
      ),
      (
        "FailedOperation.SignatureIncorrectOrUnapproved",
        InvalidConfig,
        true,
      ),
      (
        "FailedOperation.TemplateIncorrectOrUnapproved",
        InvalidConfig,
        true,
      ),
      ("FailedOperation.TemplateIdNotExist", InvalidConfig, true),
      ("FailedOperation.SignIdNotExist", InvalidConfig, true),
      ("FailedOperation.MissingSignature", InvalidConfig, true),
      (
        "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
        InvalidConfig,
        true,
      ),
      (
        "InvalidParameterValue.SdkAppIdNotExist",
        InvalidConfig,
        true,
      ),
      (
        "InvalidParameterValue.TemplateParameterFormatError",
        InvalidConfig,
        true,
      ),
      (
        "InvalidParameterValue.TemplateParameterLengthLimit",
        InvalidConfig,
        true,
      ),
      ("InternalError.Timeout", General, false),
      (
        "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone",
        General,
        false,
      ),
      ("FailedOperation.SomethingNew", General, false),
    ];
    for &(code, class, definite) in tencent_cases {
      let request_level =
        json!({ "Response": { "Error": { "Code": code, "Message": "m" }, "RequestId": "R" } });
      let number_level = json!({ "Response": { "SendStatusSet": [{ "Code": code, "Message": "m" }], "RequestId": "R" } });
      for body in [request_level, number_level] {
        assert_eq!(
          verdict(&tencent::TYPE, tencent.as_ref(), 200, &body.to_string()),
          (Some(class), definite),
          "tencent {code}"
        );
      }
    }
  }

  /// Whatever the body says, a 5xx, an unreadable answer or a success never
  /// moves on.
  #[test]
  fn answers_that_stop_the_failover() {
    let accounts: [(&ProviderType, Box<dyn Account>); 3] = [
      (&aliyun::TYPE, aliyun_account("china")),
      (&aliyun::TYPE, aliyun_account("international")),
      (&tencent::TYPE, tencent_account()),
    ];
    for (provider, account) in &accounts {
      for (status, body, class) in [
        (
          500,
          r#"{"Code":"isv.BUSINESS_LIMIT_CONTROL"}"#,
          Some(General),
        ),
        (502, "<html>bad gateway</html>", Some(General)),
        (
          503,
          r#"{"Response":{"Error":{"Code":"LimitExceeded.PhoneNumberDailyLimit"}}}"#,
          Some(General),
        ),
        (200, "not json", Some(InvalidResponse)),
        (200, "[]", Some(InvalidResponse)),
        (307, "", Some(InvalidResponse)),
        (
          200,
          r#"{"Response":{"SendStatusSet":[]}}"#,
          Some(InvalidResponse),
        ),
      ] {
        assert_eq!(
          verdict(provider, account.as_ref(), status, body),
          (class, false),
          "{provider:?} {status} {body}"
        );
      }
    }
    let successes = [
      (&accounts[0], r#"{"Code":"OK","BizId":"1^0"}"#),
      (&accounts[1], r#"{"ResponseCode":"OK","MessageId":"1"}"#),
      (
        &accounts[2],
        r#"{"Response":{"SendStatusSet":[{"Code":"Ok"}]}}"#,
      ),
    ];
    for ((provider, account), body) in successes {
      assert_eq!(
        verdict(provider, account.as_ref(), 200, body),
        (None, false)
      );
    }
  }

  /// Transport failures: only "could not connect" is definite.
  #[test]
  fn transport_failures() {
    let cases = [
      (
        TransportError::Connect {
          reason: "connection refused".into(),
          retry: true,
        },
        true,
      ),
      (
        TransportError::Connect {
          reason: "TLS certificate verification failed".into(),
          retry: false,
        },
        true,
      ),
      (
        TransportError::Request("header x has characters HTTP cannot carry".into()),
        true,
      ),
      (
        TransportError::Timeout(std::time::Duration::from_millis(10)),
        false,
      ),
      (TransportError::AfterSend("connection reset".into()), false),
      (TransportError::TooLarge, false),
    ];
    for (error, definite) in cases {
      let stage = crate::send::transport_stage(&error);
      let failure = Failure {
        stage,
        error: error.into_connector_error(),
      };
      for provider in crate::provider::TYPES {
        assert_eq!(is_definite(provider, &failure), definite, "{failure:?}");
      }
    }
  }

  /// Nothing built, nothing sent: a template the account lacks is definite.
  #[test]
  fn failures_before_sending_are_definite() {
    let failure = Failure {
      stage: Stage::NotSent,
      error: ConnectorError::new(TemplateNotFound, "The SignIn template has no message"),
    };
    assert!(is_definite(&aliyun::TYPE, &failure));
  }
}
