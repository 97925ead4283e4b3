//! Config validation that reproduces the official zod guards' verdicts.
//!
//! The official connectors validate with zod; Logto shows zod's issues in its
//! console. We walk the same schema by hand and emit the same `(path, code)`
//! pairs and custom messages, so a config that the official guard accepts is
//! accepted here with the same parsed output, and vice versa. The rules zod
//! follows that matter here: every object key is checked (issues accumulate),
//! an invalid element makes its array "aborted" so the array's `refine` does
//! not run, a union that matches no option yields one `invalid_union` issue.

pub mod aliyun;
pub mod cache;
pub mod shared;
pub mod tencent;

use serde::Serialize;
use serde_json::{Map, Value};

/// The JS glue marks values JSON cannot carry (undefined in arrays, NaN,
/// Infinity, functions, symbols, bigints) as `{ "\u0000jsType": "<type>" }`, so
/// the verdict on them matches zod's (which sees the real JS value).
pub const JS_TYPE_TAG: &str = "\u{0}jsType";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PathSeg {
  Key(String),
  Index(usize),
}

impl From<&str> for PathSeg {
  fn from(key: &str) -> Self {
    PathSeg::Key(key.to_owned())
  }
}

impl From<usize> for PathSeg {
  fn from(index: usize) -> Self {
    PathSeg::Index(index)
  }
}

/// One zod issue: `code` and `path` are compared with the official guard;
/// `message` reads like zod's; `expected`/`received` as zod sets them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
  pub code: &'static str,
  pub path: Vec<PathSeg>,
  pub message: String,
  #[serde(skip_serializing_if = "Option::is_none")]
  pub expected: Option<String>,
  #[serde(skip_serializing_if = "Option::is_none")]
  pub received: Option<String>,
}

/// A validated config and the guard's output (what `safeParse` returns as
/// `data`: unknown keys dropped, defaults filled).
pub struct Parsed<T> {
  pub config: T,
  pub output: Value,
}

/// The output is the config as given, secret included: only the parsed config
/// (whose secret is a `SecretString`) is shown.
impl<T: std::fmt::Debug> std::fmt::Debug for Parsed<T> {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("Parsed")
      .field("config", &self.config)
      .finish_non_exhaustive()
  }
}

/// The type zod would report for a value (`ZodParsedType`).
pub fn js_type(value: Option<&Value>) -> &'static str {
  match value {
    None => "undefined",
    Some(Value::Null) => "null",
    Some(Value::Bool(_)) => "boolean",
    Some(Value::Number(_)) => "number",
    Some(Value::String(_)) => "string",
    Some(Value::Array(_)) => "array",
    Some(Value::Object(map)) => match tagged_type(map) {
      Some(tag) => tag,
      None => "object",
    },
  }
}

fn tagged_type(map: &serde_json::Map<String, Value>) -> Option<&'static str> {
  if map.len() != 1 {
    return None;
  }
  match map.get(JS_TYPE_TAG)?.as_str()? {
    "undefined" => Some("undefined"),
    "nan" => Some("nan"),
    // zod sees Infinity as a number; it fails integer/finite checks only.
    "infinity" => Some("number"),
    "function" => Some("function"),
    "symbol" => Some("symbol"),
    "bigint" => Some("bigint"),
    "date" => Some("date"),
    "map" => Some("map"),
    "set" => Some("set"),
    "promise" => Some("promise"),
    _ => Some("unknown"),
  }
}

/// Treats a tagged `undefined` (array holes) like a missing value.
fn present(value: Option<&Value>) -> Option<&Value> {
  match value {
    Some(v) if js_type(Some(v)) == "undefined" => None,
    other => other,
  }
}

/// A key this package adds, as every guard reads it (CONTRACT §4): absent,
/// `undefined`, `null` and `""` (an emptied console field, blanks included)
/// all mean "not set". `None`: not set. The one "unset" rule of every guard.
pub fn added(value: Option<&Value>) -> Option<&Value> {
  match present(value) {
    None | Some(Value::Null) => None,
    Some(Value::String(text)) if text.trim().is_empty() => None,
    other => other,
  }
}

/// Adds an optional key to the guard's output only when the input had it
/// (`undefined` counts as not had), as given.
pub fn keep_if_present(out: &mut Map<String, Value>, input: &Map<String, Value>, key: &str) {
  if let Some(value) = present(input.get(key)) {
    out.insert(key.to_owned(), value.clone());
  }
}

/// "The problem is already recorded in `Ctx::issues`".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reported;

/// Collects issues while walking a config, zod style.
#[derive(Debug, Default)]
pub struct Ctx {
  pub issues: Vec<Issue>,
}

impl Ctx {
  pub fn push(&mut self, code: &'static str, path: &[PathSeg], message: impl Into<String>) {
    self.issues.push(Issue {
      code,
      path: path.to_vec(),
      message: message.into(),
      expected: None,
      received: None,
    });
  }

  pub fn invalid_type(&mut self, path: &[PathSeg], expected: &str, value: Option<&Value>) {
    let received = js_type(value);
    let message = if received == "undefined" {
      "Required".to_owned()
    } else {
      format!("Expected {expected}, received {received}")
    };
    self.issues.push(Issue {
      code: "invalid_type",
      path: path.to_vec(),
      message,
      expected: Some(expected.to_owned()),
      received: Some(received.to_owned()),
    });
  }

  /// `z.object({...})`: the map, or an `invalid_type` issue.
  pub fn object<'v>(
    &mut self,
    value: Option<&'v Value>,
    path: &[PathSeg],
  ) -> Option<&'v serde_json::Map<String, Value>> {
    match present(value) {
      Some(Value::Object(map)) if tagged_type(map).is_none() => Some(map),
      other => {
        self.invalid_type(path, "object", other);
        None
      }
    }
  }

  /// `z.string()`.
  pub fn string(&mut self, value: Option<&Value>, path: &[PathSeg]) -> Option<String> {
    match present(value) {
      Some(Value::String(s)) => Some(s.clone()),
      other => {
        self.invalid_type(path, "string", other);
        None
      }
    }
  }

  /// An added optional string key (`added`): `Ok(None)` when not set.
  pub fn added_string(
    &mut self,
    value: Option<&Value>,
    path: &[PathSeg],
  ) -> Result<Option<String>, Reported> {
    match added(value) {
      None => Ok(None),
      Some(Value::String(text)) => Ok(Some(text.clone())),
      other => {
        self.invalid_type(path, "string", other);
        Err(Reported)
      }
    }
  }

  /// `z.string().min(1)`.
  pub fn non_empty_string(&mut self, value: Option<&Value>, path: &[PathSeg]) -> Option<String> {
    let text = self.string(value, path)?;
    if text.is_empty() {
      self.push(
        "too_small",
        path,
        "String must contain at least 1 character(s)",
      );
      return None;
    }
    Some(text)
  }

  /// `z.array(…).min(1)`: the items, or an issue.
  pub fn non_empty_array<'v>(
    &mut self,
    value: Option<&'v Value>,
    path: &[PathSeg],
  ) -> Option<&'v [Value]> {
    match present(value) {
      Some(Value::Array(items)) if items.is_empty() => {
        self.push(
          "too_small",
          path,
          "Array must contain at least 1 element(s)",
        );
        None
      }
      Some(Value::Array(items)) => Some(items),
      other => {
        self.invalid_type(path, "array", other);
        None
      }
    }
  }

  /// `z.boolean().optional()`: `Ok(None)` when absent.
  pub fn optional_bool(
    &mut self,
    value: Option<&Value>,
    path: &[PathSeg],
  ) -> Result<Option<bool>, Reported> {
    match present(value) {
      None => Ok(None),
      Some(Value::Bool(b)) => Ok(Some(*b)),
      other => {
        self.invalid_type(path, "boolean", other);
        Err(Reported)
      }
    }
  }

  /// `z.number().int().min(1)` (and `.max(max)` when given): a required
  /// integer from 1. The one integer rule of every added key (`timeoutMs`,
  /// the limits' budgets, the router's failover).
  pub fn positive_integer(
    &mut self,
    value: Option<&Value>,
    path: &[PathSeg],
    max: Option<f64>,
  ) -> Result<u64, Reported> {
    let number = match value {
      Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
      // Infinity arrives tagged; zod sees it as a number that is not an integer.
      Some(v) if js_type(Some(v)) == "number" => f64::INFINITY,
      other => {
        self.invalid_type(path, "number", other);
        return Err(Reported);
      }
    };
    if !(number.is_finite() && number.fract() == 0.0) {
      self.push("invalid_type", path, "Expected integer, received float");
      return Err(Reported);
    }
    if number < 1.0 {
      self.push(
        "too_small",
        path,
        "Number must be greater than or equal to 1",
      );
      return Err(Reported);
    }
    if let Some(max) = max.filter(|max| number > *max) {
      self.push(
        "too_big",
        path,
        format!("Number must be less than or equal to {max}"),
      );
      return Err(Reported);
    }
    // Saturates: past u64 is "forever" for a count or a duration.
    Ok(number as u64)
  }

  /// An added optional integer key from 1 (to `max`): `Ok(None)` when not
  /// set (`added`).
  pub fn added_positive_integer(
    &mut self,
    value: Option<&Value>,
    path: &[PathSeg],
    max: Option<f64>,
  ) -> Result<Option<u64>, Reported> {
    match added(value) {
      None => Ok(None),
      present => self.positive_integer(present, path, max).map(Some),
    }
  }

  pub fn is_clean_since(&self, mark: usize) -> bool {
    self.issues.len() == mark
  }
}

/// Appends one segment to a path.
pub fn at(path: &[PathSeg], seg: impl Into<PathSeg>) -> Vec<PathSeg> {
  let mut next = path.to_vec();
  next.push(seg.into());
  next
}

/// Reads the JSON the JS glue sends. A document serde cannot read (nesting
/// deeper than 128 levels) is reported as one issue at the root.
pub fn read_json(text: &str) -> Result<Value, Vec<Issue>> {
  serde_json::from_str(text).map_err(|error| {
    vec![Issue {
      code: "custom",
      path: Vec::new(),
      message: format!("Config could not be read: {error}"),
      expected: None,
      received: None,
    }]
  })
}

/// Required usage types, in the order the official guards name missing ones.
pub const REQUIRED_USAGE_TYPES: [&str; 4] = ["Register", "SignIn", "ForgotPassword", "Generic"];

/// The usage types among the required ones that `templates` lacks.
pub fn missing_usage_types<'a, I>(usage_types: I) -> Vec<&'static str>
where
  I: IntoIterator<Item = &'a str> + Clone,
{
  REQUIRED_USAGE_TYPES
    .iter()
    .copied()
    .filter(|required| !usage_types.clone().into_iter().any(|u| u == *required))
    .collect()
}

#[cfg(test)]
mod tests {
  use serde_json::json;

  /// The parsed config types hold the secret in `secrecy`, whose `Debug` prints
  /// nothing of it: a config logged by mistake leaks nothing.
  #[test]
  fn debug_output_hides_the_secret() {
    let templates: Vec<_> = ["Register", "SignIn", "ForgotPassword", "Generic"]
      .iter()
      .map(|u| json!({ "usageType": u, "templateCode": "T" }))
      .collect();
    let input = json!({
      "accessKeyId": "id", "accessKeySecret": "MARKER-secret", "signName": "s",
      "sdkAppId": "1400000000", "region": "ap-guangzhou", "templates": templates,
    });
    // The whole `Parsed`, whose guard output holds the secret as given.
    let aliyun = super::aliyun::parse(&input).map(|p| format!("{p:?}"));
    let tencent = super::tencent::parse(&input).map(|p| format!("{p:?}"));
    for debug in [aliyun, tencent] {
      let Ok(debug) = debug else {
        panic!("config parses")
      };
      assert!(debug.contains("access_key_id"), "{debug}");
      assert!(!debug.contains("MARKER"), "{debug}");
    }
  }
}
