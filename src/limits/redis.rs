//! The Redis store: the counters of every Logto replica in one Redis, so the
//! budgets hold across processes.
//!
//! - One round trip per send: a server-side Lua script checks every counter
//!   and counts the send in all of them, or in none (Redis runs a script
//!   atomically, so concurrent sends from any number of processes serialise).
//!   A counter's window is its key's expiry, set by its first send.
//! - One connection per process and URL (a `ConnectionManager`: multiplexed,
//!   reconnects by itself), on the Tokio runtime the N-API async calls run on.
//!   It is kept per runtime as well: napi-rs starts a new runtime when the
//!   addon is loaded again after every user of the old one (worker threads
//!   included) has gone, and a connection's I/O task dies with its runtime.
//! - At most [`STORE_DEADLINE`] per send, connecting included. A failure, a
//!   refusal (wrong password) or no answer in time is a [`StoreError`]; the
//!   caller applies `onStoreError`. A send whose answer came too late may
//!   still have been counted by Redis.
//!
//! The URL's password never leaves this module: error texts are scrubbed of
//! it and log lines name the store as `scheme://host:port/db`.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{ErrorKind, RedisError};
use secrecy::ExposeSecret;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::config::RedisTarget;
use super::{Counter, OnStoreError, StoreError, Verdict};

/// The most a send waits for the store, connecting included.
pub const STORE_DEADLINE: Duration = Duration::from_millis(500);
/// Every counter's key starts with this.
pub const KEY_PREFIX: &str = "logto-sms-limits:";
/// At most one warning line per this long (the count of the others is in the next).
const WARN_EVERY: Duration = Duration::from_secs(10);
/// More distinct URLs than this (a config edited many times) and the old
/// connections are dropped.
const MAX_CONNECTIONS: usize = 16;

/// KEYS[i]: one counter per budget; ARGV[2i-1]: its max; ARGV[2i]: its window
/// in milliseconds. Answers 0 when every budget had room (each counted once),
/// else the 1-based index of the first full budget (none counted).
const SCRIPT: &str = r"
for i = 1, #KEYS do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used >= tonumber(ARGV[2 * i - 1]) then return i end
end
for i = 1, #KEYS do
  local used = redis.call('INCR', KEYS[i])
  if used == 1 or redis.call('PTTL', KEYS[i]) < 0 then
    redis.call('PEXPIRE', KEYS[i], ARGV[2 * i])
  end
end
return 0
";

static LUA: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(SCRIPT));

/// The runtime and the SHA-256 of the URL: the URL holds the password, which
/// is kept only inside the `SecretString` of the config, never as a plain key.
type ConnectionKey = (tokio::runtime::Id, [u8; 32]);
static CONNECTIONS: LazyLock<Mutex<HashMap<ConnectionKey, ConnectionManager>>> =
  LazyLock::new(|| Mutex::new(HashMap::new()));

/// Checks and counts `counters` in Redis.
pub async fn take(target: &RedisTarget, counters: &[Counter]) -> Verdict {
  let answer = match tokio::time::timeout(STORE_DEADLINE, run_script(target, counters)).await {
    Ok(answer) => answer?,
    Err(_) => {
      return Err(StoreError {
        problem: format!("no answer within {} ms", STORE_DEADLINE.as_millis()),
      })
    }
  };
  recovered(target);
  match usize::try_from(answer) {
    Ok(0) => Ok(None),
    Ok(index) if index <= counters.len() => Ok(Some(index - 1)),
    _ => Err(StoreError {
      problem: format!("unexpected answer from the limits script: {answer}"),
    }),
  }
}

async fn run_script(target: &RedisTarget, counters: &[Counter]) -> Result<i64, StoreError> {
  let (key, mut connection) = connection(target)?;
  let mut invocation = LUA.prepare_invoke();
  for counter in counters {
    let window_ms = u64::try_from(counter.window.as_millis()).unwrap_or(u64::MAX);
    invocation
      .key(format!("{KEY_PREFIX}{}", counter.key))
      .arg(counter.max)
      .arg(window_ms);
  }
  invocation
    .invoke_async::<i64>(&mut connection)
    .await
    .map_err(|error| {
      // An I/O failure makes the manager reconnect by itself; anything else
      // (a refused password, a broken reply) leaves it failing, so the next
      // send starts over with a new one.
      if !error.is_io_error() {
        forget(&key);
      }
      StoreError {
        problem: describe(target, &error),
      }
    })
}

/// The shared connection for `target` on the current runtime, made on first use
/// (without waiting: it connects when the first command needs it).
fn connection(target: &RedisTarget) -> Result<(ConnectionKey, ConnectionManager), StoreError> {
  let runtime = tokio::runtime::Handle::try_current()
    .map_err(|_| StoreError {
      problem: "no async runtime to talk to Redis on".to_owned(),
    })?
    .id();
  let key = (
    runtime,
    Sha256::digest(target.url.expose_secret().as_bytes()).into(),
  );
  let mut connections = CONNECTIONS.lock().unwrap_or_else(PoisonError::into_inner);
  if let Some(manager) = connections.get(&key) {
    return Ok((key, manager.clone()));
  }
  let failed = |error: RedisError| StoreError {
    problem: describe(target, &error),
  };
  let client = redis::Client::open(target.url.expose_secret()).map_err(failed)?;
  let config = ConnectionManagerConfig::new()
    .set_connection_timeout(Some(STORE_DEADLINE))
    .set_response_timeout(Some(STORE_DEADLINE))
    // One attempt per send: while Redis is down each send learns it at once
    // (and `onStoreError` decides) instead of waiting through a backoff.
    .set_number_of_retries(0);
  let manager = ConnectionManager::new_lazy_with_config(client, config).map_err(failed)?;
  if connections.len() >= MAX_CONNECTIONS {
    connections.clear();
  }
  connections.insert(key, manager.clone());
  Ok((key, manager))
}

fn forget(key: &ConnectionKey) {
  let mut connections = CONNECTIONS.lock().unwrap_or_else(PoisonError::into_inner);
  connections.remove(key);
}

/// What went wrong, in words, without the password.
fn describe(target: &RedisTarget, error: &RedisError) -> String {
  let refused_credentials = error.kind() == ErrorKind::AuthenticationFailed
    || matches!(error.code(), Some("WRONGPASS" | "NOAUTH" | "NOPERM"));
  let problem = if refused_credentials {
    "Redis refused the credentials (check the user name and password in redisUrl)".to_owned()
  } else if error.is_connection_refusal() {
    "connection refused".to_owned()
  } else if error.is_timeout() {
    format!("no answer within {} ms", STORE_DEADLINE.as_millis())
  } else {
    error.to_string()
  };
  target.scrub(&problem)
}

/// The stores whose last operation failed, for the "answers again" line; the
/// flag spares every successful send the lock while none is failing.
static ANY_FAILING: AtomicBool = AtomicBool::new(false);
static FAILING: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(|| Mutex::new(HashSet::new()));

struct Throttle {
  last: Instant,
  suppressed: u64,
}

static WARNINGS: Mutex<Option<Throttle>> = Mutex::new(None);

/// One warning line on stderr for a failed store operation, at most one per
/// [`WARN_EVERY`] (the next one says how many were not written).
pub fn warn(store: &str, error: &StoreError, policy: OnStoreError) {
  {
    let mut failing = FAILING.lock().unwrap_or_else(PoisonError::into_inner);
    failing.insert(store.to_owned());
    ANY_FAILING.store(true, Ordering::Relaxed);
  }
  let now = Instant::now();
  let suppressed = {
    let mut throttle = WARNINGS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(t) = throttle.as_mut() {
      if now.duration_since(t.last) < WARN_EVERY {
        t.suppressed += 1;
        return;
      }
    }
    let suppressed = throttle.as_ref().map_or(0, |t| t.suppressed);
    *throttle = Some(Throttle {
      last: now,
      suppressed: 0,
    });
    suppressed
  };
  let policy = match policy {
    OnStoreError::Allow => "allow: sent without the budgets",
    OnStoreError::Deny => "deny: refused",
  };
  log(json!({
    "level": "warn",
    "source": "logto-sms-native",
    "event": "limits_store_error",
    "store": store,
    "problem": error.problem,
    "onStoreError": policy,
    "notLoggedSinceLastLine": suppressed,
  }));
}

/// After failures, one line when the store answers again.
fn recovered(target: &RedisTarget) {
  if !ANY_FAILING.load(Ordering::Relaxed) {
    return;
  }
  let was_failing = {
    let mut failing = FAILING.lock().unwrap_or_else(PoisonError::into_inner);
    let was_failing = failing.remove(&target.shown);
    ANY_FAILING.store(!failing.is_empty(), Ordering::Relaxed);
    was_failing
  };
  if was_failing {
    log(json!({
      "level": "info",
      "source": "logto-sms-native",
      "event": "limits_store_recovered",
      "store": target.shown,
    }));
  }
}

fn log(line: serde_json::Value) {
  // One write call per line: stderr is unbuffered, and a line written in
  // pieces could interleave with what Node writes to the same descriptor.
  let mut text = line.to_string();
  text.push('\n');
  // A closed or full stderr must not fail a send.
  let _ = std::io::stderr().write_all(text.as_bytes());
}
