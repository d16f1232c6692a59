//! Runs one workload many times, for a profiler (`perf record` or callgrind).
//! Run: profile [validate|validate-cold|scan|request|floor|sonic-floor]
//! [SIZE_BYTES|non-ascii|fixtures|fixtures-diagnosed|fixtures-clean|FILE|DIR] [ROUNDS],
//! e.g. `profile request 1000 200`: a generated corpus, the ~1 KB one made non-ASCII, the
//! fixture documents, one document, or the `*.json` files below a directory. `validate-cold`
//! forgets the key order before each document, as a new report has none. `scan` runs our scan
//! with no rule, and the two floors the syntax-only peers of `compare`, so a profile of ours
//! can be set beside theirs.
use xray_segment::request::process;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("validate");
    let rounds: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(200);
    let docs = match args.get(2).map(String::as_str) {
        Some("non-ascii") => {
            xray_benches::non_ascii(&xray_benches::corpus(xray_benches::SMALL_BYTES, 42))
        }
        Some("fixtures") => xray_benches::peers::fixture_documents(),
        // The fixture documents with at least one diagnostic, or with none: the first cost
        // twice `Value`'s sixth per document, the second about as much.
        Some(which @ ("fixtures-diagnosed" | "fixtures-clean")) => {
            let diagnosed = which == "fixtures-diagnosed";
            xray_benches::peers::fixture_documents()
                .into_iter()
                .filter(|d| xray_segment::validate(d).diagnostics.is_empty() != diagnosed)
                .collect()
        }
        Some(file) if std::path::Path::new(file).is_file() => match std::fs::read(file) {
            Ok(doc) => vec![doc],
            Err(e) => {
                eprintln!("error: cannot read {file}: {e}");
                std::process::exit(1);
            }
        },
        Some(dir) if std::path::Path::new(dir).is_dir() => match xray_benches::documents_in(dir) {
            Ok(docs) => docs.into_iter().map(|(_, doc)| doc).collect(),
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        },
        size => xray_benches::corpus(
            size.and_then(|a| a.parse().ok())
                .unwrap_or(xray_benches::MEDIUM_BYTES),
            42,
        ),
    };
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
        "scan" => {
            for _ in 0..rounds {
                for d in &docs {
                    ok += xray_segment::scan_only(d) as usize;
                }
            }
        }
        "floor" | "sonic-floor" => {
            let peer = if what == "floor" {
                xray_benches::peers::floor
            } else {
                xray_benches::peers::sonic_rs_floor
            };
            for _ in 0..rounds {
                for d in &docs {
                    ok += peer(d) as usize;
                }
            }
        }
        _ => {
            let cold = what == "validate-cold";
            let mut report = xray_segment::Report::default();
            for _ in 0..rounds {
                for d in &docs {
                    if cold {
                        report.forget_key_order();
                    }
                    xray_segment::validate_into(d, &mut report);
                    ok += report.is_accepted() as usize;
                }
            }
        }
    }
    println!("{ok}");
}
