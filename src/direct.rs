//! The direct connectors' config: one provider account and the send limits
//! (CONTRACT §3 and §9) in one object.
//!
//! This module sits above both guards it joins: the provider guards
//! (`config::aliyun`, `config::tencent`) know nothing of `limits`, and the
//! limits guard (`limits::config`) knows nothing of providers. The router
//! joins its own accounts and the same limits guard in `router::config`.

use serde_json::Value;

use crate::config::cache::ConfigCache;
use crate::config::{Ctx, Issue, Parsed, PathSeg};
use crate::limits::{self, Limits};
use crate::provider::{self, Account, ProviderType};

/// A direct connector's validated config. `A` is the account: a boxed
/// `Account` on the send path, the provider's own config type where a caller
/// needs it (the doctor).
#[derive(Debug)]
pub struct DirectConfig<A = Box<dyn Account>> {
  pub account: A,
  /// `None`: no limits.
  pub limits: Option<Limits>,
}

/// A direct connector: its provider and the last config it read (Logto
/// passes the same one to every send).
pub struct Direct {
  pub provider: &'static ProviderType,
  configs: ConfigCache<DirectConfig>,
}

impl Direct {
  const fn new(provider: &'static ProviderType) -> Direct {
    Direct {
      provider,
      configs: ConfigCache::new(),
    }
  }

  /// The config in `text`, parsed once per distinct text.
  pub fn config(&self, text: &str) -> Result<std::sync::Arc<DirectConfig>, Vec<Issue>> {
    self.configs.get_or_parse(text, |text| {
      crate::config::read_json(text)
        .and_then(|value| parse(&value, self.provider.parse))
        .map(|parsed| parsed.config)
    })
  }
}

pub static ALIYUN: Direct = Direct::new(&provider::aliyun::TYPE);
pub static TENCENT: Direct = Direct::new(&provider::tencent::TYPE);

/// The provider's guard and the limits guard over one config object. Their
/// issues accumulate (the provider's first); the output is the provider's
/// with `limits` last, validated, or the `null`/`""` given.
pub fn parse<A>(
  value: &Value,
  parse_account: impl FnOnce(&Value) -> Result<Parsed<A>, Vec<Issue>>,
) -> Result<Parsed<DirectConfig<A>>, Vec<Issue>> {
  let account = parse_account(value);
  let mut ctx = Ctx::default();
  // A config that is not an object is the provider guard's one issue.
  let map = value.as_object();
  let limits = limits::config::parse(
    &mut ctx,
    map.and_then(|map| map.get("limits")),
    &[PathSeg::from("limits")],
  );
  match (account, limits, map) {
    (Ok(mut parsed), Ok(limits), Some(map)) if ctx.issues.is_empty() => {
      let limits = match &mut parsed.output {
        Value::Object(out) => limits::config::output(limits, map, out),
        _ => limits.map(|(limits, _)| limits),
      };
      Ok(Parsed {
        config: DirectConfig {
          account: parsed.config,
          limits,
        },
        output: parsed.output,
      })
    }
    (account, ..) => {
      let mut issues = account.err().unwrap_or_default();
      issues.extend(ctx.issues);
      Err(issues)
    }
  }
}

#[cfg(test)]
mod tests {
  use serde_json::json;

  use super::*;
  use crate::config::{aliyun, tencent};

  fn tencent_config() -> Value {
    let templates: Vec<_> = ["Register", "SignIn", "ForgotPassword", "Generic"]
      .iter()
      .map(|u| json!({ "usageType": u, "templateCode": "1" }))
      .collect();
    json!({
      "accessKeyId": "id", "accessKeySecret": "secret", "signName": "sign",
      "sdkAppId": "1400000000", "region": "ap-guangzhou", "templates": templates,
    })
  }

  fn paths(result: Result<Parsed<DirectConfig<impl std::fmt::Debug>>, Vec<Issue>>) -> Vec<String> {
    match result {
      Ok(parsed) => panic!("expected issues, got {parsed:?}"),
      Err(issues) => issues
        .iter()
        .map(|issue| serde_json::to_string(&issue.path).unwrap_or_default())
        .collect(),
    }
  }

  #[test]
  fn provider_and_limits_issues_accumulate_provider_first() {
    let mut config = tencent_config();
    config["signName"] = json!(1);
    config["limits"] = json!({ "global": { "max": 0, "windowSeconds": 60 } });
    assert_eq!(
      paths(parse(&config, tencent::parse)),
      [r#"["signName"]"#, r#"["limits","global","max"]"#]
    );
  }

  #[test]
  fn limits_come_last_in_the_output_validated_or_as_given_when_unset() {
    let mut config = tencent_config();
    config["limits"] = json!({ "global": { "max": 5, "windowSeconds": 60 }, "x": 1 });
    let Ok(parsed) = parse(&config, tencent::parse) else {
      panic!("valid")
    };
    assert!(parsed.config.limits.is_some());
    let keys: Vec<&String> = parsed
      .output
      .as_object()
      .map(|o| o.keys().collect())
      .unwrap_or_default();
    assert_eq!(keys.last().map(|k| k.as_str()), Some("limits"));
    assert_eq!(
      parsed.output["limits"],
      json!({ "global": { "max": 5, "windowSeconds": 60 } })
    );
    for unset in [json!(null), json!("")] {
      config["limits"] = unset.clone();
      let Ok(parsed) = parse(&config, tencent::parse) else {
        panic!("valid")
      };
      assert!(parsed.config.limits.is_none());
      assert_eq!(parsed.output["limits"], unset);
    }
  }

  #[test]
  fn the_provider_guards_alone_know_nothing_of_limits() {
    let mut config = tencent_config();
    config["limits"] = json!({ "global": { "max": 0 } });
    let Ok(parsed) = tencent::parse(&config) else {
      panic!("the provider guard ignores limits")
    };
    assert!(parsed.output.get("limits").is_none());
  }

  #[test]
  fn a_config_that_is_not_an_object_is_one_issue() {
    for value in [json!([]), json!("x"), json!(null)] {
      assert_eq!(paths(parse(&value, aliyun::parse)), ["[]"], "{value}");
    }
  }
}
