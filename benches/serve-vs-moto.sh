#!/usr/bin/env bash
# The README's "Endpoints under load" figures: serve and moto_server started once on 127.0.0.1,
# then measured in turn with `xray-conformance bench`, PAIRS times, so both see the same host.
# Needs a release build (cargo build --release -p xray-conformance) and moto[server] installed.
# Usage: benches/serve-vs-moto.sh [PAIRS] [SECONDS]
# With RATE=N in the environment, both are sent N requests/s (open loop) instead of as many as
# they answer, and latency counts from when each request was due.
set -euo pipefail
PAIRS=${1:-3}
SECONDS_EACH=${2:-10}
BIN=${BIN:-target/release/xray-conformance}
SERVE_PORT=${SERVE_PORT:-4100}
MOTO_PORT=${MOTO_PORT:-5124}

[ -x "$BIN" ] || { echo "no $BIN: run cargo build --release -p xray-conformance" >&2; exit 2; }
command -v moto_server >/dev/null || { echo "no moto_server: pip install 'moto[server]'" >&2; exit 2; }

"$BIN" serve --http 127.0.0.1:$SERVE_PORT --udp 127.0.0.1:$((SERVE_PORT + 1)) >/dev/null 2>&1 &
SERVE=$!
moto_server -H 127.0.0.1 -p $MOTO_PORT >/dev/null 2>&1 &
MOTO=$!
# Both are stopped and waited for (bounded): a moto_server holding a run's segments takes
# seconds to exit, and a run started meanwhile measured `serve` beside it.
stop() {
  kill $SERVE $MOTO 2>/dev/null || true
  for _ in $(seq 300); do
    [ -z "$(jobs -pr)" ] && return 0
    sleep 0.1
  done
  kill -9 $SERVE $MOTO 2>/dev/null || true
}
trap stop EXIT

# Bounded wait for both to listen.
for _ in $(seq 100); do
  if (exec 3<>/dev/tcp/127.0.0.1/$SERVE_PORT) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/$MOTO_PORT) 2>/dev/null; then
    break
  fi
  sleep 0.1
done

rate() {
  "$BIN" bench --endpoint "http://127.0.0.1:$1" --duration "$SECONDS_EACH" \
    --concurrency 8 --batch 50 ${RATE:+--rate "$RATE"} --format json |
    python3 -c 'import json,sys; d=json.load(sys.stdin); l=d["latency_ms"]; print(int(d["documents_per_second"]), int(d["requests_per_second"]), "%.2f %.2f %.2f %.2f" % (l["p50"], l["p90"], l["p99"], l["max"]), sum(d["error_statuses"].values()) + d["transport_errors"] + d["timeouts"], d["late_requests"], d["unsent_requests"])'
}

echo "pair target segments/s requests/s p50_ms p90_ms p99_ms max_ms errors late unsent"
for p in $(seq "$PAIRS"); do
  s=$(rate $SERVE_PORT); m=$(rate $MOTO_PORT)
  echo "$p serve $s"
  echo "$p moto $m"
  if [ -n "${RATE:-}" ]; then
    # Same rate for both: compare how long they take, p99 against p99.
    python3 -c "s='$s'.split(); m='$m'.split(); print('$p moto p99 / serve p99 %.0fx' % (float(m[4]) / max(float(s[4]), 0.001)))"
  else
    python3 -c "print('$p ratio %.1fx' % (${s%% *} / max(${m%% *}, 1)))"
  fi
done
