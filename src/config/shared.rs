//! Pieces both providers' configs share: templates, `endpoint`, `timeoutMs`,
//! `strictPhoneRegionNumberCheck`. (`limits` is not a provider key: the
//! direct connectors' config joins it in `crate::direct`.)

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;
use serde_json::{Map, Value};

use super::{at, js_type, keep_if_present, Ctx, Issue, PathSeg, Reported};
use crate::template::{Template, TemplateCode};

/// The keys both providers share, validated.
#[derive(Debug)]
pub struct Common {
  pub access_key_id: String,
  pub access_key_secret: SecretString,
  pub sign_name: String,
  pub templates: Vec<Template>,
  pub strict_phone_region_number_check: bool,
  pub endpoint: Url,
  pub timeout: Duration,
}

/// What differs between the providers' guards. `N` is the number of string
/// keys only this provider has.
pub struct Schema<const N: usize> {
  pub template_shape: TemplateShape,
  /// The official guard's message for missing required usage types.
  pub missing_usage_types: fn(&[&str]) -> String,
  /// Required string keys of this provider only (Tencent's `sdkAppId`, `region`).
  pub own_strings: [&'static str; N],
  pub default_endpoint: &'static str,
}

/// Validates a config: the shared keys, the provider's own string keys (returned
/// in `schema.own_strings` order) and the guard's output.
pub fn parse<const N: usize>(
  value: &Value,
  schema: &Schema<N>,
) -> Result<(Common, [String; N], Value), Vec<Issue>> {
  let mut ctx = Ctx::default();
  let Some(map) = ctx.object(Some(value), &[]) else {
    return Err(ctx.issues);
  };
  let key = |k: &str| vec![PathSeg::from(k)];
  let string = |ctx: &mut Ctx, k: &str| ctx.string(map.get(k), &key(k));
  let access_key_id = string(&mut ctx, "accessKeyId");
  let access_key_secret = string(&mut ctx, "accessKeySecret");
  let sign_name = string(&mut ctx, "signName");
  let own: [Option<String>; N] = schema.own_strings.map(|k| string(&mut ctx, k));
  let templates = templates(
    &mut ctx,
    map.get("templates"),
    schema.template_shape,
    schema.missing_usage_types,
  );
  let strict = ctx.optional_bool(
    map.get("strictPhoneRegionNumberCheck"),
    &key("strictPhoneRegionNumberCheck"),
  );
  let endpoint = endpoint(&mut ctx, map.get("endpoint"));
  let timeout = timeout_ms(&mut ctx, map.get("timeoutMs"));

  let (
    Some(access_key_id),
    Some(access_key_secret),
    Some(sign_name),
    Some((templates, templates_out)),
    Ok(strict),
    Ok(endpoint),
    Ok(timeout),
  ) = (
    access_key_id,
    access_key_secret,
    sign_name,
    templates,
    strict,
    endpoint,
    timeout,
  )
  else {
    return Err(ctx.issues);
  };
  // Each missing one pushed its issue above.
  if own.iter().any(Option::is_none) {
    return Err(ctx.issues);
  }
  let own = own.map(Option::unwrap_or_default);
  let endpoint = match endpoint {
    Some(url) => url,
    None => match Url::parse(schema.default_endpoint) {
      Ok(url) => url,
      // A constant of this crate; reported rather than unwrapped all the same.
      Err(_) => {
        ctx.push(
          "custom",
          &key("endpoint"),
          "The built-in default endpoint is not a URL.",
        );
        return Err(ctx.issues);
      }
    },
  };

  let mut out = Map::new();
  out.insert("accessKeyId".into(), Value::String(access_key_id.clone()));
  out.insert(
    "accessKeySecret".into(),
    Value::String(access_key_secret.clone()),
  );
  out.insert("signName".into(), Value::String(sign_name.clone()));
  for (k, v) in schema.own_strings.iter().zip(&own) {
    out.insert((*k).into(), Value::String(v.clone()));
  }
  out.insert("templates".into(), templates_out);
  for optional in ["strictPhoneRegionNumberCheck", "endpoint", "timeoutMs"] {
    keep_if_present(&mut out, map, optional);
  }
  let common = Common {
    access_key_id,
    access_key_secret: SecretString::from(access_key_secret),
    sign_name,
    templates,
    strict_phone_region_number_check: strict.unwrap_or(false),
    endpoint,
    timeout: timeout.unwrap_or(Duration::from_millis(DEFAULT_TIMEOUT_MS)),
  };
  Ok((common, own, Value::Object(out)))
}

pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
pub const MAX_TIMEOUT_MS: f64 = 60_000.0;

/// Aliyun's `SmsTemplateType` enum values (zod `nativeEnum`); default 2.
const ALIYUN_TEMPLATE_TYPES: [f64; 5] = [0.0, 1.0, 2.0, 6.0, 7.0];
const ALIYUN_DEFAULT_TEMPLATE_TYPE: u64 = 2;

/// How a provider's template objects look.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TemplateShape {
  /// `{ type (nativeEnum, default 2), usageType, templateCode: string | {china, overseas} }`
  AliyunWithType,
  /// `{ usageType, templateCode: string | {china, overseas} }`
  Plain,
}

/// `z.array(template).refine(has required usage types, message)`.
fn templates(
  ctx: &mut Ctx,
  value: Option<&Value>,
  shape: TemplateShape,
  missing_message: fn(&[&str]) -> String,
) -> Option<(Vec<Template>, Value)> {
  let path = vec![PathSeg::from("templates")];
  let items = match value {
    Some(Value::Array(items)) => items,
    other => {
      ctx.invalid_type(&path, "array", other);
      return None;
    }
  };
  let mark = ctx.issues.len();
  let mut parsed = Vec::with_capacity(items.len());
  let mut output = Vec::with_capacity(items.len());
  for (index, item) in items.iter().enumerate() {
    if let Some((template, out)) = template(ctx, Some(item), &at(&path, index), shape) {
      parsed.push(template);
      output.push(out);
    }
  }
  // zod: an invalid element aborts the array, so its refinement never runs.
  if !ctx.is_clean_since(mark) {
    return None;
  }
  let missing = super::missing_usage_types(parsed.iter().map(|t| t.usage_type.as_str()));
  if !missing.is_empty() {
    ctx.push("custom", &path, missing_message(&missing));
    return None;
  }
  Some((parsed, Value::Array(output)))
}

fn template(
  ctx: &mut Ctx,
  value: Option<&Value>,
  path: &[PathSeg],
  shape: TemplateShape,
) -> Option<(Template, Value)> {
  let map = ctx.object(value, path)?;
  let mut out = Map::new();
  let kind = if shape == TemplateShape::AliyunWithType {
    aliyun_template_type(ctx, map.get("type"), &at(path, "type"))
  } else {
    Some(None)
  };
  let usage_type = ctx.string(map.get("usageType"), &at(path, "usageType"));
  let code = template_code(
    ctx,
    map.get("templateCode"),
    &at(path, "templateCode"),
    shape,
  );
  // Only Aliyun templates carry a `message` (international-site accounts);
  // Tencent's guard drops the key as unknown, as zod strips it.
  let message = if shape == TemplateShape::AliyunWithType {
    template_message(ctx, map.get("message"), &at(path, "message"))
  } else {
    Ok(None)
  };
  let locale = template_locale(ctx, map.get("locale"), &at(path, "locale"));
  let (kind, usage_type, (code, code_out), message, locale) =
    (kind?, usage_type?, code?, message.ok()?, locale.ok()?);
  if let Some(kind) = kind {
    out.insert("type".into(), kind);
  }
  out.insert("usageType".into(), Value::String(usage_type.clone()));
  out.insert("templateCode".into(), code_out);
  if shape == TemplateShape::AliyunWithType {
    keep_if_present(&mut out, map, "message");
  }
  keep_if_present(&mut out, map, "locale");
  Some((
    Template {
      usage_type,
      code,
      message,
      locale,
    },
    Value::Object(out),
  ))
}

/// The added `templates[].locale` (CONTRACT §4): a BCP 47 tag's shape, 2 to
/// 35 characters, subtags of 1 to 8 ASCII letters or digits joined by single
/// `-`. Only the shape is checked: selection compares tags, it does not
/// interpret them.
fn template_locale(
  ctx: &mut Ctx,
  value: Option<&Value>,
  path: &[PathSeg],
) -> Result<Option<String>, Reported> {
  let Some(tag) = ctx.added_string(value, path)? else {
    return Ok(None);
  };
  let well_formed = (2..=35).contains(&tag.len())
    && tag
      .split('-')
      .all(|sub| (1..=8).contains(&sub.len()) && sub.bytes().all(|b| b.is_ascii_alphanumeric()));
  if !well_formed {
    ctx.push(
      "invalid_string",
      path,
      "locale must be a language tag such as \"en\", \"zh-CN\" or \"pt-BR\" (2 to 35 characters: letters and digits in parts of 1 to 8, joined by -)",
    );
    return Err(Reported);
  }
  Ok(Some(tag))
}

/// The placeholder every `templates[].message` must carry.
pub const CODE_PLACEHOLDER: &str = "{code}";

/// The added Aliyun `templates[].message`: optional (`null` = not given); a
/// string with `{code}` in it, since the code is the text's only variable.
fn template_message(
  ctx: &mut Ctx,
  value: Option<&Value>,
  path: &[PathSeg],
) -> Result<Option<String>, Reported> {
  match ctx.added_string(value, path)? {
    None => Ok(None),
    Some(text) if text.contains(CODE_PLACEHOLDER) => Ok(Some(text)),
    Some(_) => {
      ctx.push(
        "custom",
        path,
        "message must contain {code}, where the verification code goes",
      );
      Err(Reported)
    }
  }
}

/// `z.nativeEnum(SmsTemplateType).default(2)`. `Some(Some(v))` = the output value.
fn aliyun_template_type(
  ctx: &mut Ctx,
  value: Option<&Value>,
  path: &[PathSeg],
) -> Option<Option<Value>> {
  match value {
    None => Some(Some(Value::from(ALIYUN_DEFAULT_TEMPLATE_TYPE))),
    Some(v) if js_type(Some(v)) == "undefined" => {
      Some(Some(Value::from(ALIYUN_DEFAULT_TEMPLATE_TYPE)))
    }
    Some(Value::Number(n))
      if n
        .as_f64()
        .is_some_and(|f| ALIYUN_TEMPLATE_TYPES.contains(&f)) =>
    {
      Some(Some(Value::Number(n.clone())))
    }
    // A string or a number outside the enum: zod says invalid_enum_value.
    Some(v) if matches!(js_type(Some(v)), "string" | "number") => {
      ctx.push(
        "invalid_enum_value",
        path,
        format!(
          "Invalid enum value. Expected 0 | 1 | 2 | 6 | 7, received '{}'",
          short(v)
        ),
      );
      None
    }
    Some(v) => {
      ctx.invalid_type(path, "0 | 1 | 2 | 6 | 7", Some(v));
      None
    }
  }
}

/// Aliyun: `z.string().or(z.object({ china: z.string(), overseas: z.string() }))`.
/// Tencent's official guard is `z.string()`; ours also accepts the regional
/// object, and otherwise reports what `z.string()` reports.
fn template_code(
  ctx: &mut Ctx,
  value: Option<&Value>,
  path: &[PathSeg],
  shape: TemplateShape,
) -> Option<(TemplateCode, Value)> {
  match value {
    Some(Value::String(code)) => Some((
      TemplateCode::Single(code.clone()),
      Value::String(code.clone()),
    )),
    Some(Value::Object(map)) if js_type(value) == "object" => {
      match (map.get("china"), map.get("overseas")) {
        (Some(Value::String(china)), Some(Value::String(overseas))) => {
          let mut out = Map::new();
          out.insert("china".into(), Value::String(china.clone()));
          out.insert("overseas".into(), Value::String(overseas.clone()));
          Some((
            TemplateCode::Regional {
              china: china.clone(),
              overseas: overseas.clone(),
            },
            Value::Object(out),
          ))
        }
        _ => {
          reject_template_code(ctx, value, path, shape);
          None
        }
      }
    }
    _ => {
      reject_template_code(ctx, value, path, shape);
      None
    }
  }
}

fn reject_template_code(
  ctx: &mut Ctx,
  value: Option<&Value>,
  path: &[PathSeg],
  shape: TemplateShape,
) {
  match shape {
    TemplateShape::AliyunWithType => ctx.push("invalid_union", path, "Invalid input"),
    TemplateShape::Plain => ctx.invalid_type(path, "string", value),
  }
}

fn short(value: &Value) -> String {
  let text = match value {
    Value::String(s) => s.clone(),
    other => other.to_string(),
  };
  text.chars().take(40).collect()
}

/// The added `endpoint` key: a full URL; `https://`, or `http://` to a loopback
/// host only (tests and local relays), never userinfo, query or fragment.
fn endpoint(ctx: &mut Ctx, value: Option<&Value>) -> Result<Option<Url>, Reported> {
  let path = vec![PathSeg::from("endpoint")];
  // The console may save an emptied optional field as "": that means "default".
  let Some(text) = ctx.added_string(value, &path)? else {
    return Ok(None);
  };
  match check_endpoint(&text) {
    Ok(url) => Ok(Some(url)),
    Err(reason) => {
      ctx.push("custom", &path, reason);
      Err(Reported)
    }
  }
}

fn check_endpoint(text: &str) -> Result<Url, String> {
  let url = Url::parse(text)
    .map_err(|_| "endpoint must be a full URL such as https://sms.example.com/".to_owned())?;
  if !url.username().is_empty() || url.password().is_some() {
    return Err("endpoint must not contain a user name or password".to_owned());
  }
  if url.query().is_some() || url.fragment().is_some() {
    return Err("endpoint must not contain a query string or fragment".to_owned());
  }
  match url.scheme() {
    "https" if url.host().is_some() => Ok(url),
    "http" if is_loopback(&url) => Ok(url),
    "http" => {
      Err("endpoint must use https:// (http:// is allowed only for loopback hosts)".to_owned())
    }
    _ => Err("endpoint must use https://".to_owned()),
  }
}

fn is_loopback(url: &Url) -> bool {
  match url.host() {
    Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
    Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
    Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
    None => false,
  }
}

/// The added `timeoutMs` key: an integer from 1 to 60000.
fn timeout_ms(ctx: &mut Ctx, value: Option<&Value>) -> Result<Option<Duration>, Reported> {
  let path = vec![PathSeg::from("timeoutMs")];
  Ok(
    ctx
      .added_positive_integer(value, &path, Some(MAX_TIMEOUT_MS))?
      .map(Duration::from_millis),
  )
}
