//! The last config each provider parsed, keyed by its exact JSON text.
//!
//! Logto hands the same stored config to every send; reading and validating it
//! (nine templates) is most of the connector's own work per send. The key is the
//! whole text, so any change, however small, is a miss and is parsed afresh:
//! a changed config can never go unseen. Invalid configs are not kept.

use std::sync::{Arc, Mutex};

use super::Issue;

pub struct ConfigCache<T> {
  last: Mutex<Option<(String, Arc<T>)>>,
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
    // A poisoned lock (a panic elsewhere) only means "no cache".
    if let Ok(last) = self.last.lock() {
      if let Some((cached_text, config)) = last.as_ref() {
        if cached_text == text {
          return Ok(Arc::clone(config));
        }
      }
    }
    let config = Arc::new(parse(text)?);
    if let Ok(mut last) = self.last.lock() {
      *last = Some((text.to_owned(), Arc::clone(&config)));
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
