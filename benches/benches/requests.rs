//! The request semantics on 50-document batches (documents JSON-escaped inside the body, as
//! SDKs send them), and `validate` over the fixture directory as the command line reads it.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use xray_benches::peers;
use xray_benches::{corpus, MEDIUM_BYTES, SMALL_BYTES};
use xray_segment::request::process;

fn requests(c: &mut Criterion) {
    for (label, size) in [("1KB", SMALL_BYTES), ("8KB", MEDIUM_BYTES)] {
        let bodies = peers::bodies(&corpus(size, 7), 50);
        let total: u64 = bodies.iter().map(|b| b.len() as u64).sum();
        let mut g = c.benchmark_group(format!("put_trace_segments/50x{label}"));
        g.throughput(Throughput::Bytes(total));
        g.bench_function(BenchmarkId::new("process", label), |b| {
            b.iter(|| {
                bodies
                    .iter()
                    .map(|body| {
                        process(body, |_| {})
                            .map(|p| p.unprocessed.len())
                            .unwrap_or(0)
                    })
                    .sum::<usize>()
            })
        });
        g.finish();
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/documents");
    // The files `validate DIR` reads: `*.json` at any depth, in name order. Read again inside
    // the loop, as `validate DIR` reads them.
    let found = xray_benches::documents_in(&dir.display().to_string())
        .unwrap_or_else(|e| panic!("fixture documents: {e}"));
    let total: u64 = found.iter().map(|(_, d)| d.len() as u64).sum();
    let files: Vec<_> = found.into_iter().map(|(path, _)| path).collect();
    let mut g = c.benchmark_group("validate-directory/fixtures");
    g.throughput(Throughput::Bytes(total));
    g.bench_function("read+validate", |b| {
        let mut report = xray_segment::Report::default();
        b.iter(|| {
            files
                .iter()
                .filter(|f| std::fs::read(f).is_ok_and(|d| peers::xray_segment(&mut report, &d)))
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, requests);
criterion_main!(benches);
