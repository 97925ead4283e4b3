//! What each provider wants on the wire and what its answers mean. Shared here:
//! the one interface every provider implements (`Account`, `ProviderType`),
//! the rule table type, the answer envelope checks and the clock-skew wording.
//!
//! A provider is one module here: its config type (parsed by its own guard)
//! implements `Account`, and its `ProviderType` is listed in `TYPES`. The
//! direct connectors (`send`) and the router (`router`) know providers only
//! through these two.

pub mod aliyun;
pub mod aliyun_intl;
pub mod tencent;

use std::fmt;

use serde_json::Value;
use time::OffsetDateTime;

use crate::config::cache::ConfigCache;
use crate::config::shared::Common;
use crate::config::{Issue, Parsed};
use crate::error::{ConnectorError, ErrorCode};
use crate::send_log::Receipt;
use crate::template::Template;
use crate::transport::{HttpRequest, HttpResponse};

/// One message, checked and ready for a provider: nothing about it can be
/// refused before sending any more, except by the provider's own rules.
pub struct Checked<'a> {
  /// The template `template::find` chose in this account's templates.
  pub template: &'a Template,
  /// Logto's number, already checked (`phone::check_recipient`).
  pub to: &'a str,
  pub code: &'a str,
}

/// A provider account's validated config: everything a send asks of a
/// provider. Implemented by each provider's config type.
pub trait Account: Send + Sync + fmt::Debug {
  /// The keys every provider has: templates, mainland rule, endpoint, deadline.
  fn common(&self) -> &Common;
  /// The signed request for `message` at time `now`, or why nothing can be
  /// sent (nothing has been sent when this fails).
  fn build_request(
    &self,
    message: &Checked<'_>,
    now: OffsetDateTime,
  ) -> Result<HttpRequest, ConnectorError>;
  /// The answer: its parsed body on success, else the classified error
  /// (CONTRACT §5 and §7), carrying the provider's `Code` when it gave one.
  fn read_answer(&self, response: &HttpResponse) -> Result<Value, ConnectorError>;
  /// The ids in a success answer, for the send log line.
  fn receipt(&self, answer: &Value) -> Receipt;
}

/// A parsed account, as the guards hand it to the send paths.
pub type ParseAccount = fn(&Value) -> Result<Parsed<Box<dyn Account>>, Vec<Issue>>;

/// A kind of provider: its name, its guard, and what `refusal` needs to know
/// of its codes.
pub struct ProviderType {
  /// As configs (the router's `type`) and the send log (`provider`) name it.
  pub name: &'static str,
  /// The provider's own config guard.
  pub parse: ParseAccount,
  /// Provider codes the direct connector reports as `general` although the
  /// provider sent nothing (clock skew, a destination the account does not
  /// serve). `refusal::is_definite` counts them as definite refusals.
  pub general_refusals: &'static [&'static str],
  /// The last config the direct connector read (Logto passes the same one to
  /// every send).
  pub configs: &'static ConfigCache<Box<dyn Account>>,
}

impl fmt::Debug for ProviderType {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(self.name)
  }
}

/// Every provider, by name.
pub static TYPES: [&ProviderType; 2] = [&aliyun::TYPE, &tencent::TYPE];

pub fn find_type(name: &str) -> Option<&'static ProviderType> {
  TYPES.iter().copied().find(|t| t.name == name)
}

/// Boxes a provider's parsed config as an `Account`.
pub fn boxed<T: Account + 'static>(
  parsed: Result<Parsed<T>, Vec<Issue>>,
) -> Result<Parsed<Box<dyn Account>>, Vec<Issue>> {
  parsed.map(|p| Parsed {
    config: Box::new(p.config) as Box<dyn Account>,
    output: p.output,
  })
}

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
      date: None,
    }
  }

  pub fn code_of(result: Result<Value, ConnectorError>) -> Option<ErrorCode> {
    result.err().map(|e| e.code)
  }
}
