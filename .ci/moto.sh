#!/usr/bin/env bash
# Runs the whole suite against moto_server with its known-failing list; any unexpected result
# (a new failure, or a listed case that now passes) fails CI. Then loads it with `bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${MOTO_PORT:-5123}
log=$(mktemp)
timeout 900 moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  if python3 - "$port" <<'PY'
import socket, sys
s = socket.socket()
s.settimeout(0.5)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
  then break; fi
  sleep 0.5
done
mkdir -p target/reports
cargo run -q -p xray-conformance -- run --endpoint "http://127.0.0.1:$port" --fresh-ids --strict \
  --known-failing fixtures/known-failing/moto.txt \
  --format markdown=target/reports/moto.md --format json=target/reports/moto.json \
  --format junit=target/reports/moto.xml
cat target/reports/moto.md | head -30
# The load generator against a real peer: every document sent is accepted, nothing fails.
cargo run -q -p xray-conformance -- bench --endpoint "http://127.0.0.1:$port" --duration 2 \
  --concurrency 4 --format json >target/reports/moto-bench.json
python3 - target/reports/moto-bench.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
failed = sum(r["error_statuses"].values()) + r["transport_errors"] + r["timeouts"]
assert r["documents"] > 0 and r["accepted"] == r["documents"] and failed == 0, r
print("bench against moto_server: %d documents/s, p99 %.1f ms" % (r["documents_per_second"], r["latency_ms"]["p99"]))
PY
# The open loop against the same peer: 20 requests/s for 2 s is 40 requests, all sent and
# accepted (moto answers 50 documents in a few ms; 4 workers leave room for its pauses).
cargo run -q -p xray-conformance -- bench --endpoint "http://127.0.0.1:$port" --duration 2 \
  --concurrency 4 --rate 20 --format json >target/reports/moto-bench-rate.json
python3 - target/reports/moto-bench-rate.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
failed = sum(r["error_statuses"].values()) + r["transport_errors"] + r["timeouts"]
assert r["requests"] == 40 and r["unsent_requests"] == 0 and failed == 0, r
assert r["accepted"] == r["documents"] == 40 * r["batch"], r
print("bench --rate 20 against moto_server: p50 %.1f ms, p99 %.1f ms, %d late" % (r["latency_ms"]["p50"], r["latency_ms"]["p99"], r["late_requests"]))
PY
