//! One send, start to end, for each provider: config, template, recipient and
//! code checks (nothing is sent when any fails), signing, HTTP, the answer.

use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::config::aliyun::Site;
use crate::config::cache::ConfigCache;
use crate::config::shared::Common;
use crate::config::{self, aliyun as aliyun_config, tencent as tencent_config, Issue, Parsed};
use crate::error::{ConnectorError, ErrorCode};
use crate::limits;
use crate::outcome::Outcome;
use crate::phone;
use crate::provider::{aliyun, aliyun_intl, tencent};
use crate::send_log::{Receipt, SendLog};
use crate::template::{self, Template};
use crate::transport::{self, HttpRequest, HttpResponse};

/// Logto's `SendMessageData`, read leniently: what is wrong is reported in the
/// order the checks run, not all at once.
pub struct SendData {
  pub to: Option<String>,
  pub message_type: String,
  pub code: Option<String>,
  /// The end user's address (Logto's top-level `ip`): keys the per-IP budget.
  pub ip: Option<String>,
}

/// Redacted: the recipient and the code are what an attacker wants.
impl std::fmt::Debug for SendData {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("SendData")
      .field("to", &self.to.as_ref().map(|_| "[REDACTED]"))
      .field("message_type", &self.message_type)
      .field("code", &self.code.as_ref().map(|_| "[REDACTED]"))
      .finish()
  }
}

pub fn read_data(json: &str) -> Result<SendData, ConnectorError> {
  let value: Value = serde_json::from_str(json).map_err(|_| {
    ConnectorError::new(
      ErrorCode::InvalidRequestParameters,
      "The message data could not be read.",
    )
  })?;
  if !value.is_object() {
    return Err(ConnectorError::new(
      ErrorCode::InvalidRequestParameters,
      "The message data must be an object with to, type and payload.",
    ));
  }
  let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
  Ok(SendData {
    to: text(value.get("to")),
    // A type that is not a string matches no template: the Generic one is used,
    // as the official lookup would.
    message_type: text(value.get("type")).unwrap_or_default(),
    code: text(value.get("payload").and_then(|p| p.get("code"))),
    ip: text(value.get("ip")),
  })
}

/// What every send needs before anything provider-specific happens.
struct Checked<'a> {
  template: &'a Template,
  to: &'a str,
  code: &'a str,
}

/// Template, then recipient, then code: the first failure is the answer.
fn check<'a>(common: &'a Common, data: &'a SendData) -> Result<Checked<'a>, ConnectorError> {
  let template = template::find(&common.templates, &data.message_type)?;
  let to = data.to.as_deref().unwrap_or("");
  phone::check_recipient(to)?;
  let code = data.code.as_deref().ok_or_else(|| {
    ConnectorError::new(
      ErrorCode::InvalidRequestParameters,
      "The message payload has no code: only verification codes can be sent.",
    )
  })?;
  Ok(Checked { template, to, code })
}

/// The send limits (CONTRACT §9): after the checks above pass, before anything
/// is built or sent. A send those checks refuse is neither limited nor counted
/// (the caller reports the checks' own error).
/// The send limits (CONTRACT §9), checked and counted before anything is
/// built or sent. Data that fails its own checks is not counted: its error
/// comes next. The recipient it finds is the log line's.
async fn admit(
  common: &Common,
  data: &Result<SendData, ConnectorError>,
  trace: &mut Trace,
) -> Result<(), ConnectorError> {
  let Ok(data) = data else {
    return Ok(());
  };
  let Ok(checked) = check(common, data) else {
    return Ok(());
  };
  let e164 = e164_digits(checked.to, common.strict_phone_region_number_check);
  let admitted = match &common.limits {
    Some(limits) => limits::check_and_count(limits, &e164, data.ip.as_deref()).await,
    None => Ok(()),
  };
  trace.e164_digits = Some(e164);
  admitted
}

static ALIYUN_CONFIGS: ConfigCache<aliyun_config::AliyunConfig> = ConfigCache::new();
static TENCENT_CONFIGS: ConfigCache<tencent_config::TencentConfig> = ConfigCache::new();

fn read_config<T>(
  json: &str,
  cache: &ConfigCache<T>,
  parse: fn(&Value) -> Result<Parsed<T>, Vec<Issue>>,
) -> Result<Arc<T>, Outcome> {
  cache
    .get_or_parse(json, |text| {
      config::read_json(text)
        .and_then(|value| parse(&value))
        .map(|parsed| parsed.config)
    })
    .map_err(Outcome::InvalidConfig)
}

/// A send's outcome and the one log line that tells of it.
pub struct Finished {
  pub outcome: Outcome,
  pub log: String,
}

impl Finished {
  pub fn to_json(&self) -> String {
    self.outcome.to_json_with_log(&self.log)
  }
}

/// What a provider's send path found out, for the log line.
#[derive(Default)]
struct Trace {
  /// The recipient's E.164 digits, once the recipient passed its checks.
  e164_digits: Option<String>,
  receipt: Receipt,
}

/// Sends through Aliyun and reports it.
pub async fn send_aliyun(config_json: &str, data_json: &str) -> Finished {
  let started = Instant::now();
  let data = read_data(data_json);
  let mut trace = Trace::default();
  let outcome = aliyun_flow(config_json, &data, &mut trace).await;
  finish("aliyun", started, &data, outcome, &trace)
}

/// Sends through Tencent Cloud and reports it.
pub async fn send_tencent(config_json: &str, data_json: &str) -> Finished {
  let started = Instant::now();
  let data = read_data(data_json);
  let mut trace = Trace::default();
  let outcome = tencent_flow(config_json, &data, &mut trace).await;
  finish("tencent", started, &data, outcome, &trace)
}

fn finish(
  provider: &str,
  started: Instant,
  data: &Result<SendData, ConnectorError>,
  outcome: Outcome,
  trace: &Trace,
) -> Finished {
  let log = SendLog {
    provider,
    usage_type: data.as_ref().map_or("", |d| d.message_type.as_str()),
    e164_digits: trace.e164_digits.as_deref(),
    outcome: outcome.code_str(),
    receipt: &trace.receipt,
    ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
  }
  .to_json();
  Finished { outcome, log }
}

async fn aliyun_flow(
  config_json: &str,
  data: &Result<SendData, ConnectorError>,
  trace: &mut Trace,
) -> Outcome {
  let config = match read_config(config_json, &ALIYUN_CONFIGS, aliyun_config::parse) {
    Ok(config) => config,
    Err(outcome) => return outcome,
  };
  if let Err(error) = admit(&config.common, data, trace).await {
    return error.into();
  }
  let request = data.as_ref().map_err(Clone::clone).and_then(|data| {
    let checked = check(&config.common, data)?;
    let strict = config.common.strict_phone_region_number_check;
    let timestamp = aliyun::format_timestamp(OffsetDateTime::now_utc());
    let nonce = Uuid::new_v4().to_string();
    if config.site == Site::International {
      let message = aliyun_intl::Message {
        template: checked.template,
        to: checked.to,
        code: checked.code,
        timestamp,
        nonce,
      };
      return aliyun_intl::build_request(&config, &message);
    }
    let message = aliyun::Message {
      to: checked.to,
      template_code: template::code_for(checked.template, checked.to, strict),
      code: checked.code,
      timestamp,
      nonce,
    };
    Ok(aliyun::build_request(&config, &message))
  });
  let (interpret, receipt): (Interpret, ReadReceipt) = match config.site {
    Site::China => (aliyun::interpret, aliyun::receipt),
    Site::International => (aliyun_intl::interpret, aliyun_intl::receipt),
  };
  deliver(request, interpret, receipt, trace).await
}

async fn tencent_flow(
  config_json: &str,
  data: &Result<SendData, ConnectorError>,
  trace: &mut Trace,
) -> Outcome {
  let config = match read_config(config_json, &TENCENT_CONFIGS, tencent_config::parse) {
    Ok(config) => config,
    Err(outcome) => return outcome,
  };
  if let Err(error) = admit(&config.common, data, trace).await {
    return error.into();
  }
  let request = data.as_ref().map_err(Clone::clone).and_then(|data| {
    let checked = check(&config.common, data)?;
    let strict = config.common.strict_phone_region_number_check;
    let phone = phone::to_e164(checked.to, strict);
    let message = tencent::Message {
      phone: &phone,
      template_id: template::code_for(checked.template, checked.to, strict),
      code: checked.code,
      timestamp: OffsetDateTime::now_utc().unix_timestamp(),
    };
    tencent::build_request(&config, &message)
  });
  deliver(request, tencent::interpret, tencent::receipt, trace).await
}

/// The recipient's E.164 digits (no `+`), by the same rules Tencent gets.
fn e164_digits(to: &str, strict: bool) -> String {
  let e164 = phone::to_e164(to, strict);
  e164.strip_prefix('+').unwrap_or(&e164).to_owned()
}

/// A provider's answer reader: the parsed success, or the classified error.
type Interpret = fn(&HttpResponse) -> Result<Value, ConnectorError>;
/// A provider's reader of the ids in a success answer.
type ReadReceipt = fn(&Value) -> Receipt;

/// Sends a built request and reads the answer with the provider's rules.
async fn deliver(
  request: Result<HttpRequest, ConnectorError>,
  interpret: Interpret,
  receipt: ReadReceipt,
  trace: &mut Trace,
) -> Outcome {
  let request = match request {
    Ok(request) => request,
    Err(error) => return error.into(),
  };
  let result = match transport::post(request).await {
    Ok(response) => interpret(&response).map(|value| {
      trace.receipt = receipt(&value);
      // The reader parsed the body as JSON, so it is UTF-8; pass it on unchanged.
      String::from_utf8_lossy(&response.body).into_owned()
    }),
    Err(error) => Err(error.into_connector_error()),
  };
  match result {
    Ok(answer) => Outcome::Sent(answer),
    Err(error) => {
      trace.receipt = Receipt::from_error(&error);
      error.into()
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn message_data_debug_hides_the_recipient_and_the_code() {
    let Ok(data) =
      read_data(r#"{"to":"8613812345678","type":"SignIn","payload":{"code":"654321"}}"#)
    else {
      panic!("data reads")
    };
    let debug = format!("{data:?}");
    assert!(debug.contains("SignIn"), "{debug}");
    assert!(
      !debug.contains("13812345678") && !debug.contains("654321"),
      "{debug}"
    );
  }
}
