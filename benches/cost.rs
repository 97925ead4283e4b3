//! Per-send cost of the connector's own work, without I/O: config reading,
//! message data, request building (signing included), answer reading and the
//! log line. `npm run bench:cost` (or `cargo bench --bench cost`); prints
//! microseconds per operation. The end-to-end comparison with the official
//! connectors is `npm run bench`.

use std::hint::black_box;
use std::time::Instant;

use logto_sms_native::config::cache::ConfigCache;
use logto_sms_native::config::{self, aliyun as aliyun_config, tencent as tencent_config, Ctx};
use logto_sms_native::limits;
use logto_sms_native::provider::{aliyun, tencent};
use logto_sms_native::send;
use logto_sms_native::send_log::{Receipt, SendLog};
use logto_sms_native::transport::HttpResponse;
use time::OffsetDateTime;

const USAGE_TYPES: [&str; 9] = [
  "SignIn",
  "Register",
  "ForgotPassword",
  "Generic",
  "MfaVerification",
  "BindMfa",
  "OrganizationInvitation",
  "UserPermissionValidation",
  "BindNewIdentifier",
];

fn configs() -> (String, String) {
  let templates: Vec<_> = USAGE_TYPES
    .iter()
    .map(|u| serde_json::json!({ "usageType": u, "templateCode": { "china": "100001", "overseas": "200001" } }))
    .collect();
  let aliyun = serde_json::json!({ "accessKeyId": "LTAI5tSimulatorKey", "accessKeySecret": "secret", "signName": "Logto", "templates": templates, "endpoint": "http://127.0.0.1:1/" });
  let mut tencent = aliyun.clone();
  tencent["sdkAppId"] = "1400000001".into();
  tencent["region"] = "ap-guangzhou".into();
  (aliyun.to_string(), tencent.to_string())
}

fn time(label: &str, mut f: impl FnMut()) {
  for _ in 0..2_000 {
    f();
  }
  let n = 50_000;
  let started = Instant::now();
  for _ in 0..n {
    f();
  }
  let micros = started.elapsed().as_secs_f64() * 1e6 / f64::from(n);
  println!("{label:<28} {micros:>8.2} µs");
}

fn main() {
  let (aliyun_json, tencent_json) = configs();
  let data = r#"{"to":"8613812345678","type":"SignIn","payload":{"code":"123456"}}"#;
  let parse_aliyun = |text: &str| {
    config::read_json(text)
      .and_then(|v| aliyun_config::parse(&v))
      .map(|p| p.config)
  };
  let parse_tencent = |text: &str| {
    config::read_json(text)
      .and_then(|v| tencent_config::parse(&v))
      .map(|p| p.config)
  };
  time("aliyun config", || {
    black_box(parse_aliyun(&aliyun_json).is_ok());
  });
  time("tencent config", || {
    black_box(parse_tencent(&tencent_json).is_ok());
  });
  let aliyun_cache = ConfigCache::new();
  let tencent_cache = ConfigCache::new();
  time("aliyun config, cached", || {
    black_box(
      aliyun_cache
        .get_or_parse(&aliyun_json, parse_aliyun)
        .is_ok(),
    );
  });
  let (Ok(a), Ok(t)) = (
    aliyun_cache.get_or_parse(&aliyun_json, parse_aliyun),
    tencent_cache.get_or_parse(&tencent_json, parse_tencent),
  ) else {
    eprintln!("the bench configs do not parse");
    std::process::exit(1);
  };
  time("read data", || {
    black_box(send::read_data(data).is_ok());
  });
  time("aliyun request (signed)", || {
    let message = aliyun::Message {
      to: "8613812345678",
      template_code: "100001",
      code: "123456",
      timestamp: aliyun::format_timestamp(OffsetDateTime::now_utc()),
      nonce: uuid::Uuid::new_v4().to_string(),
    };
    black_box(aliyun::build_request(&a, &message));
  });
  time("tencent request (signed)", || {
    let message = tencent::Message {
      phone: "+8613812345678",
      template_id: "100001",
      code: "123456",
      timestamp: OffsetDateTime::now_utc().unix_timestamp(),
    };
    black_box(tencent::build_request(&t, &message).is_ok());
  });
  let aliyun_answer = HttpResponse {
    status: 200,
    body: br#"{"RequestId":"x","Code":"OK","Message":"OK","BizId":"1^0"}"#.to_vec(),
    date: None,
  };
  let tencent_answer = HttpResponse { status: 200, body: br#"{"Response":{"SendStatusSet":[{"SerialNo":"1","PhoneNumber":"+8613812345678","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"r"}}"#.to_vec(), date: None };
  time("aliyun answer", || {
    black_box(
      aliyun::interpret(&aliyun_answer)
        .map(|v| aliyun::receipt(&v))
        .is_ok(),
    );
  });
  time("tencent answer", || {
    black_box(
      tencent::interpret(&tencent_answer)
        .map(|v| tencent::receipt(&v))
        .is_ok(),
    );
  });
  let receipt = Receipt {
    code: Some("OK".into()),
    request_id: Some("A0000000-3CC1-4000-8000-E00000000000".into()),
    message_id: Some(("BizId", "700000000000000000^0".into())),
  };
  // The in-process send limits: three budgets counted, and one already full.
  let limits_json = serde_json::json!({
    "countries": { "allow": ["86", "852", "1"], "deny": ["1268"] },
    "perIp": { "max": 1_000_000_000, "windowSeconds": 1_999_999 },
    "perCountry": { "max": 1_000_000_000, "windowSeconds": 1_999_998 },
    "global": { "max": 1_000_000_000, "windowSeconds": 1_999_997 },
  });
  let full_json = serde_json::json!({ "global": { "max": 1, "windowSeconds": 1_999_996 } });
  let parse_limits = |value: &serde_json::Value| {
    limits::config::parse(&mut Ctx::default(), Some(value), &[])
      .ok()
      .flatten()
      .map(|(limits, _)| limits)
  };
  let (Some(counted), Some(full), Ok(runtime)) = (
    parse_limits(&limits_json),
    parse_limits(&full_json),
    tokio::runtime::Builder::new_current_thread()
      .enable_all()
      .build(),
  ) else {
    eprintln!("the bench limits do not parse");
    std::process::exit(1);
  };
  let mut ip = 0u32;
  time("limits, 3 budgets counted", || {
    ip = ip.wrapping_add(1);
    let address = if ip.is_multiple_of(2) {
      "203.0.113.7"
    } else {
      "2001:db8::1"
    };
    black_box(
      runtime
        .block_on(limits::check_and_count(
          &counted,
          "8613812345678",
          Some(address),
        ))
        .is_ok(),
    );
  });
  time("limits, 1 budget full", || {
    black_box(
      runtime
        .block_on(limits::check_and_count(&full, "8613812345678", None))
        .is_err(),
    );
  });
  time("log line", || {
    let line = SendLog {
      provider: Some("aliyun"),
      account: None,
      usage_type: "SignIn",
      e164_digits: Some("8613812345678"),
      outcome: "sent",
      receipt: &receipt,
      attempts: None,
      limit: None,
      locale: None,
      ms: 12,
    };
    black_box(line.to_json());
  });
}
