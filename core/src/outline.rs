//! What checks across documents need from each segment and subsegment (ids, parents, names,
//! times), read by the validator in the same pass when asked (`Report::outlining`). A receiver
//! that links documents into traces then reads each document once, not twice.

use std::borrow::Cow;
use std::ops::Range;

use crate::scan::unescape_into;

/// A string member as it stands in the document: where its text is (without the quotes) and
/// whether it holds escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextAt {
    pub range: Range<usize>,
    pub escaped: bool,
}

impl TextAt {
    /// The decoded text, read from the document the outline was made from. Lone surrogates
    /// become U+FFFD, as in the validator.
    pub fn text<'d>(&self, doc: &'d [u8]) -> Cow<'d, str> {
        let raw = doc.get(self.range.clone()).unwrap_or_default();
        if self.escaped {
            let mut out = String::new();
            match std::str::from_utf8(raw) {
                Ok(_) => unescape_into(raw, &mut out),
                // Only a different document than the outline's can get here.
                Err(_) => out = String::from_utf8_lossy(raw).into_owned(),
            }
            Cow::Owned(out)
        } else {
            // `from_utf8` has an ASCII fast path that `from_utf8_lossy` lacks.
            match std::str::from_utf8(raw) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(raw),
            }
        }
    }
}

/// One segment or subsegment. A member of the wrong type is `None` (or `false`); a repeated key
/// counts as its last occurrence, as in the validator's message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityOutline {
    /// The enclosing entity's index in the outline, for an embedded subsegment.
    pub parent: Option<usize>,
    pub id: Option<TextAt>,
    pub name: Option<TextAt>,
    pub trace_id: Option<TextAt>,
    pub parent_id: Option<TextAt>,
    pub start_time: Option<f64>,
    pub end_time: Option<f64>,
    pub in_progress: bool,
    /// `"type": "subsegment"`.
    pub subsegment_type: bool,
}
