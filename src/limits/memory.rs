//! The in-process store: counters in a map behind one mutex, so checking and
//! counting all of a send's budgets is one atomic step. Fixed windows that start
//! with a counter's first counted send (see `super`), timed with the monotonic
//! clock, so a change of the system time moves no window.
//!
//! Expired counters are dropped when the map has doubled since the last sweep:
//! a flood of distinct IP addresses cannot grow it without bound, and the
//! sweep costs O(1) per send amortised.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Instant;

use super::{Counter, Verdict};

/// Below this many counters the map is never swept.
const MIN_SWEEP_SIZE: usize = 1024;

#[derive(Debug, Clone, Copy)]
struct Window {
  count: u64,
  ends: Instant,
}

#[derive(Debug)]
struct Inner {
  windows: HashMap<String, Window>,
  sweep_at: usize,
}

#[derive(Debug)]
pub struct MemoryStore {
  inner: Mutex<Inner>,
}

/// The process's store, shared by every connector and config.
pub fn shared() -> &'static MemoryStore {
  static STORE: OnceLock<MemoryStore> = OnceLock::new();
  STORE.get_or_init(MemoryStore::new)
}

impl MemoryStore {
  pub fn new() -> Self {
    MemoryStore {
      inner: Mutex::new(Inner {
        windows: HashMap::new(),
        sweep_at: MIN_SWEEP_SIZE,
      }),
    }
  }

  /// Checks every counter and, when all have room, counts the send in each.
  /// Never fails: the answer is always `Ok`.
  pub fn take(&self, counters: &[Counter], now: Instant) -> Verdict {
    // A panic while holding the lock cannot leave a counter half-written (each
    // write is one field), so a poisoned lock is still a good map.
    let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
    let used = |window: Option<&Window>| match window {
      Some(w) if w.ends > now => w.count,
      _ => 0,
    };
    if let Some(full) = counters
      .iter()
      .position(|c| used(inner.windows.get(&c.key)) >= c.max)
    {
      return Ok(Some(full));
    }
    for counter in counters {
      match inner.windows.get_mut(&counter.key) {
        Some(window) if window.ends > now => window.count += 1,
        Some(window) => {
          *window = Window {
            count: 1,
            ends: now + counter.window,
          }
        }
        None => {
          let window = Window {
            count: 1,
            ends: now + counter.window,
          };
          inner.windows.insert(counter.key.clone(), window);
        }
      }
    }
    if inner.windows.len() >= inner.sweep_at {
      inner.windows.retain(|_, w| w.ends > now);
      inner.sweep_at = (inner.windows.len() * 2).max(MIN_SWEEP_SIZE);
    }
    Ok(None)
  }

  /// How many counters are kept (for tests).
  pub fn len(&self) -> usize {
    let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
    inner.windows.len()
  }

  pub fn is_empty(&self) -> bool {
    self.len() == 0
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

  #[test]
  fn windows_roll_over_from_the_first_send() {
    let store = MemoryStore::new();
    let start = Instant::now();
    let budget = [counter("g", 2, 10)];
    assert_eq!(store.take(&budget, start), Ok(None));
    assert_eq!(
      store.take(&budget, start + Duration::from_secs(9)),
      Ok(None)
    );
    assert_eq!(
      store.take(&budget, start + Duration::from_millis(9_999)),
      Ok(Some(0))
    );
    // The window that began at `start` has ended: a new one begins.
    let later = start + Duration::from_secs(10);
    assert_eq!(store.take(&budget, later), Ok(None));
    assert_eq!(store.take(&budget, later), Ok(None));
    assert_eq!(store.take(&budget, later), Ok(Some(0)));
  }

  #[test]
  fn expired_counters_are_swept() {
    let store = MemoryStore::new();
    let start = Instant::now();
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
