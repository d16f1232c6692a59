//! Our JSON Schema (draft 2020-12) for segment documents as X-Ray enforces them: the reject
//! rules a schema can express. Its description lists the rules it cannot; the fuzz target
//! `differential_schema` and a property test check it against the validator.

/// The schema text (`core/schema/segment-document.schema.json`).
pub const SEGMENT_DOCUMENT_SCHEMA: &str = include_str!("../schema/segment-document.schema.json");

/// Codes whose rule no JSON Schema can express; a document with one of them is outside the
/// schema's reach.
pub const BEYOND_SCHEMA: &[crate::Code] = &[
    crate::Code::JsonSyntax,
    crate::Code::JsonUtf8,
    crate::Code::JsonBom,
    crate::Code::JsonDepth,
    crate::Code::DocumentSize,
    crate::Code::DuplicateKey,
    crate::Code::LoneSurrogate,
];
