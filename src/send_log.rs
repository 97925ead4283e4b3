//! The one line each send leaves on stderr (CONTRACT §10). Logto throws away
//! what `sendMessage` returns, so this line is where an operator finds the
//! provider's request and message ids when a user says no code arrived.
//!
//! Built here, written by the JS glue (which adds the connector id and honours
//! `LOGTO_SMS_LOG=off`). It never holds the code, the full number or a secret:
//! the recipient is its calling code, stars and its last two digits.

use serde_json::{Map, Value};

use crate::calling_code::calling_code;
use crate::error::{ConnectorError, ErrorData};

/// What the provider said about a send, read from its answer or its error.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Receipt {
  /// The provider's own code (`OK`, `Ok`, `isv.BUSINESS_LIMIT_CONTROL`…).
  pub code: Option<String>,
  pub request_id: Option<String>,
  /// The id of the message at the provider, under the provider's own name
  /// for it (`BizId`, `SerialNo`, `MessageId`).
  pub message_id: Option<(&'static str, String)>,
}

impl Receipt {
  /// The provider's `Code` and `RequestId` an error carries, if any.
  pub fn from_error(error: &ConnectorError) -> Self {
    let field = |key: &str| match &error.data {
      ErrorData::Fields(map) => map.get(key).and_then(Value::as_str).map(str::to_owned),
      ErrorData::Message(_) => None,
    };
    Receipt {
      code: field("Code"),
      request_id: field("RequestId"),
      message_id: None,
    }
  }
}

/// One send's facts, as the send path knows them at the end.
pub struct SendLog<'a> {
  /// The provider type (`aliyun`, `tencent`) that sent, or last failed;
  /// none when no account was tried (router).
  pub provider: Option<&'a str>,
  /// Router: the `name` of that account.
  pub account: Option<&'a str>,
  pub usage_type: &'a str,
  /// E.164 digits of the recipient (no `+`), when it was a phone number.
  pub e164_digits: Option<&'a str>,
  /// `sent`, or the ConnectorErrorCodes value.
  pub outcome: &'a str,
  pub receipt: &'a Receipt,
  /// Router: each account tried, in order, as a JSON array (text, written
  /// once by the router).
  pub attempts: Option<&'a str>,
  /// Monitor mode (CONTRACT §9): the budget that would have refused the send.
  pub limit: Option<&'a str>,
  /// The chosen template's `locale`, when it has one: which text the user got.
  pub locale: Option<&'a str>,
  pub ms: u64,
}

impl SendLog<'_> {
  /// The line's JSON object, without the connector id the glue puts first.
  pub fn to_json(&self) -> String {
    let mut line = Map::new();
    line.insert("provider".into(), self.provider.into());
    if let Some(account) = self.account {
      line.insert("account".into(), account.into());
    }
    line.insert("usageType".into(), self.usage_type.into());
    line.insert(
      "country".into(),
      self.e164_digits.and_then(calling_code).into(),
    );
    line.insert("recipient".into(), self.e164_digits.map(mask).into());
    line.insert("outcome".into(), self.outcome.into());
    let receipt = self.receipt;
    if let Some(code) = &receipt.code {
      line.insert("Code".into(), code.as_str().into());
    }
    if let Some(id) = &receipt.request_id {
      line.insert("RequestId".into(), id.as_str().into());
    }
    if let Some((key, id)) = &receipt.message_id {
      line.insert((*key).into(), id.as_str().into());
    }
    if let Some(limit) = self.limit {
      line.insert("limit".into(), limit.into());
    }
    if let Some(locale) = self.locale {
      line.insert("locale".into(), locale.into());
    }
    let mut text = Value::Object(line).to_string();
    // The object is never empty (`provider` is always there): reopen it.
    text.pop();
    if let Some(attempts) = self.attempts {
      text.push_str(r#","attempts":"#);
      text.push_str(attempts);
    }
    text.push_str(&format!(r#","ms":{}}}"#, self.ms));
    text
  }
}

/// `+86*********78`: the calling code, a star per hidden digit, the last two.
pub fn mask(e164_digits: &str) -> String {
  let digits = e164_digits.strip_prefix('+').unwrap_or(e164_digits);
  let shown_head = calling_code(digits).map_or(0, str::len);
  let shown_tail = 2.min(digits.len().saturating_sub(shown_head));
  let hidden = digits.len() - shown_head - shown_tail;
  format!(
    "+{}{}{}",
    &digits[..shown_head],
    "*".repeat(hidden),
    &digits[digits.len() - shown_tail..]
  )
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn masks_keep_the_calling_code_and_two_digits() {
    assert_eq!(mask("8613812345678"), "+86*********78");
    assert_eq!(mask("+447911123456"), "+44********56");
    assert_eq!(mask("12025550123"), "+1********23");
    assert_eq!(mask("99912"), "+***12");
    assert_eq!(mask("861"), "+861");
  }

  #[test]
  fn a_router_line_names_the_account_and_carries_the_attempts() {
    let line = SendLog {
      provider: Some("tencent"),
      account: Some("tencent-intl"),
      usage_type: "SignIn",
      e164_digits: Some("447911123456"),
      outcome: "sent",
      receipt: &Receipt::default(),
      attempts: Some(r#"[{"provider":"tencent-intl","type":"tencent","outcome":"sent"}]"#),
      limit: None,
      locale: None,
      ms: 3,
    }
    .to_json();
    let Ok(value) = serde_json::from_str::<Value>(&line) else {
      panic!("the line is JSON: {line}")
    };
    assert_eq!(value["account"], "tencent-intl");
    assert_eq!(value["attempts"][0]["outcome"], "sent");
    assert_eq!(value["ms"], 3);
  }

  #[test]
  fn the_line_names_ids_and_never_the_number() {
    let receipt = Receipt {
      code: Some("OK".into()),
      request_id: Some("R-1".into()),
      message_id: Some(("BizId", "900^0".into())),
    };
    let line = SendLog {
      provider: Some("aliyun"),
      account: None,
      usage_type: "SignIn",
      e164_digits: Some("8613812345678"),
      outcome: "sent",
      receipt: &receipt,
      attempts: None,
      limit: None,
      locale: None,
      ms: 12,
    }
    .to_json();
    assert_eq!(
      line,
      r#"{"provider":"aliyun","usageType":"SignIn","country":"86","recipient":"+86*********78","outcome":"sent","Code":"OK","RequestId":"R-1","BizId":"900^0","ms":12}"#
    );
  }
}
