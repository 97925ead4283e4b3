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
  /// The refusal scope of a provider code this account answered with
  /// (`read_answer`'s `data.Code`), from the same table that gave its class;
  /// `None`: the message may have gone out.
  fn refusal_scope(&self, code: &str) -> Option<Scope>;
}

/// A parsed account, as the guards hand it to the send paths.
pub type ParseAccount = fn(&Value) -> Result<Parsed<Box<dyn Account>>, Vec<Issue>>;

/// A kind of provider: its name and its guard.
pub struct ProviderType {
  /// As configs (the router's `type`) and the send log (`provider`) name it.
  pub name: &'static str,
  /// The provider's own config guard.
  pub parse: ParseAccount,
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

/// What a definite refusal is about (CONTRACT §8): it decides whether the
/// router tries the next account and whether the refusal counts toward the
/// account's cool-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
  /// This account cannot send now, whoever the recipient: next account, and
  /// it counts toward the cool-down.
  Account,
  /// This account does not serve this recipient's country or number type, or
  /// has no template for this message: next account, no cool-down.
  Destination,
  /// About this one number (invalid, blacklisted, its per-number throttle):
  /// stop, since another account would only add another per-number quota.
  Recipient,
}

impl Scope {
  pub fn as_str(self) -> &'static str {
    match self {
      Scope::Account => "account",
      Scope::Destination => "destination",
      Scope::Recipient => "recipient",
    }
  }

  /// The scope of a definite refusal whose code the contract does not name:
  /// a refused recipient is about the number, anything else about the
  /// account. `None`: the class is not a definite refusal (a `general` code
  /// not listed may have been sent; an invalid answer likewise).
  pub fn default_for(class: ErrorCode) -> Option<Scope> {
    match class {
      ErrorCode::InvalidRequestParameters => Some(Scope::Recipient),
      ErrorCode::TemplateNotFound => Some(Scope::Destination),
      ErrorCode::RateLimitExceeded | ErrorCode::UsageLimitExceeded | ErrorCode::InvalidConfig => {
        Some(Scope::Account)
      }
      ErrorCode::General | ErrorCode::InvalidResponse => None,
    }
  }
}

/// How a rule matches a provider code.
#[derive(Debug, Clone, Copy)]
enum Pattern {
  Exact(&'static str),
  Prefix(&'static str),
  /// Anywhere in the code (Aliyun's `*LIMIT_CONTROL*` family).
  Contains(&'static str),
}

/// One row of a provider's error table: the code's class (CONTRACT §5) and,
/// when the contract names it, its refusal scope (§8). An exact code wins
/// over every pattern; among patterns the first listed wins, so a narrower
/// pattern goes above the one it carves out of.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
  pattern: Pattern,
  pub class: ErrorCode,
  /// `None`: the class's default (`Scope::default_for`).
  scope: Option<Scope>,
}

impl Rule {
  pub const fn exact(code: &'static str, class: ErrorCode) -> Rule {
    Rule {
      pattern: Pattern::Exact(code),
      class,
      scope: None,
    }
  }

  pub const fn prefix(prefix: &'static str, class: ErrorCode) -> Rule {
    Rule {
      pattern: Pattern::Prefix(prefix),
      class,
      scope: None,
    }
  }

  pub const fn contains(part: &'static str, class: ErrorCode) -> Rule {
    Rule {
      pattern: Pattern::Contains(part),
      class,
      scope: None,
    }
  }

  /// The same rule with the scope the contract gives its codes. A `general`
  /// code with a scope is a definite refusal (clock skew, a country the
  /// account may not send to).
  pub const fn scope(self, scope: Scope) -> Rule {
    Rule {
      scope: Some(scope),
      ..self
    }
  }

  /// The refusal scope of a code this rule matched, `None` when the code
  /// means the message may have gone out.
  pub fn refusal_scope(&self) -> Option<Scope> {
    self.scope.or_else(|| Scope::default_for(self.class))
  }
}

/// The rule `code` falls under: an exact row first, then the first pattern.
pub fn lookup<'a>(rules: &'a [Rule], code: &str) -> Option<&'a Rule> {
  let exact = rules
    .iter()
    .find(|rule| matches!(rule.pattern, Pattern::Exact(exact) if exact == code));
  exact.or_else(|| {
    rules.iter().find(|rule| match rule.pattern {
      Pattern::Exact(_) => false,
      Pattern::Prefix(prefix) => code.starts_with(prefix),
      Pattern::Contains(part) => code.contains(part),
    })
  })
}

/// The class of `code`; a code no rule matches is `general`.
pub fn classify(rules: &[Rule], code: &str) -> ErrorCode {
  lookup(rules, code).map_or(ErrorCode::General, |rule| rule.class)
}

/// The refusal scope of `code`; a code no rule matches may have been sent.
pub fn scope_in(rules: &[Rule], code: &str) -> Option<Scope> {
  lookup(rules, code).and_then(Rule::refusal_scope)
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

/// An id or code in a success answer, read leniently (CONTRACT §5): a string
/// as it is, a number as its digits (a numeric `BizId` is still an id).
pub fn id_field(value: &Value, key: &str) -> Option<String> {
  match value.get(key)? {
    Value::String(text) => Some(text.clone()),
    Value::Number(number) => Some(number.to_string()),
    _ => None,
  }
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

  /// One template per usage type, code `T`: what the table tests' accounts need.
  pub fn templates() -> Vec<Value> {
    ["Register", "SignIn", "ForgotPassword", "Generic"]
      .iter()
      .map(|u| serde_json::json!({ "usageType": u, "templateCode": "T" }))
      .collect()
  }

  pub fn code_of(result: Result<Value, ConnectorError>) -> Option<ErrorCode> {
    result.err().map(|e| e.code)
  }
}
