//! Numbers as they stand in the document: their value as a double, and the order of two of
//! them, which epoch times need far more often than their values.

use std::cmp::Ordering;

/// A number as it stands in the document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Num<'a> {
    pub raw: &'a [u8],
    /// No fraction and no exponent.
    pub integer: bool,
    /// No exponent and at most 15 digits: an exact decimal that converts to a finite double.
    /// Found only by `Scanner::decimal`; false otherwise.
    pub plain: bool,
    /// Where the integer part ends in `raw`: the offset of `.`, `e` or `E`, or the length.
    /// Only read for plain numbers, whose integer part is short. (Four bytes keep `Num` at
    /// the size it had before.)
    pub point: u32,
    pub start: usize,
}

impl Num<'_> {
    /// The value as a double; `None` when it is out of range (`1e400`).
    pub fn to_f64(self) -> Option<f64> {
        if let Some(v) = self.plain_decimal() {
            return Some(v);
        }
        if let Some(v) = self.exact().and_then(Decimal::to_f64) {
            return Some(v);
        }
        parsed(self.raw)
    }

    /// `-?digits(.digits)?` with at most 15 digits: both the digits and the power of ten are
    /// exact doubles, so one division gives the correctly rounded value, as `parse` would.
    /// Epoch times such as 1478293361.271 all take this path.
    #[inline]
    fn plain_decimal(self) -> Option<f64> {
        const POW10: [f64; 16] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        ];
        let (negative, digits) = match self.raw.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, self.raw),
        };
        let mut mantissa: u64 = 0;
        let mut count = 0usize;
        let mut fraction: Option<usize> = None;
        let mut digits = digits;
        // Epoch seconds have ten digits before the point: the first eight are converted in
        // one step rather than one multiply-add each.
        if let Some(&eight) = digits.first_chunk::<8>() {
            let x = u64::from_le_bytes(eight);
            if super::search::all_digits(x) {
                mantissa = eight_digits(x);
                count = 8;
                digits = &digits[8..];
            }
        }
        for &c in digits {
            match c {
                b'0'..=b'9' => {
                    mantissa = mantissa * 10 + u64::from(c - b'0');
                    count += 1;
                    if count > 15 {
                        return None;
                    }
                    if let Some(f) = fraction.as_mut() {
                        *f += 1;
                    }
                }
                b'.' => fraction = Some(0),
                _ => return None,
            }
        }
        let v = mantissa as f64 / POW10[fraction.unwrap_or(0)];
        Some(if negative { -v } else { v })
    }
}

/// The value of eight ASCII digits read as a little-endian word (the first digit in the lowest
/// byte): pairs, then fours, then all eight, three multiplications in all.
#[inline(always)]
pub(super) fn eight_digits(x: u64) -> u64 {
    let x = x - 0x3030_3030_3030_3030;
    // Each byte pair's low byte becomes 10 * first + second.
    let x = x.wrapping_mul(10) + (x >> 8);
    const PAIRS: u64 = 0x0000_00FF_0000_00FF;
    let fours = (x & PAIRS).wrapping_mul(100 + (1_000_000 << 32));
    let twos = ((x >> 16) & PAIRS).wrapping_mul(1 + (10_000 << 32));
    (fours.wrapping_add(twos)) >> 32
}

impl Num<'_> {
    /// For a plain number: whether its value is at most zero (a minus sign, or every digit 0).
    pub fn plain_at_most_zero(self) -> bool {
        match self.raw.first() {
            Some(b'-') => true,
            Some(b'0') => self.raw.iter().all(|&c| c == b'0' || c == b'.'),
            _ => false,
        }
    }

    /// The order of two plain, non-negative numbers by value, read from their text; `None` for
    /// any others. Distinct decimals of at most 15 digits convert to distinct doubles in the
    /// same order, so this is also the order of their doubles, without converting them.
    pub fn cmp_plain(self, other: Num<'_>) -> Option<Ordering> {
        let signed = |n: &Num<'_>| n.raw.first() == Some(&b'-');
        if !self.plain || !other.plain || signed(&self) || signed(&other) {
            return None;
        }
        // JSON has no leading zeros but a lone 0, so a longer integer part is a larger number;
        // with integer parts of one length, the texts compare byte by byte once trailing
        // fraction zeros are dropped ("1.50" is "1.5", "2.0" is "2").
        Some(
            self.point
                .cmp(&other.point)
                .then_with(|| self.trimmed().cmp(other.trimmed())),
        )
    }

    fn trimmed(&self) -> &[u8] {
        let point = self.point as usize;
        if point >= self.raw.len() {
            return self.raw;
        }
        let mut end = self.raw.len();
        while end > point + 1 && self.raw[end - 1] == b'0' {
            end -= 1;
        }
        if end == point + 1 {
            end = point;
        }
        &self.raw[..end]
    }
}

/// Digits a [`Decimal`] holds: every number of 19 digits fits in a `u64`.
pub(crate) const MAX_EXACT_DIGITS: usize = 19;

/// Digits before the point in a [`Decimal`]: below 10^15, so below 2^50, where a double still
/// has a fraction (and `Decimal::cmp` its bound on a double's unit in the last place).
pub(crate) const MAX_EXACT_INTEGER_DIGITS: usize = 15;

/// A number of at least 1, with at most `MAX_EXACT_INTEGER_DIGITS` digits before the point
/// and `MAX_EXACT_DIGITS` in all once a positive exponent has moved the point, held exactly:
/// `digits / 10^scale`. Python's and Go's SDKs write times with 16 or 17 digits
/// (1700000275.6634512), past what `cmp_plain` may compare by text, and X-Ray's guide gives
/// 1.480615200010E9 as a time; converting each with `parse` cost about 300 instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decimal {
    pub digits: u64,
    pub scale: u32,
    /// Bits in the integer part's value: the number is below 2^integer_bits.
    integer_bits: u32,
}

impl<'a> Num<'a> {
    /// The number as a [`Decimal`], when it is one. Reads `point`, so only numbers read by
    /// `Scanner::decimal`.
    pub fn exact(self) -> Option<Decimal> {
        self.exact_time()
            .or_else(|| self.exact_scientific())
            .or_else(|| self.exact_general())
    }

    /// [`Num::exact`] for any form.
    fn exact_general(self) -> Option<Decimal> {
        let (integer, rest) = self.integer_part()?;
        // An exponent ends the number: looked for from the end, it is a few bytes away, and
        // a number without one is read through once.
        if let Some(e) = rest.iter().rposition(|&c| c | 0x20 == b'e') {
            return exact_with_exponent(integer, rest, e);
        }
        let fraction = rest.strip_prefix(b".").unwrap_or(rest);
        if integer.len() + fraction.len() > MAX_EXACT_DIGITS {
            return None;
        }
        // The scanner read the parts as ASCII digits.
        let whole = accumulate(0, integer);
        Some(Decimal {
            digits: accumulate(whole, fraction),
            scale: fraction.len() as u32,
            integer_bits: u64::BITS - whole.leading_zeros(),
        })
    }

    /// [`Num::exact`] for the form of long epoch times (1700000275.4130886): 8 to 15 digits
    /// before the point and 1 to 8 after it, read a word at a time. `None` for any other form,
    /// which the general reading takes. That one, a search for an exponent and the digits a
    /// byte at a time past each eight, took 198 instructions a time on the corpus of
    /// 16-17-digit times in callgrind (before the search went from the end); this one 122.
    #[inline(always)]
    fn exact_time(self) -> Option<Decimal> {
        let raw = self.raw;
        let point = self.point as usize;
        let n = raw.len().checked_sub(point + 1)?;
        if !(8..=MAX_EXACT_INTEGER_DIGITS).contains(&point)
            || !(1..=8).contains(&n)
            || point + n > MAX_EXACT_DIGITS
            || !(b'1'..=b'9').contains(&raw[0])
            || raw[point] != b'.'
        {
            return None;
        }
        // The scanner read the integer part as digits; the fraction may hold an exponent.
        let head = eight_digits(word_at(raw, 0));
        let whole = head * TEN_TO[point - 8] + eight_digits(last_digits(raw, point, point - 8));
        let fraction = last_digits(raw, raw.len(), n);
        if !super::search::all_digits(fraction) {
            return None;
        }
        Some(Decimal {
            digits: whole * TEN_TO[n] + eight_digits(fraction),
            scale: n as u32,
            integer_bits: u64::BITS - whole.leading_zeros(),
        })
    }

    /// [`Num::exact`] for times as Java's `Double.toString` writes them, the form X-Ray's
    /// guide shows (1.7000002754130123E9): one digit before the point, 8 to 16 after it, and
    /// a one-digit exponent that moves the point no further than the last of them. Read a word
    /// at a time; `None` for any other form, which the general reading takes. That one took
    /// 164 instructions a time in `exact_with_exponent` (callgrind), and its division a fifth
    /// of its time (perf).
    #[inline(always)]
    fn exact_scientific(self) -> Option<Decimal> {
        let raw = self.raw;
        let &[lead, b'.', .., e, shift] = raw else {
            return None;
        };
        let n = raw.len() - 4;
        let shift = usize::from(shift.wrapping_sub(b'0'));
        if !(8..=16).contains(&n)
            || e | 0x20 != b'e'
            || !(b'1'..=b'9').contains(&lead)
            || shift > n.min(9)
        {
            return None;
        }
        // The scanner read the number: between the point and the `e`, only digits.
        let head = u64::from(lead - b'0') * TEN_TO[8] + eight_digits(word_at(raw, 2));
        let tail = eight_digits(last_digits(raw, n + 2, n - 8));
        Some(Decimal::new(
            head * TEN_TO[n - 8] + tail,
            (n - shift) as u32,
        ))
    }

    /// The digits before the point of a number of at least 1 that `exact` may take, and the
    /// rest of its text.
    #[inline(always)]
    fn integer_part(self) -> Option<(&'a [u8], &'a [u8])> {
        let point = self.point as usize;
        let (integer, rest) = self.raw.split_at_checked(point)?;
        if !(1..=MAX_EXACT_INTEGER_DIGITS).contains(&point) || !(b'1'..=b'9').contains(&integer[0])
        {
            return None;
        }
        Some((integer, rest))
    }
}

/// [`Num::exact`] for a number with a positive exponent at `rest[e]`, which moves the point
/// right through the fraction's digits, then adds zeros. Apart: most times have no exponent,
/// and theirs were read no slower.
#[cold]
fn exact_with_exponent(integer: &[u8], rest: &[u8], e: usize) -> Option<Decimal> {
    let fraction = rest[..e].strip_prefix(b".").unwrap_or(&[]);
    let shift = shift(&rest[e + 1..])?;
    let point = integer.len();
    if point + shift > MAX_EXACT_INTEGER_DIGITS
        || point + fraction.len().max(shift) > MAX_EXACT_DIGITS
    {
        return None;
    }
    let digits =
        accumulate(accumulate(0, integer), fraction) * TEN_TO[shift.saturating_sub(fraction.len())];
    let scale = fraction.len().saturating_sub(shift);
    Some(Decimal::new(digits, scale as u32))
}

/// An exponent's digits (after `e`, sign included) as a move of the point to the right:
/// `None` for a negative one (the number could fall below 1) or one past any integer part a
/// [`Decimal`] holds. Leading zeros are allowed (`1.5e09`).
fn shift(exponent: &[u8]) -> Option<usize> {
    let (negative, digits) = match exponent.split_first() {
        Some((b'+', digits)) => (false, digits),
        Some((b'-', digits)) => (true, digits),
        _ => (false, exponent),
    };
    let start = digits
        .iter()
        .position(|&c| c != b'0')
        .unwrap_or(digits.len());
    match &digits[start..] {
        [] => Some(0),
        _ if negative => None,
        [d] => Some(usize::from(d - b'0')),
        [a, b] => Some(usize::from(a - b'0') * 10 + usize::from(b - b'0')),
        _ => None,
    }
}

/// The value of a number's text as a double, `None` out of range: `parse`, for the numbers
/// the faster ways leave.
pub(crate) fn parsed(raw: &[u8]) -> Option<f64> {
    let v: f64 = std::str::from_utf8(raw).ok()?.parse().ok()?;
    v.is_finite().then_some(v)
}

/// `m` followed by the ASCII digits of `digits`, eight at a time while there are eight.
#[inline]
fn accumulate(mut m: u64, mut digits: &[u8]) -> u64 {
    while let Some((&eight, rest)) = digits.split_first_chunk::<8>() {
        m = m * 100_000_000 + eight_digits(u64::from_le_bytes(eight));
        digits = rest;
    }
    for &c in digits {
        m = m * 10 + u64::from(c - b'0');
    }
    m
}

/// The eight bytes of `b` from `at` as a little-endian word; `at + 8 <= b.len()`.
#[inline(always)]
fn word_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// The `n` bytes before `end` (0 to 8 of them) as eight digits, the bytes before them read as
/// zeros: one word read where a loop took a byte at a time. `8 <= end <= b.len()`.
#[inline(always)]
fn last_digits(b: &[u8], end: usize, n: usize) -> u64 {
    // They are the high bytes of the word that ends at `end`.
    let keep = !u64::MAX.checked_shr(8 * n as u32).unwrap_or(0);
    (word_at(b, end - 8) & keep) | (0x3030_3030_3030_3030 & !keep)
}

/// 10^k for every scale a [`Decimal`] may have.
const TEN_TO: [u64; MAX_EXACT_DIGITS] = {
    let mut t = [1u64; MAX_EXACT_DIGITS];
    let mut k = 1;
    while k < MAX_EXACT_DIGITS {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// floor(log2(10^k)) for every scale a [`Decimal`] may have.
const FLOOR_LOG2_TEN_TO: [u32; MAX_EXACT_DIGITS] = {
    let mut t = [0u32; MAX_EXACT_DIGITS];
    let mut k = 0;
    while k < MAX_EXACT_DIGITS {
        t[k] = u64::BITS - 1 - TEN_TO[k].leading_zeros();
        k += 1;
    }
    t
};

impl Decimal {
    /// `digits / 10^scale`, a number of at least 1, its integer part's bits found without
    /// dividing: a division was a fifth of the time of reading a time with an exponent (perf).
    #[inline(always)]
    fn new(digits: u64, scale: u32) -> Decimal {
        debug_assert!(digits >= TEN_TO[scale as usize]);
        // With 2^f <= 10^scale < 2^(f + 1) and 2^(d - 1) <= digits < 2^d, the integer part
        // is below 2^(d - f) and at least 2^(d - f - 2): it has d - f bits or one fewer.
        let bits = (u64::BITS - digits.leading_zeros()) - FLOOR_LOG2_TEN_TO[scale as usize];
        let low = u128::from(TEN_TO[scale as usize]) << (bits - 1);
        Decimal {
            digits,
            scale,
            integer_bits: if u128::from(digits) >= low {
                bits
            } else {
                bits - 1
            },
        }
    }

    /// The correctly rounded double when the digits are exact in a double (at most 2^53):
    /// one division of two exact doubles rounds once, as `parse` does. `None` otherwise.
    pub fn to_f64(self) -> Option<f64> {
        const POW10: [f64; MAX_EXACT_DIGITS] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18,
        ];
        (self.digits <= 1 << 53).then(|| self.digits as f64 / POW10[self.scale as usize])
    }

    /// The order of the doubles nearest to two decimals, when it shows from the decimals: they
    /// are equal, or further apart than a double's unit in the last place there, so they round
    /// to distinct doubles in their own order. `None` when they are closer than that and only
    /// converting tells.
    pub fn cmp(self, other: Decimal) -> Option<Ordering> {
        let scale = self.scale.max(other.scale);
        // At most 10^19 * 10^18: no overflow in a u128.
        // Powers from a table, each a u64 (scales are at most 18): `10u128.pow` was a loop of
        // 128-bit multiplications, and one time comparison per entity paid three of them.
        let x = u128::from(self.digits) * u128::from(TEN_TO[(scale - self.scale) as usize]);
        let y = u128::from(other.digits) * u128::from(TEN_TO[(scale - other.scale) as usize]);
        if x == y {
            return Some(Ordering::Equal);
        }
        // The larger is below 2^bits, where a double's unit in the last place is at most
        // 2^(bits - 53): rounding moves each by at most half of it, so two decimals further
        // apart than one unit round to distinct doubles. The unit, in units of 10^-scale and
        // rounded up: 10^scale / 2^(53 - bits). Integer parts below 2^50 keep the shift positive.
        let one = u128::from(TEN_TO[scale as usize]);
        let shift = 53 - self.integer_bits.max(other.integer_bits);
        let unit = (one + (1 << shift) - 1) >> shift;
        (x.abs_diff(y) > unit).then(|| x.cmp(&y))
    }
}

#[cfg(test)]
mod tests {
    use super::{Decimal, MAX_EXACT_DIGITS, TEN_TO};
    use crate::scan::Scanner;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn times_read_a_word_at_a_time_as_in_general(
            integer in "[1-9][0-9]{0,16}",
            fraction in proptest::option::of("[0-9]{1,10}"),
            exponent in proptest::option::of("[eE][+-]?[0-9]{1,2}"),
        ) {
            let text = format!(
                "{integer}{}{},",
                fraction.as_ref().map_or(String::new(), |f| format!(".{f}")),
                exponent.as_deref().unwrap_or("")
            );
            let n = Scanner::new(text.as_bytes()).decimal().unwrap();
            let fast = n.exact_time();
            if fast.is_some() {
                prop_assert_eq!(fast, n.exact_general(), "{}", text);
            }
            // Every long time without exponent takes the word path.
            let f = fraction.map_or(0, |f| f.len());
            let takes = (8..=15).contains(&integer.len()) && (1..=8).contains(&f)
                && integer.len() + f <= 19 && exponent.is_none();
            prop_assert_eq!(fast.is_some(), takes, "{}", text);
        }

        #[test]
        fn times_in_java_form_read_a_word_at_a_time_as_in_general(
            integer in "[1-9][0-9]{0,1}",
            fraction in "[0-9]{0,18}",
            exponent in "[eE][+-]?[0-9]{1,2}",
        ) {
            let dot = if fraction.is_empty() { "" } else { "." };
            let text = format!("{integer}{dot}{fraction}{exponent},");
            let n = Scanner::new(text.as_bytes()).decimal().unwrap();
            let fast = n.exact_scientific();
            if fast.is_some() {
                prop_assert_eq!(fast, n.exact_general(), "{}", text);
            }
            let shift = exponent[1..].parse::<usize>().ok().filter(|_| exponent.len() == 2);
            let takes = integer.len() == 1
                && (8..=16).contains(&fraction.len())
                && shift.is_some_and(|s| s <= fraction.len());
            prop_assert_eq!(fast.is_some(), takes, "{}", text);
        }

        #[test]
        fn a_decimal_counts_its_integer_bits_as_a_division_would(
            scale in 0..MAX_EXACT_DIGITS as u32,
            digits in any::<u64>(),
        ) {
            let digits = digits.max(TEN_TO[scale as usize]);
            let whole = digits / TEN_TO[scale as usize];
            prop_assert_eq!(Decimal::new(digits, scale).integer_bits, u64::BITS - whole.leading_zeros());
        }
    }

    #[test]
    fn the_java_form_at_its_edges() {
        // (text, taken): 8 and 16 fraction digits are the edges, and an exponent up to the
        // fraction's length.
        for (text, taken) in [
            ("1.1234567E7", false),
            ("1.12345678E8", true),
            ("1.12345678E9", false),
            ("1.123456789E9", true),
            ("1.1234567890123456E9", true),
            ("1.12345678901234567E9", false),
            ("1.1234567890123456E0", true),
            ("1.123456789e9", true),
            ("1.123456789E+9", false),
            ("12.123456789E9", false),
        ] {
            let doc = format!("{text},");
            let n = Scanner::new(doc.as_bytes()).decimal().unwrap();
            let fast = n.exact_scientific();
            assert_eq!(fast.is_some(), taken, "{text}");
            if taken {
                assert_eq!(fast, n.exact_general(), "{text}");
            }
        }
    }

    #[test]
    fn integer_bits_at_the_powers_of_two_and_of_ten() {
        for (scale, &one) in (0u32..).zip(TEN_TO.iter()) {
            for bits in 1..=64 - one.leading_zeros() {
                // A whole part of 2^(bits - 1) has `bits` bits; one just below it, a bit fewer.
                let Some(at) = one.checked_mul(1 << (bits - 1)) else {
                    break;
                };
                assert_eq!(Decimal::new(at, scale).integer_bits, bits, "{at} {scale}");
                if bits > 1 {
                    assert_eq!(
                        Decimal::new(at - 1, scale).integer_bits,
                        bits - 1,
                        "{at} {scale}"
                    );
                }
            }
        }
    }
}
