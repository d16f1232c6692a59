#!/usr/bin/env python3
"""The AWS X-Ray SDK for Python against `xray-conformance serve`, over the daemon's UDP protocol.

    python3 .ci/clients/xray_sdk_udp.py --http http://127.0.0.1:PORT --udp 127.0.0.1:PORT

The SDK (UDPEmitter, sampling off, so every segment is sent) emits one realistic trace:
  - segment "checkout-api": http block (request + response), annotations, metadata, user, and
    subsegments "payment-gateway" (remote, raises inside `in_subsegment`, so cause.exceptions
    and fault), "orders-db" (remote, sql block + metadata), "render-receipt" with a nested
    "template.load", and "shipping-service" (remote HTTP call);
  - segment "shipping-service": a second, separate document in the same trace, whose parent_id
    is the "shipping-service" subsegment (what the downstream service's SDK would send).
Then two datagrams by hand: a header with "format":"xml" and a T1S (OpenTelemetry OTLP) payload.

Then GET /_xray/documents is polled (at most 10 s, every 0.2 s) until every datagram is
recorded, and the checks are: each document the SDK sent is recorded once with source "udp",
verdict "accepted", its trace_id and attempt null (the diagnostics of any other are printed); the
bad header is recorded as "invalid_header" and the OTLP payload as "otlp", once each.

--no-inspect sends everything and skips /_xray/* (a trial with no server); --dump DIR writes each
document the SDK sent to DIR/sdk-N.json (for `xray-conformance validate`).
Exit 0 and "xray sdk udp: N documents accepted"; exit 1 and "xray sdk udp: FAIL: ..." otherwise.
"""

import argparse
import base64
import json
import os
import socket
import struct
import sys
import time
import urllib.error
import urllib.request

# Environment variables that would override configure() (daemon address, context-missing
# strategy, service name), disable the SDK, or make it believe it runs on Lambda.
for _var in ("AWS_XRAY_DAEMON_ADDRESS", "AWS_XRAY_CONTEXT_MISSING", "AWS_XRAY_TRACING_NAME",
             "AWS_XRAY_SDK_ENABLED", "LAMBDA_TASK_ROOT", "_X_AMZN_TRACE_ID"):
    os.environ.pop(_var, None)

from aws_xray_sdk.core import xray_recorder  # noqa: E402
from aws_xray_sdk.core.emitters.udp_emitter import UDPEmitter  # noqa: E402
from aws_xray_sdk.core.models import http  # noqa: E402

HEADER = '{"format":"json","version":1}'
BAD_HEADER_DATAGRAM = b'{"format":"xml","version":1}\n{}'
HTTP_TIMEOUT = 10
POLL_FOR = 10.0
POLL_EVERY = 0.2


class CheckFailed(Exception):
    pass


class RecordingEmitter(UDPEmitter):
    """The SDK's own UDPEmitter, keeping a copy of every datagram it sends."""

    def __init__(self, daemon_address):
        super().__init__(daemon_address)
        self.datagrams = []

    def _send_data(self, data):
        self.datagrams.append(data)
        super()._send_data(data)


def emit_trace():
    """One checkout request through the SDK's public API, as an instrumented app would record it."""
    seg = xray_recorder.begin_segment("checkout-api")
    seg.put_http_meta(http.METHOD, "POST")
    seg.put_http_meta(http.URL, "https://shop.example.com/api/checkout?cart=7f3a")
    seg.put_http_meta(http.USER_AGENT, "Mozilla/5.0 (X11; Linux x86_64) xray-conformance-ci")
    seg.put_http_meta(http.CLIENT_IP, "203.0.113.7")
    seg.set_user("customer-1234")
    xray_recorder.put_annotation("customer_tier", "gold")
    xray_recorder.put_annotation("cart_items", 3)
    xray_recorder.put_annotation("order_total", 42.5)
    xray_recorder.put_annotation("express_shipping", True)
    xray_recorder.put_metadata("cart", {"items": [{"sku": "B-17", "qty": 2}, {"sku": "C-3", "qty": 1}],
                                        "coupon": None, "currency": "EUR"}, "checkout")
    xray_recorder.put_metadata("build", "2026.11.24+ci")

    try:
        with xray_recorder.in_subsegment("payment-gateway") as sub:
            sub.namespace = "remote"
            sub.put_http_meta(http.METHOD, "POST")
            sub.put_http_meta(http.URL, "https://payments.example.net/v1/charges")
            sub.put_annotation("attempt", 1)
            raise ConnectionError("payment gateway timed out after 2.0 s")
    except ConnectionError:
        pass  # the app falls back to a deferred charge

    with xray_recorder.in_subsegment("orders-db") as sub:
        sub.namespace = "remote"
        sub.set_sql({
            "url": "postgresql://orders-db.internal:5432/orders",
            "database_type": "PostgreSQL",
            "database_version": "15.4",
            "driver_version": "psycopg2 2.9.9",
            "user": "checkout",
            "sanitized_query": "INSERT INTO orders (customer_id, total) VALUES ($1, $2) RETURNING id",
        })
        sub.put_metadata("rows", 1, "sql")
        sub.put_metadata("statement", {"table": "orders", "kind": "insert"}, "sql")

    with xray_recorder.in_subsegment("render-receipt"):
        with xray_recorder.in_subsegment("template.load") as inner:
            inner.put_annotation("template", "receipt_v2")
            inner.put_metadata("cache", {"hit": False, "bytes": 5120})

    with xray_recorder.in_subsegment("shipping-service") as call:
        call.namespace = "remote"
        call.put_http_meta(http.METHOD, "POST")
        call.put_http_meta(http.URL, "http://shipping.internal/api/shipments")
        call.put_http_meta(http.STATUS, 201)
        call.put_http_meta(http.CONTENT_LENGTH, 87)
        trace_id, call_id = call.trace_id, call.id

    seg.put_http_meta(http.STATUS, 200)
    xray_recorder.end_segment()  # all subsegments closed: the segment goes out over UDP

    # The shipping service's own segment: a separate document, same trace.
    down = xray_recorder.begin_segment("shipping-service", traceid=trace_id, parent_id=call_id)
    down.put_http_meta(http.METHOD, "POST")
    down.put_http_meta(http.URL, "http://shipping.internal/api/shipments")
    down.put_http_meta(http.CLIENT_IP, "10.0.3.4")
    down.put_annotation("carrier", "dhl")
    down.put_metadata("shipment", {"id": "shp_91", "parcels": 1})
    with xray_recorder.in_subsegment("label-printer") as sub:
        sub.put_annotation("printer", "zebra_2")
    down.put_http_meta(http.STATUS, 201)
    xray_recorder.end_segment()


def otlp_payload():
    """A T1S datagram body as the ADOT X-Ray UDP span exporter sends it: "T1S" (sampled) followed by
    the base64 of a protobuf ExportTraceServiceRequest, here with one span."""

    def varint(n):
        out = bytearray()
        while True:
            b = n & 0x7F
            n >>= 7
            out.append(b | (0x80 if n else 0))
            if not n:
                return bytes(out)

    def field(num, wire, payload):
        tag = varint(num << 3 | wire)
        if wire == 2:
            return tag + varint(len(payload)) + payload
        return tag + payload

    now = time.time_ns()
    span = (field(1, 2, os.urandom(16)) + field(2, 2, os.urandom(8)) + field(5, 2, b"otlp-span")
            + field(6, 0, varint(2))  # SPAN_KIND_SERVER
            + field(7, 1, struct.pack("<Q", now - 5_000_000)) + field(8, 1, struct.pack("<Q", now)))
    request = field(1, 2, field(2, 2, field(2, 2, span)))  # resource_spans.scope_spans.spans
    return (HEADER + "\nT1S").encode() + base64.b64encode(request)


def xray_get(base, path):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(base.rstrip("/") + path, timeout=HTTP_TIMEOUT) as resp:
            body = resp.read()
    except urllib.error.HTTPError as err:
        raise CheckFailed(f"GET {path}: HTTP {err.code}: {err.read()[:300]!r}")
    except (urllib.error.URLError, OSError) as err:
        raise CheckFailed(f"GET {path}: {err}")
    try:
        records = json.loads(body)
    except ValueError:
        raise CheckFailed(f"GET {path}: not JSON: {body[:300]!r}")
    if not isinstance(records, list):
        raise CheckFailed(f"GET {path}: expected a JSON array, got {type(records).__name__}")
    return records


def show(rec):
    lines = [f"    record: seq={rec.get('seq')} verdict={rec.get('verdict')!r} id={rec.get('id')!r} "
             f"error_code={rec.get('error_code')!r} message={rec.get('message')!r}"]
    for d in rec.get("diagnostics") or []:
        lines.append(f"      {d.get('severity')} {d.get('code')} at {d.get('pointer')!r}: {d.get('message')}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--http", required=True, help="http://127.0.0.1:PORT of `xray-conformance serve`")
    ap.add_argument("--udp", required=True, help="HOST:PORT of its UDP listener")
    ap.add_argument("--no-inspect", action="store_true", help="send only; skip /_xray/*")
    ap.add_argument("--dump", metavar="DIR", help="write each document the SDK sent to DIR/sdk-N.json")
    args = ap.parse_args()
    host, _, port = args.udp.rpartition(":")
    if not host or not port.isdigit():
        ap.error(f"--udp must be HOST:PORT, got {args.udp!r}")

    baseline = -1
    if not args.no_inspect:
        seqs = [r.get("seq") for r in xray_get(args.http, "/_xray/documents") if isinstance(r, dict)]
        baseline = max([s for s in seqs if isinstance(s, int)], default=-1)

    emitter = RecordingEmitter(args.udp)
    xray_recorder.configure(
        service="xray-conformance-ci",
        sampling=False,  # no sampler: every segment is sent, and no poller calls the daemon's TCP API
        context_missing="LOG_ERROR",
        daemon_address=args.udp,
        emitter=emitter,
    )
    emit_trace()

    sdk_docs = []
    for i, data in enumerate(emitter.datagrams):
        head, sep, body = data.partition("\n")
        if head != HEADER or not sep:
            raise CheckFailed(f"the SDK's datagram {i} does not start with {HEADER!r} + newline: {data[:80]!r}")
        sdk_docs.append(json.loads(body))
        if args.dump:
            os.makedirs(args.dump, exist_ok=True)
            with open(os.path.join(args.dump, f"sdk-{i}.json"), "w") as f:
                f.write(body)
    if len(sdk_docs) != 2:
        raise CheckFailed(f"the SDK should have sent 2 segment documents, it sent {len(sdk_docs)}: "
                          f"{[d.get('name') for d in sdk_docs]}")

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(BAD_HEADER_DATAGRAM, (host, int(port)))
        s.sendto(otlp_payload(), (host, int(port)))

    if args.no_inspect:
        print(f"xray sdk udp: sent {len(sdk_docs)} SDK documents + 2 by hand; /_xray/* skipped (--no-inspect)")
        return

    ids = {d["id"] for d in sdk_docs}
    deadline = time.monotonic() + POLL_FOR
    while True:
        new = [r for r in xray_get(args.http, "/_xray/documents")
               if isinstance(r, dict) and isinstance(r.get("seq"), int) and r["seq"] > baseline]
        udp = [r for r in new if r.get("source") == "udp"]
        seen = {r.get("id") for r in udp}
        verdicts = [r.get("verdict") for r in udp]
        if (ids <= seen and "invalid_header" in verdicts and "otlp" in verdicts) or time.monotonic() > deadline:
            break
        time.sleep(POLL_EVERY)

    problems = []
    for doc in sdk_docs:
        recs = [r for r in udp if r.get("id") == doc["id"]]
        label = f"SDK document {doc['name']!r} (id {doc['id']})"
        if not recs:
            others = [r for r in new if r.get("id") == doc["id"]]
            problems.append(f"{label}: no udp record after {POLL_FOR:.0f} s"
                            + (f"; records with other sources: {others}" if others else ""))
            continue
        if len(recs) > 1:
            problems.append(f"{label}: {len(recs)} records for one datagram\n" + "\n".join(map(show, recs)))
        rec = recs[0]
        if rec.get("verdict") != "accepted":
            problems.append(f"{label}: verdict {rec.get('verdict')!r}, expected 'accepted'\n{show(rec)}\n"
                            f"    document: {json.dumps(doc)[:2000]}")
            continue
        if rec.get("trace_id") != doc["trace_id"]:
            problems.append(f"{label}: recorded trace_id {rec.get('trace_id')!r}, sent {doc['trace_id']!r}")
        if rec.get("attempt") is not None:
            problems.append(f"{label}: attempt {rec.get('attempt')!r} on a udp record (no amz-sdk-request header)")
        if rec.get("diagnostics"):
            print(f"  note: {label} accepted with diagnostics:\n{show(rec)}", file=sys.stderr)
    for verdict, what in (("invalid_header", 'the {"format":"xml"} datagram'), ("otlp", "the T1S datagram")):
        n = verdicts.count(verdict)
        if n != 1:
            problems.append(f"{what}: expected one udp record with verdict {verdict!r}, found {n}; "
                            f"new udp records: {[(r.get('seq'), r.get('verdict'), r.get('id')) for r in udp]}")
    if problems:
        raise CheckFailed("\n  ".join([f"{len(problems)} problem(s):"] + problems))
    print(f"xray sdk udp: {len(sdk_docs)} documents accepted")


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as failure:
        print(f"xray sdk udp: FAIL: {failure}", file=sys.stderr)
        sys.exit(1)
