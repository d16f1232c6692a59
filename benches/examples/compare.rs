//! Prints the README's comparison tables: every validator on every corpus, MB/s (10^6 bytes of
//! document text per second) as the median of interleaved rounds with ratios beside them, and
//! the same medians in documents per second. Rounds are interleaved, each starting with a
//! different validator. Each sample goes through its corpus as many times as it takes to
//! read `SAMPLE_BYTES`, so that it measures the validator at work, as criterion does, rather
//! than its first pass after the other validators have filled the caches.
//! Run: cargo run --release -p xray-benches --example compare [ROUNDS] [DIR...]
//! Each DIR adds a column: every `*.json` file below it, one document each, so the same
//! comparison runs on a user's own documents.

use std::time::Instant;

use xray_benches::peers::{self, Schema};
use xray_benches::{
    bytes, corpus, documents_in, non_ascii, LARGE_BYTES, MEDIUM_BYTES, SMALL_BYTES,
};
use xray_segment::request::process;

/// Document bytes read per sample. One pass over the fixture corpus (0.5 MB) right after
/// another validator measured our validator at 0.74-0.80x the floor there, against
/// 0.87-0.89x over this many bytes and 0.93x in criterion: its code is larger than the floor's and
/// starts each sample out of the caches.
const SAMPLE_BYTES: usize = 20_000_000;

/// How many times a sample reads a corpus of `bytes` bytes.
fn passes(bytes: usize) -> usize {
    SAMPLE_BYTES.div_ceil(bytes.max(1))
}

type Run<'a> = Box<dyn FnMut(&[Vec<u8>]) -> usize + 'a>;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: usize = match args.first().map(|a| a.parse()) {
        None => 7,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("error: ROUNDS must be a positive number, not {:?}", args[0]);
            std::process::exit(2);
        }
    };
    let schema = Schema::new();
    let mut corpora = vec![
        ("~1 KB".to_string(), corpus(SMALL_BYTES, 42)),
        ("~8 KB".to_string(), corpus(MEDIUM_BYTES, 42)),
        ("~60 KB".to_string(), corpus(LARGE_BYTES, 42)),
        (
            "~1 KB non-ASCII".to_string(),
            non_ascii(&corpus(SMALL_BYTES, 42)),
        ),
        ("fixtures".to_string(), peers::fixture_documents()),
    ];
    for dir in args.iter().skip(1) {
        match documents_in(dir) {
            Ok(docs) => corpora.push((dir.clone(), docs.into_iter().map(|(_, d)| d).collect())),
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        }
    }
    let mut report = xray_segment::Report::default();
    let mut unguessed = xray_segment::Report::default();
    let mut buf = Vec::new();
    let mut runs: Vec<(&str, Run)> = vec![
        (
            "xray-segment (every rule)",
            Box::new(|docs: &[Vec<u8>]| {
                docs.iter()
                    .filter(|d| peers::xray_segment(&mut report, d))
                    .count()
            }),
        ),
        (
            "xray-segment, no key order learnt",
            Box::new(|docs: &[Vec<u8>]| {
                docs.iter()
                    .filter(|d| peers::xray_segment_unguessed(&mut unguessed, d))
                    .count()
            }),
        ),
        (
            "xray-segment scan alone (no rule)",
            Box::new(|docs: &[Vec<u8>]| docs.iter().filter(|d| peers::scan_only(d)).count()),
        ),
        (
            "floor: UTF-8 + serde_json IgnoredAny",
            Box::new(|docs: &[Vec<u8>]| docs.iter().filter(|d| peers::floor(d)).count()),
        ),
        (
            "SIMD floor: sonic-rs IgnoredAny",
            Box::new(|docs: &[Vec<u8>]| docs.iter().filter(|d| peers::sonic_rs_floor(d)).count()),
        ),
        (
            "serde_json -> Value",
            Box::new(|docs: &[Vec<u8>]| docs.iter().filter(|d| peers::serde_json_value(d)).count()),
        ),
        (
            "sonic-rs -> Value",
            Box::new(|docs: &[Vec<u8>]| docs.iter().filter(|d| peers::sonic_rs_value(d)).count()),
        ),
        (
            "simd-json -> BorrowedValue",
            Box::new(move |docs: &[Vec<u8>]| {
                docs.iter()
                    .filter(|d| peers::simd_json_value(&mut buf, d))
                    .count()
            }),
        ),
        (
            "jsonschema + our schema",
            Box::new(|docs: &[Vec<u8>]| docs.iter().filter(|d| schema.check(d)).count()),
        ),
    ];
    let mut table = vec![vec![0.0; corpora.len()]; runs.len()];
    for (ci, (_, docs)) in corpora.iter().enumerate() {
        let passes = passes(bytes(docs) as usize);
        let mb = (passes * bytes(docs) as usize) as f64 / 1e6;
        let mut samples = vec![Vec::new(); runs.len()];
        for round in 0..rounds {
            // Each round starts with a different validator, so none is always the one that
            // runs right after the corpus changes or the host wakes up.
            for j in 0..runs.len() {
                let ri = (round + j) % runs.len();
                let t = Instant::now();
                for _ in 0..passes {
                    std::hint::black_box((runs[ri].1)(docs));
                }
                samples[ri].push(mb / t.elapsed().as_secs_f64());
            }
        }
        for (ri, s) in samples.into_iter().enumerate() {
            table[ri][ci] = median(s);
        }
    }
    print!("| validator |");
    for (name, _) in &corpora {
        print!(" {name} MB/s (x ours) |");
    }
    println!("\n|---|{}", "---:|".repeat(corpora.len()));
    for (ri, (name, _)) in runs.iter().enumerate() {
        print!("| {name} |");
        for (value, ours) in table[ri].iter().zip(&table[0]) {
            print!(" {value:.0} ({:.2}) |", value / ours);
        }
        println!();
    }
    // The same medians in documents per second: each corpus's documents/MB is fixed.
    println!();
    print!("| validator |");
    for (name, docs) in &corpora {
        print!(" {name} ({} docs) documents/s |", docs.len());
    }
    println!("\n|---|{}", "---:|".repeat(corpora.len()));
    for (ri, (name, _)) in runs.iter().enumerate() {
        print!("| {name} |");
        for (ci, (_, docs)) in corpora.iter().enumerate() {
            let per_mb = docs.len() as f64 / (bytes(docs) as f64 / 1e6);
            print!(" {:.0} |", table[ri][ci] * per_mb);
        }
        println!();
    }
    println!();
    let row = |name: &str| {
        runs.iter()
            .position(|(n, _)| n.starts_with(name))
            .unwrap_or(0)
    };
    let (cold, scan, floor, simd, value, schema) = (
        row("xray-segment, no key"),
        row("xray-segment scan"),
        row("floor"),
        row("SIMD"),
        row("serde_json"),
        row("jsonschema"),
    );
    for ci in 0..corpora.len() {
        println!(
            "{}: ours = {:.2} x floor, {:.2} x SIMD floor, {:.1} x serde_json Value, {:.1} x jsonschema; SIMD floor = {:.1} x Value; our scan = {:.2} x ours, {:.2} x SIMD floor; no key order learnt: {:.1} x Value, {:.1} x jsonschema",
            corpora[ci].0,
            table[0][ci] / table[floor][ci],
            table[0][ci] / table[simd][ci],
            table[0][ci] / table[value][ci],
            table[0][ci] / table[schema][ci],
            table[simd][ci] / table[value][ci],
            table[scan][ci] / table[0][ci],
            table[scan][ci] / table[simd][ci],
            table[cold][ci] / table[value][ci],
            table[cold][ci] / table[schema][ci],
        );
    }
    // The request semantics on 50-document batches, documents JSON-escaped in the body.
    for (label, size) in [("50 x ~1 KB", SMALL_BYTES), ("50 x ~8 KB", MEDIUM_BYTES)] {
        let bodies = peers::bodies(&corpus(size, 7), 50);
        let body_bytes: usize = bodies.iter().map(|b| b.len()).sum();
        let passes = passes(body_bytes);
        let mb = (passes * body_bytes) as f64 / 1e6;
        let s: Vec<f64> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                for _ in 0..passes {
                    let n: usize = bodies
                        .iter()
                        .map(|b| process(b, |_| {}).map(|p| p.documents).unwrap_or(0))
                        .sum();
                    std::hint::black_box(n);
                }
                mb / t.elapsed().as_secs_f64()
            })
            .collect();
        let documents = (50 * bodies.len() * passes) as f64;
        let rate = median(s);
        println!(
            "PutTraceSegments {label}: {rate:.0} MB/s of request body, {:.0} documents/s",
            rate * documents / mb
        );
    }
}
