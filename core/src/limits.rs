//! Every limit the core enforces, in one place. Each is tested at limit - 1, limit and limit + 1.

/// Deepest nesting of arrays and objects the validator follows. Deeper input is rejected as a
/// parse error instead of recursing further, so hostile input cannot overflow the stack. The value
/// matches serde_json's default recursion limit, so the typed model can read whatever the
/// validator accepts.
pub const MAX_DEPTH: usize = 128;

/// X-Ray's documented segment-document size, "64 kB" (spec 1.1). The unit is not stated (open
/// question Q4); documents over 64 KiB are over the limit on every reading.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// Above this many bytes a document is over "64 kB" if kB means 1,000 bytes: a lint only.
pub const AMBIGUOUS_DOCUMENT_BYTES: usize = 64_000;

/// Most documents one PutTraceSegments call may carry (spec 5.1; "Exceeding maximum segment
/// count: 50").
pub const MAX_DOCUMENTS_PER_REQUEST: usize = 50;

/// Longest `name`, in Unicode code points (spec 1.2; the unit is open question Q1).
pub const MAX_NAME_CHARS: usize = 200;

/// Documented guidance for string fields: "up to 250 characters" (spec 1.1).
pub const MAX_STRING_CHARS: usize = 250;

/// Longest annotation key, in characters (spec 1.7).
pub const MAX_ANNOTATION_KEY_CHARS: usize = 500;

/// Longest annotation string value, in characters (spec 1.7).
pub const MAX_ANNOTATION_VALUE_CHARS: usize = 1000;

/// Annotations X-Ray indexes per trace (spec 1.7, 5.1); more are counted per document here.
pub const MAX_ANNOTATIONS: usize = 50;

/// Diagnostics kept per document. Beyond it only rejections that change the verdict are kept
/// and the rest are counted in `Report::omitted`, so hostile input cannot turn a few bytes per
/// problem into hundreds of bytes of diagnostics.
pub const MAX_DIAGNOSTICS: usize = 1_000;

/// Strings a report keeps from cleared diagnostics to write the next ones into: a pointer and a
/// message each for the kept diagnostics of a document.
pub const MAX_SPARE_STRINGS: usize = 2 * MAX_DIAGNOSTICS;

/// Largest capacity of a string kept for reuse, so that a report which once held a long
/// message (one quoting a long string, say) does not keep its memory.
pub const MAX_SPARE_STRING_BYTES: usize = 512;

/// X-Ray's trace-document size when segments arrive separately (spec 5.1, "lower limit").
pub const TRACE_BYTES_LOWER: usize = 100 * 1024;

/// X-Ray's dynamic upper limit on a trace document (spec 5.1).
pub const TRACE_BYTES_UPPER: usize = 500 * 1024;
