//! Send limits against SMS pumping (CONTRACT §9): which countries may receive
//! codes, and how many sends a rolling window allows per IP address, per
//! number range, per country calling code and in total.
//!
//! One entry, [`check_and_count`], called once per send before anything is
//! built or sent (the router calls it once per `sendMessage`, before routing):
//! the country rules first, then every budget that applies, checked and
//! counted together in one atomic step, or none counted.
//!
//! Windows roll (`window`): at no moment do the admitted sends of the last
//! `windowSeconds` exceed `max`, and a send is admitted whenever the last
//! `windowSeconds × 61/60` hold fewer than `max`. Each counter is 60 buckets
//! of `windowSeconds / 60` plus the current one, in both stores (`memory`, and
//! `redis` with the Redis server's clock, so every replica agrees).
//!
//! In `monitor` mode the budgets are checked and counted as in `enforce` (a
//! send `enforce` would refuse is not counted) but never refuse: the budget
//! that would have refused is handed back in [`Admitted`] for the send's log
//! line. The country rules refuse in both modes.
//!
//! A refusal tells the end user nothing an attacker could tune a flood to
//! (Logto passes `error.data` to the browser): no budget's numbers or window,
//! only which budget in `data.limit`. Operators read the configuration.
//!
//! Counters are keyed by namespace, budget kind, window length and subject
//! (IP, number range, calling code), not by connector: connectors of one
//! process (or sharing one Redis) with the same namespace and window share
//! the count, as they share the bill. Every key of a namespace carries the
//! same Redis Cluster hash tag, `logto-sms:{<namespace>}:…`, so one script
//! can count all budgets of a send on one node.

pub mod config;
pub mod memory;
pub mod redis;
pub mod redis_url;
pub mod window;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::calling_code::calling_code;
use crate::error::{ConnectorError, ErrorCode};
pub use config::{Budget, Countries, Limits, Mode, OnStoreError, RangeBudget};

/// What every refusal for a budget (or the store under `deny`) says.
pub const REFUSED: &str = "Too many codes were requested; try again later.";
/// The namespace of configs without one.
pub const DEFAULT_NAMESPACE: &str = "default";

/// Which budget a counter belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
  PerIp,
  PerRange,
  PerCountry,
  Global,
}

impl Kind {
  /// The config key: the counter key's kind part and `data.limit`.
  pub fn key(self) -> &'static str {
    match self {
      Kind::PerIp => "perIp",
      Kind::PerRange => "perRange",
      Kind::PerCountry => "perCountry",
      Kind::Global => "global",
    }
  }
}

/// One budget that applies to a send, with the counter it is kept in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
  pub kind: Kind,
  /// `logto-sms:{namespace}:kind:windowSeconds[:subject]`, unique per counter.
  pub key: String,
  pub max: u64,
  pub window: Duration,
}

/// Why a store could not answer, for the warning line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreProblem {
  /// Connection refused, reset, name not resolved.
  Unreachable,
  /// Wrong user name or password.
  Credentials,
  /// The user may not run the script (an ACL without scripting) or touch the keys.
  Permission,
  /// CROSSSLOT, MOVED/ASK trouble, cluster down, cluster mode mismatch.
  Cluster,
  /// No answer within the deadline.
  Timeout,
  /// `env:NAME` unset or not a valid `redisUrl`.
  Env,
  /// A `certroot`/`cert`/`key` file unreadable or not PEM.
  File,
  /// `rediss://` on a binary built without Redis TLS (macOS).
  TlsUnavailable,
  /// The in-process store is at its cap.
  Full,
  /// Anything else Redis refused (a wrong key type, a script error).
  Refused,
}

impl StoreProblem {
  /// The warning line's `cause`.
  pub fn name(self) -> &'static str {
    match self {
      StoreProblem::Unreachable => "unreachable",
      StoreProblem::Credentials => "credentials",
      StoreProblem::Permission => "permission",
      StoreProblem::Cluster => "cluster",
      StoreProblem::Timeout => "timeout",
      StoreProblem::Env => "env",
      StoreProblem::File => "file",
      StoreProblem::TlsUnavailable => "tls-unavailable",
      StoreProblem::Full => "full",
      StoreProblem::Refused => "refused",
    }
  }
}

/// The store could not answer. `problem` is already free of secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
  pub kind: StoreProblem,
  pub problem: String,
}

impl StoreError {
  pub fn new(kind: StoreProblem, problem: impl Into<String>) -> Self {
    StoreError {
      kind,
      problem: problem.into(),
    }
  }
}

/// A store's answer: `Ok(None)` every budget had room and all were counted;
/// `Ok(Some(i))` `counters[i]` is full and nothing was counted.
pub type Verdict = Result<Option<usize>, StoreError>;

/// A send the limits let go (and counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Admitted {
  /// Monitor mode: the budget (`data.limit` value) that would have refused,
  /// `"store"` for a store error under `onStoreError: "deny"`. Always `None`
  /// in enforce mode.
  pub would_refuse: Option<&'static str>,
}

/// The one check per send: `Ok` lets the send go (and it has been counted
/// where it fit); an error says why not, and nothing was counted.
///
/// `e164_digits`: the recipient's E.164 digits without `+` (`phone::to_e164`
/// with the `+` removed). `ip`: Logto's `data.ip`, when it has one.
pub async fn check_and_count(
  limits: &Limits,
  e164_digits: &str,
  ip: Option<&str>,
) -> Result<Admitted, ConnectorError> {
  let digits = e164_digits.strip_prefix('+').unwrap_or(e164_digits);
  let code = calling_code(digits);
  check_country(&limits.countries, digits, code)?;
  let counters = counters(limits, digits, code, ip);
  if counters.is_empty() {
    return Ok(Admitted::default());
  }
  let verdict = match &limits.redis {
    None => memory::shared().take(&counters, Instant::now()),
    Some(target) => redis::take(target, &counters).await,
  };
  let monitor = limits.mode == Mode::Monitor;
  let refuse = |limit: &'static str| {
    if monitor {
      Ok(Admitted {
        would_refuse: Some(limit),
      })
    } else {
      Err(ConnectorError::new(ErrorCode::RateLimitExceeded, REFUSED).with("limit", limit))
    }
  };
  match verdict {
    Ok(None) => Ok(Admitted::default()),
    Ok(Some(index)) => refuse(counters[index].kind.key()),
    Err(error) => {
      let store = match &limits.redis {
        None => "memory".to_owned(),
        Some(target) => redis::shown(target),
      };
      redis::warn(&store, &error, limits.on_store_error, limits.mode);
      match limits.on_store_error {
        OnStoreError::Allow => Ok(Admitted::default()),
        OnStoreError::Deny => refuse("store"),
      }
    }
  }
}

/// Deny prefixes first; then, when `allow` is non-empty, the number must match
/// one of them.
pub fn check_country(
  countries: &Countries,
  digits: &str,
  code: Option<&str>,
) -> Result<(), ConnectorError> {
  let matches = |prefixes: &[String]| prefixes.iter().any(|p| digits.starts_with(p.as_str()));
  let denied = matches(&countries.deny);
  if !denied && (countries.allow.is_empty() || matches(&countries.allow)) {
    return Ok(());
  }
  let country = match code {
    Some(code) => format!("+{code}"),
    None => "this number's country (unknown calling code)".to_owned(),
  };
  let mut error = ConnectorError::new(
    ErrorCode::InvalidRequestParameters,
    format!("SMS to {country} is not enabled"),
  );
  if let Some(code) = code {
    error = error.with("country", code);
  }
  Err(error)
}

/// The budgets that apply to this send, in a fixed order. `digits`: the
/// E.164 digits without `+`.
pub fn counters(
  limits: &Limits,
  digits: &str,
  code: Option<&str>,
  ip: Option<&str>,
) -> Vec<Counter> {
  let namespace = limits.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE);
  let mut counters = Vec::with_capacity(4);
  let mut add = |kind: Kind, budget: Budget, subject: Option<&str>| {
    let window = budget.window.as_secs();
    let mut key = format!("logto-sms:{{{namespace}}}:{}:{window}", kind.key());
    if let Some(subject) = subject {
      key.push(':');
      key.push_str(subject);
    }
    counters.push(Counter {
      kind,
      key,
      max: budget.max,
      window: budget.window,
    });
  };
  if let (Some(budget), Some(ip)) = (limits.per_ip, ip.and_then(ip_subject)) {
    add(Kind::PerIp, budget, Some(&ip));
  }
  if let Some(range) = limits.per_range {
    add(
      Kind::PerRange,
      range.budget,
      Some(&range_subject(digits, range.trailing_digits)),
    );
  }
  if let Some(budget) = limits.per_country {
    // Numbers without an assigned calling code share one counter.
    add(Kind::PerCountry, budget, Some(code.unwrap_or("unknown")));
  }
  if let Some(budget) = limits.global {
    add(Kind::Global, budget, None);
  }
  counters
}

/// The per-range counter's subject: `trailing:digits-without-them`. The
/// number of trailing digits is part of it, so two budgets of different
/// ranges never share a counter. A number no longer than that is one range.
pub fn range_subject(digits: &str, trailing_digits: usize) -> String {
  let kept = digits.len().saturating_sub(trailing_digits);
  format!("{trailing_digits}:{}", digits.get(..kept).unwrap_or(""))
}

/// The per-IP counter's subject: an IPv4 address (IPv4-mapped IPv6 included),
/// an IPv6 address's /64 (one subscriber's usual allocation: counting single
/// IPv6 addresses would let one host rotate through billions), or for
/// anything else a hash (it may come from a forwarded header and be any
/// length). Blank: no per-IP budget.
pub fn ip_subject(ip: &str) -> Option<String> {
  let ip = ip.trim();
  if ip.is_empty() {
    return None;
  }
  Some(match ip.parse::<IpAddr>() {
    Ok(IpAddr::V4(v4)) => v4.to_string(),
    Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
      Some(v4) => v4.to_string(),
      None => {
        let s = v6.segments();
        format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
      }
    },
    Err(_) => format!(
      "other-{}",
      hex::encode(&Sha256::digest(ip.as_bytes())[..16])
    ),
  })
}

#[cfg(test)]
mod tests {
  use super::*;

  fn budget(max: u64, seconds: u64) -> Option<Budget> {
    Some(Budget {
      max,
      window: Duration::from_secs(seconds),
    })
  }

  fn description(error: &ConnectorError) -> String {
    error.description().unwrap_or_default().to_owned()
  }

  #[test]
  fn deny_wins_then_allow_restricts() {
    let countries = Countries {
      allow: vec!["86".into(), "852".into(), "1".into()],
      deny: vec!["1268".into()],
    };
    let verdict = |digits: &str| check_country(&countries, digits, calling_code(digits));
    assert!(verdict("8613812345678").is_ok());
    assert!(verdict("85291234567").is_ok());
    assert!(verdict("12025550123").is_ok());
    let Err(uk) = verdict("447911123456") else {
      panic!("+44 is not allowed")
    };
    assert_eq!(uk.code, ErrorCode::InvalidRequestParameters);
    assert_eq!(description(&uk), "SMS to +44 is not enabled");
    // Antigua: inside the allowed +1, but denied by its longer prefix.
    let Err(antigua) = verdict("12684641234") else {
      panic!("1268 is denied")
    };
    assert_eq!(description(&antigua), "SMS to +1 is not enabled");
    let Err(unknown) = verdict("99912345") else {
      panic!("unknown code is not allowed")
    };
    assert!(description(&unknown).contains("unknown calling code"));
  }

  #[test]
  fn an_empty_allow_list_restricts_nothing() {
    let none = Countries::default();
    assert!(check_country(&none, "447911123456", Some("44")).is_ok());
    let deny_only = Countries {
      allow: vec![],
      deny: vec!["44".into()],
    };
    assert!(check_country(&deny_only, "447911123456", Some("44")).is_err());
    assert!(check_country(&deny_only, "8613812345678", Some("86")).is_ok());
  }

  #[test]
  fn counters_apply_only_when_configured_and_ip_known() {
    let limits = Limits {
      per_ip: budget(10, 3600),
      per_range: Some(RangeBudget {
        budget: Budget {
          max: 5,
          window: Duration::from_secs(86_400),
        },
        trailing_digits: 3,
      }),
      per_country: budget(500, 86_400),
      global: budget(5000, 86_400),
      ..Limits::default()
    };
    let keys = |ip: Option<&str>| -> Vec<String> {
      counters(&limits, "447911123456", Some("44"), ip)
        .into_iter()
        .map(|c| c.key)
        .collect()
    };
    assert_eq!(
      keys(Some("203.0.113.9")),
      [
        "logto-sms:{default}:perIp:3600:203.0.113.9",
        "logto-sms:{default}:perRange:86400:3:447911123",
        "logto-sms:{default}:perCountry:86400:44",
        "logto-sms:{default}:global:86400"
      ]
    );
    assert_eq!(keys(None).len(), 3);
    assert_eq!(keys(Some("  ")).len(), 3);
    let only_global = Limits {
      global: budget(1, 60),
      namespace: Some("tenant-a".into()),
      ..Limits::default()
    };
    let keys = counters(&only_global, "8613812345678", None, Some("1.2.3.4"));
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].key, "logto-sms:{tenant-a}:global:60");
    assert!(counters(
      &Limits::default(),
      "8613812345678",
      Some("86"),
      Some("1.2.3.4")
    )
    .is_empty());
  }

  #[test]
  fn number_ranges() {
    assert_eq!(range_subject("8613812345678", 3), "3:8613812345");
    assert_eq!(range_subject("8613812345999", 3), "3:8613812345");
    assert_ne!(
      range_subject("8613812346000", 3),
      range_subject("8613812345999", 3)
    );
    // Another trailingDigits is another counter, even for the same prefix.
    assert_ne!(
      range_subject("8613812345678", 3),
      range_subject("861381234567", 2)
    );
    assert_eq!(range_subject("12", 6), "6:");
  }

  #[test]
  fn ip_subjects() {
    assert_eq!(ip_subject("203.0.113.9").as_deref(), Some("203.0.113.9"));
    assert_eq!(
      ip_subject("::ffff:203.0.113.9").as_deref(),
      Some("203.0.113.9")
    );
    assert_eq!(
      ip_subject("2001:db8:1:2:aaaa::1").as_deref(),
      ip_subject("2001:db8:1:2:bbbb::2").as_deref()
    );
    assert_eq!(
      ip_subject("2001:db8:1:2::1").as_deref(),
      Some("2001:db8:1:2::/64")
    );
    assert_ne!(ip_subject("2001:db8:1:2::1"), ip_subject("2001:db8:1:3::1"));
    let odd = ip_subject(&"x".repeat(10_000)).unwrap_or_default();
    assert!(odd.starts_with("other-") && odd.len() < 64, "{odd}");
    assert_eq!(ip_subject(""), None);
  }

  fn refusal(result: Result<Admitted, ConnectorError>) -> ConnectorError {
    match result {
      Err(error) => error,
      Ok(admitted) => panic!("expected a refusal, admitted: {admitted:?}"),
    }
  }

  #[tokio::test]
  async fn refusals_name_the_budget_and_nothing_else() {
    for (kind, limits) in [
      (
        "perIp",
        Limits {
          per_ip: budget(1, 2_000_101),
          ..Limits::default()
        },
      ),
      (
        "perRange",
        Limits {
          per_range: Some(RangeBudget {
            budget: Budget {
              max: 1,
              window: Duration::from_secs(2_000_102),
            },
            trailing_digits: 3,
          }),
          ..Limits::default()
        },
      ),
      (
        "perCountry",
        Limits {
          per_country: budget(1, 2_000_103),
          ..Limits::default()
        },
      ),
      (
        "global",
        Limits {
          global: budget(1, 2_000_104),
          ..Limits::default()
        },
      ),
    ] {
      let ip = Some("198.51.100.77");
      assert_eq!(
        check_and_count(&limits, "8613812345678", ip).await,
        Ok(Admitted::default())
      );
      let error = refusal(check_and_count(&limits, "8613812345678", ip).await);
      assert_eq!(error.code, ErrorCode::RateLimitExceeded);
      assert_eq!(description(&error), REFUSED);
      let data = error.data_value();
      assert_eq!(data["limit"], kind);
      // No numbers, no window anywhere in what the end user sees.
      let shown = data.to_string();
      assert!(!shown.contains("2000"), "{shown}");
      assert!(!shown.bytes().any(|b| b.is_ascii_digit()), "{shown}");
    }
  }

  #[tokio::test]
  async fn in_process_limits_end_to_end() {
    let limits = Limits {
      countries: Countries {
        allow: vec![],
        deny: vec!["44".into()],
      },
      // A window no other test uses: the in-process store is shared.
      global: budget(2, 2_000_001),
      ..Limits::default()
    };
    assert!(check_and_count(&limits, "447911123456", None)
      .await
      .is_err());
    assert!(check_and_count(&limits, "8613812345678", None)
      .await
      .is_ok());
    assert!(check_and_count(&limits, "+8613812345678", None)
      .await
      .is_ok());
    let third = refusal(check_and_count(&limits, "8613812345678", None).await);
    assert_eq!(third.code, ErrorCode::RateLimitExceeded);
  }

  /// Monitor: every send goes, the refusals enforce would make are reported
  /// (and not counted: the count stays at the budget, so the report stops once
  /// the window lets sends in again); the country rules still refuse.
  #[tokio::test]
  async fn monitor_mode_reports_and_never_refuses_for_a_budget() {
    let limits = Limits {
      countries: Countries {
        allow: vec![],
        deny: vec!["44".into()],
      },
      per_ip: budget(2, 2_000_201),
      global: budget(3, 2_000_202),
      mode: Mode::Monitor,
      ..Limits::default()
    };
    let mut reports = Vec::new();
    for ip in [
      "192.0.2.1",
      "192.0.2.1",
      "192.0.2.1",
      "192.0.2.2",
      "192.0.2.3",
      "192.0.2.4",
    ] {
      let admitted = check_and_count(&limits, "8613812345678", Some(ip)).await;
      let Ok(admitted) = admitted else {
        panic!("monitor never refuses for a budget: {admitted:?}")
      };
      reports.push(admitted.would_refuse);
    }
    assert_eq!(
      reports,
      [
        None,
        None,
        Some("perIp"),
        None,
        Some("global"),
        Some("global")
      ]
    );
    let uk = refusal(check_and_count(&limits, "447911123456", None).await);
    assert_eq!(uk.code, ErrorCode::InvalidRequestParameters);
    // The same budgets in enforce mode see the same count: what monitor
    // admitted was counted, what it reported was not.
    let enforce = Limits {
      mode: Mode::Enforce,
      ..limits.clone()
    };
    let error = refusal(check_and_count(&enforce, "8613812345678", Some("192.0.2.9")).await);
    assert_eq!(error.data_value()["limit"], "global");
  }

  /// A store error under `deny`: enforce refuses (`store`), monitor sends and
  /// reports it; under `allow` both send and report nothing.
  #[tokio::test]
  async fn monitor_mode_sends_on_store_errors_even_under_deny() {
    let target = |name: &str| Some(config::RedisTarget::Env(name.to_owned()));
    let unset = "LOGTO_SMS_TEST_UNSET_8f3a";
    for (mode, policy, expected) in [
      (Mode::Enforce, OnStoreError::Deny, Err("store")),
      (Mode::Monitor, OnStoreError::Deny, Ok(Some("store"))),
      (Mode::Enforce, OnStoreError::Allow, Ok(None)),
      (Mode::Monitor, OnStoreError::Allow, Ok(None)),
    ] {
      let limits = Limits {
        global: budget(1, 60),
        redis: target(unset),
        on_store_error: policy,
        mode,
        ..Limits::default()
      };
      let outcome = check_and_count(&limits, "8613812345678", None).await;
      let seen = match &outcome {
        Ok(admitted) => Ok(admitted.would_refuse),
        Err(error) => {
          assert_eq!(description(error), REFUSED);
          Err(if error.data_value()["limit"] == "store" {
            "store"
          } else {
            "other"
          })
        }
      };
      assert_eq!(seen, expected, "{mode:?} {policy:?}");
    }
  }
}
