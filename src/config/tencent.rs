//! Tencent config: the official keys with the official guard's verdicts, plus
//! `templateCode` as `{ china, overseas }`, `strictPhoneRegionNumberCheck`,
//! `endpoint` and `timeoutMs`.

use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;
use serde_json::{Map, Value};

use super::shared::{self, TemplateShape, DEFAULT_TIMEOUT_MS};
use super::{Ctx, Issue, Parsed, PathSeg};
use crate::template::Template;

pub const DEFAULT_ENDPOINT: &str = "https://sms.tencentcloudapi.com/";

#[derive(Debug)]
pub struct TencentConfig {
  pub access_key_id: String,
  pub access_key_secret: SecretString,
  pub sign_name: String,
  pub sdk_app_id: String,
  pub region: String,
  pub templates: Vec<Template>,
  pub strict_phone_region_number_check: bool,
  pub endpoint: Url,
  pub timeout: Duration,
}

pub fn parse(value: &Value) -> Result<Parsed<TencentConfig>, Vec<Issue>> {
  let mut ctx = Ctx::default();
  let Some(map) = ctx.object(Some(value), &[]) else {
    return Err(ctx.issues);
  };
  let key = |k: &str| vec![PathSeg::from(k)];
  let access_key_id = ctx.string(map.get("accessKeyId"), &key("accessKeyId"));
  let access_key_secret = ctx.string(map.get("accessKeySecret"), &key("accessKeySecret"));
  let sign_name = ctx.string(map.get("signName"), &key("signName"));
  let sdk_app_id = ctx.string(map.get("sdkAppId"), &key("sdkAppId"));
  let region = ctx.string(map.get("region"), &key("region"));
  let templates = shared::templates(
    &mut ctx,
    map.get("templates"),
    TemplateShape::Plain,
    |missing| {
      format!(
        "Template with UsageType ({}) should be provided!",
        missing.join(", ")
      )
    },
  );
  let strict = ctx.optional_bool(
    map.get("strictPhoneRegionNumberCheck"),
    &key("strictPhoneRegionNumberCheck"),
  );
  let endpoint = shared::endpoint(&mut ctx, map.get("endpoint"));
  let timeout = shared::timeout_ms(&mut ctx, map.get("timeoutMs"));

  let (
    Some(access_key_id),
    Some(access_key_secret),
    Some(sign_name),
    Some(sdk_app_id),
    Some(region),
    Some((templates, templates_out)),
    Ok(strict),
    Ok(endpoint),
    Ok(timeout),
  ) = (
    access_key_id,
    access_key_secret,
    sign_name,
    sdk_app_id,
    region,
    templates,
    strict,
    endpoint,
    timeout,
  )
  else {
    return Err(ctx.issues);
  };

  let mut out = Map::new();
  out.insert("accessKeyId".into(), Value::String(access_key_id.clone()));
  out.insert(
    "accessKeySecret".into(),
    Value::String(access_key_secret.clone()),
  );
  out.insert("signName".into(), Value::String(sign_name.clone()));
  out.insert("sdkAppId".into(), Value::String(sdk_app_id.clone()));
  out.insert("region".into(), Value::String(region.clone()));
  out.insert("templates".into(), templates_out);
  shared::keep_if_present(&mut out, map, "strictPhoneRegionNumberCheck");
  shared::keep_if_present(&mut out, map, "endpoint");
  shared::keep_if_present(&mut out, map, "timeoutMs");

  let endpoint = match endpoint {
    Some(url) => url,
    None => Url::parse(DEFAULT_ENDPOINT).map_err(|_| ctx.issues.clone())?,
  };
  Ok(Parsed {
    config: TencentConfig {
      access_key_id,
      access_key_secret: SecretString::from(access_key_secret),
      sign_name,
      sdk_app_id,
      region,
      templates,
      strict_phone_region_number_check: strict.unwrap_or(false),
      endpoint,
      timeout: timeout.unwrap_or(Duration::from_millis(DEFAULT_TIMEOUT_MS)),
    },
    output: Value::Object(out),
  })
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn debug_output_hides_the_secret() {
    let templates: Vec<_> = ["Register", "SignIn", "ForgotPassword", "Generic"]
      .iter()
      .map(|u| serde_json::json!({ "usageType": u, "templateCode": "T" }))
      .collect();
    let input = serde_json::json!({
      "accessKeyId": "id",
      "accessKeySecret": "MARKER-secret",
      "signName": "s",
      "sdkAppId": "1400000000",
      "region": "ap-guangzhou",
      "templates": templates,
    });
    let parsed = parse(&input);
    assert!(parsed.is_ok());
    assert!(!format!("{:?}", parsed.as_ref().map(|p| &p.config)).contains("MARKER"));
  }
}
