//! X-Ray's answer for one document (spec 5.2): accepted, or unprocessed with the `Id`,
//! `ErrorCode` and `Message` X-Ray really returns.

use crate::codes::{Code, Severity};
use crate::diagnostic::Report;
use serde::Serialize;

/// One entry of `UnprocessedTraceSegments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unprocessed {
    #[serde(rename = "Id", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "ErrorCode")]
    pub error_code: String,
    #[serde(rename = "Message")]
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    Unprocessed(Unprocessed),
}

impl Verdict {
    pub fn is_accepted(&self) -> bool {
        matches!(self, Verdict::Accepted)
    }
}

/// Codes about the whole document; their message always says "segment".
pub(crate) fn document_level(code: Code) -> bool {
    matches!(
        code,
        Code::JsonSyntax
            | Code::JsonUtf8
            | Code::JsonBom
            | Code::JsonDepth
            | Code::DocumentSize
            | Code::DocumentNotObject
    )
}

/// Where a rejection stands in X-Ray's order of checks (lower wins).
pub(crate) type Rank = (bool, u32, Code);

/// The first failing check wins: document-level problems, then the top-level object, then
/// embedded subsegments in document order; within one object, the order of the code table.
pub(crate) fn rank(code: Code, entity_index: u32) -> Rank {
    (!document_level(code), entity_index, code)
}

/// X-Ray's answer for the document the report describes.
pub fn verdict(report: &Report) -> Verdict {
    let first = report
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Reject)
        .min_by_key(|d| rank(d.code, d.entity_index));
    let Some(d) = first else {
        return Verdict::Accepted;
    };
    let error_code = d.code.error_code().unwrap_or("InvalidSegment");
    let id = match d.code {
        Code::JsonSyntax
        | Code::JsonUtf8
        | Code::JsonBom
        | Code::JsonDepth
        | Code::DocumentNotObject => None,
        _ => report.id().map(str::to_owned),
    };
    let message = if d.code == Code::DocumentSize {
        // Limit failures carry prose rather than the "ErrorCode:" shape (spec 5.2).
        format!(
            "Segment size exceeded. The segment document is {} bytes; the limit is {} bytes.",
            report.bytes,
            crate::limits::MAX_DOCUMENT_BYTES
        )
    } else if !document_level(d.code) && (d.entity_depth > 0 || report.independent_subsegment) {
        format!("Invalid subsegment. ErrorCode: {error_code}, Cause: null")
    } else {
        format!("Invalid segment. ErrorCode: {error_code}")
    };
    Verdict::Unprocessed(Unprocessed {
        id,
        error_code: error_code.to_owned(),
        message,
    })
}
