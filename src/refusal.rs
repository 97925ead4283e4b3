//! The one place that decides whether a failed attempt is a **definite
//! refusal** (nothing was sent, so the router may try the next account) and
//! what it is about, its **scope** (CONTRACT §8). Sending an SMS is not
//! idempotent: anything that may have reached the provider and been delivered
//! ends the send, whatever it was.
//!
//! Definite:
//! - nothing left this machine: the request could not be built (no template
//!   for the usage type, an international-site template without `message`:
//!   `destination`; a value a header cannot carry: `account`) or the
//!   connection could not be made (`account`);
//! - the provider answered with a code its own error table
//!   (`provider::Rule`) gives a scope: the codes the contract names take
//!   theirs, any other code of a refusing class its class's default
//!   (`provider::Scope::default_for`).
//!
//! Never: a timeout or a failure after the request went out, an answer over
//! the size cap, a 5xx, an answer not in the documented shape, any provider
//! code its table does not list, a success.

use serde_json::Value;

use crate::error::{ConnectorError, ErrorCode, ErrorData};
use crate::provider::{Account, Scope};

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

/// The scope of `failure` of `account` when it is a definite refusal;
/// `None` when the message may have gone out (the router stops).
pub fn scope(account: &dyn Account, failure: &Failure) -> Option<Scope> {
  match failure.stage {
    Stage::NotSent => Some(match failure.error.code {
      // The flow is the requester's choice: no template for it must not push
      // the account out of rotation.
      ErrorCode::TemplateNotFound => Scope::Destination,
      _ => Scope::Account,
    }),
    Stage::MaybeSent => None,
    // A 5xx or an unreadable answer carries no provider code: may have been sent.
    Stage::Answered => match failure.error.code {
      ErrorCode::InvalidResponse => None,
      _ => provider_code(&failure.error).and_then(|code| account.refusal_scope(code)),
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
  use crate::provider::test_support::{answer, templates};
  use crate::transport::TransportError;
  use serde_json::json;

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
  fn verdict(account: &dyn Account, status: u16, body: &str) -> (Option<ErrorCode>, Option<Scope>) {
    match account.read_answer(&answer(status, body)) {
      Ok(_) => (None, None),
      Err(error) => {
        let failure = Failure {
          stage: Stage::Answered,
          error,
        };
        (Some(failure.error.code), scope(account, &failure))
      }
    }
  }

  use ErrorCode::*;
  const A: Option<Scope> = Some(Scope::Account);
  const D: Option<Scope> = Some(Scope::Destination);
  const R: Option<Scope> = Some(Scope::Recipient);
  const SENT: Option<Scope> = None;

  /// Every provider code CONTRACT §5, §7 and §8 name, through the account's
  /// own answer reader: its class for the direct connector, and its scope for
  /// the router (`None`: it may have been sent, so the router stops).
  #[test]
  fn every_code_the_contract_names() {
    let china = aliyun_account("china");
    let intl = aliyun_account("international");
    let tencent = tencent_account();
    // Aliyun, China site: `SendSms` answers (business codes at 200, gateway at 4xx).
    let aliyun_cases: &[(&str, u16, ErrorCode, Option<Scope>)] = &[
      (
        "isv.MOBILE_NUMBER_ILLEGAL",
        200,
        InvalidRequestParameters,
        R,
      ),
      (
        "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
        200,
        InvalidRequestParameters,
        D,
      ),
      // Exact wins over the `*LIMIT_CONTROL*` pattern: the per-number throttle.
      ("isv.BUSINESS_LIMIT_CONTROL", 200, RateLimitExceeded, R),
      ("isv.DAY_LIMIT_CONTROL", 200, RateLimitExceeded, A),
      ("isv.MONTH_LIMIT_CONTROL", 200, RateLimitExceeded, A),
      ("isv.OTHER_LIMIT_CONTROL", 200, RateLimitExceeded, A),
      ("Throttling", 400, RateLimitExceeded, A),
      ("Throttling.User", 400, RateLimitExceeded, A),
      ("Throttling.Api", 400, RateLimitExceeded, A),
      ("isv.AMOUNT_NOT_ENOUGH", 200, UsageLimitExceeded, A),
      ("isv.OUT_OF_SERVICE", 200, UsageLimitExceeded, A),
      ("SignatureDoesNotMatch", 400, InvalidConfig, A),
      ("IncompleteSignature", 400, InvalidConfig, A),
      ("InvalidAccessKeyId.NotFound", 404, InvalidConfig, A),
      ("InvalidAccessKeyId.Inactive", 400, InvalidConfig, A),
      ("Forbidden.RAM", 403, InvalidConfig, A),
      ("isp.RAM_PERMISSION_DENY", 200, InvalidConfig, A),
      ("isv.SMS_SIGNATURE_ILLEGAL", 200, InvalidConfig, A),
      ("isv.SMS_SIGN_ILLEGAL", 200, InvalidConfig, A),
      ("isv.SIGN_NAME_ILLEGAL", 200, InvalidConfig, A),
      ("isv.SIGN_STATE_ILLEGAL", 200, InvalidConfig, A),
      ("isv.SMS_SIGNATURE_SCENE_ILLEGAL", 200, InvalidConfig, A),
      ("isv.SMS_TEMPLATE_ILLEGAL", 200, InvalidConfig, A),
      ("isv.TEMPLATE_MISSING_PARAMETERS", 200, InvalidConfig, A),
      ("isv.PRODUCT_UN_SUBSCRIPT", 200, InvalidConfig, A),
      ("isv.PRODUCT_UNSUBSCRIBE", 200, InvalidConfig, A),
      ("isv.DENY_IP_RANGE", 200, InvalidConfig, D),
      ("InvalidTimeStamp.Expired", 400, General, A),
      // Any other code: the message may have gone out.
      ("isp.SYSTEM_ERROR", 200, General, SENT),
      ("SignatureNonceUsed", 400, General, SENT),
      ("isv.SOMETHING_NEW", 200, General, SENT),
    ];
    for &(code, status, class, scope) in aliyun_cases {
      let body = json!({ "Code": code, "Message": "m", "RequestId": "R" }).to_string();
      for (site, account) in [("china", &china), ("international", &intl)] {
        assert_eq!(
          verdict(account.as_ref(), status, &body),
          (Some(class), scope),
          "aliyun {site} {code}"
        );
      }
    }
    // Aliyun, international site: `ResponseCode`s, with and without prefix.
    let intl_cases: &[(&str, ErrorCode, Option<Scope>)] = &[
      ("MOBILE_NUMBER_ILLEGAL", InvalidRequestParameters, R),
      ("NOT_SUPPORTED_COUNTRY", InvalidRequestParameters, D),
      ("COUNTRY_RESTRICTED", InvalidRequestParameters, D),
      ("BLACK_KEY_CONTROL_LIMIT", InvalidRequestParameters, R),
      ("BUSINESS_LIMIT_CONTROL", RateLimitExceeded, R),
      ("BUSINESS_LIMIT_CONTROL_MINUTE", RateLimitExceeded, A),
      ("BUSINESS_LIMIT_DAY", RateLimitExceeded, A),
      ("QPS_LIMIT_CONTROL", RateLimitExceeded, A),
      ("DAY_LIMIT_CONTROL", RateLimitExceeded, A),
      ("AMOUNT_NOT_ENOUGH", UsageLimitExceeded, A),
      ("OUT_OF_SERVICE", UsageLimitExceeded, A),
      ("INVALID_SENDERID", InvalidConfig, A),
      ("SMS_CONTENT_CODE_ILLEGAL", InvalidConfig, A),
      ("SMS_SIGN_NAME_ILLEGAL", InvalidConfig, A),
      ("FORBIDDEN_ACTION", InvalidConfig, A),
      ("ACCOUNT_NOT_EXISTS", InvalidConfig, A),
      ("RAM_PERMISSION_DENY", InvalidConfig, A),
      ("PRODUCT_UN_SUBSCRIPT", InvalidConfig, A),
      ("SYSTEM_ERROR", General, SENT),
      ("INVALID_PARAMETERS", General, SENT),
      ("SOMETHING_NEW", General, SENT),
    ];
    for &(code, class, scope) in intl_cases {
      for shown in [
        code.to_owned(),
        format!("isv.{code}"),
        format!("isp.{code}"),
      ] {
        let body = json!({ "ResponseCode": shown, "ResponseDescription": "d", "RequestId": "R" })
          .to_string();
        assert_eq!(
          verdict(intl.as_ref(), 200, &body),
          (Some(class), scope),
          "aliyun international {shown}"
        );
      }
    }
    // Tencent: request-level `Response.Error` and per-number `SendStatusSet` codes.
    let tencent_cases: &[(&str, ErrorCode, Option<Scope>)] = &[
      (
        "InvalidParameterValue.IncorrectPhoneNumber",
        InvalidRequestParameters,
        R,
      ),
      (
        "FailedOperation.PhoneNumberParseFail",
        InvalidRequestParameters,
        R,
      ),
      (
        "FailedOperation.PhoneNumberInBlacklist",
        InvalidRequestParameters,
        R,
      ),
      ("LimitExceeded.PhoneNumberDailyLimit", RateLimitExceeded, R),
      (
        "LimitExceeded.PhoneNumberThirtySecondLimit",
        RateLimitExceeded,
        R,
      ),
      (
        "LimitExceeded.PhoneNumberOneHourLimit",
        RateLimitExceeded,
        R,
      ),
      ("LimitExceeded.PhoneNumberCountLimit", RateLimitExceeded, R),
      ("LimitExceeded.DeliveryFrequencyLimit", RateLimitExceeded, R),
      ("LimitExceeded.DailyLimit", RateLimitExceeded, A),
      ("LimitExceeded.AppDailyLimit", RateLimitExceeded, A),
      ("LimitExceeded.AppCountryOrRegionInBlacklist", General, D),
      ("RequestLimitExceeded", RateLimitExceeded, A),
      ("RequestLimitExceeded.IPLimitExceeded", RateLimitExceeded, A),
      (
        "FailedOperation.InsufficientBalanceInSmsPackage",
        UsageLimitExceeded,
        A,
      ),
      (
        "UnauthorizedOperation.SerivceSuspendDueToArrears",
        UsageLimitExceeded,
        A,
      ),
      ("AuthFailure.SignatureFailure", InvalidConfig, A),
      ("AuthFailure.SecretIdNotFound", InvalidConfig, A),
      ("AuthFailure.SignatureExpire", General, A),
      (
        "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
        InvalidConfig,
        A,
      ),
      (
        "FailedOperation.SignatureIncorrectOrUnapproved",
        InvalidConfig,
        A,
      ),
      (
        "FailedOperation.TemplateIncorrectOrUnapproved",
        InvalidConfig,
        A,
      ),
      ("FailedOperation.TemplateIdNotExist", InvalidConfig, A),
      ("FailedOperation.SignIdNotExist", InvalidConfig, A),
      ("FailedOperation.MissingSignature", InvalidConfig, A),
      (
        "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
        InvalidConfig,
        A,
      ),
      ("InvalidParameterValue.SdkAppIdNotExist", InvalidConfig, A),
      (
        "InvalidParameterValue.TemplateParameterFormatError",
        InvalidConfig,
        A,
      ),
      (
        "InvalidParameterValue.TemplateParameterLengthLimit",
        InvalidConfig,
        A,
      ),
      (
        "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone",
        InvalidConfig,
        D,
      ),
      (
        "UnsupportedOperation.GlobalTemplateToChineseMainlandPhone",
        InvalidConfig,
        D,
      ),
      ("InternalError.Timeout", General, SENT),
      ("FailedOperation.SomethingNew", General, SENT),
    ];
    for &(code, class, scope) in tencent_cases {
      let request_level =
        json!({ "Response": { "Error": { "Code": code, "Message": "m" }, "RequestId": "R" } });
      let number_level = json!({ "Response": { "SendStatusSet": [{ "Code": code, "Message": "m" }], "RequestId": "R" } });
      for body in [request_level, number_level] {
        assert_eq!(
          verdict(tencent.as_ref(), 200, &body.to_string()),
          (Some(class), scope),
          "tencent {code}"
        );
      }
    }
  }

  /// Whatever the body says, a 5xx, an unreadable answer or a success never
  /// moves on.
  #[test]
  fn answers_that_stop_the_failover() {
    let accounts = [
      aliyun_account("china"),
      aliyun_account("international"),
      tencent_account(),
    ];
    for account in &accounts {
      for (status, body, class) in [
        (500, r#"{"Code":"isv.BUSINESS_LIMIT_CONTROL"}"#, General),
        (502, "<html>bad gateway</html>", General),
        (
          503,
          r#"{"Response":{"Error":{"Code":"LimitExceeded.PhoneNumberDailyLimit"}}}"#,
          General,
        ),
        (200, "not json", InvalidResponse),
        (200, "[]", InvalidResponse),
        (307, "", InvalidResponse),
        (200, r#"{"Response":{"SendStatusSet":[]}}"#, InvalidResponse),
      ] {
        assert_eq!(
          verdict(account.as_ref(), status, body),
          (Some(class), SENT),
          "{account:?} {status} {body}"
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
    for (account, body) in successes {
      assert_eq!(verdict(account.as_ref(), 200, body), (None, None));
    }
  }

  /// Transport failures: only "could not connect" (or a request that could
  /// not be built) is definite, and it is about the account.
  #[test]
  fn transport_failures() {
    let cases = [
      (
        TransportError::Connect {
          reason: "connection refused".into(),
          retry: true,
        },
        A,
      ),
      (
        TransportError::Connect {
          reason: "TLS certificate verification failed".into(),
          retry: false,
        },
        A,
      ),
      (
        TransportError::Request("header x has characters HTTP cannot carry".into()),
        A,
      ),
      (
        TransportError::Timeout(std::time::Duration::from_millis(10)),
        SENT,
      ),
      (TransportError::AfterSend("connection reset".into()), SENT),
      (TransportError::TooLarge, SENT),
    ];
    let accounts = [aliyun_account("china"), tencent_account()];
    for (error, expected) in cases {
      let stage = crate::send::transport_stage(&error);
      let failure = Failure {
        stage,
        error: error.into_connector_error(),
      };
      for account in &accounts {
        assert_eq!(scope(account.as_ref(), &failure), expected, "{failure:?}");
      }
    }
  }

  /// Nothing built, nothing sent: a template the account lacks is about the
  /// destination (the flow is the requester's choice), never the account.
  #[test]
  fn a_missing_template_is_a_destination_refusal() {
    let failure = Failure {
      stage: Stage::NotSent,
      error: ConnectorError::new(TemplateNotFound, "The SignIn template has no message"),
    };
    assert_eq!(scope(aliyun_account("international").as_ref(), &failure), D);
  }
}
