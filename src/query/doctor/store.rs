//! The `store` check (limits only): the Redis store answers, authenticates and
//! runs the counting script. It counts on a throw-away key of its own, with a
//! one-second window, so no real budget is ever touched.

use std::time::Duration;

use uuid::Uuid;

use crate::limits::{redis, Counter, Kind, Limits};
use crate::query::check::Check;

pub async fn check(limits: Option<&Limits>) -> Option<Check> {
  let limits = limits?;
  let Some(target) = &limits.redis else {
    return Some(Check::pass(
      "store",
      "counters are kept in this Logto process (no redisUrl)",
    ));
  };
  let probe = Counter {
    kind: Kind::Global,
    // Unique per run: never the key of a real budget (those are
    // `kind:windowSeconds:subject`), gone a second after.
    key: format!("doctor-probe:{}", Uuid::new_v4()),
    max: 1,
    window: Duration::from_secs(1),
  };
  Some(match redis::take(target, &[probe]).await {
    Ok(_) => Check::pass("store", format!("{} answered and ran the counting script", target.shown)),
    Err(error) => Check::fail(
      "store",
      format!("{} could not run the check: {}", target.shown, error.problem),
      "Check limits.redisUrl: the host and port must be reachable from Logto, the password right, and the user allowed to run scripts (EVALSHA).",
    ),
  })
}
