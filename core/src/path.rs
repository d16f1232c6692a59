//! JSON pointers. The validator keeps the path to the current value as a linked list on the
//! stack, so nothing is allocated until a diagnostic needs its pointer.

use crate::scan::{unescape_into, Kind, Scanner, Str};
use crate::validator::decoded;

#[derive(Clone, Copy)]
pub(crate) enum Path<'p, 'a> {
    Root,
    Key(&'p Path<'p, 'a>, Str<'a>),
    Index(&'p Path<'p, 'a>, usize),
}

impl Path<'_, '_> {
    /// Appends the RFC 6901 pointer to `out`, with `field` appended when given (for a
    /// missing member); escaped keys are decoded in `scratch`.
    pub fn render(&self, field: Option<&str>, out: &mut String, scratch: &mut String) {
        self.render_into(out, scratch);
        if let Some(field) = field {
            out.push('/');
            push_escaped(out, field);
        }
    }

    /// Appends the pointer, root first. Recursion is bounded by the scanner's depth limit.
    fn render_into(&self, out: &mut String, scratch: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.render_into(out, scratch);
                out.push('/');
                push_escaped(out, decoded(*key, scratch));
            }
            Path::Index(parent, i) => {
                parent.render_into(out, scratch);
                out.push('/');
                // Not `write!`: the formatting machinery was a quarter of the instructions of
                // a pointer with one index (callgrind).
                out.push_str(itoa::Buffer::new().format(*i));
            }
        }
    }
}

/// Appends `seg` with `~` and `/` escaped, copying the runs between them whole.
fn push_escaped(out: &mut String, seg: &str) {
    if !has_tilde_or_slash(seg.as_bytes()) {
        out.push_str(seg);
        return;
    }
    let mut rest = seg;
    while let Some(at) = rest.bytes().position(|b| b == b'~' || b == b'/') {
        out.push_str(&rest[..at]);
        out.push_str(if rest.as_bytes()[at] == b'~' {
            "~0"
        } else {
            "~1"
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// Whether `b` holds a `~` or a `/`, read a word at a time. Keys seldom hold either, and
/// looking for them a byte at a time was 2% of the instructions on the fixture documents,
/// most of which have a diagnostic (callgrind); for keys shorter than a word, it was still
/// 40 of a pointer segment's 98 instructions.
fn has_tilde_or_slash(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Some byte of `x` is zero: exact as a yes or no, though not as to which byte.
    let any_zero = |x: u64| x.wrapping_sub(ONES) & !x & (ONES << 7) != 0;
    // Bytes left zero in a word are neither `~` nor `/`.
    let has =
        |w: u64| any_zero(w ^ (ONES * u64::from(b'~'))) || any_zero(w ^ (ONES * u64::from(b'/')));
    let n = b.len();
    let Some(&last) = b.last_chunk::<8>() else {
        // Shorter than a word: its bytes, some read twice, gathered into one.
        let word = match (b.first_chunk::<4>(), b.last_chunk::<4>()) {
            (Some(&head), Some(&tail)) => {
                u64::from(u32::from_le_bytes(head)) | u64::from(u32::from_le_bytes(tail)) << 32
            }
            _ if n > 0 => u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
            _ => 0,
        };
        return has(word);
    };
    let mut words = b.chunks_exact(8);
    // The last word may overlap the one before: only whether, not where, matters.
    words.any(|w| {
        w.first_chunk::<8>()
            .is_some_and(|&w| has(u64::from_le_bytes(w)))
    }) || has(u64::from_le_bytes(last))
}

/// The pointer to the innermost value that starts at or contains `target`, for diagnostics
/// found by the scanner itself (which does not track paths). `doc` must be valid JSON.
pub(crate) fn pointer_to(doc: &[u8], target: usize, out: &mut String) {
    let mut s = Scanner::new(doc);
    let mut key = String::new();
    'descend: loop {
        let Ok(kind) = s.kind() else { return };
        if s.i >= target || !matches!(kind, Kind::Object | Kind::Array) {
            return;
        }
        if s.enter().is_err() {
            return;
        }
        let mut first = true;
        let mut index = 0usize;
        loop {
            let name = match kind {
                Kind::Object => match s.next_key(&mut first) {
                    Ok(Some(k)) => {
                        unescape_into(k.raw, &mut key);
                        Some(k)
                    }
                    _ => return,
                },
                _ => match s.next_item(&mut first) {
                    Ok(true) => None,
                    _ => return,
                },
            };
            s.ws();
            let value_start = s.i;
            if s.skip().is_err() {
                return;
            }
            if value_start <= target && target < s.i {
                out.push('/');
                match name {
                    Some(_) => push_escaped(out, &key),
                    None => out.push_str(&index.to_string()),
                }
                s.i = value_start;
                continue 'descend;
            }
            index += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_decode_keys_and_escape_tilde_and_slash() {
        let text = br#""a~b/c~" "\u0078y/""#;
        let mut s = Scanner::new(text);
        let plain = s.string().unwrap();
        s.ws();
        let escaped = s.string().unwrap();
        let root = Path::Root;
        let first = Path::Key(&root, plain);
        let item = Path::Index(&first, 12);
        let last = Path::Key(&item, escaped);
        let render = |p: &Path, field| {
            let mut out = String::new();
            p.render(field, &mut out, &mut String::new());
            out
        };
        assert_eq!(render(&last, None), "/a~0b~1c~0/12/xy~1");
        assert_eq!(render(&last, Some("n/~m")), "/a~0b~1c~0/12/xy~1/n~1~0m");
        assert_eq!(render(&root, None), "");
        assert_eq!(render(&root, Some("")), "/");
    }

    #[test]
    fn a_tilde_or_slash_is_found_at_every_place_in_short_keys() {
        for n in 0..=17 {
            assert!(
                !has_tilde_or_slash("k".repeat(n).as_bytes()),
                "{n} plain bytes"
            );
            for at in 0..n {
                for c in [b'~', b'/'] {
                    let mut key = vec![b'k'; n];
                    key[at] = c;
                    assert!(has_tilde_or_slash(&key), "{n} bytes, {} at {at}", c as char);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn keys_escape_as_rfc_6901_says(key in "[a-zé]{0,20}|[a-z]{0,12}[~/][a-z]{0,12}|[a~/é]{0,20}") {
            let mut out = String::new();
            push_escaped(&mut out, &key);
            proptest::prop_assert_eq!(out, key.replace('~', "~0").replace('/', "~1"));
            proptest::prop_assert_eq!(has_tilde_or_slash(key.as_bytes()), key.contains(['~', '/']));
        }
    }
}
