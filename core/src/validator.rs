//! The one-pass validator: drives the scanner and hands each field to its rule module.

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Report};
use crate::limits::{AMBIGUOUS_DOCUMENT_BYTES, MAX_DOCUMENT_BYTES};
use crate::path::{pointer_to, Path};
use crate::scan::{unescape_into, Kind, Scanner, Stop, Str};

/// Validates one segment document. Never panics; allocates only when it finds a problem.
pub fn validate(doc: &[u8]) -> Report {
    let mut report = Report::default();
    validate_into(doc, &mut report);
    report
}

/// Like [`validate`], reusing the report's allocations.
pub fn validate_into(doc: &[u8], report: &mut Report) {
    report.clear();
    report.bytes = doc.len();
    if doc.starts_with(b"\xEF\xBB\xBF") {
        push(
            report,
            Code::JsonBom,
            String::new(),
            Some(0),
            "the document starts with a UTF-8 byte order mark".into(),
        );
        return;
    }
    let mut v = Validator {
        s: Scanner::new(doc),
        report,
        scratch: String::new(),
        entity_index: 0,
        entities: 0,
        entity_depth: 0,
        annotations: 0,
    };
    let result = v.document();
    let lone = std::mem::take(&mut v.s.lone_surrogates);
    // The scan checks UTF-8 from the first non-ASCII byte in a string on, and stops if it is
    // bad. Bad UTF-8 anywhere outranks a syntax error, as if the whole document had been
    // checked first; a scan that ends without error read only valid UTF-8.
    if result.is_err() {
        if let Err(e) = simdutf8::compat::from_utf8(doc) {
            let offset = e.valid_up_to();
            forget(report);
            push(
                report,
                Code::JsonUtf8,
                String::new(),
                Some(offset),
                format!("invalid UTF-8 at byte {offset}"),
            );
            return;
        }
    }
    match result {
        Ok(()) => {
            for offset in lone {
                let pointer = pointer_to(doc, offset);
                push(
                    report,
                    Code::LoneSurrogate,
                    pointer,
                    Some(offset),
                    "a \\u escape of an unpaired surrogate".into(),
                );
            }
            size_checks(doc, report);
        }
        Err(Stop::Syntax { offset, message }) => {
            forget(report);
            push(
                report,
                Code::JsonSyntax,
                String::new(),
                Some(offset),
                message.into(),
            );
        }
        Err(Stop::Depth { offset }) => {
            forget(report);
            let msg = format!("nesting deeper than {} levels", crate::limits::MAX_DEPTH);
            push(report, Code::JsonDepth, String::new(), Some(offset), msg);
        }
    }
}

/// Drops what the rules found in a document that turned out not to be JSON.
fn forget(report: &mut Report) {
    report.diagnostics.clear();
    report.outline.clear();
    report.independent_subsegment = false;
    report.set_id(None);
}

fn size_checks(doc: &[u8], report: &mut Report) {
    let n = doc.len();
    if n > MAX_DOCUMENT_BYTES {
        let msg = format!(
            "the document is {n} bytes; X-Ray's limit is 64 KiB ({MAX_DOCUMENT_BYTES} bytes)"
        );
        push(report, Code::DocumentSize, String::new(), None, msg);
    } else if n > AMBIGUOUS_DOCUMENT_BYTES {
        let msg = format!("the document is {n} bytes: within 64 KiB but over 64 kB ({AMBIGUOUS_DOCUMENT_BYTES} bytes)");
        push(
            report,
            Code::DocumentSizeAmbiguous,
            String::new(),
            None,
            msg,
        );
    }
}

fn push(report: &mut Report, code: Code, pointer: String, offset: Option<usize>, message: String) {
    report.push(Diagnostic {
        code,
        pointer,
        offset,
        message,
        entity_depth: 0,
        entity_index: 0,
    });
}

/// The text of a string: borrowed when it has no escapes, decoded into `scratch` otherwise.
/// A function of its own so that a caller can borrow the scratch buffer and the report apart.
pub(crate) fn decoded<'t>(s: Str<'t>, scratch: &'t mut String) -> &'t str {
    if s.escaped {
        unescape_into(s.raw, scratch);
        scratch
    } else {
        // SAFETY: `Scanner::string` checked the string's text as UTF-8 before returning it.
        unsafe { std::str::from_utf8_unchecked(s.raw) }
    }
}

pub(crate) struct Validator<'a, 'r> {
    pub s: Scanner<'a>,
    pub report: &'r mut Report,
    /// Reused buffer for decoding escaped strings whose content a rule checks.
    pub scratch: String,
    /// The entity (segment or subsegment) being read, numbered in document order.
    pub entity_index: u32,
    pub entities: u32,
    pub entity_depth: u16,
    /// Annotations seen so far in the document.
    pub annotations: usize,
}

impl<'a> Validator<'a, '_> {
    fn document(&mut self) -> Result<(), Stop> {
        match self.s.kind()? {
            Kind::Object => self.entity(&Path::Root, true)?,
            other => {
                self.s.skip()?;
                self.s.end()?;
                let msg = format!(
                    "the document is {}, not an object, so it has no id",
                    other.name()
                );
                self.emit(Code::DocumentNotObject, &Path::Root, None, Some(0), msg);
                return Ok(());
            }
        }
        self.s.end()
    }

    /// Records a diagnostic for the value at `path` (plus `field` for a missing member).
    pub fn emit(
        &mut self,
        code: Code,
        path: &Path<'_, 'a>,
        field: Option<&str>,
        offset: Option<usize>,
        message: String,
    ) {
        self.report.push(Diagnostic {
            code,
            pointer: path.render(field),
            offset,
            message,
            entity_depth: self.entity_depth,
            entity_index: self.entity_index,
        });
    }

    /// The decoded text of a string whose content a rule checks: borrowed when it has no
    /// escapes, decoded into the scratch buffer otherwise.
    pub fn text<'t>(&'t mut self, s: Str<'a>) -> &'t str
    where
        'a: 't,
    {
        decoded(s, &mut self.scratch)
    }

    /// Emits `field.type` for a value of the wrong kind and skips it.
    pub fn wrong_type(
        &mut self,
        path: &Path<'_, 'a>,
        kind: Kind,
        expected: &str,
    ) -> Result<(), Stop> {
        self.wrong_kind(path, kind, Code::FieldType, expected)
    }

    /// Emits `code` for a value of the wrong kind and skips it.
    pub fn wrong_kind(
        &mut self,
        path: &Path<'_, 'a>,
        kind: Kind,
        code: Code,
        expected: &str,
    ) -> Result<(), Stop> {
        let offset = self.s.i;
        self.s.skip()?;
        let msg = format!("expected {expected}, found {}", kind.name());
        self.emit(code, path, None, Some(offset), msg);
        Ok(())
    }
}
