//! What each provider wants on the wire and what its answers mean. Shared here:
//! the rule table type, the answer envelope checks and the clock-skew wording.

pub mod aliyun;
pub mod aliyun_intl;
pub mod tencent;

use serde_json::Value;

use crate::error::{ConnectorError, ErrorCode};
use crate::transport::HttpResponse;

/// One row of a provider's error table: first match wins, so exceptions go
/// above the prefix rule they carve out of.
pub enum Rule {
  Exact(&'static str, ErrorCode),
  Prefix(&'static str, ErrorCode),
  /// Anywhere in the code (Aliyun's `*LIMIT_CONTROL*` family).
  Contains(&'static str, ErrorCode),
}

pub fn classify(rules: &[Rule], code: &str) -> ErrorCode {
  rules
    .iter()
    .find_map(|rule| match rule {
      Rule::Exact(exact, to) if code == *exact => Some(*to),
      Rule::Prefix(prefix, to) if code.starts_with(prefix) => Some(*to),
      Rule::Contains(part, to) if code.contains(part) => Some(*to),
      _ => None,
    })
    .unwrap_or(ErrorCode::General)
}

/// The checks that come before the body: a 5xx is the provider's trouble
/// whatever it says; a 3xx is never followed (it would resend the POST).
/// Returns the parsed JSON body otherwise (or `None` when it is not JSON).
pub fn envelope(response: &HttpResponse, provider: &str) -> Result<Option<Value>, ConnectorError> {
  let status = response.status;
  if status >= 500 {
    return Err(ConnectorError::new(
      ErrorCode::General,
      format!("{provider} answered HTTP {status} (a server-side failure); try again later."),
    ));
  }
  if (300..400).contains(&status) {
    return Err(ConnectorError::new(
      ErrorCode::InvalidResponse,
      format!("{provider} answered with a redirect (HTTP {status}); redirects are not followed."),
    ));
  }
  Ok(serde_json::from_slice(&response.body).ok())
}

pub fn invalid_shape(provider: &str, status: u16) -> ConnectorError {
  ConnectorError::new(
    ErrorCode::InvalidResponse,
    format!("{provider} answered HTTP {status} with a body that is not its documented JSON shape."),
  )
}

/// The provider refused the request time: the host's clock is wrong, not the config.
pub fn clock_skew_description(provider: &str, window: &str, message: &str) -> String {
  format!(
    "{provider} refused the request time: this host's clock differs from the provider's by more than {window}. \
     Fix the Logto host's system clock (NTP); the connector configuration is not the cause. Provider message: {message}"
  )
}

/// Builds the error for a provider code: its class, the provider's message
/// (or the clock explanation), `Code` and `RequestId`.
pub fn provider_error(
  class: ErrorCode,
  code: &str,
  description: String,
  request_id: Option<&str>,
) -> ConnectorError {
  let mut error = ConnectorError::new(class, description).with("Code", code);
  if let Some(id) = request_id {
    error = error.with("RequestId", id);
  }
  error
}

pub fn str_field<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
  value.get(key).and_then(Value::as_str)
}

#[cfg(test)]
pub mod test_support {
  use serde_json::Value;

  use crate::error::{ConnectorError, ErrorCode};
  use crate::transport::HttpResponse;

  pub fn answer(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
      status,
      body: body.as_bytes().to_vec(),
    }
  }

  pub fn code_of(result: Result<Value, ConnectorError>) -> Option<ErrorCode> {
    result.err().map(|e| e.code)
  }
}
