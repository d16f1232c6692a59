//! Each fixture document timed alone, ours against the serde_json floor (or serde_json's
//! `Value`, whose time the 6x target divides by 6), largest excess first: where `compare`'s
//! fixtures column loses its time. Alone, each document runs hot (its branches learnt, its
//! bytes cached), so the totals are lower than in `compare`, which runs the documents in turn.
//! Run: excess [ROWS] [floor|value] [DIR], e.g.
//! `cargo run --release -p xray-benches --example excess 20 value`. With DIR, the documents are
//! every `*.json` file below it instead of the fixtures, and rows name their files.
use std::hint::black_box;
use std::time::Instant;

use xray_benches::peers;

/// Nanoseconds per run of `f`, the best of five batches.
fn best_ns(mut f: impl FnMut()) -> f64 {
    const RUNS: u32 = 2000;
    (0..5)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..RUNS {
                f();
            }
            t.elapsed().as_nanos() as f64 / f64::from(RUNS)
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rows: usize = match args.first().map(|a| a.parse()) {
        None => 20,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("error: ROWS must be a number, not {:?}", args[0]);
            std::process::exit(2);
        }
    };
    // The peer, and what its time is divided by to give the time ours may take.
    type Peer = fn(&[u8]) -> bool;
    let (peer, share, name): (Peer, f64, &str) = match args.get(1).map(String::as_str) {
        None | Some("floor") => (peers::floor, 1.0, "floor"),
        Some("value") => (peers::serde_json_value, 6.0, "Value/6"),
        Some(other) => {
            eprintln!("error: unknown peer {other:?}; expected floor or value");
            std::process::exit(2);
        }
    };
    // Each document with what its row shows: its file, or its first bytes.
    let docs: Vec<(String, Vec<u8>)> = match args.get(2) {
        None => peers::fixture_documents()
            .into_iter()
            .map(|d| {
                let head = String::from_utf8_lossy(&d[..d.len().min(70)])
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                (head, d)
            })
            .collect(),
        Some(dir) => match xray_benches::documents_in(dir) {
            Ok(docs) => docs
                .into_iter()
                .map(|(path, d)| (path.display().to_string(), d))
                .collect(),
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        },
    };
    let mut report = xray_segment::Report::default();
    let mut timed: Vec<(f64, f64, &str, &[u8])> = docs
        .iter()
        .map(|(label, d)| {
            let ours = best_ns(|| {
                black_box(peers::xray_segment(&mut report, black_box(d)));
            });
            let theirs = best_ns(|| {
                black_box(peer(black_box(d)));
            }) / share;
            (ours, theirs, label.as_str(), d.as_slice())
        })
        .collect();
    let ours: f64 = timed.iter().map(|t| t.0).sum();
    let theirs: f64 = timed.iter().map(|t| t.1).sum();
    println!(
        "{} documents alone: ours {:.0} us, {name} {:.0} us, {:.2}x {name}",
        docs.len(),
        ours / 1e3,
        theirs / 1e3,
        theirs / ours
    );
    timed.sort_by(|a, b| (b.0 - b.1).total_cmp(&(a.0 - a.1)));
    let what = if args.get(2).is_some() {
        "file"
    } else {
        "document"
    };
    println!("excess_ns ours_ns {name}_ns bytes diagnostics {what}");
    for (o, f, label, d) in timed.into_iter().take(rows) {
        xray_segment::validate_into(d, &mut report);
        println!(
            "{:9.0} {:7.0} {:8.0} {:5} {:11} {label}",
            o - f,
            o,
            f,
            d.len(),
            report.diagnostics.len()
        );
    }
}
