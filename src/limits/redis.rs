//! The Redis store: the counters of every Logto replica in one Redis (or one
//! Redis Cluster), so the budgets hold across processes.
//!
//! - One round trip per send: a server-side Lua script checks every counter
//!   and counts the send in all of them, or in none (Redis runs a script
//!   atomically, so concurrent sends from any number of processes serialise).
//!   It reads the time from the Redis server (`TIME`), so replicas with
//!   different clocks agree on the windows.
//! - A counter is a hash of bucket → sends (`super::window`): at most 61
//!   live fields, older ones deleted as the send is counted, the key expiring
//!   once none of its buckets can count again.
//! - On a cluster, every key of a send carries its namespace's hash tag
//!   (`super::counters`), so the script runs on one node.
//! - One connection per process, URL and runtime (a `ConnectionManager` for
//!   one node, multiplexed and reconnecting by itself; a cluster connection
//!   for a cluster), made when first needed: an `env:NAME` URL and the
//!   `certroot`/`cert`/`key` files are read then. It is kept per runtime:
//!   napi-rs starts a new runtime when the addon is loaded again after every
//!   user of the old one (worker threads included) has gone, and a
//!   connection's I/O task dies with its runtime.
//! - At most [`STORE_DEADLINE`] per send, connecting included. A failure, a
//!   refusal or no answer in time is a [`StoreError`] naming its cause; the
//!   caller applies `onStoreError`. A send whose answer came too late may
//!   still have been counted by Redis.
//!
//! The URL's password never leaves `RedisSpec`: error texts are scrubbed of
//! it and log lines name the store as `scheme://host:port/db`.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClientBuilder;
use redis::cluster_async::ClusterConnection;
use redis::{ConnectionInfo, IntoConnectionInfo, RedisConnectionInfo, RedisError};
use secrecy::ExposeSecret;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use super::config::{Mode, RedisTarget};
use super::redis_url::{self, RedisSpec};
use super::window::Window;
use super::{Counter, OnStoreError, StoreError, StoreProblem, Verdict};

/// The most a send waits for the store, connecting included.
pub const STORE_DEADLINE: Duration = Duration::from_millis(500);
/// At most one warning line per this long (the count of the others is in the next).
const WARN_EVERY: Duration = Duration::from_secs(10);
/// More distinct URLs than this (a config edited many times) and the old
/// connections are dropped.
const MAX_CONNECTIONS: usize = 16;

/// KEYS[i]: one counter per budget, a hash of bucket → sends. ARGV[3i-2]: its
/// max; ARGV[3i-1]: its window in ms; ARGV[3i]: how long to keep it, in ms
/// (`Window::keep_ms`). Answers 0 when every budget had room (each counted
/// once), else the 1-based index of the first full budget (none counted).
///
/// The bucket index repeats `Window::bucket`: `now · 60 / window` is below
/// 2^53, so the division of doubles floors to the same integer.
const SCRIPT: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current, stale = {}, {}
for i = 1, #KEYS do
  local bucket = math.floor(now * 60 / tonumber(ARGV[3 * i - 1]))
  local oldest = bucket - 60
  local used, old = 0, {}
  local fields = redis.call('HGETALL', KEYS[i])
  for j = 1, #fields, 2 do
    if tonumber(fields[j]) >= oldest then
      used = used + tonumber(fields[j + 1])
    else
      old[#old + 1] = fields[j]
    end
  end
  if used >= tonumber(ARGV[3 * i - 2]) then return i end
  current[i], stale[i] = bucket, old
end
for i = 1, #KEYS do
  if #stale[i] > 0 then redis.call('HDEL', KEYS[i], unpack(stale[i])) end
  redis.call('HINCRBY', KEYS[i], string.format('%.0f', current[i]), 1)
  redis.call('PEXPIRE', KEYS[i], ARGV[3 * i])
end
return 0
";

static LUA: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(SCRIPT));

#[derive(Clone)]
enum Connection {
  Single(ConnectionManager),
  Cluster(ClusterConnection),
}

/// The runtime and the SHA-256 of the URL: the URL holds the password, which
/// is kept only inside a `SecretString`, never as a plain key.
type ConnectionKey = (tokio::runtime::Id, [u8; 32]);
/// Concurrent first sends wait for one connection instead of making one each.
type Slot = Arc<OnceCell<Connection>>;
static CONNECTIONS: LazyLock<Mutex<HashMap<ConnectionKey, Slot>>> =
  LazyLock::new(|| Mutex::new(HashMap::new()));

/// Checks and counts `counters` in Redis.
pub async fn take(target: &RedisTarget, counters: &[Counter]) -> Verdict {
  let (spec, id) = resolve(target)?;
  let answer = match tokio::time::timeout(STORE_DEADLINE, run_script(&spec, id, counters)).await {
    Ok(answer) => answer?,
    Err(_) => {
      return Err(StoreError::new(
        StoreProblem::Timeout,
        format!("no answer within {} ms", STORE_DEADLINE.as_millis()),
      ))
    }
  };
  recovered(target);
  match usize::try_from(answer) {
    Ok(0) => Ok(None),
    Ok(index) if index <= counters.len() => Ok(Some(index - 1)),
    _ => Err(StoreError::new(
      StoreProblem::Refused,
      format!("unexpected answer from the limits script: {answer}"),
    )),
  }
}

/// How the warning line names the store: its URL without credentials, or
/// the variable it comes from while that holds no valid URL.
pub fn shown(target: &RedisTarget) -> String {
  match (target, resolve(target)) {
    (RedisTarget::Env(name), Ok((spec, _))) => format!("{} (env:{name})", spec.shown),
    (_, Ok((spec, _))) => spec.shown.clone(),
    (target, Err(_)) => target.shown(),
  }
}

/// The URL to use: the config's, or the environment variable's now.
fn resolve(target: &RedisTarget) -> Result<(Arc<RedisSpec>, [u8; 32]), StoreError> {
  match target {
    RedisTarget::Url { spec, id } => Ok((Arc::clone(spec), *id)),
    RedisTarget::Env(name) => {
      let value = std::env::var(name).map_err(|error| {
        let why = match error {
          std::env::VarError::NotPresent => "is not set",
          std::env::VarError::NotUnicode(_) => "is not valid UTF-8",
        };
        StoreError::new(
          StoreProblem::Env,
          format!("redisUrl is env:{name} and the environment variable {name} {why}"),
        )
      })?;
      let spec = redis_url::parse(&value).map_err(|reason| {
        StoreError::new(
          StoreProblem::Env,
          format!("redisUrl is env:{name} and the environment variable {name} holds no valid URL: {reason}"),
        )
      })?;
      Ok((
        Arc::new(spec),
        Sha256::digest(value.trim().as_bytes()).into(),
      ))
    }
  }
}

async fn run_script(
  spec: &RedisSpec,
  id: [u8; 32],
  counters: &[Counter],
) -> Result<i64, StoreError> {
  let (key, connection) = connection(spec, id).await?;
  let mut invocation = LUA.prepare_invoke();
  for counter in counters {
    let window = Window::new(counter.window);
    invocation
      .key(&counter.key)
      .arg(counter.max)
      .arg(window.ms())
      .arg(window.keep_ms());
  }
  let answer = match connection {
    Connection::Single(mut manager) => invocation.invoke_async::<i64>(&mut manager).await,
    Connection::Cluster(mut cluster) => invocation.invoke_async::<i64>(&mut cluster).await,
  };
  answer.map_err(|error| {
    // An I/O failure makes the connection reconnect by itself; anything else
    // (a refused password, a broken reply) may leave it failing, so the next
    // send starts over with a new one.
    if !error.is_io_error() {
      forget(&key);
    }
    describe(spec, &error)
  })
}

/// The shared connection for `spec` on the current runtime, made on first use.
async fn connection(
  spec: &RedisSpec,
  id: [u8; 32],
) -> Result<(ConnectionKey, Connection), StoreError> {
  let runtime = tokio::runtime::Handle::try_current()
    .map_err(|_| {
      StoreError::new(
        StoreProblem::Unreachable,
        "no async runtime to talk to Redis on",
      )
    })?
    .id();
  let key = (runtime, id);
  let slot = {
    let mut connections = CONNECTIONS.lock().unwrap_or_else(PoisonError::into_inner);
    if connections.len() >= MAX_CONNECTIONS && !connections.contains_key(&key) {
      connections.clear();
    }
    Arc::clone(connections.entry(key).or_default())
  };
  // A failed attempt leaves the cell empty: the next send tries again.
  let connection = slot.get_or_try_init(|| connect(spec)).await?;
  Ok((key, connection.clone()))
}

fn forget(key: &ConnectionKey) {
  let mut connections = CONNECTIONS.lock().unwrap_or_else(PoisonError::into_inner);
  connections.remove(key);
}

async fn connect(spec: &RedisSpec) -> Result<Connection, StoreError> {
  let failed = |error: RedisError| describe(spec, &error);
  let certificates = tls::certificates(spec)?;
  let redis_settings = {
    let mut settings = RedisConnectionInfo::default().set_db(spec.db);
    if let Some(username) = &spec.username {
      settings = settings.set_username(username.expose_secret());
    }
    if let Some(password) = &spec.password {
      settings = settings.set_password(password.expose_secret());
    }
    settings
  };
  let node = |(host, port): &(String, u16)| -> Result<ConnectionInfo, StoreError> {
    let addr = tls::address(spec, host, *port)?;
    let info = addr.into_connection_info().map_err(failed)?;
    Ok(info.set_redis_settings(redis_settings.clone()))
  };
  if !spec.cluster {
    let info = node(&spec.nodes[0])?;
    let client = tls::client(info, certificates).map_err(|error| tls::file_error(spec, error))?;
    let config = ConnectionManagerConfig::new()
      .set_connection_timeout(Some(STORE_DEADLINE))
      .set_response_timeout(Some(STORE_DEADLINE))
      // One attempt per send: while Redis is down each send learns it at once
      // (and `onStoreError` decides) instead of waiting through a backoff.
      .set_number_of_retries(0);
    let manager = ConnectionManager::new_lazy_with_config(client, config).map_err(failed)?;
    return Ok(Connection::Single(manager));
  }
  let nodes = spec.nodes.iter().map(node).collect::<Result<Vec<_>, _>>()?;
  let mut builder = ClusterClientBuilder::new(nodes)
    .connection_timeout(STORE_DEADLINE)
    .response_timeout(STORE_DEADLINE)
    // Redirections (MOVED, ASK) need a retry; more than two would only
    // outlast the deadline.
    .retries(2);
  if let Some(username) = &spec.username {
    builder = builder.username(username.expose_secret());
  }
  if let Some(password) = &spec.password {
    builder = builder.password(password.expose_secret());
  }
  if spec.db != 0 {
    builder = builder.database_id(spec.db);
  }
  builder = tls::cluster(builder, spec, certificates);
  let client = builder
    .build()
    .map_err(|error| tls::file_error(spec, error))?;
  let cluster = client.get_async_connection().await.map_err(failed)?;
  Ok(Connection::Cluster(cluster))
}

/// TLS where this binary has it (not macOS: see Cargo.toml).
#[cfg(not(target_os = "macos"))]
mod tls {
  use redis::cluster::ClusterClientBuilder;
  use redis::{
    Client, ClientTlsConfig, ConnectionAddr, ConnectionInfo, RedisError, TlsCertificates, TlsMode,
  };

  use super::{RedisSpec, StoreError, StoreProblem};

  /// The `certroot`, `cert` and `key` files, read now (the first use).
  pub fn certificates(spec: &RedisSpec) -> Result<Option<TlsCertificates>, StoreError> {
    let read = |name: &str, path: &Option<std::path::PathBuf>| {
      path
        .as_ref()
        .map(|path| {
          std::fs::read(path).map_err(|error| {
            StoreError::new(
              StoreProblem::File,
              format!(
                "redisUrl's {name} file {} could not be read: {}",
                path.display(),
                error.kind()
              ),
            )
          })
        })
        .transpose()
    };
    let root_cert = read("certroot", &spec.certroot)?;
    let client_cert = read("cert", &spec.cert)?;
    let client_key = read("key", &spec.key)?;
    let client_tls = match (client_cert, client_key) {
      (Some(client_cert), Some(client_key)) => Some(ClientTlsConfig {
        client_cert,
        client_key,
      }),
      _ => None,
    };
    if root_cert.is_none() && client_tls.is_none() {
      return Ok(None);
    }
    Ok(Some(TlsCertificates {
      client_tls,
      root_cert,
    }))
  }

  /// Always verified: `insecure` is never set.
  pub fn address(spec: &RedisSpec, host: &str, port: u16) -> Result<ConnectionAddr, StoreError> {
    Ok(if spec.tls {
      ConnectionAddr::TcpTls {
        host: host.to_owned(),
        port,
        insecure: false,
        tls_params: None,
      }
    } else {
      ConnectionAddr::Tcp(host.to_owned(), port)
    })
  }

  pub fn client(
    info: ConnectionInfo,
    certificates: Option<TlsCertificates>,
  ) -> Result<Client, RedisError> {
    match certificates {
      Some(certificates) => Client::build_with_tls(info, certificates),
      None => Client::open(info),
    }
  }

  pub fn cluster(
    builder: ClusterClientBuilder,
    spec: &RedisSpec,
    certificates: Option<TlsCertificates>,
  ) -> ClusterClientBuilder {
    if !spec.tls {
      return builder;
    }
    let builder = builder.tls(TlsMode::Secure);
    match certificates {
      Some(certificates) => builder.certs(certificates),
      None => builder,
    }
  }

  /// Building a client fails only on its certificates (the rest was checked
  /// by the guard): files that are not PEM.
  pub fn file_error(spec: &RedisSpec, error: RedisError) -> StoreError {
    StoreError::new(
      StoreProblem::File,
      spec.scrub(&format!(
        "redisUrl's certroot, cert or key could not be used (PEM files expected): {error}"
      )),
    )
  }
}

/// macOS binaries have no Redis TLS (Cargo.toml): `rediss://` is a store
/// error, which the guard cannot know for the URL of an `env:` variable.
#[cfg(target_os = "macos")]
mod tls {
  use redis::cluster::ClusterClientBuilder;
  use redis::{Client, ConnectionAddr, ConnectionInfo, RedisError};

  use super::{RedisSpec, StoreError, StoreProblem};

  /// No certificates are ever read here.
  type NoCertificates = std::convert::Infallible;

  pub fn certificates(_: &RedisSpec) -> Result<Option<NoCertificates>, StoreError> {
    Ok(None)
  }

  pub fn address(spec: &RedisSpec, host: &str, port: u16) -> Result<ConnectionAddr, StoreError> {
    if spec.tls {
      return Err(StoreError::new(
        StoreProblem::TlsUnavailable,
        "rediss:// is not available in the macOS build of this connector (it has no TLS for Redis); use redis:// through a TLS tunnel, or run Logto on Linux or Windows",
      ));
    }
    Ok(ConnectionAddr::Tcp(host.to_owned(), port))
  }

  pub fn client(info: ConnectionInfo, _: Option<NoCertificates>) -> Result<Client, RedisError> {
    Client::open(info)
  }

  pub fn cluster(
    builder: ClusterClientBuilder,
    _: &RedisSpec,
    _: Option<NoCertificates>,
  ) -> ClusterClientBuilder {
    builder
  }

  pub fn file_error(spec: &RedisSpec, error: RedisError) -> StoreError {
    super::describe(spec, &error)
  }
}

/// What went wrong, in words and as a cause, without the password.
fn describe(spec: &RedisSpec, error: &RedisError) -> StoreError {
  let (kind, problem) = classify(error);
  StoreError::new(kind, spec.scrub(&problem))
}

fn classify(error: &RedisError) -> (StoreProblem, String) {
  use redis::ErrorKind;
  let code = error.code().unwrap_or("");
  let text = error.to_string();
  if code == "NOPERM" || text.contains("NOPERM") {
    return (
      StoreProblem::Permission,
      "Redis refused the limits script: the user lacks permission (the limits need EVAL, EVALSHA, and the keys logto-sms:*)".to_owned(),
    );
  }
  if error.kind() == ErrorKind::AuthenticationFailed || matches!(code, "WRONGPASS" | "NOAUTH") {
    return (
      StoreProblem::Credentials,
      "Redis refused the credentials (check the user name and password in redisUrl)".to_owned(),
    );
  }
  let cluster_text = ["CROSSSLOT", "CLUSTERDOWN", "MOVED", "TRYAGAIN", "cluster"];
  if error.is_cluster_error()
    || error.kind() == ErrorKind::ClusterConnectionNotFound
    || matches!(code, "CROSSSLOT" | "CLUSTERDOWN")
    || cluster_text.iter().any(|word| text.contains(word))
  {
    return (
      StoreProblem::Cluster,
      format!("Redis Cluster trouble: {text}"),
    );
  }
  if error.is_timeout() {
    return (
      StoreProblem::Timeout,
      format!("no answer within {} ms", STORE_DEADLINE.as_millis()),
    );
  }
  if error.is_connection_refusal() {
    return (StoreProblem::Unreachable, "connection refused".to_owned());
  }
  if error.is_io_error() || error.is_connection_dropped() {
    return (StoreProblem::Unreachable, format!("unreachable: {text}"));
  }
  (StoreProblem::Refused, text)
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
/// [`WARN_EVERY`] per process (the next one says how many were not written).
pub fn warn(store: &str, error: &StoreError, policy: OnStoreError, mode: Mode) {
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
  let policy = match (policy, mode) {
    (OnStoreError::Allow, _) => "allow: sent without the budgets",
    (OnStoreError::Deny, Mode::Enforce) => "deny: refused",
    (OnStoreError::Deny, Mode::Monitor) => "deny, but monitor mode: sent without the budgets",
  };
  log(json!({
    "level": "warn",
    "source": "logto-sms-native",
    "event": "limits_store_error",
    "store": store,
    "cause": error.kind.name(),
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
  let shown = shown(target);
  let shown = shown.as_str();
  let was_failing = {
    let mut failing = FAILING.lock().unwrap_or_else(PoisonError::into_inner);
    let was_failing = failing.remove(shown);
    ANY_FAILING.store(!failing.is_empty(), Ordering::Relaxed);
    was_failing
  };
  if was_failing {
    log(json!({
      "level": "info",
      "source": "logto-sms-native",
      "event": "limits_store_recovered",
      "store": shown,
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

/// Against a real redis-server (skipped, saying so, where none is installed):
/// the script keeps the buckets `Window` defines, on the server's clock.
#[cfg(test)]
mod tests {
  use super::super::{Kind, StoreProblem};
  use super::*;

  struct Server {
    child: std::process::Child,
    port: u16,
  }

  impl Drop for Server {
    fn drop(&mut self) {
      let _ = self.child.kill();
      let _ = self.child.wait();
    }
  }

  fn start() -> Option<Server> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
      .and_then(|listener| listener.local_addr())
      .ok()?
      .port();
    let child = std::process::Command::new("redis-server")
      .args([
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
      ])
      .stdout(std::process::Stdio::null())
      .spawn();
    let Ok(child) = child else {
      eprintln!("redis-server is not installed: the script test is skipped");
      return None;
    };
    let server = Server { child, port };
    for _ in 0..200 {
      if server.sync().is_some() {
        return Some(server);
      }
      std::thread::sleep(Duration::from_millis(25));
    }
    None
  }

  impl Server {
    fn sync(&self) -> Option<redis::Connection> {
      let client = redis::Client::open(format!("redis://127.0.0.1:{}/0", self.port)).ok()?;
      let mut connection = client.get_connection().ok()?;
      redis::cmd("PING").query::<String>(&mut connection).ok()?;
      Some(connection)
    }

    fn target(&self) -> RedisTarget {
      let url = format!("redis://127.0.0.1:{}/0", self.port);
      RedisTarget::Url {
        spec: Arc::new(redis_url::parse(&url).unwrap_or_else(|reason| panic!("{reason}"))),
        id: Sha256::digest(url.as_bytes()).into(),
      }
    }
  }

  fn counter(key: &str, max: u64, seconds: u64) -> Counter {
    Counter {
      kind: Kind::Global,
      key: key.to_owned(),
      max,
      window: Duration::from_secs(seconds),
    }
  }

  fn server_ms(connection: &mut redis::Connection) -> u64 {
    let (seconds, micros): (u64, u64) = redis::cmd("TIME").query(connection).unwrap_or((0, 0));
    seconds * 1000 + micros / 1000
  }

  #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
  async fn the_script_keeps_the_buckets_window_defines() {
    let Some(server) = start() else { return };
    let Some(mut sync) = server.sync() else {
      panic!("redis-server answers")
    };
    let target = server.target();
    let window = Window::new(Duration::from_secs(3_600));
    let key = "logto-sms:{test}:global:3600";
    let before = window.bucket(server_ms(&mut sync));
    for _ in 0..3 {
      assert_eq!(take(&target, &[counter(key, 3, 3_600)]).await, Ok(None));
    }
    assert_eq!(take(&target, &[counter(key, 3, 3_600)]).await, Ok(Some(0)));
    let after = window.bucket(server_ms(&mut sync));
    let fields: Vec<(u64, u64)> = redis::cmd("HGETALL")
      .arg(key)
      .query(&mut sync)
      .unwrap_or_default();
    let sends: u64 = fields.iter().map(|(_, sends)| sends).sum();
    assert_eq!(sends, 3);
    assert!(
      fields
        .iter()
        .all(|(bucket, _)| (before..=after).contains(bucket)),
      "{fields:?} not in {before}..={after}"
    );
    let ttl: i64 = redis::cmd("PTTL").arg(key).query(&mut sync).unwrap_or(-1);
    assert!(ttl > 3_600_000 && ttl <= window.keep_ms() as i64, "{ttl}");

    // A bucket 60 back still counts; one 61 back does not, and is deleted by
    // the next counted send.
    let other = "logto-sms:{test}:global:60";
    let minute = Window::new(Duration::from_secs(60));
    let now = minute.bucket(server_ms(&mut sync));
    let _: () = redis::cmd("HSET")
      .arg(other)
      .arg(now - 61)
      .arg(100)
      .arg(now - 60)
      .arg(2)
      .query(&mut sync)
      .unwrap_or(());
    // Unless the bucket turned over since `now` was read: then the one 60
    // back has aged out too, and 3 fit.
    let first = take(&target, &[counter(other, 3, 60)]).await;
    assert_eq!(first, Ok(None));
    let second = take(&target, &[counter(other, 3, 60)]).await;
    let turned_over = minute.bucket(server_ms(&mut sync)) != now;
    if !turned_over {
      assert_eq!(second, Ok(Some(0)));
    }
    let stale: Option<u64> = redis::cmd("HGET")
      .arg(other)
      .arg(now - 61)
      .query(&mut sync)
      .unwrap_or(None);
    assert_eq!(stale, None);

    // All or none: a full second counter leaves the first uncounted.
    let (a, b) = ("logto-sms:{test}:perIp:60:a", "logto-sms:{test}:global:61");
    assert_eq!(take(&target, &[counter(b, 1, 61)]).await, Ok(None));
    assert_eq!(
      take(&target, &[counter(a, 5, 60), counter(b, 1, 61)]).await,
      Ok(Some(1))
    );
    let exists: i64 = redis::cmd("EXISTS").arg(a).query(&mut sync).unwrap_or(-1);
    assert_eq!(exists, 0);

    // A key of another type: a store error, not a panic or an admission.
    let _: () = redis::cmd("SET")
      .arg("logto-sms:{test}:odd")
      .arg("x")
      .query(&mut sync)
      .unwrap_or(());
    let odd = take(&target, &[counter("logto-sms:{test}:odd", 1, 60)]).await;
    assert!(
      matches!(
        odd,
        Err(StoreError {
          kind: StoreProblem::Refused,
          ..
        })
      ),
      "{odd:?}"
    );
  }

  fn target_of(url: &str) -> RedisTarget {
    RedisTarget::Url {
      spec: Arc::new(redis_url::parse(url).unwrap_or_else(|reason| panic!("{reason}"))),
      id: Sha256::digest(url.as_bytes()).into(),
    }
  }

  /// The files are read at first use: an unreadable one is a store error
  /// naming its parameter (and, on macOS, rediss:// is one of its own).
  #[tokio::test]
  async fn unreadable_tls_files_are_store_errors_naming_the_parameter() {
    let missing = "/nonexistent/logto-sms-test";
    for (parameter, query) in [
      ("certroot", format!("certroot={missing}/ca.pem")),
      ("cert", format!("cert={missing}/c.pem&key={missing}/k.pem")),
    ] {
      let target = target_of(&format!("rediss://:MARKER-pw@127.0.0.1:1/?{query}"));
      let Err(error) = take(&target, &[counter("logto-sms:{t}:global:60", 1, 60)]).await else {
        panic!("{parameter}: a store error")
      };
      if cfg!(target_os = "macos") {
        assert_eq!(error.kind, StoreProblem::TlsUnavailable);
        continue;
      }
      assert_eq!(error.kind, StoreProblem::File, "{error:?}");
      assert!(
        error
          .problem
          .contains(&format!("redisUrl's {parameter} file")),
        "{}",
        error.problem
      );
      assert!(!error.problem.contains("MARKER"));
    }
  }

  #[tokio::test]
  async fn nothing_listening_is_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
      .and_then(|listener| listener.local_addr())
      .map_or(1, |addr| addr.port());
    let target = target_of(&format!("redis://:MARKER-pw@127.0.0.1:{port}/0"));
    let Err(error) = take(&target, &[counter("logto-sms:{t}:global:60", 1, 60)]).await else {
      panic!("a store error")
    };
    assert_eq!(error.kind, StoreProblem::Unreachable, "{error:?}");
    assert!(!error.problem.contains("MARKER"));
  }
}
