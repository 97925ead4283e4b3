//! `redisUrl` in the syntax of Logto's own `REDIS_URL` (CONTRACT §9), read
//! into a [`RedisSpec`]: the guard reads a literal URL with it, the Redis
//! store reads the value of an `env:NAME` variable with it when first used.
//!
//! - `1`, `true`, `yes`: Logto's shorthand for `redis://127.0.0.1:6379`.
//! - `redis://` or `rediss://`, optional `user:password@`, `host:port`, `/db`.
//! - Query: `cluster=1|true|yes` with repeated `host=h:p` (Redis Cluster);
//!   `certroot`, `cert`, `key` (files read when the limits are first used);
//!   `reject_unauthorized=1|true|yes` (TLS is always verified: any other value
//!   is refused rather than silently ignored). Anything else, and a fragment
//!   (the Redis client reads `#insecure` as "skip certificate checks"), is
//!   refused.
//!
//! Messages never repeat the URL: it may hold a password.

use std::fmt;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

pub const DEFAULT_PORT: u16 = 6379;

/// A valid `redisUrl`, ready to connect with. Its `Debug` shows no user name
/// or password.
#[derive(Clone)]
pub struct RedisSpec {
  pub tls: bool,
  /// The URL's host first, then the `host=` nodes of a cluster.
  pub nodes: Vec<(String, u16)>,
  pub cluster: bool,
  pub username: Option<SecretString>,
  pub password: Option<SecretString>,
  /// The user name and password as written, percent-decoded and fully
  /// percent-encoded: what [`RedisSpec::scrub`] removes from error texts.
  secrets: Vec<SecretString>,
  pub db: i64,
  /// `certroot`, `cert`, `key`: paths, read when the limits are first used.
  pub certroot: Option<PathBuf>,
  pub cert: Option<PathBuf>,
  pub key: Option<PathBuf>,
  /// `scheme://host:port/db` (and how many nodes a cluster was given), for
  /// log lines: no user name, no password.
  pub shown: String,
}

impl fmt::Debug for RedisSpec {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.debug_struct("RedisSpec")
      .field("shown", &self.shown)
      .field("cluster", &self.cluster)
      .finish_non_exhaustive()
  }
}

impl RedisSpec {
  /// `text` with the password (as written and percent-decoded) replaced by
  /// `***`: error texts of the client may quote it.
  pub fn scrub(&self, text: &str) -> String {
    let mut text = text.to_owned();
    for secret in &self.secrets {
      let secret = secret.expose_secret();
      // A one-letter user name would blank every such letter of the text.
      if secret.len() >= 3 {
        text = text.replace(secret, "***");
      }
    }
    text
  }
}

/// `yes` as Logto reads it (`@silverhand/essentials`), limited to the three
/// spellings the contract names.
fn yes(text: &str) -> bool {
  matches!(text.to_ascii_lowercase().as_str(), "1" | "true" | "yes")
}

/// Reads `text`; the error is a message for the guard issue or the warning
/// line, free of the URL.
pub fn parse(text: &str) -> Result<RedisSpec, String> {
  const EXAMPLE: &str = "redisUrl must be a URL such as redis://:password@redis.example.com:6379/0 (or rediss:// for TLS), 1/true/yes for redis://127.0.0.1:6379, or env:NAME";
  let text = text.trim();
  if yes(text) {
    return Ok(RedisSpec {
      tls: false,
      nodes: vec![("127.0.0.1".to_owned(), DEFAULT_PORT)],
      cluster: false,
      username: None,
      password: None,
      secrets: Vec::new(),
      db: 0,
      certroot: None,
      cert: None,
      key: None,
      shown: format!("redis://127.0.0.1:{DEFAULT_PORT}/0"),
    });
  }
  let url = Url::parse(text).map_err(|_| EXAMPLE.to_owned())?;
  let tls = match url.scheme() {
    "redis" => false,
    "rediss" => true,
    _ => return Err("redisUrl must start with redis:// or rediss://".to_owned()),
  };
  let host = url
    .host_str()
    .filter(|host| !host.is_empty())
    .ok_or_else(|| EXAMPLE.to_owned())?;
  let host = host
    .trim_start_matches('[')
    .trim_end_matches(']')
    .to_owned();
  if host == "0.0.0.0" || host == "::" {
    return Err("redisUrl's host must be an address to connect to, not a wildcard".to_owned());
  }
  if url.fragment().is_some() {
    return Err("redisUrl must not contain a fragment (#…)".to_owned());
  }
  let db_text = url.path().trim_matches('/');
  let db = if db_text.is_empty() {
    0
  } else {
    db_text
      .parse::<u16>()
      .map(i64::from)
      .map_err(|_| "redisUrl's path must be a database number, such as /0".to_owned())?
  };
  let mut spec = RedisSpec {
    tls,
    nodes: vec![(host, url.port().unwrap_or(DEFAULT_PORT))],
    cluster: false,
    username: None,
    password: None,
    secrets: Vec::new(),
    db,
    certroot: None,
    cert: None,
    key: None,
    shown: String::new(),
  };
  let decode = |part: &str| {
    percent_encoding::percent_decode_str(part)
      .decode_utf8()
      .map(|decoded| decoded.into_owned())
      .map_err(|_| {
        "redisUrl's user name and password must be UTF-8 once percent-decoded".to_owned()
      })
  };
  let mut remember = |written: &str| -> Result<SecretString, String> {
    let decoded = decode(written)?;
    let encoded =
      percent_encoding::utf8_percent_encode(&decoded, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    for form in [written.to_owned(), encoded, decoded.clone()] {
      spec.secrets.push(SecretString::from(form));
    }
    Ok(SecretString::from(decoded))
  };
  let username = Some(url.username())
    .filter(|u| !u.is_empty())
    .map(&mut remember)
    .transpose()?;
  let password = url
    .password()
    .filter(|p| !p.is_empty())
    .map(&mut remember)
    .transpose()?;
  spec.username = username;
  spec.password = password;
  let mut extra_hosts = Vec::new();
  let mut cluster = None;
  for (name, value) in url.query_pairs() {
    let once = |seen: bool| {
      if seen {
        Err(format!("redisUrl's query gives {name} more than once"))
      } else {
        Ok(())
      }
    };
    match name.as_ref() {
      "cluster" => {
        once(cluster.is_some())?;
        cluster = Some(match value.to_ascii_lowercase().as_str() {
          "1" | "true" | "yes" => true,
          "0" | "false" | "no" => false,
          _ => {
            return Err("redisUrl's cluster must be 1, true or yes (or 0, false, no)".to_owned())
          }
        });
      }
      "host" => extra_hosts.push(host_port(&value)?),
      "certroot" | "cert" | "key" => {
        if value.trim().is_empty() {
          return Err(format!("redisUrl's {name} must be a file path"));
        }
        let slot = match name.as_ref() {
          "certroot" => &mut spec.certroot,
          "cert" => &mut spec.cert,
          _ => &mut spec.key,
        };
        once(slot.is_some())?;
        *slot = Some(PathBuf::from(value.as_ref()));
      }
      "reject_unauthorized" => {
        if !yes(&value) {
          return Err("redisUrl's reject_unauthorized may only be 1, true or yes: TLS certificates are always verified".to_owned());
        }
      }
      _ => {
        let shown: String = name.chars().take(40).collect();
        return Err(format!(
          "redisUrl's query parameter \"{shown}\" is not supported (cluster, host, certroot, cert, key, reject_unauthorized are)"
        ));
      }
    }
  }
  spec.cluster = cluster.unwrap_or(false);
  if !extra_hosts.is_empty() && !spec.cluster {
    return Err("redisUrl's host= parameters name cluster nodes: add cluster=1".to_owned());
  }
  spec.nodes.extend(extra_hosts);
  if !tls && (spec.certroot.is_some() || spec.cert.is_some() || spec.key.is_some()) {
    return Err("redisUrl's certroot, cert and key need TLS: rediss://".to_owned());
  }
  if spec.cert.is_some() != spec.key.is_some() {
    return Err(
      "redisUrl's cert and key come together (a client certificate and its key)".to_owned(),
    );
  }
  let (host, port) = &spec.nodes[0];
  let host = if host.contains(':') {
    format!("[{host}]")
  } else {
    host.clone()
  };
  spec.shown = format!("{}://{host}:{port}/{db}", url.scheme());
  if spec.cluster {
    spec
      .shown
      .push_str(&format!(" (cluster, {} nodes given)", spec.nodes.len()));
  }
  Ok(spec)
}

/// `h:p`, `h` (port 6379) or `[v6]:p`.
fn host_port(text: &str) -> Result<(String, u16), String> {
  let bad = || "redisUrl's host= must be host:port, such as host=10.0.0.2:6379".to_owned();
  // Parsed as a URL authority, so the same hosts are valid as in the URL itself.
  let url = Url::parse(&format!("redis://{}", text.trim())).map_err(|_| bad())?;
  let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(bad)?;
  if !(url.path().is_empty() || url.path() == "/")
    || url.query().is_some()
    || url.fragment().is_some()
    || !url.username().is_empty()
    || url.password().is_some()
  {
    return Err(bad());
  }
  let host = host
    .trim_start_matches('[')
    .trim_end_matches(']')
    .to_owned();
  Ok((host, url.port().unwrap_or(DEFAULT_PORT)))
}

/// `env:NAME`: the variable's name, when `text` has that form.
pub fn env_name(text: &str) -> Option<Result<&str, String>> {
  let name = text.trim().strip_prefix("env:")?;
  let valid = name
    .bytes()
    .next()
    .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
  Some(if valid {
    Ok(name)
  } else {
    Err("redisUrl's env:NAME needs a variable name of letters, digits and _, not starting with a digit".to_owned())
  })
}

#[cfg(test)]
mod tests {
  use super::*;

  fn spec(text: &str) -> RedisSpec {
    match parse(text) {
      Ok(spec) => spec,
      Err(reason) => panic!("{text}: {reason}"),
    }
  }

  #[test]
  fn logto_shorthands_mean_local_redis() {
    for text in ["1", "true", "yes", "YES", " True "] {
      let s = spec(text);
      assert_eq!(s.nodes, [("127.0.0.1".to_owned(), 6379)]);
      assert!(!s.tls && !s.cluster);
      assert_eq!(s.shown, "redis://127.0.0.1:6379/0");
    }
    for text in ["0", "no", "y", "false"] {
      assert!(parse(text).is_err(), "{text}");
    }
  }

  #[test]
  fn single_node_urls() {
    let s = spec("rediss://admin:p%40ss@redis.example.com:6380/2");
    assert!(s.tls && !s.cluster);
    assert_eq!(s.nodes, [("redis.example.com".to_owned(), 6380)]);
    assert_eq!(s.db, 2);
    assert_eq!(
      s.username.as_ref().map(|u| u.expose_secret()),
      Some("admin")
    );
    assert_eq!(s.password.as_ref().map(|p| p.expose_secret()), Some("p@ss"));
    assert_eq!(s.shown, "rediss://redis.example.com:6380/2");
    let v6 = spec("redis://[::1]:7000");
    assert_eq!(v6.nodes, [("::1".to_owned(), 7000)]);
    assert_eq!(v6.shown, "redis://[::1]:7000/0");
    assert_eq!(spec("redis://localhost").nodes[0].1, 6379);
    assert_eq!(spec("redis://h/?reject_unauthorized=1").nodes.len(), 1);
  }

  #[test]
  fn cluster_urls() {
    let s = spec("redis://:pw@10.0.0.1:7000?cluster=1&host=10.0.0.2:7001&host=10.0.0.3");
    assert!(s.cluster);
    assert_eq!(
      s.nodes,
      [
        ("10.0.0.1".to_owned(), 7000),
        ("10.0.0.2".to_owned(), 7001),
        ("10.0.0.3".to_owned(), 6379)
      ]
    );
    assert_eq!(s.shown, "redis://10.0.0.1:7000/0 (cluster, 3 nodes given)");
    assert!(spec("rediss://h:1/?cluster=yes").cluster);
    assert!(spec("redis://h:1/?cluster=true&host=[::1]:2").cluster);
    assert!(!spec("redis://h:1/?cluster=0").cluster);
  }

  #[test]
  fn tls_files_are_paths_kept_for_later() {
    let s =
      spec("rediss://h/?certroot=/etc/ca.pem&cert=/c.pem&key=/k.pem&reject_unauthorized=true");
    assert_eq!(s.certroot, Some(PathBuf::from("/etc/ca.pem")));
    assert_eq!(s.cert, Some(PathBuf::from("/c.pem")));
    assert_eq!(s.key, Some(PathBuf::from("/k.pem")));
  }

  #[test]
  fn refused() {
    for bad in [
      "http://127.0.0.1:6379",
      "redis+unix:///tmp/redis.sock",
      "unix:///tmp/redis.sock",
      "127.0.0.1:6379",
      "redis://",
      "rediss://host/#insecure",
      "redis://host/?protocol=resp3",
      "redis://host/db",
      "redis://0.0.0.0:6379",
      "redis://h/?reject_unauthorized=0",
      "redis://h/?reject_unauthorized=false",
      "redis://h/?host=h2:1",
      "redis://h/?cluster=maybe",
      "redis://h/?cluster=1&host=h2:x",
      "redis://h/?cluster=1&host=",
      "redis://h/?cluster=1&host=u:p@h2:1",
      "redis://h/?certroot=/ca.pem",
      "rediss://h/?cert=/c.pem",
      "rediss://h/?certroot=",
      "rediss://h/?certroot=/a&certroot=/b",
      "env:REDIS_URL",
      "",
    ] {
      assert!(parse(bad).is_err(), "{bad}");
    }
  }

  #[test]
  fn messages_and_debug_never_show_credentials() {
    for bad in [
      "redis://:MARKER-pw@h/?x=1",
      "redis://MARKER-user:MARKER-pw@h/#f",
      "redis://:MARKER-pw@h/?cluster=1&host=MARKER-pw:x",
    ] {
      let Err(reason) = parse(bad) else {
        panic!("{bad} is refused")
      };
      assert!(!reason.contains("MARKER"), "{reason}");
    }
    let s = spec("rediss://MARKER-user:MARKER-pw%21@db.example.com/3");
    let debug = format!("{s:?}");
    assert!(!debug.contains("MARKER"), "{debug}");
    assert_eq!(s.shown, "rediss://db.example.com:6379/3");
    assert_eq!(
      s.scrub("WRONGPASS for MARKER-pw! and MARKER-pw%21 and MARKER%2Dpw%21"),
      "WRONGPASS for *** and *** and ***"
    );
  }

  #[test]
  fn env_names() {
    assert_eq!(env_name("env:REDIS_URL"), Some(Ok("REDIS_URL")));
    assert_eq!(env_name("env:_x9"), Some(Ok("_x9")));
    for bad in ["env:", "env:9X", "env:A-B", "env:A B"] {
      assert!(matches!(env_name(bad), Some(Err(_))), "{bad}");
    }
    assert_eq!(env_name("redis://h"), None);
  }
}
