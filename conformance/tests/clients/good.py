"""A well-behaved client: batches of at most 50, retries throttled calls, sends each document once."""
import json, os, time, urllib.request, urllib.error

URL = os.environ["AWS_ENDPOINT_URL_XRAY"] + "/TraceSegments"
TRACE = "1-581cf771-a006649127e371903a2de979"

def doc(i):
    return json.dumps({"name": "good", "id": "%016x" % (0x100 + i), "trace_id": TRACE,
                       "start_time": 1478293361.0 + i, "end_time": 1478293361.5 + i})

def put(docs):
    body = json.dumps({"TraceSegmentDocuments": docs}).encode()
    for attempt in range(1, 6):
        req = urllib.request.Request(URL, data=body, headers={"content-type": "application/json",
                                                                "amz-sdk-request": "attempt=%d; max=5" % attempt})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                out = json.load(r)
                for u in out.get("UnprocessedTraceSegments", []):
                    print("unprocessed:", u)
                return
        except urllib.error.HTTPError as e:
            if e.code in (429, 500, 503):
                time.sleep(0.05 * attempt)
                continue
            raise
    raise SystemExit("gave up")

docs = [doc(i) for i in range(70)]
for start in range(0, len(docs), 50):
    put(docs[start:start + 50])
