//! The N-API exports of doctor and trace. Each takes JSON text and resolves
//! to JSON text, never rejects for a provider's failure, and turns a panic
//! into an ordinary failure document (nothing unwinds into Node).

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{json, Value};

use super::{doctor, trace};
use crate::config;

/// `kind` as the command line names the connectors.
fn known(kind: &str) -> Result<()> {
  match kind {
    "aliyun" | "tencent" | "router" => Ok(()),
    _ => Err(Error::new(
      Status::InvalidArg,
      format!("unknown connector kind {kind:?}"),
    )),
  }
}

/// The config as a JSON value; a text that is not JSON is the config's
/// first issue, read by the guard like any other.
fn read_config(config_json: &str) -> Value {
  config::read_json(config_json)
    .ok()
    .unwrap_or_else(|| Value::String(config_json.to_owned()))
}

async fn guarded<F>(future: F) -> String
where
  F: Future<Output = Value>,
{
  match AssertUnwindSafe(future).catch_unwind().await {
    Ok(value) => value.to_string(),
    Err(_) => json!({ "internal": "a panic was caught; nothing was sent" }).to_string(),
  }
}

/// Runs the doctor's checks for a config of `kind` (`aliyun`, `tencent`,
/// `router`); resolves to `{"checks":[…]}`.
#[napi]
pub async fn sms_doctor(kind: String, config_json: String) -> Result<String> {
  known(&kind)?;
  Ok(
    guarded(async move {
      let value = read_config(&config_json);
      let checks = doctor::run(&kind, &value).await;
      json!({ "checks": checks })
    })
    .await,
  )
}

/// Asks the provider what became of the messages to `query.phone` on
/// `query.date` (`{"phone","date"?,"id"?}`); resolves to `{"ok":true,"date",
/// "messages"}`, `{"ok":false,"error"}` or `{"usage":"…"}` (bad usage).
#[napi]
pub async fn sms_trace(kind: String, config_json: String, query_json: String) -> Result<String> {
  known(&kind)?;
  Ok(
    guarded(async move {
      let value = read_config(&config_json);
      let query: Value = serde_json::from_str(&query_json).unwrap_or(Value::Null);
      let text = |key: &str| query.get(key).and_then(Value::as_str).map(str::to_owned);
      let query = trace::Query {
        phone: text("phone").unwrap_or_default(),
        date: text("date"),
        id: text("id"),
      };
      trace::run(&kind, &value, &query).await.to_json()
    })
    .await,
  )
}
