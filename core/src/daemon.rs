//! The X-Ray daemon's UDP protocol (spec 6.1): one datagram is a JSON header line, a newline
//! and one document. The daemon checks only the header and forwards the body untouched.

/// What a datagram holds, judged as the daemon judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Datagram<'a> {
    /// A segment document (not checked here: validate it separately).
    Document(&'a [u8]),
    /// An OTLP payload (`T1S` sampled spans, `T1U` unsampled spans, `M1` metrics) sent by ADOT
    /// UDP exporters after the header; X-Ray detects the format by the prefix.
    Otlp { prefix: &'a str, body: &'a [u8] },
    /// No newline, or nothing after it: the daemon logs "Missing header or segment".
    MissingHeaderOrSegment,
    /// The header is not `{"format":"json","version":1}`: the daemon logs "Invalid header".
    InvalidHeader,
}

/// Splits at the first newline and checks the header: `format` equal to "json" ignoring case
/// and `version` the integer 1. Go's decoder matches keys ignoring case and skips unknown keys;
/// that is mirrored here (inferred from the daemon's use of encoding/json).
pub fn parse_datagram(d: &[u8]) -> Datagram<'_> {
    let Some(nl) = d.iter().position(|&b| b == b'\n') else {
        return Datagram::MissingHeaderOrSegment;
    };
    let (header, body) = (&d[..nl], &d[nl + 1..]);
    if body.is_empty() {
        return Datagram::MissingHeaderOrSegment;
    }
    if !header_ok(header) {
        return Datagram::InvalidHeader;
    }
    for prefix in ["T1S", "T1U", "M1"] {
        if body.starts_with(prefix.as_bytes()) {
            return Datagram::Otlp {
                prefix,
                body: &body[prefix.len()..],
            };
        }
    }
    Datagram::Document(body)
}

fn header_ok(header: &[u8]) -> bool {
    let Ok(serde_json::Value::Object(m)) = serde_json::from_slice::<serde_json::Value>(header)
    else {
        return false;
    };
    let get = |name: &str| {
        m.iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    let format_ok = get("format")
        .and_then(|v| v.as_str())
        .is_some_and(|f| f.eq_ignore_ascii_case("json"));
    let version_ok = get("version").and_then(|v| v.as_u64()) == Some(1);
    format_ok && version_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_as_the_daemon_reads_them() {
        assert_eq!(
            parse_datagram(b"{\"format\":\"json\",\"version\":1}\n{}"),
            Datagram::Document(b"{}")
        );
        assert_eq!(
            parse_datagram(b"{\"format\": \"JSON\", \"version\": 1}\nx"),
            Datagram::Document(b"x")
        );
        assert_eq!(
            parse_datagram(b"{\"format\":\"json\",\"version\":\"1\"}\n{}"),
            Datagram::InvalidHeader
        );
        assert_eq!(
            parse_datagram(b"{\"format\":\"json\",\"version\":2}\n{}"),
            Datagram::InvalidHeader
        );
        assert_eq!(parse_datagram(b"nope\n{}"), Datagram::InvalidHeader);
        assert_eq!(
            parse_datagram(b"{\"format\":\"json\",\"version\":1}"),
            Datagram::MissingHeaderOrSegment
        );
        assert_eq!(
            parse_datagram(b"{\"format\":\"json\",\"version\":1}\n"),
            Datagram::MissingHeaderOrSegment
        );
        assert_eq!(
            parse_datagram(b"{\"format\":\"json\",\"version\":1}\nT1Sabc"),
            Datagram::Otlp {
                prefix: "T1S",
                body: b"abc"
            }
        );
    }
}
