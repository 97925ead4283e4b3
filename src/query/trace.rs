//! `trace`: what the provider did with the messages to one number on one day
//! (China Standard Time, the providers' own), one row per message. The
//! message text is never read out of an answer.
//!
//! - Aliyun China site: `QuerySendDetails` (its records carry no BizId: a row's
//!   `id` is the `--id` asked for, else null);
//! - Aliyun international site: `QueryMessage`, which needs the `MessageId`;
//! - Tencent: `PullSmsSendStatusByPhoneNumber` over the day (receipts only:
//!   no send time, no template, and a message without a receipt is not listed);
//! - the router: the accounts of the route the number takes.

use serde::Serialize;
use serde_json::{json, Value};
use time::{Date, OffsetDateTime};

use super::aliyun as aliyun_query;
use super::tencent as tencent_query;
use super::{call, clock, int_of, provider_code, text_of};
use crate::config::aliyun::{AliyunConfig, Site};
use crate::config::tencent::TencentConfig;
use crate::config::{self};
use crate::error::{ConnectorError, ErrorCode};
use crate::phone;
use crate::router;
use crate::send::e164_digits;

/// At most this many `QuerySendDetails` pages (50 records each) are read.
const MAX_PAGES: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
  pub id: Option<String>,
  pub status: &'static str,
  pub sent_at: Option<String>,
  pub received_at: Option<String>,
  pub error_code: Option<String>,
  pub error_description: Option<String>,
  pub template: Option<String>,
  #[serde(skip_serializing_if = "Option::is_none")]
  pub account: Option<String>,
}

/// What the operator asked.
#[derive(Debug, Clone)]
pub struct Query {
  pub phone: String,
  pub date: Option<String>,
  pub id: Option<String>,
}

/// The answer: rows, a classified failure, or bad usage (exit 2).
#[derive(Debug)]
pub enum Outcome {
  Rows { date: String, rows: Vec<Row> },
  Failed(ConnectorError),
  Usage(String),
}

impl Outcome {
  pub fn to_json(&self) -> Value {
    match self {
      Outcome::Rows { date, rows } => json!({ "ok": true, "date": date, "messages": rows }),
      Outcome::Failed(error) => {
        let mut detail = json!({
          "code": error.code.as_str(),
          "errorDescription": error.description().unwrap_or(""),
        });
        if let Some(code) = provider_code(error) {
          detail["providerCode"] = Value::String(code.to_owned());
        }
        json!({ "ok": false, "error": detail })
      }
      Outcome::Usage(message) => json!({ "usage": message }),
    }
  }
}

fn invalid_config(issues: &[config::Issue]) -> Outcome {
  let first = issues.first().map_or("invalid", |i| i.message.as_str());
  Outcome::Failed(ConnectorError::new(
    ErrorCode::InvalidConfig,
    format!("The config fails the connector's guard ({} issue(s), first: {first}); run doctor for the list.", issues.len()),
  ))
}

pub async fn run(kind: &str, value: &Value, query: &Query) -> Outcome {
  if phone::check_recipient(&query.phone).is_err() {
    return Outcome::Usage("--phone must be an optional + followed by 5 to 20 digits".into());
  }
  let day = match &query.date {
    Some(text) => match clock::parse_day(text) {
      Some(day) => day,
      None => return Outcome::Usage("--date must be a day as YYYY-MM-DD".into()),
    },
    None => clock::today_cst(OffsetDateTime::now_utc()),
  };
  let id = query.id.as_deref().filter(|id| !id.is_empty());
  let result = match kind {
    "aliyun" => match config::aliyun::parse(value) {
      Ok(parsed) => aliyun(&parsed.config, &query.phone, day, id, None).await,
      Err(issues) => return invalid_config(&issues),
    },
    "tencent" => match config::tencent::parse(value) {
      Ok(parsed) => tencent(&parsed.config, &query.phone, day, id, None).await,
      Err(issues) => return invalid_config(&issues),
    },
    _ => return routed(value, &query.phone, day, id).await,
  };
  match result {
    Asked::Rows(rows) => Outcome::Rows {
      date: clock::day_text(day),
      rows,
    },
    Asked::Failed(error) => Outcome::Failed(error),
    Asked::NeedsId => Outcome::Usage(NEEDS_ID.into()),
  }
}

const NEEDS_ID: &str =
  "an international-site Aliyun account can only be asked about one message: pass --id with the send log line's MessageId";

enum Asked {
  Rows(Vec<Row>),
  Failed(ConnectorError),
  NeedsId,
}

async fn aliyun(
  config: &AliyunConfig,
  to: &str,
  day: Date,
  id: Option<&str>,
  account: Option<&str>,
) -> Asked {
  if config.site == Site::International {
    return match id {
      Some(id) => aliyun_message(config, to, id, account).await,
      None => Asked::NeedsId,
    };
  }
  let strict = config.common.strict_phone_region_number_check;
  // Mainland numbers as 11 digits, others as country code and number.
  let digits = e164_digits(to, strict);
  let number = if phone::is_china_number(to, strict) {
    digits[digits.len().saturating_sub(11)..].to_owned()
  } else {
    digits
  };
  let send_date = clock::aliyun_send_date(day);
  let mut rows = Vec::new();
  for page in 1..=MAX_PAGES {
    let request = aliyun_query::query_send_details(
      config,
      &number,
      &send_date,
      page,
      id,
      OffsetDateTime::now_utc(),
    );
    let called = call(request, aliyun_query::read_2017).await;
    let body = match called.result {
      Ok(body) => body,
      Err(error) => return Asked::Failed(error),
    };
    let records = send_details(&body);
    let total = int_of(body.get("TotalCount")).unwrap_or(0);
    let count = records.len();
    rows.extend(records.iter().map(|record| aliyun_row(record, id, account)));
    if count < aliyun_query::PAGE_SIZE as usize
      || i64::try_from(rows.len()).unwrap_or(i64::MAX) >= total
    {
      break;
    }
  }
  Asked::Rows(rows)
}

/// `SmsSendDetailDTOs.SmsSendDetailDTO`: an array (a lone object read as one).
fn send_details(body: &Value) -> Vec<Value> {
  match body
    .get("SmsSendDetailDTOs")
    .and_then(|d| d.get("SmsSendDetailDTO"))
  {
    Some(Value::Array(list)) => list.clone(),
    Some(one @ Value::Object(_)) => vec![one.clone()],
    _ => Vec::new(),
  }
}

fn aliyun_row(record: &Value, id: Option<&str>, account: Option<&str>) -> Row {
  // SendStatus: 1 waiting for the receipt, 2 failed, 3 delivered.
  let status = match int_of(record.get("SendStatus")) {
    Some(3) => "delivered",
    Some(2) => "failed",
    _ => "pending",
  };
  let code = text_of(record.get("ErrCode")).filter(|c| {
    // "DELIVERED" on a delivered message is no error.
    let no_error = c.is_empty() || (status == "delivered" && c == "DELIVERED");
    !no_error
  });
  let time = |key| {
    record
      .get(key)
      .and_then(Value::as_str)
      .and_then(clock::iso_from_aliyun)
  };
  Row {
    id: id.map(str::to_owned),
    status,
    sent_at: time("SendDate"),
    received_at: time("ReceiveDate"),
    error_code: code,
    error_description: None,
    template: text_of(record.get("TemplateCode")).filter(|t| !t.is_empty()),
    account: account.map(str::to_owned),
  }
}

async fn aliyun_message(config: &AliyunConfig, to: &str, id: &str, account: Option<&str>) -> Asked {
  let called = call(
    aliyun_query::query_message(config, id, OffsetDateTime::now_utc()),
    aliyun_query::read_2018,
  )
  .await;
  let body = match called.result {
    Ok(body) => body,
    Err(error) => return Asked::Failed(error),
  };
  if let Some(error) = aliyun_query::refused_2018(&body) {
    return Asked::Failed(error);
  }
  // Only a message to the number asked about: another number's is not shown.
  let digits = e164_digits(to, config.common.strict_phone_region_number_check);
  let shown_to = text_of(body.get("To"));
  if shown_to
    .as_deref()
    .is_some_and(|t| t.trim_start_matches('+') != digits)
    || body.get("Status").is_none()
  {
    return Asked::Rows(Vec::new());
  }
  // Status: 1 delivered, 2 failed, 3 being sent.
  let status = match int_of(body.get("Status")) {
    Some(1) => "delivered",
    Some(2) => "failed",
    _ => "pending",
  };
  let time = |key| {
    body
      .get(key)
      .and_then(Value::as_str)
      .and_then(clock::iso_from_rfc2822)
  };
  let failed = status != "delivered";
  Asked::Rows(vec![Row {
    id: text_of(body.get("MessageId")).or_else(|| Some(id.to_owned())),
    status,
    sent_at: time("SendDate"),
    received_at: time("ReceiveDate"),
    error_code: text_of(body.get("ErrorCode")).filter(|c| failed && !c.is_empty()),
    error_description: text_of(body.get("ErrorDescription")).filter(|c| failed && !c.is_empty()),
    template: None,
    account: account.map(str::to_owned),
  }])
}

async fn tencent(
  config: &TencentConfig,
  to: &str,
  day: Date,
  id: Option<&str>,
  account: Option<&str>,
) -> Asked {
  let e164 = phone::to_e164(to, config.common.strict_phone_region_number_check);
  let (begin, end) = clock::day_bounds(day);
  let request = match tencent_query::pull_status(
    config,
    &e164,
    begin,
    end,
    OffsetDateTime::now_utc().unix_timestamp(),
  ) {
    Ok(request) => request,
    Err(error) => return Asked::Failed(error),
  };
  let called = call(request, tencent_query::read).await;
  let response = match called.result {
    Ok(response) => response,
    Err(error) => return Asked::Failed(error),
  };
  let rows = response
    .get("PullSmsSendStatusSet")
    .and_then(Value::as_array)
    .map(|set| {
      set
        .iter()
        .filter(|r| text_of(r.get("PhoneNumber")).is_none_or(|p| p == e164))
        .filter(|r| id.is_none_or(|id| text_of(r.get("SerialNo")).as_deref() == Some(id)))
        .map(|r| tencent_row(r, account))
        .collect()
    })
    .unwrap_or_default();
  Asked::Rows(rows)
}

fn tencent_row(record: &Value, account: Option<&str>) -> Row {
  let delivered =
    text_of(record.get("ReportStatus")).is_some_and(|s| s.eq_ignore_ascii_case("SUCCESS"));
  Row {
    id: text_of(record.get("SerialNo")),
    status: if delivered { "delivered" } else { "failed" },
    sent_at: None,
    received_at: int_of(record.get("UserReceiveTime")).and_then(clock::iso_from_unix),
    // The carrier's status (DELIVRD on success) is the error code of a failure.
    error_code: text_of(record.get("Description")).filter(|d| !delivered && !d.is_empty()),
    error_description: None,
    template: None,
    account: account.map(str::to_owned),
  }
}

/// The router: the accounts of the route the number takes, in order.
async fn routed(value: &Value, to: &str, day: Date, id: Option<&str>) -> Outcome {
  let config = match router::config::parse(value) {
    Ok(parsed) => parsed.config,
    Err(issues) => return invalid_config(&issues),
  };
  let digits = e164_digits(to, config.strict_phone_region_number_check);
  let Some(route) = router::routes::pick(&config.routes, &digits) else {
    return Outcome::Failed(ConnectorError::new(
      ErrorCode::InvalidRequestParameters,
      "No route of the router config takes this number: no account sends to it.",
    ));
  };
  let mut rows = Vec::new();
  let mut failure = None;
  let mut asked = 0;
  for &index in &route.accounts {
    let Some(account) = config.accounts.get(index) else {
      continue;
    };
    let raw = value
      .get("providers")
      .and_then(|p| p.get(index))
      .and_then(|p| p.get("config"))
      .cloned()
      .unwrap_or(Value::Null);
    let name = Some(account.name.as_str());
    let answer = match account.provider.name {
      "aliyun" => match config::aliyun::parse(&raw) {
        Ok(parsed) => aliyun(&parsed.config, to, day, id, name).await,
        Err(issues) => return invalid_config(&issues),
      },
      _ => match config::tencent::parse(&raw) {
        Ok(parsed) => tencent(&parsed.config, to, day, id, name).await,
        Err(issues) => return invalid_config(&issues),
      },
    };
    match answer {
      Asked::Rows(found) => {
        asked += 1;
        rows.extend(found);
      }
      Asked::Failed(error) => {
        asked += 1;
        failure = Some(error);
      }
      // An international-site account without --id: the others are asked.
      Asked::NeedsId => {}
    }
  }
  match failure {
    // One account that did not answer makes the trace incomplete: say so.
    Some(error) => Outcome::Failed(error),
    None if asked == 0 => Outcome::Usage(NEEDS_ID.into()),
    None => Outcome::Rows {
      date: clock::day_text(day),
      rows,
    },
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn aliyun_records_become_rows() {
    let delivered = json!({ "SendStatus": 3, "ErrCode": "DELIVERED", "TemplateCode": "SMS_1", "SendDate": "2024-01-02 10:00:00", "ReceiveDate": "2024-01-02 10:00:05", "Content": "secret text", "PhoneNum": "13812345678" });
    let row = aliyun_row(&delivered, None, None);
    assert_eq!(row.status, "delivered");
    assert_eq!(row.error_code, None);
    assert_eq!(row.sent_at.as_deref(), Some("2024-01-02T10:00:00+08:00"));
    assert_eq!(row.id, None);
    assert!(!serde_json::to_string(&row)
      .unwrap_or_default()
      .contains("secret text"));
    let failed = aliyun_row(
      &json!({ "SendStatus": "2", "ErrCode": "MK:0001" }),
      Some("1^0"),
      Some("a"),
    );
    assert_eq!(
      (
        failed.status,
        failed.error_code.as_deref(),
        failed.id.as_deref()
      ),
      ("failed", Some("MK:0001"), Some("1^0"))
    );
    assert_eq!(
      aliyun_row(&json!({ "SendStatus": 1 }), None, None).status,
      "pending"
    );
  }

  #[test]
  fn tencent_receipts_become_rows() {
    let ok = tencent_row(
      &json!({ "SerialNo": "2433:1", "ReportStatus": "SUCCESS", "Description": "DELIVRD", "UserReceiveTime": 0 }),
      None,
    );
    assert_eq!(
      (ok.status, ok.error_code.clone(), ok.received_at.as_deref()),
      ("delivered", None, Some("1970-01-01T08:00:00+08:00"))
    );
    let failed = tencent_row(
      &json!({ "SerialNo": "2433:2", "ReportStatus": "FAIL", "Description": "MN:0001" }),
      None,
    );
    assert_eq!(
      (failed.status, failed.error_code.as_deref()),
      ("failed", Some("MN:0001"))
    );
    let text = serde_json::to_value(&failed).unwrap_or_default();
    for key in [
      "id",
      "status",
      "sentAt",
      "receivedAt",
      "errorCode",
      "errorDescription",
      "template",
    ] {
      assert!(text.get(key).is_some(), "{key} is always present");
    }
    assert!(text.get("account").is_none());
  }

  #[tokio::test]
  async fn usage_errors() {
    let query = |phone: &str, date: Option<&str>| Query {
      phone: phone.into(),
      date: date.map(str::to_owned),
      id: None,
    };
    assert!(matches!(
      run("tencent", &json!({}), &query("abc", None)).await,
      Outcome::Usage(_)
    ));
    assert!(matches!(
      run(
        "tencent",
        &json!({}),
        &query("8613812345678", Some("2024-13-01"))
      )
      .await,
      Outcome::Usage(_)
    ));
    assert!(matches!(
      run("tencent", &json!({}), &query("8613812345678", None)).await,
      Outcome::Failed(_)
    ));
  }
}
