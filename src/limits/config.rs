//! The guard for the optional `limits` object (CONTRACT §9), zod style: every
//! problem is an issue under `[…path, "limits", …]`, issues accumulate, unknown
//! keys are dropped, and the parsed output holds only the keys the input had.
//!
//! A zod schema with the same verdicts would read:
//! ```text
//! z.object({
//!   countries: z.object({ allow: z.array(prefix).optional(), deny: z.array(prefix).optional() }).optional(),
//!   perIp: budget.optional(), perCountry: budget.optional(), global: budget.optional(),
//!   perRange: budget.extend({ trailingDigits: z.number().int().min(1).max(6).optional() }).optional(),
//!   redisUrl: z.string().refine(Logto's REDIS_URL syntax, or env:NAME).optional(),
//!   namespace: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
//!   onStoreError: z.enum(['allow', 'deny']).optional(),
//!   mode: z.enum(['enforce', 'monitor']).optional(),
//! }).optional()
//! prefix = z.string().regex(/^\d{1,15}$/)
//! budget = z.object({ max: z.number().int().min(1).max(1e9),
//!                     windowSeconds: z.number().int().min(1).max(2678400) })
//! ```
//! plus `null` (and `""` from an emptied console field) meaning "not set" for
//! every key, as for `endpoint`.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::redis_url::{self, RedisSpec};
use crate::config::{added, at, js_type, keep_if_present, Ctx, PathSeg, Reported};

pub const MAX_SENDS: f64 = 1e9;
/// 31 days.
pub const MAX_WINDOW_SECONDS: f64 = 2_678_400.0;
const MAX_PREFIX_DIGITS: usize = 15;
/// `perRange.trailingDigits`: at most a million numbers per range.
const MAX_TRAILING_DIGITS: f64 = 6.0;
pub const DEFAULT_TRAILING_DIGITS: usize = 3;
const MAX_NAMESPACE_LENGTH: usize = 64;

/// A validated `limits` object.
#[derive(Debug, Clone, Default)]
pub struct Limits {
  pub countries: Countries,
  pub per_ip: Option<Budget>,
  pub per_range: Option<RangeBudget>,
  pub per_country: Option<Budget>,
  pub global: Option<Budget>,
  /// `None`: the counters live in this process.
  pub redis: Option<RedisTarget>,
  /// Prefixes every counter key; `None`: the default namespace.
  pub namespace: Option<String>,
  pub on_store_error: OnStoreError,
  pub mode: Mode,
}

/// Digit prefixes of the recipient's E.164 digits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Countries {
  pub allow: Vec<String>,
  pub deny: Vec<String>,
}

/// At most `max` sends per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
  pub max: u64,
  pub window: Duration,
}

/// `perRange`: a budget per number range, the E.164 digits without their
/// last `trailing_digits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeBudget {
  pub budget: Budget,
  pub trailing_digits: usize,
}

/// What happens to a send when the store fails, refuses or is too slow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OnStoreError {
  /// Send anyway (sign-in keeps working); a warning goes to stderr.
  #[default]
  Allow,
  /// Refuse with `RateLimitExceeded`.
  Deny,
}

/// Whether a budget refuses, or only reports what it would have refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
  #[default]
  Enforce,
  Monitor,
}

/// Where the Redis counters live.
#[derive(Debug, Clone)]
pub enum RedisTarget {
  /// A URL written in the config, read by the guard. `id`: the SHA-256 of
  /// the URL, which keys its connection (the URL itself holds the password).
  Url { spec: Arc<RedisSpec>, id: [u8; 32] },
  /// `env:NAME`: the URL is read from the environment when the limits are
  /// used, so a missing or invalid variable is a store error, not an issue.
  Env(String),
}

impl RedisTarget {
  /// How log lines name the store before its URL is known.
  pub fn shown(&self) -> String {
    match self {
      RedisTarget::Url { spec, .. } => spec.shown.clone(),
      RedisTarget::Env(name) => format!("env:{name}"),
    }
  }
}

/// Puts the guard's verdict on a config's `limits` into that config's guard
/// output: the validated limits (unknown keys dropped), or the `null`/`""`
/// given when unset. Returns the limits.
pub fn output(
  parsed: Option<(Limits, Value)>,
  input: &Map<String, Value>,
  out: &mut Map<String, Value>,
) -> Option<Limits> {
  match parsed {
    Some((limits, limits_out)) => {
      out.insert("limits".into(), limits_out);
      Some(limits)
    }
    None => {
      keep_if_present(out, input, "limits");
      None
    }
  }
}

/// Validates `value` (the `limits` key, at `path`). `Ok(None)`: not set.
/// The second part of the answer is the guard's output for the key.
pub fn parse(
  ctx: &mut Ctx,
  value: Option<&Value>,
  path: &[PathSeg],
) -> Result<Option<(Limits, Value)>, Reported> {
  if added(value).is_none() {
    return Ok(None);
  }
  let map = ctx.object(value, path).ok_or(Reported)?;
  let mark = ctx.issues.len();
  let mut out = Map::new();
  let countries = optional(map, "countries", &mut out, |v| {
    countries(ctx, v, &at(path, "countries"))
  });
  let per_ip = optional(map, "perIp", &mut out, |v| {
    budget(ctx, v, &at(path, "perIp"))
  });
  let per_range = optional(map, "perRange", &mut out, |v| {
    range_budget(ctx, v, &at(path, "perRange"))
  });
  let per_country = optional(map, "perCountry", &mut out, |v| {
    budget(ctx, v, &at(path, "perCountry"))
  });
  let global = optional(map, "global", &mut out, |v| {
    budget(ctx, v, &at(path, "global"))
  });
  let redis = optional(map, "redisUrl", &mut out, |v| {
    redis_url(ctx, v, &at(path, "redisUrl"))
  });
  let namespace = optional(map, "namespace", &mut out, |v| {
    namespace(ctx, v, &at(path, "namespace"))
  });
  let on_store_error = optional(map, "onStoreError", &mut out, |v| {
    choice(ctx, v, &at(path, "onStoreError"), &["allow", "deny"])
  })
  .map(|index| {
    if index == 0 {
      OnStoreError::Allow
    } else {
      OnStoreError::Deny
    }
  });
  let mode = optional(map, "mode", &mut out, |v| {
    choice(ctx, v, &at(path, "mode"), &["enforce", "monitor"])
  })
  .map(|index| {
    if index == 0 {
      Mode::Enforce
    } else {
      Mode::Monitor
    }
  });
  if !ctx.is_clean_since(mark) {
    return Err(Reported);
  }
  let limits = Limits {
    countries: countries.unwrap_or_default(),
    per_ip,
    per_range,
    per_country,
    global,
    redis,
    namespace,
    on_store_error: on_store_error.unwrap_or_default(),
    mode: mode.unwrap_or_default(),
  };
  Ok(Some((limits, Value::Object(out))))
}

/// Reads an optional key: `None` when unset or invalid (the issue is already
/// in `ctx`); the validated output is copied to `out` when the key was given.
fn optional<T>(
  map: &Map<String, Value>,
  key: &str,
  out: &mut Map<String, Value>,
  read: impl FnOnce(&Value) -> Result<(T, Value), Reported>,
) -> Option<T> {
  let value = map.get(key)?;
  if js_type(Some(value)) == "undefined" {
    return None;
  }
  if added(Some(value)).is_none() {
    out.insert(key.to_owned(), value.clone());
    return None;
  }
  let (parsed, output) = read(value).ok()?;
  out.insert(key.to_owned(), output);
  Some(parsed)
}

fn countries(
  ctx: &mut Ctx,
  value: &Value,
  path: &[PathSeg],
) -> Result<(Countries, Value), Reported> {
  let map = ctx.object(Some(value), path).ok_or(Reported)?;
  let mark = ctx.issues.len();
  let mut out = Map::new();
  let allow = optional(map, "allow", &mut out, |v| {
    prefixes(ctx, v, &at(path, "allow"))
  });
  let deny = optional(map, "deny", &mut out, |v| {
    prefixes(ctx, v, &at(path, "deny"))
  });
  if !ctx.is_clean_since(mark) {
    return Err(Reported);
  }
  let countries = Countries {
    allow: allow.unwrap_or_default(),
    deny: deny.unwrap_or_default(),
  };
  Ok((countries, Value::Object(out)))
}

fn prefixes(
  ctx: &mut Ctx,
  value: &Value,
  path: &[PathSeg],
) -> Result<(Vec<String>, Value), Reported> {
  let Value::Array(items) = value else {
    ctx.invalid_type(path, "array", Some(value));
    return Err(Reported);
  };
  let mark = ctx.issues.len();
  let mut parsed = Vec::with_capacity(items.len());
  for (index, item) in items.iter().enumerate() {
    let item_path = at(path, index);
    let Some(text) = ctx.string(Some(item), &item_path) else {
      continue;
    };
    if is_prefix(&text) {
      parsed.push(text);
    } else {
      ctx.push(
        "invalid_string",
        &item_path,
        "Must be 1 to 15 digits: a calling code such as \"86\" or a longer prefix, without +",
      );
    }
  }
  if !ctx.is_clean_since(mark) {
    return Err(Reported);
  }
  let output = Value::Array(parsed.iter().cloned().map(Value::String).collect());
  Ok((parsed, output))
}

fn is_prefix(text: &str) -> bool {
  (1..=MAX_PREFIX_DIGITS).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

fn budget(ctx: &mut Ctx, value: &Value, path: &[PathSeg]) -> Result<(Budget, Value), Reported> {
  let map = ctx.object(Some(value), path).ok_or(Reported)?;
  read_budget(ctx, map, path)
}

fn read_budget(
  ctx: &mut Ctx,
  map: &Map<String, Value>,
  path: &[PathSeg],
) -> Result<(Budget, Value), Reported> {
  let max = ctx.positive_integer(map.get("max"), &at(path, "max"), Some(MAX_SENDS));
  let window = ctx.positive_integer(
    map.get("windowSeconds"),
    &at(path, "windowSeconds"),
    Some(MAX_WINDOW_SECONDS),
  );
  let (max, window_seconds) = (max?, window?);
  let mut out = Map::new();
  out.insert("max".into(), Value::from(max));
  out.insert("windowSeconds".into(), Value::from(window_seconds));
  let budget = Budget {
    max,
    window: Duration::from_secs(window_seconds),
  };
  Ok((budget, Value::Object(out)))
}

fn range_budget(
  ctx: &mut Ctx,
  value: &Value,
  path: &[PathSeg],
) -> Result<(RangeBudget, Value), Reported> {
  let map = ctx.object(Some(value), path).ok_or(Reported)?;
  let mark = ctx.issues.len();
  let budget = read_budget(ctx, map, path);
  let mut given = Map::new();
  let trailing = optional(map, "trailingDigits", &mut given, |v| {
    let path = at(path, "trailingDigits");
    let digits = ctx.positive_integer(Some(v), &path, Some(MAX_TRAILING_DIGITS))?;
    Ok((digits, Value::from(digits)))
  });
  if !ctx.is_clean_since(mark) {
    return Err(Reported);
  }
  let (budget, Value::Object(mut out)) = budget? else {
    return Err(Reported);
  };
  out.extend(given);
  let trailing_digits = trailing.map_or(DEFAULT_TRAILING_DIGITS, |d| {
    usize::try_from(d).unwrap_or(DEFAULT_TRAILING_DIGITS)
  });
  Ok((
    RangeBudget {
      budget,
      trailing_digits,
    },
    Value::Object(out),
  ))
}

/// One of `options`, as its index.
fn choice(
  ctx: &mut Ctx,
  value: &Value,
  path: &[PathSeg],
  options: &[&str],
) -> Result<(usize, Value), Reported> {
  let expected = options
    .iter()
    .map(|o| format!("'{o}'"))
    .collect::<Vec<_>>()
    .join(" | ");
  match value {
    Value::String(text) => match options.iter().position(|o| o == text) {
      Some(index) => Ok((index, value.clone())),
      None => {
        let shown: String = text.chars().take(40).collect();
        ctx.push(
          "invalid_enum_value",
          path,
          format!("Invalid enum value. Expected {expected}, received '{shown}'"),
        );
        Err(Reported)
      }
    },
    other => {
      ctx.invalid_type(path, &expected, Some(other));
      Err(Reported)
    }
  }
}

fn namespace(ctx: &mut Ctx, value: &Value, path: &[PathSeg]) -> Result<(String, Value), Reported> {
  let text = ctx.string(Some(value), path).ok_or(Reported)?;
  let valid = (1..=MAX_NAMESPACE_LENGTH).contains(&text.len())
    && text
      .bytes()
      .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
  if !valid {
    ctx.push(
      "invalid_string",
      path,
      "namespace must be 1 to 64 of A-Z a-z 0-9 . _ -",
    );
    return Err(Reported);
  }
  Ok((text, value.clone()))
}

/// Logto's `REDIS_URL` syntax, or `env:NAME`. Messages never repeat the URL:
/// it may hold a password.
fn redis_url(
  ctx: &mut Ctx,
  value: &Value,
  path: &[PathSeg],
) -> Result<(RedisTarget, Value), Reported> {
  let Value::String(text) = value else {
    ctx.invalid_type(path, "string", Some(value));
    return Err(Reported);
  };
  let target = match redis_url::env_name(text) {
    Some(Ok(name)) => Ok(RedisTarget::Env(name.to_owned())),
    Some(Err(reason)) => Err(reason),
    None => redis_url::parse(text).map(|spec| RedisTarget::Url {
      spec: Arc::new(spec),
      id: Sha256::digest(text.trim().as_bytes()).into(),
    }),
  };
  match target {
    Ok(target) => Ok((target, value.clone())),
    Err(reason) => {
      ctx.push("custom", path, reason);
      Err(Reported)
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use serde_json::json;

  /// A parse's answer and its issues as `(path as JSON, code)`.
  type Run = (
    Result<Option<(Limits, Value)>, Reported>,
    Vec<(String, &'static str)>,
  );

  fn run(input: Value) -> Run {
    let mut ctx = Ctx::default();
    let result = parse(&mut ctx, Some(&input), &[PathSeg::from("limits")]);
    let issues = ctx
      .issues
      .iter()
      .map(|issue| {
        (
          serde_json::to_string(&issue.path).unwrap_or_default(),
          issue.code,
        )
      })
      .collect();
    (result, issues)
  }

  fn ok(input: Value) -> (Limits, Value) {
    match run(input.clone()) {
      (Ok(Some(parsed)), issues) if issues.is_empty() => parsed,
      other => panic!("{input} should pass: {:?}", other.1),
    }
  }

  fn issues(input: Value) -> Vec<(String, &'static str)> {
    let (result, issues) = run(input.clone());
    assert!(result.is_err(), "{input} should fail");
    assert!(!issues.is_empty());
    issues
  }

  #[test]
  fn the_contract_example_parses() {
    let input = json!({
      "countries": { "allow": ["86", "852", "1"], "deny": [] },
      "perIp": { "max": 10, "windowSeconds": 3600 },
      "perCountry": { "max": 500, "windowSeconds": 86400 },
      "global": { "max": 5000, "windowSeconds": 86400 },
      "perRange": { "max": 5, "windowSeconds": 86400, "trailingDigits": 3 },
      "redisUrl": "redis://127.0.0.1:6379/0",
      "namespace": "prod",
      "onStoreError": "allow",
      "mode": "enforce"
    });
    let (limits, output) = ok(input.clone());
    assert_eq!(output, input);
    assert_eq!(limits.countries.allow, ["86", "852", "1"]);
    assert_eq!(
      limits.per_ip,
      Some(Budget {
        max: 10,
        window: Duration::from_secs(3600)
      })
    );
    assert_eq!(limits.global.map(|b| b.max), Some(5000));
    assert_eq!(limits.on_store_error, OnStoreError::Allow);
    assert_eq!(
      limits.redis.map(|r| r.shown()).as_deref(),
      Some("redis://127.0.0.1:6379/0")
    );
  }

  #[test]
  fn unset_means_no_limits_and_empty_means_none_applied() {
    for unset in [json!(null), json!(""), json!("  ")] {
      assert!(matches!(run(unset).0, Ok(None)));
    }
    let mut ctx = Ctx::default();
    assert!(matches!(parse(&mut ctx, None, &[]), Ok(None)));
    let (limits, output) = ok(json!({}));
    assert_eq!(output, json!({}));
    assert!(limits.per_ip.is_none() && limits.redis.is_none());
    assert_eq!(limits.on_store_error, OnStoreError::Allow);
  }

  #[test]
  fn output_keeps_only_given_known_keys() {
    let (limits, output) = ok(json!({
      "global": { "max": 3, "windowSeconds": 60, "extra": 1 },
      "perIp": null,
      "unknown": true,
      "onStoreError": "deny"
    }));
    assert_eq!(
      output,
      json!({ "global": { "max": 3, "windowSeconds": 60 }, "perIp": null, "onStoreError": "deny" })
    );
    assert!(limits.per_ip.is_none());
    assert_eq!(limits.on_store_error, OnStoreError::Deny);
  }

  #[test]
  fn not_an_object() {
    for bad in [json!(5), json!(true), json!([]), json!("x")] {
      assert_eq!(issues(bad), [("[\"limits\"]".to_owned(), "invalid_type")]);
    }
  }

  #[test]
  fn budgets_are_integers_in_range() {
    let cases = [
      (json!({ "max": 0, "windowSeconds": 1 }), "max", "too_small"),
      (
        json!({ "max": 1_000_000_001u64, "windowSeconds": 1 }),
        "max",
        "too_big",
      ),
      (
        json!({ "max": 1.5, "windowSeconds": 1 }),
        "max",
        "invalid_type",
      ),
      (
        json!({ "max": "10", "windowSeconds": 1 }),
        "max",
        "invalid_type",
      ),
      (json!({ "windowSeconds": 1 }), "max", "invalid_type"),
      (
        json!({ "max": 1, "windowSeconds": 0 }),
        "windowSeconds",
        "too_small",
      ),
      (
        json!({ "max": 1, "windowSeconds": 2_678_401 }),
        "windowSeconds",
        "too_big",
      ),
      (
        json!({ "max": 1, "windowSeconds": -3 }),
        "windowSeconds",
        "too_small",
      ),
      (
        json!({ "max": 1, "windowSeconds": { "\u{0}jsType": "infinity" } }),
        "windowSeconds",
        "invalid_type",
      ),
    ];
    for (budget, key, code) in cases {
      for kind in ["perIp", "perCountry", "global"] {
        let found = issues(json!({ kind: budget.clone() }));
        assert_eq!(
          found,
          [(format!("[\"limits\",\"{kind}\",\"{key}\"]"), code)],
          "{budget}"
        );
      }
    }
    let (limits, _) =
      ok(json!({ "global": { "max": 1_000_000_000u64, "windowSeconds": 2_678_400 } }));
    assert_eq!(limits.global.map(|b| b.max), Some(1_000_000_000));
    assert_eq!(
      issues(json!({ "global": {} })),
      [
        ("[\"limits\",\"global\",\"max\"]".to_owned(), "invalid_type"),
        (
          "[\"limits\",\"global\",\"windowSeconds\"]".to_owned(),
          "invalid_type"
        ),
      ]
    );
    assert_eq!(
      issues(json!({ "perIp": 10 })),
      [("[\"limits\",\"perIp\"]".to_owned(), "invalid_type")]
    );
  }

  #[test]
  fn prefixes_are_one_to_fifteen_digits() {
    let (limits, _) = ok(json!({ "countries": { "allow": ["1", "123456789012345"] } }));
    assert_eq!(limits.countries.allow.len(), 2);
    assert!(limits.countries.deny.is_empty());
    let found = issues(json!({ "countries": {
      "allow": ["+86", "", "1234567890123456", 86, "8a"],
      "deny": "44"
    } }));
    assert_eq!(
      found,
      [
        (
          "[\"limits\",\"countries\",\"allow\",0]".to_owned(),
          "invalid_string"
        ),
        (
          "[\"limits\",\"countries\",\"allow\",1]".to_owned(),
          "invalid_string"
        ),
        (
          "[\"limits\",\"countries\",\"allow\",2]".to_owned(),
          "invalid_string"
        ),
        (
          "[\"limits\",\"countries\",\"allow\",3]".to_owned(),
          "invalid_type"
        ),
        (
          "[\"limits\",\"countries\",\"allow\",4]".to_owned(),
          "invalid_string"
        ),
        (
          "[\"limits\",\"countries\",\"deny\"]".to_owned(),
          "invalid_type"
        ),
      ]
    );
    assert_eq!(
      issues(json!({ "countries": ["86"] })),
      [("[\"limits\",\"countries\"]".to_owned(), "invalid_type")]
    );
  }

  #[test]
  fn on_store_error_is_allow_or_deny() {
    assert_eq!(
      issues(json!({ "onStoreError": "ignore" })),
      [(
        "[\"limits\",\"onStoreError\"]".to_owned(),
        "invalid_enum_value"
      )]
    );
    assert_eq!(
      issues(json!({ "onStoreError": false })),
      [("[\"limits\",\"onStoreError\"]".to_owned(), "invalid_type")]
    );
  }

  #[test]
  fn redis_urls() {
    for good in [
      "redis://127.0.0.1:6379/0",
      "redis://localhost",
      "rediss://:p%40ss@redis.example.com:6380/2",
      "redis://user:pass@[::1]:6379",
    ] {
      ok(json!({ "redisUrl": good }));
    }
    for bad in [
      json!("http://127.0.0.1:6379"),
      json!("redis+unix:///tmp/redis.sock"),
      json!("unix:///tmp/redis.sock"),
      json!("127.0.0.1:6379"),
      json!("redis://"),
      json!("rediss://host/#insecure"),
      json!("redis://host/?protocol=resp3"),
      json!("redis://host/db"),
      json!("redis://0.0.0.0:6379"),
      json!(6379),
    ] {
      let found = issues(json!({ "redisUrl": bad.clone() }));
      assert_eq!(found.len(), 1, "{bad}");
      assert_eq!(found[0].0, "[\"limits\",\"redisUrl\"]", "{bad}");
    }
  }

  #[test]
  fn no_message_or_debug_output_shows_the_redis_password() {
    let mut ctx = Ctx::default();
    let input = json!({
      "redisUrl": "redis://:MARKER-pw@127.0.0.1:6379/?x#y",
      "global": { "max": 1, "windowSeconds": 1 }
    });
    let _ = parse(&mut ctx, Some(&input), &[]);
    let messages = serde_json::to_string(&ctx.issues).unwrap_or_default();
    assert!(!messages.contains("MARKER"), "{messages}");
    let (limits, _) = ok(json!({ "redisUrl": "rediss://admin:MARKER-pw%21@db.example.com/3" }));
    let debug = format!("{limits:?}");
    assert!(
      !debug.contains("MARKER") && !debug.contains("admin"),
      "{debug}"
    );
    let Some(RedisTarget::Url { spec, .. }) = limits.redis else {
      panic!("redis target")
    };
    assert_eq!(spec.shown, "rediss://db.example.com:6379/3");
    assert_eq!(
      spec.scrub("WRONGPASS for MARKER-pw! and MARKER-pw%21, user admin"),
      "WRONGPASS for *** and ***, user ***"
    );
  }

  #[test]
  fn redis_url_syntax_of_logto_and_env_names() {
    for good in [
      "1",
      "yes",
      "redis://:pw@10.0.0.1:7000?cluster=1&host=10.0.0.2:7001&host=10.0.0.3:7002",
      "rediss://h/?certroot=/etc/ca.pem&cert=/c.pem&key=/k.pem&reject_unauthorized=1",
      "env:REDIS_URL",
    ] {
      ok(json!({ "redisUrl": good }));
    }
    let (limits, _) = ok(json!({ "redisUrl": "env:REDIS_URL" }));
    assert!(matches!(limits.redis, Some(RedisTarget::Env(ref name)) if name == "REDIS_URL"));
    for bad in [
      "env:",
      "env:1X",
      "rediss://h/?reject_unauthorized=0",
      "redis://h/?host=h2:1",
      "redis://h/?certroot=/ca.pem",
    ] {
      assert_eq!(
        issues(json!({ "redisUrl": bad })),
        [("[\"limits\",\"redisUrl\"]".to_owned(), "custom")],
        "{bad}"
      );
    }
  }

  #[test]
  fn per_range_budgets() {
    let (limits, output) = ok(json!({ "perRange": { "max": 5, "windowSeconds": 60 } }));
    assert_eq!(
      output,
      json!({ "perRange": { "max": 5, "windowSeconds": 60 } })
    );
    let range = limits.per_range.map(|r| (r.budget.max, r.trailing_digits));
    assert_eq!(range, Some((5, DEFAULT_TRAILING_DIGITS)));
    for (given, expected) in [
      (json!(1), 1),
      (json!(6), 6),
      (json!(null), 3),
      (json!(""), 3),
    ] {
      let input = json!({ "perRange": { "max": 1, "windowSeconds": 1, "trailingDigits": given.clone(), "x": 1 } });
      let (limits, output) = ok(input);
      assert_eq!(limits.per_range.map(|r| r.trailing_digits), Some(expected));
      assert_eq!(
        output,
        json!({ "perRange": { "max": 1, "windowSeconds": 1, "trailingDigits": given } })
      );
    }
    for (bad, code) in [
      (json!(0), "too_small"),
      (json!(7), "too_big"),
      (json!(2.5), "invalid_type"),
      (json!("3"), "invalid_type"),
    ] {
      assert_eq!(
        issues(json!({ "perRange": { "max": 1, "windowSeconds": 1, "trailingDigits": bad } })),
        [(
          "[\"limits\",\"perRange\",\"trailingDigits\"]".to_owned(),
          code
        )]
      );
    }
    assert_eq!(
      issues(json!({ "perRange": { "max": 0, "trailingDigits": 9 } })),
      [
        ("[\"limits\",\"perRange\",\"max\"]".to_owned(), "too_small"),
        (
          "[\"limits\",\"perRange\",\"windowSeconds\"]".to_owned(),
          "invalid_type"
        ),
        (
          "[\"limits\",\"perRange\",\"trailingDigits\"]".to_owned(),
          "too_big"
        ),
      ]
    );
  }

  #[test]
  fn namespace_and_mode() {
    let (limits, _) = ok(json!({ "namespace": "tenant_A.prod-1", "mode": "monitor" }));
    assert_eq!(limits.namespace.as_deref(), Some("tenant_A.prod-1"));
    assert_eq!(limits.mode, Mode::Monitor);
    let (limits, output) =
      ok(json!({ "namespace": null, "mode": "", "redisUrl": null, "perRange": "" }));
    assert!(limits.namespace.is_none() && limits.redis.is_none() && limits.per_range.is_none());
    assert_eq!(limits.mode, Mode::Enforce);
    assert_eq!(
      output,
      json!({ "namespace": null, "mode": "", "redisUrl": null, "perRange": "" })
    );
    assert_eq!(
      ok(json!({ "namespace": "x".repeat(64) }))
        .0
        .namespace
        .map(|n| n.len()),
      Some(64)
    );
    for bad in [
      json!("a{b}"),
      json!("x".repeat(65)),
      json!("a b"),
      json!("ü"),
    ] {
      assert_eq!(
        issues(json!({ "namespace": bad })),
        [("[\"limits\",\"namespace\"]".to_owned(), "invalid_string")]
      );
    }
    assert_eq!(
      issues(json!({ "namespace": 5 })),
      [("[\"limits\",\"namespace\"]".to_owned(), "invalid_type")]
    );
    assert_eq!(
      issues(json!({ "mode": "dry-run" })),
      [("[\"limits\",\"mode\"]".to_owned(), "invalid_enum_value")]
    );
    assert_eq!(
      issues(json!({ "mode": true })),
      [("[\"limits\",\"mode\"]".to_owned(), "invalid_type")]
    );
  }
}
