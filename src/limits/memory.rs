//! The in-process store: counters in a map behind one mutex, so checking and
//! counting all of a send's budgets is one atomic step. Rolling windows of 60
//! buckets (`super::window`), timed with the monotonic clock, so a change of
//! the system time moves no window.
//!
//! Bounded in memory:
//! - a counter keeps only its non-empty buckets still counted: at most 61,
//!   and never more than its budget's `max` (each holds at least one send);
//! - expired counters are dropped when the map has doubled since the last
//!   sweep (O(1) per send amortised);
//! - at most [`MAX_COUNTERS`] counters. When the map is full of live counters
//!   a send that needs a new one is a store error, so `onStoreError` decides,
//!   as it does when Redis fails: the in-process store cannot count it, and
//!   admitting it silently would let a flood of distinct IP addresses (an
//!   IPv6 /48 holds 65,536 /64s) switch the budgets off unseen. At the cap the
//!   map is swept again at most once per [`FULL_SWEEP_EVERY_MS`], so a full
//!   map costs no O(n) work per send.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Instant;

use super::window::Window;
use super::{Counter, StoreError, Verdict};

/// Below this many counters the map is never swept.
const MIN_SWEEP_SIZE: usize = 1024;
/// The most counters kept. One counter is about 150 bytes (its key of about
/// 50, the map's slot, one bucket), so the store stays near 150 MB at worst:
/// bounded for a Logto process, and far past honest traffic, which would need
/// a million distinct IP addresses (or number ranges) sending codes to one
/// process within one window. Deployments that large share counters in Redis.
pub const MAX_COUNTERS: usize = 1_000_000;
/// At the cap, sweep no more often than this.
const FULL_SWEEP_EVERY_MS: u64 = 1_000;

#[derive(Debug)]
struct Entry {
  window: Window,
  /// `(bucket, sends)`, only non-empty buckets still counted.
  buckets: Vec<(u64, u32)>,
}

impl Entry {
  /// The sends counted at `now_ms`, after dropping the buckets no longer counted.
  fn used(&mut self, now_ms: u64) -> u64 {
    let oldest = self.window.oldest_counted(self.window.bucket(now_ms));
    self.buckets.retain(|&(bucket, _)| bucket >= oldest);
    self
      .buckets
      .iter()
      .map(|&(_, sends)| u64::from(sends))
      .sum()
  }

  fn expired(&self, now_ms: u64) -> bool {
    let oldest = self.window.oldest_counted(self.window.bucket(now_ms));
    self.buckets.iter().all(|&(bucket, _)| bucket < oldest)
  }

  fn count(&mut self, now_ms: u64) {
    let current = self.window.bucket(now_ms);
    match self
      .buckets
      .iter_mut()
      .find(|(bucket, _)| *bucket == current)
    {
      Some((_, sends)) => *sends = sends.saturating_add(1),
      None => self.buckets.push((current, 1)),
    }
  }
}

#[derive(Debug)]
struct Inner {
  counters: HashMap<String, Entry>,
  sweep_at: usize,
  last_sweep_ms: Option<u64>,
}

#[derive(Debug)]
pub struct MemoryStore {
  /// Times are milliseconds since this instant.
  epoch: Instant,
  /// The most counters kept: [`MAX_COUNTERS`], less in tests.
  cap: usize,
  inner: Mutex<Inner>,
}

/// The process's store, shared by every connector and config.
pub fn shared() -> &'static MemoryStore {
  static STORE: OnceLock<MemoryStore> = OnceLock::new();
  STORE.get_or_init(MemoryStore::new)
}

impl MemoryStore {
  pub fn new() -> Self {
    Self::with_cap(MAX_COUNTERS)
  }

  pub fn with_cap(cap: usize) -> Self {
    MemoryStore {
      epoch: Instant::now(),
      cap,
      inner: Mutex::new(Inner {
        counters: HashMap::new(),
        sweep_at: MIN_SWEEP_SIZE,
        last_sweep_ms: None,
      }),
    }
  }

  /// Checks every counter and, when all have room, counts the send in each.
  /// Fails only when a new counter is needed and the store is full.
  pub fn take(&self, counters: &[Counter], now: Instant) -> Verdict {
    let now_ms =
      u64::try_from(now.saturating_duration_since(self.epoch).as_millis()).unwrap_or(u64::MAX);
    // A panic while holding the lock cannot leave a counter half-written (each
    // write is one field), so a poisoned lock is still a good map.
    let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
    let mut new = 0;
    for (index, counter) in counters.iter().enumerate() {
      match inner.counters.get_mut(&counter.key) {
        Some(entry) => {
          if entry.used(now_ms) >= counter.max {
            return Ok(Some(index));
          }
        }
        None => new += 1,
      }
    }
    if new > 0 {
      inner.make_room(new, now_ms, self.cap)?;
    }
    for counter in counters {
      inner
        .counters
        .entry(counter.key.clone())
        .or_insert_with(|| Entry {
          window: Window::new(counter.window),
          buckets: Vec::with_capacity(1),
        })
        .count(now_ms);
    }
    Ok(None)
  }

  /// How many counters are kept (for tests).
  pub fn len(&self) -> usize {
    let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
    inner.counters.len()
  }

  pub fn is_empty(&self) -> bool {
    self.len() == 0
  }
}

impl Inner {
  /// Makes room for `new` counters, sweeping expired ones when it is time.
  fn make_room(&mut self, new: usize, now_ms: u64, cap: usize) -> Result<(), StoreError> {
    let len = self.counters.len();
    if len + new < self.sweep_at.min(cap) {
      return Ok(());
    }
    let full = len + new > cap;
    let swept_lately = self
      .last_sweep_ms
      .is_some_and(|last| now_ms.saturating_sub(last) < FULL_SWEEP_EVERY_MS);
    if !(full && swept_lately) {
      self.counters.retain(|_, entry| !entry.expired(now_ms));
      self.last_sweep_ms = Some(now_ms);
      self.sweep_at = (self.counters.len() * 2).clamp(MIN_SWEEP_SIZE.min(cap), cap);
    }
    if self.counters.len() + new > cap {
      return Err(StoreError::new(
        super::StoreProblem::Full,
        format!("the in-process store holds its maximum of {cap} counters, all in use"),
      ));
    }
    Ok(())
  }
}

impl Default for MemoryStore {
  fn default() -> Self {
    Self::new()
  }
}

#[cfg(test)]
mod tests {
  use super::super::Kind;
  use super::*;
  use std::sync::Arc;
  use std::time::Duration;

  fn counter(key: &str, max: u64, seconds: u64) -> Counter {
    Counter {
      kind: Kind::Global,
      key: key.to_owned(),
      max,
      window: Duration::from_secs(seconds),
    }
  }

  #[test]
  fn a_budget_of_n_admits_exactly_n() {
    let store = MemoryStore::new();
    let now = Instant::now();
    let budget = [counter("g", 3, 60)];
    for _ in 0..3 {
      assert_eq!(store.take(&budget, now), Ok(None));
    }
    assert_eq!(store.take(&budget, now), Ok(Some(0)));
    assert_eq!(store.take(&budget, now), Ok(Some(0)));
  }

  #[test]
  fn all_budgets_are_counted_or_none() {
    let store = MemoryStore::new();
    let now = Instant::now();
    let ip_a = [counter("ip:a", 1, 60), counter("global", 3, 60)];
    let ip_b = [counter("ip:b", 1, 60), counter("global", 3, 60)];
    assert_eq!(store.take(&ip_a, now), Ok(None));
    // ip:a is full: refused, and the global counter is not counted for it.
    for _ in 0..5 {
      assert_eq!(store.take(&ip_a, now), Ok(Some(0)));
    }
    assert_eq!(store.take(&ip_b, now), Ok(None));
    assert_eq!(store.take(&[counter("global", 3, 60)], now), Ok(None));
    // Now global holds 3: the first full budget is reported.
    assert_eq!(
      store.take(&[counter("ip:c", 1, 60), counter("global", 3, 60)], now),
      Ok(Some(1))
    );
  }

  /// The fixed-window burst: `max` at the end of one window and `max` right
  /// after its end. Rolling windows admit none of the second burst, and the
  /// budget comes back bucket by bucket as the first burst ages out.
  #[test]
  fn no_burst_of_twice_max_across_a_boundary() {
    let store = MemoryStore::new();
    let start = store.epoch;
    let at = |ms: u64| start + Duration::from_millis(ms);
    let budget = [counter("g", 10, 60)];
    // A send at 0 opens what a fixed window would call [0, 60 s).
    assert_eq!(store.take(&budget, at(0)), Ok(None));
    for _ in 0..9 {
      assert_eq!(store.take(&budget, at(59_900)), Ok(None));
    }
    assert_eq!(store.take(&budget, at(59_900)), Ok(Some(0)));
    // Just past the fixed window's end: only the send at 0 has aged out
    // (one bucket = 1 s later than the window, at most).
    let mut admitted = 0;
    for _ in 0..20 {
      if store.take(&budget, at(61_000)) == Ok(None) {
        admitted += 1;
      }
    }
    assert_eq!(admitted, 1);
    // Every span of 60 s holds at most 10: the nine at 59.9 s count until
    // 119.9 s at least, and are gone by 121 s.
    assert_eq!(store.take(&budget, at(119_900)), Ok(Some(0)));
    let mut later = 0;
    for _ in 0..20 {
      if store.take(&budget, at(121_000)) == Ok(None) {
        later += 1;
      }
    }
    assert_eq!(later, 9);
  }

  /// Admission is conservative by at most one bucket: once the last
  /// `W × 61/60` hold nothing, the whole budget is back.
  #[test]
  fn the_budget_is_whole_again_after_61_60_of_the_window() {
    let store = MemoryStore::new();
    let start = store.epoch;
    let budget = [counter("g", 2, 60)];
    for ms in [5_000, 5_000] {
      assert_eq!(
        store.take(&budget, start + Duration::from_millis(ms)),
        Ok(None)
      );
    }
    let whole_again = start + Duration::from_millis(5_000 + 61_000);
    assert_eq!(store.take(&budget, whole_again), Ok(None));
    assert_eq!(store.take(&budget, whole_again), Ok(None));
    assert_eq!(store.take(&budget, whole_again), Ok(Some(0)));
  }

  #[test]
  fn a_counter_keeps_at_most_61_buckets() {
    let store = MemoryStore::new();
    let start = store.epoch;
    let budget = [counter("g", 1_000_000, 60)];
    for second in 0..500 {
      assert_eq!(
        store.take(&budget, start + Duration::from_secs(second)),
        Ok(None)
      );
    }
    let inner = store.inner.lock().unwrap_or_else(PoisonError::into_inner);
    let buckets = inner
      .counters
      .get("g")
      .map_or(0, |entry| entry.buckets.len());
    assert!(buckets <= 61, "{buckets}");
  }

  #[test]
  fn expired_counters_are_swept() {
    let store = MemoryStore::new();
    let start = store.epoch;
    for i in 0..MIN_SWEEP_SIZE - 1 {
      assert_eq!(
        store.take(&[counter(&format!("ip:{i}"), 1, 1)], start),
        Ok(None)
      );
    }
    assert_eq!(store.len(), MIN_SWEEP_SIZE - 1);
    let later = start + Duration::from_secs(2);
    assert_eq!(store.take(&[counter("ip:new", 1, 1)], later), Ok(None));
    assert_eq!(store.len(), 1);
  }

  #[test]
  fn a_full_store_is_a_store_error_until_counters_expire() {
    let store = MemoryStore::with_cap(50);
    let start = store.epoch;
    {
      let mut inner = store.inner.lock().unwrap_or_else(PoisonError::into_inner);
      for i in 0..50 {
        inner.counters.insert(
          format!("ip:{i}"),
          Entry {
            window: Window::new(Duration::from_secs(60)),
            buckets: vec![(0, 1)],
          },
        );
      }
    }
    // Known counters still count; a new one cannot be kept.
    assert_eq!(store.take(&[counter("ip:7", 5, 60)], start), Ok(None));
    let Err(error) = store.take(&[counter("ip:new", 5, 60)], start) else {
      panic!("a full store refuses a new counter")
    };
    assert_eq!(error.kind, super::super::StoreProblem::Full);
    assert!(
      error.problem.contains("maximum of 50 counters"),
      "{}",
      error.problem
    );
    // Once the window has passed, the sweep makes room.
    let later = start + Duration::from_secs(62);
    assert_eq!(store.take(&[counter("ip:new", 5, 60)], later), Ok(None));
    assert_eq!(store.len(), 1);
  }

  #[test]
  fn concurrent_sends_never_exceed_the_budget() {
    let store = Arc::new(MemoryStore::new());
    let admitted: usize = (0..8)
      .map(|_| {
        let store = Arc::clone(&store);
        std::thread::spawn(move || {
          (0..100)
            .filter(|_| store.take(&[counter("g", 100, 60)], Instant::now()) == Ok(None))
            .count()
        })
      })
      .collect::<Vec<_>>()
      .into_iter()
      .map(|handle| handle.join().unwrap_or(0))
      .sum();
    assert_eq!(admitted, 100);
  }
}
