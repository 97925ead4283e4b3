//! The routing connector (CONTRACT §8): one Logto SMS connector over several
//! provider accounts. Each send takes the route whose prefix best matches the
//! recipient and tries its accounts in order, moving to the next one only
//! after a definite refusal about the account or the destination
//! (`refusal::scope`): a message that may have been delivered is never sent
//! again through another account, and a refusal about the recipient (an
//! invalid number, its per-number throttle) ends the send, since another
//! account would only add another per-number quota for an SMS-bombing bot.
//!
//! One call per `sendMessage` does it all (config, checks, routing, limits,
//! every attempt), so the glue stays as thin as the direct connectors'.

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
use crate::provider::{Checked, Scope};
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
  /// The failure's refusal scope; `None` when it sent or may have.
  scope: Option<Scope>,
  receipt: Receipt,
  ms: u64,
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
  /// The locale of the template the last account tried, when it has one.
  locale: Option<String>,
  /// Monitor mode: the budget that would have refused the send.
  limit: Option<&'static str>,
}

/// Sends one code through the router and reports it.
pub async fn send(config_json: &str, data_json: &str) -> Finished {
  let started = Instant::now();
  let data = send::read_data(data_json);
  let mut trace = Trace::default();
  let outcome = flow(config_json, &data, &mut trace).await;
  let e164_digits = trace.e164_digits.or_else(|| send::recipient_for_log(&data));
  let log = SendLog {
    provider: trace.last.as_ref().map(|(provider, _)| *provider),
    account: trace.last.as_ref().map(|(_, name)| name.as_str()),
    usage_type: data.as_ref().map_or("", |d| d.message_type.as_str()),
    e164_digits: e164_digits.as_deref(),
    outcome: outcome.code_str(),
    receipt: &trace.receipt,
    attempts: trace.attempts.as_deref(),
    limit: trace.limit,
    locale: trace.locale.as_deref(),
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
  // One mainland rule: the router's decides the E.164 form that routing,
  // the limits and every account use (the guard refuses an account whose
  // own rule differs).
  let e164 = send::e164_digits(to, config.strict_phone_region_number_check);
  trace.e164_digits = Some(e164.clone());
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
  // The limits count a send once, when an account is about to be tried:
  // a number no route takes, or whose accounts can build no request, counts
  // nothing (CONTRACT §9).
  let mut counted = false;
  for index in order {
    let account = &config.accounts[index];
    let started = Instant::now();
    let request = match prepare(account, data, to, code) {
      Ok((request, locale)) => {
        trace.locale = locale;
        request
      }
      Err(failure) => {
        let scope = refusal::scope(account.account.as_ref(), &failure);
        if scope == Some(Scope::Account) {
          cool_downs.record(&account.key, true, &config.failover, Instant::now());
        }
        tried.push(Tried {
          account,
          failure: Some(failure),
          scope,
          receipt: Receipt::default(),
          ms: send::elapsed_ms(started),
        });
        continue;
      }
    };
    if !counted {
      counted = true;
      if let Some(limits) = &config.limits {
        match limits::check_and_count(limits, &e164, data.ip.as_deref()).await {
          Ok(admitted) => trace.limit = admitted.would_refuse,
          Err(error) => return error.into(),
        }
      }
    }
    let attempt = send::deliver(account.account.as_ref(), request).await;
    let (answer, failure) = match attempt.result {
      Ok(answer) => (Some(answer), None),
      Err(failure) => (None, Some(failure)),
    };
    let scope = failure
      .as_ref()
      .and_then(|failure| refusal::scope(account.account.as_ref(), failure));
    // Only refusals about the account feed its cool-down; a success or a
    // possible delivery ends the run; destination and recipient refusals
    // leave it as it is (junk numbers must not push an account out).
    match scope {
      Some(Scope::Account) => {
        cool_downs.record(&account.key, true, &config.failover, Instant::now())
      }
      None => cool_downs.record(&account.key, false, &config.failover, Instant::now()),
      Some(Scope::Destination | Scope::Recipient) => {}
    }
    tried.push(Tried {
      account,
      failure,
      scope,
      receipt: attempt.receipt,
      ms: send::elapsed_ms(started),
    });
    if !matches!(scope, Some(Scope::Account | Scope::Destination)) {
      return finish(answer, tried, trace);
    }
  }
  finish(None, tried, trace)
}

/// One account's request for this message: its template for the usage type
/// and the user's locale, signed (with that template's locale, for the log
/// line); or why this account cannot send it (nothing sent).
fn prepare(
  account: &RouterAccount,
  data: &SendData,
  to: &str,
  code: &str,
) -> Result<(crate::transport::HttpRequest, Option<String>), Failure> {
  let templates = &account.account.common().templates;
  let template =
    template::find(templates, &data.message_type, data.locale.as_deref()).map_err(|error| {
      Failure {
        stage: Stage::NotSent,
        error,
      }
    })?;
  let request = send::prepare(account.account.as_ref(), &Checked { template, to, code })?;
  Ok((request, template.locale.clone()))
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
  // The last attempt's error as the user sees it: its description, `Code`
  // and `RequestId`; the earlier attempts' messages and every account name
  // stay in the log line (Logto passes `error.data` to the browser).
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

/// `error.data.attempts[]`: `{ type, code, providerCode?, scope? }`, no
/// account name and no provider message (CONTRACT §5).
fn error_entry(tried: &Tried<'_>) -> Option<Value> {
  let failure = tried.failure.as_ref()?;
  let mut entry = Map::new();
  entry.insert("type".into(), tried.account.provider.name.into());
  entry.insert("code".into(), failure.error.code.as_str().into());
  if let Some(code) = refusal::provider_code(&failure.error) {
    entry.insert("providerCode".into(), code.into());
  }
  if let Some(scope) = tried.scope {
    entry.insert("scope".into(), scope.as_str().into());
  }
  Some(Value::Object(entry))
}

/// The log line's `attempts`: who was tried, what came of it and how long it
/// took; a failed attempt also with its scope and the provider's ids (never
/// its message, which may repeat the number). The account that sent has its
/// ids at the top of the line. Written as text: this runs on every send.
fn log_attempts(tried: &[Tried<'_>]) -> String {
  let mut text = String::with_capacity(128 * tried.len());
  text.push('[');
  for (index, tried) in tried.iter().enumerate() {
    if index > 0 {
      text.push(',');
    }
    text.push_str(r#"{"name":"#);
    push_json_string(&mut text, &tried.account.name);
    text.push_str(r#","type":"#);
    push_json_string(&mut text, tried.account.provider.name);
    text.push_str(r#","outcome":"#);
    match &tried.failure {
      None => text.push_str(r#""sent""#),
      Some(failure) => push_json_string(&mut text, failure.error.code.as_str()),
    }
    if let Some(scope) = tried.scope {
      text.push_str(r#","scope":"#);
      push_json_string(&mut text, scope.as_str());
    }
    if tried.failure.is_some() {
      if let Some(code) = &tried.receipt.code {
        text.push_str(r#","Code":"#);
        push_json_string(&mut text, code);
      }
      if let Some(id) = &tried.receipt.request_id {
        text.push_str(r#","RequestId":"#);
        push_json_string(&mut text, id);
      }
    }
    text.push_str(&format!(r#","ms":{}}}"#, tried.ms));
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
