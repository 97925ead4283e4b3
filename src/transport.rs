//! HTTP for both providers: one shared client (connection pool, rustls with the
//! system's roots plus bundled Mozilla roots), a whole-request deadline, a
//! 1 MiB response cap, no redirects, and one retry only when the connection
//! could not be made (sending an SMS is not idempotent: anything that may have
//! reached the provider is never sent again).

use std::error::Error as _;
use std::sync::OnceLock;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{redirect, Client, Url};

use crate::error::{ConnectorError, ErrorCode};

pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

#[derive(Debug)]
pub struct HttpRequest {
  pub url: Url,
  pub headers: Vec<(String, String)>,
  pub body: Vec<u8>,
  pub timeout: Duration,
}

#[derive(Debug)]
pub struct HttpResponse {
  pub status: u16,
  pub body: Vec<u8>,
}

/// Where a request failed, which decides both the error and whether a retry
/// is allowed.
#[derive(Debug, PartialEq, Eq)]
pub enum TransportError {
  /// The connection could not be made: nothing was sent.
  Connect(String),
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
      TransportError::Connect(reason) => ConnectorError::new(
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

static CLIENT: OnceLock<Result<Client, String>> = OnceLock::new();

fn client() -> Result<&'static Client, TransportError> {
  CLIENT
    .get_or_init(|| {
      Client::builder()
        .use_rustls_tls()
        .redirect(redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(50))
        .tcp_nodelay(true)
        .user_agent(concat!("logto-sms-native/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| describe(&e))
    })
    .as_ref()
    .map_err(|reason| TransportError::Connect(format!("HTTP client unavailable: {reason}")))
}

/// POSTs once (twice only if the first connection could not be made), all
/// within `request.timeout`.
pub async fn post(request: HttpRequest) -> Result<HttpResponse, TransportError> {
  let deadline = request.timeout;
  match tokio::time::timeout(deadline, post_with_connect_retry(&request)).await {
    Ok(result) => result,
    Err(_) => Err(TransportError::Timeout(deadline)),
  }
}

async fn post_with_connect_retry(request: &HttpRequest) -> Result<HttpResponse, TransportError> {
  match post_once(request).await {
    Err(TransportError::Connect(_)) => post_once(request).await,
    other => other,
  }
}

async fn post_once(request: &HttpRequest) -> Result<HttpResponse, TransportError> {
  let client = client()?;
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
        TransportError::Connect(describe(&e))
      } else {
        TransportError::AfterSend(describe(&e))
      }
    })?;
  let status = response.status().as_u16();
  let body = read_capped(response).await?;
  Ok(HttpResponse { status, body })
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
