#!/usr/bin/env bash
# Builds every fuzz target with nightly, runs each for a bounded time from the fixture seeds and
# the dictionary (any crash fails CI), then exercises the OSS-Fuzz build script into a temp $OUT.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${FUZZ_SECONDS:-60}
cargo +nightly --version >/dev/null || { echo "the nightly toolchain is missing"; exit 1; }
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for target in $(cargo +nightly fuzz list); do
  mkdir -p "corpus/$target"
  echo "--- $target (${seconds} s)"
  cargo +nightly fuzz run -O "$target" "corpus/$target" ../fixtures/documents -- \
    -dict=xray.dict -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 \
    | grep -E "^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|SUMMARY|panicked|ERROR" || true
  # cargo fuzz exits non-zero on a crash; pipefail carries it here.
done
out=$(mktemp -d)
OUT="$out" ./build.sh
for target in $(cargo +nightly fuzz list); do
  test -x "$out/$target" && test -s "$out/${target}_seed_corpus.zip" && test -s "$out/$target.dict"
done
rm -rf "$out"
