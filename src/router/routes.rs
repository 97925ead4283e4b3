//! Which route a recipient takes: the route with the longest prefix of the
//! recipient's E.164 digits; `*` matches any number with the shortest length
//! (zero), so any digit prefix beats it. Between equal prefixes the route
//! listed first wins.

use super::config::{Prefix, Route};

/// How many digits of `e164_digits` the prefix covers, when it matches.
fn matched_len(prefix: &Prefix, e164_digits: &str) -> Option<usize> {
  match prefix {
    Prefix::Any => Some(0),
    Prefix::Digits(digits) => e164_digits
      .starts_with(digits.as_str())
      .then_some(digits.len()),
  }
}

/// The route for `e164_digits` (the number with its country code, no `+`).
pub fn pick<'a>(routes: &'a [Route], e164_digits: &str) -> Option<&'a Route> {
  let mut best: Option<(usize, &Route)> = None;
  for route in routes {
    let longest = route
      .prefixes
      .iter()
      .filter_map(|prefix| matched_len(prefix, e164_digits))
      .max();
    if let Some(len) = longest {
      if best.is_none_or(|(best_len, _)| len > best_len) {
        best = Some((len, route));
      }
    }
  }
  best.map(|(_, route)| route)
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::router::config::parse_prefix;

  fn route(prefixes: &[&str], account: usize) -> Route {
    Route {
      prefixes: prefixes.iter().filter_map(|p| parse_prefix(p)).collect(),
      accounts: vec![account],
    }
  }

  fn picked(routes: &[Route], number: &str) -> Option<usize> {
    pick(routes, number).map(|r| r.accounts[0])
  }

  #[test]
  fn the_longest_prefix_wins_and_star_is_the_last_resort() {
    let routes = [
      route(&["*"], 0),
      route(&["86"], 1),
      route(&["852", "853"], 2),
      route(&["8613"], 3),
      route(&["1"], 4),
    ];
    assert_eq!(picked(&routes, "8613812345678"), Some(3));
    assert_eq!(picked(&routes, "8615012345678"), Some(1));
    assert_eq!(picked(&routes, "85268326366"), Some(2));
    assert_eq!(picked(&routes, "85361234567"), Some(2));
    assert_eq!(picked(&routes, "12025550123"), Some(4));
    assert_eq!(picked(&routes, "447911123456"), Some(0));
  }

  #[test]
  fn no_match_without_a_star() {
    let routes = [route(&["86"], 0), route(&["852"], 1)];
    assert_eq!(picked(&routes, "447911123456"), None);
    assert_eq!(picked(&routes, "8"), None);
  }

  #[test]
  fn equal_prefixes_go_to_the_first_route() {
    let routes = [route(&["44"], 0), route(&["44", "*"], 1), route(&["*"], 2)];
    assert_eq!(picked(&routes, "447911123456"), Some(0));
    assert_eq!(picked(&routes, "33612345678"), Some(1));
  }

  #[test]
  fn a_whole_number_may_be_a_prefix() {
    let routes = [route(&["*"], 0), route(&["447911123456"], 1)];
    assert_eq!(picked(&routes, "447911123456"), Some(1));
    assert_eq!(picked(&routes, "447911123457"), Some(0));
  }
}
