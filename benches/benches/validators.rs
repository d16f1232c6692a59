//! Validators side by side on the same bytes: ours, serde_json into a `Value` (what a naive
//! validator pays first), and the syntax-only floor (one UTF-8 check + `IgnoredAny`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde::de::IgnoredAny;
use xray_benches::{bytes, corpus, LARGE_BYTES, MEDIUM_BYTES, SMALL_BYTES};
use xray_segment::{validate_into, Report};

fn validators(c: &mut Criterion) {
    for (label, size) in [
        ("1KB", SMALL_BYTES),
        ("8KB", MEDIUM_BYTES),
        ("60KB", LARGE_BYTES),
    ] {
        let docs = corpus(size, 42);
        let mut g = c.benchmark_group(format!("validate/{label}"));
        g.throughput(Throughput::Bytes(bytes(&docs)));
        g.bench_function(BenchmarkId::new("xray-segment", label), |b| {
            let mut report = Report::default();
            b.iter(|| {
                let mut ok = 0;
                for d in &docs {
                    validate_into(d, &mut report);
                    ok += report.is_accepted() as usize;
                }
                ok
            })
        });
        g.bench_function(BenchmarkId::new("serde_json-Value", label), |b| {
            b.iter(|| {
                docs.iter()
                    .filter(|d| serde_json::from_slice::<serde_json::Value>(d).is_ok())
                    .count()
            })
        });
        g.bench_function(BenchmarkId::new("floor-utf8+IgnoredAny", label), |b| {
            b.iter(|| {
                docs.iter()
                    .filter(|d| {
                        simdutf8::basic::from_utf8(d).is_ok()
                            && serde_json::from_slice::<IgnoredAny>(d).is_ok()
                    })
                    .count()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, validators);
criterion_main!(benches);
