//! Ids (spec 1.2) and trace ids (spec 2): fixed-length byte checks, no regex.

/// How a 16-hex id or a trace id reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HexForm {
    Lower,
    /// Well formed but with upper-case hex digits (open question Q3).
    Upper,
    Bad,
}

/// Whether all 8 bytes are lower-case hex digits, in a few word operations: ids are checked
/// on every entity. Only ever answers for 8 bytes; anything else goes to `hex_run_bytes`.
#[inline]
fn lower_hex_8(x: u64) -> bool {
    const F0: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const fn each(b: u8) -> u64 {
        0x0101_0101_0101_0101 * b as u64
    }
    // Each term keeps only high nibbles, so a byte of it is zero exactly when its test holds.
    // A carry or borrow between bytes only starts at a byte that fails anyway.
    let not_digit = ((x & F0) ^ each(0x30)) | ((x.wrapping_add(each(6)) & F0) ^ each(0x30));
    let not_letter = ((x & F0) ^ each(0x60))
        | ((x.wrapping_add(each(9)) & F0) ^ each(0x60))
        | ((x.wrapping_sub(each(1)) & F0) ^ each(0x60));
    // High bit of each byte: set when the byte is not zero (bytes here are multiples of 0x10,
    // so halving them moves no bit across bytes and adding 0x78 carries out of none).
    let nonzero = |v: u64| ((v >> 1).wrapping_add(each(0x78))) & each(0x80);
    nonzero(not_digit) & nonzero(not_letter) == 0
}

#[inline]
fn hex_run(b: &[u8]) -> HexForm {
    if b.len().is_multiple_of(8)
        && b.chunks_exact(8).all(|c| {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            lower_hex_8(u64::from_le_bytes(w))
        })
    {
        return HexForm::Lower;
    }
    hex_run_bytes(b)
}

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

/// A 64-bit id: exactly 16 hex digits.
pub(crate) fn id16(b: &[u8]) -> HexForm {
    if b.len() != 16 {
        return HexForm::Bad;
    }
    hex_run(b)
}

/// `1-` + 8 hex digits + `-` + 24 hex digits. The 8 digits were the epoch; X-Ray no longer
/// validates them (spec 2.2), so any hex passes.
pub(crate) fn trace_id(b: &[u8]) -> HexForm {
    if b.len() != 35 || b[0] != b'1' || b[1] != b'-' || b[10] != b'-' {
        return HexForm::Bad;
    }
    worst(hex_run(&b[2..10]), hex_run(&b[11..35]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn word_check_agrees_with_the_byte_loop(b in proptest::collection::vec(prop_oneof![
            0x2fu8..0x3b, 0x40u8..0x48, 0x5fu8..0x68, Just(0u8), Just(0xffu8), Just(0xfau8), any::<u8>()
        ], 0..40)) {
            prop_assert_eq!(hex_run(&b), hex_run_bytes(&b));
        }
    }

    #[test]
    fn every_byte_value_in_every_position() {
        for pos in 0..8 {
            for c in 0..=255u8 {
                let mut w = *b"0123abcd";
                w[pos] = c;
                assert_eq!(
                    lower_hex_8(u64::from_le_bytes(w)),
                    hex_run_bytes(&w) == HexForm::Lower,
                    "{c:#x} at {pos}"
                );
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
