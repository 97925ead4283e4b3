//! The guard for the optional `limits` object (CONTRACT §9), zod style: every
//! problem is an issue under `[…path, "limits", …]`, issues accumulate, unknown
//! keys are dropped, and the parsed output holds only the keys the input had.
//!
//! A zod schema with the same verdicts would read:
//! ```text
//! z.object({
//!   countries: z.object({ allow: z.array(prefix).optional(), deny: z.array(prefix).optional() }).optional(),
//!   perIp: budget.optional(), perCountry: budget.optional(), global: budget.optional(),
//!   redisUrl: z.string().refine(redis:// or rediss://).optional(),
//!   onStoreError: z.enum(['allow', 'deny']).optional(),
//! }).optional()
//! prefix = z.string().regex(/^\d{1,15}$/)
//! budget = z.object({ max: z.number().int().min(1).max(1e9),
//!                     windowSeconds: z.number().int().min(1).max(2678400) })
//! ```
//! plus `null` (and `""` from an emptied console field) meaning "not set", as
//! for `endpoint`.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use url::Url;

use crate::config::{at, js_type, Ctx, PathSeg, Reported};

pub const MAX_SENDS: f64 = 1e9;
/// 31 days.
pub const MAX_WINDOW_SECONDS: f64 = 2_678_400.0;
const MAX_PREFIX_DIGITS: usize = 15;

/// A validated `limits` object.
#[derive(Debug, Clone, Default)]
pub struct Limits {
  pub countries: Countries,
  pub per_ip: Option<Budget>,
  pub per_country: Option<Budget>,
  pub global: Option<Budget>,
  /// `None`: the counters live in this process.
  pub redis: Option<RedisTarget>,
  pub on_store_error: OnStoreError,
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

/// What happens to a send when the Redis store fails, refuses or is too slow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OnStoreError {
  /// Send anyway (sign-in keeps working); a warning goes to stderr.
  #[default]
  Allow,
  /// Refuse with `RateLimitExceeded`.
  Deny,
}

/// Where the Redis counters live. The URL may carry a password: it is kept in
/// `secrecy` (its `Debug` prints nothing) and shown only as `shown`.
#[derive(Debug, Clone)]
pub struct RedisTarget {
  pub url: SecretString,
  /// `scheme://host:port/db`, without user name or password: for log lines.
  pub shown: String,
  /// The password as written and percent-decoded, to scrub from any error text.
  pub credentials: Vec<SecretString>,
}

/// Validates `value` (the `limits` key, at `path`). `Ok(None)`: not set.
/// The second part of the answer is the guard's output for the key.
pub fn parse(
  ctx: &mut Ctx,
  value: Option<&Value>,
  path: &[PathSeg],
) -> Result<Option<(Limits, Value)>, Reported> {
  if unset(value) {
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
  let per_country = optional(map, "perCountry", &mut out, |v| {
    budget(ctx, v, &at(path, "perCountry"))
  });
  let global = optional(map, "global", &mut out, |v| {
    budget(ctx, v, &at(path, "global"))
  });
  let redis = optional(map, "redisUrl", &mut out, |v| {
    redis_url(ctx, v, &at(path, "redisUrl"))
  });
  let on_store_error = optional(map, "onStoreError", &mut out, |v| {
    on_store_error(ctx, v, &at(path, "onStoreError"))
  });
  if !ctx.is_clean_since(mark) {
    return Err(Reported);
  }
  let limits = Limits {
    countries: countries.unwrap_or_default(),
    per_ip,
    per_country,
    global,
    redis,
    on_store_error: on_store_error.unwrap_or_default(),
  };
  Ok(Some((limits, Value::Object(out))))
}

/// Absent, `undefined`, `null`, or an emptied console field.
fn unset(value: Option<&Value>) -> bool {
  match value {
    None | Some(Value::Null) => true,
    Some(Value::String(text)) => text.trim().is_empty(),
    Some(v) => js_type(Some(v)) == "undefined",
  }
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
  if unset(Some(value)) {
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

fn on_store_error(
  ctx: &mut Ctx,
  value: &Value,
  path: &[PathSeg],
) -> Result<(OnStoreError, Value), Reported> {
  match value {
    Value::String(text) if text == "allow" => Ok((OnStoreError::Allow, value.clone())),
    Value::String(text) if text == "deny" => Ok((OnStoreError::Deny, value.clone())),
    Value::String(text) => {
      let shown: String = text.chars().take(40).collect();
      ctx.push(
        "invalid_enum_value",
        path,
        format!("Invalid enum value. Expected 'allow' | 'deny', received '{shown}'"),
      );
      Err(Reported)
    }
    other => {
      ctx.invalid_type(path, "'allow' | 'deny'", Some(other));
      Err(Reported)
    }
  }
}

/// `redis://` or `rediss://` with a host; no query or fragment (the Redis
/// client reads `#insecure` as "skip certificate checks", which this package
/// never does). Messages never repeat the URL: it may hold a password.
fn redis_url(
  ctx: &mut Ctx,
  value: &Value,
  path: &[PathSeg],
) -> Result<(RedisTarget, Value), Reported> {
  let Value::String(text) = value else {
    ctx.invalid_type(path, "string", Some(value));
    return Err(Reported);
  };
  match check_redis_url(text) {
    Ok(target) => Ok((target, value.clone())),
    Err(reason) => {
      ctx.push("custom", path, reason);
      Err(Reported)
    }
  }
}

fn check_redis_url(text: &str) -> Result<RedisTarget, &'static str> {
  const EXAMPLE: &str = "redisUrl must be a URL such as redis://:password@redis.example.com:6379/0 (or rediss:// for TLS)";
  let url = Url::parse(text.trim()).map_err(|_| EXAMPLE)?;
  if !matches!(url.scheme(), "redis" | "rediss") {
    return Err("redisUrl must start with redis:// or rediss://");
  }
  let Some(host) = url.host_str().filter(|host| !host.is_empty()) else {
    return Err(EXAMPLE);
  };
  if url.query().is_some() || url.fragment().is_some() {
    return Err("redisUrl must not contain a query string or fragment");
  }
  let db = url.path().trim_matches('/');
  if !(db.is_empty() || db.parse::<u16>().is_ok()) {
    return Err("redisUrl's path must be a database number, such as /0");
  }
  // The client's own reading of the URL (wildcard hosts, encodings): what it
  // would refuse at connect time is refused here instead.
  redis::Client::open(url.as_str()).map_err(|_| EXAMPLE)?;
  let credentials = url
    .password()
    .filter(|password| !password.is_empty())
    .map(|password| {
      let decoded = percent_encoding::percent_decode_str(password)
        .decode_utf8_lossy()
        .into_owned();
      vec![
        SecretString::from(password.to_owned()),
        SecretString::from(decoded),
      ]
    })
    .unwrap_or_default();
  let port = url.port().unwrap_or(6379);
  let shown = format!(
    "{}://{host}:{port}/{}",
    url.scheme(),
    if db.is_empty() { "0" } else { db }
  );
  Ok(RedisTarget {
    url: SecretString::from(url.as_str().to_owned()),
    shown,
    credentials,
  })
}

impl RedisTarget {
  /// `text` with every credential of the URL replaced by `***`.
  pub fn scrub(&self, text: &str) -> String {
    let mut text = text.to_owned();
    for secret in &self.credentials {
      let secret = secret.expose_secret();
      if !secret.is_empty() {
        text = text.replace(secret, "***");
      }
    }
    text
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
      "redisUrl": "redis://127.0.0.1:6379/0",
      "onStoreError": "allow"
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
      limits.redis.map(|r| r.shown).as_deref(),
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
    let Some(target) = limits.redis else {
      panic!("redis target")
    };
    assert_eq!(target.shown, "rediss://db.example.com:6379/3");
    assert_eq!(
      target.scrub("WRONGPASS for MARKER-pw! and MARKER-pw%21, user admin"),
      "WRONGPASS for *** and ***, user admin"
    );
  }
}
