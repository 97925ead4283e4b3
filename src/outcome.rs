//! What a send ends in, and the JSON documents that cross the N-API boundary
//! for it. A send's result crosses as separate values (`binding::SendResult`):
//! the provider's answer as it came, or the failure document, and the log
//! line; nothing depends on what a provider's body contains (a pretty-printed
//! answer holds newlines). Errors are values here, never exceptions, so the
//! glue can always build the host's `ConnectorError`.

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

  /// The failure document `{"code":…,"data"|"issues":…}`; `None` for a
  /// send (its answer crosses as it came).
  pub fn failure_json(&self) -> Option<String> {
    let document = match self {
      Outcome::Sent(_) => return None,
      Outcome::InvalidConfig(issues) => {
        json!({ "code": ErrorCode::InvalidConfig.as_str(), "issues": issues })
      }
      Outcome::Failed(error) => json!({ "code": error.code.as_str(), "data": error.data_value() }),
    };
    Some(document.to_string())
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
