//! Decoding the documents of a request body while they are scanned. They arrive JSON-escaped,
//! with an escape every few bytes (each quote of a document is one), so escapes are decoded
//! 16 bytes at a time rather than one by one.

/// Appends `b[i..]` to `out` with its two-byte escapes decoded, up to the first byte that
/// needs a closer look (a quote, a `\\u` or invalid escape, a control character) or to the
/// last 32 bytes; returns that byte's index.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn decode_short_escapes(b: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
    if std::arch::is_x86_feature_detected!("ssse3") && std::arch::is_x86_feature_detected!("popcnt")
    {
        // SAFETY: the processor has both features.
        unsafe { decode_blocks(b, i, out) }
    } else {
        // Older processors (some Atoms of the early 2010s lack POPCNT): every escape goes
        // through the caller's loop.
        i
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub(super) fn decode_short_escapes(_b: &[u8], i: usize, _out: &mut Vec<u8>) -> usize {
    i
}

/// A block whose escapes are all of a quote, a backslash or a slash (the escapes of a body's
/// documents but for their newlines) loses its escaping backslashes in one shuffle. Other
/// blocks are decoded an escape at a time from their bit masks, so no load waits on where
/// the previous escape ended.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3,popcnt")]
unsafe fn decode_blocks(b: &[u8], mut i: usize, out: &mut Vec<u8>) -> usize {
    use super::search::stops;
    use super::unescape::SHORT_ESCAPES;
    use std::arch::x86_64::*;
    // Room for the rest of `b` plus one 16-byte store past it.
    out.reserve(b.len() - i + 16);
    let base = out.len();
    let dst = out.as_mut_ptr();
    // `s` is where the current run of plain bytes starts in `b`, `o` where it goes in `out`.
    let mut s = i;
    let mut o = base;
    let is = |x: __m128i, c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
    // SAFETY: while i + 33 <= len, every load (16 bytes at `i`, or at a run start
    // s <= i + 17) and every escape's second byte (at most i + 16) is inside `b`. `o - base`
    // never exceeds the bytes consumed, `s` minus the `i` passed in (an escape writes one
    // byte for two), so each store at `o` (16 bytes, or 8 at `o` and 8 at most 8 further)
    // ends within the capacity reserved. Only bytes before `s` are counted in the length:
    // plain bytes copied from valid UTF-8 up to an ASCII stop byte, and decoded escapes
    // (ASCII), so `out` stays valid UTF-8.
    unsafe {
        while i + 33 <= b.len() {
            let x = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
            let (any, _) = stops::<false>(x);
            if any == 0 && s == i {
                // Plain text (a long string value in the document): copied as it stands.
                _mm_storeu_si128(dst.add(o) as *mut __m128i, x);
                o += 16;
                i += 16;
                s = i;
                continue;
            }
            let backslash = _mm_movemask_epi8(is(x, b'\\')) as u32;
            // 1 when the block's first byte is the second of an escape decoded already.
            let carried = s - i;
            if carried <= 1 && any != 0 {
                let c = carried as u32;
                let starts = escape_starts(backslash & !c);
                let escaped = (starts << 1) & 0xFFFF;
                // An escape that starts on the block's last byte ends on the next block's
                // first, which it decodes here, as the byte loop below does.
                let last = starts >> 15;
                let tail = if last != 0 {
                    SHORT_ESCAPES[*b.get_unchecked(i + 16) as usize]
                } else {
                    0
                };
                let as_is = _mm_movemask_epi8(_mm_or_si128(
                    _mm_or_si128(is(x, b'"'), is(x, b'\\')),
                    is(x, b'/'),
                )) as u32;
                if any & !(starts | escaped | c) == 0
                    && escaped & !as_is == 0
                    && (last == 0 || tail != 0)
                {
                    o += compact(x, !(starts | c) & 0xFFFF, dst.add(o));
                    if last != 0 {
                        *dst.add(o) = tail;
                        o += 1;
                    }
                    i += 16;
                    s = i + last as usize;
                    continue;
                }
            }
            let run = if s == i {
                x
            } else {
                _mm_loadu_si128(b.as_ptr().add(s) as *const __m128i)
            };
            _mm_storeu_si128(dst.add(o) as *mut __m128i, run);
            // A byte before `s` was the second byte of an escape that ended the last block.
            let mut m = any & (u32::MAX << (s - i));
            while m != 0 {
                let p = m.trailing_zeros() as usize;
                let at = i + p;
                let short = if backslash & (1 << p) != 0 {
                    SHORT_ESCAPES[*b.get_unchecked(at + 1) as usize]
                } else {
                    0
                };
                if short == 0 {
                    out.set_len(o + (at - s));
                    return at;
                }
                o += at - s;
                *dst.add(o) = short;
                o += 1;
                s = at + 2;
                _mm_storeu_si128(
                    dst.add(o) as *mut __m128i,
                    _mm_loadu_si128(b.as_ptr().add(s) as *const __m128i),
                );
                // The escape's second byte is never a stop of its own.
                m &= !(3 << p);
            }
            if s < i + 16 {
                o += i + 16 - s;
                s = i + 16;
            }
            i += 16;
        }
        out.set_len(o);
    }
    s
}

/// Of a block's backslashes (a bit each), those that start an escape, given that the block's
/// first byte is not the second byte of one: in each run of backslashes the first, the third
/// and so on.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn escape_starts(backslash: u32) -> u32 {
    const EVEN: u32 = 0x5555_5555;
    let run_starts = backslash & !(backslash << 1);
    // Adding a run's first bit carries through the run: the runs that start on an even bit.
    let even_runs = (backslash.wrapping_add(run_starts & EVEN) ^ backslash) & backslash;
    (even_runs & EVEN) | (backslash & !even_runs & !EVEN)
}

/// Stores the bytes of `x` whose bit is set in `keep` (16 bits) together at `dst`; returns
/// how many. Each half is shuffled by a table of the 256 ways to keep bytes of eight.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3,popcnt")]
#[inline]
unsafe fn compact(x: std::arch::x86_64::__m128i, keep: u32, dst: *mut u8) -> usize {
    use std::arch::x86_64::*;
    let (lo, hi) = ((keep & 0xFF) as usize, ((keep >> 8) & 0xFF) as usize);
    // SAFETY: the loads read 8 bytes of a table entry; the caller gives room for 16 bytes at
    // `dst`, and the second store starts at most 8 bytes in.
    unsafe {
        let shuffle = _mm_add_epi8(
            _mm_unpacklo_epi64(
                _mm_loadl_epi64(KEPT[lo].as_ptr() as *const __m128i),
                _mm_loadl_epi64(KEPT[hi].as_ptr() as *const __m128i),
            ),
            // The high half's indices count from its own first byte.
            _mm_set_epi64x(0x0808_0808_0808_0808, 0),
        );
        let y = _mm_shuffle_epi8(x, shuffle);
        _mm_storel_epi64(dst as *mut __m128i, y);
        let n = lo.count_ones() as usize;
        _mm_storel_epi64(dst.add(n) as *mut __m128i, _mm_unpackhi_epi64(y, y));
        n + hi.count_ones() as usize
    }
}

/// For each set of bits of a byte, the positions of its set bits in order; the rest of the
/// entry is 0x80, which a shuffle turns into a zero byte (written, not counted).
#[cfg(target_arch = "x86_64")]
static KEPT: [[u8; 8]; 256] = {
    let mut t = [[0x80u8; 8]; 256];
    let mut m = 0;
    while m < 256 {
        let (mut bit, mut n) = (0, 0);
        while bit < 8 {
            if m & (1 << bit) != 0 {
                t[m][n] = bit as u8;
                n += 1;
            }
            bit += 1;
        }
        m += 1;
    }
    t
};

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    #[test]
    fn escape_starts_agree_with_reading_a_byte_at_a_time() {
        for backslash in 0u32..1 << 16 {
            let mut expected = 0;
            let mut p = 0;
            while p < 16 {
                if backslash & (1 << p) != 0 {
                    expected |= 1 << p;
                    p += 2;
                } else {
                    p += 1;
                }
            }
            assert_eq!(escape_starts(backslash), expected, "{backslash:016b}");
        }
    }
}
