//! The validators ours is compared with, each as "is this document acceptable?" over the same
//! bytes, so the benches and the comparison table call exactly the same code.

use serde::de::IgnoredAny;

/// Ours: every documented rule, one pass, no tree.
pub fn xray_segment(report: &mut xray_segment::Report, doc: &[u8]) -> bool {
    xray_segment::validate_into(doc, report);
    report.is_accepted()
}

/// What a naive validator pays before checking any rule: a serde_json tree.
pub fn serde_json_value(doc: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(doc).is_ok()
}

/// The syntax-only floor: one UTF-8 check, then serde_json skipping everything.
pub fn floor(doc: &[u8]) -> bool {
    simdutf8::basic::from_utf8(doc).is_ok() && serde_json::from_slice::<IgnoredAny>(doc).is_ok()
}

pub fn sonic_rs_value(doc: &[u8]) -> bool {
    sonic_rs::from_slice::<sonic_rs::Value>(doc).is_ok()
}

/// simd-json parses in place, so each document is copied first, as a caller must.
pub fn simd_json_value(buf: &mut Vec<u8>, doc: &[u8]) -> bool {
    buf.clear();
    buf.extend_from_slice(doc);
    simd_json::to_borrowed_value(buf).is_ok()
}

/// A JSON Schema validator with our schema: parse, then validate.
pub struct Schema(jsonschema::Validator);

impl Schema {
    pub fn new() -> Schema {
        let s: serde_json::Value =
            serde_json::from_str(xray_segment::schema::SEGMENT_DOCUMENT_SCHEMA)
                .expect("our schema is JSON");
        Schema(jsonschema::validator_for(&s).expect("our schema compiles"))
    }

    pub fn check(&self, doc: &[u8]) -> bool {
        serde_json::from_slice::<serde_json::Value>(doc).is_ok_and(|v| self.0.is_valid(&v))
    }
}

impl Default for Schema {
    fn default() -> Self {
        Schema::new()
    }
}

/// Every fixture document, as the catalogue holds them.
pub fn fixture_documents() -> Vec<Vec<u8>> {
    xray_fixtures::Catalogue::embedded()
        .map(|c| c.documents.into_values().collect())
        .unwrap_or_default()
}

/// PutTraceSegments bodies of `batch` documents each, JSON-escaped as SDKs send them.
pub fn bodies(docs: &[Vec<u8>], batch: usize) -> Vec<Vec<u8>> {
    docs.chunks(batch)
        .filter(|c| c.len() == batch)
        .map(|c| {
            let strings: Vec<&str> = c
                .iter()
                .map(|d| std::str::from_utf8(d).unwrap_or(""))
                .collect();
            serde_json::to_vec(&serde_json::json!({ "TraceSegmentDocuments": strings }))
                .unwrap_or_default()
        })
        .collect()
}
