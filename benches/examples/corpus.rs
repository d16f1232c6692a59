//! Writes a benchmark corpus as one file per document, for timing `xray-conformance validate`
//! on a directory against other tools.
//! Run: corpus DIR [SIZE_BYTES], e.g. `corpus /tmp/corpus-1k 1000`.

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: corpus DIR [SIZE_BYTES]");
        std::process::exit(2);
    };
    let size = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(xray_benches::SMALL_BYTES);
    let dir = std::path::Path::new(&dir);
    let docs = xray_benches::corpus(size, 42);
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
