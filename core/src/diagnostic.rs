//! Diagnostics and the per-document report.

use crate::codes::{Code, Severity};
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
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    // Count characters, not bytes: skip UTF-8 continuation bytes.
    let col = before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count()
        + 1;
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
    /// ranks before every kept one (and so decides the verdict).
    pub(crate) fn push(&mut self, d: Diagnostic) {
        let decides = d.severity() == Severity::Reject
            && self
                .best_reject
                .is_none_or(|best| crate::verdict::rank(&d) < best);
        if decides {
            self.best_reject = Some(crate::verdict::rank(&d));
        }
        if decides || self.diagnostics.len() < crate::limits::MAX_DIAGNOSTICS {
            self.diagnostics.push(d);
        } else {
            self.omitted += 1;
        }
    }

    pub fn clear(&mut self) {
        self.omitted = 0;
        self.best_reject = None;
        self.diagnostics.clear();
        self.set_id(None);
        self.independent_subsegment = false;
        self.bytes = 0;
        self.outline.clear();
    }
}
