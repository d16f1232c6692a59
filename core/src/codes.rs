//! Every diagnostic the validator can emit, in one table.
//!
//! Each code carries its severity, the `ErrorCode` X-Ray answers when the code rejects a
//! document, the spec section it comes from, and the provenance of the fact. The order of the
//! table is the order in which X-Ray's checks are assumed to run within one entity ("the first
//! failing check wins", spec 5.2); that order itself is inferred.

use std::fmt;

/// How a problem affects X-Ray's handling of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// X-Ray rejects the document (only documented or observed facts).
    Reject,
    /// X-Ray accepts the document but silently drops or changes data.
    Drop,
    /// Against documented guidance; not known to be enforced.
    Lint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Reject => "reject",
            Severity::Drop => "drop",
            Severity::Lint => "lint",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a fact comes from (spec "confidence tags").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provenance {
    /// AWS documentation or the service model.
    Doc,
    /// A real X-Ray response reported in public.
    Obs,
    /// AWS-published source code.
    Src,
    /// Our inference; never an expectation on a live service.
    Inf,
}

impl Provenance {
    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Doc => "DOC",
            Provenance::Obs => "OBS",
            Provenance::Src => "SRC",
            Provenance::Inf => "INF",
        }
    }
}

macro_rules! codes {
    ($( $variant:ident => $name:literal, $sev:ident, $err:expr, $err_prov:ident, $section:literal, $prov:ident, $summary:literal; )*) => {
        /// A stable diagnostic code such as `trace_id.format`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        impl Code {
            /// Every code, in check order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable dotted name, e.g. `trace_id.format`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }
            /// The `ErrorCode` X-Ray answers when this code rejects a document.
            pub fn error_code(self) -> Option<&'static str> {
                match self { $( Code::$variant => $err, )* }
            }
            /// Whether that `ErrorCode` was seen from the real service (Obs) or chosen by us (Inf).
            pub fn error_code_provenance(self) -> Provenance {
                match self { $( Code::$variant => Provenance::$err_prov, )* }
            }
            /// Section of the sourced specification the rule comes from.
            pub fn spec_section(self) -> &'static str {
                match self { $( Code::$variant => $section, )* }
            }
            /// Provenance of the rule itself.
            pub fn provenance(self) -> Provenance {
                match self { $( Code::$variant => Provenance::$prov, )* }
            }
            /// One line on what the rule checks.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }
            pub fn from_name(name: &str) -> Option<Code> {
                match name { $( $name => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

codes! {
    // Whole document.
    JsonSyntax => "json.syntax", Reject, Some("ParseError"), Obs, "5.2", Obs,
        "the document is not JSON";
    JsonUtf8 => "json.utf8", Reject, Some("ParseError"), Inf, "5.2", Inf,
        "the document is not valid UTF-8";
    JsonBom => "json.bom", Reject, Some("ParseError"), Inf, "5.2", Inf,
        "the document starts with a byte order mark, which JSON forbids";
    JsonDepth => "json.depth", Reject, Some("ParseError"), Inf, "1.2", Inf,
        "nesting deeper than the validator's limit (MAX_DEPTH)";
    DocumentSize => "document.size", Reject, Some("InvalidSegment"), Inf, "1.1", Doc,
        "the document is larger than 64 KiB (65,536 bytes)";
    DocumentSizeAmbiguous => "document.size_ambiguous", Lint, None, Inf, "1.1", Inf,
        "the document is over 64,000 bytes: within 64 KiB but over 64 kB (open question Q4)";
    DocumentNotObject => "document.not_object", Reject, Some("MissingId"), Obs, "1.1", Obs,
        "the document is JSON but not an object, so no id can be read";
    // One entity (segment or subsegment), in check order.
    IdMissing => "id.missing", Reject, Some("MissingId"), Obs, "1.2", Obs,
        "`id` is required";
    IdFormat => "id.format", Reject, Some("InvalidId"), Inf, "1.2", Doc,
        "`id` must be a string of 16 hexadecimal digits";
    TraceIdMissing => "trace_id.missing", Reject, Some("MissingTraceId"), Inf, "1.2", Doc,
        "`trace_id` is required on segments and independent subsegments";
    TraceIdFormat => "trace_id.format", Reject, Some("InvalidTraceId"), Obs, "2.1", Doc,
        "`trace_id` must be `1-` + 8 hex digits + `-` + 24 hex digits";
    ParentIdMissing => "parent_id.missing", Reject, Some("MissingParentId"), Obs, "1.2", Obs,
        "`type: \"subsegment\"` requires `parent_id`";
    ParentIdFormat => "parent_id.format", Reject, Some("InvalidParentId"), Inf, "1.2", Doc,
        "`parent_id` must be a string of 16 hexadecimal digits";
    NameMissing => "name.missing", Reject, Some("MissingName"), Obs, "1.2", Obs,
        "`name` is required";
    NameType => "name.type", Reject, Some("InvalidName"), Inf, "1.2", Doc,
        "`name` must be a string";
    NameLength => "name.length", Reject, Some("InvalidName"), Inf, "1.2", Doc,
        "`name` must be 1 to 200 characters";
    NameCharset => "name.charset", Reject, Some("InvalidName"), Obs, "1.2", Obs,
        "`name` may hold only letters, numbers, whitespace and _ . : / % & # = + \\ - @";
    StartTimeMissing => "start_time.missing", Reject, Some("MissingStartTime"), Inf, "1.2", Doc,
        "`start_time` is required";
    StartTimeType => "start_time.type", Reject, Some("InvalidStartTime"), Inf, "1.2", Doc,
        "`start_time` must be a finite number";
    EndTimeMissing => "end_time.missing", Reject, Some("MissingEndTime"), Obs, "1.2", Obs,
        "either `end_time` or `in_progress: true` is required";
    EndTimeType => "end_time.type", Reject, Some("InvalidEndTime"), Inf, "1.2", Doc,
        "`end_time` must be a finite number";
    // Data X-Ray drops.
    AnnotationKey => "annotation.key", Drop, None, Inf, "1.7", Obs,
        "annotation keys other than letters, digits and _ are silently dropped";
    // Guidance.
    NameBackslash => "name.backslash", Lint, None, Inf, "3.3", Doc,
        "the guide allows `\\` in names but AWS's schema does not (open question Q1)";
    HexUppercase => "hex.uppercase", Lint, None, Inf, "2.1", Inf,
        "upper-case hex digits in an id (open question Q3)";
    TimeOrder => "time.order", Lint, None, Inf, "2.3", Inf,
        "`end_time` is before `start_time` (open question Q2)";
    TimeRange => "time.range", Lint, None, Inf, "2.3", Inf,
        "a time that is zero or negative (open question Q2)";
    InProgressWithEndTime => "in_progress.with_end_time", Lint, None, Inf, "1.2", Doc,
        "`in_progress: true` together with `end_time` (open question Q6)";
    TypeValue => "type.value", Lint, None, Inf, "1.2", Doc,
        "`type` other than \"subsegment\" (handling unknown)";
    FieldType => "field.type", Lint, None, Inf, "1.2", Doc,
        "a documented field has the wrong JSON type (X-Ray's handling unknown)";
    FieldPlacement => "field.placement", Lint, None, Inf, "1.3", Doc,
        "a field documented for segments only or subsegments only";
    StringLength => "string.length", Lint, None, Inf, "1.1", Doc,
        "a string over 250 characters (open question Q5)";
    OriginValue => "origin.value", Lint, None, Inf, "1.2", Doc,
        "`origin` is not one of the values AWS documents or its SDKs emit";
    NamespaceValue => "namespace.value", Lint, None, Inf, "1.3", Doc,
        "`namespace` is neither `aws` nor `remote`";
    SqlPreparation => "sql.preparation", Lint, None, Inf, "1.9", Doc,
        "`sql.preparation` is neither `call` nor `statement`";
    PrecursorIdFormat => "precursor_ids.format", Lint, None, Inf, "1.3", Doc,
        "a `precursor_ids` entry is not 16 hexadecimal digits";
    CauseId => "cause.id", Lint, None, Inf, "1.6", Doc,
        "a string `cause` must be a 16-character exception id (open question Q7)";
    ExceptionIdMissing => "exception.id_missing", Lint, None, Inf, "1.6", Doc,
        "an exception without `id` (open question Q7)";
    ExceptionIdFormat => "exception.id_format", Lint, None, Inf, "1.6", Doc,
        "an exception `id` that is not 16 hexadecimal digits";
    AnnotationKeyDot => "annotation.key_dot", Lint, None, Inf, "1.7", Inf,
        "a dotted annotation key: accepted since 2024, dropped before (open question Q8)";
    AnnotationKeyLength => "annotation.key_length", Lint, None, Inf, "1.7", Doc,
        "an annotation key over 500 characters (open question Q8)";
    AnnotationValueType => "annotation.value_type", Lint, None, Inf, "1.7", Doc,
        "an annotation value that is not a string, number or boolean (open question Q8)";
    AnnotationValueLength => "annotation.value_length", Lint, None, Inf, "1.7", Doc,
        "an annotation string over 1,000 characters (open question Q8)";
    AnnotationCount => "annotation.count", Lint, None, Inf, "1.7", Doc,
        "more than 50 annotations in one document; X-Ray indexes 50 per trace";
    MetadataNamespaceType => "metadata.namespace_type", Lint, None, Inf, "1.8", Doc,
        "a metadata namespace whose value is not an object (open question Q9)";
    MetadataReserved => "metadata.reserved", Lint, None, Inf, "1.8", Doc,
        "metadata namespaces starting with `AWS.` are reserved for AWS SDKs";
    NumberRange => "json.number_range", Lint, None, Inf, "1.7", Inf,
        "a number outside the range of a double";
    LoneSurrogate => "json.lone_surrogate", Lint, None, Inf, "1.1", Inf,
        "a `\\u` escape of an unpaired UTF-16 surrogate";
    DuplicateKey => "json.duplicate_key", Lint, None, Inf, "1.2", Inf,
        "a documented field appears twice in one object; the last one counts";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate name {c}");
            assert_eq!(Code::from_name(c.as_str()), Some(c));
        }
        assert_eq!(Code::from_name("no.such"), None);
    }

    #[test]
    fn only_reject_codes_carry_an_error_code() {
        for &c in Code::ALL {
            assert_eq!(
                c.severity() == Severity::Reject,
                c.error_code().is_some(),
                "{c}"
            );
        }
    }

    #[test]
    fn reject_rules_rest_on_documented_or_observed_facts_except_json_edge_cases() {
        // A rejecting rule needs DOC or OBS behind it; the JSON edge cases are the only
        // inferred rejections, and they all answer ParseError like any other broken JSON.
        for &c in Code::ALL {
            if c.severity() == Severity::Reject && c.provenance() == Provenance::Inf {
                assert_eq!(c.error_code(), Some("ParseError"), "{c}");
            }
        }
    }
}
