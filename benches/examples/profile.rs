//! Validates the 8 KB corpus many times, for a profiler: `perf record` or callgrind.
fn main() {
    let docs = xray_benches::corpus(xray_benches::MEDIUM_BYTES, 42);
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let mut report = xray_segment::Report::default();
    let mut ok = 0;
    for _ in 0..rounds {
        for d in &docs {
            xray_segment::validate_into(d, &mut report);
            ok += report.is_accepted() as usize;
        }
    }
    println!("{ok}");
}
