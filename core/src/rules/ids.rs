//! Ids (spec 1.2) and trace ids (spec 2): fixed-length byte checks, no regex.

/// How a 16-hex id or a trace id reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HexForm {
    Lower,
    /// Well formed but with upper-case hex digits (open question Q3).
    Upper,
    Bad,
}

/// A bit per byte of `c` that is a lower-case hex digit, sixteen bytes in a few SSE2
/// operations: ids are checked on every entity, and the word-at-a-time check this replaced
/// took about 20 instructions per 8 bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn lower_hex_mask(c: &[u8; 16]) -> u32 {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86_64; the load reads the 16 bytes of `c`.
    unsafe {
        let x = _mm_loadu_si128(c.as_ptr() as *const __m128i);
        // Signed comparisons: bytes from 0x80 are negative, so in neither range.
        let within = |lo: u8, hi: u8| {
            _mm_and_si128(
                _mm_cmpgt_epi8(x, _mm_set1_epi8(lo as i8 - 1)),
                _mm_cmplt_epi8(x, _mm_set1_epi8(hi as i8 + 1)),
            )
        };
        _mm_movemask_epi8(_mm_or_si128(within(b'0', b'9'), within(b'a', b'f'))) as u32
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn lower_hex_mask(c: &[u8; 16]) -> u32 {
    c.iter()
        .enumerate()
        .fold(0, |m, (i, &b)| m | u32::from(is_lower_hex(b)) << i)
}

fn is_lower_hex(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'a'..=b'f')
}

/// Sixteen bytes from `at`; `b` has them.
fn sixteen(b: &[u8], at: usize) -> &[u8; 16] {
    b[at..at + 16].try_into().expect("16 bytes")
}

// Not inlined: the SSE2 checks in `id16` and `trace_id` are the common path, and with this
// loop inlined beside them the compiler copied the id to the stack and read its bytes one by
// one before knowing it had to (perf annotate: most of `trace_id`'s time).
#[inline(never)]
fn hex_run_bytes(b: &[u8]) -> HexForm {
    let mut upper = false;
    for &c in b {
        match c {
            b'0'..=b'9' | b'a'..=b'f' => {}
            b'A'..=b'F' => upper = true,
            _ => return HexForm::Bad,
        }
    }
    if upper {
        HexForm::Upper
    } else {
        HexForm::Lower
    }
}

fn worst(a: HexForm, b: HexForm) -> HexForm {
    match (a, b) {
        (HexForm::Bad, _) | (_, HexForm::Bad) => HexForm::Bad,
        (HexForm::Upper, _) | (_, HexForm::Upper) => HexForm::Upper,
        _ => HexForm::Lower,
    }
}

/// Bytes of a 64-bit id.
pub(crate) const ID_BYTES: usize = 16;

/// Bytes of a trace id.
pub(crate) const TRACE_ID_BYTES: usize = 35;

/// A 64-bit id: exactly 16 hex digits.
pub(crate) fn id16(b: &[u8]) -> HexForm {
    if b.len() != ID_BYTES {
        return HexForm::Bad;
    }
    if lower_hex_mask(sixteen(b, 0)) == 0xFFFF {
        return HexForm::Lower;
    }
    hex_run_bytes(b)
}

/// `1-` + 8 hex digits + `-` + 24 hex digits. The 8 digits were the epoch; X-Ray no longer
/// validates them (spec 2.2), so any hex passes.
pub(crate) fn trace_id(b: &[u8]) -> HexForm {
    if b.len() != TRACE_ID_BYTES || b[0] != b'1' || b[1] != b'-' || b[10] != b'-' {
        return HexForm::Bad;
    }
    // Bytes 2 to 33 in two loads, the dash at 10 let through (checked above), then 34.
    if (lower_hex_mask(sixteen(b, 2)) | 1 << 8) & lower_hex_mask(sixteen(b, 18)) == 0xFFFF
        && is_lower_hex(b[34])
    {
        return HexForm::Lower;
    }
    worst(hex_run_bytes(&b[2..10]), hex_run_bytes(&b[11..35]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Bytes around the edges of the hex ranges, and any.
    fn bytes() -> impl Strategy<Value = u8> {
        prop_oneof![
            0x2fu8..0x3b,
            0x40u8..0x48,
            0x5fu8..0x68,
            Just(0u8),
            Just(0xffu8),
            Just(0xfau8),
            any::<u8>()
        ]
    }

    /// `n` lower-case hex digits with one byte, at any place, replaced by any byte (often
    /// another hex digit): near misses are what the fast paths must not let through.
    fn near_hex(n: usize) -> impl Strategy<Value = Vec<u8>> {
        (
            proptest::collection::vec(prop_oneof![b'0'..=b'9', b'a'..=b'f'], n),
            0..n,
            bytes(),
        )
            .prop_map(|(mut v, at, c)| {
                v[at] = c;
                v
            })
    }

    proptest! {
        #[test]
        fn ids_read_as_their_bytes_do(b in near_hex(16)) {
            prop_assert_eq!(id16(&b), hex_run_bytes(&b));
        }

        #[test]
        fn trace_ids_read_as_their_bytes_do(digits in near_hex(32)) {
            let (head, tail) = digits.split_at(8);
            let id = [b"1-".as_slice(), head, b"-", tail].concat();
            let expected = worst(hex_run_bytes(head), hex_run_bytes(tail));
            prop_assert_eq!(trace_id(&id), expected);
        }
    }

    #[test]
    fn every_byte_value_in_every_position() {
        for pos in 0..16 {
            for c in 0..=255u8 {
                let mut w = *b"0123456789abcdef";
                w[pos] = c;
                let expected = if is_lower_hex(c) {
                    0xFFFF
                } else {
                    0xFFFF & !(1 << pos)
                };
                assert_eq!(lower_hex_mask(&w), expected, "{c:#x} at {pos}");
            }
        }
    }

    #[test]
    fn trace_ids() {
        assert_eq!(
            trace_id(b"1-581cf771-a006649127e371903a2de979"),
            HexForm::Lower
        );
        assert_eq!(
            trace_id(b"1-581CF771-a006649127e371903a2de979"),
            HexForm::Upper
        );
        assert_eq!(
            trace_id(b"2-581cf771-a006649127e371903a2de979"),
            HexForm::Bad
        );
        assert_eq!(
            trace_id(b"1-581cf771-a006649127e371903a2de97"),
            HexForm::Bad
        );
        assert_eq!(
            trace_id(b"1-581cf771xa006649127e371903a2de979"),
            HexForm::Bad
        );
        assert_eq!(
            trace_id(b"1-581cf77g-a006649127e371903a2de979"),
            HexForm::Bad
        );
    }

    #[test]
    fn ids_at_length_15_16_17() {
        assert_eq!(id16(b"70de5b6f19ff9a0"), HexForm::Bad);
        assert_eq!(id16(b"70de5b6f19ff9a0a"), HexForm::Lower);
        assert_eq!(id16(b"70de5b6f19ff9a0ab"), HexForm::Bad);
        assert_eq!(id16(b"70DE5B6F19FF9A0A"), HexForm::Upper);
    }
}
