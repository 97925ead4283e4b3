//! Every N-API export, and nothing else: converts JS⇄Rust values and turns
//! panics into ordinary failures. No logic lives here.
//!
//! Configs and message data arrive as JSON text (the glue encodes them); a
//! send's result leaves as three strings passed to the report callback of
//! `Sends` (`SendResult`), the guard's as JSON text: no per-field conversion
//! of provider answers.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

use crate::config::{self, aliyun, tencent};
use crate::direct;
use crate::outcome::{guard_json, Outcome};
use crate::router;
use crate::send::{self, Finished};
use crate::sign::{aliyun_rpc, tencent_tc3};
#[cfg(feature = "bench")]
use crate::transport::{self, HttpRequest};

/// Tokio worker threads for the sends. A send is a few microseconds of
/// signing and parsing around network waits: two workers keep up with more
/// sends than Logto makes, where napi-rs's default (one per core) would start
/// dozens of idle threads on a large host.
const MAX_WORKERS: usize = 2;
/// Threads for blocking work: only DNS lookups (the system resolver blocks).
const MAX_BLOCKING_THREADS: usize = 4;

/// Runs when the addon is loaded, before napi-rs starts its runtime: installs
/// one sized for this workload. Should building it fail, napi-rs builds its
/// default one.
#[napi_derive::module_init]
fn size_the_runtime() {
  let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_WORKERS));
  let runtime = tokio::runtime::Builder::new_multi_thread()
    .worker_threads(workers)
    .max_blocking_threads(MAX_BLOCKING_THREADS)
    .thread_name("logto-sms-native")
    .enable_all()
    .build();
  if let Ok(runtime) = runtime {
    create_custom_tokio_runtime(runtime);
  }
}

/// The Aliyun config guard: `{"success":true,"data":…}` or `{"success":false,"issues":[…]}`.
#[napi(catch_unwind)]
pub fn aliyun_parse_config(config_json: String) -> String {
  guard_json(&config::read_json(&config_json).and_then(|v| direct::parse(&v, aliyun::parse)))
}

/// The Tencent config guard, same shape as `aliyunParseConfig`.
#[napi(catch_unwind)]
pub fn tencent_parse_config(config_json: String) -> String {
  guard_json(&config::read_json(&config_json).and_then(|v| direct::parse(&v, tencent::parse)))
}

/// A send's result: exactly one of `answer` and `failure`, and the log line.
pub struct SendResult {
  /// The provider's answer, as it came (JSON text its reader accepted): the
  /// message went out.
  pub answer: Option<String>,
  /// Otherwise `{"code":…,"data"|"issues":…}`: the ConnectorErrorCodes value
  /// and the error's data (or the guard's issues).
  pub failure: Option<String>,
  /// The send's log line (CONTRACT §10): a JSON object as text, without the
  /// connector id the glue puts first.
  pub log: String,
}

impl From<Finished> for SendResult {
  fn from(finished: Finished) -> Self {
    let failure = finished.outcome.failure_json();
    let answer = match finished.outcome {
      Outcome::Sent(answer) => Some(answer),
      _ => None,
    };
    SendResult {
      answer,
      failure,
      log: finished.log,
    }
  }
}

/// What the report callback is called with: the send's id, then its
/// `answer`, `failure` and `log` (`undefined` where absent).
type ReportArgs = FnArgs<(u32, Option<String>, Option<String>, String)>;

/// The JS callback every finished send of one `Sends` is reported to. Weak:
/// it never keeps Node's event loop alive by itself (the glue holds the loop
/// open while it has sends pending), so a CLI exits when its work is done.
type Report = ThreadsafeFunction<(u32, SendResult), (), ReportArgs, Status, false, true>;

/// The send entry points. One instance per connector folder's glue, made at
/// its first send: each send is started by a synchronous call and reported,
/// with the id the glue gave it, through the one callback given here.
///
/// Why not an `async fn` per send: napi-rs makes a promise, a deferred and a
/// thread-safe function (with its own libuv handle, opened and closed) for
/// every such call; here the thread-safe function is made once and Node
/// drains finished sends in batches from one handle (docs/benchmarks.md).
#[napi]
pub struct Sends {
  report: Arc<Report>,
}

#[napi]
impl Sends {
  /// `report(id, answer, failure, log)` is called once per started send, on
  /// the JS thread, in the order sends finish. It must not throw.
  #[napi(constructor)]
  pub fn new(report: Function<ReportArgs, ()>) -> Result<Self> {
    let report = report
      .build_threadsafe_function::<(u32, SendResult)>()
      .callee_handled::<false>()
      .weak::<true>()
      .build_callback(|ctx| {
        let (id, result) = ctx.value;
        Ok(FnArgs::from((
          id,
          result.answer,
          result.failure,
          result.log,
        )))
      })?;
    Ok(Sends {
      report: Arc::new(report),
    })
  }

  /// Starts one send through Aliyun; reported to the callback, never thrown
  /// for a connector failure (it is in `failure`).
  #[napi(catch_unwind)]
  pub fn aliyun(&self, id: u32, config_json: String, data_json: String) {
    self.start(
      id,
      isolate(async move { send::send_direct(&direct::ALIYUN, &config_json, &data_json).await }),
    );
  }

  /// Starts one send through Tencent Cloud; same report.
  #[napi(catch_unwind)]
  pub fn tencent(&self, id: u32, config_json: String, data_json: String) {
    self.start(
      id,
      isolate(async move { send::send_direct(&direct::TENCENT, &config_json, &data_json).await }),
    );
  }

  /// Starts one send through the routing connector: routing and every
  /// attempt happen in it; same report.
  #[napi(catch_unwind)]
  pub fn router(&self, id: u32, config_json: String, data_json: String) {
    self.start(
      id,
      isolate(async move { router::send(&config_json, &data_json).await }),
    );
  }
}

impl Sends {
  /// Runs `send` on the runtime and reports its result under `id`.
  fn start<F>(&self, id: u32, send: F)
  where
    F: Future<Output = SendResult> + Send + 'static,
  {
    let report = Arc::clone(&self.report);
    spawn(async move {
      let result = send.await;
      // Fails only while Node tears the environment down: nobody is left to
      // tell, and the result is dropped here.
      report.call((id, result), ThreadsafeFunctionCallMode::NonBlocking);
    });
  }
}

/// The routing connector's guard, same shape as `aliyunParseConfig`.
#[napi(catch_unwind)]
pub fn router_parse_config(config_json: String) -> String {
  guard_json(&config::read_json(&config_json).and_then(|v| router::config::parse(&v)))
}

/// Runs a send so that a panic inside it ends as a failure outcome instead of
/// unwinding into N-API. (In place, not as another task: a task hop per send
/// costs more than the unwind guard.)
async fn isolate<F>(future: F) -> SendResult
where
  F: Future<Output = Finished>,
{
  match AssertUnwindSafe(future).catch_unwind().await {
    Ok(finished) => finished.into(),
    // What the send knew is lost with the panic: the log line says only that.
    Err(_) => Finished {
      outcome: Outcome::internal("a panic was caught"),
      log: r#"{"provider":null,"outcome":"general","ms":0}"#.to_owned(),
    }
    .into(),
  }
}

#[napi(object)]
pub struct AliyunRpcSignature {
  pub canonicalized_query_string: String,
  pub string_to_sign: String,
  pub signature: String,
}

/// Aliyun RPC signature v1 over `params` (exposed for tests and tooling).
#[napi(catch_unwind)]
pub fn aliyun_sign_rpc(
  method: String,
  params: HashMap<String, String>,
  access_key_secret: String,
) -> AliyunRpcSignature {
  let params = params.into_iter().collect();
  let signed = aliyun_rpc::sign(&method, &params, &access_key_secret);
  AliyunRpcSignature {
    canonicalized_query_string: signed.canonicalized_query_string,
    string_to_sign: signed.string_to_sign,
    signature: signed.signature,
  }
}

#[napi(object)]
pub struct Tc3SignInput {
  pub secret_id: String,
  pub secret_key: String,
  pub service: String,
  pub host: String,
  pub content_type: String,
  pub canonical_uri: String,
  /// The exact body bytes (a string is taken as its UTF-8 bytes).
  pub payload: Either<String, Buffer>,
  pub timestamp: i64,
}

#[napi(object)]
pub struct Tc3Signature {
  pub hashed_request_payload: String,
  pub canonical_request: String,
  pub hashed_canonical_request: String,
  pub credential_scope: String,
  pub string_to_sign: String,
  pub signature: String,
  pub authorization: String,
}

/// Tencent TC3-HMAC-SHA256 over one request (exposed for tests and tooling).
#[napi(catch_unwind)]
pub fn tencent_sign_tc3(input: Tc3SignInput) -> Result<Tc3Signature> {
  let payload: &[u8] = match &input.payload {
    Either::A(text) => text.as_bytes(),
    Either::B(buffer) => buffer,
  };
  let signed = tencent_tc3::sign(&tencent_tc3::Tc3Input {
    secret_id: &input.secret_id,
    secret_key: &input.secret_key,
    service: &input.service,
    host: &input.host,
    content_type: &input.content_type,
    canonical_uri: &input.canonical_uri,
    payload,
    timestamp: input.timestamp,
  })
  .ok_or_else(|| Error::new(Status::InvalidArg, "timestamp out of range".to_owned()))?;
  Ok(Tc3Signature {
    hashed_request_payload: signed.hashed_request_payload,
    canonical_request: signed.canonical_request,
    hashed_canonical_request: signed.hashed_canonical_request,
    credential_scope: signed.credential_scope,
    string_to_sign: signed.string_to_sign,
    signature: signed.signature,
    authorization: signed.authorization,
  })
}

/// Posts prepared bytes with the connectors' own transport (shared client,
/// deadline, size cap) and no connector work: no validation, template choice,
/// signing or answer parsing. It is the benchmark's ceiling, started and
/// reported like a send (same `Sends`, same callback: the ceiling crosses
/// N-API the way sends do); nothing else uses it. Reported as `answer` = the
/// HTTP status, or `failure` = what went wrong; `log` is empty.
/// Only in builds with the `bench` feature (`npm run bench` makes one): it
/// bypasses the endpoint policy, so shipped binaries do not carry it.
#[cfg(feature = "bench")]
#[napi]
impl Sends {
  #[napi]
  pub fn raw_post(
    &self,
    id: u32,
    url: String,
    headers: Vec<Vec<String>>,
    body: Buffer,
    timeout_ms: u32,
  ) -> Result<()> {
    let url = reqwest::Url::parse(&url)
      .map_err(|e| Error::new(Status::InvalidArg, format!("bad url: {e}")))?;
    let headers = headers
      .into_iter()
      .filter_map(|pair| match <[String; 2]>::try_from(pair) {
        Ok([name, value]) => Some((name, value)),
        Err(_) => None,
      })
      .collect();
    let request = HttpRequest {
      url,
      headers,
      body: body.to_vec(),
      timeout: std::time::Duration::from_millis(u64::from(timeout_ms)),
    };
    self.start(id, async move {
      let (answer, failure) = match transport::post(request).await {
        Ok(response) => (Some(response.status.to_string()), None),
        Err(error) => (None, Some(format!("{error:?}"))),
      };
      SendResult {
        answer,
        failure,
        log: String::new(),
      }
    });
    Ok(())
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  /// The boundary wrapper turns a panic inside a send into an ordinary failure
  /// outcome (the Node process must never abort).
  #[tokio::test]
  async fn a_panicking_send_becomes_a_general_failure() {
    let result = isolate(async {
      if std::hint::black_box(true) {
        panic!("boom");
      }
      Finished {
        outcome: Outcome::internal("unreachable"),
        log: "{}".into(),
      }
    })
    .await;
    assert_eq!(result.answer, None);
    let failure: serde_json::Value =
      serde_json::from_str(result.failure.as_deref().unwrap_or_default()).unwrap_or_default();
    assert_eq!(failure["code"], "general");
    assert!(failure["data"]["errorDescription"]
      .as_str()
      .is_some_and(|d| d.contains("panic")));
    assert!(serde_json::from_str::<serde_json::Value>(&result.log).is_ok());
  }

  /// The answer crosses as it came, newlines and all: nothing frames it.
  #[tokio::test]
  async fn a_pretty_printed_answer_passes_through_untouched() {
    let answer = "{\n  \"Code\": \"OK\"\n}\n";
    let result = isolate(async {
      Finished {
        outcome: Outcome::Sent(answer.to_owned()),
        log: r#"{"ms":1}"#.into(),
      }
    })
    .await;
    assert_eq!(result.answer.as_deref(), Some(answer));
    assert_eq!(result.failure, None);
    assert_eq!(result.log, r#"{"ms":1}"#);
  }
}
