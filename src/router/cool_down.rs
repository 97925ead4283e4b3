//! The process-wide record of accounts that keep refusing (CONTRACT §8): an
//! account with `failover.refusals` definite refusals in a row is skipped for
//! `failover.coolDownSeconds`, as long as another account of the route is not
//! cooling down; when every account of the route is, all are tried in order.
//!
//! A success or a non-definite outcome ends the run (the record is removed).
//! A definite refusal after a cool-down, the run unbroken, starts the next
//! cool-down at once: one send finds out whether the account is back, not
//! `refusals` sends.
//!
//! Accounts are known by a digest of their name, type and config
//! (`RouterAccount::key`): no secret is kept here, and a changed config starts
//! with a clean record.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::config::Failover;

type Key = [u8; 32];

/// The longest cool-down tracked: past this (a century), "forever" is as good.
const MAX_COOL_DOWN: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
/// Past this many records, expired ones are dropped before another is added.
const PRUNE_AT: usize = 1024;

#[derive(Debug, Clone, Copy)]
struct Run {
  /// Definite refusals in a row.
  refusals: u32,
  cooling_until: Option<Instant>,
}

#[derive(Default)]
pub struct CoolDowns {
  runs: Mutex<HashMap<Key, Run>>,
}

impl CoolDowns {
  pub fn new() -> Self {
    Self::default()
  }

  fn runs(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Run>> {
    // A poisoned lock (a panic elsewhere) still holds consistent records.
    self.runs.lock().unwrap_or_else(PoisonError::into_inner)
  }

  pub fn is_cooling(&self, key: &Key, now: Instant) -> bool {
    self
      .runs()
      .get(key)
      .and_then(|run| run.cooling_until)
      .is_some_and(|until| until > now)
  }

  /// The accounts to try, in order: those not cooling down, or, when every
  /// one is, all of them. Each account comes with its key.
  pub fn order<T: Copy>(&self, accounts: &[(T, &Key)], now: Instant) -> Vec<T> {
    let ready: Vec<T> = accounts
      .iter()
      .filter(|(_, key)| !self.is_cooling(key, now))
      .map(|(account, _)| *account)
      .collect();
    if ready.is_empty() {
      accounts.iter().map(|(account, _)| *account).collect()
    } else {
      ready
    }
  }

  /// Records an attempt's outcome: `definite` for a definite refusal.
  pub fn record(&self, key: &Key, definite: bool, failover: &Failover, now: Instant) {
    let mut runs = self.runs();
    if !definite {
      runs.remove(key);
      return;
    }
    if runs.len() >= PRUNE_AT && !runs.contains_key(key) {
      runs.retain(|_, run| run.cooling_until.is_some_and(|until| until > now));
    }
    let run = runs.entry(*key).or_insert(Run {
      refusals: 0,
      cooling_until: None,
    });
    run.refusals = run.refusals.saturating_add(1);
    if run.refusals >= failover.refusals {
      let cool_down = failover.cool_down.min(MAX_COOL_DOWN);
      run.cooling_until = Some(now.checked_add(cool_down).unwrap_or(now));
    }
  }
}

/// The one record the process keeps.
pub fn shared() -> &'static CoolDowns {
  static SHARED: std::sync::OnceLock<CoolDowns> = std::sync::OnceLock::new();
  SHARED.get_or_init(CoolDowns::new)
}

#[cfg(test)]
mod tests {
  use super::*;

  const A: Key = [1; 32];
  const B: Key = [2; 32];
  const FAILOVER: Failover = Failover {
    refusals: 2,
    cool_down: Duration::from_secs(60),
  };

  fn order(c: &CoolDowns, now: Instant) -> Vec<char> {
    c.order(&[('a', &A), ('b', &B)], now)
  }

  #[test]
  fn refusals_in_a_row_start_a_cool_down_that_ends() {
    let c = CoolDowns::new();
    let t0 = Instant::now();
    c.record(&A, true, &FAILOVER, t0);
    assert_eq!(order(&c, t0), ['a', 'b']);
    c.record(&A, true, &FAILOVER, t0);
    assert_eq!(order(&c, t0), ['b']);
    assert_eq!(order(&c, t0 + Duration::from_secs(59)), ['b']);
    assert_eq!(order(&c, t0 + Duration::from_secs(60)), ['a', 'b']);
  }

  #[test]
  fn a_success_or_a_possible_delivery_ends_the_run() {
    let c = CoolDowns::new();
    let t0 = Instant::now();
    c.record(&A, true, &FAILOVER, t0);
    c.record(&A, false, &FAILOVER, t0);
    c.record(&A, true, &FAILOVER, t0);
    assert_eq!(order(&c, t0), ['a', 'b']);
    c.record(&A, true, &FAILOVER, t0);
    assert_eq!(order(&c, t0), ['b']);
    // Tried again while cooling (every account was): a success clears it.
    c.record(&A, false, &FAILOVER, t0);
    assert_eq!(order(&c, t0), ['a', 'b']);
  }

  #[test]
  fn when_every_account_cools_down_all_are_tried_in_order() {
    let c = CoolDowns::new();
    let t0 = Instant::now();
    for key in [&A, &B] {
      c.record(key, true, &FAILOVER, t0);
      c.record(key, true, &FAILOVER, t0);
    }
    assert_eq!(order(&c, t0), ['a', 'b']);
  }

  #[test]
  fn after_a_cool_down_one_more_refusal_starts_the_next() {
    let c = CoolDowns::new();
    let t0 = Instant::now();
    c.record(&A, true, &FAILOVER, t0);
    c.record(&A, true, &FAILOVER, t0);
    let t1 = t0 + Duration::from_secs(61);
    assert_eq!(order(&c, t1), ['a', 'b']);
    c.record(&A, true, &FAILOVER, t1);
    assert_eq!(order(&c, t1 + Duration::from_secs(1)), ['b']);
  }

  #[test]
  fn huge_cool_downs_do_not_overflow() {
    let c = CoolDowns::new();
    let t0 = Instant::now();
    let forever = Failover {
      refusals: 1,
      cool_down: Duration::from_secs(u64::MAX),
    };
    c.record(&A, true, &forever, t0);
    assert_eq!(order(&c, t0 + Duration::from_secs(3600 * 24 * 365)), ['b']);
  }

  #[test]
  fn the_table_stays_bounded() {
    let c = CoolDowns::new();
    let t0 = Instant::now();
    let once = Failover {
      refusals: 5,
      cool_down: Duration::from_secs(1),
    };
    for i in 0..(PRUNE_AT * 3) {
      let mut key = [0; 32];
      key[..8].copy_from_slice(&(i as u64).to_le_bytes());
      c.record(&key, true, &once, t0);
    }
    assert!(c.runs().len() <= PRUNE_AT + 1);
  }
}
