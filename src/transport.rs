//! HTTP for both providers: one shared client (connection pool, rustls with the
//! system's roots plus bundled Mozilla roots), a whole-request deadline, a
//! 1 MiB response cap, no redirects, and one retry only when the connection
//! could not be made (sending an SMS is not idempotent: anything that may have
//! reached the provider is never sent again).

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{redirect, Client, Url};

use crate::error::{ConnectorError, ErrorCode};

pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

pub struct HttpRequest {
  pub url: Url,
  pub headers: Vec<(String, String)>,
  pub body: Vec<u8>,
  pub timeout: Duration,
}

/// Redacted: the body carries the phone number and the code, the
/// authorization header a signature. Only their sizes and the names show.
impl fmt::Debug for HttpRequest {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
    f.debug_struct("HttpRequest")
      .field("url", &self.url.as_str())
      .field("header_names", &header_names)
      .field("body_bytes", &self.body.len())
      .field("timeout", &self.timeout)
      .finish()
  }
}

pub struct HttpResponse {
  pub status: u16,
  pub body: Vec<u8>,
  /// The answer's HTTP `Date` header, as sent: the provider's clock, which
  /// the doctor's clock check compares with this host's.
  pub date: Option<String>,
}

/// Redacted: a provider's answer repeats the phone number.
impl fmt::Debug for HttpResponse {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.debug_struct("HttpResponse")
      .field("status", &self.status)
      .field("body_bytes", &self.body.len())
      .finish()
  }
}

/// Where a request failed, which decides both the error and whether a retry
/// is allowed.
#[derive(Debug, PartialEq, Eq)]
pub enum TransportError {
  /// The connection could not be made: nothing was sent. `retry` says
  /// whether one more attempt is worth it (see `connect_may_be_retried`).
  Connect { reason: String, retry: bool },
  /// The deadline passed; the request may have reached the provider.
  Timeout(Duration),
  /// Failed after the request went out; it may have reached the provider.
  AfterSend(String),
  /// The answer was larger than `MAX_RESPONSE_BYTES`.
  TooLarge,
  /// The request could not be built (a header value the provider cannot take).
  Request(String),
}

impl TransportError {
  pub fn into_connector_error(self) -> ConnectorError {
    match self {
      TransportError::TooLarge => ConnectorError::new(
        ErrorCode::InvalidResponse,
        format!("The provider's answer is larger than {MAX_RESPONSE_BYTES} bytes and was refused."),
      ),
      TransportError::Connect { reason, .. } => ConnectorError::new(
        ErrorCode::General,
        format!("Could not connect to the SMS provider: {reason}. Nothing was sent."),
      ),
      TransportError::Timeout(after) => ConnectorError::new(
        ErrorCode::General,
        format!(
          "The SMS provider did not answer within {} ms (timeoutMs). The message may have been sent; it was not retried.",
          after.as_millis()
        ),
      ),
      TransportError::AfterSend(reason) => ConnectorError::new(
        ErrorCode::General,
        format!("The connection to the SMS provider failed after the request was sent: {reason}. The message may have been sent; it was not retried."),
      ),
      TransportError::Request(reason) => {
        ConnectorError::new(ErrorCode::InvalidRequestParameters, format!("The request could not be built: {reason}"))
      }
    }
  }
}

/// How long an unused pooled connection is kept. Logto sends sparsely, so
/// most sends find an idle connection; load balancers close idle ones (Aliyun
/// SLB after 15 s), and a connection they closed must be gone from the pool
/// before it is picked. (A close that races a send is still safe: hyper retries
/// a request on a reused connection only when it was never written.)
pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// The share of `timeoutMs` one connection attempt may take: two attempts (the
/// one safe retry) still leave a third of the deadline for the request itself.
const CONNECT_SHARE: u32 = 3;

/// Clients are shared by every send in the process. One exists per distinct
/// connect deadline (a config's `timeoutMs` decides it; a deployment has one or
/// two) and per proxy policy: an https endpoint may go through the operator's
/// egress proxy (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`), a loopback `http://`
/// endpoint never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ClientKey {
  connect_timeout: Duration,
  direct: bool,
}

static CLIENTS: Mutex<Vec<(ClientKey, Client)>> = Mutex::new(Vec::new());
/// The most clients kept: a config edited through many `timeoutMs` values
/// (or a router with many accounts) must not grow the list for ever. Past
/// it, the least recently used one is dropped (sends holding it finish on it).
const MAX_CLIENTS: usize = 8;

fn build_client(key: ClientKey) -> Result<Client, TransportError> {
  let builder = Client::builder()
    .use_rustls_tls()
    .redirect(redirect::Policy::none())
    .pool_idle_timeout(POOL_IDLE_TIMEOUT)
    .connect_timeout(key.connect_timeout)
    .tcp_nodelay(true)
    .user_agent(concat!("logto-sms-native/", env!("CARGO_PKG_VERSION")));
  let builder = if key.direct {
    builder.no_proxy()
  } else {
    builder
  };
  builder.build().map_err(|e| TransportError::Connect {
    reason: format!("HTTP client unavailable: {}", describe(&e)),
    retry: false,
  })
}

fn client(key: ClientKey) -> Result<Client, TransportError> {
  // A poisoned lock (a panic elsewhere) still holds valid clients.
  let mut clients = CLIENTS.lock().unwrap_or_else(PoisonError::into_inner);
  if let Some(index) = clients.iter().position(|(k, _)| *k == key) {
    // Most recently used last; the common case (one key) moves nothing.
    let used = clients.remove(index);
    let client = used.1.clone();
    clients.push(used);
    return Ok(client);
  }
  let client = build_client(key)?;
  if clients.len() >= MAX_CLIENTS {
    clients.remove(0);
  }
  clients.push((key, client.clone()));
  Ok(client)
}

/// Loopback http endpoints (tests, local relays) never go through a proxy.
fn is_direct(url: &Url) -> bool {
  url.scheme() == "http"
}

fn connect_timeout(deadline: Duration) -> Duration {
  (deadline / CONNECT_SHARE).max(Duration::from_millis(1))
}

/// POSTs once (twice only if the first TCP connection was refused, found no
/// route or got no answer: then nothing left this machine), all within
/// `request.timeout`.
pub async fn post(request: HttpRequest) -> Result<HttpResponse, TransportError> {
  let deadline = request.timeout;
  let key = ClientKey {
    connect_timeout: connect_timeout(deadline),
    direct: is_direct(&request.url),
  };
  let client = client(key)?;
  match tokio::time::timeout(deadline, post_with_connect_retry(&client, &request)).await {
    Ok(result) => result,
    Err(_) => Err(TransportError::Timeout(deadline)),
  }
}

async fn post_with_connect_retry(
  client: &Client,
  request: &HttpRequest,
) -> Result<HttpResponse, TransportError> {
  match post_once(client, request).await {
    Err(TransportError::Connect { retry: true, .. }) => post_once(client, request).await,
    other => other,
  }
}

async fn post_once(client: &Client, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
  let mut headers = HeaderMap::with_capacity(request.headers.len());
  for (name, value) in &request.headers {
    let value = HeaderValue::from_str(value).map_err(|_| {
      TransportError::Request(format!("header {name} has characters HTTP cannot carry"))
    })?;
    let name = HeaderName::from_bytes(name.as_bytes())
      .map_err(|_| TransportError::Request(format!("{name} is not a valid header name")))?;
    headers.insert(name, value);
  }
  let response = client
    .post(request.url.clone())
    .headers(headers)
    .body(request.body.clone())
    .send()
    .await
    .map_err(|e| {
      if e.is_connect() {
        TransportError::Connect {
          reason: describe(&e),
          retry: connect_may_be_retried(&e),
        }
      } else {
        TransportError::AfterSend(describe(&e))
      }
    })?;
  let status = response.status().as_u16();
  let date = response
    .headers()
    .get(reqwest::header::DATE)
    .and_then(|value| value.to_str().ok())
    .map(str::to_owned);
  let body = read_capped(response).await?;
  Ok(HttpResponse { status, body, date })
}

/// A connect failure worth one more try: the TCP connection was refused, had
/// no route, or got no answer within its own deadline. Not a DNS failure or a
/// TLS refusal (a certificate does not change on a second look): their
/// errors carry other kinds.
fn connect_may_be_retried(error: &(dyn StdError + 'static)) -> bool {
  let mut source: Option<&(dyn StdError + 'static)> = Some(error);
  let mut timed_out = false;
  while let Some(cause) = source {
    if let Some(io) = cause.downcast_ref::<io::Error>() {
      match io.kind() {
        io::ErrorKind::ConnectionRefused
        | io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::TimedOut => return true,
        _ => {}
      }
    }
    // reqwest's connect deadline ends as its own `TimedOut` error, whose text
    // is all that is public of it.
    if cause.to_string() == "operation timed out" {
      timed_out = true;
    }
    source = cause.source();
  }
  timed_out
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, TransportError> {
  if response
    .content_length()
    .is_some_and(|len| len > MAX_RESPONSE_BYTES as u64)
  {
    return Err(TransportError::TooLarge);
  }
  let mut body = Vec::new();
  while let Some(chunk) = response
    .chunk()
    .await
    .map_err(|e| TransportError::AfterSend(format!("reading the answer: {}", describe(&e))))?
  {
    if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
      return Err(TransportError::TooLarge);
    }
    body.extend_from_slice(&chunk);
  }
  Ok(body)
}

/// reqwest's own message hides the cause ("error sending request"); the
/// reason (refused, certificate, DNS, reset) is in the `source()` chain.
fn describe(error: &reqwest::Error) -> String {
  let mut parts: Vec<String> = Vec::new();
  let mut source = error.source();
  while let Some(cause) = source {
    let text = cause.to_string();
    if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
      parts.push(text);
    }
    source = cause.source();
  }
  let chain = if parts.is_empty() {
    error.to_string()
  } else {
    parts.join(": ")
  };
  let lower = chain.to_ascii_lowercase();
  let hint = if lower.contains("certificate") || lower.contains("unknownissuer") {
    "TLS certificate verification failed"
  } else if lower.contains("refused") {
    "connection refused"
  } else if lower.contains("dns") || lower.contains("lookup") || lower.contains("resolve") {
    "DNS lookup failed"
  } else if lower.contains("reset") {
    "connection reset"
  } else {
    "network error"
  };
  format!("{hint} ({chain})")
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn debug_shows_no_body_and_no_header_values() {
    let Ok(url) = Url::parse("https://sms.example/") else {
      panic!("constant URL")
    };
    let request = HttpRequest {
      url,
      headers: vec![("authorization".into(), "TC3 MARKER-signature".into())],
      body: br#"{"PhoneNumberSet":["+8613812345678"],"TemplateParamSet":["MARKER-code"]}"#.to_vec(),
      timeout: Duration::from_secs(1),
    };
    let response = HttpResponse {
      status: 200,
      body: br#"{"PhoneNumber":"+8613812345678"}"#.to_vec(),
      date: None,
    };
    for debug in [format!("{request:?}"), format!("{response:?}")] {
      assert!(!debug.contains("MARKER"), "{debug}");
      assert!(!debug.contains("13812345678"), "{debug}");
      assert!(debug.contains("body_bytes"), "{debug}");
    }
    assert!(format!("{request:?}").contains("authorization"));
  }

  #[test]
  fn connect_deadline_is_a_third_of_the_request_deadline() {
    assert_eq!(
      connect_timeout(Duration::from_millis(9000)),
      Duration::from_millis(3000)
    );
    assert_eq!(
      connect_timeout(Duration::from_millis(1)),
      Duration::from_millis(1)
    );
  }

  /// Which connect failures take the one retry, by the kind the OS reported.
  #[test]
  fn only_refused_unreachable_or_unanswered_connects_are_retried() {
    use std::io::ErrorKind::*;
    for (kind, retried) in [
      (ConnectionRefused, true),
      (HostUnreachable, true),
      (NetworkUnreachable, true),
      (TimedOut, true),
      (InvalidData, false), // what a TLS refusal arrives as
      (Other, false),       // what a DNS failure arrives as
      (PermissionDenied, false),
    ] {
      let error = io::Error::new(kind, "x");
      assert_eq!(connect_may_be_retried(&error), retried, "{kind:?}");
    }
  }

  #[test]
  fn the_client_list_stays_bounded_and_keeps_the_recent_ones() {
    let key = |ms| ClientKey {
      connect_timeout: Duration::from_millis(ms),
      direct: true,
    };
    // Well past the cap, each a distinct deadline (a config edited many times).
    for ms in 1..=(MAX_CLIENTS as u64 * 4) {
      assert!(client(key(1_000_000 + ms)).is_ok());
    }
    assert!(client(key(1_000_001)).is_ok());
    let clients = CLIENTS.lock().unwrap_or_else(PoisonError::into_inner);
    assert!(clients.len() <= MAX_CLIENTS, "{} clients", clients.len());
    assert_eq!(clients.last().map(|(k, _)| *k), Some(key(1_000_001)));
  }
}
