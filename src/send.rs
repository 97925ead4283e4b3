//! One send through one provider account, start to end: config, template,
//! recipient and code checks (nothing is sent when any fails), signing, HTTP,
//! the answer. The direct connectors run it whole (`send_direct`); the router
//! reads its own config and runs `attempt` once per account it tries.

use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;
use time::OffsetDateTime;

use crate::config::shared::Common;
use crate::direct::{Direct, DirectConfig};
use crate::error::{ConnectorError, ErrorCode};
use crate::limits;
use crate::outcome::Outcome;
use crate::phone;
use crate::provider::{Account, Checked};
use crate::refusal::{Failure, Stage};
use crate::send_log::{Receipt, SendLog};
use crate::template;
use crate::transport::{self, HttpRequest, TransportError};

/// Logto's `SendMessageData`, read leniently: what is wrong is reported in the
/// order the checks run, not all at once.
pub struct SendData {
  pub to: Option<String>,
  pub message_type: String,
  pub code: Option<String>,
  /// The end user's address (Logto's top-level `ip`): keys the per-IP budget.
  pub ip: Option<String>,
  /// The end user's language (`payload.locale`): picks among a usage type's
  /// templates. Never sent to the provider.
  pub locale: Option<String>,
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
  // What the glue writes (js/encode.js) reads straight into its fields; any
  // other shape (duplicate keys, a root that is not an object, text that is
  // not JSON) takes the general path, which says what is wrong.
  match serde_json::from_str::<data_doc::DataDoc>(json) {
    Ok(doc) => Ok(doc.into()),
    Err(_) => read_data_value(json),
  }
}

/// `read_data` through a `serde_json::Value`: the reference reading.
pub(crate) fn read_data_value(json: &str) -> Result<SendData, ConnectorError> {
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
    locale: text(value.get("payload").and_then(|p| p.get("locale"))).filter(|l| !l.is_empty()),
  })
}

/// The message data read into its fields without a `Value` tree (a map per
/// object, every key hashed): the same reading as `read_data_value` for every
/// object the glue writes, checked against it in the tests.
mod data_doc {
  use std::fmt;

  use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
  use serde::Deserialize;

  use super::SendData;

  /// The visitor methods for the JSON scalars other than strings, each
  /// answering `$skipped`: a value the reading leaves out.
  macro_rules! skip_scalars {
    ($skipped:expr) => {
      fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok($skipped)
      }
      fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok($skipped)
      }
      fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok($skipped)
      }
      fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok($skipped)
      }
      fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok($skipped)
      }
    };
  }

  /// A value kept when it is a string and skipped otherwise, as the general
  /// reading's `as_str` does.
  #[derive(Default)]
  pub struct Text(Option<String>);

  impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
      struct TextVisitor;
      impl<'de> Visitor<'de> for TextVisitor {
        type Value = Text;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
          f.write_str("any JSON value")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
          Ok(Text(Some(v.to_owned())))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
          Ok(Text(Some(v)))
        }
        skip_scalars!(Text(None));
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text, A::Error> {
          IgnoredAny.visit_seq(seq).map(|_| Text(None))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text, A::Error> {
          IgnoredAny.visit_map(map).map(|_| Text(None))
        }
      }
      deserializer.deserialize_any(TextVisitor)
    }
  }

  #[derive(Default, Deserialize)]
  pub struct Payload {
    #[serde(default)]
    code: Text,
    #[serde(default)]
    locale: Text,
  }

  /// `payload`: its fields when it is an object, none otherwise.
  #[derive(Default)]
  pub struct PayloadField(Payload);

  impl<'de> Deserialize<'de> for PayloadField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
      struct PayloadVisitor;
      impl<'de> Visitor<'de> for PayloadVisitor {
        type Value = PayloadField;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
          f.write_str("any JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PayloadField, A::Error> {
          Payload::deserialize(de::value::MapAccessDeserializer::new(map)).map(PayloadField)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<PayloadField, A::Error> {
          IgnoredAny.visit_seq(seq).map(|_| PayloadField::default())
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<PayloadField, E> {
          Ok(PayloadField::default())
        }
        skip_scalars!(PayloadField::default());
      }
      deserializer.deserialize_any(PayloadVisitor)
    }
  }

  /// The root: an object (only: a derived struct would also take an array,
  /// field by position); unknown keys are skipped.
  pub struct DataDoc(Fields);

  impl<'de> Deserialize<'de> for DataDoc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
      struct RootVisitor;
      impl<'de> Visitor<'de> for RootVisitor {
        type Value = DataDoc;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
          f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DataDoc, A::Error> {
          Fields::deserialize(de::value::MapAccessDeserializer::new(map)).map(DataDoc)
        }
      }
      deserializer.deserialize_map(RootVisitor)
    }
  }

  #[derive(Deserialize)]
  pub struct Fields {
    #[serde(default)]
    to: Text,
    #[serde(default, rename = "type")]
    message_type: Text,
    #[serde(default)]
    payload: PayloadField,
    #[serde(default)]
    ip: Text,
  }

  impl From<DataDoc> for SendData {
    fn from(DataDoc(doc): DataDoc) -> Self {
      let PayloadField(payload) = doc.payload;
      SendData {
        to: doc.to.0,
        message_type: doc.message_type.0.unwrap_or_default(),
        code: payload.code.0,
        ip: doc.ip.0,
        locale: payload.locale.0.filter(|l| !l.is_empty()),
      }
    }
  }
}

/// Template, then recipient, then code: the first failure is the answer.
fn check<'a>(common: &'a Common, data: &'a SendData) -> Result<Checked<'a>, ConnectorError> {
  let template = template::find(
    &common.templates,
    &data.message_type,
    data.locale.as_deref(),
  )?;
  let (to, code) = check_recipient_and_code(data)?;
  Ok(Checked { template, to, code })
}

/// The recipient and the code, checked: what every account would refuse alike.
pub fn check_recipient_and_code(data: &SendData) -> Result<(&str, &str), ConnectorError> {
  let to = data.to.as_deref().unwrap_or("");
  phone::check_recipient(to)?;
  let code = data.code.as_deref().ok_or_else(|| {
    ConnectorError::new(
      ErrorCode::InvalidRequestParameters,
      "The message payload has no code: only verification codes can be sent.",
    )
  })?;
  Ok((to, code))
}

/// A send's outcome and the one log line that tells of it.
pub struct Finished {
  pub outcome: Outcome,
  pub log: String,
}

/// What the send path found out, for the log line.
#[derive(Default)]
struct Trace {
  /// The recipient's E.164 digits, once the recipient passed its checks.
  e164_digits: Option<String>,
  /// The chosen template's locale, when it has one.
  locale: Option<String>,
  /// Monitor mode: the budget that would have refused the send.
  limit: Option<&'static str>,
  receipt: Receipt,
}

/// Sends through one provider account, the direct connector of its type, and
/// reports it.
pub async fn send_direct(direct: &Direct, config_json: &str, data_json: &str) -> Finished {
  let started = Instant::now();
  let data = read_data(data_json);
  let mut trace = Trace::default();
  let outcome = direct_flow(direct, config_json, &data, &mut trace).await;
  // A send that ended before its recipient was read by the account's own
  // mainland rule (a config that fails the guard) still tells the country.
  let e164_digits = trace.e164_digits.or_else(|| recipient_for_log(&data));
  let log = SendLog {
    provider: Some(direct.provider.name),
    account: None,
    usage_type: data.as_ref().map_or("", |d| d.message_type.as_str()),
    e164_digits: e164_digits.as_deref(),
    outcome: outcome.code_str(),
    receipt: &trace.receipt,
    attempts: None,
    limit: trace.limit,
    locale: trace.locale.as_deref(),
    ms: elapsed_ms(started),
  }
  .to_json();
  Finished { outcome, log }
}

/// The recipient's E.164 digits by the default mainland rule, for the log
/// line of a send that never got to read it with its config's rule.
pub fn recipient_for_log(data: &Result<SendData, ConnectorError>) -> Option<String> {
  let to = data.as_ref().ok()?.to.as_deref()?;
  phone::check_recipient(to).ok()?;
  Some(e164_digits(to, false))
}

pub fn elapsed_ms(started: Instant) -> u64 {
  u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

async fn direct_flow(
  direct: &Direct,
  config_json: &str,
  data: &Result<SendData, ConnectorError>,
  trace: &mut Trace,
) -> Outcome {
  let config: Arc<DirectConfig> = match direct.config(config_json) {
    Ok(config) => config,
    Err(issues) => return Outcome::InvalidConfig(issues),
  };
  let account: &dyn Account = config.account.as_ref();
  let data = match data {
    Ok(data) => data,
    Err(error) => return error.clone().into(),
  };
  let message = match check(account.common(), data) {
    Ok(message) => message,
    Err(error) => return error.into(),
  };
  let common = account.common();
  let e164 = e164_digits(message.to, common.strict_phone_region_number_check);
  trace.e164_digits = Some(e164.clone());
  trace.locale.clone_from(&message.template.locale);
  // Everything that can refuse without the provider comes before the limits
  // count the send (CONTRACT §9): the request is built (an international-site
  // template without `message` fails here) and only then counted.
  let request = match prepare(account, &message) {
    Ok(request) => request,
    Err(failure) => return failure.error.into(),
  };
  if let Some(limits) = &config.limits {
    match limits::check_and_count(limits, &e164, data.ip.as_deref()).await {
      Ok(admitted) => trace.limit = admitted.would_refuse,
      Err(error) => return error.into(),
    }
  }
  let attempt = deliver(account, request).await;
  trace.receipt = attempt.receipt;
  match attempt.result {
    Ok(answer) => Outcome::Sent(answer),
    Err(failure) => failure.error.into(),
  }
}

/// The recipient's E.164 digits (no `+`), by the same rules Tencent gets.
pub fn e164_digits(to: &str, strict: bool) -> String {
  let e164 = phone::to_e164(to, strict);
  e164.strip_prefix('+').unwrap_or(&e164).to_owned()
}

/// What one account made of one message.
pub struct Attempt {
  /// The provider's answer as it came (JSON text its reader accepted), or
  /// the failure.
  pub result: Result<String, Failure>,
  /// The provider's ids, from the answer or the error.
  pub receipt: Receipt,
}

/// The signed request for `message`, or why nothing can be sent (a failure
/// at `Stage::NotSent`).
pub fn prepare(account: &dyn Account, message: &Checked<'_>) -> Result<HttpRequest, Failure> {
  account
    .build_request(message, OffsetDateTime::now_utc())
    .map_err(|error| Failure {
      stage: Stage::NotSent,
      error,
    })
}

/// Sends a prepared request through `account`'s provider and reads the answer.
pub async fn deliver(account: &dyn Account, request: HttpRequest) -> Attempt {
  match post_and_read(account, request).await {
    Ok((answer, value)) => Attempt {
      receipt: account.receipt(&value),
      result: Ok(answer),
    },
    Err(failure) => Attempt {
      receipt: Receipt::from_error(&failure.error),
      result: Err(failure),
    },
  }
}

async fn post_and_read(
  account: &dyn Account,
  request: HttpRequest,
) -> Result<(String, Value), Failure> {
  let response = transport::post(request).await.map_err(|error| Failure {
    stage: transport_stage(&error),
    error: error.into_connector_error(),
  })?;
  let value = account.read_answer(&response).map_err(|error| Failure {
    stage: Stage::Answered,
    error,
  })?;
  // The reader parsed the body as JSON, so it is UTF-8; pass it on unchanged.
  Ok((String::from_utf8_lossy(&response.body).into_owned(), value))
}

/// How far a request got when the transport failed.
pub fn transport_stage(error: &TransportError) -> Stage {
  match error {
    // The connection was never made, or the request never built.
    TransportError::Connect { .. } | TransportError::Request(_) => Stage::NotSent,
    TransportError::Timeout(_) | TransportError::AfterSend(_) | TransportError::TooLarge => {
      Stage::MaybeSent
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
