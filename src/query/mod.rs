//! Doctor and trace (CONTRACT §11): the providers' read-only APIs, called on
//! the same signing and transport as `SendSms` (deadline, 1 MiB cap, no
//! redirects), and what their answers say about a setup or a message.
//!
//! Nothing here sends an SMS: every request built in this module names a
//! query action (`GetSmsSign`, `GetSmsTemplate`, `QuerySendDetails`,
//! `QueryMessage`, `DescribeSmsTemplateList`, `PullSmsSendStatusByPhoneNumber`).
//!
//! - `aliyun`, `tencent`: the requests and the answers' shapes, per provider;
//! - `clock`: the providers' `Date` headers and their times;
//! - `check`: a check's id, status, detail and fix;
//! - `doctor`: the checks of one account, and of a router;
//! - `trace`: what became of the messages to one number on one day;
//! - `binding`: the N-API exports.

pub mod aliyun;
pub mod binding;
pub mod check;
pub mod clock;
pub mod doctor;
pub mod tencent;
pub mod trace;

use serde_json::Value;

use crate::error::{ConnectorError, ErrorCode, ErrorData};
use crate::transport::{self, HttpRequest, HttpResponse, TransportError};

/// One read-only call's outcome, with what the doctor needs beside the
/// parsed answer: whether the provider was reached at all, the HTTP status
/// and the `Date` header (error answers carry one too).
#[derive(Debug)]
pub struct Called {
  pub result: Result<Value, ConnectorError>,
  /// False when no connection could be made: nothing reached the provider.
  pub reached: bool,
  /// The HTTP status, when there was an answer.
  pub status: Option<u16>,
  pub date: Option<String>,
}

impl Called {
  /// The provider's own code of a refused call (`Code`, `Response.Error.Code`).
  pub fn provider_code(&self) -> Option<&str> {
    self.result.as_ref().err().and_then(provider_code)
  }
}

/// A transport failure in a query's words: the send path's texts speak of a
/// message that may have been sent, which a query never is.
fn transport_error(error: TransportError) -> ConnectorError {
  match error {
    TransportError::Connect { reason, .. } => {
      ConnectorError::new(ErrorCode::General, format!("could not connect: {reason}"))
    }
    TransportError::Timeout(after) => ConnectorError::new(
      ErrorCode::General,
      format!("no answer within {} ms (timeoutMs)", after.as_millis()),
    ),
    TransportError::AfterSend(reason) => ConnectorError::new(
      ErrorCode::General,
      format!("the connection failed: {reason}"),
    ),
    other => other.into_connector_error(),
  }
}

/// Posts `request` and reads the answer with `read`.
pub async fn call(
  request: HttpRequest,
  read: fn(&HttpResponse) -> Result<Value, ConnectorError>,
) -> Called {
  match transport::post(request).await {
    Ok(response) => Called {
      result: read(&response),
      reached: true,
      status: Some(response.status),
      date: response.date.clone(),
    },
    Err(error) => Called {
      reached: !matches!(
        error,
        TransportError::Connect { .. } | TransportError::Request(_)
      ),
      result: Err(transport_error(error)),
      status: None,
      date: None,
    },
  }
}

/// The provider's `Code` recorded in a classified error.
pub fn provider_code(error: &ConnectorError) -> Option<&str> {
  match &error.data {
    ErrorData::Fields(map) => map.get("Code").and_then(Value::as_str),
    ErrorData::Message(_) => None,
  }
}

/// A field read leniently: a string, or a number written as one (providers
/// document strings and sometimes send numbers, or the other way round).
pub fn text_of(value: Option<&Value>) -> Option<String> {
  match value? {
    Value::String(text) => Some(text.clone()),
    Value::Number(number) => Some(number.to_string()),
    _ => None,
  }
}

/// A field read leniently as an integer: a number, or a string of digits.
pub fn int_of(value: Option<&Value>) -> Option<i64> {
  match value? {
    Value::Number(number) => number.as_i64(),
    Value::String(text) => text.trim().parse().ok(),
    _ => None,
  }
}
