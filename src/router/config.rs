//! The router's config guard (CONTRACT §8): provider accounts, each validated
//! by its own provider's guard, and the routes that use them. Issues are
//! reported zod style (`config::Ctx`), every one of them at once; an account's
//! own issues keep their paths under `["providers", i, "config", …]`.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::config::{added, at, js_type, keep_if_present, Ctx, Issue, Parsed, PathSeg, Reported};
use crate::limits::{self, Limits};
use crate::provider::{self, Account, ProviderType};

/// One provider account of the router.
#[derive(Debug)]
pub struct RouterAccount {
  /// Its `name`: what routes, errors and log lines call it.
  pub name: String,
  pub provider: &'static ProviderType,
  pub account: Box<dyn Account>,
  /// Who it is for the process-wide cool-down: its name, type and validated
  /// config. A changed config is another account, with a fresh record.
  pub key: [u8; 32],
}

/// A recipient prefix: E.164 digits, or `*` (any number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prefix {
  Any,
  Digits(String),
}

#[derive(Debug)]
pub struct Route {
  pub prefixes: Vec<Prefix>,
  /// The accounts to try, in order, as indices into `RouterConfig::accounts`.
  pub accounts: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failover {
  /// Definite refusals in a row that start a cool-down.
  pub refusals: u32,
  pub cool_down: Duration,
}

pub const DEFAULT_FAILOVER: Failover = Failover {
  refusals: 3,
  cool_down: Duration::from_secs(60),
};

#[derive(Debug)]
pub struct RouterConfig {
  pub accounts: Vec<RouterAccount>,
  pub routes: Vec<Route>,
  /// The mainland rule for routing (each account keeps its own for sending).
  pub strict_phone_region_number_check: bool,
  pub failover: Failover,
  /// The send limits (CONTRACT §9), applied once per send before routing.
  pub limits: Option<Limits>,
}

/// The most digits a prefix can have: a whole E.164 number.
const MAX_PREFIX_DIGITS: usize = 15;

pub fn parse(value: &Value) -> Result<Parsed<RouterConfig>, Vec<Issue>> {
  let mut ctx = Ctx::default();
  let Some(map) = ctx.object(Some(value), &[]) else {
    return Err(ctx.issues);
  };
  let strict = ctx.optional_bool(
    map.get("strictPhoneRegionNumberCheck"),
    &[PathSeg::from("strictPhoneRegionNumberCheck")],
  );
  // The accounts are read with the router's mainland rule (an invalid one
  // is already an issue: read them with the default meanwhile).
  let router_strict = strict.as_ref().ok().copied().flatten().unwrap_or(false);
  let accounts = providers(&mut ctx, map.get("providers"), router_strict);
  let names: Vec<&str> = accounts
    .iter()
    .map(|(entry, _)| entry.name.as_str())
    .collect();
  let routes = routes(&mut ctx, map.get("routes"), &names);
  let failover = failover(&mut ctx, map.get("failover"));
  let limits = limits::config::parse(&mut ctx, map.get("limits"), &[PathSeg::from("limits")]);

  let (Some((routes, routes_out)), Ok(strict), Ok((failover, failover_out)), Ok(limits)) =
    (routes, strict, failover, limits)
  else {
    return Err(ctx.issues);
  };
  if !ctx.issues.is_empty() {
    return Err(ctx.issues);
  }
  let mut out = Map::new();
  let mut router_accounts = Vec::with_capacity(accounts.len());
  let mut providers_out = Vec::with_capacity(accounts.len());
  for (entry, output) in accounts {
    // Every entry parsed: an entry that did not left an issue above.
    let Some(account) = entry.account else {
      return Err(ctx.issues);
    };
    router_accounts.push(account);
    providers_out.push(output);
  }
  out.insert("providers".into(), Value::Array(providers_out));
  out.insert("routes".into(), routes_out);
  keep_if_present(&mut out, map, "strictPhoneRegionNumberCheck");
  if let Some(failover_out) = failover_out {
    out.insert("failover".into(), failover_out);
  }
  let limits = limits::config::output(limits, map, &mut out);
  Ok(Parsed {
    config: RouterConfig {
      accounts: router_accounts,
      routes,
      strict_phone_region_number_check: strict.unwrap_or(false),
      failover,
      limits,
    },
    output: Value::Object(out),
  })
}

/// One `providers[]` entry as far as it could be read: its name (for the
/// routes' checks) and, when everything in it is valid, the account.
struct Entry {
  name: String,
  account: Option<RouterAccount>,
}

/// `providers`: a non-empty array of `{ name, type, config }`, names unique.
fn providers(ctx: &mut Ctx, value: Option<&Value>, router_strict: bool) -> Vec<(Entry, Value)> {
  let path = [PathSeg::from("providers")];
  let Some(items) = ctx.non_empty_array(value, &path) else {
    return Vec::new();
  };
  let mut entries: Vec<(Entry, Value)> = Vec::with_capacity(items.len());
  let mut seen = HashSet::new();
  for (index, item) in items.iter().enumerate() {
    let item_path = at(&path, index);
    let Some(entry) = provider_entry(ctx, item, &item_path, router_strict) else {
      continue;
    };
    if !seen.insert(entry.0.name.clone()) {
      ctx.push(
        "custom",
        &at(&item_path, "name"),
        format!(
          "Duplicate provider name \"{}\": every account needs its own name",
          entry.0.name
        ),
      );
      continue;
    }
    entries.push(entry);
  }
  entries
}

fn provider_entry(
  ctx: &mut Ctx,
  item: &Value,
  path: &[PathSeg],
  router_strict: bool,
) -> Option<(Entry, Value)> {
  let map = ctx.object(Some(item), path)?;
  let name = ctx.non_empty_string(map.get("name"), &at(path, "name"));
  let provider = provider_type(ctx, map.get("type"), &at(path, "type"));
  let config_path = at(path, "config");
  // Without a known type there is no guard to check the config with.
  let account = provider.and_then(|provider| {
    let parsed = account_config(
      ctx,
      provider,
      map.get("config"),
      &config_path,
      router_strict,
    )?;
    Some((provider, parsed))
  });
  let name = name?;
  let Some((provider, parsed)) = account else {
    // The name still counts for the routes: only its own entry is reported.
    return Some((
      Entry {
        name,
        account: None,
      },
      Value::Null,
    ));
  };
  let mut output = Map::new();
  output.insert("name".into(), Value::String(name.clone()));
  output.insert("type".into(), Value::String(provider.name.to_owned()));
  output.insert("config".into(), parsed.output.clone());
  let key = cool_down_key(&name, provider, &parsed.output);
  Some((
    Entry {
      name: name.clone(),
      account: Some(RouterAccount {
        name,
        provider,
        account: parsed.config,
        key,
      }),
    },
    Value::Object(output),
  ))
}

/// `type`: one of the provider types (`aliyun`, `tencent`).
fn provider_type(
  ctx: &mut Ctx,
  value: Option<&Value>,
  path: &[PathSeg],
) -> Option<&'static ProviderType> {
  let expected = provider::TYPES
    .iter()
    .map(|t| format!("'{}'", t.name))
    .collect::<Vec<_>>()
    .join(" | ");
  match value {
    Some(Value::String(name)) => {
      let found = provider::find_type(name);
      if found.is_none() {
        let shown: String = name.chars().take(40).collect();
        ctx.push(
          "invalid_enum_value",
          path,
          format!("Invalid enum value. Expected {expected}, received '{shown}'"),
        );
      }
      found
    }
    other => {
      ctx.invalid_type(path, &expected, other);
      None
    }
  }
}

/// An account's `config`, checked by its provider's own guard, its issues
/// moved under `path`. `limits` inside an account is an issue: limits apply
/// once per send, at the router's top level. So is a mainland rule other than
/// the router's: the number the limits counted and the route chose must be the
/// number the account sends to (else a number counted and allowed as +86 could
/// go out as +1, an allow-list bypass); an account without the key is read
/// with the router's.
fn account_config(
  ctx: &mut Ctx,
  provider: &ProviderType,
  value: Option<&Value>,
  path: &[PathSeg],
  router_strict: bool,
) -> Option<Parsed<Box<dyn Account>>> {
  let map = value.and_then(Value::as_object);
  let limits_inside = map
    .and_then(|map| map.get("limits"))
    .is_some_and(|limits| added(Some(limits)).is_some());
  if limits_inside {
    ctx.push(
      "custom",
      &at(path, "limits"),
      "limits belongs at the top level of the router config (it applies once per send, before routing), not inside an account",
    );
  }
  let Some(value) = value else {
    ctx.invalid_type(path, "object", None);
    return None;
  };
  let parsed = match map {
    // Read as if the account said what the router says; its output keeps
    // the key only as the input had it.
    Some(map) if added(map.get(STRICT_KEY)).is_none() => {
      let mut with_rule = map.clone();
      with_rule.insert(STRICT_KEY.into(), Value::Bool(router_strict));
      (provider.parse)(&Value::Object(with_rule)).map(|mut parsed| {
        if let Value::Object(out) = &mut parsed.output {
          out.remove(STRICT_KEY);
          keep_if_present(out, map, STRICT_KEY);
        }
        parsed
      })
    }
    _ => (provider.parse)(value),
  };
  match parsed {
    Ok(parsed) => {
      let differs = parsed.config.common().strict_phone_region_number_check != router_strict;
      if differs {
        ctx.push(
          "custom",
          &at(path, STRICT_KEY),
          format!(
            "An account's strictPhoneRegionNumberCheck must equal the router's ({router_strict}): the router decides once which country a number is in, for routing, limits and sending; remove it from the account or set both alike"
          ),
        );
      }
      (!limits_inside && !differs).then_some(parsed)
    }
    Err(issues) => {
      for mut issue in issues {
        let mut full = path.to_vec();
        full.append(&mut issue.path);
        issue.path = full;
        ctx.issues.push(issue);
      }
      None
    }
  }
}

const STRICT_KEY: &str = "strictPhoneRegionNumberCheck";

/// The account's identity for the cool-down: a digest, so no secret is kept
/// in the process-wide table.
fn cool_down_key(name: &str, provider: &ProviderType, output: &Value) -> [u8; 32] {
  let mut hasher = Sha256::new();
  for part in [name, provider.name, &output.to_string()] {
    hasher.update(part.as_bytes());
    hasher.update([0]);
  }
  hasher.finalize().into()
}

/// `routes`: a non-empty array of `{ prefixes, use }`.
fn routes(ctx: &mut Ctx, value: Option<&Value>, names: &[&str]) -> Option<(Vec<Route>, Value)> {
  let path = [PathSeg::from("routes")];
  let items = ctx.non_empty_array(value, &path)?;
  let mark = ctx.issues.len();
  let mut routes = Vec::with_capacity(items.len());
  let mut output = Vec::with_capacity(items.len());
  for (index, item) in items.iter().enumerate() {
    if let Some((route, out)) = route(ctx, item, &at(&path, index), names) {
      routes.push(route);
      output.push(out);
    }
  }
  ctx
    .is_clean_since(mark)
    .then(|| (routes, Value::Array(output)))
}

fn route(ctx: &mut Ctx, item: &Value, path: &[PathSeg], names: &[&str]) -> Option<(Route, Value)> {
  let map = ctx.object(Some(item), path)?;
  let prefixes = prefixes(ctx, map.get("prefixes"), &at(path, "prefixes"));
  let accounts = uses(ctx, map.get("use"), &at(path, "use"), names);
  let ((prefixes, prefixes_out), (accounts, use_out)) = (prefixes?, accounts?);
  let mut out = Map::new();
  out.insert("prefixes".into(), prefixes_out);
  out.insert("use".into(), use_out);
  Some((Route { prefixes, accounts }, Value::Object(out)))
}

fn prefixes(
  ctx: &mut Ctx,
  value: Option<&Value>,
  path: &[PathSeg],
) -> Option<(Vec<Prefix>, Value)> {
  let items = ctx.non_empty_array(value, path)?;
  let mark = ctx.issues.len();
  let mut prefixes = Vec::with_capacity(items.len());
  for (index, item) in items.iter().enumerate() {
    let item_path = at(path, index);
    let Some(text) = ctx.string(Some(item), &item_path) else {
      continue;
    };
    match parse_prefix(&text) {
      Some(prefix) => prefixes.push(prefix),
      None => ctx.push(
        "invalid_string",
        &item_path,
        "A prefix is 1 to 15 digits of the number in international form, without + (\"86\", \"852\", \"1\"), or \"*\" for any number",
      ),
    }
  }
  let output = prefixes
    .iter()
    .map(|p| match p {
      Prefix::Any => Value::String("*".into()),
      Prefix::Digits(d) => Value::String(d.clone()),
    })
    .collect();
  ctx
    .is_clean_since(mark)
    .then_some((prefixes, Value::Array(output)))
}

pub fn parse_prefix(text: &str) -> Option<Prefix> {
  if text == "*" {
    return Some(Prefix::Any);
  }
  ((1..=MAX_PREFIX_DIGITS).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
    .then(|| Prefix::Digits(text.to_owned()))
}

/// `use`: a non-empty array of names from `providers`.
fn uses(
  ctx: &mut Ctx,
  value: Option<&Value>,
  path: &[PathSeg],
  names: &[&str],
) -> Option<(Vec<usize>, Value)> {
  let items = ctx.non_empty_array(value, path)?;
  let mark = ctx.issues.len();
  let mut accounts = Vec::with_capacity(items.len());
  let mut output = Vec::with_capacity(items.len());
  for (index, item) in items.iter().enumerate() {
    let item_path = at(path, index);
    let Some(name) = ctx.string(Some(item), &item_path) else {
      continue;
    };
    match names.iter().position(|known| *known == name) {
      Some(position) if accounts.contains(&position) => {
        let shown: String = name.chars().take(40).collect();
        ctx.push(
          "custom",
          &item_path,
          format!("\"{shown}\" is listed twice in this route's use: each account is tried at most once per send"),
        );
      }
      Some(position) => {
        accounts.push(position);
        output.push(Value::String(name));
      }
      None => {
        let shown: String = name.chars().take(40).collect();
        ctx.push(
          "custom",
          &item_path,
          format!("No provider named \"{shown}\": use names the accounts of providers"),
        );
      }
    }
  }
  ctx
    .is_clean_since(mark)
    .then_some((accounts, Value::Array(output)))
}

/// `failover`: optional `{ refusals, coolDownSeconds }`, integers ≥ 1, the
/// defaults filled in the output when the object is given.
fn failover(ctx: &mut Ctx, value: Option<&Value>) -> Result<(Failover, Option<Value>), Reported> {
  let path = [PathSeg::from("failover")];
  if value.is_none_or(|v| v.is_null() || js_type(Some(v)) == "undefined") {
    return Ok((DEFAULT_FAILOVER, None));
  }
  let map = ctx.object(value, &path).ok_or(Reported)?;
  let refusals = ctx.added_positive_integer(map.get("refusals"), &at(&path, "refusals"), None);
  let cool_down = ctx.added_positive_integer(
    map.get("coolDownSeconds"),
    &at(&path, "coolDownSeconds"),
    None,
  );
  let (refusals, cool_down) = (refusals?, cool_down?);
  let refusals = refusals.unwrap_or(u64::from(DEFAULT_FAILOVER.refusals));
  let cool_down = cool_down.unwrap_or(DEFAULT_FAILOVER.cool_down.as_secs());
  let mut out = Map::new();
  out.insert("refusals".into(), Value::from(refusals));
  out.insert("coolDownSeconds".into(), Value::from(cool_down));
  Ok((
    Failover {
      refusals: u32::try_from(refusals).unwrap_or(u32::MAX),
      cool_down: Duration::from_secs(cool_down),
    },
    Some(Value::Object(out)),
  ))
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::provider::test_support::templates;
  use serde_json::json;

  fn aliyun(secret: &str) -> Value {
    json!({ "accessKeyId": "id", "accessKeySecret": secret, "signName": "s", "templates": templates() })
  }

  fn tencent(secret: &str) -> Value {
    json!({
      "accessKeyId": "id", "accessKeySecret": secret, "signName": "s",
      "sdkAppId": "1400000000", "region": "ap-guangzhou", "templates": templates(),
    })
  }

  fn valid() -> Value {
    json!({
      "providers": [
        { "name": "aliyun-cn", "type": "aliyun", "config": aliyun("MARKER-a") },
        { "name": "tencent", "type": "tencent", "config": tencent("MARKER-t") },
      ],
      "routes": [
        { "prefixes": ["86"], "use": ["aliyun-cn", "tencent"] },
        { "prefixes": ["*"], "use": ["tencent"] },
      ],
    })
  }

  /// `base` with the value at `pointer` set (an object's key is added).
  fn with(mut base: Value, pointer: &str, value: Value) -> Value {
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    match base.pointer_mut(parent) {
      Some(Value::Object(map)) => {
        map.insert(last.to_owned(), value);
      }
      Some(Value::Array(items)) => match last.parse::<usize>() {
        Ok(index) if index < items.len() => items[index] = value,
        _ => panic!("no index {pointer}"),
      },
      _ => panic!("no parent for {pointer}"),
    }
    base
  }

  /// The `(path, code)` pairs of a verdict, paths as JSON text.
  fn issues(input: &Value) -> Vec<(String, &'static str)> {
    match parse(input) {
      Ok(_) => Vec::new(),
      Err(issues) => issues
        .iter()
        .map(|i| (serde_json::to_string(&i.path).unwrap_or_default(), i.code))
        .collect(),
    }
  }

  fn pairs(expected: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
    expected
      .iter()
      .map(|(p, c)| ((*p).to_owned(), *c))
      .collect()
  }

  #[test]
  fn a_valid_config_and_its_output() {
    let Ok(parsed) = parse(&valid()) else {
      panic!("valid config")
    };
    let config = parsed.config;
    assert_eq!(config.accounts.len(), 2);
    assert_eq!(config.accounts[0].provider.name, "aliyun");
    assert_eq!(config.routes[0].accounts, vec![0, 1]);
    assert_eq!(config.routes[1].prefixes, vec![Prefix::Any]);
    assert_eq!(config.failover, DEFAULT_FAILOVER);
    assert!(!config.strict_phone_region_number_check);
    // The accounts' own guard output; no failover key when none was given.
    assert_eq!(
      parsed.output["providers"][0]["config"]["templates"][0]["type"],
      2
    );
    assert_eq!(parsed.output["routes"], valid()["routes"]);
    assert!(parsed.output.get("failover").is_none());
  }

  #[test]
  fn unknown_keys_are_dropped_and_failover_defaults_filled() {
    let mut input = valid();
    input["extra"] = json!(1);
    input["failover"] = json!({ "refusals": 5 });
    input["strictPhoneRegionNumberCheck"] = json!(true);
    input["routes"][0]["note"] = json!("x");
    let Ok(parsed) = parse(&input) else {
      panic!("valid config")
    };
    assert!(parsed.output.get("extra").is_none());
    assert!(parsed.output["routes"][0].get("note").is_none());
    assert_eq!(
      parsed.output["failover"],
      json!({ "refusals": 5, "coolDownSeconds": 60 })
    );
    assert_eq!(parsed.output["strictPhoneRegionNumberCheck"], true);
    assert_eq!(parsed.config.failover.refusals, 5);
    assert!(parsed.config.strict_phone_region_number_check);
  }

  #[test]
  fn an_account_config_is_checked_by_its_own_guard_under_its_path() {
    let input = with(valid(), "/providers/1/config/sdkAppId", json!(5));
    let input = with(input, "/providers/0/config/templates", json!([]));
    assert_eq!(
      issues(&input),
      pairs(&[
        (r#"["providers",0,"config","templates"]"#, "custom"),
        (r#"["providers",1,"config","sdkAppId"]"#, "invalid_type"),
      ])
    );
    let input = with(valid(), "/providers/0/config/site", json!("moon"));
    assert_eq!(
      issues(&input),
      pairs(&[(r#"["providers",0,"config","site"]"#, "invalid_enum_value")])
    );
    // A Tencent config under type aliyun is checked by the Aliyun guard: it passes
    // (unknown keys dropped); an Aliyun config under tencent lacks two keys.
    let input = with(valid(), "/providers/1/type", json!("aliyun"));
    assert_eq!(issues(&input), pairs(&[]));
    let input = with(valid(), "/providers/0/type", json!("tencent"));
    assert_eq!(
      issues(&input),
      pairs(&[
        (r#"["providers",0,"config","sdkAppId"]"#, "invalid_type"),
        (r#"["providers",0,"config","region"]"#, "invalid_type"),
      ])
    );
    let input = with(valid(), "/providers/0/config", json!("x"));
    assert_eq!(
      issues(&input),
      pairs(&[(r#"["providers",0,"config"]"#, "invalid_type")])
    );
  }

  #[test]
  fn limits_inside_an_account_is_an_issue() {
    let input = with(
      valid(),
      "/providers/1/config/limits",
      json!({ "global": { "max": 1, "windowSeconds": 60 } }),
    );
    assert_eq!(
      issues(&input),
      pairs(&[(r#"["providers",1,"config","limits"]"#, "custom")])
    );
  }

  #[test]
  fn names_types_routes_and_prefixes() {
    let input = with(valid(), "/providers/1/name", json!("aliyun-cn"));
    assert_eq!(
      issues(&input),
      pairs(&[
        (r#"["providers",1,"name"]"#, "custom"),
        // The second entry is not an account any more: "tencent" is unknown.
        (r#"["routes",0,"use",1]"#, "custom"),
        (r#"["routes",1,"use",0]"#, "custom"),
      ])
    );
    let input = with(valid(), "/providers/0/type", json!("twilio"));
    assert_eq!(
      issues(&input),
      pairs(&[(r#"["providers",0,"type"]"#, "invalid_enum_value")])
    );
    let input = with(valid(), "/providers/0/name", json!(""));
    assert_eq!(
      issues(&input),
      pairs(&[
        (r#"["providers",0,"name"]"#, "too_small"),
        (r#"["routes",0,"use",0]"#, "custom"),
      ])
    );
    let input = with(valid(), "/routes/0/use", json!([]));
    assert_eq!(
      issues(&input),
      pairs(&[(r#"["routes",0,"use"]"#, "too_small")])
    );
    let input = with(valid(), "/routes/1/use/0", json!("nobody"));
    assert_eq!(
      issues(&input),
      pairs(&[(r#"["routes",1,"use",0]"#, "custom")])
    );
    for bad in [
      json!("+86"),
      json!(""),
      json!("8a"),
      json!("1234567890123456"),
      json!("**"),
    ] {
      let input = with(valid(), "/routes/0/prefixes/0", bad.clone());
      assert_eq!(
        issues(&input),
        pairs(&[(r#"["routes",0,"prefixes",0]"#, "invalid_string")]),
        "{bad}"
      );
    }
    let input = with(valid(), "/routes/0/prefixes/0", json!(86));
    assert_eq!(
      issues(&input),
      pairs(&[(r#"["routes",0,"prefixes",0]"#, "invalid_type")])
    );
    let input = with(valid(), "/routes/0/prefixes/0", json!("123456789012345"));
    assert_eq!(issues(&input), pairs(&[]));
    let input = with(valid(), "/routes", json!([]));
    assert_eq!(issues(&input), pairs(&[(r#"["routes"]"#, "too_small")]));
    assert_eq!(
      issues(&json!({})),
      pairs(&[
        (r#"["providers"]"#, "invalid_type"),
        (r#"["routes"]"#, "invalid_type"),
      ])
    );
    assert_eq!(issues(&json!([])), pairs(&[("[]", "invalid_type")]));
  }

  #[test]
  fn limits_at_the_top_level_are_checked_by_the_limits_guard() {
    let limits = json!({ "countries": { "allow": ["86"] }, "global": { "max": 5, "windowSeconds": 60 }, "x": 1 });
    let Ok(parsed) = parse(&with(valid(), "/limits", limits)) else {
      panic!("valid limits")
    };
    assert!(parsed.config.limits.is_some());
    assert_eq!(
      parsed.output["limits"],
      json!({ "countries": { "allow": ["86"] }, "global": { "max": 5, "windowSeconds": 60 } })
    );
    let bad = with(
      valid(),
      "/limits",
      json!({ "global": { "max": 0, "windowSeconds": 60 } }),
    );
    assert_eq!(
      issues(&bad),
      pairs(&[(r#"["limits","global","max"]"#, "too_small")])
    );
    for unset in [json!(null), json!("")] {
      let Ok(parsed) = parse(&with(valid(), "/limits", unset.clone())) else {
        panic!("unset limits")
      };
      assert!(parsed.config.limits.is_none(), "{unset}");
      // Inside an account the same unset values are no issue either.
      assert_eq!(
        issues(&with(valid(), "/providers/0/config/limits", unset.clone())),
        pairs(&[])
      );
    }
  }

  #[test]
  fn failover_numbers() {
    for (failover, expected) in [
      (
        json!({ "refusals": 0 }),
        vec![(r#"["failover","refusals"]"#, "too_small")],
      ),
      (
        json!({ "coolDownSeconds": 1.5 }),
        vec![(r#"["failover","coolDownSeconds"]"#, "invalid_type")],
      ),
      (
        json!({ "coolDownSeconds": "60" }),
        vec![(r#"["failover","coolDownSeconds"]"#, "invalid_type")],
      ),
      (json!(3), vec![(r#"["failover"]"#, "invalid_type")]),
      (json!({ "refusals": 1, "coolDownSeconds": 1 }), vec![]),
      (json!(null), vec![]),
    ] {
      let input = with(valid(), "/failover", failover.clone());
      assert_eq!(issues(&input), pairs(&expected), "{failover}");
    }
  }

  #[test]
  fn debug_hides_every_accounts_secret() {
    let Ok(parsed) = parse(&valid()) else {
      panic!("valid config")
    };
    let debug = format!("{:?}", parsed.config);
    assert!(debug.contains("aliyun-cn"), "{debug}");
    assert!(!debug.contains("MARKER"), "{debug}");
    let debug = format!("{parsed:?}");
    assert!(!debug.contains("MARKER"), "{debug}");
  }

  #[test]
  fn issues_never_repeat_a_secret() {
    let input = with(valid(), "/providers/0/config/templates", json!("MARKER-x"));
    let input = with(input, "/providers/1/config/accessKeyId", json!(7));
    let Err(issues) = parse(&input) else {
      panic!("invalid config")
    };
    let text = serde_json::to_string(&issues).unwrap_or_default();
    assert!(!text.contains("MARKER"), "{text}");
  }

  #[test]
  fn a_changed_account_config_is_another_account_for_the_cool_down() {
    let key = |input: &Value| match parse(input) {
      Ok(parsed) => parsed.config.accounts[0].key,
      Err(issues) => panic!("{issues:?}"),
    };
    let base = key(&valid());
    assert_eq!(base, key(&valid()));
    assert_ne!(
      base,
      key(&with(valid(), "/providers/0/config/signName", json!("t")))
    );
    assert_ne!(
      base,
      key(&with(
        with(valid(), "/providers/0/name", json!("other")),
        "/routes/0/use/0",
        json!("other")
      ))
    );
  }
}
