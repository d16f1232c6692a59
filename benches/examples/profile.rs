//! Runs one workload many times, for a profiler (`perf record` or callgrind).
//! Run: profile [validate|request] [SIZE_BYTES] [ROUNDS], e.g. `profile request 1000 200`.
use xray_segment::request::process;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("validate");
    let size = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(xray_benches::MEDIUM_BYTES);
    let rounds: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(200);
    let docs = xray_benches::corpus(size, 42);
    let mut ok = 0;
    match what {
        "request" => {
            let bodies = xray_benches::peers::bodies(&docs, 50);
            for _ in 0..rounds {
                for b in &bodies {
                    ok += process(b, |_| {}).map(|p| p.documents).unwrap_or(0);
                }
            }
        }
        _ => {
            let mut report = xray_segment::Report::default();
            for _ in 0..rounds {
                for d in &docs {
                    xray_segment::validate_into(d, &mut report);
                    ok += report.is_accepted() as usize;
                }
            }
        }
    }
    println!("{ok}");
}
