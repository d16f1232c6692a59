//! Ids (spec 1.2) and trace ids (spec 2): fixed-length byte checks, no regex.

/// How a 16-hex id or a trace id reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HexForm {
    Lower,
    /// Well formed but with upper-case hex digits (open question Q3).
    Upper,
    Bad,
}

#[inline]
fn hex_run(b: &[u8]) -> HexForm {
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
