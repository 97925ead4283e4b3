//! Aliyun config: the official keys with the official guard's verdicts, plus
//! the added `endpoint` and `timeoutMs`, and the international-site keys of
//! CONTRACT §7: `site`, `senderId` and `templates[].message` (the last one is
//! read with the templates, in `shared`).

use reqwest::Url;
use serde_json::Value;

use super::shared::{self, Common, Schema, TemplateShape};
use super::{added, keep_if_present};
use super::{js_type, Ctx, Issue, Parsed, PathSeg, Reported};

pub const DEFAULT_ENDPOINT: &str = "https://dysmsapi.aliyuncs.com/";
/// Where international-site (alibabacloud.com) accounts send: Dysmsapi 2018-05-01.
pub const INTERNATIONAL_DEFAULT_ENDPOINT: &str = "https://dysmsapi.ap-southeast-1.aliyuncs.com/";

/// Which Alibaba Cloud site the account was opened on: it decides the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
  /// aliyun.com: `SendSms` 2017-05-25 for every destination.
  China,
  /// alibabacloud.com: `SendMessageWithTemplate` (mainland) and
  /// `SendMessageToGlobe` (everywhere else), 2018-05-01.
  International,
}

impl Site {
  /// `RegionId` when the endpoint's host does not name a region.
  pub fn default_region_id(self) -> &'static str {
    match self {
      Site::China => "cn-hangzhou",
      Site::International => "ap-southeast-1",
    }
  }
}

#[derive(Debug)]
pub struct AliyunConfig {
  pub common: Common,
  pub site: Site,
  /// `From` of `SendMessageToGlobe`; none = the provider's default sender.
  pub sender_id: Option<String>,
  /// `RegionId`, worked out once from the endpoint and the site.
  pub region_id: String,
}

fn missing_usage_types(missing: &[&str]) -> String {
  format!(
    "UsageType ({}) should be provided in templates.",
    missing.join(", ")
  )
}

const CHINA_SCHEMA: Schema<0> = Schema {
  template_shape: TemplateShape::AliyunWithType,
  missing_usage_types,
  own_strings: [],
  default_endpoint: DEFAULT_ENDPOINT,
};

/// The same guard; only the default endpoint follows the site.
const INTERNATIONAL_SCHEMA: Schema<0> = Schema {
  default_endpoint: INTERNATIONAL_DEFAULT_ENDPOINT,
  ..CHINA_SCHEMA
};

pub fn parse(value: &Value) -> Result<Parsed<AliyunConfig>, Vec<Issue>> {
  // The added top-level keys are checked beside the shared ones, so their
  // issues accumulate with the official keys' issues, as zod's would. A config
  // that is not an object is reported by `shared::parse` alone.
  let mut ctx = Ctx::default();
  let map = match value {
    Value::Object(map) if js_type(Some(value)) == "object" => Some(map),
    _ => None,
  };
  let site = map.map_or(Ok(Site::China), |m| site(&mut ctx, m.get("site")));
  let sender_id = map.map_or(Ok(None), |m| sender_id(&mut ctx, m.get("senderId")));
  let schema = match site {
    Ok(Site::International) => &INTERNATIONAL_SCHEMA,
    _ => &CHINA_SCHEMA,
  };
  let shared = shared::parse(value, schema);

  match (shared, site, sender_id, map) {
    (Ok((common, _, mut output)), Ok(site), Ok(sender_id), Some(map)) if ctx.issues.is_empty() => {
      if let Value::Object(out) = &mut output {
        keep_if_present(out, map, "site");
        keep_if_present(out, map, "senderId");
      }
      let region_id = region_id(&common.endpoint, site);
      Ok(Parsed {
        config: AliyunConfig {
          common,
          site,
          sender_id,
          region_id,
        },
        output,
      })
    }
    (shared, ..) => {
      let mut issues = shared.err().unwrap_or_default();
      issues.extend(ctx.issues);
      Err(issues)
    }
  }
}

/// `site`: `"china"` (default) or `"international"`; `""` and `null` also
/// mean the default, as an emptied console field may save them.
fn site(ctx: &mut Ctx, value: Option<&Value>) -> Result<Site, Reported> {
  let path = [PathSeg::from("site")];
  match added(value) {
    None => Ok(Site::China),
    Some(Value::String(text)) => match text.as_str() {
      "china" => Ok(Site::China),
      "international" => Ok(Site::International),
      other => {
        let shown: String = other.chars().take(40).collect();
        ctx.push(
          "invalid_enum_value",
          &path,
          format!("Invalid enum value. Expected 'china' | 'international', received '{shown}'"),
        );
        Err(Reported)
      }
    },
    other => {
      ctx.invalid_type(&path, "'china' | 'international'", other);
      Err(Reported)
    }
  }
}

/// `senderId`: up to 11 letters and digits, or up to 15 digits (the
/// `SendMessageToGlobe` `From` rule). `""` and `null` mean none.
fn sender_id(ctx: &mut Ctx, value: Option<&Value>) -> Result<Option<String>, Reported> {
  let path = [PathSeg::from("senderId")];
  match ctx.added_string(value, &path)? {
    None => Ok(None),
    Some(text) if is_sender_id(&text) => Ok(Some(text)),
    Some(_) => {
      ctx.push(
        "custom",
        &path,
        "senderId must be up to 11 letters and digits, or up to 15 digits",
      );
      Err(Reported)
    }
  }
}

fn is_sender_id(text: &str) -> bool {
  let digits_only = text.bytes().all(|b| b.is_ascii_digit());
  let alphanumeric = text.bytes().all(|b| b.is_ascii_alphanumeric());
  let limit = if digits_only { 15 } else { 11 };
  alphanumeric && (1..=limit).contains(&text.len())
}

/// `RegionId`: the region an endpoint `dysmsapi.<region>.aliyuncs.com` names,
/// else the site's own (the China default endpoint names none, so a China-site
/// request keeps `cn-hangzhou`; loopback and relay endpoints get the site's).
pub fn region_id(endpoint: &Url, site: Site) -> String {
  endpoint
    .host_str()
    .and_then(|host| host.strip_prefix("dysmsapi."))
    .and_then(|rest| rest.strip_suffix(".aliyuncs.com"))
    .filter(|region| {
      !region.is_empty()
        && region
          .bytes()
          .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
    .unwrap_or(site.default_region_id())
    .to_owned()
}

#[cfg(test)]
mod tests {
  use super::*;
  use serde_json::json;

  /// The guard's output keys this module adds, for tests.
  fn added(output: &Value) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    for key in ["site", "senderId"] {
      if let Some(v) = output.get(key) {
        map.insert(key.to_owned(), v.clone());
      }
    }
    map
  }

  fn config(extra: Value) -> Value {
    let templates: Vec<Value> = ["Register", "SignIn", "ForgotPassword", "Generic"]
      .iter()
      .map(|u| json!({ "usageType": u, "templateCode": "SMS_1" }))
      .collect();
    let mut base = json!({ "accessKeyId": "id", "accessKeySecret": "s", "signName": "Logto", "templates": templates });
    if let (Value::Object(base), Value::Object(extra)) = (&mut base, extra) {
      base.extend(extra);
    }
    base
  }

  fn pairs(result: Result<Parsed<AliyunConfig>, Vec<Issue>>) -> Vec<(String, &'static str)> {
    let mut pairs: Vec<_> = result
      .err()
      .unwrap_or_default()
      .into_iter()
      .map(|i| (serde_json::to_string(&i.path).unwrap_or_default(), i.code))
      .collect();
    pairs.sort();
    pairs
  }

  #[test]
  fn china_is_the_default_and_the_output_gains_nothing() {
    let Ok(parsed) = parse(&config(json!({}))) else {
      panic!("parses")
    };
    assert_eq!(parsed.config.site, Site::China);
    assert_eq!(parsed.config.region_id, "cn-hangzhou");
    assert_eq!(parsed.config.common.endpoint.as_str(), DEFAULT_ENDPOINT);
    assert!(added(&parsed.output).is_empty());
    assert!(parsed
      .config
      .common
      .templates
      .iter()
      .all(|t| t.message.is_none()));
  }

  #[test]
  fn international_site_defaults_to_its_own_endpoint_and_region() {
    let input = config(json!({ "site": "international", "senderId": "Logto" }));
    let Ok(parsed) = parse(&input) else {
      panic!("parses")
    };
    assert_eq!(parsed.config.site, Site::International);
    assert_eq!(
      parsed.config.common.endpoint.as_str(),
      INTERNATIONAL_DEFAULT_ENDPOINT
    );
    assert_eq!(parsed.config.region_id, "ap-southeast-1");
    assert_eq!(parsed.config.sender_id.as_deref(), Some("Logto"));
    assert_eq!(
      added(&parsed.output),
      json!({ "site": "international", "senderId": "Logto" })
        .as_object()
        .cloned()
        .unwrap_or_default()
    );
  }

  #[test]
  fn region_follows_the_endpoint_host() {
    let cases = [
      ("https://dysmsapi.aliyuncs.com/", Site::China, "cn-hangzhou"),
      (
        "https://dysmsapi.aliyuncs.com/",
        Site::International,
        "ap-southeast-1",
      ),
      (
        "https://dysmsapi.ap-southeast-1.aliyuncs.com/",
        Site::China,
        "ap-southeast-1",
      ),
      (
        "https://dysmsapi.eu-central-1.aliyuncs.com/",
        Site::International,
        "eu-central-1",
      ),
      (
        "https://DYSMSAPI.AP-SOUTHEAST-5.ALIYUNCS.COM/",
        Site::International,
        "ap-southeast-5",
      ),
      ("http://127.0.0.1:9/", Site::China, "cn-hangzhou"),
      ("http://127.0.0.1:9/", Site::International, "ap-southeast-1"),
      (
        "https://dysmsapi-xman.vpc-proxy.aliyuncs.com/",
        Site::International,
        "ap-southeast-1",
      ),
      (
        "https://dysmsapi.a.b.aliyuncs.com/",
        Site::China,
        "cn-hangzhou",
      ),
      (
        "https://relay.example.com/dysmsapi.cn-beijing.aliyuncs.com",
        Site::China,
        "cn-hangzhou",
      ),
    ];
    for (url, site, expected) in cases {
      let Ok(url) = Url::parse(url) else {
        panic!("{url}")
      };
      assert_eq!(region_id(&url, site), expected, "{url} {site:?}");
    }
  }

  #[test]
  fn added_keys_accept_their_empty_forms() {
    for extra in [
      json!({ "site": "" }),
      json!({ "site": null }),
      json!({ "site": "china" }),
      json!({ "senderId": "" }),
      json!({ "senderId": null }),
    ] {
      let parsed = parse(&config(extra.clone()));
      let Ok(parsed) = parsed else {
        panic!("{extra}")
      };
      assert_eq!(parsed.config.site, Site::China, "{extra}");
      assert_eq!(parsed.config.sender_id, None, "{extra}");
      // Echoed as given, like `endpoint`.
      let Some((key, value)) = extra.as_object().and_then(|m| m.iter().next()) else {
        panic!("one key")
      };
      assert_eq!(parsed.output.get(key), Some(value), "{extra}");
    }
  }

  #[test]
  fn sender_id_rule() {
    for good in [
      "A",
      "Logto",
      "Logto123456",
      "12345678901",
      "123456789012345",
    ] {
      assert!(is_sender_id(good), "{good}");
    }
    for bad in [
      "Logto1234567",
      "1234567890123456",
      "Log to",
      "Logto!",
      "Lögto",
      "+12345",
    ] {
      assert!(!is_sender_id(bad), "{bad}");
    }
  }

  #[test]
  fn added_keys_are_checked_and_accumulate_with_official_issues() {
    assert_eq!(
      pairs(parse(&config(json!({ "site": "global" })))),
      [(r#"["site"]"#.to_owned(), "invalid_enum_value")]
    );
    assert_eq!(
      pairs(parse(&config(json!({ "site": true })))),
      [(r#"["site"]"#.to_owned(), "invalid_type")]
    );
    assert_eq!(
      pairs(parse(&config(json!({ "senderId": "Logto-Auth" })))),
      [(r#"["senderId"]"#.to_owned(), "custom")]
    );
    assert_eq!(
      pairs(parse(&config(json!({ "senderId": 12345 })))),
      [(r#"["senderId"]"#.to_owned(), "invalid_type")]
    );
    let mut input = config(json!({ "site": 1, "senderId": "x y", "signName": 5 }));
    input["templates"][0]["message"] = json!("no placeholder");
    input["templates"][1]["message"] = json!(7);
    assert_eq!(
      pairs(parse(&input)),
      [
        (r#"["senderId"]"#.to_owned(), "custom"),
        (r#"["signName"]"#.to_owned(), "invalid_type"),
        (r#"["site"]"#.to_owned(), "invalid_type"),
        (r#"["templates",0,"message"]"#.to_owned(), "custom"),
        (r#"["templates",1,"message"]"#.to_owned(), "invalid_type"),
      ]
    );
  }

  #[test]
  fn template_message_is_kept_only_when_given() {
    let mut input = config(json!({}));
    input["templates"][0]["message"] = json!("Your code is {code}. {code} expires in 5 minutes.");
    input["templates"][1]["message"] = Value::Null;
    let Ok(parsed) = parse(&input) else {
      panic!("parses")
    };
    let templates = &parsed.config.common.templates;
    assert_eq!(
      templates[0].message.as_deref(),
      Some("Your code is {code}. {code} expires in 5 minutes.")
    );
    assert_eq!(templates[1].message, None);
    assert_eq!(
      parsed.output["templates"][0]["message"],
      input["templates"][0]["message"]
    );
    assert_eq!(
      parsed.output["templates"][1].get("message"),
      Some(&Value::Null)
    );
    assert_eq!(parsed.output["templates"][2].get("message"), None);
    // Tencent templates have no `message`: dropped like any unknown key.
    let mut tencent = input.clone();
    tencent["sdkAppId"] = json!("1400000000");
    tencent["region"] = json!("ap-guangzhou");
    let Ok(parsed) = super::super::tencent::parse(&tencent) else {
      panic!("tencent parses")
    };
    assert_eq!(parsed.output["templates"][0].get("message"), None);
  }
}
