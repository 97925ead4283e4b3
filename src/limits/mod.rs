//! Send limits against SMS pumping (CONTRACT §9): which countries may receive
//! codes, and how many sends a window allows per IP address, per country
//! calling code and in total.
//!
//! One entry, [`check_and_count`], called once per send before anything is
//! built or sent (the router calls it once per `sendMessage`, before routing):
//! the country rules first, then every budget that applies, checked and
//! counted together in one atomic step, or none counted.
//!
//! Windows are fixed and start with the first counted send of a counter: the
//! counter allows `max` sends until `windowSeconds` after that send, then
//! starts again from zero. Both stores behave the same way (in Redis the key's
//! expiry is the window). A burst can therefore reach `2 × max` across the end
//! of one window and the start of the next, never more than `max` within one.
//!
//! Counters are keyed by budget kind, window length and subject (IP, calling
//! code), not by connector: connectors of one process (or sharing one Redis)
//! with the same window share the count, as they share the bill.

pub mod config;
pub mod memory;
pub mod redis;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::calling_code::calling_code;
use crate::error::{ConnectorError, ErrorCode};
pub use config::{Budget, Countries, Limits, OnStoreError};

/// Which budget a counter belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
  PerIp,
  PerCountry,
  Global,
}

impl Kind {
  /// The config key, also the counter key's first part.
  pub fn key(self) -> &'static str {
    match self {
      Kind::PerIp => "perIp",
      Kind::PerCountry => "perCountry",
      Kind::Global => "global",
    }
  }
}

/// One budget that applies to a send, with the counter it is kept in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
  pub kind: Kind,
  /// `kind:windowSeconds:subject`, unique per counter.
  pub key: String,
  pub max: u64,
  pub window: Duration,
}

/// The store could not answer: unreachable, refusing or too slow. `problem`
/// is already free of secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
  pub problem: String,
}

/// A store's answer: `Ok(None)` every budget had room and all were counted;
/// `Ok(Some(i))` `counters[i]` is full and nothing was counted.
pub type Verdict = Result<Option<usize>, StoreError>;

/// The one check per send: `Ok(())` lets the send go (and it has been
/// counted); an error says why not, and nothing was counted.
///
/// `e164_digits`: the recipient's E.164 digits without `+` (`phone::to_e164`
/// with the `+` removed). `ip`: Logto's `data.ip`, when it has one.
pub async fn check_and_count(
  limits: &Limits,
  e164_digits: &str,
  ip: Option<&str>,
) -> Result<(), ConnectorError> {
  let digits = e164_digits.strip_prefix('+').unwrap_or(e164_digits);
  let code = calling_code(digits);
  check_country(&limits.countries, digits, code)?;
  let counters = counters(limits, code, ip);
  if counters.is_empty() {
    return Ok(());
  }
  let verdict = match &limits.redis {
    None => memory::shared().take(&counters, Instant::now()),
    Some(target) => redis::take(target, &counters).await,
  };
  match verdict {
    Ok(None) => Ok(()),
    Ok(Some(index)) => Err(over_budget(&counters[index], code)),
    Err(error) => {
      let store = limits.redis.as_ref().map_or("memory", |t| t.shown.as_str());
      redis::warn(store, &error, limits.on_store_error);
      match limits.on_store_error {
        OnStoreError::Allow => Ok(()),
        OnStoreError::Deny => Err(
          ConnectorError::new(
            ErrorCode::RateLimitExceeded,
            "The send limits could not be checked (the Redis store did not answer in time or refused the connection) and limits.onStoreError is \"deny\": nothing was sent.",
          )
          .with("limit", "store"),
        ),
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

/// The budgets that apply to this send, in a fixed order.
pub fn counters(limits: &Limits, code: Option<&str>, ip: Option<&str>) -> Vec<Counter> {
  let mut counters = Vec::with_capacity(3);
  let mut add = |kind: Kind, budget: &Option<Budget>, subject: Option<&str>| {
    if let Some(budget) = budget {
      let window = budget.window.as_secs();
      let key = match subject {
        Some(subject) => format!("{}:{window}:{subject}", kind.key()),
        None => format!("{}:{window}", kind.key()),
      };
      counters.push(Counter {
        kind,
        key,
        max: budget.max,
        window: budget.window,
      });
    }
  };
  if limits.per_ip.is_some() {
    if let Some(ip) = ip.and_then(ip_subject) {
      add(Kind::PerIp, &limits.per_ip, Some(&ip));
    }
  }
  // Numbers without an assigned calling code share one counter.
  add(
    Kind::PerCountry,
    &limits.per_country,
    Some(code.unwrap_or("unknown")),
  );
  add(Kind::Global, &limits.global, None);
  counters
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

fn over_budget(counter: &Counter, code: Option<&str>) -> ConnectorError {
  let per = format!("at most {} per {}", counter.max, describe(counter.window));
  let description = match counter.kind {
    Kind::PerIp => format!("Too many verification codes requested from this IP address ({per}); nothing was sent. Try again later."),
    Kind::PerCountry => match code {
      Some(code) => format!("Too many verification codes sent to +{code} numbers ({per}); nothing was sent. Try again later."),
      None => format!("Too many verification codes sent to numbers without a known calling code ({per}); nothing was sent. Try again later."),
    },
    Kind::Global => format!("The SMS send limit is reached ({per}); nothing was sent. Try again later."),
  };
  ConnectorError::new(ErrorCode::RateLimitExceeded, description).with("limit", counter.kind.key())
}

/// "3600 s" reads better as "1 hour".
fn describe(window: Duration) -> String {
  let seconds = window.as_secs();
  let (n, unit) = match seconds {
    s if s % 86_400 == 0 => (s / 86_400, "day"),
    s if s % 3_600 == 0 => (s / 3_600, "hour"),
    s if s % 60 == 0 => (s / 60, "minute"),
    s => (s, "second"),
  };
  if n == 1 {
    unit.to_owned()
  } else {
    format!("{n} {unit}s")
  }
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
      per_country: budget(500, 86_400),
      global: budget(5000, 86_400),
      ..Limits::default()
    };
    let keys = |ip: Option<&str>| -> Vec<String> {
      counters(&limits, Some("44"), ip)
        .into_iter()
        .map(|c| c.key)
        .collect()
    };
    assert_eq!(
      keys(Some("203.0.113.9")),
      [
        "perIp:3600:203.0.113.9",
        "perCountry:86400:44",
        "global:86400"
      ]
    );
    assert_eq!(keys(None), ["perCountry:86400:44", "global:86400"]);
    assert_eq!(keys(Some("  ")), ["perCountry:86400:44", "global:86400"]);
    let only_global = Limits {
      global: budget(1, 60),
      ..Limits::default()
    };
    assert_eq!(counters(&only_global, None, Some("1.2.3.4")).len(), 1);
    assert!(counters(&Limits::default(), Some("86"), Some("1.2.3.4")).is_empty());
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

  #[test]
  fn refusals_say_which_budget() {
    let counter = |kind, seconds| Counter {
      kind,
      key: String::new(),
      max: 10,
      window: Duration::from_secs(seconds),
    };
    let ip = over_budget(&counter(Kind::PerIp, 3600), None);
    assert_eq!(ip.code, ErrorCode::RateLimitExceeded);
    assert!(description(&ip).contains("this IP address (at most 10 per hour)"));
    let country = over_budget(&counter(Kind::PerCountry, 172_800), Some("44"));
    assert!(description(&country).contains("+44 numbers (at most 10 per 2 days)"));
    let global = over_budget(&counter(Kind::Global, 90), None);
    assert!(description(&global).contains("at most 10 per 90 seconds"));
    assert_eq!(ip.data_value()["limit"], "perIp");
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
    let Err(third) = check_and_count(&limits, "8613812345678", None).await else {
      panic!("the third send is over the budget")
    };
    assert_eq!(third.code, ErrorCode::RateLimitExceeded);
  }
}
