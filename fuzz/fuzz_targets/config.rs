//! Any text as a config, through every guard (the router's too): never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logto_sms_native::config::{aliyun, read_json, tencent};
use logto_sms_native::router;

fuzz_target!(|data: &[u8]| {
  if let Ok(text) = std::str::from_utf8(data) {
    if let Ok(value) = read_json(text) {
      let _ = aliyun::parse(&value);
      let _ = tencent::parse(&value);
      let _ = router::config::parse(&value);
    }
  }
});
