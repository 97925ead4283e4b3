//! Any text as a config, through both guards: never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logto_sms_native::config::{aliyun, read_json, tencent};

fuzz_target!(|data: &[u8]| {
  if let Ok(text) = std::str::from_utf8(data) {
    if let Ok(value) = read_json(text) {
      let _ = aliyun::parse(&value);
      let _ = tencent::parse(&value);
    }
  }
});
