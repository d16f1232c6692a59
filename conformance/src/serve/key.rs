//! Ids as the trace tracker keeps them. X-Ray's usual forms are packed into integers: no
//! allocation per id, and no pointer to follow when an old trace is forgotten (following them
//! into cold memory was most of the tracker's cost in a long run). Anything else stays text,
//! so every id is shown exactly as it was sent.

use std::fmt;

use serde::{Serialize, Serializer};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// 16 lower-case hex digits (segment and subsegment ids).
    Id(u64),
    /// `1-` + 8 + `-` + 24 lower-case hex digits (trace ids), 8 digits to a word. Words of
    /// 32 bits keep `Key` at 24 bytes, where a `u128` (16-byte aligned) made it 32: the call
    /// log holds millions of keys.
    Trace([u32; 4]),
    Text(Box<str>),
}

/// The value of `s` (at most 16 digits) as lower-case hex digits, if it is only those.
fn lower_hex(s: &[u8]) -> Option<u64> {
    s.iter().try_fold(0u64, |acc, &c| {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => return None,
        };
        Some(acc << 4 | u64::from(d))
    })
}

/// Eight hex digits as a word.
fn word(s: &[u8]) -> Option<u32> {
    lower_hex(s).map(|v| v as u32)
}

impl Key {
    pub fn new(s: &str) -> Key {
        let b = s.as_bytes();
        let packed = match b.len() {
            16 => lower_hex(b).map(Key::Id),
            35 if b.starts_with(b"1-") && b[10] == b'-' => (|| {
                let words = [&b[2..10], &b[11..19], &b[19..27], &b[27..35]];
                Some(Key::Trace([
                    word(words[0])?,
                    word(words[1])?,
                    word(words[2])?,
                    word(words[3])?,
                ]))
            })(),
            _ => None,
        };
        packed.unwrap_or_else(|| Key::Text(s.into()))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Id(v) => write!(f, "{v:016x}"),
            Key::Trace([a, b, c, d]) => write!(f, "1-{a:08x}-{b:08x}{c:08x}{d:08x}"),
            Key::Text(s) => f.write_str(s),
        }
    }
}

/// As the text it was made from.
impl Serialize for Key {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_shown_as_sent() {
        for s in [
            "0123456789abcdef",
            "ffffffffffffffff",
            "0000000000000000",
            "1-581cf771-a006649127e371903a2de979",
            "1-ffffffff-ffffffffffffffffffffffff",
            "1-00000000-000000000000000000000000",
            // Not packed: upper case, wrong length, wrong version or separator, not hex.
            "0123456789ABCDEF",
            "0123456789abcde",
            "0123456789abcdef0",
            "2-581cf771-a006649127e371903a2de979",
            "1-581cf771_a006649127e371903a2de979",
            "1-581cf77g-a006649127e371903a2de979",
            "1-581CF771-a006649127e371903a2de979",
            "",
            "é",
        ] {
            assert_eq!(Key::new(s).to_string(), s);
        }
        assert!(matches!(Key::new("0123456789abcdef"), Key::Id(_)));
        assert!(matches!(
            Key::new("1-581cf771-a006649127e371903a2de979"),
            Key::Trace(_)
        ));
        assert!(matches!(Key::new("0123456789ABCDEF"), Key::Text(_)));
        assert_eq!(
            serde_json::to_string(&Key::new("0123456789abcdef")).unwrap(),
            r#""0123456789abcdef""#
        );
    }

    #[test]
    fn a_key_is_three_words() {
        assert_eq!(std::mem::size_of::<Key>(), 24);
    }

    #[test]
    fn different_ids_stay_different() {
        let a = Key::new("1-581cf771-a006649127e371903a2de979");
        let b = Key::new("1-581cf772-a006649127e371903a2de979");
        let c = Key::new("1-581cf771-a006649127e371903a2de978");
        let d = Key::new("1-581cf771-a006649127e371913a2de979");
        assert!(a != b && a != c && b != c && a != d);
        assert_ne!(Key::new("000000000000000a"), Key::new("00000000000000a0"));
    }
}
