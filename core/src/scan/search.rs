//! Finding where a string or a number ends, many bytes at a time: most of a document's bytes
//! are inside strings, and epoch times have ten digits before the point.

// Bytes a string scan must look at, for the bytes left over after the last 16: quotes,
// backslashes and control characters, and with `HIGH` every byte of a multi-byte character.
const fn stop_table(high: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i < 0x20 || i == b'"' as usize || i == b'\\' as usize || (high && i >= 0x80);
        i += 1;
    }
    t
}
static STRING_STOP: [[bool; 256]; 2] = [stop_table(false), stop_table(true)];

/// For 16 bytes: a bit per quote, backslash or control character (the bytes a string scan
/// must stop at), and with `HIGH` per byte of a multi-byte character too; and a bit per quote.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn stops<const HIGH: bool>(x: std::arch::x86_64::__m128i) -> (u32, u32) {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86_64; these intrinsics only compute on registers.
    unsafe {
        let quote = _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8))) as u32;
        let special = if HIGH {
            // Below 0x20 as a signed byte: control characters, and 0x80 to 0xFF.
            _mm_cmplt_epi8(x, _mm_set1_epi8(0x20))
        } else {
            // x <= 0x1f (unsigned) exactly when max(x, 0x1f) == 0x1f.
            let below = _mm_set1_epi8(0x1f);
            _mm_cmpeq_epi8(_mm_max_epu8(x, below), below)
        };
        let other = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8)), special);
        (quote | _mm_movemask_epi8(other) as u32, quote)
    }
}

/// The index of the first byte at or after `i` that a string scan must look at (quote,
/// backslash or control character, and with `HIGH` the first byte of a multi-byte
/// character), or `b.len()`, and whether that byte is a quote (known from the comparison
/// already made: reading the byte again would put one more load on the parse's critical
/// path). Sixteen bytes per step: strings are most of a document's bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn find_stop<const HIGH: bool>(b: &[u8], mut i: usize) -> (usize, bool) {
    use std::arch::x86_64::*;
    while i + 16 <= b.len() {
        // SAFETY: the load reads 16 bytes inside `b` (i + 16 <= len); SSE2 is part of x86_64.
        let x = unsafe { _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i) };
        let (any, quote) = stops::<HIGH>(x);
        if any != 0 {
            let n = any.trailing_zeros();
            return (i + n as usize, quote & (1 << n) != 0);
        }
        i += 16;
    }
    let i = skip_plain_bytes::<HIGH>(b, i);
    (i, b.get(i) == Some(&b'"'))
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub(super) fn find_stop<const HIGH: bool>(b: &[u8], i: usize) -> (usize, bool) {
    let i = skip_plain_bytes::<HIGH>(b, i);
    (i, b.get(i) == Some(&b'"'))
}

fn skip_plain_bytes<const HIGH: bool>(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && !STRING_STOP[HIGH as usize][b[i] as usize] {
        i += 1;
    }
    i
}

/// `find_stop` that also appends the bytes before the stop to `out`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn copy_to_stop(b: &[u8], mut i: usize, out: &mut Vec<u8>) -> (usize, bool) {
    use std::arch::x86_64::*;
    // Room for the rest of `b` plus one 16-byte store past it.
    out.reserve(b.len() - i + 16);
    let mut o = out.len();
    let dst = out.as_mut_ptr();
    // SAFETY: SSE2 is part of x86_64. Loads read 16 bytes inside `b` (i + 16 <= len). Each
    // store writes 16 bytes at `o`, and `o - out.len()` never exceeds the bytes of `b`
    // consumed since the reserve, so stores stay within the capacity reserved. Only bytes
    // before the stop are counted in the length; `b` is valid UTF-8 and a stop byte is ASCII,
    // so they end on a character boundary.
    unsafe {
        while i + 16 <= b.len() {
            let x = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
            _mm_storeu_si128(dst.add(o) as *mut __m128i, x);
            let (any, quote) = stops::<false>(x);
            if any != 0 {
                let n = any.trailing_zeros();
                out.set_len(o + n as usize);
                return (i + n as usize, quote & (1 << n) != 0);
            }
            i += 16;
            o += 16;
        }
        out.set_len(o);
    }
    let end = skip_plain_bytes::<false>(b, i);
    out.extend_from_slice(&b[i..end]);
    (end, b.get(end) == Some(&b'"'))
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub(super) fn copy_to_stop(b: &[u8], i: usize, out: &mut Vec<u8>) -> (usize, bool) {
    let end = skip_plain_bytes::<false>(b, i);
    out.extend_from_slice(&b[i..end]);
    (end, b.get(end) == Some(&b'"'))
}

/// The index of the first byte at or after `i` that is not JSON whitespace, or `b.len()`.
/// Sixteen bytes per step: pretty-printed documents have runs of indentation, and a document
/// may be padded with whitespace up to the size limit.
// Cold: the call sits inside the scanner's whitespace loop, inlined at every token, and is
// placed out of the way of compact documents, which never take it.
#[cold]
#[inline(never)]
pub(super) fn skip_whitespace(b: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    while i + 16 <= b.len() {
        use std::arch::x86_64::*;
        // SAFETY: the load reads 16 bytes inside `b` (i + 16 <= len); SSE2 is part of x86_64.
        let blank = unsafe {
            let x = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
            let is = |c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
            let ws = _mm_or_si128(
                _mm_or_si128(is(b' '), is(b'\n')),
                _mm_or_si128(is(b'\r'), is(b'\t')),
            );
            _mm_movemask_epi8(ws) as u32
        };
        if blank != 0xFFFF {
            return i + blank.trailing_ones() as usize;
        }
        i += 16;
    }
    while matches!(b.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

/// Where a short number starting at `i` ends, read from one 16-byte block: `(end, point)`,
/// `point` being where its integer part ends (both offsets from `i`), for the forms
/// `-?digits` and `-?digits.digits` that end inside the block and do not start with a `0`
/// followed by a digit. `None` for anything else, an exponent or an error included, which the
/// byte-by-byte reading handles. The block's bit masks give both ends at once: read a byte at
/// a time, each search for the end of a run of digits waited on the load before it.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn short_number(b: &[u8], i: usize) -> Option<(u32, u32)> {
    use std::arch::x86_64::*;
    let block = b.get(i..i + 16)?;
    // SAFETY: the load reads the 16 bytes of `block`; SSE2 is part of x86_64.
    let (digit, dot, exp, first) = unsafe {
        let x = _mm_loadu_si128(block.as_ptr() as *const __m128i);
        let d = _mm_sub_epi8(x, _mm_set1_epi8(b'0' as i8));
        let digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
        let dot = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'.' as i8));
        let exp = _mm_cmpeq_epi8(
            _mm_or_si128(x, _mm_set1_epi8(0x20)),
            _mm_set1_epi8(b'e' as i8),
        );
        (
            _mm_movemask_epi8(digit) as u32,
            _mm_movemask_epi8(dot) as u32,
            _mm_movemask_epi8(exp) as u32,
            block[0],
        )
    };
    let lead = u32::from(first == b'-');
    // A bit per byte that is not a digit, the sign excepted; bits past the block are set.
    let other = !digit & !lead;
    let point = other.trailing_zeros();
    // No digit, or a leading zero followed by a digit (an error, found the slow way).
    if point == lead || (block[lead as usize] == b'0' && point > lead + 1) {
        return None;
    }
    let end = if dot & (1 << point) != 0 {
        let end = (other & !((2 << point) - 1)).trailing_zeros();
        if end == point + 1 {
            return None;
        }
        end
    } else {
        point
    };
    // `end` is 16 when the number may go on past the block.
    if end >= 16 || exp & (1 << end) != 0 {
        return None;
    }
    Some((end, point))
}

/// Where a number of up to 31 bytes starting at `i` ends, read from two 16-byte blocks:
/// `(end, point, mantissa)`, `point` being where its integer part ends and `mantissa` where
/// its exponent starts (`end` without one), all offsets from `i`. For the numbers
/// `short_number` leaves that fit: 16-17-digit times and times with an exponent
/// (1.7000002754130886E9), which a byte at a time cost about 150 and 200 instructions. `None`
/// for anything else, errors included, which the byte-by-byte reading handles.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn long_number(b: &[u8], i: usize) -> Option<(u32, u32, u32)> {
    let window = b.get(i..i + 32)?;
    let [low, high] = [&window[..16], &window[16..]].map(long_number_masks);
    let join = |k: usize| low[k] | high[k] << 16;
    let (digit, dot, exp, sign) = (join(0), join(1), join(2), join(3));
    let lead = u32::from(window[0] == b'-');
    // A bit per byte that is not a digit, the minus sign excepted; bits past 32 are set.
    let other = !digit & !u64::from(lead);
    // The first byte at or after `at` that is not a digit.
    let run_end = |at: u32| (other & (u64::MAX << at)).trailing_zeros();
    let point = run_end(0);
    // No digit, or a leading zero followed by a digit.
    if point == lead || (window[lead as usize] == b'0' && point > lead + 1) {
        return None;
    }
    let mut mantissa = point;
    if dot & (1 << point) != 0 {
        mantissa = run_end(point + 1);
        if mantissa == point + 1 {
            return None;
        }
    }
    let mut end = mantissa;
    if exp & (1 << mantissa) != 0 {
        let at = mantissa + 1 + u32::from(sign & (1 << (mantissa + 1)) != 0);
        end = run_end(at);
        if end == at {
            return None;
        }
    }
    (end < 32).then_some((end, point, mantissa))
}

/// For 16 bytes of a number: a bit per digit, per `.`, per `e` or `E` and per `+` or `-`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn long_number_masks(block: &[u8]) -> [u64; 4] {
    use std::arch::x86_64::*;
    assert!(block.len() >= 16);
    // SAFETY: the load reads 16 bytes of `block`, which has at least 16; SSE2 is part of x86_64.
    unsafe {
        let x = _mm_loadu_si128(block.as_ptr() as *const __m128i);
        let d = _mm_sub_epi8(x, _mm_set1_epi8(b'0' as i8));
        let is = |c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
        let bits = |m| u64::from(_mm_movemask_epi8(m) as u32);
        [
            bits(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d)),
            bits(is(b'.')),
            bits(_mm_or_si128(is(b'e'), is(b'E'))),
            bits(_mm_or_si128(is(b'+'), is(b'-'))),
        ]
    }
}

/// A bit set in each byte of `x` that is not an ASCII digit, and in no byte before the first
/// such: a digit byte is 0x30..=0x39, high nibble 3, and still 3 after adding 6. A carry out
/// of a byte only comes from a non-digit and only reaches later bytes.
#[inline(always)]
fn not_digits(x: u64) -> u64 {
    const NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const THREES: u64 = 0x3030_3030_3030_3030;
    const SIXES: u64 = 0x0606_0606_0606_0606;
    ((x & NIBBLES) ^ THREES) | ((x.wrapping_add(SIXES) & NIBBLES) ^ THREES)
}

/// Whether all eight bytes of `x` are ASCII digits.
#[inline(always)]
pub(super) fn all_digits(x: u64) -> bool {
    not_digits(x) == 0
}

/// The index of the first byte at or after `i` that is not an ASCII digit, or `b.len()`.
#[inline]
pub(super) fn skip_digits(b: &[u8], mut i: usize) -> usize {
    while let Some(eight) = b.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(eight);
        let not_digit = not_digits(u64::from_le_bytes(w));
        if not_digit != 0 {
            return i + (not_digit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while matches!(b.get(i), Some(b'0'..=b'9')) {
        i += 1;
    }
    i
}

/// Bytes in a run of `\\u` escapes that [`skip_u_escapes`] takes at once: eight escapes,
/// three 16-byte blocks.
pub(super) const U_ESCAPE_RUN_BYTES: usize = 48;

/// For each block of a run: a bit per byte that must be a backslash, a `u`, the first hex
/// digit of an escape, and any of the four hex digits. Escapes are six bytes, so the blocks'
/// bit patterns differ.
const fn u_escape_masks(block: usize) -> [u32; 4] {
    let mut m = [0u32; 4];
    let mut k = 0;
    while k < 16 {
        let bit = 1 << k;
        match (block * 16 + k) % 6 {
            0 => m[0] |= bit,
            1 => m[1] |= bit,
            2 => {
                m[2] |= bit;
                m[3] |= bit
            }
            _ => m[3] |= bit,
        }
        k += 1;
    }
    m
}
const U_ESCAPE_MASKS: [[u32; 4]; 3] = [u_escape_masks(0), u_escape_masks(1), u_escape_masks(2)];

/// Skips whole runs of eight `\\u` escapes from `i`, none of them for a code unit from 0xD000
/// (so no surrogate), and returns where the first run that is not one starts. Text sent with
/// every non-ASCII character escaped (Python's `json.dumps` default) is made of such runs: read
/// an escape at a time, each search for the next waited on the last (a 66 KB fixture of them
/// ran at 1.3x serde_json's `Value`).
#[cfg(target_arch = "x86_64")]
#[inline(never)]
pub(super) fn skip_u_escapes(b: &[u8], mut i: usize) -> usize {
    use std::arch::x86_64::*;
    while let Some(run) = b.get(i..i + U_ESCAPE_RUN_BYTES) {
        let mut wrong = 0;
        for (k, [backslash, u, first, hex]) in U_ESCAPE_MASKS.into_iter().enumerate() {
            // SAFETY: the load reads 16 of the 48 bytes of `run`; SSE2 is part of x86_64.
            let [bs, us, ds, digits] = unsafe {
                let x = _mm_loadu_si128(run.as_ptr().add(16 * k) as *const __m128i);
                let is = |v: __m128i, c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
                let within = |v: __m128i, lo: u8, hi: u8| {
                    _mm_and_si128(
                        _mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1)),
                        _mm_cmplt_epi8(v, _mm_set1_epi8(hi as i8 + 1)),
                    )
                };
                let lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
                let digit = _mm_or_si128(within(x, b'0', b'9'), within(lower, b'a', b'f'));
                [is(x, b'\\'), is(x, b'u'), is(lower, b'd'), digit]
                    .map(|v| _mm_movemask_epi8(v) as u32)
            };
            // `lower` maps no byte but `d` and `D` to `d`, and the digit ranges hold no byte
            // from 0x80 (negative as signed bytes).
            wrong |= (bs ^ backslash) | (us ^ u) | (ds & first) | (!digits & hex);
        }
        if wrong != 0 {
            break;
        }
        i += U_ESCAPE_RUN_BYTES;
    }
    i
}

#[cfg(not(target_arch = "x86_64"))]
pub(super) fn skip_u_escapes(_: &[u8], i: usize) -> usize {
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(b: &[u8], mut i: usize, high: bool) -> usize {
        while i < b.len()
            && !(b[i] == b'"' || b[i] == b'\\' || b[i] < 0x20 || (high && b[i] >= 0x80))
        {
            i += 1;
        }
        i
    }

    proptest! {
        #[test]
        fn digit_skipping_agrees_with_the_byte_loop(b in proptest::collection::vec(prop_oneof![
            0x2fu8..0x3b, Just(0xffu8), Just(0xfau8), Just(b'.'), any::<u8>()
        ], 0..40), start in 0usize..40) {
            let start = start.min(b.len());
            let expected = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
            prop_assert_eq!(skip_digits(&b, start), expected);
        }

        #[test]
        fn whitespace_skipping_agrees_with_the_byte_loop(b in proptest::collection::vec(prop_oneof![
            // Mostly whitespace, so that runs span whole 16-byte blocks.
            30 => proptest::sample::select(b" \n\r\t".to_vec()),
            1 => proptest::sample::select(vec![0x0bu8, 0x0c, 0xa0, 0x00]),
            1 => any::<u8>(),
        ], 0..80), start in 0usize..80) {
            let start = start.min(b.len());
            let expected = start + b[start..].iter().take_while(|c| matches!(c, b' ' | b'\n' | b'\r' | b'\t')).count();
            prop_assert_eq!(skip_whitespace(&b, start), expected);
        }

        #[test]
        fn sixteen_byte_scan_agrees_with_the_byte_loop(b in proptest::collection::vec(prop_oneof![
            Just(b'"'), Just(b'\\'), Just(0x1fu8), Just(0x20u8), Just(0x7fu8), Just(0x80u8), Just(0xffu8), any::<u8>(), 0x21u8..0x7e
        ], 0..80), start in 0usize..80) {
            let start = start.min(b.len());
            let expected = naive(&b, start, false);
            prop_assert_eq!(find_stop::<false>(&b, start), (expected, b.get(expected) == Some(&b'"')));
            let expected = naive(&b, start, true);
            prop_assert_eq!(find_stop::<true>(&b, start), (expected, b.get(expected) == Some(&b'"')));
        }
    }
}
