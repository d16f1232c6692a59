//! Diagnostics and the per-document report.

use std::fmt;

use crate::codes::{Code, Severity};
use crate::limits::{MAX_DIAGNOSTICS, MAX_SPARE_STRINGS, MAX_SPARE_STRING_BYTES};
use crate::outline::EntityOutline;

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    /// JSON pointer (RFC 6901) to the value, or to the object that lacks a required field
    /// followed by the field's name.
    pub pointer: String,
    /// Byte offset of the value in the document, where there is one.
    pub offset: Option<usize>,
    pub message: String,
    /// 0 for the top-level object, 1 for its subsegments, and so on.
    pub entity_depth: u16,
    /// Rank of the entity in document order (0 = top level); the verdict takes the first.
    pub entity_index: u32,
}

impl Diagnostic {
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// 1-based line and column of the offset within `doc`, columns counted in characters.
    pub fn line_col(&self, doc: &[u8]) -> Option<(usize, usize)> {
        self.offset.map(|off| line_col(doc, off))
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(doc: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(doc.len());
    let before = &doc[..offset];
    let line = bytecount::count(before, b'\n') + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |p| p + 1);
    // Columns count characters, not bytes.
    let col = bytecount::num_chars(&before[line_start..]) + 1;
    (line, col)
}

/// Everything the validator learned about one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Every problem, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    // The top-level `id`; a buffer reused across documents so a valid one allocates nothing.
    id_buf: String,
    has_id: bool,
    /// The top-level object has `"type": "subsegment"`.
    pub independent_subsegment: bool,
    /// Size of the document in bytes.
    pub bytes: usize,
    /// Diagnostics found but not kept, past `MAX_DIAGNOSTICS`.
    pub omitted: usize,
    // Rank of the rejection that decides the verdict so far.
    best_reject: Option<crate::verdict::Rank>,
    pub(crate) outlining: bool,
    pub(crate) outline: Vec<EntityOutline>,
    spare: Spare,
}

/// Buffers kept from one document to the next: a document with problems then costs no
/// allocation per pointer and message once the report has seen a few.
#[derive(Clone, Default)]
struct Spare {
    /// Strings of cleared diagnostics, written over by the next ones.
    strings: Vec<String>,
    /// The validator's buffer for decoding escaped strings.
    scratch: String,
    /// Where a pointer decodes an escaped key. Its own buffer, not one from `strings`:
    /// giving it back to the pool just before taking the message's string made that take
    /// wait on the store of the give (perf annotate put a third of `add`'s samples there).
    keys: String,
    /// The order of entity keys in the documents seen so far.
    key_order: crate::rules::KeyOrder,
    /// The order of the members of documented objects (http, aws, ...) seen so far.
    member_order: crate::rules::fields::MemberOrder,
}

// Spare buffers are not part of what a report says.
impl PartialEq for Spare {
    fn eq(&self, _: &Spare) -> bool {
        true
    }
}

impl fmt::Debug for Spare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} spare strings", self.strings.len())
    }
}

impl Spare {
    /// Keeps `s` for reuse unless the pool is full or `s` holds more memory than a typical
    /// diagnostic needs.
    fn keep(&mut self, mut s: String) {
        if self.strings.len() < MAX_SPARE_STRINGS && s.capacity() <= MAX_SPARE_STRING_BYTES {
            s.clear();
            self.strings.push(s);
        }
    }

    fn take(&mut self) -> String {
        self.strings.pop().unwrap_or_default()
    }

    /// Drops the key buffer if it holds more memory than a typical diagnostic needs.
    fn trim_keys(&mut self) {
        if self.keys.capacity() > MAX_SPARE_STRING_BYTES {
            self.keys = String::new();
        }
    }
}

impl Report {
    /// A report that also keeps the outline of every entity (see [`Report::outline`]).
    pub fn outlining() -> Report {
        Report {
            outlining: true,
            ..Report::default()
        }
    }

    /// Each segment and subsegment in document order (the top-level entity first), when the
    /// report was made with [`Report::outlining`] and the document is an object that parsed.
    pub fn outline(&self) -> &[EntityOutline] {
        &self.outline
    }

    /// No diagnostic makes X-Ray reject the document.
    pub fn is_accepted(&self) -> bool {
        !self
            .diagnostics
            .iter()
            .any(|d| d.severity() == Severity::Reject)
    }

    /// The distinct codes found, sorted by name.
    pub fn codes(&self) -> Vec<Code> {
        let mut codes: Vec<Code> = self.diagnostics.iter().map(|d| d.code).collect();
        codes.sort_by_key(|c| c.as_str());
        codes.dedup();
        codes
    }

    /// The top-level `id`, when it is a JSON string (X-Ray echoes it as `Id`).
    pub fn id(&self) -> Option<&str> {
        self.has_id.then_some(self.id_buf.as_str())
    }

    pub(crate) fn set_id(&mut self, id: Option<&str>) {
        self.id_buf.clear();
        self.has_id = id.is_some();
        if let Some(id) = id {
            self.id_buf.push_str(id);
        }
    }

    /// Adds a diagnostic, keeping at most `MAX_DIAGNOSTICS` unless it is a rejection that
    /// ranks before every kept one (and so decides the verdict). The pointer and message are
    /// written only for a diagnostic that is kept: `pointer` writes into its first string and
    /// may decode escaped keys in the second, the report's own.
    pub(crate) fn add(
        &mut self,
        code: Code,
        entity: (u16, u32),
        offset: Option<usize>,
        pointer: &dyn Fn(&mut String, &mut String),
        message: &dyn Fn(&mut String),
    ) {
        let (entity_depth, entity_index) = entity;
        let rank = crate::verdict::rank(code, entity_index);
        let decides =
            code.severity() == Severity::Reject && self.best_reject.is_none_or(|best| rank < best);
        if decides {
            self.best_reject = Some(rank);
        }
        if !decides && self.diagnostics.len() >= MAX_DIAGNOSTICS {
            self.omitted += 1;
            return;
        }
        let mut p = self.spare.take();
        let mut m = self.spare.take();
        pointer(&mut p, &mut self.spare.keys);
        self.spare.trim_keys();
        message(&mut m);
        self.diagnostics.push(Diagnostic {
            code,
            pointer: p,
            offset,
            message: m,
            entity_depth,
            entity_index,
        });
    }

    /// Empties the report, keeping its buffers for the next document.
    pub fn clear(&mut self) {
        self.forget();
        self.bytes = 0;
    }

    /// The validator's decoding buffer, for one document.
    pub(crate) fn take_scratch(&mut self) -> String {
        std::mem::take(&mut self.spare.scratch)
    }

    pub(crate) fn key_order(&mut self) -> &mut crate::rules::KeyOrder {
        &mut self.spare.key_order
    }

    /// Forgets the order of keys learnt from the documents before, so that the next one is
    /// read with no key guessed, as by a new report. For benchmarks.
    #[doc(hidden)]
    pub fn forget_key_order(&mut self) {
        self.spare.key_order = Default::default();
        self.spare.member_order = Default::default();
    }

    pub(crate) fn member_order(&mut self) -> &mut crate::rules::fields::MemberOrder {
        &mut self.spare.member_order
    }

    /// Takes the decoding buffer back after a document, unless it grew large.
    pub(crate) fn keep_scratch(&mut self, s: String) {
        if s.capacity() <= MAX_SPARE_STRING_BYTES {
            self.spare.scratch = s;
        }
    }

    /// Moves the diagnostics' strings to the spare pool.
    #[cold]
    fn recycle(&mut self) {
        for d in self.diagnostics.drain(..) {
            self.spare.keep(d.pointer);
            self.spare.keep(d.message);
        }
    }

    /// Drops every diagnostic and the outline: what the rules found in a document that
    /// turned out not to be JSON, or at the start of the next one.
    pub(crate) fn forget(&mut self) {
        self.omitted = 0;
        self.best_reject = None;
        if !self.diagnostics.is_empty() {
            self.recycle();
        }
        self.outline.clear();
        self.independent_subsegment = false;
        self.set_id(None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_lines_and_characters() {
        let doc = "{\n  \"name\": \"\u{e9}\u{65e5}\u{1F600}x\",\n\"id\"".as_bytes();
        let at = |needle: &str| {
            doc.windows(needle.len())
                .position(|w| w == needle.as_bytes())
        };
        assert_eq!(line_col(doc, 0), (1, 1));
        assert_eq!(line_col(doc, 1), (1, 2));
        assert_eq!(line_col(doc, 2), (2, 1));
        assert_eq!(line_col(doc, at("x").unwrap()), (2, 15));
        assert_eq!(line_col(doc, at("\"id").unwrap()), (3, 1));
        // Past the end: the end.
        assert_eq!(line_col(doc, doc.len() + 5), (3, 5));
    }

    #[test]
    fn a_report_learns_the_key_order_and_forgets_it_when_told() {
        let doc = br#"{"name":"s","id":"70de5b6f19ff9a0a","http":{"request":{"method":"GET"}}}"#;
        let mut report = Report::default();
        crate::validate_into(doc, &mut report);
        let new = Spare::default();
        assert_ne!(report.spare.key_order, new.key_order);
        assert_ne!(report.spare.member_order, new.member_order);
        report.forget_key_order();
        assert_eq!(report.spare.key_order, new.key_order);
        assert_eq!(report.spare.member_order, new.member_order);
    }

    #[test]
    fn the_key_buffer_is_dropped_once_it_grows_past_the_byte_limit() {
        // An escaped annotation key with a `?` in it: the diagnostic's pointer decodes the key
        // in the report's key buffer.
        for (n, kept) in [(16, true), (2 * MAX_SPARE_STRING_BYTES, false)] {
            let doc = format!(
                r#"{{"name":"s","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1,"end_time":2,"annotations":{{"\u003f{}":1}}}}"#,
                "k".repeat(n)
            );
            let mut report = Report::default();
            crate::validate_into(doc.as_bytes(), &mut report);
            let pointer = format!("/annotations/?{}", "k".repeat(n));
            assert!(
                report.diagnostics.iter().any(|d| d.pointer == pointer),
                "{n}"
            );
            assert_eq!(report.spare.keys.capacity() > 0, kept, "{n}");
            assert!(
                report.spare.keys.capacity() <= MAX_SPARE_STRING_BYTES,
                "{n}"
            );
        }
    }

    #[test]
    fn the_key_buffer_keeps_no_memory_over_the_byte_limit() {
        for bytes in [
            MAX_SPARE_STRING_BYTES - 1,
            MAX_SPARE_STRING_BYTES,
            MAX_SPARE_STRING_BYTES + 1,
        ] {
            let mut spare = Spare {
                keys: String::with_capacity(bytes),
                ..Spare::default()
            };
            let capacity = spare.keys.capacity();
            spare.trim_keys();
            let expected = if capacity <= MAX_SPARE_STRING_BYTES {
                capacity
            } else {
                0
            };
            assert_eq!(spare.keys.capacity(), expected, "capacity {capacity}");
        }
    }

    #[test]
    fn the_spare_pool_keeps_at_most_its_limit_of_strings() {
        for n in [
            MAX_SPARE_STRINGS - 1,
            MAX_SPARE_STRINGS,
            MAX_SPARE_STRINGS + 1,
        ] {
            let mut spare = Spare::default();
            for _ in 0..n {
                spare.keep(String::with_capacity(8));
            }
            assert_eq!(spare.strings.len(), n.min(MAX_SPARE_STRINGS));
        }
    }

    #[test]
    fn the_spare_pool_keeps_no_string_over_its_byte_limit() {
        for bytes in [
            MAX_SPARE_STRING_BYTES - 1,
            MAX_SPARE_STRING_BYTES,
            MAX_SPARE_STRING_BYTES + 1,
        ] {
            let mut spare = Spare::default();
            let mut s = String::with_capacity(bytes);
            s.push_str("text");
            let capacity = s.capacity();
            spare.keep(s);
            let kept: Vec<(usize, usize)> = spare
                .strings
                .iter()
                .map(|s| (s.len(), s.capacity()))
                .collect();
            let expected = if capacity <= MAX_SPARE_STRING_BYTES {
                vec![(0, capacity)]
            } else {
                vec![]
            };
            assert_eq!(kept, expected, "capacity {capacity}");
        }
    }
}
