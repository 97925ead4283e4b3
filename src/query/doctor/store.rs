//! The `store` check (limits only): the Redis store answers, authenticates and
//! runs the counting script. It counts on a throw-away key of its own, with a
//! one-second window, so no real budget is ever touched.

use std::time::Duration;

use uuid::Uuid;

use crate::limits::{redis, Counter, Kind, Limits, DEFAULT_NAMESPACE};
use crate::query::check::Check;

pub async fn check(limits: Option<&Limits>) -> Option<Check> {
  let limits = limits?;
  let Some(target) = &limits.redis else {
    return Some(Check::pass(
      "store",
      "counters are kept in this Logto process (no redisUrl)",
    ));
  };
  let namespace = limits.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE);
  let probe = Counter {
    kind: Kind::Global,
    // In the namespace's hash slot (a cluster answers for the slot the real
    // counters use), unique per run: never the key of a real budget (those are
    // `logto-sms:{ns}:kind:windowSeconds[:subject]`), gone a second after.
    key: format!("logto-sms:{{{namespace}}}:doctor-probe:{}", Uuid::new_v4()),
    max: 1,
    window: Duration::from_secs(1),
  };
  let shown = redis::shown(target);
  Some(match redis::take(target, &[probe]).await {
    Ok(_) => Check::pass("store", format!("{shown} answered and ran the counting script")),
    Err(error) => Check::fail(
      "store",
      format!("{shown} could not run the check ({}): {}", error.kind.name(), error.problem),
      "Check limits.redisUrl (or the environment variable it names): the host and port must be reachable from Logto, the password right, and the user allowed to run scripts (EVALSHA).",
    ),
  })
}
