//! The one-pass validator: drives the scanner and hands each field to its rule module.

use crate::codes::Code;
use crate::diagnostic::Report;
use crate::limits::{AMBIGUOUS_DOCUMENT_BYTES, MAX_DOCUMENT_BYTES};
use crate::message::message;
use crate::path::{pointer_to, Path};
use crate::scan::{unescape_into, Kind, Scanner, Stop, Str};

/// Records a diagnostic for the value at `path` (plus `field`, for a missing member) in the
/// validator's report: `emit!(validator, code, path, field, offset, ["text ", part, ...])`,
/// the message's parts each a [`Part`](crate::message::Part).
/// The message is written only when the report keeps the diagnostic. A macro rather than a
/// method, so that the message may quote text decoded into the validator's scratch buffer.
macro_rules! emit {
    ($v:expr, $code:expr, $path:expr, $field:expr, $offset:expr, [$($part:expr),+ $(,)?]) => {
        $crate::validator::emit_at(
            $v.report,
            ($v.entity_depth, $v.entity_index),
            $code,
            ($path, $field),
            $offset,
            $crate::message::message!($($part),+),
        )
    };
}
pub(crate) use emit;

/// Validates one segment document. Never panics; allocates only when it finds a problem.
pub fn validate(doc: &[u8]) -> Report {
    let mut report = Report::default();
    validate_into(doc, &mut report);
    report
}

/// The scan [`validate`] runs on, with no rule: whether `doc` is one JSON value, valid UTF-8,
/// nested at most [`MAX_DEPTH`](crate::limits::MAX_DEPTH) deep. For benchmarks: its time is
/// the floor of `validate`'s, so the difference is what the rules cost.
#[doc(hidden)]
pub fn scan_only(doc: &[u8]) -> bool {
    let mut s = Scanner::new(doc);
    s.skip().is_ok() && s.end().is_ok()
}

/// Like [`validate`], reusing the report's allocations. The report also keeps the order in
/// which keys came (of segments and of the objects the rules know), and the next document is
/// read faster when it has its keys in that order, as documents from one producer do; what
/// the report says does not depend on it.
pub fn validate_into(doc: &[u8], report: &mut Report) {
    report.clear();
    report.bytes = doc.len();
    if doc.starts_with(b"\xEF\xBB\xBF") {
        push(
            report,
            Code::JsonBom,
            Some(0),
            message!("the document starts with a UTF-8 byte order mark"),
        );
        return;
    }
    let scratch = report.take_scratch();
    let mut v = Validator {
        s: Scanner::new(doc),
        report,
        scratch,
        entity_index: 0,
        entities: 0,
        entity_depth: 0,
        annotations: 0,
    };
    let result = v.document();
    let lone = std::mem::take(&mut v.s.lone_surrogates);
    let scratch = std::mem::take(&mut v.scratch);
    report.keep_scratch(scratch);
    // The scan checks UTF-8 from the first non-ASCII byte in a string on, and stops if it is
    // bad. Bad UTF-8 anywhere outranks a syntax error, as if the whole document had been
    // checked first; a scan that ends without error read only valid UTF-8.
    if result.is_err() {
        if let Err(e) = simdutf8::compat::from_utf8(doc) {
            let offset = e.valid_up_to();
            report.forget();
            push(
                report,
                Code::JsonUtf8,
                Some(offset),
                message!("invalid UTF-8 at byte ", offset),
            );
            return;
        }
    }
    match result {
        Ok(()) => {
            for offset in lone {
                report.add(
                    Code::LoneSurrogate,
                    (0, 0),
                    Some(offset),
                    &|out, _| pointer_to(doc, offset, out),
                    message!("a \\u escape of an unpaired surrogate"),
                );
            }
            size_checks(doc, report);
        }
        Err(Stop::Syntax { offset, message }) => {
            report.forget();
            push(report, Code::JsonSyntax, Some(offset), message!(message));
        }
        Err(Stop::Depth { offset }) => {
            report.forget();
            push(
                report,
                Code::JsonDepth,
                Some(offset),
                message!("nesting deeper than ", crate::limits::MAX_DEPTH, " levels"),
            );
        }
    }
}

fn size_checks(doc: &[u8], report: &mut Report) {
    let n = doc.len();
    if n > MAX_DOCUMENT_BYTES {
        push(
            report,
            Code::DocumentSize,
            None,
            message!(
                "the document is ",
                n,
                " bytes; X-Ray's limit is 64 KiB (",
                MAX_DOCUMENT_BYTES,
                " bytes)"
            ),
        );
    } else if n > AMBIGUOUS_DOCUMENT_BYTES {
        push(
            report,
            Code::DocumentSizeAmbiguous,
            None,
            message!(
                "the document is ",
                n,
                " bytes: within 64 KiB but over 64 kB (",
                AMBIGUOUS_DOCUMENT_BYTES,
                " bytes)"
            ),
        );
    }
}

/// What `emit!` calls. Cold and out of line, so that a rule's call site stays small: with the
/// pointer's closure built at each site, documents without problems ran up to 2% slower (~1 KB
/// corpus, within this host's noise).
#[cold]
#[inline(never)]
pub(crate) fn emit_at(
    report: &mut Report,
    entity: (u16, u32),
    code: Code,
    (path, field): (&Path, Option<&str>),
    offset: Option<usize>,
    message: &dyn Fn(&mut String),
) {
    report.add(
        code,
        entity,
        offset,
        &|out, scratch| path.render(field, out, scratch),
        message,
    );
}

/// Records a document-level diagnostic, found outside the rules.
fn push(report: &mut Report, code: Code, offset: Option<usize>, message: &dyn Fn(&mut String)) {
    report.add(code, (0, 0), offset, &|_, _| {}, message);
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
                emit!(
                    self,
                    Code::DocumentNotObject,
                    &Path::Root,
                    None,
                    Some(0),
                    [
                        "the document is ",
                        other.name(),
                        ", not an object, so it has no id"
                    ]
                );
                return Ok(());
            }
        }
        self.s.end()
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
        emit!(
            self,
            code,
            path,
            None,
            Some(offset),
            ["expected ", expected, ", found ", kind.name()]
        );
        Ok(())
    }
}
