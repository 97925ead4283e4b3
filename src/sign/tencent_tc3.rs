//! Tencent Cloud API 3.0 signature, TC3-HMAC-SHA256.
//! https://www.tencentcloud.com/document/product/1084/39391
//!
//! ```text
//! CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n
//!                    content-type:<ct>\nhost:<host>\n \n SignedHeaders \n hex(sha256(body))
//! StringToSign     = "TC3-HMAC-SHA256" \n Timestamp \n Date/service/tc3_request \n hex(sha256(CanonicalRequest))
//! SecretDate       = HMAC-SHA256("TC3" + SecretKey, Date)      (Date: UTC date of Timestamp)
//! SecretService    = HMAC-SHA256(SecretDate, service)
//! SecretSigning    = HMAC-SHA256(SecretService, "tc3_request")
//! Signature        = hex(HMAC-SHA256(SecretSigning, StringToSign))
//! ```

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use time::macros::format_description;
use time::OffsetDateTime;

pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
pub const SIGNED_HEADERS: &str = "content-type;host";

/// What the signature covers. `host` is the Host header actually sent
/// (with `:port` when the endpoint has a non-default port); `payload` is the
/// exact body bytes sent; `canonical_uri` is the endpoint's path.
#[derive(Clone)]
pub struct Tc3Input<'a> {
  pub secret_id: &'a str,
  pub secret_key: &'a str,
  pub service: &'a str,
  pub host: &'a str,
  pub content_type: &'a str,
  pub canonical_uri: &'a str,
  pub payload: &'a [u8],
  pub timestamp: i64,
}

/// Redacted: the key is a secret and the payload holds the phone number and
/// the code; only the key id, the host and the payload's size show.
impl std::fmt::Debug for Tc3Input<'_> {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("Tc3Input")
      .field("secret_id", &self.secret_id)
      .field("secret_key", &"[REDACTED]")
      .field("service", &self.service)
      .field("host", &self.host)
      .field("content_type", &self.content_type)
      .field("canonical_uri", &self.canonical_uri)
      .field("payload_bytes", &self.payload.len())
      .field("timestamp", &self.timestamp)
      .finish()
  }
}

/// Every stage, named as the Tencent document names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tc3Signed {
  pub hashed_request_payload: String,
  pub canonical_request: String,
  pub hashed_canonical_request: String,
  pub credential_scope: String,
  pub string_to_sign: String,
  pub signature: String,
  pub authorization: String,
}

/// The UTC calendar date of a Unix timestamp, `YYYY-MM-DD`; `None` when the
/// timestamp is out of range.
pub fn utc_date(timestamp: i64) -> Option<String> {
  let date = OffsetDateTime::from_unix_timestamp(timestamp).ok()?;
  date
    .format(format_description!("[year]-[month]-[day]"))
    .ok()
}

/// `SecretSigning`: the three derivations that depend only on the secret,
/// the UTC date and the service. It changes once a day, so a sender may keep
/// it (`SigningKeys`) instead of deriving it on every request.
pub fn signing_key(secret_key: &str, date: &str, service: &str) -> [u8; 32] {
  let secret_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
  let secret_service = hmac_sha256(&secret_date, service.as_bytes());
  hmac_sha256(&secret_service, b"tc3_request")
}

pub fn sign(input: &Tc3Input<'_>) -> Option<Tc3Signed> {
  let date = utc_date(input.timestamp)?;
  let key = signing_key(input.secret_key, &date, input.service);
  Some(sign_with_key(input, &date, &key))
}

/// `sign`, with `SecretSigning` for `date` already derived (`signing_key`).
pub fn sign_with_key(input: &Tc3Input<'_>, date: &str, signing_key: &[u8; 32]) -> Tc3Signed {
  let hashed_request_payload = hex32(&Sha256::digest(input.payload).into());
  // The document: canonical header names and values are lower-case and trimmed.
  let canonical_request = format!(
    "POST\n{uri}\n\ncontent-type:{ct}\nhost:{host}\n\n{SIGNED_HEADERS}\n{hashed_request_payload}",
    uri = input.canonical_uri,
    ct = input.content_type.trim().to_ascii_lowercase(),
    host = input.host.trim().to_ascii_lowercase(),
  );
  let hashed_canonical_request = hex32(&Sha256::digest(canonical_request.as_bytes()).into());
  let credential_scope = format!("{date}/{}/tc3_request", input.service);
  let string_to_sign = format!(
    "{ALGORITHM}\n{}\n{credential_scope}\n{hashed_canonical_request}",
    input.timestamp
  );
  let signature = hex32(&hmac_sha256(signing_key, string_to_sign.as_bytes()));
  let authorization = format!(
    "{ALGORITHM} Credential={}/{credential_scope}, SignedHeaders={SIGNED_HEADERS}, Signature={signature}",
    input.secret_id
  );
  Tc3Signed {
    hashed_request_payload,
    canonical_request,
    hashed_canonical_request,
    credential_scope,
    string_to_sign,
    signature,
    authorization,
  }
}

/// Lower-case hex of a 32-byte digest. Through a fixed buffer: `hex::encode`
/// builds its `String` one `char` at a time, which showed in the send's profile.
fn hex32(digest: &[u8; 32]) -> String {
  let mut out = [0u8; 64];
  // The buffer is exactly twice the input and hex is ASCII: neither step can
  // fail; the slow path is only there to avoid an unwrap.
  match hex::encode_to_slice(digest, &mut out).map(|()| std::str::from_utf8(&out)) {
    Ok(Ok(text)) => text.to_owned(),
    _ => hex::encode(digest),
  }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
  // HMAC accepts keys of any length: new_from_slice cannot fail for it.
  match Hmac::<Sha256>::new_from_slice(key) {
    Ok(mut mac) => {
      mac.update(message);
      mac.finalize().into_bytes().into()
    }
    Err(_) => [0; 32],
  }
}

/// One account's `SecretSigning` for the UTC day of the last request: the
/// account's config (cached across sends) holds one, so three of the four
/// HMACs of a signature run once a day instead of on every send.
#[derive(Default)]
pub struct SigningKeys {
  /// The UTC day number, its date text and the key.
  last: std::sync::Mutex<Option<(i64, String, [u8; 32])>>,
}

/// Redacted: key material.
impl std::fmt::Debug for SigningKeys {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.write_str("SigningKeys([REDACTED])")
  }
}

impl SigningKeys {
  /// `sign(input)`, with the day's signing key kept for the next request.
  pub fn sign(&self, input: &Tc3Input<'_>) -> Option<Tc3Signed> {
    let day = input.timestamp.div_euclid(86_400);
    // A poisoned lock (a panic elsewhere) only means "derive it again".
    let mut last = self.last.lock().ok();
    if let Some(Some((cached_day, date, key))) = last.as_deref() {
      if *cached_day == day {
        return Some(sign_with_key(input, date, key));
      }
    }
    let date = utc_date(input.timestamp)?;
    let key = signing_key(input.secret_key, &date, input.service);
    let signed = sign_with_key(input, &date, &key);
    if let Some(last) = last.as_deref_mut() {
      *last = Some((day, date, key));
    }
    Some(signed)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn debug_hides_the_key_and_the_payload() {
    let input = Tc3Input {
      secret_id: "AKIDexample",
      secret_key: "MARKER-key",
      service: "sms",
      host: "sms.tencentcloudapi.com",
      content_type: "application/json",
      canonical_uri: "/",
      payload: br#"{"PhoneNumberSet":["+8613812345678"],"TemplateParamSet":["654321"]}"#,
      timestamp: 0,
    };
    let debug = format!("{input:?}");
    assert!(debug.contains("AKIDexample"), "{debug}");
    for hidden in ["MARKER", "13812345678", "654321"] {
      assert!(!debug.contains(hidden), "{debug}");
    }
  }

  /// Published: the Tencent Cloud signature v3 document's CVM example.
  #[test]
  fn published_cvm_vector() {
    let payload =
      r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    let signed = sign(&Tc3Input {
      secret_id: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
      secret_key: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
      service: "cvm",
      host: "cvm.tencentcloudapi.com",
      content_type: "application/json; charset=utf-8",
      canonical_uri: "/",
      payload: payload.as_bytes(),
      timestamp: 1551113065,
    });
    let Some(signed) = signed else {
      panic!("timestamp in range")
    };
    assert_eq!(
      signed.hashed_request_payload,
      "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    );
    assert_eq!(
      signed.hashed_canonical_request,
      "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    );
    assert_eq!(signed.credential_scope, "2019-02-25/cvm/tc3_request");
    assert_eq!(
      signed.signature,
      "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
    assert_eq!(
      signed.authorization,
      "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
  }

  /// Derived: an endpoint with a path and a port (host header keeps the port,
  /// canonical URI is the path). Cross-checked with Python's hmac/hashlib.
  #[test]
  fn derived_path_and_port_vector() {
    let payload = r#"{"SmsSdkAppId":"1400000001","SignName":"Logto","TemplateId":"200001","TemplateParamSet":["654321"],"PhoneNumberSet":["+447911123456"]}"#;
    let signed = sign(&Tc3Input {
      secret_id: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
      secret_key: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
      service: "sms",
      host: "127.0.0.1:8443",
      content_type: "application/json",
      canonical_uri: "/v3/sms",
      payload: payload.as_bytes(),
      timestamp: 1_719_792_000,
    });
    assert_eq!(
      signed.map(|s| s.signature).as_deref(),
      Some("a3fbacde911805f7eb7a66b40cc2ae3e3967d927b38223a23e02ca0d630831d5")
    );
  }

  #[test]
  fn date_is_utc() {
    // 2024-01-01T23:30:00Z is already 2024-01-02 in UTC+8; the scope must say 01-01.
    assert_eq!(utc_date(1_704_151_800).as_deref(), Some("2024-01-01"));
    assert_eq!(utc_date(i64::MAX), None);
  }

  /// The kept key signs exactly as a fresh derivation, across a day change.
  #[test]
  fn kept_signing_keys_sign_as_a_fresh_derivation() {
    let keys = SigningKeys::default();
    let input = |timestamp| Tc3Input {
      secret_id: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
      secret_key: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
      service: "sms",
      host: "sms.tencentcloudapi.com",
      content_type: "application/json; charset=utf-8",
      canonical_uri: "/",
      payload: b"{}",
      timestamp,
    };
    // 23:59:59 and 00:00:00 UTC: the second is another day's key.
    for timestamp in [1_551_139_199, 1_551_139_199, 1_551_139_200, 1_551_139_201] {
      assert_eq!(keys.sign(&input(timestamp)), sign(&input(timestamp)));
    }
    assert_eq!(format!("{keys:?}"), "SigningKeys([REDACTED])");
  }
}
