//! The rolling-window arithmetic both stores share (the Redis script repeats
//! it in Lua; `redis::tests` checks the two agree).
//!
//! A window of `W` is cut into [`BUCKETS`] buckets of `W / 60` each: bucket
//! `i` holds the sends made at times `t` with `⌊t · 60 / W⌋ = i`. A send at
//! time `t`, in bucket `i`, sees the count of buckets `i − 60 ..= i`:
//!
//! - every send of the last `W` is in it (`t − W ≥ (i − 60) · W/60`, since
//!   `t ≥ i · W/60`), so admitting only while that count is below `max`
//!   keeps every span of `W` at `max` or fewer: no 2 × `max` burst across a
//!   boundary, as fixed windows allow;
//! - nothing older than `W × 61/60` is in it (`t < (i + 1) · W/60`), so a
//!   send is admitted whenever the last `W × 61/60` hold fewer than `max`:
//!   the contract's bound on how conservative admission may be.
//!
//! The bucket index is computed exactly in integers (no rounding of `W/60`
//! to whole milliseconds, which would break the first bound): `t · 60` stays
//! far below 2^53 for any millisecond timestamp of this millennium, so the
//! Lua copy (doubles) gives the same index.

use std::time::Duration;

/// Buckets per window; a send sees these plus the current one.
pub const BUCKETS: u64 = 60;

/// The bucket arithmetic of one window length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
  /// The window in milliseconds, at least 1.
  ms: u64,
}

impl Window {
  pub fn new(window: Duration) -> Self {
    let ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
    Window { ms }
  }

  pub fn ms(self) -> u64 {
    self.ms
  }

  /// The bucket a send at `now_ms` is counted in.
  pub fn bucket(self, now_ms: u64) -> u64 {
    // u128: exact for any input; the product cannot overflow.
    let index = u128::from(now_ms) * u128::from(BUCKETS) / u128::from(self.ms);
    u64::try_from(index).unwrap_or(u64::MAX)
  }

  /// The oldest bucket still counted by a send in bucket `current`.
  pub fn oldest_counted(self, current: u64) -> u64 {
    current.saturating_sub(BUCKETS)
  }

  /// How long a counter must be kept after its last send: until its newest
  /// bucket is no longer counted, at most `W × 61/60` later, plus one bucket
  /// of slack for the rounding of the expiry to whole milliseconds.
  pub fn keep_ms(self) -> u64 {
    self.ms.saturating_mul(BUCKETS + 2).div_ceil(BUCKETS)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn window(seconds: u64) -> Window {
    Window::new(Duration::from_secs(seconds))
  }

  /// The two bounds, checked against the definition for every millisecond of
  /// a few windows: the counted span always covers the last `W` and never
  /// reaches past `W × 61/60`.
  #[test]
  fn the_counted_span_covers_w_and_at_most_61_60_of_it() {
    for seconds in [1, 2, 3, 7, 60, 3_600] {
      let w = window(seconds);
      let ms = w.ms();
      let start = 1_700_000_000_000u64;
      let step = (ms / 997).max(1);
      let mut t = start;
      while t < start + 3 * ms {
        let current = w.bucket(t);
        let oldest = w.oldest_counted(current);
        // The first millisecond that falls in the oldest counted bucket.
        let first_counted = (u128::from(oldest) * u128::from(ms)).div_ceil(60) as u64;
        assert!(
          first_counted <= t - ms,
          "{seconds} s at {t}: the send at t − W is not counted"
        );
        assert!(
          u128::from(t - first_counted) * 60 <= u128::from(ms) * 61,
          "{seconds} s at {t}: counts beyond W × 61/60"
        );
        assert_eq!(w.bucket(first_counted), oldest);
        t += step;
      }
    }
  }

  #[test]
  fn a_counter_is_kept_while_its_newest_bucket_counts() {
    for seconds in [1, 2, 59, 61, 86_400, 2_678_400] {
      let w = window(seconds);
      let t = 1_700_000_000_123u64;
      let newest = w.bucket(t);
      // The last moment at which `newest` is still counted.
      let last = ((u128::from(newest + BUCKETS + 1) * u128::from(w.ms())).div_ceil(60) - 1) as u64;
      assert_eq!(w.oldest_counted(w.bucket(last)), newest);
      assert!(t + w.keep_ms() > last, "{seconds} s");
      assert!(w.keep_ms() <= w.ms() * 62 / 60 + 1, "{seconds} s");
    }
  }

  #[test]
  fn buckets_are_exact_not_rounded_to_milliseconds() {
    // 1 s / 60 is 16.67 ms: buckets alternate 16 and 17 ms, 60 per second.
    let w = window(1);
    assert_eq!(w.bucket(0), 0);
    assert_eq!(w.bucket(999), 59);
    assert_eq!(w.bucket(1_000), 60);
    assert_eq!(w.bucket(17), 1);
    assert_eq!(w.bucket(16), 0);
    // No overflow at the far end of the clock.
    assert!(w.bucket(u64::MAX) > w.bucket(u64::MAX / 2));
  }
}
