#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers (not part of npm test): cargo fuzz needs
# the nightly toolchain and cargo-fuzz (`rustup toolchain install nightly`,
# `cargo install cargo-fuzz`). Runs each target for SECONDS (default 60).
# A crash leaves its input under fuzz/artifacts/<target>/: turn it into a
# regression test in src/proptests.rs or the module's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "cargo fuzz on nightly is not available here: rustup toolchain install nightly && cargo install cargo-fuzz" >&2
  exit 2
fi
for target in config answers message_data; do
  echo "== fuzz target ${target} (${seconds} s)"
  cargo +nightly fuzz run "${target}" -- -max_total_time="${seconds}" -max_len=4096 2>&1 | grep -E "^(#[0-9]+.*DONE|Done|==[0-9]+==|SUMMARY|artifact_prefix)" || true
done
