//! Any bytes and status as a provider answer, through every reader: never a panic,
//! and only a 2xx can be a success.
#![no_main]
use libfuzzer_sys::fuzz_target;
use logto_sms_native::provider::{aliyun, aliyun_intl, tencent};
use logto_sms_native::transport::HttpResponse;

fuzz_target!(|input: (u16, Vec<u8>)| {
  let (status, body) = input;
  let response = HttpResponse {
    status: 100 + status % 500,
    body,
    date: None,
  };
  for result in [
    aliyun::interpret(&response),
    aliyun_intl::interpret(&response),
    tencent::interpret(&response),
  ] {
    if result.is_ok() {
      assert!((200..300).contains(&response.status));
    }
  }
});
