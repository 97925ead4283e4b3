//! The one line each send leaves on stderr (CONTRACT §10). Logto throws away
//! what `sendMessage` returns, so this line is where an operator finds the
//! provider's request and message ids when a user says no code arrived.
//!
//! Built here, written by the JS glue (which adds the connector id and honours
//! `LOGTO_SMS_LOG=off`). It never holds the code, the full number or a secret:
//! the recipient is its calling code, stars and its last two digits.

use std::fmt::Write;

use serde_json::Value;

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
  /// Written straight into one buffer: it is built on every send, and a JSON
  /// value tree (a map, a `String` per key) cost more than the rest of the
  /// connector's own work.
  pub fn to_json(&self) -> String {
    let mut line = Line(String::with_capacity(LINE_CAPACITY));
    line.0.push('{');
    line.field("provider", self.provider);
    if let Some(account) = self.account {
      line.field("account", Some(account));
    }
    line.field("usageType", Some(self.usage_type));
    line.field("country", self.e164_digits.and_then(calling_code));
    line.key("recipient");
    match self.e164_digits {
      Some(digits) => {
        line.0.push('"');
        push_mask(&mut line.0, digits);
        line.0.push('"');
      }
      None => line.0.push_str("null"),
    }
    line.field("outcome", Some(self.outcome));
    let receipt = self.receipt;
    if let Some(code) = &receipt.code {
      line.field("Code", Some(code));
    }
    if let Some(id) = &receipt.request_id {
      line.field("RequestId", Some(id));
    }
    if let Some((key, id)) = &receipt.message_id {
      line.field(key, Some(id));
    }
    if let Some(limit) = self.limit {
      line.field("limit", Some(limit));
    }
    if let Some(locale) = self.locale {
      line.field("locale", Some(locale));
    }
    if let Some(attempts) = self.attempts {
      line.key("attempts");
      line.0.push_str(attempts);
    }
    line.key("ms");
    // Writing into a `String` cannot fail.
    let _ = write!(line.0, "{}", self.ms);
    line.0.push('}');
    line.0
  }
}

/// Room for a direct connector's whole line (about 200 bytes) without a
/// second allocation.
const LINE_CAPACITY: usize = 256;

/// A JSON object being written; keys are this module's constants.
struct Line(String);

impl Line {
  fn key(&mut self, key: &str) {
    if self.0.len() > 1 {
      self.0.push(',');
    }
    self.0.push('"');
    self.0.push_str(key);
    self.0.push_str("\":");
  }

  /// A string field, or `null`.
  fn field(&mut self, key: &str, value: Option<&str>) {
    self.key(key);
    match value {
      Some(value) => push_json_string(&mut self.0, value),
      None => self.0.push_str("null"),
    }
  }
}

/// `value` as a JSON string. Provider codes and ids are plain ASCII, which
/// is copied as it is; anything else goes through serde_json's escaping.
fn push_json_string(out: &mut String, value: &str) {
  let plain = value
    .bytes()
    .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
  if plain {
    out.push('"');
    out.push_str(value);
    out.push('"');
  } else {
    // Serializing a `&str` cannot fail.
    out.push_str(&serde_json::to_string(value).unwrap_or_else(|_| "null".into()));
  }
}

/// `+86*********78`: the calling code, a star per hidden digit, the last two.
fn push_mask(out: &mut String, e164_digits: &str) {
  let digits = e164_digits.strip_prefix('+').unwrap_or(e164_digits);
  let shown_head = calling_code(digits).map_or(0, str::len);
  let shown_tail = 2.min(digits.len().saturating_sub(shown_head));
  let hidden = digits.len() - shown_head - shown_tail;
  out.push('+');
  out.push_str(&digits[..shown_head]);
  out.extend(std::iter::repeat_n('*', hidden));
  out.push_str(&digits[digits.len() - shown_tail..]);
}

#[cfg(test)]
mod tests {
  use super::*;

  fn mask(e164_digits: &str) -> String {
    let mut out = String::new();
    push_mask(&mut out, e164_digits);
    out
  }

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
  fn values_that_need_escaping_are_escaped() {
    let receipt = Receipt {
      code: Some("a\"b\\c\n".into()),
      request_id: Some("请求".into()),
      message_id: None,
    };
    let line = SendLog {
      provider: None,
      account: Some("acc\u{1}"),
      usage_type: "Sign\"In",
      e164_digits: None,
      outcome: "general",
      receipt: &receipt,
      attempts: None,
      limit: None,
      locale: Some("zh-CN"),
      ms: 0,
    }
    .to_json();
    let Ok(value) = serde_json::from_str::<Value>(&line) else {
      panic!("the line is JSON: {line}")
    };
    assert_eq!(value["provider"], Value::Null);
    assert_eq!(value["recipient"], Value::Null);
    assert_eq!(value["country"], Value::Null);
    assert_eq!(value["account"], "acc\u{1}");
    assert_eq!(value["usageType"], "Sign\"In");
    assert_eq!(value["Code"], "a\"b\\c\n");
    assert_eq!(value["RequestId"], "请求");
    assert_eq!(value["locale"], "zh-CN");
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
