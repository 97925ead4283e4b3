//! The last config each provider parsed, keyed by the SHA-256 digest of its
//! exact JSON text.
//!
//! Logto hands the same stored config to every send; reading and validating it
//! (nine templates) is most of the connector's own work per send. Any change to
//! the text, however small, changes the digest, so it is a miss and is parsed
//! afresh: a changed config can never go unseen. The digest, not the text, is
//! kept: the text holds the secret, which lives on only inside the parsed
//! config (a `SecretString`, zeroed when dropped). Invalid configs are not kept.

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

  #[test]
  fn the_cache_keeps_no_copy_of_the_text() {
    let cache = ConfigCache::new();
    let text = r#"{"accessKeySecret":"MARKER-in-cache"}"#;
    assert!(cache.get_or_parse(text, |_| Ok(())).is_ok());
    let Ok(last) = cache.last.lock() else {
      panic!("lock")
    };
    let Some((key, _)) = last.as_ref() else {
      panic!("kept")
    };
    let digest: Key = Sha256::digest(text.as_bytes()).into();
    assert_eq!(*key, digest);
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
