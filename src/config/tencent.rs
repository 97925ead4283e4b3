//! Tencent config: the official keys with the official guard's verdicts, plus
//! `templateCode` as `{ china, overseas }`, `strictPhoneRegionNumberCheck`,
//! `endpoint` and `timeoutMs`.

use serde_json::Value;

use super::shared::{self, Common, Schema, TemplateShape};
use super::{Issue, Parsed};

pub const DEFAULT_ENDPOINT: &str = "https://sms.tencentcloudapi.com/";

#[derive(Debug)]
pub struct TencentConfig {
  pub common: Common,
  pub sdk_app_id: String,
  pub region: String,
  /// The day's TC3 signing key, kept with the config it belongs to.
  pub signing_keys: crate::sign::tencent_tc3::SigningKeys,
}

fn missing_usage_types(missing: &[&str]) -> String {
  format!(
    "Template with UsageType ({}) should be provided!",
    missing.join(", ")
  )
}

const SCHEMA: Schema<2> = Schema {
  template_shape: TemplateShape::Plain,
  missing_usage_types,
  own_strings: ["sdkAppId", "region"],
  default_endpoint: DEFAULT_ENDPOINT,
};

pub fn parse(value: &Value) -> Result<Parsed<TencentConfig>, Vec<Issue>> {
  let (common, [sdk_app_id, region], output) = shared::parse(value, &SCHEMA)?;
  Ok(Parsed {
    config: TencentConfig {
      common,
      sdk_app_id,
      region,
      signing_keys: Default::default(),
    },
    output,
  })
}
