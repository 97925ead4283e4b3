//! One send, start to end, for each provider: config, template, recipient and
//! code checks (nothing is sent when any fails), signing, HTTP, the answer.

use std::sync::Arc;

use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::config::cache::ConfigCache;
use crate::config::shared::Common;
use crate::config::{self, aliyun as aliyun_config, tencent as tencent_config, Issue, Parsed};
use crate::error::{ConnectorError, ErrorCode};
use crate::limits;
use crate::outcome::Outcome;
use crate::phone;
use crate::provider::{aliyun, tencent};
use crate::template::{self, Template};
use crate::transport::{self, HttpRequest, HttpResponse};

/// Logto's `SendMessageData`, read leniently: what is wrong is reported in the
/// order the checks run, not all at once.
#[derive(Debug)]
pub struct SendData {
  pub to: Option<String>,
  pub message_type: String,
  pub code: Option<String>,
  /// The end user's address (Logto's top-level `ip`): keys the per-IP budget.
  pub ip: Option<String>,
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
async fn admit(
  common: &Common,
  data: &Result<SendData, ConnectorError>,
) -> Result<(), ConnectorError> {
  let (Some(limits), Ok(data)) = (&common.limits, data) else {
    return Ok(());
  };
  let Ok(checked) = check(common, data) else {
    return Ok(());
  };
  let e164 = phone::to_e164(checked.to, common.strict_phone_region_number_check);
  limits::check_and_count(limits, &e164, data.ip.as_deref()).await
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

pub async fn send_aliyun(config_json: &str, data_json: &str) -> Outcome {
  let config = match read_config(config_json, &ALIYUN_CONFIGS, aliyun_config::parse) {
    Ok(config) => config,
    Err(outcome) => return outcome,
  };
  let data = read_data(data_json);
  if let Err(error) = admit(&config, &data).await {
    return error.into();
  }
  let request = data.and_then(|data| {
    let checked = check(&config, &data)?;
    let message = aliyun::Message {
      to: checked.to,
      template_code: template::code_for(
        checked.template,
        checked.to,
        config.strict_phone_region_number_check,
      ),
      code: checked.code,
      timestamp: aliyun::format_timestamp(OffsetDateTime::now_utc()),
      nonce: Uuid::new_v4().to_string(),
    };
    Ok(aliyun::build_request(&config, &message))
  });
  deliver(request, aliyun::interpret).await
}

pub async fn send_tencent(config_json: &str, data_json: &str) -> Outcome {
  let config = match read_config(config_json, &TENCENT_CONFIGS, tencent_config::parse) {
    Ok(config) => config,
    Err(outcome) => return outcome,
  };
  let data = read_data(data_json);
  if let Err(error) = admit(&config.common, &data).await {
    return error.into();
  }
  let request = data.and_then(|data| {
    let checked = check(&config.common, &data)?;
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
  deliver(request, tencent::interpret).await
}

/// Sends a built request and reads the answer with the provider's rules.
async fn deliver(
  request: Result<HttpRequest, ConnectorError>,
  interpret: fn(&HttpResponse) -> Result<Value, ConnectorError>,
) -> Outcome {
  let request = match request {
    Ok(request) => request,
    Err(error) => return error.into(),
  };
  match transport::post(request).await {
    Ok(response) => match interpret(&response) {
      // The reader parsed the body as JSON, so it is UTF-8; pass it on unchanged.
      Ok(_) => Outcome::Sent(String::from_utf8_lossy(&response.body).into_owned()),
      Err(error) => error.into(),
    },
    Err(error) => error.into_connector_error().into(),
  }
}

#[cfg(test)]
mod cost {
  //! Rough per-send cost of the connector work (no I/O), for profiling:
  //! `cargo test --release --lib cost -- --ignored --nocapture`.
  use super::*;
  use std::time::Instant;

  fn configs() -> (String, String) {
    let templates: Vec<_> = ["SignIn", "Register", "ForgotPassword", "Generic", "MfaVerification", "BindMfa", "OrganizationInvitation", "UserPermissionValidation", "BindNewIdentifier"]
      .iter()
      .map(|u| serde_json::json!({ "usageType": u, "templateCode": { "china": "100001", "overseas": "200001" } }))
      .collect();
    let aliyun = serde_json::json!({ "accessKeyId": "LTAI5tSimulatorKey", "accessKeySecret": "secret", "signName": "Logto", "templates": templates, "endpoint": "http://127.0.0.1:1/" });
    let mut tencent = aliyun.clone();
    tencent["sdkAppId"] = "1400000001".into();
    tencent["region"] = "ap-guangzhou".into();
    (aliyun.to_string(), tencent.to_string())
  }

  fn time(label: &str, mut f: impl FnMut()) {
    for _ in 0..2000 {
      f();
    }
    let n = 50_000;
    let started = Instant::now();
    for _ in 0..n {
      f();
    }
    println!(
      "{label}: {:.2} µs",
      started.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
  }

  #[test]
  #[ignore]
  fn cost() {
    let (aliyun_json, tencent_json) = configs();
    let data = r#"{"to":"8613812345678","type":"SignIn","payload":{"code":"123456"}}"#;
    let tencent_answer = crate::transport::HttpResponse { status: 200, body: br#"{"Response":{"SendStatusSet":[{"SerialNo":"1","PhoneNumber":"+8613812345678","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"r"}}"#.to_vec() };
    let aliyun_answer = crate::transport::HttpResponse {
      status: 200,
      body: br#"{"RequestId":"x","Code":"OK","Message":"OK","BizId":"1^0"}"#.to_vec(),
    };
    time("aliyun config", || {
      let _ = read_config(&aliyun_json, &ConfigCache::new(), aliyun_config::parse);
    });
    time("aliyun config, cached", || {
      let _ = read_config(&aliyun_json, &ALIYUN_CONFIGS, aliyun_config::parse);
    });
    time("tencent config", || {
      let _ = read_config(&tencent_json, &ConfigCache::new(), tencent_config::parse);
    });
    time("read data", || {
      let _ = read_data(data);
    });
    let a = read_config(&aliyun_json, &ALIYUN_CONFIGS, aliyun_config::parse).ok();
    let t = read_config(&tencent_json, &TENCENT_CONFIGS, tencent_config::parse).ok();
    let (Some(a), Some(t)) = (a, t) else {
      panic!("configs parse")
    };
    time("aliyun request", || {
      let m = aliyun::Message {
        to: "8613812345678",
        template_code: "100001",
        code: "123456",
        timestamp: aliyun::format_timestamp(OffsetDateTime::now_utc()),
        nonce: Uuid::new_v4().to_string(),
      };
      let _ = aliyun::build_request(&a, &m);
    });
    time("tencent request", || {
      let m = tencent::Message {
        phone: "+8613812345678",
        template_id: "100001",
        code: "123456",
        timestamp: OffsetDateTime::now_utc().unix_timestamp(),
      };
      let _ = tencent::build_request(&t, &m);
    });
    time("aliyun answer", || {
      let _ = aliyun::interpret(&aliyun_answer).map(|_| {
        Outcome::Sent(String::from_utf8_lossy(&aliyun_answer.body).into_owned()).to_json()
      });
    });
    time("tencent answer", || {
      let _ = tencent::interpret(&tencent_answer).map(|_| {
        Outcome::Sent(String::from_utf8_lossy(&tencent_answer.body).into_owned()).to_json()
      });
    });
  }
}
