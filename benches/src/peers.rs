//! The validators ours is compared with, each as "is this document acceptable?" over the same
//! bytes, so the benches and the comparison table call exactly the same code.

use serde::de::IgnoredAny;

/// Ours: every documented rule, one pass, no tree.
pub fn xray_segment(report: &mut xray_segment::Report, doc: &[u8]) -> bool {
    xray_segment::validate_into(doc, report);
    report.is_accepted()
}

/// Ours with the order of keys learnt from the documents before forgotten: every key is
/// searched for, as in a new report.
pub fn xray_segment_unguessed(report: &mut xray_segment::Report, doc: &[u8]) -> bool {
    report.forget_key_order();
    xray_segment::validate_into(doc, report);
    report.is_accepted()
}

/// Ours with no rule: the scan `xray_segment` runs on (syntax, UTF-8, depth), so the
/// difference between the two is what the rules cost.
pub fn scan_only(doc: &[u8]) -> bool {
    xray_segment::scan_only(doc)
}

/// What a naive validator pays before checking any rule: a serde_json tree.
pub fn serde_json_value(doc: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(doc).is_ok()
}

/// The syntax-only floor: one UTF-8 check, then serde_json skipping everything.
pub fn floor(doc: &[u8]) -> bool {
    simdutf8::basic::from_utf8(doc).is_ok() && serde_json::from_slice::<IgnoredAny>(doc).is_ok()
}

/// A second floor, with SIMD: sonic-rs skipping everything. It checks UTF-8 and the full
/// syntax of what it skips (it refuses `[1,,2]`, `{1:2}`, `01`, control characters).
pub fn sonic_rs_floor(doc: &[u8]) -> bool {
    sonic_rs::from_slice::<IgnoredAny>(doc).is_ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    type Peer<'a> = Box<dyn FnMut(&[u8]) -> bool + 'a>;

    /// The comparison is fair only if every peer does the work: each accepts the corpus
    /// documents and refuses the same documents cut short or with a stray comma.
    #[test]
    fn every_peer_accepts_the_corpus_and_refuses_broken_json() {
        let schema = Schema::new();
        let mut report = xray_segment::Report::default();
        let mut unguessed = xray_segment::Report::default();
        let mut buf = Vec::new();
        let mut peers: Vec<(&str, Peer)> = vec![
            ("ours", Box::new(|d: &[u8]| xray_segment(&mut report, d))),
            (
                "ours, no key guessed",
                Box::new(|d: &[u8]| xray_segment_unguessed(&mut unguessed, d)),
            ),
            ("our scan", Box::new(scan_only)),
            ("floor", Box::new(floor)),
            ("sonic-rs floor", Box::new(sonic_rs_floor)),
            ("serde_json", Box::new(serde_json_value)),
            ("sonic-rs", Box::new(sonic_rs_value)),
            (
                "simd-json",
                Box::new(|d: &[u8]| simd_json_value(&mut buf, d)),
            ),
            ("jsonschema", Box::new(|d: &[u8]| schema.check(d))),
        ];
        let docs = crate::corpus(crate::SMALL_BYTES, 5);
        for doc in docs.iter().take(20) {
            let cut = &doc[..doc.len() - 1];
            let mut comma = doc.clone();
            comma.insert(doc.len() - 1, b',');
            for (name, peer) in peers.iter_mut() {
                assert!(peer(doc), "{name} refused a corpus document");
                assert!(!peer(cut), "{name} accepted a document cut short");
                assert!(!peer(&comma), "{name} accepted a trailing comma");
            }
        }
    }
}
