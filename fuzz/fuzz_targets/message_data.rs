//! Any text as Logto's message data, and any recipient through the phone rules.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logto_sms_native::{phone, send};

fuzz_target!(|data: &[u8]| {
  if let Ok(text) = std::str::from_utf8(data) {
    let _ = send::read_data(text);
    if phone::check_recipient(text).is_ok() {
      for strict in [false, true] {
        let e164 = phone::to_e164(text, strict);
        assert!(e164.starts_with('+') && e164[1..].bytes().all(|b| b.is_ascii_digit()));
      }
    }
  }
});
