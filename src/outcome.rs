//! The JSON documents that cross the N-API boundary. Results travel as one
//! string each way: one allocation and one `JSON.parse` per call, and the JS
//! side needs no knowledge of Rust types. Errors are values here, never
//! exceptions, so the glue can always build the host's `ConnectorError`.

use serde_json::json;

use crate::config::{Issue, Parsed};
use crate::error::{ConnectorError, ErrorCode};

/// What a send ends in.
#[derive(Debug)]
pub enum Outcome {
  /// The provider's answer as it came: JSON text the answer reader accepted
  /// (passed on as it is, not parsed and written again).
  Sent(String),
  InvalidConfig(Vec<Issue>),
  Failed(ConnectorError),
}

impl From<ConnectorError> for Outcome {
  fn from(error: ConnectorError) -> Self {
    Outcome::Failed(error)
  }
}

impl Outcome {
  pub fn internal(what: &str) -> Self {
    Outcome::Failed(ConnectorError::new(
      ErrorCode::General,
      format!("Internal error in the SMS connector ({what}); nothing more is known."),
    ))
  }

  /// `sent`, or the ConnectorErrorCodes value.
  pub fn code_str(&self) -> &'static str {
    match self {
      Outcome::Sent(_) => "sent",
      Outcome::InvalidConfig(_) => ErrorCode::InvalidConfig.as_str(),
      Outcome::Failed(error) => error.code.as_str(),
    }
  }

  /// The document, a newline, then the send's log line (a JSON object): the
  /// glue writes the line as it comes, without parsing it again. JSON text
  /// never holds a raw newline, so the first one ends the document.
  pub fn to_json_with_log(&self, log: &str) -> String {
    let mut text = self.to_json();
    text.reserve(log.len() + 1);
    text.push('\n');
    text.push_str(log);
    text
  }

  pub fn to_json(&self) -> String {
    let document = match self {
      Outcome::Sent(answer) => return format!(r#"{{"ok":true,"value":{answer}}}"#),
      Outcome::InvalidConfig(issues) => {
        json!({ "ok": false, "code": ErrorCode::InvalidConfig.as_str(), "issues": issues })
      }
      Outcome::Failed(error) => {
        json!({ "ok": false, "code": error.code.as_str(), "data": error.data_value() })
      }
    };
    document.to_string()
  }
}

/// `safeParse`'s answer: `{ success, data }` or `{ success, issues }`.
pub fn guard_json<T>(result: &Result<Parsed<T>, Vec<Issue>>) -> String {
  match result {
    Ok(parsed) => json!({ "success": true, "data": parsed.output }),
    Err(issues) => json!({ "success": false, "issues": issues }),
  }
  .to_string()
}
