//! Phone numbers as Logto hands them over (`8613812345678`: digits, country
//! code, no `+`; old records may lack the country code) and as each provider
//! wants them.

use crate::error::{ConnectorError, ErrorCode};

/// Refuses anything that is not an optional `+` and 5 to 20 digits: nothing
/// else can be a phone number, and nothing else should reach a provider.
pub fn check_recipient(to: &str) -> Result<(), ConnectorError> {
  let digits = to.strip_prefix('+').unwrap_or(to);
  if (5..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
    Ok(())
  } else {
    Err(ConnectorError::new(
      ErrorCode::InvalidRequestParameters,
      "The recipient is not a phone number: expected an optional + followed by 5 to 20 digits.",
    ))
  }
}

/// The official Aliyun connector's mainland rule:
/// non-strict `^(?:\+86|0086|86)?1\d{10}$`, strict `^(?:\+86|0086|86)1\d{10}$`.
/// Non-strict mode also calls an 11-digit NANP number (`1` + 10 digits) mainland:
/// kept for records stored without a country code.
pub fn is_china_number(to: &str, strict: bool) -> bool {
  let prefixed = ["+86", "0086", "86"]
    .iter()
    .any(|prefix| to.strip_prefix(prefix).is_some_and(is_mainland_mobile));
  prefixed || (!strict && is_mainland_mobile(to))
}

/// `1\d{10}`
fn is_mainland_mobile(rest: &str) -> bool {
  rest.len() == 11 && rest.starts_with('1') && rest.bytes().all(|b| b.is_ascii_digit())
}

/// E.164 with `+` for Tencent, which documents `+`-less numbers only for the
/// mainland: `+…` stays, `00…` becomes `+…`, a number the region rule calls
/// mainland becomes `+86` and its 11 digits, anything else gets a `+`.
pub fn to_e164(to: &str, strict: bool) -> String {
  if to.starts_with('+') {
    return to.to_owned();
  }
  if let Some(rest) = to.strip_prefix("00") {
    return format!("+{rest}");
  }
  if is_china_number(to, strict) {
    let national = &to[to.len() - 11..];
    return format!("+86{national}");
  }
  format!("+{to}")
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn recipient_shape() {
    for good in [
      "8613812345678",
      "+8613812345678",
      "12345",
      "12345678901234567890",
    ] {
      assert!(check_recipient(good).is_ok(), "{good}");
    }
    for bad in [
      "",
      "+",
      "1234",
      "123456789012345678901",
      "86 138",
      "++861",
      "abc",
      "１２３４５６",
    ] {
      let error = check_recipient(bad).err();
      assert_eq!(
        error.map(|e| e.code),
        Some(ErrorCode::InvalidRequestParameters),
        "{bad}"
      );
    }
  }

  #[test]
  fn china_rule_matches_official_regexes() {
    let cases = [
      // (to, non-strict, strict)
      ("13812345678", true, false),
      ("8613812345678", true, true),
      ("008613812345678", true, true),
      ("+8613812345678", true, true),
      ("18624017194", true, false), // NANP number without +: the official trade-off
      ("85268326366", false, false),
      ("8623812345678", false, false),
      ("861381234567", false, false),
      ("4915112345678", false, false),
      ("138123456789", false, false),
    ];
    for (to, loose, strict) in cases {
      assert_eq!(is_china_number(to, false), loose, "non-strict {to}");
      assert_eq!(is_china_number(to, true), strict, "strict {to}");
    }
  }

  #[test]
  fn e164_for_tencent() {
    assert_eq!(to_e164("+447911123456", false), "+447911123456");
    assert_eq!(to_e164("00447911123456", false), "+447911123456");
    assert_eq!(to_e164("8613812345678", false), "+8613812345678");
    assert_eq!(to_e164("13812345678", false), "+8613812345678");
    assert_eq!(to_e164("13812345678", true), "+13812345678");
    assert_eq!(to_e164("447911123456", true), "+447911123456");
    assert_eq!(to_e164("85268326366", false), "+85268326366");
  }
}
