//! `xray-conformance validate`: every diagnostic of each document, for people and for scripts.

use std::io::{Read, Write};
use std::path::Path;

use serde_json::json;
use xray_segment::{validate_into, verdict, Report, Verdict};

use crate::cli::{OutputFormat, ValidateArgs};
use crate::exit;

/// What the inputs came to, for the exit code and the summary line.
#[derive(Default)]
struct Seen {
    documents: usize,
    accepted: usize,
    /// Inputs that could not be read (reported on stderr as they came).
    unreadable: usize,
    /// One report for every document: its buffers are reused, and the key order it learns
    /// from one document guesses the next one's keys (a directory usually holds the output
    /// of one producer).
    report: Report,
    /// One buffer for every file read.
    buf: Vec<u8>,
}

/// Validates each input as it is read, so a directory of any size is checked in the memory of
/// its largest document, and what was printed stays printed when a later input is unreadable.
/// A directory stands for its `*.json` files at any depth, in name order.
pub fn run(args: &ValidateArgs) -> u8 {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut seen = Seen::default();
    for arg in &args.files {
        let written = if arg == "-" {
            let mut buf = Vec::new();
            match std::io::stdin().read_to_end(&mut buf) {
                Ok(_) => one(&mut out, args.format, arg, &buf, &mut seen),
                Err(e) => {
                    eprintln!("error: cannot read standard input: {e}");
                    seen.unreadable += 1;
                    Ok(())
                }
            }
        } else if Path::new(arg).is_dir() {
            directory(&mut out, args.format, Path::new(arg), &mut seen)
        } else {
            file(&mut out, args.format, Path::new(arg), &mut seen)
        };
        if written.is_err() {
            return exit::FAIL;
        }
    }
    if seen.documents == 0 && seen.unreadable == 0 {
        eprintln!("error: no document found (a directory is searched for *.json files)");
        return exit::USAGE;
    }
    if args.format == OutputFormat::Human && seen.documents > 1 {
        let written = writeln!(
            out,
            "{} documents: {} accepted, {} unprocessed",
            seen.documents,
            seen.accepted,
            seen.documents - seen.accepted
        );
        if written.is_err() {
            return exit::FAIL;
        }
    }
    if seen.unreadable > 0 {
        exit::USAGE
    } else if seen.accepted == seen.documents {
        exit::PASS
    } else {
        exit::FAIL
    }
}

fn directory(
    out: &mut impl Write,
    format: OutputFormat,
    dir: &Path,
    seen: &mut Seen,
) -> std::io::Result<()> {
    for entry in xray_fixtures::json_files::json_files(dir) {
        match entry {
            Ok(path) => file(out, format, &path, seen)?,
            Err(e) => {
                eprintln!("error: {e}");
                seen.unreadable += 1;
            }
        }
    }
    Ok(())
}

fn file(
    out: &mut impl Write,
    format: OutputFormat,
    path: &Path,
    seen: &mut Seen,
) -> std::io::Result<()> {
    let mut buf = std::mem::take(&mut seen.buf);
    buf.clear();
    let read = std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut buf));
    let written = match read {
        Ok(_) => one(out, format, &path.display().to_string(), &buf, seen),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            seen.unreadable += 1;
            Ok(())
        }
    };
    seen.buf = buf;
    written
}

fn one(
    out: &mut impl Write,
    format: OutputFormat,
    file: &str,
    doc: &[u8],
    seen: &mut Seen,
) -> std::io::Result<()> {
    let mut report = std::mem::take(&mut seen.report);
    validate_into(doc, &mut report);
    let written = write(out, format, file, doc, &report, seen);
    seen.report = report;
    written
}

fn write(
    out: &mut impl Write,
    format: OutputFormat,
    file: &str,
    doc: &[u8],
    report: &Report,
    seen: &mut Seen,
) -> std::io::Result<()> {
    let v = verdict(report);
    seen.documents += 1;
    seen.accepted += usize::from(v.is_accepted());
    match format {
        OutputFormat::Human => human(out, file, doc, report, &v),
        OutputFormat::Json => {
            let (id, code, message) = match &v {
                Verdict::Accepted => (report.id().map(str::to_owned), None, None),
                Verdict::Unprocessed(u) => (
                    u.id.clone(),
                    Some(u.error_code.clone()),
                    Some(u.message.clone()),
                ),
            };
            let diagnostics: Vec<_> = report
                .diagnostics
                .iter()
                .map(|d| {
                    let (line, column) = d.line_col(doc).map_or((None, None), |(l, c)| (Some(l), Some(c)));
                    json!({"code": d.code.as_str(), "severity": d.severity().as_str(), "pointer": d.pointer,
                           "message": d.message, "offset": d.offset, "line": line, "column": column,
                           "spec": d.code.spec_section()})
                })
                .collect();
            let line = json!({"file": file, "verdict": if v.is_accepted() {"accepted"} else {"unprocessed"},
                              "id": id, "error_code": code, "message": message, "diagnostics": diagnostics});
            writeln!(out, "{line}")
        }
    }
}

fn human(
    out: &mut impl Write,
    file: &str,
    doc: &[u8],
    report: &Report,
    v: &Verdict,
) -> std::io::Result<()> {
    for d in &report.diagnostics {
        let at = match d.line_col(doc) {
            Some((l, c)) => format!("{file}:{l}:{c}"),
            None => file.to_owned(),
        };
        let pointer = if d.pointer.is_empty() {
            "(document)"
        } else {
            d.pointer.as_str()
        };
        writeln!(
            out,
            "{at}: {} {} {pointer}: {} [spec {}]",
            d.severity(),
            d.code,
            d.message,
            d.code.spec_section()
        )?;
    }
    match v {
        Verdict::Accepted => writeln!(
            out,
            "{file}: accepted ({} diagnostics)",
            report.diagnostics.len()
        ),
        Verdict::Unprocessed(u) => {
            let id =
                u.id.as_deref()
                    .map_or("no Id".to_owned(), |i| format!("Id {i}"));
            writeln!(
                out,
                "{file}: unprocessed: ErrorCode {}, {id}, Message {:?}",
                u.error_code, u.message
            )
        }
    }
}
