//! Aliyun RPC signature v1 (HMAC-SHA1).
//! https://help.aliyun.com/document_detail/69009.html
//!
//! ```text
//! CanonicalizedQueryString = join("&", sorted by name: encode(name) "=" encode(value))
//! StringToSign             = Method "&" encode("/") "&" encode(CanonicalizedQueryString)
//! Signature                = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
//! ```
//! `encode` is RFC 3986: only `A-Z a-z 0-9 - _ . ~` stay, every other UTF-8
//! byte becomes `%XY` (upper-case hex), so space is `%20` and `*` is `%2A`.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;

/// RFC 3986 unreserved characters are the only ones left as they are.
pub const RFC3986_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
  .remove(b'-')
  .remove(b'_')
  .remove(b'.')
  .remove(b'~');

pub fn percent_encode(text: &str) -> String {
  utf8_percent_encode(text, RFC3986_ENCODE_SET).to_string()
}

/// Every stage of the signature, for tests and debugging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcSigned {
  pub canonicalized_query_string: String,
  pub string_to_sign: String,
  pub signature: String,
}

/// Signs `params` (every request parameter except `Signature`). A `BTreeMap`
/// sorts names byte-wise, which is the order Aliyun requires.
pub fn sign(method: &str, params: &BTreeMap<String, String>, access_key_secret: &str) -> RpcSigned {
  sign_sorted(
    method,
    params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    access_key_secret,
  )
}

/// Signs parameters already in byte-wise name order (the caller's promise;
/// `sign` keeps it with a `BTreeMap`). The send path has a fixed, sorted key
/// set and skips building a map.
pub fn sign_sorted<'a>(
  method: &str,
  sorted_params: impl IntoIterator<Item = (&'a str, &'a str)>,
  access_key_secret: &str,
) -> RpcSigned {
  let canonicalized_query_string = encode_pairs(sorted_params);
  let string_to_sign = format!(
    "{}&{}&{}",
    method.to_ascii_uppercase(),
    percent_encode("/"),
    percent_encode(&canonicalized_query_string)
  );
  let signature = hmac_sha1_base64(
    format!("{access_key_secret}&").as_bytes(),
    string_to_sign.as_bytes(),
  );
  RpcSigned {
    canonicalized_query_string,
    string_to_sign,
    signature,
  }
}

/// `name=value&…` with both sides encoded; also the POST form body.
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
  let mut out = String::with_capacity(512);
  for (name, value) in pairs {
    if !out.is_empty() {
      out.push('&');
    }
    out.extend(utf8_percent_encode(name, RFC3986_ENCODE_SET));
    out.push('=');
    out.extend(utf8_percent_encode(value, RFC3986_ENCODE_SET));
  }
  out
}

fn hmac_sha1_base64(key: &[u8], message: &[u8]) -> String {
  // HMAC accepts keys of any length: new_from_slice cannot fail for it.
  let mut mac = match Hmac::<Sha1>::new_from_slice(key) {
    Ok(mac) => mac,
    Err(_) => return String::new(),
  };
  mac.update(message);
  BASE64.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
  use super::*;

  fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
      .iter()
      .map(|(k, v)| (k.to_string(), v.to_string()))
      .collect()
  }

  fn sms_doc_params() -> BTreeMap<String, String> {
    params(&[
      ("AccessKeyId", "testId"),
      ("Action", "SendSms"),
      ("Format", "XML"),
      ("OutId", "123"),
      ("PhoneNumbers", "15300000001"),
      ("RegionId", "cn-hangzhou"),
      ("SignName", "阿里云短信测试专用"),
      ("SignatureMethod", "HMAC-SHA1"),
      ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
      ("SignatureVersion", "1.0"),
      ("TemplateCode", "SMS_71390007"),
      ("TemplateParam", "{\"customer\":\"test\"}"),
      ("Timestamp", "2017-07-12T02:42:19Z"),
      ("Version", "2017-05-25"),
    ])
  }

  /// Published: Aliyun SMS signature document example (GET).
  #[test]
  fn sms_doc_vector_get() {
    assert_eq!(
      sign("GET", &sms_doc_params(), "testSecret").signature,
      "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    );
  }

  /// Same parameters, POST (derived).
  #[test]
  fn sms_doc_vector_post() {
    assert_eq!(
      sign("POST", &sms_doc_params(), "testSecret").signature,
      "Xvhv7fPXrPkLVSnlt0jIr08o8NQ="
    );
  }

  /// Published: RPC signature document example (DescribeRegions).
  #[test]
  fn rpc_doc_vector() {
    let p = params(&[
      ("Format", "XML"),
      ("AccessKeyId", "testid"),
      ("Action", "DescribeRegions"),
      ("SignatureMethod", "HMAC-SHA1"),
      ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
      ("SignatureVersion", "1.0"),
      ("Version", "2014-05-26"),
      ("Timestamp", "2016-02-23T12:46:24Z"),
    ]);
    let signed = sign("GET", &p, "testsecret");
    assert_eq!(signed.signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    assert!(signed
      .string_to_sign
      .starts_with("GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions"));
  }

  /// Published: Logto's own DirectMail unit-test vector (note `<a%b'>`).
  #[test]
  fn logto_direct_mail_vector() {
    let p = params(&[
      ("AccessKeyId", "testid"),
      ("AccountName", "<a%b'>"),
      ("Action", "SingleSendMail"),
      ("AddressType", "1"),
      ("Format", "XML"),
      ("HtmlBody", "4"),
      ("RegionId", "cn-hangzhou"),
      ("ReplyToAddress", "true"),
      ("SignatureMethod", "HMAC-SHA1"),
      ("SignatureVersion", "1.0"),
      ("Subject", "3"),
      ("TagName", "2"),
      ("ToAddress", "1@test.com"),
      ("Version", "2015-11-23"),
      ("SignatureNonce", "c1b2c332-4cfb-4a0f-b8cc-ebe622aa0a5c"),
      ("Timestamp", "2016-10-20T06:27:56Z"),
    ]);
    assert_eq!(
      sign("POST", &p, "testsecret").signature,
      "llJfXJjBW3OacrVgxxsITgYaYm0="
    );
  }

  /// Derived: a Logto-shaped SendSms request.
  #[test]
  fn logto_shaped_send_sms_vector() {
    let p = params(&[
      ("AccessKeyId", "testId"),
      ("Action", "SendSms"),
      ("Format", "json"),
      ("PhoneNumbers", "8613800138000"),
      ("RegionId", "cn-hangzhou"),
      ("SignName", "阿里云短信测试"),
      ("SignatureMethod", "HMAC-SHA1"),
      ("SignatureNonce", "c1b2c332-4cfb-4a0f-b8cc-ebe622aa0a5c"),
      ("SignatureVersion", "1.0"),
      ("TemplateCode", "SMS_154950909"),
      ("TemplateParam", "{\"code\":\"123456\"}"),
      ("Timestamp", "2024-01-01T00:00:00Z"),
      ("Version", "2017-05-25"),
    ]);
    assert_eq!(
      sign("POST", &p, "testSecret").signature,
      "/mZz2KBVJNOp4362B2L7Z8JuZqk="
    );
  }

  #[test]
  fn encoding_rules() {
    assert_eq!(
      percent_encode("a b*c~d+e/f=g&h'i(j)k!l\"m%n"),
      "a%20b%2Ac~d%2Be%2Ff%3Dg%26h%27i%28j%29k%21l%22m%25n"
    );
    assert_eq!(percent_encode("短"), "%E7%9F%AD");
    assert_eq!(percent_encode("😀"), "%F0%9F%98%80");
    assert_eq!(percent_encode("-_.~AZaz09"), "-_.~AZaz09");
  }
}
