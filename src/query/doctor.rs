//! `doctor`: the checks of CONTRACT §11 for one connector config, in the
//! order they are printed: `config`, `credentials`, `clock`, `sign`,
//! `template:*`, then `store` (limits only) and `routes` (router only).
//!
//! The config is read by the connector's own guard, so `config` passes
//! exactly when Logto would accept the config. Every provider call is a
//! read-only query (see `query`); the answers decide the other checks.

use std::collections::HashMap;

use serde_json::Value;
use time::OffsetDateTime;

use super::aliyun::{self as aliyun_query, KeyVerdict};
use super::check::{Check, Status};
use super::tencent as tencent_query;
use super::{call, clock, int_of, provider_code, text_of, Called};
use crate::config::aliyun::{AliyunConfig, Site};
use crate::config::tencent::TencentConfig;
use crate::config::{self, Issue, PathSeg};
use crate::direct;
use crate::error::{ConnectorError, ErrorCode};
use crate::router;
use crate::template::{Template, TemplateCode};

pub mod store;
pub mod text;

/// The checks of a config for `kind` (`aliyun`, `tencent` or `router`).
pub async fn run(kind: &str, value: &Value) -> Vec<Check> {
  match kind {
    "aliyun" => aliyun(value).await,
    "tencent" => tencent(value).await,
    _ => router_checks(value).await,
  }
}

const FIX_CONFIG: &str = "Correct the keys listed in the connector's config (Logto console → Connectors), then run the doctor again.";

fn config_fail(issues: &[Issue]) -> Check {
  let listed: Vec<String> = issues
    .iter()
    .map(|issue| {
      let path: Vec<String> = issue
        .path
        .iter()
        .map(|seg| match seg {
          PathSeg::Key(key) => key.clone(),
          PathSeg::Index(index) => index.to_string(),
        })
        .collect();
      let at = if path.is_empty() {
        "(the config)".to_owned()
      } else {
        path.join(".")
      };
      format!("{at}: {}", issue.message)
    })
    .collect();
  Check::fail(
    "config",
    format!(
      "the connector's guard refuses the config: {}",
      listed.join("; ")
    ),
    FIX_CONFIG,
  )
}

fn config_pass() -> Check {
  Check::pass("config", "the config passes the connector's own guard")
}

/// When `config` fails, every other check is skipped.
fn invalid_config(issues: &[Issue], value: &Value, ids: &[&str]) -> Vec<Check> {
  let mut checks = vec![config_fail(issues)];
  checks.extend(
    ids
      .iter()
      .map(|id| Check::skip(*id, "the config is invalid")),
  );
  if value.get("limits").is_some_and(|l| !l.is_null() && l != "") {
    checks.push(Check::skip("store", "the config is invalid"));
  }
  checks
}

async fn aliyun(value: &Value) -> Vec<Check> {
  match direct::parse(value, config::aliyun::parse) {
    Ok(parsed) => {
      let mut checks = vec![config_pass()];
      checks.extend(aliyun_account(&parsed.config.account).await);
      checks.extend(store::check(parsed.config.limits.as_ref()).await);
      checks
    }
    Err(issues) => invalid_config(&issues, value, &["credentials", "clock", "sign"]),
  }
}

async fn tencent(value: &Value) -> Vec<Check> {
  match direct::parse(value, config::tencent::parse) {
    Ok(parsed) => {
      let mut checks = vec![config_pass()];
      checks.extend(tencent_account(&parsed.config.account).await);
      checks.extend(store::check(parsed.config.limits.as_ref()).await);
      checks
    }
    Err(issues) => invalid_config(&issues, value, &["credentials", "clock", "sign"]),
  }
}

/// What the first call said about the key.
struct Access {
  check: Check,
  /// The other checks may trust query answers.
  may_query: bool,
  /// The provider refused the request time.
  clock_refused: bool,
  /// Why the sign and template checks are skipped when `may_query` is false.
  reason: String,
  /// The key may send but not query: sign and templates are `warn`/`skip`.
  cannot_query: bool,
}

const FIX_KEY: &str = "Check accessKeyId and accessKeySecret: copy them again from the provider's console (a disabled, deleted or mistyped key is refused).";
const FIX_RETRY: &str = "Run the doctor again in a while; if it keeps happening, check `endpoint` and the provider's status page.";

fn fix_cannot_query(provider: &str) -> String {
  match provider {
    "aliyun" => "Grant the key read access to SMS to let the doctor verify the setup (RAM: the dysms:GetSmsSign, dysms:GetSmsTemplate and dysms:QuerySendDetails actions, or the AliyunDysmsReadOnlyAccess policy); sending needs only dysms:SendSms.".to_owned(),
    _ => "Grant the key read access to SMS to let the doctor verify the setup (CAM: sms:DescribeSmsTemplateList and sms:PullSmsSendStatusByPhoneNumber, or the QcloudSMSReadOnlyAccess policy); sending needs only sms:SendSms.".to_owned(),
  }
}

/// The `credentials` check from the first query's outcome.
fn access(
  called: &Called,
  verdict: fn(&str) -> KeyVerdict,
  provider: &str,
  action: &str,
  host: &str,
) -> Access {
  let description = |called: &Called| {
    called
      .result
      .as_ref()
      .err()
      .and_then(|e| e.description())
      .unwrap_or("")
      .to_owned()
  };
  let unsure = |detail: String| Access {
    check: Check::warn("credentials", detail, FIX_RETRY),
    may_query: false,
    clock_refused: false,
    reason: "the provider's answer could not be read (credentials)".into(),
    cannot_query: false,
  };
  // The request could not be built from the config (a key an HTTP header
  // cannot carry): nothing was sent, and the config is what to fix.
  if let Err(error) = &called.result {
    if !called.reached && error.code == ErrorCode::InvalidConfig {
      return Access {
        check: Check::fail("credentials", description(called), FIX_KEY),
        may_query: false,
        clock_refused: false,
        reason: "the request could not be built (credentials)".into(),
        cannot_query: false,
      };
    }
  }
  if !called.reached {
    return Access {
      check: Check::fail(
        "credentials",
        format!("the provider at {host} could not be reached: {}", description(called)),
        format!("Check that this host can reach {host} over HTTPS (DNS, firewall, an HTTPS_PROXY) and that `endpoint` is right."),
      ),
      may_query: false,
      clock_refused: false,
      reason: "the provider could not be reached (credentials)".into(),
      cannot_query: false,
    };
  }
  let error = match &called.result {
    Ok(_) => {
      return Access {
        check: Check::pass(
          "credentials",
          format!("the key was accepted ({action} answered)"),
        ),
        may_query: true,
        clock_refused: false,
        reason: String::new(),
        cannot_query: false,
      }
    }
    Err(error) => error,
  };
  let Some(code) = provider_code(error) else {
    return unsure(format!(
      "the key could not be verified: {}",
      description(called)
    ));
  };
  match verdict(code) {
    KeyVerdict::Refused => Access {
      check: Check::fail(
        "credentials",
        format!(
          "the provider refused the key: {code}: {}",
          description(called)
        ),
        FIX_KEY,
      ),
      may_query: false,
      clock_refused: false,
      reason: "the key was refused (credentials)".into(),
      cannot_query: false,
    },
    KeyVerdict::CannotQuery => Access {
      check: Check::warn(
        "credentials",
        format!(
          "cannot verify: the key may not call {action} ({code}); it may still be allowed to send"
        ),
        fix_cannot_query(provider),
      ),
      may_query: false,
      clock_refused: false,
      reason: format!("cannot verify: the key may not query ({code}, see credentials)"),
      cannot_query: true,
    },
    KeyVerdict::Clock => Access {
      check: Check::skip(
        "credentials",
        "the provider refused the request time before checking the key (see clock)",
      ),
      may_query: false,
      clock_refused: true,
      reason: "the provider refused the request time (see clock)".into(),
      cannot_query: false,
    },
    KeyVerdict::Other
      if called.status.is_some_and(|s| s >= 500) || error.code == ErrorCode::RateLimitExceeded =>
    {
      unsure(format!(
        "the key could not be verified: {code}: {}",
        description(called)
      ))
    }
    KeyVerdict::Other => Access {
      check: Check::pass(
        "credentials",
        format!("the key was accepted ({action} answered {code})"),
      ),
      may_query: true,
      clock_refused: false,
      reason: String::new(),
      cannot_query: false,
    },
  }
}

/// A check that could not be made because the key may not query, or for
/// another reason (`access.reason`).
fn not_checked(id: &str, access: &Access, provider: &str) -> Check {
  if access.cannot_query {
    Check::warn(id, access.reason.clone(), fix_cannot_query(provider))
  } else {
    Check::skip(id, access.reason.clone())
  }
}

/// Which of a `{ china, overseas }` code a template id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
  Any,
  China,
  Overseas,
}

/// `template:<usageType>[:china|:overseas][:<locale>]` and its code, each id once: of
/// two templates with one id, the one the connector would choose (the first).
fn template_ids(templates: &[Template]) -> Vec<(String, String, Region)> {
  let mut out: Vec<(String, String, Region)> = Vec::new();
  for template in templates {
    let base = format!("template:{}", template.usage_type);
    let entries = match &template.code {
      TemplateCode::Single(code) => vec![(base, code.clone(), Region::Any)],
      TemplateCode::Regional { china, overseas } => vec![
        (format!("{base}:china"), china.clone(), Region::China),
        (
          format!("{base}:overseas"),
          overseas.clone(),
          Region::Overseas,
        ),
      ],
    };
    for (id, code, region) in entries {
      let id = with_locale(id, template);
      // Two templates with one id (locales compare case-insensitively): the
      // first listed is the one a send chooses (CONTRACT §4), so it is checked.
      if !out
        .iter()
        .any(|(known, ..)| known.eq_ignore_ascii_case(&id))
      {
        out.push((id, code, region));
      }
    }
  }
  out
}

/// A template check's id ends in `:<locale>` when the template has one.
fn with_locale(id: String, template: &Template) -> String {
  match &template.locale {
    Some(locale) => format!("{id}:{locale}"),
    None => id,
  }
}

fn host_of(url: &reqwest::Url) -> String {
  url.host_str().unwrap_or("the endpoint").to_owned()
}

/// The checks of an Aliyun account (both sites), after `config`.
pub async fn aliyun_account(config: &AliyunConfig) -> Vec<Check> {
  if config.site == Site::International {
    return aliyun_international(config).await;
  }
  let host = host_of(&config.common.endpoint);
  let sign_call = call(
    aliyun_query::get_sms_sign(config, OffsetDateTime::now_utc()),
    aliyun_query::read_2017,
  )
  .await;
  let local = OffsetDateTime::now_utc();
  let access = access(
    &sign_call,
    aliyun_query::key_verdict,
    "aliyun",
    "GetSmsSign",
    &host,
  );
  let mut dates = vec![sign_call.date.clone()];
  let mut checks = vec![access.check.clone()];
  checks.push(if access.may_query {
    sign_check(&sign_call, &config.common.sign_name)
  } else {
    not_checked("sign", &access, "aliyun")
  });
  let mut answers: HashMap<String, Called> = HashMap::new();
  for (id, code, _) in template_ids(&config.common.templates) {
    if !access.may_query {
      checks.push(not_checked(&id, &access, "aliyun"));
      continue;
    }
    if !answers.contains_key(&code) {
      let called = call(
        aliyun_query::get_sms_template(config, &code, OffsetDateTime::now_utc()),
        aliyun_query::read_2017,
      )
      .await;
      dates.push(called.date.clone());
      answers.insert(code.clone(), called);
    }
    if let Some(called) = answers.get(&code) {
      checks.push(aliyun_template_check(
        &id,
        &code,
        called,
        &config.common.sign_name,
      ));
    }
  }
  let date = dates.into_iter().flatten().next();
  checks.insert(
    1,
    clock::check(
      date.as_deref(),
      local,
      15 * 60,
      "15 minutes",
      access.clock_refused,
    ),
  );
  checks
}

const FIX_SIGN: &str = "Set signName to the exact name of an approved signature of this account (Aliyun console → Short Message Service → Signatures), or get this one approved.";

fn sign_check(called: &Called, sign_name: &str) -> Check {
  let body = match &called.result {
    Ok(body) => body,
    Err(error) => {
      let code = provider_code(error).unwrap_or("no code");
      return Check::fail(
        "sign",
        format!(
          "signature “{sign_name}” was not found or cannot be used: {code}: {}",
          error.description().unwrap_or("")
        ),
        FIX_SIGN,
      );
    }
  };
  let reject = body
    .get("AuditInfo")
    .and_then(|a| a.get("RejectInfo"))
    .and_then(Value::as_str)
    .or_else(|| body.get("Reason").and_then(Value::as_str))
    .filter(|r| !r.is_empty())
    .unwrap_or("no reason given");
  match int_of(body.get("SignStatus")) {
    Some(1) => Check::pass("sign", format!("signature “{sign_name}” is approved")),
    Some(0) => Check::fail(
      "sign",
      format!("signature “{sign_name}” is in review"),
      "Wait for the review to finish (Aliyun reviews signatures within about 2 hours, 9:00–21:00 China time), or set signName to an approved signature.",
    ),
    Some(2) => Check::fail("sign", format!("signature “{sign_name}” was rejected: {reject}"), FIX_SIGN),
    Some(10) => Check::fail("sign", format!("the review of signature “{sign_name}” was cancelled"), FIX_SIGN),
    Some(other) => Check::fail("sign", format!("signature “{sign_name}” has status {other}, not approved (1)"), FIX_SIGN),
    None => Check::fail("sign", format!("signature “{sign_name}” was not found"), FIX_SIGN),
  }
}

const FIX_TEMPLATE_ALIYUN: &str = "Use an approved verification-code template whose only variable is ${code} (Aliyun console → Short Message Service → Templates), applied for with this signName, and put its code in templates[].templateCode.";

/// `${name}` variables of a template text, each once, in order.
fn dollar_variables(content: &str) -> Vec<String> {
  let mut out: Vec<String> = Vec::new();
  let mut rest = content;
  while let Some(start) = rest.find("${") {
    let after = &rest[start + 2..];
    let Some(end) = after.find('}') else { break };
    let name = after[..end].trim().to_owned();
    if !out.contains(&name) {
      out.push(name);
    }
    rest = &after[end + 1..];
  }
  out
}

/// What is wrong with a template's variables, given the ones it has and the
/// one the connector fills.
fn variable_problem(
  variables: &[String],
  filled: &str,
  shown: fn(&str) -> String,
) -> Option<String> {
  match variables {
    [only] if only == filled => None,
    [] => Some(format!(
      "has no variable: the connector fills {}",
      shown(filled)
    )),
    _ if !variables.iter().any(|v| v == filled) => Some(format!(
      "its variable is {}, but the connector fills {}",
      variables
        .iter()
        .map(|v| shown(v))
        .collect::<Vec<_>>()
        .join(", "),
      shown(filled)
    )),
    _ => Some(format!(
      "has a second variable {}: the connector fills only {}",
      variables
        .iter()
        .filter(|v| *v != filled)
        .map(|v| shown(v))
        .collect::<Vec<_>>()
        .join(", "),
      shown(filled)
    )),
  }
}

/// How one provider's template query is named in a check.
struct TemplateQuery {
  provider: &'static str,
  action: &'static str,
  key_verdict: fn(&str) -> KeyVerdict,
  /// The provider's own answer for a template it does not have.
  not_found: &'static str,
  fix: &'static str,
}

/// The check of a template whose query failed: the key may not make it
/// (warn), no answer or a server error (warn, try again), else the provider
/// refused the template (fail).
fn failed_template_query(
  id: &str,
  query: &TemplateQuery,
  code: &str,
  called: &Called,
  error: &ConnectorError,
) -> Check {
  let provider = provider_code(error);
  if provider.is_some_and(|c| (query.key_verdict)(c) == KeyVerdict::CannotQuery) {
    return Check::warn(
      id,
      format!(
        "cannot verify template {code}: the key may not call {}",
        query.action
      ),
      fix_cannot_query(query.provider),
    );
  }
  if provider.is_none() || called.status.is_some_and(|s| s >= 500) {
    return Check::warn(
      id,
      format!(
        "template {code} could not be checked: {}",
        error.description().unwrap_or("")
      ),
      FIX_RETRY,
    );
  }
  Check::fail(
    id,
    format!(
      "template {code} {}: {}: {}",
      query.not_found,
      provider.unwrap_or(""),
      error.description().unwrap_or("")
    ),
    query.fix,
  )
}

fn aliyun_template_check(id: &str, code: &str, called: &Called, sign_name: &str) -> Check {
  let body = match &called.result {
    Ok(body) => body,
    Err(error) => {
      return failed_template_query(
        id,
        &TemplateQuery {
          provider: "aliyun",
          action: "GetSmsTemplate",
          key_verdict: aliyun_query::key_verdict,
          not_found: "was not found",
          fix: FIX_TEMPLATE_ALIYUN,
        },
        code,
        called,
        error,
      )
    }
  };
  let mut problems: Vec<String> = Vec::new();
  match text_of(body.get("TemplateStatus")).as_deref() {
    Some("1") => {}
    Some("0") => problems.push("is in review".into()),
    Some("2") => {
      let reason = body
        .get("AuditInfo")
        .and_then(|a| a.get("RejectInfo"))
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
        .unwrap_or("no reason given");
      problems.push(format!("was rejected: {reason}"));
    }
    Some("10") => problems.push("its review was cancelled".into()),
    Some(other) => problems.push(format!("has status {other}, not approved (1)")),
    None => problems.push("was not found".into()),
  }
  let kind = text_of(body.get("TemplateType"));
  let intl = int_of(body.get("IntlType"));
  let verification = match kind.as_deref() {
    Some("0") => true,
    Some("3") => intl == Some(2),
    _ => false,
  };
  if !verification && kind.is_some() {
    let kind_text = match (kind.as_deref(), intl) {
      (Some("3"), Some(n)) => format!("TemplateType 3, IntlType {n}"),
      (Some(k), _) => format!("TemplateType {k}"),
      (None, _) => "no TemplateType".into(),
    };
    problems.push(format!("is not a verification-code template ({kind_text})"));
  }
  match body.get("TemplateContent").and_then(Value::as_str) {
    Some(content) => {
      if let Some(problem) =
        variable_problem(&dollar_variables(content), "code", |v| format!("${{{v}}}"))
      {
        problems.push(problem);
      }
    }
    None if problems.is_empty() => problems.push("its content was not in the answer".into()),
    None => {}
  }
  if let Some(declared) = variable_attribute_keys(body.get("VariableAttribute")) {
    if declared != ["code"] {
      problems.push(format!(
        "its VariableAttribute declares {}",
        declared.join(", ")
      ));
    }
  }
  if let Some(related) = body
    .get("RelatedSignName")
    .and_then(Value::as_str)
    .filter(|s| !s.is_empty())
  {
    if related != sign_name {
      problems.push(format!(
        "was applied for with signature “{related}”, not signName “{sign_name}”"
      ));
    }
  }
  if problems.is_empty() {
    Check::pass(
      id,
      format!(
        "template {code} is an approved verification-code template with the one variable ${{code}}"
      ),
    )
  } else {
    Check::fail(
      id,
      format!("template {code} {}", problems.join("; ")),
      FIX_TEMPLATE_ALIYUN,
    )
  }
}

/// The variables `VariableAttribute` declares (JSON text or an object); `None`
/// when absent (it is checked only when present).
fn variable_attribute_keys(value: Option<&Value>) -> Option<Vec<String>> {
  let parsed = match value? {
    Value::String(text) if text.trim().is_empty() => return None,
    Value::String(text) => serde_json::from_str::<Value>(text).ok()?,
    Value::Object(_) => value?.clone(),
    _ => return None,
  };
  let mut keys: Vec<String> = parsed.as_object()?.keys().cloned().collect();
  keys.sort();
  Some(keys)
}

/// International-site accounts: the key through `QueryMessage` for a made-up
/// id (a not-found answer proves it); no signature or template query API.
async fn aliyun_international(config: &AliyunConfig) -> Vec<Check> {
  const MADE_UP_ID: &str = "0";
  let host = host_of(&config.common.endpoint);
  let called = call(
    aliyun_query::query_message(config, MADE_UP_ID, OffsetDateTime::now_utc()),
    aliyun_query::read_2018,
  )
  .await;
  let local = OffsetDateTime::now_utc();
  let access = access(
    &called,
    aliyun_query::key_verdict,
    "aliyun",
    "QueryMessage",
    &host,
  );
  let mut checks = vec![
    access.check.clone(),
    clock::check(
      called.date.as_deref(),
      local,
      15 * 60,
      "15 minutes",
      access.clock_refused,
    ),
    Check::skip(
      "sign",
      "international-site accounts have no signature query API",
    ),
  ];
  let mut seen: Vec<String> = Vec::new();
  for template in &config.common.templates {
    let id = with_locale(format!("template:{}", template.usage_type), template);
    // Two templates with one id: the first listed is the one sent (§4).
    if seen.iter().any(|known| known.eq_ignore_ascii_case(&id)) {
      continue;
    }
    seen.push(id.clone());
    checks.push(match &template.message {
      Some(message) => text::check(&id, message),
      None => Check::skip(
        &id,
        "international-site template codes cannot be queried (no query API)",
      ),
    });
  }
  checks
}

/// Tencent: every template code through `DescribeSmsTemplateList`; the first
/// call also checks the key.
pub async fn tencent_account(config: &TencentConfig) -> Vec<Check> {
  let host = host_of(&config.common.endpoint);
  let ids = template_ids(&config.common.templates);
  // International 0 for string and `china` codes, 1 for `overseas` codes.
  let flag = |region: Region| u8::from(region == Region::Overseas);
  let mut groups: Vec<(u8, Vec<u64>)> = Vec::new();
  for (_, code, region) in &ids {
    let Ok(number) = code.trim().parse::<u64>() else {
      continue;
    };
    let flag = flag(*region);
    match groups.iter_mut().find(|(f, _)| *f == flag) {
      Some((_, list)) if !list.contains(&number) => list.push(number),
      Some(_) => {}
      None => groups.push((flag, vec![number])),
    }
  }
  if groups.is_empty() {
    groups.push((0, Vec::new()));
  }
  let mut calls: Vec<(u8, Vec<u64>, Called)> = Vec::new();
  let mut local = None;
  for (flag, numbers) in groups {
    let chunks: Vec<Vec<u64>> = if numbers.is_empty() {
      vec![Vec::new()]
    } else {
      numbers
        .chunks(tencent_query::TEMPLATE_IDS_PER_CALL)
        .map(<[u64]>::to_vec)
        .collect()
    };
    for chunk in chunks {
      let now = OffsetDateTime::now_utc();
      let called =
        match tencent_query::describe_templates(config, flag, &chunk, now.unix_timestamp()) {
          Ok(request) => call(request, tencent_query::read).await,
          Err(error) => Called {
            result: Err(error),
            reached: false,
            status: None,
            date: None,
          },
        };
      local.get_or_insert_with(OffsetDateTime::now_utc);
      let stop = calls.is_empty() && !called.reached;
      calls.push((flag, chunk, called));
      if stop {
        break;
      }
    }
  }
  let Some((_, _, first)) = calls.first() else {
    return Vec::new();
  };
  let access = access(
    first,
    tencent_query::key_verdict,
    "tencent",
    "DescribeSmsTemplateList",
    &host,
  );
  let date = calls.iter().find_map(|(_, _, c)| c.date.clone());
  let mut checks = vec![
    access.check.clone(),
    clock::check(
      date.as_deref(),
      local.unwrap_or_else(OffsetDateTime::now_utc),
      5 * 60,
      "5 minutes",
      access.clock_refused,
    ),
    Check::skip(
      "sign",
      "Tencent looks signatures up by id only; a send checks signName",
    ),
  ];
  for (id, code, region) in &ids {
    let Ok(number) = code.trim().parse::<u64>() else {
      checks.push(Check::fail(
        id.clone(),
        format!("template id “{code}” is not a number: Tencent template ids are numbers"),
        FIX_TEMPLATE_TENCENT,
      ));
      continue;
    };
    if !access.may_query {
      checks.push(not_checked(id, &access, "tencent"));
      continue;
    }
    let flag = flag(*region);
    let Some((_, _, called)) = calls
      .iter()
      .find(|(f, chunk, _)| *f == flag && chunk.contains(&number))
    else {
      checks.push(Check::skip(
        id.clone(),
        "its query was not made (an earlier call failed)",
      ));
      continue;
    };
    checks.push(tencent_template_check(id, number, flag, called));
  }
  checks
}

const FIX_TEMPLATE_TENCENT: &str = "Use an approved verification-code template whose only variable is {1} (Tencent Cloud console → SMS → Body Templates; mainland and global templates are separate, a { china, overseas } code takes a global one for overseas), and put its id in templates[].templateCode.";

fn tencent_template_check(id: &str, number: u64, flag: u8, called: &Called) -> Check {
  let scope = if flag == 1 { "global" } else { "mainland" };
  let response = match &called.result {
    Ok(response) => response,
    Err(error) => {
      return failed_template_query(
        id,
        &TemplateQuery {
          provider: "tencent",
          action: "DescribeSmsTemplateList",
          key_verdict: tencent_query::key_verdict,
          not_found: "could not be found",
          fix: FIX_TEMPLATE_TENCENT,
        },
        &number.to_string(),
        called,
        error,
      )
    }
  };
  let found = response
    .get("DescribeTemplateStatusSet")
    .and_then(Value::as_array)
    .and_then(|set| {
      set
        .iter()
        .find(|t| int_of(t.get("TemplateId")) == i64::try_from(number).ok())
    });
  let Some(template) = found else {
    return Check::fail(
      id,
      format!("template {number} is not among this app's {scope} templates (International {flag})"),
      FIX_TEMPLATE_TENCENT,
    );
  };
  let mut problems: Vec<String> = Vec::new();
  match int_of(template.get("StatusCode")) {
    Some(0) => {}
    Some(1) => problems.push("is in review".into()),
    Some(2) => problems.push("is approved but not yet in effect".into()),
    Some(-1) => {
      let reply = template
        .get("ReviewReply")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
        .unwrap_or("no reason given");
      problems.push(format!("was rejected: {reply}"));
    }
    Some(other) => problems.push(format!("has status {other}, not approved (0)")),
    None => problems.push("has no status in the answer".into()),
  }
  match template.get("TemplateContent").and_then(Value::as_str) {
    Some(content) => {
      if let Some(problem) = variable_problem(&brace_variables(content), "1", |v| format!("{{{v}}}")) {
        problems.push(problem);
      }
    }
    None if problems.is_empty() => {
      return Check::warn(
        id,
        format!("template {number} is approved; its content was not in the answer, so its variables could not be checked"),
        "Check in the console that the template has exactly one variable, {1}, for the code.",
      )
    }
    None => {}
  }
  if problems.is_empty() {
    Check::pass(
      id,
      format!("template {number} is an approved {scope} template with the one variable {{1}}"),
    )
  } else {
    Check::fail(
      id,
      format!("template {number} {}", problems.join("; ")),
      FIX_TEMPLATE_TENCENT,
    )
  }
}

/// `{n}` placeholders of a Tencent template, each once, in order.
fn brace_variables(content: &str) -> Vec<String> {
  let mut out: Vec<String> = Vec::new();
  let mut rest = content;
  while let Some(start) = rest.find('{') {
    let after = &rest[start + 1..];
    let Some(end) = after.find('}') else { break };
    let name = &after[..end];
    if !name.is_empty()
      && name.bytes().all(|b| b.is_ascii_digit())
      && !out.iter().any(|v| v == name)
    {
      out.push(name.to_owned());
    }
    rest = &after[end + 1..];
  }
  out
}

/// The router: its guard, then every account's checks (ids prefixed
/// `providers.<name>.`), then `store` and `routes`.
async fn router_checks(value: &Value) -> Vec<Check> {
  let parsed = match router::config::parse(value) {
    Ok(parsed) => parsed,
    Err(issues) => return invalid_config(&issues, value, &["routes"]),
  };
  let config = parsed.config;
  let mut checks = vec![config_pass()];
  let mut healthy: Vec<bool> = Vec::with_capacity(config.accounts.len());
  for (index, account) in config.accounts.iter().enumerate() {
    let raw = value
      .get("providers")
      .and_then(|p| p.get(index))
      .and_then(|p| p.get("config"))
      .cloned()
      .unwrap_or(Value::Null);
    let own = account_checks(account.provider.name, &raw).await;
    healthy.push(!own.iter().any(|c| c.status == Status::Fail));
    checks.extend(own.into_iter().map(|c| c.for_account(&account.name)));
  }
  checks.extend(store::check(config.limits.as_ref()).await);
  checks.push(routes_check(&config, &healthy));
  checks
}

/// One router account's checks, its own `config` first (the router's guard
/// already passed it; read again by its provider's guard for the details).
async fn account_checks(provider: &str, raw: &Value) -> Vec<Check> {
  let mut checks = vec![config_pass()];
  match provider {
    "aliyun" => match config::aliyun::parse(raw) {
      Ok(parsed) => checks.extend(aliyun_account(&parsed.config).await),
      Err(issues) => return vec![config_fail(&issues)],
    },
    _ => match config::tencent::parse(raw) {
      Ok(parsed) => checks.extend(tencent_account(&parsed.config).await),
      Err(issues) => return vec![config_fail(&issues)],
    },
  }
  checks
}

fn routes_check(config: &router::config::RouterConfig, healthy: &[bool]) -> Check {
  let prefixes = |route: &router::config::Route| {
    route
      .prefixes
      .iter()
      .map(|p| match p {
        router::config::Prefix::Any => "*".to_owned(),
        router::config::Prefix::Digits(d) => d.clone(),
      })
      .collect::<Vec<_>>()
      .join(", ")
  };
  let broken: Vec<String> = config
    .routes
    .iter()
    .filter(|route| {
      !route
        .accounts
        .iter()
        .any(|&i| healthy.get(i).copied().unwrap_or(false))
    })
    .map(|route| format!("[{}]", prefixes(route)))
    .collect();
  if !broken.is_empty() {
    return Check::fail(
      "routes",
      format!("no healthy account for the route(s) with prefixes {}", broken.join(", ")),
      "Fix the failing checks of these routes' accounts (providers.<name>.*), or add a healthy account to their `use`.",
    );
  }
  if healthy.iter().all(|h| *h) {
    return Check::pass("routes", "every account of every route passed its checks");
  }
  let failing: Vec<&str> = config
    .accounts
    .iter()
    .zip(healthy)
    .filter(|(_, h)| !**h)
    .map(|(a, _)| a.name.as_str())
    .collect();
  Check::warn(
    "routes",
    format!("every route has a healthy account, but {} failed its checks: its routes send through the others only", failing.join(", ")),
    "Fix the failing checks of these accounts (providers.<name>.*), or remove them from the routes.",
  )
}

#[cfg(test)]
mod tests {
  use super::*;
  use serde_json::json;

  fn called(status: u16, result: Result<Value, crate::error::ConnectorError>) -> Called {
    Called {
      result,
      reached: true,
      status: Some(status),
      date: None,
    }
  }

  #[test]
  fn variables_are_read_from_both_kinds_of_template() {
    assert_eq!(
      dollar_variables("Your code is ${code}, valid ${min} min ${code}"),
      vec!["code", "min"]
    );
    assert_eq!(
      brace_variables("Code {1}, valid {2} min; {x} is not one"),
      vec!["1", "2"]
    );
    let dollar = |v: &str| format!("${{{v}}}");
    assert_eq!(variable_problem(&["code".into()], "code", dollar), None);
    assert!(
      variable_problem(&["code".into(), "min".into()], "code", dollar)
        .is_some_and(|p| p.contains("second variable ${min}"))
    );
    assert!(variable_problem(&["otp".into()], "code", dollar).is_some_and(|p| p.contains("${otp}")));
    assert!(variable_problem(&[], "code", dollar).is_some());
  }

  #[test]
  fn aliyun_templates_pass_only_when_everything_fits() {
    let approved = json!({
      "Code": "OK", "TemplateStatus": "1", "TemplateType": "0",
      "TemplateContent": "Your code is ${code}.", "VariableAttribute": "{\"code\":\"numberCaptcha\"}",
    });
    let check = |body: Value| {
      aliyun_template_check("template:SignIn", "SMS_1", &called(200, Ok(body)), "Logto")
    };
    assert_eq!(check(approved.clone()).status, Status::Pass);
    let with = |key: &str, value: Value| {
      let mut body = approved.clone();
      body[key] = value;
      check(body)
    };
    let in_review = with("TemplateStatus", json!("0"));
    assert_eq!(in_review.status, Status::Fail);
    assert!(in_review.detail.contains("in review"));
    assert!(with("TemplateStatus", json!(2)).detail.contains("rejected"));
    assert!(with("TemplateType", json!("1"))
      .detail
      .contains("not a verification-code template"));
    assert_eq!(with("TemplateType", json!("3")).status, Status::Fail);
    let mut international = approved.clone();
    international["TemplateType"] = json!("3");
    international["IntlType"] = json!(2);
    assert_eq!(check(international).status, Status::Pass);
    assert!(with("TemplateContent", json!("Code ${code}, ${min} min"))
      .detail
      .contains("second variable ${min}"));
    assert!(
      with("VariableAttribute", json!("{\"code\":\"x\",\"min\":\"y\"}"))
        .detail
        .contains("VariableAttribute")
    );
    assert!(with("RelatedSignName", json!("Other"))
      .detail
      .contains("“Other”"));
    assert_eq!(with("RelatedSignName", json!("Logto")).status, Status::Pass);
    assert_eq!(with("RelatedSignName", json!("")).status, Status::Pass);
    let fail = with("TemplateStatus", json!("10"));
    assert!(fail.fix.is_some());
  }

  #[test]
  fn aliyun_sign_statuses() {
    let sign = |status: Value| {
      sign_check(
        &called(
          200,
          Ok(
            json!({ "Code": "OK", "SignStatus": status, "AuditInfo": { "RejectInfo": "blurred licence" } }),
          ),
        ),
        "Logto",
      )
    };
    assert_eq!(sign(json!(1)).status, Status::Pass);
    assert!(sign(json!(0)).detail.contains("in review"));
    assert!(sign(json!(2)).detail.contains("blurred licence"));
    assert!(sign(json!("10")).detail.contains("cancelled"));
    for status in [json!(0), json!(2), json!(10), Value::Null] {
      assert_eq!(sign(status).status, Status::Fail);
    }
  }

  #[test]
  fn tencent_templates() {
    let answer = |template: Value| {
      called(
        200,
        Ok(json!({ "DescribeTemplateStatusSet": [template], "RequestId": "r" })),
      )
    };
    let check =
      |template: Value| tencent_template_check("template:SignIn", 100001, 0, &answer(template));
    let approved = json!({ "TemplateId": 100001, "International": 0, "StatusCode": 0, "TemplateContent": "Your code is {1}." });
    assert_eq!(check(approved.clone()).status, Status::Pass);
    let with = |key: &str, value: Value| {
      let mut t = approved.clone();
      t[key] = value;
      check(t)
    };
    assert!(with("StatusCode", json!(1)).detail.contains("in review"));
    assert!(with("StatusCode", json!(-1)).detail.contains("rejected"));
    assert!(with("TemplateContent", json!("Code {1}, {2} minutes"))
      .detail
      .contains("second variable {2}"));
    assert_eq!(with("TemplateId", json!(5)).status, Status::Fail);
    let mut no_content = approved;
    no_content
      .as_object_mut()
      .map(|m| m.remove("TemplateContent"));
    assert_eq!(check(no_content).status, Status::Warn);
  }

  /// Ids end in the locale; two templates with one id (locales compare
  /// case-insensitively) are one check, of the first listed (§4's choice).
  #[test]
  fn template_ids_carry_the_locale() {
    let template = |code: &str, locale: Option<&str>| Template {
      usage_type: "SignIn".into(),
      code: TemplateCode::Single(code.into()),
      message: None,
      locale: locale.map(str::to_owned),
    };
    let templates = vec![
      template("1", Some("zh-CN")),
      template("2", Some("en")),
      template("3", Some("EN")),
      template("4", None),
    ];
    let ids: Vec<(String, String)> = template_ids(&templates)
      .into_iter()
      .map(|(id, code, _)| (id, code))
      .collect();
    assert_eq!(
      ids,
      vec![
        ("template:SignIn:zh-CN".into(), "1".into()),
        ("template:SignIn:en".into(), "2".into()),
        ("template:SignIn".into(), "4".into()),
      ]
    );
  }

  #[test]
  fn template_ids_follow_the_config() {
    let templates = vec![
      Template {
        usage_type: "SignIn".into(),
        code: TemplateCode::Single("1".into()),
        message: None,
        locale: None,
      },
      Template {
        usage_type: "SignIn".into(),
        code: TemplateCode::Single("2".into()),
        message: None,
        locale: None,
      },
      Template {
        usage_type: "Generic".into(),
        code: TemplateCode::Regional {
          china: "3".into(),
          overseas: "4".into(),
        },
        message: None,
        locale: None,
      },
    ];
    let ids: Vec<(String, String)> = template_ids(&templates)
      .into_iter()
      .map(|(id, code, _)| (id, code))
      .collect();
    assert_eq!(
      ids,
      vec![
        ("template:SignIn".into(), "1".into()),
        ("template:Generic:china".into(), "3".into()),
        ("template:Generic:overseas".into(), "4".into()),
      ]
    );
  }

  #[tokio::test]
  async fn an_invalid_config_skips_everything_else() {
    let checks = run("aliyun", &json!({ "accessKeyId": 5 })).await;
    assert_eq!(checks[0].id, "config");
    assert_eq!(checks[0].status, Status::Fail);
    assert!(checks[0].detail.contains("accessKeyId"));
    assert!(checks[1..]
      .iter()
      .all(|c| c.status == Status::Skip && c.detail == "the config is invalid"));
    assert_eq!(checks.len(), 4);
  }
}
