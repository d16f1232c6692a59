#!/usr/bin/env bash
# Real clients against `xray-conformance serve`: boto3 (PutTraceSegments over HTTP, standard
# retries), the AWS SDK for JavaScript v3 (PutTraceSegments signed, checked by the server) and
# the AWS X-Ray SDKs for Python and Node.js (the daemon's UDP protocol). Every server listens on
# 127.0.0.1 with ports the OS picks; every wait is bounded.
# Needs target/debug/xray-conformance (`cargo build -p xray-conformance`, run by CI before this);
# XRAY_CONFORMANCE_BIN overrides the path.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${XRAY_CONFORMANCE_BIN:-target/debug/xray-conformance}
[[ -x $bin ]] || { echo "serve.sh: $bin not found: run 'cargo build -p xray-conformance' first" >&2; exit 1; }

python3 -m pip install -q -r .ci/clients/requirements.txt
command -v node >/dev/null || { echo "serve.sh: node is missing (the X-Ray SDK for Node.js needs it)" >&2; exit 1; }
timeout 300 npm install --prefix .ci/clients --no-audit --no-fund --no-package-lock --silent

tmp=$(mktemp -d)
servers=()
cleanup() { # servers still running (a check failed): SIGTERM, at most 5 s, then SIGKILL
  local pid
  for pid in "${servers[@]}"; do
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

# A non-interactive shell starts background jobs with SIGINT ignored; give the server the default
# disposition back so that SIGINT reaches it whatever it does with signals.
if env --default-signal=INT true 2>/dev/null; then
  launch=(env --default-signal=INT)
else
  launch=(python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])')
fi

# start_server NAME [ARGS...]: starts `serve` with its stdout in $tmp/NAME.out; sets server_pid,
# http_url and udp_addr once the ready line is printed (at most 30 s).
start_server() {
  local name=$1 line=
  shift
  : >"$tmp/$name.out"
  "${launch[@]}" "$bin" serve --http 127.0.0.1:0 --udp 127.0.0.1:0 "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" &
  server_pid=$!
  servers+=("$server_pid")
  for _ in $(seq 1 150); do
    line=$(grep -m1 '^xray-conformance serve: http=' "$tmp/$name.out" || true)
    [[ -n $line ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  if [[ -z $line ]]; then
    echo "serve.sh: $name: no ready line within 30 s (or the server exited); stdout:" >&2
    cat "$tmp/$name.out" >&2
    echo "stderr:" >&2
    cat "$tmp/$name.err" >&2
    exit 1
  fi
  http_url=$(sed -n 's/^xray-conformance serve: http=\([^ ]*\) udp=\([^ ]*\)$/\1/p' <<<"$line")
  udp_addr=$(sed -n 's/^xray-conformance serve: http=\([^ ]*\) udp=\([^ ]*\)$/\2/p' <<<"$line")
  if [[ ! $http_url =~ ^http://127\.0\.0\.1:[0-9]+$ || ! $udp_addr =~ ^127\.0\.0\.1:[0-9]+$ ]]; then
    echo "serve.sh: $name: ready line not as expected: $line" >&2
    exit 1
  fi
  echo "serve.sh: $name: pid $server_pid, http $http_url, udp $udp_addr"
}

# stop_server NAME: SIGINT, then at most 15 s for a clean exit (status 0) and its summary.
stop_server() {
  local name=$1 rc=0
  kill -INT "$server_pid"
  for _ in $(seq 1 75); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$server_pid" 2>/dev/null; then
    echo "serve.sh: $name: still running 15 s after SIGINT" >&2
    kill -KILL "$server_pid" 2>/dev/null || true
    exit 1
  fi
  wait "$server_pid" || rc=$?
  echo "serve.sh: $name: output after SIGINT:"
  sed 1d "$tmp/$name.out"
  cat "$tmp/$name.err"
  if [[ $rc -ne 0 ]]; then
    echo "serve.sh: $name: exited with status $rc after SIGINT, expected 0" >&2
    exit 1
  fi
  if [[ $(sed 1d "$tmp/$name.out" | wc -l) -eq 0 && ! -s $tmp/$name.err ]]; then
    echo "serve.sh: $name: printed no summary after SIGINT" >&2
    exit 1
  fi
}

count_records() { # number of records GET $1/_xray/documents holds
  python3 - "$1" <<'PY'
import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(sys.argv[1] + "/_xray/documents", timeout=10) as resp:
    print(len(json.load(resp)))
PY
}

echo "=== serve: boto3 and the X-Ray SDKs for Python and Node.js ==="
start_server plain --record "$tmp/rec.jsonl"
timeout 120 python3 .ci/clients/boto3_client.py --endpoint "$http_url" | tee "$tmp/boto3.log"
timeout 120 python3 .ci/clients/xray_sdk_udp.py --http "$http_url" --udp "$udp_addr" | tee "$tmp/sdk.log"
sdk_docs=$(sed -n 's/^xray sdk udp: \([0-9]*\) documents accepted$/\1/p' "$tmp/sdk.log")
timeout 120 node .ci/clients/xray_sdk_node.js --http "$http_url" --udp "$udp_addr" | tee "$tmp/node.log"
node_docs=$(sed -n 's/^xray sdk node: \([0-9]*\) documents\{0,1\} accepted$/\1/p' "$tmp/node.log")
# Documents the server must have recorded: boto3's (a) 3 + (b) 2, the Python SDK's, the 2
# hand-made datagrams, the Node.js SDK's. (The 51 of boto3's rejected request may or may not be
# recorded.)
sent=$((3 + 2 + ${sdk_docs:-0} + 2 + ${node_docs:-0}))
recorded=$(count_records "$http_url")
stop_server plain
lines=$(wc -l <"$tmp/rec.jsonl")
echo "serve.sh: documents sent $sent, recorded $recorded, --record lines $lines"
if ((recorded < sent || lines < recorded)); then
  echo "serve.sh: --record file ($lines lines) or /_xray/documents ($recorded) holds fewer than the $sent documents sent" >&2
  exit 1
fi

echo "=== serve --throttle-first 2: boto3 standard retries ==="
start_server throttled --throttle-first 2
timeout 120 python3 .ci/clients/boto3_client.py --endpoint "$http_url" --expect-throttle 2
stop_server throttled

echo "=== serve --check-signature: the AWS SDK for JavaScript v3, signed ==="
start_server signed --check-signature AKIDXRAYCONFORMANCE:ci-secret-not-a-real-key
timeout 120 node .ci/clients/xray_put_node.js --endpoint "$http_url" \
  --key AKIDXRAYCONFORMANCE --secret ci-secret-not-a-real-key
stop_server signed

echo "serve.sh: all clients passed"
