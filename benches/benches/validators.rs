//! Validators side by side on the same bytes: ours, and its scan with no rule; serde_json into
//! a `Value` (what a naive validator pays first); the syntax-only floors (UTF-8 check +
//! serde_json `IgnoredAny`, and sonic-rs `IgnoredAny` with SIMD); sonic-rs and simd-json
//! parses; the jsonschema crate with our schema (parse + validate).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use xray_benches::peers::{self, Schema};
use xray_benches::{bytes, corpus, non_ascii, LARGE_BYTES, MEDIUM_BYTES, SMALL_BYTES};
use xray_segment::Report;

fn validators(c: &mut Criterion) {
    let schema = Schema::new();
    let corpora = [
        ("1KB", corpus(SMALL_BYTES, 42)),
        ("8KB", corpus(MEDIUM_BYTES, 42)),
        ("60KB", corpus(LARGE_BYTES, 42)),
        ("1KB-non-ASCII", non_ascii(&corpus(SMALL_BYTES, 42))),
        ("fixtures", peers::fixture_documents()),
    ];
    for (label, docs) in &corpora {
        let mut g = c.benchmark_group(format!("validate/{label}"));
        g.throughput(Throughput::Bytes(bytes(docs)));
        g.bench_function(BenchmarkId::new("xray-segment", label), |b| {
            let mut report = Report::default();
            b.iter(|| {
                docs.iter()
                    .filter(|d| peers::xray_segment(&mut report, d))
                    .count()
            })
        });
        g.bench_function(BenchmarkId::new("xray-segment-no-key-order", label), |b| {
            let mut report = Report::default();
            b.iter(|| {
                docs.iter()
                    .filter(|d| peers::xray_segment_unguessed(&mut report, d))
                    .count()
            })
        });
        g.bench_function(BenchmarkId::new("xray-segment-scan-only", label), |b| {
            b.iter(|| docs.iter().filter(|d| peers::scan_only(d)).count())
        });
        g.bench_function(BenchmarkId::new("floor-utf8+IgnoredAny", label), |b| {
            b.iter(|| docs.iter().filter(|d| peers::floor(d)).count())
        });
        g.bench_function(BenchmarkId::new("floor-sonic-rs-IgnoredAny", label), |b| {
            b.iter(|| docs.iter().filter(|d| peers::sonic_rs_floor(d)).count())
        });
        g.bench_function(BenchmarkId::new("serde_json-Value", label), |b| {
            b.iter(|| docs.iter().filter(|d| peers::serde_json_value(d)).count())
        });
        g.bench_function(BenchmarkId::new("sonic-rs-Value", label), |b| {
            b.iter(|| docs.iter().filter(|d| peers::sonic_rs_value(d)).count())
        });
        g.bench_function(BenchmarkId::new("simd-json-borrowed", label), |b| {
            let mut buf = Vec::new();
            b.iter(|| {
                docs.iter()
                    .filter(|d| peers::simd_json_value(&mut buf, d))
                    .count()
            })
        });
        g.bench_function(BenchmarkId::new("jsonschema-our-schema", label), |b| {
            b.iter(|| docs.iter().filter(|d| schema.check(d)).count())
        });
        g.finish();
    }
}

criterion_group!(benches, validators);
criterion_main!(benches);
