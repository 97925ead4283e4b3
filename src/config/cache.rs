//! The last config each provider parsed, keyed by the SHA-256 digest of its
//! exact JSON text.
//!
//! Logto hands the same stored config to every send; reading and validating it
//! (nine templates) is most of the connector's own work per send. Any change to
//! the text, however small, changes the digest, so it is a miss and is parsed
//! afresh: a changed config can never go unseen. Invalid configs are not kept.
//!
//! The cache holds the digest (a `[u8; 32]`: it cannot hold the text) and the
//! parsed config, whose secret is a `SecretString` (hidden from `Debug`,
//! zeroed when the config is dropped). That is all this cache promises. Other
//! copies of the secret exist for a moment on every send and are freed
//! without being zeroed: the JSON text Node hands over (Node keeps its own,
//! Logto's config object), and the JSON value the guard parses it into.

use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::Issue;

type Key = [u8; 32];

pub struct ConfigCache<T> {
  last: Mutex<Option<(Key, Arc<T>)>>,
}

impl<T> ConfigCache<T> {
  pub const fn new() -> Self {
    ConfigCache {
      last: Mutex::new(None),
    }
  }

  pub fn get_or_parse(
    &self,
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, Vec<Issue>>,
  ) -> Result<Arc<T>, Vec<Issue>> {
    let key: Key = Sha256::digest(text.as_bytes()).into();
    // A poisoned lock (a panic elsewhere) only means "no cache".
    if let Ok(last) = self.last.lock() {
      if let Some((cached_key, config)) = last.as_ref() {
        if *cached_key == key {
          return Ok(Arc::clone(config));
        }
      }
    }
    let config = Arc::new(parse(text)?);
    if let Ok(mut last) = self.last.lock() {
      *last = Some((key, Arc::clone(&config)));
    }
    Ok(config)
  }
}

impl<T> Default for ConfigCache<T> {
  fn default() -> Self {
    Self::new()
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use std::cell::Cell;

  #[test]
  fn same_text_hits_any_change_misses() {
    let cache = ConfigCache::new();
    let parses = Cell::new(0);
    let parse = |text: &str| {
      parses.set(parses.get() + 1);
      Ok(text.len())
    };
    assert_eq!(
      cache.get_or_parse(r#"{"a":1}"#, parse).ok().as_deref(),
      Some(&7)
    );
    assert_eq!(
      cache.get_or_parse(r#"{"a":1}"#, parse).ok().as_deref(),
      Some(&7)
    );
    assert_eq!(parses.get(), 1);
    assert_eq!(
      cache.get_or_parse(r#"{"a":2}"#, parse).ok().as_deref(),
      Some(&7)
    );
    assert_eq!(parses.get(), 2);
    assert_eq!(
      cache.get_or_parse(r#"{"a":1}"#, parse).ok().as_deref(),
      Some(&7)
    );
    assert_eq!(parses.get(), 3);
  }

  /// What the cache keeps of a real config shows no secret: the parsed
  /// config's secret is a `SecretString` (the key is a digest by its type).
  #[test]
  fn a_cached_config_shows_no_secret() {
    let cache = ConfigCache::new();
    let input = serde_json::json!({
      "accessKeyId": "id", "accessKeySecret": "MARKER-in-cache", "signName": "s",
      "templates": crate::provider::test_support::templates(),
    });
    let text = input.to_string();
    let Ok(config) = cache.get_or_parse(&text, |text| {
      super::super::read_json(text)
        .and_then(|value| super::super::aliyun::parse(&value))
        .map(|parsed| parsed.config)
    }) else {
      panic!("the config parses")
    };
    let shown = format!("{config:?}");
    assert!(
      shown.contains("accessKeyId") || shown.contains("access_key_id"),
      "{shown}"
    );
    assert!(!shown.contains("MARKER-in-cache"), "{shown}");
  }

  #[test]
  fn invalid_configs_are_not_kept() {
    let cache: ConfigCache<usize> = ConfigCache::new();
    let fail = |_: &str| Err(Vec::new());
    assert!(cache.get_or_parse("x", fail).is_err());
    assert_eq!(
      cache
        .get_or_parse("x", |t: &str| Ok(t.len()))
        .ok()
        .as_deref(),
      Some(&1)
    );
  }
}
