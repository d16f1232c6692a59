//! What `serve` has received: every document with its verdict, counters, and the trace
//! tracker. Shared between the HTTP and UDP listeners behind one lock; the JSONL record file is
//! written as documents arrive, so nothing accepted is lost if the process is stopped.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::sync::Mutex;

use serde::Serialize;
use xray_segment::{Report, Verdict};

use super::key::Key;
use super::traces::{TraceReport, Tracked, Tracker};

/// Records kept in memory for `GET /_xray/documents`; older ones stay only in the record file.
pub const MAX_KEPT_RECORDS: usize = 100_000;

#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticRecord {
    pub code: &'static str,
    pub severity: &'static str,
    pub pointer: String,
    pub message: String,
}

/// One received document.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub seq: u64,
    pub source: &'static str,
    pub time: f64,
    /// The HTTP request it came in (numbered from 1), or null for UDP.
    pub request: Option<u64>,
    /// The SDK's attempt number, from the `amz-sdk-request` header.
    pub attempt: Option<u32>,
    /// Its position in the request.
    pub index: usize,
    /// accepted | unprocessed | invalid_header | missing_header_or_segment | otlp
    pub verdict: &'static str,
    pub id: Option<Key>,
    pub trace_id: Option<Key>,
    pub error_code: Option<String>,
    pub message: Option<String>,
    pub bytes: usize,
    pub diagnostics: Vec<DiagnosticRecord>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Counters {
    pub put_trace_segments: u64,
    pub throttled: u64,
    pub server_errors: u64,
    pub resets: u64,
    pub request_errors: u64,
    pub signature_failures: u64,
    pub telemetry_records: u64,
    pub sampling_rules: u64,
    pub sampling_targets: u64,
    pub udp_datagrams: u64,
    /// Documents the fault plan reported as unprocessed although they were valid.
    pub injected_unprocessed: u64,
}

/// One PutTraceSegments call, for judging a client's batching and retries.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    pub number: u64,
    pub attempt: Option<u32>,
    /// processed | throttled | server_error | request_error
    pub outcome: &'static str,
    pub documents: usize,
    /// Top-level ids of the documents, in order (None where a document has none).
    pub ids: Vec<Option<Key>>,
}

/// Calls kept for `check-client`; a longer run keeps the first ones.
pub const MAX_KEPT_CALLS: usize = 100_000;
/// Document ids kept across those calls (24 bytes each): without it full batches made the call
/// log 160 MB, most of a long-running `serve`'s memory.
pub const MAX_KEPT_CALL_IDS: usize = 1_000_000;

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    call_ids: usize,
    /// Calls not kept once the call log was full.
    dropped_calls: u64,
    seq: u64,
    records: VecDeque<Record>,
    dropped_records: u64,
    by_source: BTreeMap<&'static str, BTreeMap<&'static str, u64>>,
    counters: Counters,
    tracker: Tracker,
    /// Ids the client got back as accepted, to spot a document sent again.
    problems: Vec<Record>,
}

pub struct State {
    inner: Mutex<Inner>,
    file: Option<Mutex<std::io::BufWriter<std::fs::File>>>,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub requests: Counters,
    pub documents: BTreeMap<&'static str, BTreeMap<&'static str, u64>>,
    pub records_dropped_from_memory: u64,
    pub calls_dropped_from_memory: u64,
    pub traces: Vec<TraceReport>,
    pub traces_forgotten: u64,
}

/// Seconds since the Unix epoch.
pub fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// A document ready to be recorded.
pub struct Pending {
    record: Record,
    track: Option<Tracked>,
    /// Its text, when a record file is written.
    document: Option<String>,
}

impl Pending {
    /// The document's top-level id, as the call log keeps it.
    pub fn id(&self) -> Option<&Key> {
        self.record.id.as_ref()
    }
}

/// What is known about a document when it is recorded.
pub struct Arrival<'a> {
    pub source: &'static str,
    /// When it arrived ([`now`]); the documents of one request share it.
    pub time: f64,
    pub request: Option<u64>,
    pub attempt: Option<u32>,
    pub index: usize,
    pub document: &'a [u8],
}

impl State {
    pub fn new(record: Option<&std::path::Path>) -> std::io::Result<State> {
        let file = match record {
            Some(p) => Some(Mutex::new(std::io::BufWriter::new(std::fs::File::create(
                p,
            )?))),
            None => None,
        };
        Ok(State {
            inner: Mutex::new(Inner::default()),
            file,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere must not stop recording: the data is still consistent per record.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn call(&self, call: Call) {
        let mut inner = self.lock();
        let ids = inner.call_ids + call.ids.len();
        if inner.calls.len() < MAX_KEPT_CALLS && ids <= MAX_KEPT_CALL_IDS {
            inner.call_ids = ids;
            inner.calls.push(call);
        } else {
            inner.dropped_calls += 1;
        }
    }

    /// Calls not kept because the call log was full: judgements made from `calls` are then
    /// about the first calls only.
    pub fn dropped_calls(&self) -> u64 {
        self.lock().dropped_calls
    }

    pub fn calls(&self) -> Vec<Call> {
        let mut calls = self.lock().calls.clone();
        calls.sort_by_key(|c| c.number);
        calls
    }

    pub fn count(&self, f: impl FnOnce(&mut Counters)) {
        f(&mut self.lock().counters);
    }

    /// Records a validated document; `verdict` is what the client was told.
    pub fn document(&self, a: &Arrival<'_>, report: &Report, verdict: &Verdict) {
        self.commit([self.prepare(a, report, verdict)]);
    }

    /// Everything costly about recording a document, done without the lock, so a request's
    /// documents can be committed under one lock (see `commit`).
    pub fn prepare(&self, a: &Arrival<'_>, report: &Report, verdict: &Verdict) -> Pending {
        let (label, error_code, message) = match verdict {
            Verdict::Accepted => ("accepted", None, None),
            Verdict::Unprocessed(u) => (
                "unprocessed",
                Some(u.error_code.clone()),
                Some(u.message.clone()),
            ),
        };
        let diagnostics = report
            .diagnostics
            .iter()
            .map(|d| DiagnosticRecord {
                code: d.code.as_str(),
                severity: d.severity().as_str(),
                pointer: d.pointer.clone(),
                message: d.message.clone(),
            })
            .collect();
        // The report must be outlining (`Report::outlining`) for the trace checks to see it.
        let tracked = if report.is_accepted() {
            Tracked::new(a.document, report.outline())
        } else {
            None
        };
        let trace_id = tracked.as_ref().map(|t| t.trace_id().clone());
        let accepted = matches!(verdict, Verdict::Accepted);
        self.pending(
            a,
            label,
            report.id().map(Key::new),
            trace_id,
            error_code,
            message,
            diagnostics,
            tracked.filter(|_| accepted),
        )
    }

    /// Records a datagram the daemon would drop, or an OTLP payload (not validated), with why.
    pub fn other(&self, a: &Arrival<'_>, label: &'static str, why: &str) {
        let p = self.pending(
            a,
            label,
            None,
            None,
            None,
            Some(why.to_owned()),
            vec![],
            None,
        );
        self.commit([p]);
    }

    #[allow(clippy::too_many_arguments)]
    fn pending(
        &self,
        a: &Arrival<'_>,
        verdict: &'static str,
        id: Option<Key>,
        trace_id: Option<Key>,
        error_code: Option<String>,
        message: Option<String>,
        diagnostics: Vec<DiagnosticRecord>,
        track: Option<Tracked>,
    ) -> Pending {
        Pending {
            record: Record {
                seq: 0,
                source: a.source,
                time: a.time,
                request: a.request,
                attempt: a.attempt,
                index: a.index,
                verdict,
                id,
                trace_id,
                error_code,
                message,
                bytes: a.document.len(),
                diagnostics,
            },
            track,
            document: self
                .file
                .as_ref()
                .map(|_| String::from_utf8_lossy(a.document).into_owned()),
        }
    }

    /// Records prepared documents in order, under one lock.
    pub fn commit(&self, batch: impl IntoIterator<Item = Pending>) {
        let mut inner = self.lock();
        let mut file = self
            .file
            .as_ref()
            .map(|f| f.lock().unwrap_or_else(|e| e.into_inner()));
        for p in batch {
            let Pending {
                mut record,
                track,
                document,
            } = p;
            inner.seq += 1;
            record.seq = inner.seq;
            *inner
                .by_source
                .entry(record.source)
                .or_default()
                .entry(record.verdict)
                .or_default() += 1;
            if let Some(entity) = track {
                inner.tracker.add(entity, record.bytes);
            }
            let problem = record.verdict != "accepted"
                || record.diagnostics.iter().any(|d| d.severity != "lint");
            if problem && inner.problems.len() < MAX_KEPT_RECORDS {
                inner.problems.push(record.clone());
            }
            if let (Some(f), Some(document)) = (file.as_mut(), document) {
                let mut line = serde_json::to_value(&record).unwrap_or_default();
                line["document"] = serde_json::Value::String(document);
                let _ = writeln!(f, "{line}");
            }
            if inner.records.len() >= MAX_KEPT_RECORDS {
                inner.records.pop_front();
                inner.dropped_records += 1;
            }
            inner.records.push_back(record);
        }
    }

    pub fn flush(&self) {
        if let Some(file) = &self.file {
            let _ = file.lock().unwrap_or_else(|e| e.into_inner()).flush();
        }
    }

    pub fn records(&self) -> Vec<Record> {
        self.lock().records.iter().cloned().collect()
    }

    /// Rejected or dropped documents, and those whose data X-Ray would drop.
    pub fn problems(&self) -> Vec<Record> {
        self.lock().problems.clone()
    }

    pub fn summary(&self) -> Summary {
        let inner = self.lock();
        Summary {
            requests: inner.counters.clone(),
            documents: inner.by_source.clone(),
            records_dropped_from_memory: inner.dropped_records,
            calls_dropped_from_memory: inner.dropped_calls,
            traces: inner.tracker.reports(),
            traces_forgotten: inner.tracker.forgotten,
        }
    }

    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }

    /// Documents received so far, all sources.
    pub fn received(&self) -> u64 {
        self.lock().seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrival() -> Arrival<'static> {
        Arrival {
            source: "udp",
            time: 1.0,
            request: None,
            attempt: None,
            index: 0,
            document: b"x",
        }
    }

    fn call(number: u64) -> Call {
        with_ids(number, 0)
    }

    fn with_ids(number: u64, ids: usize) -> Call {
        Call {
            number,
            attempt: None,
            outcome: "processed",
            documents: ids,
            ids: vec![Some(Key::new("0000000000000001")); ids],
        }
    }

    #[test]
    fn call_ids_are_kept_up_to_the_limit() {
        let state = State::new(None).unwrap();
        state.call(with_ids(1, MAX_KEPT_CALL_IDS - 1));
        assert_eq!(state.calls().len(), 1);
        state.call(with_ids(2, 1));
        assert_eq!(state.calls().len(), 2);
        assert_eq!(state.dropped_calls(), 0);
        state.call(with_ids(3, 1));
        assert_eq!((state.calls().len(), state.dropped_calls()), (2, 1));
        // A call without ids still fits.
        state.call(with_ids(4, 0));
        assert_eq!((state.calls().len(), state.dropped_calls()), (3, 1));
    }

    #[test]
    fn records_and_problems_are_kept_up_to_the_limit() {
        let state = State::new(None).unwrap();
        for _ in 0..MAX_KEPT_RECORDS - 1 {
            state.other(&arrival(), "invalid_header", "why");
        }
        let kept = |s: &State| {
            let inner = s.lock();
            (inner.records.len(), inner.problems.len())
        };
        assert_eq!(kept(&state), (MAX_KEPT_RECORDS - 1, MAX_KEPT_RECORDS - 1));
        state.other(&arrival(), "invalid_header", "why");
        assert_eq!(kept(&state), (MAX_KEPT_RECORDS, MAX_KEPT_RECORDS));
        assert_eq!(state.summary().records_dropped_from_memory, 0);
        state.other(&arrival(), "invalid_header", "why");
        assert_eq!(kept(&state), (MAX_KEPT_RECORDS, MAX_KEPT_RECORDS));
        assert_eq!(state.summary().records_dropped_from_memory, 1);
        // The oldest record goes; every document is still counted.
        assert_eq!(state.records()[0].seq, 2);
        assert_eq!(state.received(), MAX_KEPT_RECORDS as u64 + 1);
    }

    #[test]
    fn calls_are_kept_up_to_the_limit() {
        let state = State::new(None).unwrap();
        for n in 1..MAX_KEPT_CALLS as u64 {
            state.call(call(n));
        }
        assert_eq!(state.calls().len(), MAX_KEPT_CALLS - 1);
        state.call(call(MAX_KEPT_CALLS as u64));
        assert_eq!(state.calls().len(), MAX_KEPT_CALLS);
        assert_eq!(state.summary().calls_dropped_from_memory, 0);
        state.call(call(MAX_KEPT_CALLS as u64 + 1));
        let calls = state.calls();
        assert_eq!(calls.len(), MAX_KEPT_CALLS);
        assert_eq!(state.summary().calls_dropped_from_memory, 1);
        // A longer run keeps the first ones.
        assert_eq!(calls.last().map(|c| c.number), Some(MAX_KEPT_CALLS as u64));
    }
}
