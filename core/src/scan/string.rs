//! Reading strings: finding their end, checking their escapes and, once a string holds a
//! non-ASCII byte, the rest of the document as UTF-8; and decoding them while they are read,
//! for documents that arrive JSON-escaped inside a request body.

use super::decode::decode_short_escapes;
use super::search::{copy_to_stop, find_stop, skip_u_escapes};
use super::unescape::{decode_escape, HEX_DIGIT, SHORT_ESCAPES};
use super::{Scanner, Stop, Str};

/// The escapes of two bytes, backslash included: `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`.
#[inline(always)]
fn is_short_escape(c: u8) -> bool {
    SHORT_ESCAPES[c as usize] != 0
}

/// The value of the four hex digits at `b[at..]`, if they are four hex digits. Text sent with
/// every non-ASCII character escaped (as Python's `json.dumps` does by default) has a `\\u`
/// escape every six bytes, so the digits are looked up together and checked with one test.
#[inline(always)]
fn hex4_at(b: &[u8], at: usize) -> Option<u32> {
    let &[w, x, y, z] = b.get(at..at + 4)? else {
        return None;
    };
    let [w, x, y, z] = [w, x, y, z].map(|c| HEX_DIGIT[c as usize]);
    ((w | x | y | z) < 16)
        .then(|| u32::from(w) << 12 | u32::from(x) << 8 | u32::from(y) << 4 | u32::from(z))
}

impl<'a> Scanner<'a> {
    /// Reads a string; the cursor is on its opening quote.
    #[inline(always)]
    pub fn string(&mut self) -> Result<Str<'a>, Stop> {
        let start = self.i;
        let b = self.b;
        let mut i = start + 1;
        let mut escaped = false;
        loop {
            let quote;
            (i, quote) = find_stop::<true>(b, i);
            if quote {
                return Ok(self.closed(start, i, escaped));
            }
            match b.get(i) {
                Some(0x80..) => {
                    self.i = i;
                    i = self.multibyte()?;
                    // Most often the string's end: no second search from there.
                    if b.get(i) == Some(&b'"') {
                        return Ok(self.closed(start, i, escaped));
                    }
                }
                Some(b'\\') => {
                    escaped = true;
                    // The two-byte escapes are most of them in escaped documents, and a `\\u`
                    // escape outside the surrogates is every character of text escaped to
                    // ASCII: no call for either.
                    match b.get(i + 1) {
                        Some(&c) if is_short_escape(c) => {
                            i += 2;
                            continue;
                        }
                        Some(b'u') => {
                            if let Some(0..0xD800 | 0xE000..) = hex4_at(b, i + 2) {
                                i += 6;
                                if b.get(i) == Some(&b'\\') {
                                    i = skip_u_escapes(b, i);
                                }
                                continue;
                            }
                        }
                        _ => {}
                    }
                    self.i = i;
                    self.escape(start)?;
                    i = self.i;
                }
                Some(_) => {
                    self.i = i;
                    return self.err("control character in a string");
                }
                None => {
                    self.i = i;
                    return self.err("unterminated string");
                }
            }
        }
    }

    /// A string of exactly `len` bytes that `plain` accepts, read without searching for its
    /// end; the cursor is on its opening quote. `None`, the cursor unmoved, for any other.
    /// Ids have a fixed length: with their end known, the next read need not wait for the
    /// search of up to three blocks. `plain` must refuse any byte a string scan stops at.
    #[inline(always)]
    pub fn fixed(&mut self, len: usize, plain: impl Fn(&[u8]) -> bool) -> Option<Str<'a>> {
        let start = self.i;
        let raw = self.b.get(start + 1..start + 1 + len)?;
        if self.b.get(start + 1 + len) != Some(&b'"') || !plain(raw) {
            return None;
        }
        self.i = start + len + 2;
        Some(Str {
            raw,
            escaped: false,
            start,
        })
    }

    /// Reads a string like [`Scanner::string`]; when it holds escapes, also appends its
    /// decoded text to `out`, in the same pass. Documents arrive JSON-escaped inside a request
    /// body, and reading them twice (once to find their end, once to decode them) was a third
    /// of the request's cost. A string without escapes is not copied: its raw text is its text.
    // Not inlined: inside the caller's large body the decoding loop's positions were kept on
    // the stack, and the loop ran slower.
    #[inline(never)]
    pub fn string_decoded(&mut self, out: &mut Vec<u8>) -> Result<Str<'a>, Stop> {
        let start = self.i;
        let b = self.b;
        // The body was checked as UTF-8 as a whole: its multi-byte characters are copied
        // like any other byte.
        let (mut i, quote) = find_stop::<false>(b, start + 1);
        if quote {
            return Ok(self.closed(start, i, false));
        }
        out.extend_from_slice(&b[start + 1..i]);
        loop {
            self.i = i;
            match b.get(i) {
                Some(b'\\') => {
                    let short = b.get(i + 1).map_or(0, |&c| SHORT_ESCAPES[c as usize]);
                    if short != 0 {
                        // Valid as it stands: decode it without the checking call.
                        out.push(short);
                        self.i = i + 2;
                    } else {
                        self.escape(start)?;
                        decode_escape(b, i, out);
                    }
                }
                Some(_) => return self.err("control character in a string"),
                None => return self.err("unterminated string"),
            }
            let quote;
            let plain = decode_short_escapes(b, self.i, out);
            (i, quote) = copy_to_stop(b, plain, out);
            if quote {
                return Ok(self.closed(start, i, true));
            }
        }
    }

    /// The string from the quote at `start` to the closing quote at `end`; the cursor moves
    /// past it.
    #[inline(always)]
    fn closed(&mut self, start: usize, end: usize, escaped: bool) -> Str<'a> {
        debug_assert!(start < end && end < self.b.len());
        self.i = end + 1;
        Str {
            // SAFETY: callers pass the opening quote's index and the closing quote's, which
            // `find_stop` found at or after `start + 1` and inside `b` (a quote it reports is
            // a byte it read). Checking the slice cost two comparisons per string.
            raw: unsafe { self.b.get_unchecked(start + 1..end) },
            escaped,
            start,
        }
    }

    /// Skips text from the cursor, a byte of a multi-byte character, to the next quote,
    /// backslash or control character, and returns where that is.
    ///
    /// Documents are not checked as UTF-8 before they are scanned, so an ASCII document costs
    /// nothing more than finding its strings' ends. The first time a string holds a non-ASCII
    /// byte, the rest of the document is checked in one pass, as the whole of it used to be
    /// (the bytes before are ASCII). Checking each non-ASCII run on its own instead cost a
    /// quarter of the speed on documents full of short non-ASCII strings.
    #[inline(never)]
    fn multibyte(&mut self) -> Result<usize, Stop> {
        if !self.rest_is_utf8 {
            if simdutf8::basic::from_utf8(&self.b[self.i..]).is_err() {
                return self.err("invalid UTF-8");
            }
            self.rest_is_utf8 = true;
        }
        Ok(find_stop::<false>(self.b, self.i).0)
    }

    fn escape(&mut self, string_start: usize) -> Result<(), Stop> {
        self.i += 1;
        match self.b.get(self.i) {
            Some(&c) if is_short_escape(c) => {
                self.i += 1;
                Ok(())
            }
            Some(b'u') => {
                self.i += 1;
                let unit = self.hex4()?;
                if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    let b = self.b;
                    if b.get(self.i) == Some(&b'\\') && b.get(self.i + 1) == Some(&b'u') {
                        let save = self.i;
                        self.i += 2;
                        let low = self.hex4()?;
                        if (0xDC00..0xE000).contains(&low) {
                            return Ok(());
                        }
                        self.i = save;
                    }
                    self.lone(string_start);
                } else if (0xDC00..0xE000).contains(&unit) {
                    self.lone(string_start);
                }
                Ok(())
            }
            None => self.err("unterminated string"),
            _ => self.err("invalid escape in a string"),
        }
    }

    fn lone(&mut self, string_start: usize) {
        if self.lone_surrogates.last() != Some(&string_start) {
            self.lone_surrogates.push(string_start);
        }
    }

    /// The four hex digits of a `\\u` escape; the cursor is on the first.
    fn hex4(&mut self) -> Result<u32, Stop> {
        if let Some(unit) = hex4_at(self.b, self.i) {
            self.i += 4;
            return Ok(unit);
        }
        // The error's offset is the first byte that is not a hex digit.
        while self
            .b
            .get(self.i)
            .is_some_and(|&x| HEX_DIGIT[x as usize] < 16)
        {
            self.i += 1;
        }
        self.err("invalid \\u escape")
    }
}
