//! Request signing: pure functions. No clock, no randomness, no I/O: the
//! timestamp and nonce are inputs, so every stage can be checked against the
//! providers' published examples.

pub mod aliyun_rpc;
pub mod tencent_tc3;
