//! The connector's error: a stable code that maps 1:1 to Logto's
//! `ConnectorErrorCodes`, plus the data Logto shows (`errorDescription`) and the
//! provider's own identifiers. Nothing here ever holds a secret: messages are
//! built from provider answers, transport failures and fixed text only.

use serde::Serialize;
use serde_json::{Map, Value};

/// Logto's `ConnectorErrorCodes` values this package produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
  General,
  InvalidConfig,
  InvalidRequestParameters,
  InvalidResponse,
  TemplateNotFound,
  RateLimitExceeded,
  /// Only connector-kit 5.1.1+ has it; the JS glue falls back to `general`.
  UsageLimitExceeded,
}

impl ErrorCode {
  pub fn as_str(self) -> &'static str {
    match self {
      ErrorCode::General => "general",
      ErrorCode::InvalidConfig => "invalid_config",
      ErrorCode::InvalidRequestParameters => "invalid_request_parameters",
      ErrorCode::InvalidResponse => "invalid_response",
      ErrorCode::TemplateNotFound => "template_not_found",
      ErrorCode::RateLimitExceeded => "rate_limit_exceeded",
      ErrorCode::UsageLimitExceeded => "usage_limit_exceeded",
    }
  }
}

/// What `ConnectorError.data` becomes. Logto's own connectors sometimes pass a
/// bare string (wrapped by the kit as `{ message }`); `Message` keeps that parity.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorData {
  Message(String),
  Fields(Map<String, Value>),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code:?}: {data:?}")]
pub struct ConnectorError {
  pub code: ErrorCode,
  pub data: ErrorData,
}

impl ConnectorError {
  /// An error with `errorDescription` only.
  pub fn new(code: ErrorCode, description: impl Into<String>) -> Self {
    let mut map = Map::new();
    map.insert("errorDescription".into(), Value::String(description.into()));
    ConnectorError {
      code,
      data: ErrorData::Fields(map),
    }
  }

  /// An error whose data is a bare message, as the official connectors throw.
  pub fn message(code: ErrorCode, message: impl Into<String>) -> Self {
    ConnectorError {
      code,
      data: ErrorData::Message(message.into()),
    }
  }

  /// Adds a field to `data` (no-op for bare-message errors).
  pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
    if let ErrorData::Fields(map) = &mut self.data {
      map.insert(key.to_owned(), value.into());
    }
    self
  }

  pub fn description(&self) -> Option<&str> {
    match &self.data {
      ErrorData::Message(message) => Some(message),
      ErrorData::Fields(map) => map.get("errorDescription").and_then(Value::as_str),
    }
  }

  pub fn data_value(&self) -> Value {
    match &self.data {
      ErrorData::Message(message) => Value::String(message.clone()),
      ErrorData::Fields(map) => Value::Object(map.clone()),
    }
  }
}
