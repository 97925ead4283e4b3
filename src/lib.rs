//! Native core of the Logto Aliyun SMS and Tencent Cloud SMS connectors.
//!
//! Table of contents: every module has one job. `binding` is the only place that
//! knows about N-API; everything else is plain Rust and unit-tested as such.

pub mod binding;
pub mod calling_code;
pub mod config;
pub mod direct;
pub mod error;
pub mod limits;
pub mod outcome;
pub mod phone;
#[cfg(test)]
mod proptests;
pub mod provider;
pub mod query;
pub mod refusal;
pub mod router;
pub mod send;
pub mod send_log;
pub mod sign;
pub mod template;
pub mod transport;
