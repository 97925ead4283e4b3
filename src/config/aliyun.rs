//! Aliyun config: the official keys with the official guard's verdicts, plus
//! the added `endpoint` and `timeoutMs`.

use serde_json::Value;

use super::shared::{self, Common, Schema, TemplateShape};
use super::{Issue, Parsed};

pub const DEFAULT_ENDPOINT: &str = "https://dysmsapi.aliyuncs.com/";

/// Aliyun needs nothing beyond the shared keys.
pub type AliyunConfig = Common;

fn missing_usage_types(missing: &[&str]) -> String {
  format!(
    "UsageType ({}) should be provided in templates.",
    missing.join(", ")
  )
}

const SCHEMA: Schema<0> = Schema {
  template_shape: TemplateShape::AliyunWithType,
  missing_usage_types,
  own_strings: [],
  default_endpoint: DEFAULT_ENDPOINT,
};

pub fn parse(value: &Value) -> Result<Parsed<AliyunConfig>, Vec<Issue>> {
  let (config, _, output) = shared::parse(value, &SCHEMA)?;
  Ok(Parsed { config, output })
}
