"""A broken client: one call of 51 documents, no retry, an invalid document, a document sent twice."""
import json, os, urllib.request, urllib.error

URL = os.environ["AWS_ENDPOINT_URL_XRAY"] + "/TraceSegments"
TRACE = "1-581cf771-a006649127e371903a2de979"

def doc(i, **extra):
    d = {"name": "bad", "id": "%016x" % (0x200 + i), "trace_id": TRACE, "start_time": 1478293361.0, "end_time": 1478293362.0}
    d.update(extra)
    return json.dumps(d)

def put(docs):
    body = json.dumps({"TraceSegmentDocuments": docs}).encode()
    req = urllib.request.Request(URL, data=body, headers={"content-type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=10).read()
    except urllib.error.HTTPError as e:
        print("ignored", e.code)

put([doc(0)])                          # throttled under the throttle scenario, never resent
put([doc(i) for i in range(1, 52)])    # 51 documents
put([doc(60), doc(61, name="a?b")])    # an invalid name
put([doc(60)])                         # sent again after it was accepted
