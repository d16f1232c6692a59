//! Decoding a JSON string's escapes, for rules that read a string's text and for documents
//! that arrive JSON-escaped inside a request body.

/// Decodes the escapes of a string's raw text into `out`. Lone surrogates become U+FFFD, as
/// lenient JSON readers do. `raw` must be valid UTF-8 (the whole document was checked).
pub(crate) fn unescape_into(raw: &[u8], out: &mut String) {
    // SAFETY: bytes are kept only up to a backslash or the end of `raw` (both character
    // boundaries of valid UTF-8), and every escape appends a whole character, so `out` stays
    // valid UTF-8.
    let bytes = unsafe { out.as_mut_vec() };
    bytes.clear();
    let mut i = 0;
    loop {
        i = copy_plain(raw, i, bytes);
        if i >= raw.len() {
            return;
        }
        // Text escaped to ASCII has an escape per character: no search for plain text
        // between escapes that follow each other.
        loop {
            i = decode_escape(raw, i, bytes);
            // A truncated escape (`\` or `\u12` at the end) runs past the end; only text the
            // scanner did not check can hold one (see `outline::TextAt::text`).
            match raw.get(i) {
                None => return,
                Some(b'\\') => {}
                Some(_) => break,
            }
        }
    }
}

/// Appends `raw[i..]` up to the next backslash; returns the backslash's index or `raw.len()`.
/// Documents inside a PutTraceSegments body have an escape every few bytes, so the runs are
/// copied 16 bytes at a time rather than one by one.
#[cfg(target_arch = "x86_64")]
#[inline]
fn copy_plain(raw: &[u8], mut i: usize, out: &mut Vec<u8>) -> usize {
    use std::arch::x86_64::*;
    // Room for the rest of `raw` plus one 16-byte store past it.
    out.reserve(raw.len() - i + 16);
    let mut o = out.len();
    let dst = out.as_mut_ptr();
    // SAFETY: SSE2 is part of x86_64. Loads read 16 bytes inside `raw` (i + 16 <= len). Each
    // store writes 16 bytes at `o`, and `o - out.len()` never exceeds the `i` consumed since
    // the reserve, so stores stay within the capacity reserved. Only bytes copied from `raw`
    // before the backslash are counted in the length.
    unsafe {
        let backslash = _mm_set1_epi8(b'\\' as i8);
        while i + 16 <= raw.len() {
            let x = _mm_loadu_si128(raw.as_ptr().add(i) as *const __m128i);
            _mm_storeu_si128(dst.add(o) as *mut __m128i, x);
            let m = _mm_movemask_epi8(_mm_cmpeq_epi8(x, backslash));
            if m != 0 {
                let n = m.trailing_zeros() as usize;
                out.set_len(o + n);
                return i + n;
            }
            i += 16;
            o += 16;
        }
        out.set_len(o);
    }
    copy_plain_bytes(raw, i, out)
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn copy_plain(raw: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
    copy_plain_bytes(raw, i, out)
}

fn copy_plain_bytes(raw: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
    let end = raw[i..]
        .iter()
        .position(|&c| c == b'\\')
        .map_or(raw.len(), |n| i + n);
    out.extend_from_slice(&raw[i..end]);
    end
}

/// For each byte after a backslash, the byte a two-byte escape stands for (`\"`, `\\`, `\/`,
/// `\b`, `\f`, `\n`, `\r`, `\t`), or 0 when it is not one. Documents inside a request body
/// have an escape every few bytes, so their decoding is a table look-up, not a branch chain.
pub(super) const SHORT_ESCAPES: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[b'/' as usize] = b'/';
    t[b'b' as usize] = 0x08;
    t[b'f' as usize] = 0x0c;
    t[b'n' as usize] = b'\n';
    t[b'r' as usize] = b'\r';
    t[b't' as usize] = b'\t';
    t
};

/// Appends the character the escape at `raw[i]` (a backslash) stands for; returns the index
/// after the escape.
#[inline]
pub(super) fn decode_escape(raw: &[u8], mut i: usize, out: &mut Vec<u8>) -> usize {
    let e = raw.get(i + 1).copied().unwrap_or(b'\\');
    i += 2;
    let simple = SHORT_ESCAPES[e as usize];
    if simple != 0 {
        out.push(simple);
        return i;
    }
    let decoded = match e {
        b'u' => {
            let hi = hex4(raw, i);
            i += 4;
            let mut ch = char::from_u32(hi);
            if (0xD800..0xDC00).contains(&hi)
                && raw.get(i) == Some(&b'\\')
                && raw.get(i + 1) == Some(&b'u')
            {
                let lo = hex4(raw, i + 2);
                if (0xDC00..0xE000).contains(&lo) {
                    ch = char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00));
                    i += 6;
                }
            }
            ch.unwrap_or('\u{FFFD}')
        }
        // Other ASCII bytes stand for themselves.
        other if other.is_ascii() => char::from(other),
        // Not a valid escape (the scanner never lets one through): consume only the
        // backslash, so the multi-byte character after it is copied whole.
        _ => {
            i -= 1;
            '\u{FFFD}'
        }
    };
    let mut utf8 = [0u8; 4];
    let n = decoded.encode_utf8(&mut utf8).len();
    // Pushed byte by byte: copying a slice of run-time length was a call to `memmove`.
    for &b in &utf8[..n] {
        out.push(b);
    }
    i
}

/// Each byte's value as a hex digit, or `NOT_HEX` (16, so that ORing the four digits of an
/// escape and comparing with 16 checks them all).
pub(super) static HEX_DIGIT: [u8; 256] = {
    let mut t = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};
const NOT_HEX: u8 = 16;

/// The value of four hex digits at `raw[at..]`; a byte that is not one counts as 0 (only text
/// the scanner did not check can hold one).
fn hex4(raw: &[u8], at: usize) -> u32 {
    (0..4).fold(0, |v, k| {
        let d = raw.get(at + k).map_or(0, |&c| HEX_DIGIT[c as usize] & 0xF);
        v * 16 + u32::from(d)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every character as a `\u` escape (surrogate pairs above the BMP).
    fn all_u_escapes(s: &str) -> String {
        let mut out = String::new();
        for unit in s.encode_utf16() {
            out.push_str(&format!("\\u{unit:04x}"));
        }
        out
    }

    proptest! {
        #[test]
        fn unescaping_inverts_json_escaping(s in "(\\PC|[\"\\\\/\u{0}-\u{1f}]|é|\u{1F600}){0,80}") {
            let escaped = serde_json::to_string(&s).unwrap();
            let mut out = String::from("stale");
            unescape_into(&escaped.as_bytes()[1..escaped.len() - 1], &mut out);
            prop_assert_eq!(&out, &s);
            unescape_into(all_u_escapes(&s).as_bytes(), &mut out);
            prop_assert_eq!(&out, &s);
        }
    }

    #[test]
    fn escapes_decode_and_invalid_ones_stay_utf8() {
        let mut out = String::new();
        unescape_into(br#"a\"b\\c\/d\n\u00e9\ud83d\ude00\ud800x"#, &mut out);
        assert_eq!(out, "a\"b\\c/d\né\u{1F600}\u{FFFD}x");
        unescape_into("\\é!".as_bytes(), &mut out);
        assert_eq!(out, "\u{FFFD}é!");
        unescape_into(b"plain", &mut out);
        assert_eq!(out, "plain");
    }
}
