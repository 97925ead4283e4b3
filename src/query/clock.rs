//! Times as the providers write them, and the clock check.
//!
//! - the HTTP `Date` header (RFC 9110 IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`);
//! - Aliyun `QuerySendDetails` times, `2019-01-08 16:44:13`, China Standard Time;
//! - Aliyun `QueryMessage` times, RFC 2822 (`Mon, 24 Dec 2018 16:58:22 +0800`);
//! - Tencent receipt times, Unix seconds.
//!
//! Trace prints every time as ISO 8601 with the offset of China Standard Time
//! (UTC+8), the providers' own zone, in which "a day" is meant (CONTRACT §11).

use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::macros::{format_description, offset};
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::check::Check;

/// China Standard Time, the providers' time zone.
pub const CST: UtcOffset = offset!(+8);

/// Beyond this the clock check warns, whatever the provider's own window.
pub const WARN_AFTER_SECONDS: i64 = 60;

/// An HTTP `Date` header's time.
pub fn parse_http_date(text: &str) -> Option<OffsetDateTime> {
  let format = format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
  );
  PrimitiveDateTime::parse(text.trim(), format)
    .ok()
    .map(PrimitiveDateTime::assume_utc)
}

/// The provider's clock minus this host's, in whole seconds.
pub fn skew_seconds(provider: OffsetDateTime, local: OffsetDateTime) -> i64 {
  (provider - local).whole_seconds()
}

/// The `clock` check from the first `Date` header any answer carried.
/// `window_seconds`: the provider's own tolerance; `refused`: the provider
/// already said the request time was off.
pub fn check(
  date: Option<&str>,
  local: OffsetDateTime,
  window_seconds: i64,
  window: &str,
  refused: bool,
) -> Check {
  const ID: &str = "clock";
  let fix = "Synchronise this host's clock (NTP: systemd-timesyncd, chrony); the connector signs every request with it.";
  let Some(provider) = date.and_then(parse_http_date) else {
    if refused {
      return Check::fail(
        ID,
        "the provider refused the request time (and sent no readable Date header)",
        fix,
      );
    }
    return Check::skip(
      ID,
      "no answer carried a readable HTTP Date header to compare with",
    );
  };
  let skew = skew_seconds(provider, local);
  let side = if skew > 0 { "behind" } else { "ahead of" };
  let detail = format!(
    "this host's clock is {} s {side} the provider's (Date: {})",
    skew.abs(),
    provider_time(provider)
  );
  if refused || skew.abs() > window_seconds {
    Check::fail(
      ID,
      format!("{detail}; the provider refuses requests beyond {window}"),
      fix,
    )
  } else if skew.abs() > WARN_AFTER_SECONDS {
    Check::warn(
      ID,
      format!("{detail}; more than {WARN_AFTER_SECONDS} s, within the provider's {window}"),
      fix,
    )
  } else {
    Check::pass(
      ID,
      format!("within {} s of the provider's clock", skew.abs()),
    )
  }
}

fn provider_time(time: OffsetDateTime) -> String {
  time.format(&Rfc3339).unwrap_or_default()
}

/// ISO 8601 with the China Standard Time offset.
pub fn iso_cst(time: OffsetDateTime) -> Option<String> {
  let format = format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
  );
  time.to_offset(CST).format(format).ok()
}

/// Unix seconds as ISO 8601 (China Standard Time).
pub fn iso_from_unix(seconds: i64) -> Option<String> {
  OffsetDateTime::from_unix_timestamp(seconds)
    .ok()
    .and_then(iso_cst)
}

/// An Aliyun China-site time (`2019-01-08 16:44:13`, China Standard Time).
pub fn iso_from_aliyun(text: &str) -> Option<String> {
  let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
  let time = PrimitiveDateTime::parse(text.trim(), format)
    .ok()?
    .assume_offset(CST);
  iso_cst(time)
}

/// An RFC 2822 time (Aliyun `QueryMessage`).
pub fn iso_from_rfc2822(text: &str) -> Option<String> {
  OffsetDateTime::parse(text.trim(), &Rfc2822)
    .ok()
    .and_then(iso_cst)
}

/// `YYYY-MM-DD`, strictly.
pub fn parse_day(text: &str) -> Option<Date> {
  Date::parse(text, format_description!("[year]-[month]-[day]")).ok()
}

/// Today in China Standard Time.
pub fn today_cst(now: OffsetDateTime) -> Date {
  now.to_offset(CST).date()
}

pub fn day_text(day: Date) -> String {
  day
    .format(format_description!("[year]-[month]-[day]"))
    .unwrap_or_default()
}

/// `yyyyMMdd`, Aliyun's `SendDate`.
pub fn aliyun_send_date(day: Date) -> String {
  day
    .format(format_description!("[year][month][day]"))
    .unwrap_or_default()
}

/// The first and last second of `day` in China Standard Time, as Unix seconds.
pub fn day_bounds(day: Date) -> (i64, i64) {
  let start = PrimitiveDateTime::new(day, time::Time::MIDNIGHT)
    .assume_offset(CST)
    .unix_timestamp();
  (start, start + 86_399)
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::query::check::Status;

  fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH)
  }

  #[test]
  fn http_dates_parse() {
    let parsed = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
    assert_eq!(
      parsed.map(OffsetDateTime::unix_timestamp),
      Some(784_111_777)
    );
    assert_eq!(parse_http_date("yesterday"), None);
  }

  #[test]
  fn clock_statuses_follow_the_windows() {
    let date = "Sun, 06 Nov 1994 08:49:37 GMT";
    let local = |skew: i64| at(784_111_777 - skew);
    assert_eq!(
      check(Some(date), local(3), 900, "15 minutes", false).status,
      Status::Pass
    );
    assert_eq!(
      check(Some(date), local(61), 900, "15 minutes", false).status,
      Status::Warn
    );
    assert_eq!(
      check(Some(date), local(-120), 300, "5 minutes", false).status,
      Status::Warn
    );
    assert_eq!(
      check(Some(date), local(301), 300, "5 minutes", false).status,
      Status::Fail
    );
    assert_eq!(
      check(Some(date), local(0), 300, "5 minutes", true).status,
      Status::Fail
    );
    assert_eq!(
      check(None, local(0), 300, "5 minutes", false).status,
      Status::Skip
    );
    let behind = check(Some(date), local(120), 900, "15 minutes", false);
    assert!(behind.detail.contains("120 s behind"), "{}", behind.detail);
    assert!(behind.fix.is_some());
  }

  #[test]
  fn provider_times_become_iso_with_the_china_offset() {
    assert_eq!(
      iso_from_aliyun("2019-01-08 16:44:13").as_deref(),
      Some("2019-01-08T16:44:13+08:00")
    );
    assert_eq!(
      iso_from_rfc2822("Mon, 24 Dec 2018 16:58:22 +0800").as_deref(),
      Some("2018-12-24T16:58:22+08:00")
    );
    assert_eq!(
      iso_from_unix(0).as_deref(),
      Some("1970-01-01T08:00:00+08:00")
    );
    assert_eq!(iso_from_aliyun("soon"), None);
  }

  #[test]
  fn days_are_china_standard_time_days() {
    let Some(day) = parse_day("2024-01-02") else {
      panic!("a valid day")
    };
    // 2024-01-02T00:00:00+08:00 is 2024-01-01T16:00:00Z.
    assert_eq!(day_bounds(day), (1_704_124_800, 1_704_124_800 + 86_399));
    assert_eq!(aliyun_send_date(day), "20240102");
    assert_eq!(parse_day("2024-1-2"), None);
    assert_eq!(parse_day("2024-02-30"), None);
    // 17:00 UTC is already the next day in China.
    assert_eq!(day_text(today_cst(at(1_704_128_400))), "2024-01-02");
  }
}
