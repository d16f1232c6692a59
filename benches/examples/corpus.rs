//! Writes a benchmark corpus as one file per document, for timing `xray-conformance validate`
//! on a directory against other tools, or for `compare DIR`.
//! Run: corpus DIR [SIZE_BYTES] [short|long|exponent], e.g. `corpus /tmp/corpus-1k 1000`;
//! the last argument writes the epoch times as the generator does (short), with 16 or 17
//! digits as Python's and Go's SDKs do (long), or as 1.7000002754130123E9 (exponent).

use xray_benches::times::{with_times, TimeForm};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: corpus DIR [SIZE_BYTES] [short|long|exponent]");
        std::process::exit(2);
    };
    let size = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(xray_benches::SMALL_BYTES);
    let form = match args.next().map(|a| a.parse()).transpose() {
        Ok(form) => form.unwrap_or(TimeForm::Short),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let dir = std::path::Path::new(&dir);
    let docs = with_times(&xray_benches::corpus(size, 42), form);
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        docs.iter()
            .enumerate()
            .try_for_each(|(i, d)| std::fs::write(dir.join(format!("{i:05}.json")), d))
    });
    if let Err(e) = written {
        eprintln!("error: cannot write {}: {e}", dir.display());
        std::process::exit(1);
    }
    println!(
        "{} documents, {} bytes",
        docs.len(),
        xray_benches::bytes(&docs)
    );
}
