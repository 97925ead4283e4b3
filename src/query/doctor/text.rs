//! International-site `message` texts, checked locally (there is no query
//! API for them): `{code}` must be there, and a text that goes out as UCS-2
//! (any character outside GSM 03.38) is split past 70 characters, each part
//! billed as a message. The text itself is never printed.

use crate::config::shared::CODE_PLACEHOLDER;
use crate::query::check::Check;

/// GSM 03.38: the basic character set and its extension table (each
/// extension character costs two septets, but still goes out as GSM).
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// A UCS-2 message longer than this is split (and billed) in parts.
pub const UCS2_SINGLE: usize = 70;

pub fn is_gsm(text: &str) -> bool {
  text
    .chars()
    .all(|c| GSM_BASIC.contains(c) || GSM_EXTENSION.contains(c))
}

pub fn check(id: &str, message: &str) -> Check {
  if !message.contains(CODE_PLACEHOLDER) {
    return Check::fail(
      id,
      "the message text has no {code}: the code would not be in the SMS",
      "Put {code} where the code goes in templates[].message.",
    );
  }
  // As sent: every {code} replaced by a six-digit code.
  let sent = message.replace(CODE_PLACEHOLDER, "000000");
  let length = sent.chars().count();
  if is_gsm(&sent) {
    return Check::pass(
      id,
      format!("the message text has {{code}} ({length} characters, GSM 03.38)"),
    );
  }
  if length > UCS2_SINGLE {
    return Check::warn(
      id,
      format!("the message text has {{code}}, but goes out as UCS-2 (it has characters outside GSM 03.38) and is {length} characters long: it will be split and billed as several messages"),
      format!("Shorten templates[].message to at most {UCS2_SINGLE} characters with the code, or write it in GSM 03.38 characters only."),
    );
  }
  Check::pass(
    id,
    format!("the message text has {{code}} ({length} characters, UCS-2)"),
  )
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::query::check::Status;

  #[test]
  fn texts() {
    assert_eq!(check("t", "Your code is {code}").status, Status::Pass);
    assert_eq!(check("t", "Your code is 123").status, Status::Fail);
    assert!(is_gsm("Code: {x} [a] €5 ñ"));
    assert!(!is_gsm("验证码"));
    let short = format!("您的验证码是{{code}}{}", "。".repeat(10));
    assert_eq!(check("t", &short).status, Status::Pass);
    let long = format!("您的验证码是{{code}}{}", "。".repeat(60));
    let warned = check("t", &long);
    assert_eq!(warned.status, Status::Warn);
    assert!(
      !warned.detail.contains("验证码"),
      "the text is never printed"
    );
    // 70 characters exactly once the code is in: still one message.
    let edge = format!("{{code}}{}", "é".repeat(63) + "验");
    assert_eq!(edge.replace("{code}", "000000").chars().count(), 70);
    assert_eq!(check("t", &edge).status, Status::Pass);
  }
}
