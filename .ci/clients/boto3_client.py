#!/usr/bin/env python3
"""boto3 against `xray-conformance serve`: PutTraceSegments as a real AWS SDK sends it.

    python3 .ci/clients/boto3_client.py --endpoint http://127.0.0.1:PORT [--expect-throttle N]

Checks, in order:
  (a) 3 valid documents             -> UnprocessedTraceSegments == []
  (b) 1 valid + 1 without "name"    -> exactly one entry: the bad Id, ErrorCode MissingName
  (c) 51 valid documents            -> ClientError InvalidRequestException,
                                       "Exceeding maximum segment count: 50"
  (d) GET /_xray/documents          -> every document of (a) and (b) recorded, source http,
                                       the right verdict, trace_id, request, index and attempt;
                                       none of (c) recorded as accepted; GET /_xray/summary.

--expect-throttle N (the server runs with --throttle-first N): boto3 runs in standard retry mode
with 3 attempts in all (total_max_attempts=3), so a call gets at most 2 retries. Step (a) then expects, for N < 3, success
after N throttled attempts (RetryAttempts == N, the documents recorded with attempt N+1). For
N >= 3, every 3 throttles exhaust one call: such a call must raise ClientError with the throttle
code (after 3 attempts), its documents must not be recorded as accepted, and step (a) follows with
the N mod 3 throttles left. The summary must count exactly N throttled requests.

--no-inspect skips every /_xray/* request (for a trial against moto_server, which lacks them).
Exit 0 and "boto3 client: N checks passed" on success; exit 1 with "boto3 client: FAIL: ..." on the
first failed check; exit 2 on usage errors.
"""

import argparse
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request

# The server is on loopback: never send it through a proxy taken from the environment.
for _var in ("NO_PROXY", "no_proxy"):
    os.environ[_var] = ",".join(filter(None, [os.environ.get(_var), "127.0.0.1", "localhost", "::1"]))

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

MAX_ATTEMPTS = 3  # attempts per call in all, the first included
HTTP_TIMEOUT = 10  # seconds, for every request to the server
RECORD_WAIT = 5  # seconds to wait for records of documents the server has already answered


class CheckFailed(Exception):
    pass


class Checks:
    def __init__(self):
        self.passed = 0

    def ok(self, cond, what, detail=""):
        if not cond:
            raise CheckFailed(what + (f"\n  {detail}" if detail else ""))
        self.passed += 1


def new_trace_id():
    return f"1-{int(time.time()):08x}-{secrets.token_hex(12)}"


def new_doc(label, **drop):
    """A valid segment document (name, 16-hex id, trace_id, start_time, end_time)."""
    end = time.time()
    doc = {
        "name": f"boto3-client-{label}",
        "id": secrets.token_hex(8),
        "trace_id": new_trace_id(),
        "start_time": round(end - 0.25, 6),
        "end_time": round(end, 6),
    }
    for key in drop:
        del doc[key]
    return doc


def describe_error(err):
    e = err.response.get("Error", {})
    meta = err.response.get("ResponseMetadata", {})
    return (
        f"code={e.get('Code')!r} message={e.get('Message')!r} "
        f"http={meta.get('HTTPStatusCode')} retry_attempts={meta.get('RetryAttempts')}"
    )


def put(client, docs, what):
    """PutTraceSegments; a ClientError on a call expected to succeed fails the check."""
    try:
        return client.put_trace_segments(TraceSegmentDocuments=[json.dumps(d) for d in docs])
    except ClientError as err:
        raise CheckFailed(f"{what}: PutTraceSegments raised ClientError ({describe_error(err)})")


def xray_get(endpoint, path):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    url = endpoint.rstrip("/") + path
    try:
        with opener.open(url, timeout=HTTP_TIMEOUT) as resp:
            body = resp.read()
    except urllib.error.HTTPError as err:
        raise CheckFailed(f"GET {path}: HTTP {err.code}: {err.read()[:300]!r}")
    except (urllib.error.URLError, OSError) as err:
        raise CheckFailed(f"GET {path}: {err}")
    try:
        return json.loads(body)
    except ValueError:
        raise CheckFailed(f"GET {path}: not JSON: {body[:300]!r}")


def records_by_id(endpoint, wanted_ids):
    """GET /_xray/documents, waiting briefly until every wanted id has a record."""
    deadline = time.monotonic() + RECORD_WAIT
    while True:
        records = xray_get(endpoint, "/_xray/documents")
        if not isinstance(records, list):
            raise CheckFailed(f"GET /_xray/documents: expected a JSON array, got {type(records).__name__}")
        by_id = {}
        for r in records:
            if isinstance(r, dict) and r.get("id") is not None:
                by_id.setdefault(r["id"], []).append(r)
        if all(i in by_id for i in wanted_ids) or time.monotonic() > deadline:
            return by_id
        time.sleep(0.2)


def check_batch(c, by_id, docs, verdicts, attempt, what):
    """The records of one PutTraceSegments batch: one per document, same request, consecutive
    indexes in send order."""
    chosen = []
    for doc, verdict in zip(docs, verdicts):
        recs = [r for r in by_id.get(doc["id"], []) if r.get("source") == "http"]
        c.ok(recs, f"{what}: document {doc['id']} has no record with source http",
             f"records with that id: {by_id.get(doc['id'])}")
        final = [r for r in recs if r.get("verdict") == verdict]
        c.ok(len(final) == 1,
             f"{what}: document {doc['id']}: expected exactly one record with verdict {verdict!r}, "
             f"found {len(final)}", f"records: {recs}")
        rec = final[0]
        if len(recs) > 1:
            print(f"  note: {what}: document {doc['id']} has {len(recs)} records: {recs}", file=sys.stderr)
        # A rejected document may leave trace_id out (null); an accepted one must carry it.
        c.ok(rec.get("trace_id") == doc["trace_id"] or (verdict != "accepted" and rec.get("trace_id") is None),
             f"{what}: document {doc['id']}: trace_id {rec.get('trace_id')!r} != sent {doc['trace_id']!r}")
        c.ok(rec.get("attempt") == attempt,
             f"{what}: document {doc['id']}: attempt {rec.get('attempt')!r}, expected {attempt} "
             "(botocore sends amz-sdk-request: \"attempt=1\" on a first attempt, "
             f"\"ttl=<date>; attempt=N; max={MAX_ATTEMPTS}\" on a retry)", f"record: {rec}")
        c.ok(isinstance(rec.get("request"), int),
             f"{what}: document {doc['id']}: request should be an int for source http", f"record: {rec}")
        c.ok(isinstance(rec.get("seq"), int), f"{what}: document {doc['id']}: seq should be an int",
             f"record: {rec}")
        chosen.append(rec)
    c.ok(len({r["request"] for r in chosen}) == 1,
         f"{what}: the documents of one PutTraceSegments call carry different request numbers",
         f"{[r['request'] for r in chosen]}")
    indexes = [r.get("index") for r in chosen]
    c.ok(all(isinstance(i, int) for i in indexes)
         and indexes == list(range(indexes[0], indexes[0] + len(indexes))),
         f"{what}: index should count the documents of the call in send order", f"indexes: {indexes}")
    return chosen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True, help="http://127.0.0.1:PORT of `xray-conformance serve`")
    ap.add_argument("--expect-throttle", type=int, default=0, metavar="N",
                    help="the server was started with --throttle-first N (0..9)")
    ap.add_argument("--throttle-type", default="ThrottledException",
                    choices=["ThrottledException", "ThrottlingException"],
                    help="the server's --throttle-type (default ThrottledException)")
    ap.add_argument("--no-inspect", action="store_true",
                    help="skip /_xray/* (only for trying the boto3 part against another endpoint)")
    args = ap.parse_args()
    if not 0 <= args.expect_throttle <= 9:
        ap.error("--expect-throttle must be between 0 and 9 (each exhausted call costs up to ~3 s of backoff)")
    throttle = args.expect_throttle

    client = boto3.client(
        "xray",
        region_name="us-east-1",
        endpoint_url=args.endpoint,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        config=Config(
            # total_max_attempts counts the first attempt; botocore reads Config's "max_attempts"
            # as retries, so max_attempts=3 would allow 4 attempts (and send "max=4").
            retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
            connect_timeout=5,
            read_timeout=HTTP_TIMEOUT,
        ),
    )
    c = Checks()

    # (a), after the throttles the server was told to answer first.
    exhausted = []  # documents of calls that ran out of attempts
    remaining = throttle
    while remaining >= MAX_ATTEMPTS:
        docs = [new_doc(f"exhausted-{len(exhausted)}-{i}") for i in range(3)]
        try:
            client.put_trace_segments(TraceSegmentDocuments=[json.dumps(d) for d in docs])
            raise CheckFailed(f"(a) throttled: {remaining} throttles left, so a call with max_attempts="
                              f"{MAX_ATTEMPTS} should raise {args.throttle_type}, but it succeeded")
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code")
            meta = err.response.get("ResponseMetadata", {})
            c.ok(code == args.throttle_type,
                 f"(a) throttled: expected ClientError {args.throttle_type}, got {describe_error(err)}")
            # The contract answers ThrottledException with 429; AWS JSON services answer
            # ThrottlingException with 400. botocore retries both by their code.
            statuses = (429,) if args.throttle_type == "ThrottledException" else (400, 429)
            c.ok(meta.get("HTTPStatusCode") in statuses,
                 f"(a) throttled: expected HTTP {' or '.join(map(str, statuses))}, got {describe_error(err)}")
            c.ok(meta.get("RetryAttempts") == MAX_ATTEMPTS - 1,
                 f"(a) throttled: boto3 should have retried {MAX_ATTEMPTS - 1} times, got {describe_error(err)}")
        exhausted.extend(docs)
        remaining -= MAX_ATTEMPTS
    docs_a = [new_doc(f"a{i}") for i in range(3)]
    resp = put(client, docs_a, "(a) 3 valid documents")
    c.ok(resp.get("UnprocessedTraceSegments") == [],
         "(a) 3 valid documents: UnprocessedTraceSegments should be []", f"got {resp.get('UnprocessedTraceSegments')!r}")
    retries = resp.get("ResponseMetadata", {}).get("RetryAttempts")
    c.ok(retries == remaining,
         f"(a) boto3 should have needed {remaining} retries (server throttles first {throttle}), it needed {retries}")
    attempt_a = remaining + 1

    # (b) one valid, one without "name".
    good_b, bad_b = new_doc("b-good"), new_doc("b-bad", name=None)
    resp = put(client, [good_b, bad_b], "(b) valid + missing name")
    unprocessed = resp.get("UnprocessedTraceSegments")
    c.ok(isinstance(unprocessed, list) and len(unprocessed) == 1,
         "(b) valid + missing name: expected exactly one UnprocessedTraceSegments entry", f"got {unprocessed!r}")
    entry = unprocessed[0]
    c.ok(entry.get("Id") == bad_b["id"],
         f"(b) the unprocessed entry's Id should be the nameless document's {bad_b['id']!r}", f"got {entry!r}")
    c.ok(entry.get("ErrorCode") == "MissingName",
         "(b) the unprocessed entry's ErrorCode should be MissingName", f"got {entry!r}")

    # (c) 51 documents: the whole request is rejected.
    docs_c = [new_doc(f"c{i}") for i in range(51)]
    try:
        resp = client.put_trace_segments(TraceSegmentDocuments=[json.dumps(d) for d in docs_c])
        raise CheckFailed("(c) 51 documents: expected ClientError InvalidRequestException, the call succeeded: "
                          f"UnprocessedTraceSegments={resp.get('UnprocessedTraceSegments')!r}")
    except ClientError as err:
        e = err.response.get("Error", {})
        c.ok(e.get("Code") == "InvalidRequestException",
             f"(c) 51 documents: expected InvalidRequestException, got {describe_error(err)}")
        c.ok("Exceeding maximum segment count: 50" in (e.get("Message") or ""),
             f"(c) 51 documents: message should contain 'Exceeding maximum segment count: 50', got {describe_error(err)}")
        c.ok(err.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 400,
             f"(c) 51 documents: expected HTTP 400, got {describe_error(err)}")

    if args.no_inspect:
        print("boto3 client: /_xray/* skipped (--no-inspect)", file=sys.stderr)
        print(f"boto3 client: {c.passed} checks passed")
        return

    # (d) what the server recorded.
    wanted = [d["id"] for d in docs_a + [good_b, bad_b]]
    by_id = records_by_id(args.endpoint, wanted)
    recs_a = check_batch(c, by_id, docs_a, ["accepted"] * 3, attempt_a, "(d) records of (a)")
    recs_b = check_batch(c, by_id, [good_b, bad_b], ["accepted", "unprocessed"], 1, "(d) records of (b)")
    c.ok(recs_a[0]["request"] != recs_b[0]["request"],
         "(d) (a) and (b) were separate PutTraceSegments calls but share a request number",
         f"{recs_a[0]['request']!r}")
    c.ok(recs_a[-1]["seq"] < recs_b[0]["seq"], "(d) seq should grow in the order documents arrive",
         f"(a) last seq {recs_a[-1]['seq']!r}, (b) first seq {recs_b[0]['seq']!r}")
    bad = recs_b[1]
    c.ok(bad.get("error_code") == "MissingName",
         f"(d) record of the nameless document: error_code {bad.get('error_code')!r}, expected 'MissingName'",
         f"record: {bad}")
    c.ok(isinstance(bad.get("diagnostics"), list) and bad["diagnostics"],
         "(d) record of the nameless document should carry diagnostics", f"record: {bad}")
    for rec in recs_a + recs_b[:1]:
        c.ok(not rec.get("error_code"), f"(d) accepted record {rec.get('id')} carries error_code",
             f"record: {rec}")
    for what, docs in (("(c)", docs_c), ("exhausted (a)", exhausted)):
        wrong = [r for d in docs for r in by_id.get(d["id"], []) if r.get("verdict") == "accepted"]
        c.ok(not wrong, f"(d) documents of the rejected {what} request were recorded as accepted",
             f"{wrong[:3]}")

    summary = xray_get(args.endpoint, "/_xray/summary")
    requests = summary.get("requests") if isinstance(summary, dict) else None
    http_docs = (summary.get("documents") or {}).get("http") if isinstance(summary, dict) else None
    c.ok(isinstance(requests, dict) and isinstance(http_docs, dict),
         "(d) /_xray/summary should have requests{} and documents.http{}", f"got {summary!r}")
    puts = requests.get("put_trace_segments")
    c.ok(isinstance(puts, int) and puts >= 3,
         f"(d) summary: requests.put_trace_segments should be >= 3, got {puts!r}", f"summary: {summary}")
    c.ok(requests.get("throttled", 0) == throttle,
         f"(d) summary: requests.throttled should be {throttle}, got {requests.get('throttled')!r}",
         f"requests: {requests}")
    c.ok(http_docs.get("accepted", 0) >= 4 and http_docs.get("unprocessed", 0) >= 1,
         "(d) summary: documents.http should count >= 4 accepted and >= 1 unprocessed", f"got {http_docs!r}")

    extra = f" (after {throttle} throttled requests)" if throttle else ""
    print(f"boto3 client: {c.passed} checks passed{extra}")


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as failure:
        print(f"boto3 client: FAIL: {failure}", file=sys.stderr)
        sys.exit(1)
