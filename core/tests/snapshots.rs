//! One canonical report per fixture document, keyed to the document's file, so a changed
//! message or pointer shows up as a reviewable diff (`cargo insta review`).

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

use xray_segment::{validate, verdict, Verdict};

fn canonical(doc: &[u8]) -> String {
    let report = validate(doc);
    let mut out = String::new();
    match verdict(&report) {
        Verdict::Accepted => out.push_str("verdict: accepted\n"),
        Verdict::Unprocessed(u) => {
            let _ = writeln!(
                out,
                "verdict: unprocessed\n  Id: {:?}\n  ErrorCode: {}\n  Message: {}",
                u.id, u.error_code, u.message
            );
        }
    }
    for d in &report.diagnostics {
        let at = d
            .line_col(doc)
            .map(|(l, c)| format!("{l}:{c}"))
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "{} {} {:?} at {at}: {}",
            d.severity(),
            d.code,
            d.pointer,
            d.message
        );
    }
    out
}

#[test]
fn reports() {
    insta::glob!("../../fixtures/documents", "**/*.json", |path| {
        let doc = std::fs::read(path).unwrap();
        insta::assert_snapshot!(canonical(&doc));
    });
}

/// A snapshot whose document is gone is stale: CI fails on it.
#[test]
fn no_unreferenced_snapshots() {
    let docs_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/documents");
    let snap_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let Ok(entries) = std::fs::read_dir(&snap_dir) else {
        return;
    };
    let mut stale = BTreeSet::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("snapshots__reports@") else {
            continue;
        };
        // insta writes the document's path with `/` as `__`.
        let doc = rest.trim_end_matches(".snap").replace("__", "/");
        if !docs_root.join(doc).is_file() {
            stale.insert(name);
        }
    }
    assert!(
        stale.is_empty(),
        "snapshots with no document (delete them): {stale:?}"
    );
}
