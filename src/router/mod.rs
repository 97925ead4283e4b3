//! The routing connector (CONTRACT §8): one Logto SMS connector over several
//! provider accounts. Each send takes the route whose prefix best matches the
//! recipient and tries its accounts in order, moving to the next one only
//! after a definite refusal (`refusal::is_definite`): a message that may have
//! been delivered is never sent again through another account.
//!
//! One call per `sendMessage` does it all (config, checks, routing, every
//! attempt), so the glue stays as thin as the direct connectors'.

pub mod config;
pub mod cool_down;
pub mod routes;

use std::time::Instant;

use serde_json::{Map, Value};

use crate::calling_code::calling_code;
use crate::config::cache::ConfigCache;
use crate::config::{self as config_reader};
use crate::error::{ConnectorError, ErrorCode, ErrorData};
use crate::limits;
use crate::outcome::Outcome;
use crate::provider::Checked;
use crate::refusal::{self, Failure, Stage};
use crate::send::{self, Finished, SendData};
use crate::send_log::{Receipt, SendLog};
use crate::template;
use config::{RouterAccount, RouterConfig};

static CONFIGS: ConfigCache<RouterConfig> = ConfigCache::new();

/// One account tried, for `error.data.attempts` and the log line.
struct Tried<'a> {
  account: &'a RouterAccount,
  /// `None`: it sent.
  failure: Option<Failure>,
  receipt: Receipt,
}

/// What the send found out, for the log line.
#[derive(Default)]
struct Trace {
  e164_digits: Option<String>,
  /// Provider type and account name of the last account tried.
  last: Option<(&'static str, String)>,
  receipt: Receipt,
  /// The log line's `attempts`, as JSON text.
  attempts: Option<String>,
}

/// Sends one code through the router and reports it.
pub async fn send(config_json: &str, data_json: &str) -> Finished {
  let started = Instant::now();
  let data = send::read_data(data_json);
  let mut trace = Trace::default();
  let outcome = flow(config_json, &data, &mut trace).await;
  let log = SendLog {
    provider: trace.last.as_ref().map(|(provider, _)| *provider),
    account: trace.last.as_ref().map(|(_, name)| name.as_str()),
    usage_type: data.as_ref().map_or("", |d| d.message_type.as_str()),
    e164_digits: trace.e164_digits.as_deref(),
    outcome: outcome.code_str(),
    receipt: &trace.receipt,
    attempts: trace.attempts.as_deref(),
    ms: send::elapsed_ms(started),
  }
  .to_json();
  Finished { outcome, log }
}

async fn flow(
  config_json: &str,
  data: &Result<SendData, ConnectorError>,
  trace: &mut Trace,
) -> Outcome {
  let config = match CONFIGS.get_or_parse(config_json, |text| {
    config_reader::read_json(text)
      .and_then(|value| config::parse(&value))
      .map(|parsed| parsed.config)
  }) {
    Ok(config) => config,
    Err(issues) => return Outcome::InvalidConfig(issues),
  };
  let data = match data {
    Ok(data) => data,
    Err(error) => return error.clone().into(),
  };
  // What every account would refuse alike is refused before routing.
  let (to, code) = match send::check_recipient_and_code(data) {
    Ok(checked) => checked,
    Err(error) => return error.into(),
  };
  let e164 = send::e164_digits(to, config.strict_phone_region_number_check);
  trace.e164_digits = Some(e164.clone());
  // The send limits: once per send, before routing, whatever the attempts.
  if let Some(limits) = &config.limits {
    if let Err(error) = limits::check_and_count(limits, &e164, data.ip.as_deref())
      .await
      .map(|_| ())
    {
      return error.into();
    }
  }
  let Some(route) = routes::pick(&config.routes, &e164) else {
    return no_route(&e164).into();
  };

  let cool_downs = cool_down::shared();
  let candidates: Vec<(usize, &[u8; 32])> = route
    .accounts
    .iter()
    .map(|&index| (index, &config.accounts[index].key))
    .collect();
  let order = cool_downs.order(&candidates, Instant::now());
  let mut tried: Vec<Tried<'_>> = Vec::with_capacity(order.len());
  for index in order {
    let account = &config.accounts[index];
    let attempt = attempt(account, data, to, code).await;
    let definite = attempt
      .tried
      .failure
      .as_ref()
      .is_some_and(|failure| refusal::is_definite(account.provider, failure));
    cool_downs.record(&account.key, definite, &config.failover, Instant::now());
    let answer = attempt.answer;
    tried.push(attempt.tried);
    if !definite {
      return finish(answer, tried, trace);
    }
  }
  finish(None, tried, trace)
}

struct Attempted<'a> {
  tried: Tried<'a>,
  /// The provider's answer, when it sent.
  answer: Option<String>,
}

/// One account: its template for the usage type, then the send.
async fn attempt<'a>(
  account: &'a RouterAccount,
  data: &SendData,
  to: &str,
  code: &str,
) -> Attempted<'a> {
  let templates = &account.account.common().templates;
  let template = match template::find(templates, &data.message_type) {
    Ok(template) => template,
    Err(error) => {
      return Attempted {
        tried: Tried {
          account,
          failure: Some(Failure {
            stage: Stage::NotSent,
            error,
          }),
          receipt: Receipt::default(),
        },
        answer: None,
      }
    }
  };
  let message = Checked { template, to, code };
  let attempt = send::attempt(account.account.as_ref(), &message).await;
  let (answer, failure) = match attempt.result {
    Ok(answer) => (Some(answer), None),
    Err(failure) => (None, Some(failure)),
  };
  Attempted {
    tried: Tried {
      account,
      failure,
      receipt: attempt.receipt,
    },
    answer,
  }
}

/// The outcome after the last attempt: its answer, or its error with every
/// attempt listed in `data.attempts`.
fn finish(answer: Option<String>, mut tried: Vec<Tried<'_>>, trace: &mut Trace) -> Outcome {
  trace.attempts = Some(log_attempts(&tried));
  let Some(last) = tried.last_mut() else {
    return Outcome::internal("a route without accounts");
  };
  trace.last = Some((last.account.provider.name, last.account.name.clone()));
  trace.receipt = std::mem::take(&mut last.receipt);
  if let Some(answer) = answer {
    return Outcome::Sent(answer);
  }
  let attempts: Vec<Value> = tried.iter().filter_map(error_entry).collect();
  let Some(failure) = tried.last().and_then(|last| last.failure.as_ref()) else {
    return Outcome::internal("an attempt with neither answer nor failure");
  };
  let mut data = match &failure.error.data {
    ErrorData::Fields(map) => map.clone(),
    // A bare message (the official `TemplateNotFound` text) becomes the description.
    ErrorData::Message(message) => {
      let mut map = Map::new();
      map.insert("errorDescription".into(), Value::String(message.clone()));
      map
    }
  };
  data.insert("attempts".into(), Value::Array(attempts));
  Outcome::Failed(ConnectorError {
    code: failure.error.code,
    data: ErrorData::Fields(data),
  })
}

/// `error.data.attempts[]`: `{ provider, type, code, providerCode?, errorDescription }`.
fn error_entry(tried: &Tried<'_>) -> Option<Value> {
  let failure = tried.failure.as_ref()?;
  let mut entry = Map::new();
  entry.insert("provider".into(), tried.account.name.clone().into());
  entry.insert("type".into(), tried.account.provider.name.into());
  entry.insert("code".into(), failure.error.code.as_str().into());
  if let Some(code) = refusal::provider_code(&failure.error) {
    entry.insert("providerCode".into(), code.into());
  }
  entry.insert(
    "errorDescription".into(),
    failure.error.description().unwrap_or_default().into(),
  );
  Some(Value::Object(entry))
}

/// The log line's `attempts`: who was tried and what came of it; a failed
/// attempt also with the provider's ids (never its message, which may repeat
/// the number). The account that sent has its ids at the top of the line.
/// Written as text: this runs on every send.
fn log_attempts(tried: &[Tried<'_>]) -> String {
  let mut text = String::with_capacity(96 * tried.len());
  text.push('[');
  for (index, tried) in tried.iter().enumerate() {
    if index > 0 {
      text.push(',');
    }
    text.push_str(r#"{"provider":"#);
    push_json_string(&mut text, &tried.account.name);
    text.push_str(r#","type":"#);
    push_json_string(&mut text, tried.account.provider.name);
    text.push_str(r#","outcome":"#);
    let Some(failure) = &tried.failure else {
      text.push_str(r#""sent"}"#);
      continue;
    };
    push_json_string(&mut text, failure.error.code.as_str());
    if let Some(code) = &tried.receipt.code {
      text.push_str(r#","Code":"#);
      push_json_string(&mut text, code);
    }
    if let Some(id) = &tried.receipt.request_id {
      text.push_str(r#","RequestId":"#);
      push_json_string(&mut text, id);
    }
    text.push('}');
  }
  text.push(']');
  text
}

fn push_json_string(text: &mut String, value: &str) {
  // Serializing a string cannot fail.
  text.push_str(&serde_json::to_string(value).unwrap_or_default());
}

/// No route takes the number: nothing is sent.
fn no_route(e164_digits: &str) -> ConnectorError {
  let description = match calling_code(e164_digits) {
    Some(code) => format!(
      "No route of the SMS router takes numbers of +{code}: add a route whose prefixes match it (or \"*\" for any number). Nothing was sent."
    ),
    None => "No route of the SMS router takes this number, whose country code is not an assigned one: add a route with \"*\" to send to any number. Nothing was sent.".to_owned(),
  };
  let error = ConnectorError::new(ErrorCode::InvalidRequestParameters, description);
  match calling_code(e164_digits) {
    Some(code) => error.with("country", code),
    None => error,
  }
}
