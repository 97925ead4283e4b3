//! One doctor check as CONTRACT §11 prints it: an id, a status, a detail
//! (the reason, for `skip`), and a fix in plain words for `fail` and `warn`.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
  Pass,
  Fail,
  Warn,
  Skip,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
  pub id: String,
  pub status: Status,
  /// A router account's name; absent for a direct connector.
  #[serde(skip_serializing_if = "Option::is_none")]
  pub account: Option<String>,
  pub detail: String,
  #[serde(skip_serializing_if = "Option::is_none")]
  pub fix: Option<String>,
}

impl Check {
  pub fn pass(id: impl Into<String>, detail: impl Into<String>) -> Self {
    Self::new(id, Status::Pass, detail, None)
  }

  pub fn skip(id: impl Into<String>, reason: impl Into<String>) -> Self {
    Self::new(id, Status::Skip, reason, None)
  }

  /// A failure always says what to do about it.
  pub fn fail(id: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Self {
    Self::new(id, Status::Fail, detail, Some(fix.into()))
  }

  /// A warning always says what to do about it.
  pub fn warn(id: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Self {
    Self::new(id, Status::Warn, detail, Some(fix.into()))
  }

  fn new(
    id: impl Into<String>,
    status: Status,
    detail: impl Into<String>,
    fix: Option<String>,
  ) -> Self {
    Check {
      id: id.into(),
      status,
      account: None,
      detail: detail.into(),
      fix,
    }
  }

  /// The same check, as one of a router account's (`providers.<name>.<id>`).
  pub fn for_account(mut self, name: &str) -> Self {
    self.id = format!("providers.{name}.{}", self.id);
    self.account = Some(name.to_owned());
    self
  }
}
