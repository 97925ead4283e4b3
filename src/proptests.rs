//! Property tests over everything that reads outside input: configs, message
//! data, provider answers, phone numbers. They must never panic, and what they
//! accept must satisfy the rules they claim.

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::config::{aliyun, tencent};
use crate::direct;
use crate::phone;
use crate::provider;
use crate::send;
use crate::sign::aliyun_rpc;
use crate::transport::HttpResponse;

/// Arbitrary JSON, a few levels deep, with strings that matter here.
fn any_json() -> impl Strategy<Value = Value> {
  let leaf = prop_oneof![
    Just(Value::Null),
    any::<bool>().prop_map(Value::Bool),
    any::<f64>().prop_map(|f| json!(f)),
    any::<i64>().prop_map(|i| json!(i)),
    ".{0,12}".prop_map(Value::String),
    prop_oneof![
      Just("SignIn"),
      Just("Generic"),
      Just("Register"),
      Just("ForgotPassword"),
      Just("http://127.0.0.1:1/"),
      Just("https://x.example/"),
      Just("\u{0}jsType")
    ]
    .prop_map(|s| Value::String(s.into())),
  ];
  leaf.prop_recursive(4, 48, 8, |inner| {
    prop_oneof![
      prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
      prop::collection::vec(
        (
          prop_oneof![
            Just("accessKeyId".to_owned()),
            Just("accessKeySecret".to_owned()),
            Just("signName".to_owned()),
            Just("sdkAppId".to_owned()),
            Just("region".to_owned()),
            Just("templates".to_owned()),
            Just("usageType".to_owned()),
            Just("templateCode".to_owned()),
            Just("type".to_owned()),
            Just("china".to_owned()),
            Just("overseas".to_owned()),
            Just("endpoint".to_owned()),
            Just("timeoutMs".to_owned()),
            Just("strictPhoneRegionNumberCheck".to_owned()),
            Just("\u{0}jsType".to_owned()),
            ".{0,6}"
          ],
          inner
        ),
        0..8
      )
      .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
    ]
  })
}

/// A config both guards accept, to mutate: random JSON rarely gets past the
/// first checks, near-valid configs reach the deep ones.
fn valid_config() -> Value {
  let templates: Vec<Value> = ["Register", "SignIn", "ForgotPassword", "Generic"]
    .iter()
    .map(|u| json!({ "usageType": u, "templateCode": "T1" }))
    .collect();
  json!({
    "accessKeyId": "id", "accessKeySecret": "secret", "signName": "sign",
    "sdkAppId": "1400000000", "region": "ap-guangzhou", "templates": templates,
  })
}

const MUTABLE_KEYS: [&str; 13] = [
  "accessKeyId",
  "accessKeySecret",
  "signName",
  "sdkAppId",
  "region",
  "templates",
  "endpoint",
  "timeoutMs",
  "strictPhoneRegionNumberCheck",
  "site",
  "senderId",
  "limits",
  "unknown",
];

proptest! {
  #![proptest_config(ProptestConfig::with_cases(2000))]

  /// Every guard failure carries at least one issue, for configs one or two
  /// changes away from valid (a top-level key or a template field replaced or
  /// removed).
  #[test]
  fn a_near_valid_config_that_fails_says_why(
    changes in prop::collection::vec((0..MUTABLE_KEYS.len(), prop::option::of(any_json()), 0..4usize, prop::option::of(any_json())), 1..3)
  ) {
    let mut config = valid_config();
    for (key, value, template, field_value) in changes {
      let key = MUTABLE_KEYS[key];
      match value {
        Some(value) => {
          config.as_object_mut().map(|map| map.insert(key.into(), value));
        }
        None => {
          config.as_object_mut().map(|map| map.remove(key));
        }
      }
      let item = config
        .get_mut("templates")
        .and_then(|t| t.get_mut(template))
        .and_then(Value::as_object_mut);
      if let (Some(item), Some(field_value)) = (item, field_value) {
        item.insert("templateCode".into(), field_value);
      }
    }
    for result in [direct::parse(&config, aliyun::parse).map(|_| ()), direct::parse(&config, tencent::parse).map(|_| ())] {
      if let Err(issues) = result {
        prop_assert!(!issues.is_empty(), "{config}");
      }
    }
  }

  #[test]
  fn config_guards_never_panic_and_issues_have_paths(value in any_json()) {
    for result in [direct::parse(&value, aliyun::parse).map(|p| p.output), direct::parse(&value, tencent::parse).map(|p| p.output)] {
      match result {
        Ok(output) => prop_assert!(output.is_object()),
        Err(issues) => {
          prop_assert!(!issues.is_empty());
          for issue in issues {
            prop_assert!(!issue.message.is_empty());
          }
        }
      }
    }
  }

  #[test]
  fn router_guard_never_panics(
    config in any_json(),
    name in prop_oneof![Just(json!("a")), any_json()],
    kind in prop_oneof![Just(json!("aliyun")), Just(json!("tencent")), any_json()],
    prefixes in prop_oneof![Just(json!(["86", "*"])), any_json()],
    uses in prop_oneof![Just(json!(["a"])), any_json()],
    failover in any_json(),
  ) {
    let input = json!({
      "providers": [{ "name": name, "type": kind, "config": config }],
      "routes": [{ "prefixes": prefixes, "use": uses }],
      "failover": failover,
    });
    match crate::router::config::parse(&input) {
      Ok(parsed) => prop_assert!(!parsed.config.routes.is_empty()),
      Err(issues) => prop_assert!(issues.iter().all(|i| !i.message.is_empty())),
    }
  }

  #[test]
  fn provider_answers_never_panic(status in 100u16..600, body in prop_oneof![
    any_json().prop_map(|v| v.to_string().into_bytes()),
    any_json().prop_map(|v| json!({ "Response": v }).to_string().into_bytes()),
    any_json().prop_map(|v| json!({ "Response": { "SendStatusSet": [v] } }).to_string().into_bytes()),
    any_json().prop_map(|v| json!({ "ResponseCode": "OK", "NumberDetail": v }).to_string().into_bytes()),
    prop::collection::vec(any::<u8>(), 0..64),
  ]) {
    let response = HttpResponse {
      status,
      body,
      date: None,
    };
    for result in [
      provider::aliyun::interpret(&response),
      provider::aliyun_intl::interpret(&response),
      provider::tencent::interpret(&response),
    ] {
      if result.is_ok() {
        prop_assert!((200..300).contains(&status));
      }
    }
  }

  #[test]
  fn message_data_never_panics(value in any_json()) {
    let _ = send::read_data(&value.to_string());
  }

  #[test]
  fn phone_rules_hold(to in "[+0-9]{0,24}|.{0,8}") {
    if phone::check_recipient(&to).is_ok() {
      let e164 = phone::to_e164(&to, false);
      prop_assert!(e164.starts_with('+'));
      prop_assert!(e164[1..].bytes().all(|b| b.is_ascii_digit()));
    }
    if phone::is_china_number(&to, true) {
      prop_assert!(phone::is_china_number(&to, false));
    }
  }

  #[test]
  fn percent_encoding_is_reversible_and_unreserved_only(text in ".{0,40}") {
    let encoded = aliyun_rpc::percent_encode(&text);
    prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
    let decoded = percent_encoding::percent_decode_str(&encoded).decode_utf8().map(|d| d.into_owned());
    prop_assert_eq!(decoded.ok(), Some(text));
  }
}

/// Message data as the glue writes it (any subset of to/type/payload/ip, any
/// values, payload an object with code/locale or anything), and other JSON.
fn message_data_json() -> impl Strategy<Value = Value> {
  let text = prop_oneof![".{0,12}".prop_map(Value::String), any_json()];
  let payload = prop_oneof![
    any_json(),
    (text.clone(), text.clone(), any_json())
      .prop_map(|(code, locale, other)| json!({ "code": code, "locale": locale, "other": other })),
    (text.clone(), any::<bool>()).prop_map(|(code, drop)| if drop {
      json!({ "code": code })
    } else {
      json!({ "locale": code })
    }),
  ];
  let object = (
    text.clone(),
    text.clone(),
    payload,
    text,
    any_json(),
    any::<u8>(),
  )
    .prop_map(|(to, message_type, payload, ip, other, present)| {
      let mut map = serde_json::Map::new();
      for (bit, key, value) in [
        (1, "to", to),
        (2, "type", message_type),
        (4, "payload", payload),
        (8, "ip", ip),
        (16, "extra", other),
      ] {
        if present & bit != 0 {
          map.insert(key.to_owned(), value);
        }
      }
      Value::Object(map)
    });
  prop_oneof![4 => object, 1 => any_json()]
}

fn data_summary(result: Result<send::SendData, crate::error::ConnectorError>) -> String {
  match result {
    Ok(d) => format!("{:?}", (d.to, d.message_type, d.code, d.ip, d.locale)),
    Err(e) => format!("error {e:?}"),
  }
}

proptest! {
  /// The direct reading of message data and the reading through a `Value`
  /// agree on every input: fields, and the error when there is one.
  #[test]
  fn message_data_reads_alike_both_ways(value in message_data_json()) {
    let json = value.to_string();
    prop_assert_eq!(data_summary(send::read_data(&json)), data_summary(send::read_data_value(&json)));
  }
}

#[test]
fn message_data_reads_alike_on_odd_text() {
  for json in [
    r#"{"to":"1","to":"2"}"#,
    r#"{"payload":{"code":"1","code":"2"}}"#,
    r#"[1,2]"#,
    r#""text""#,
    r#"{"to":"8613812345678""#,
    r#"{"payload":"x","type":null,"ip":7}"#,
    r#"{"payload":{"code":{"a":[1,{"b":2}]},"locale":""}}"#,
    "",
  ] {
    assert_eq!(
      data_summary(send::read_data(json)),
      data_summary(send::read_data_value(json)),
      "{json}"
    );
  }
}
