//! Hostile input: each case gives a clear diagnostic, never a panic or a stack overflow, and
//! memory stays bounded (measured with a counting allocator around the call).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use xray_segment::limits::{MAX_DIAGNOSTICS, MAX_DOCUMENT_BYTES};
use xray_segment::request::process;
use xray_segment::{validate, validate_into, verdict, Code, Report, Verdict};

struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static SERIAL: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = System.alloc(l);
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        if !p.is_null() {
            let now = CURRENT.fetch_add(l.size(), Ordering::SeqCst) + l.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l);
        CURRENT.fetch_sub(l.size(), Ordering::SeqCst);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = System.realloc(p, l, new);
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        if !q.is_null() {
            if new > l.size() {
                let now = CURRENT.fetch_add(new - l.size(), Ordering::SeqCst) + new - l.size();
                PEAK.fetch_max(now, Ordering::SeqCst);
            } else {
                CURRENT.fetch_sub(l.size() - new, Ordering::SeqCst);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result with the most extra memory it held at once.
fn measured<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let out = f();
    (out, PEAK.load(Ordering::SeqCst).saturating_sub(base))
}

const MB: usize = 1 << 20;

fn seg(extra: &str) -> String {
    format!(
        r#"{{"name":"s","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1.5,"end_time":2.5{extra}}}"#
    )
}

#[test]
fn nesting_100000_deep() {
    let _g = SERIAL.lock();
    for doc in [
        "[".repeat(100_000),
        r#"{"a":"#.repeat(100_000),
        seg(&format!(r#","metadata":{{"d":{}}}"#, "[".repeat(100_000))),
    ] {
        let (report, extra) = measured(|| validate(doc.as_bytes()));
        assert_eq!(report.codes(), vec![Code::JsonDepth]);
        assert!(extra < MB, "{extra} bytes");
    }
}

#[test]
fn a_10_mb_string() {
    let _g = SERIAL.lock();
    let doc = seg(&format!(
        r#","metadata":{{"d":{{"s":"{}"}}}}"#,
        "x".repeat(10 * MB)
    ));
    let (report, extra) = measured(|| validate(doc.as_bytes()));
    assert_eq!(report.codes(), vec![Code::DocumentSize]);
    assert!(
        extra < MB,
        "a skipped string must not be copied: {extra} bytes"
    );
    // A checked string with escapes is decoded once, into memory no larger than itself.
    let doc = seg(&format!(r#","user":"{}""#, "\\n".repeat(5 * MB)));
    let (report, extra) = measured(|| validate(doc.as_bytes()));
    assert!(report.codes().contains(&Code::StringLength));
    assert!(
        extra < doc.len() + MB,
        "{extra} bytes for {} bytes",
        doc.len()
    );
}

#[test]
fn a_million_keys() {
    let _g = SERIAL.lock();
    let keys: Vec<String> = (0..1_000_000).map(|i| format!(r#""k{i}":1"#)).collect();
    let doc = seg(&format!(r#","metadata":{{"d":{{{}}}}}"#, keys.join(",")));
    let (report, extra) = measured(|| validate(doc.as_bytes()));
    assert_eq!(report.codes(), vec![Code::DocumentSize]);
    assert!(extra < MB, "{extra} bytes");
    // A million invalid annotation keys: diagnostics are capped, the rest counted.
    let keys: Vec<String> = (0..1_000_000).map(|i| format!(r#""k-{i}":1"#)).collect();
    let doc = seg(&format!(r#","annotations":{{{}}}"#, keys.join(",")));
    let (report, extra) = measured(|| validate(doc.as_bytes()));
    // The cap, plus the size rejection found last, which decides the verdict.
    assert_eq!(report.diagnostics.len(), MAX_DIAGNOSTICS + 1);
    assert_eq!(report.omitted + report.diagnostics.len(), 1_000_000 + 2);
    assert_eq!(
        report.diagnostics.last().map(|d| d.code),
        Some(Code::DocumentSize)
    );
    assert!(extra < 4 * MB, "{extra} bytes");
}

#[test]
fn the_diagnostic_cap_at_limit_minus_one_limit_and_plus_one_keeps_the_verdict() {
    let _g = SERIAL.lock();
    for n in [MAX_DIAGNOSTICS - 1, MAX_DIAGNOSTICS, MAX_DIAGNOSTICS + 1] {
        // n dropped annotation keys, then a rejection of the same object found last.
        let keys: Vec<String> = (0..n).map(|i| format!(r#""k-{i}":1"#)).collect();
        let doc = format!(
            r#"{{"id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1.5,"end_time":2.5,"annotations":{{{}}}}}"#,
            keys.join(",")
        );
        assert!(doc.len() < 64_000);
        let report = validate(doc.as_bytes());
        // n key drops + the annotation count lint + the missing name.
        assert_eq!(report.diagnostics.len() + report.omitted, n + 2);
        assert_eq!(report.diagnostics.len(), (n + 2).min(MAX_DIAGNOSTICS + 1));
        let Verdict::Unprocessed(u) = verdict(&report) else {
            panic!("accepted")
        };
        assert_eq!(u.error_code, "MissingName", "with {n} lints first");
    }
}

#[test]
fn numbers_duplicates_surrogates_bom_and_nul() {
    let _g = SERIAL.lock();
    let cases: Vec<(Vec<u8>, &[Code])> = vec![
        (
            seg(r#","start_time":1e400"#).into_bytes(),
            &[Code::DuplicateKey, Code::StartTimeType],
        ),
        (
            seg(r#","annotations":{"a":1e400}"#).into_bytes(),
            &[Code::NumberRange],
        ),
        (seg(r#","annotations":{"a":-0}"#).into_bytes(), &[]),
        (
            seg(r#","end_time":-0"#).into_bytes(),
            &[Code::DuplicateKey, Code::TimeOrder, Code::TimeRange],
        ),
        (seg(r#","name":"x""#).into_bytes(), &[Code::DuplicateKey]),
        (
            seg(r#","user":"\ud800""#).into_bytes(),
            &[Code::LoneSurrogate],
        ),
        (seg(r#","user":"\ud83d\ude00""#).into_bytes(), &[]),
        (b"\xEF\xBB\xBF{}".to_vec(), &[Code::JsonBom]),
        (b"{\"name\":\"\xff\"}".to_vec(), &[Code::JsonUtf8]),
        (b"{\"name\":\"a\x00b\"}".to_vec(), &[Code::JsonSyntax]),
        (seg(r#","user":"a\u0000b""#).into_bytes(), &[]),
        (b"\x00".to_vec(), &[Code::JsonSyntax]),
    ];
    for (doc, codes) in &cases {
        let report = validate(doc);
        assert_eq!(
            report.codes(),
            codes.to_vec(),
            "{}",
            String::from_utf8_lossy(doc)
        );
        for d in &report.diagnostics {
            assert!(!d.message.is_empty());
        }
    }
}

#[test]
fn a_100_mb_request_body() {
    let _g = SERIAL.lock();
    // One document of 100 MB inside an otherwise valid body: read in place, rejected for size.
    let body = format!(
        r#"{{"TraceSegmentDocuments":["{}"]}}"#,
        "x".repeat(100 * MB)
    );
    let (out, extra) = measured(|| process(body.as_bytes(), |_| {}));
    let out = out.unwrap();
    assert_eq!(out.unprocessed.len(), 1);
    assert_eq!(out.unprocessed[0].error_code, "ParseError");
    assert!(extra < MB, "{extra} bytes");
    // A body that is not JSON at all fails fast with a clear message.
    let junk = vec![b'['; 100 * MB];
    let (err, extra) = measured(|| process(&junk, |_| {}).unwrap_err());
    assert!(
        err.message.contains("not valid JSON") || err.message.contains("nests too deeply"),
        "{}",
        err.message
    );
    assert!(extra < MB);
    let _ = MAX_DOCUMENT_BYTES;
}

#[test]
fn a_reused_report_writes_diagnostics_without_allocating() {
    let _g = SERIAL.lock();
    // Problems in a subsegment with an escaped key in its pointer, and messages that quote text.
    let doc = seg(
        r#","subsegments":[{"n\u0061me":"","id":"ABCDEF0123456789","type":"segment","start_time":2,"end_time":1}]"#,
    );
    let mut report = Report::default();
    // The spare strings swap places from one document to the next; a few rounds give each
    // the capacity of the longest.
    for _ in 0..10 {
        validate_into(doc.as_bytes(), &mut report);
    }
    assert!(report.diagnostics.len() >= 4, "{:?}", report.codes());
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    validate_into(doc.as_bytes(), &mut report);
    let allocations = ALLOCATIONS.load(Ordering::SeqCst) - before;
    assert_eq!(allocations, 0, "{:#?}", report.diagnostics);
    assert_eq!(report, validate(doc.as_bytes()));
}

#[test]
fn a_syntax_error_after_the_diagnostic_cap_leaves_nothing_omitted() {
    let _g = SERIAL.lock();
    // More dropped annotation keys than the cap, then the document breaks off.
    let keys: Vec<String> = (0..MAX_DIAGNOSTICS + 5)
        .map(|i| format!(r#""k-{i}":1"#))
        .collect();
    let doc = seg(&format!(r#","annotations":{{{}"#, keys.join(",")));
    let doc = &doc[..doc.len() - 1];
    let report = validate(doc.as_bytes());
    assert_eq!(report.codes(), vec![Code::JsonSyntax]);
    assert_eq!(report.diagnostics.len(), 1);
    assert_eq!(report.omitted, 0);
}
