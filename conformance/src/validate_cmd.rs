//! `xray-conformance validate`: every diagnostic of each document, for people and for scripts.

use std::io::{Read, Write};

use serde_json::json;
use xray_segment::{validate, verdict, Verdict};

use crate::cli::{OutputFormat, ValidateArgs};
use crate::exit;

pub fn run(args: &ValidateArgs) -> u8 {
    let mut inputs = Vec::new();
    for file in &args.files {
        let bytes = if file == "-" {
            let mut buf = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut buf) {
                eprintln!("error: cannot read standard input: {e}");
                return exit::USAGE;
            }
            buf
        } else {
            match std::fs::read(file) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("error: cannot read {file}: {e}");
                    return exit::USAGE;
                }
            }
        };
        inputs.push((file.as_str(), bytes));
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_accepted = true;
    for (file, doc) in &inputs {
        let report = validate(doc);
        let v = verdict(&report);
        all_accepted &= v.is_accepted();
        let written = match args.format {
            OutputFormat::Human => human(&mut out, file, doc, &report, &v),
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
        };
        if written.is_err() {
            return exit::FAIL;
        }
    }
    if all_accepted {
        exit::PASS
    } else {
        exit::FAIL
    }
}

fn human(
    out: &mut impl Write,
    file: &str,
    doc: &[u8],
    report: &xray_segment::Report,
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
