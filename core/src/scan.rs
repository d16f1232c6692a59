//! A zero-allocation JSON cursor over borrowed bytes. The validator drives it directly, so the
//! document is checked in one pass without building a tree. UTF-8 is checked as strings are
//! read (from the first non-ASCII byte in a string, the rest of the document at once), so
//! every string returned is valid UTF-8; a scan that ends without error has read a document
//! that is valid UTF-8 throughout.

use crate::limits::MAX_DEPTH;

mod decode;
mod guess;
mod number;
mod search;
mod unescape;

use decode::decode_short_escapes;
pub(crate) use guess::{KeyGuess, NO_SUCCESSOR};
pub(crate) use number::Num;
#[cfg(target_arch = "x86_64")]
use search::short_number;
use search::{copy_to_stop, find_stop, skip_digits, skip_whitespace};
pub(crate) use unescape::unescape_into;
use unescape::{decode_escape, HEX_DIGIT, SHORT_ESCAPES};

/// Whitespace bytes skipped one at a time before a run is skipped sixteen at a time.
const SHORT_WHITESPACE: usize = 16;

/// Why scanning stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    Syntax {
        offset: usize,
        message: &'static str,
    },
    Depth {
        offset: usize,
    },
}

/// A string as it stands in the document, without its quotes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Str<'a> {
    pub raw: &'a [u8],
    /// The string holds at least one backslash escape.
    pub escaped: bool,
    /// Offset of the opening quote.
    pub start: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
        }
    }
}

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

pub(crate) struct Scanner<'a> {
    pub b: &'a [u8],
    pub i: usize,
    pub depth: usize,
    /// Offsets of strings holding a `\u` escape of an unpaired surrogate.
    pub lone_surrogates: Vec<usize>,
    /// Everything from the first non-ASCII byte met in a string to the end of the document
    /// was checked as UTF-8.
    rest_is_utf8: bool,
}

impl<'a> Scanner<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Scanner {
            b,
            i: 0,
            depth: 0,
            lone_surrogates: Vec::new(),
            rest_is_utf8: false,
        }
    }

    fn err<T>(&self, message: &'static str) -> Result<T, Stop> {
        Err(Stop::Syntax {
            offset: self.i.min(self.b.len()),
            message,
        })
    }

    #[inline(always)]
    pub fn ws(&mut self) {
        self.peek();
    }

    /// The byte at the cursor once whitespace is skipped, or `None` at the end. Compact JSON
    /// has no whitespace, and every whitespace byte is at most b' ': one load and one
    /// comparison settle the common case, and the caller matches on the byte returned rather
    /// than loading it again (which cost a second bounds check and load at every token).
    #[inline(always)]
    pub fn peek(&mut self) -> Option<u8> {
        match self.b.get(self.i) {
            Some(&c) if c > b' ' => Some(c),
            _ => self.peek_after_ws(),
        }
    }

    fn peek_after_ws(&mut self) -> Option<u8> {
        // Most runs are short (a space after a colon, a newline and indentation): a byte at a
        // time, then sixteen at a time once a run is long.
        let start = self.i;
        while let Some(&c) = self.b.get(self.i) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.i += 1;
                if self.i - start == SHORT_WHITESPACE {
                    self.i = skip_whitespace(self.b, self.i);
                }
            } else {
                return Some(c);
            }
        }
        None
    }

    /// Whether the next value, after whitespace, is a string.
    #[inline(always)]
    pub fn at_quote(&mut self) -> bool {
        self.peek() == Some(b'"')
    }

    /// The kind of the next value, after skipping whitespace.
    #[inline(always)]
    pub fn kind(&mut self) -> Result<Kind, Stop> {
        match self.peek() {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'n') => Ok(Kind::Null),
            None => self.err("unexpected end of input, expected a value"),
            _ => self.err("expected a value"),
        }
    }

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

    /// Reads a number; the cursor is on its first byte. `plain` is left false: see
    /// [`Scanner::decimal`].
    pub fn number(&mut self) -> Result<Num<'a>, Stop> {
        self.number_with::<false>()
    }

    /// Reads a number like [`Scanner::number`], also finding whether it is plain and where
    /// its integer part ends, for a value that will be compared or converted. Kept apart:
    /// most numbers are only checked, and the extra work slowed every one of them.
    pub fn decimal(&mut self) -> Result<Num<'a>, Stop> {
        self.number_with::<true>()
    }

    #[inline(always)]
    fn number_with<const DETAIL: bool>(&mut self) -> Result<Num<'a>, Stop> {
        #[cfg(target_arch = "x86_64")]
        if let Some((end, point)) = short_number(self.b, self.i) {
            let start = self.i;
            self.i = start + end as usize;
            let integer = point == end;
            let negative = self.b[start] == b'-';
            let digits = end as usize - usize::from(negative) - usize::from(!integer);
            return Ok(Num {
                raw: &self.b[start..self.i],
                integer,
                plain: DETAIL && digits <= 15,
                point: if DETAIL { point } else { 0 },
                start,
            });
        }
        self.number_bytewise::<DETAIL>()
    }

    /// The number at the cursor read a byte at a time: near the end of the input, past 16
    /// bytes, with an exponent, and every invalid one.
    fn number_bytewise<const DETAIL: bool>(&mut self) -> Result<Num<'a>, Stop> {
        let start = self.i;
        let b = self.b;
        let mut integer = true;
        let negative = b.get(self.i) == Some(&b'-');
        self.i += usize::from(negative);
        match b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return self.err("invalid number"),
        }
        let point = if DETAIL {
            u32::try_from(self.i - start).unwrap_or(u32::MAX)
        } else {
            0
        };
        if b.get(self.i) == Some(&b'.') {
            integer = false;
            self.i += 1;
            if !matches!(b.get(self.i), Some(b'0'..=b'9')) {
                return self.err("invalid number: expected a digit after '.'");
            }
            self.digits();
        }
        // Digits, without the sign and the point.
        let digits = self.i - start - usize::from(negative) - usize::from(!integer);
        let mut plain = DETAIL && digits <= 15;
        if matches!(b.get(self.i), Some(b'e' | b'E')) {
            integer = false;
            plain = false;
            self.i += 1;
            if matches!(b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !matches!(b.get(self.i), Some(b'0'..=b'9')) {
                return self.err("invalid number: expected a digit in the exponent");
            }
            self.digits();
        }
        Ok(Num {
            raw: &b[start..self.i],
            integer,
            plain,
            point,
            start,
        })
    }

    /// Skips ASCII digits, eight at a time: epoch times have ten before the point.
    #[inline]
    fn digits(&mut self) {
        self.i = skip_digits(self.b, self.i);
    }

    /// Reads `true` or `false`; the cursor is on its first byte.
    pub fn boolean(&mut self) -> Result<bool, Stop> {
        if self.b[self.i..].starts_with(b"true") {
            self.i += 4;
            Ok(true)
        } else if self.b[self.i..].starts_with(b"false") {
            self.i += 5;
            Ok(false)
        } else {
            self.err("invalid literal")
        }
    }

    pub fn null(&mut self) -> Result<(), Stop> {
        if self.b[self.i..].starts_with(b"null") {
            self.i += 4;
            Ok(())
        } else {
            self.err("invalid literal")
        }
    }

    /// Enters an object or array; the cursor is on `{` or `[`.
    pub fn enter(&mut self) -> Result<(), Stop> {
        if self.depth >= MAX_DEPTH {
            return Err(Stop::Depth { offset: self.i });
        }
        self.depth += 1;
        self.i += 1;
        Ok(())
    }

    /// The next key of an object entered with `enter`, with the `:` after it consumed; `None`
    /// once the closing `}` is consumed. `first` starts true for each object.
    #[inline(always)]
    pub fn next_key(&mut self, first: &mut bool) -> Result<Option<Str<'a>>, Stop> {
        Ok(self.next_key_guess(first, None)?.map(|(key, _)| key))
    }

    /// [`Scanner::next_key`], trying `guess` first; also says whether the guess was right.
    /// The search for a string's end is the link that each read waits on in turn, and a
    /// guessed key skips it: the cursor moves by the guess's length, which does not wait on
    /// the document's bytes, while the comparison that confirms it runs beside the next reads.
    #[inline(always)]
    pub fn next_key_guess(
        &mut self,
        first: &mut bool,
        guess: Option<&KeyGuess>,
    ) -> Result<Option<(Str<'a>, bool)>, Stop> {
        let c = self.peek();
        let c = match c {
            Some(b'}') => {
                self.i += 1;
                self.depth -= 1;
                return Ok(None);
            }
            Some(b',') if !*first => {
                self.i += 1;
                self.peek()
            }
            None => return self.err("unexpected end of input inside an object"),
            _ if !*first => return self.err("expected ',' or '}' in an object"),
            _ => c,
        };
        *first = false;
        if c != Some(b'"') {
            return self.err("expected a string key in an object");
        }
        if let Some(g) = guess {
            let start = self.i;
            if g.is_at(self.b, start + 1) {
                self.i = start + g.len() + 3;
                return Ok(Some((
                    Str {
                        raw: &self.b[start + 1..start + 1 + g.len()],
                        escaped: false,
                        start,
                    },
                    true,
                )));
            }
        }
        let key = self.string()?;
        if self.peek() != Some(b':') {
            return self.err("expected ':' after an object key");
        }
        self.i += 1;
        Ok(Some((key, false)))
    }

    /// Whether an array entered with `enter` has another item; consumes `,` or the closing `]`.
    #[inline(always)]
    pub fn next_item(&mut self, first: &mut bool) -> Result<bool, Stop> {
        match self.peek() {
            Some(b']') => {
                self.i += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !*first => {
                self.i += 1;
                Ok(true)
            }
            None => self.err("unexpected end of input inside an array"),
            _ if !*first => self.err("expected ',' or ']' in an array"),
            _ => {
                *first = false;
                Ok(true)
            }
        }
    }

    /// Skips one value of any kind, checking its syntax.
    pub fn skip(&mut self) -> Result<(), Stop> {
        match self.kind()? {
            Kind::Object => {
                self.enter()?;
                let mut first = true;
                while self.next_key(&mut first)?.is_some() {
                    self.skip()?;
                }
            }
            Kind::Array => {
                self.enter()?;
                let mut first = true;
                while self.next_item(&mut first)? {
                    self.skip()?;
                }
            }
            Kind::String => {
                self.string()?;
            }
            Kind::Number => {
                self.number()?;
            }
            Kind::Bool => {
                self.boolean()?;
            }
            Kind::Null => self.null()?,
        }
        Ok(())
    }

    /// After the top-level value: only whitespace may follow.
    pub fn end(&mut self) -> Result<(), Stop> {
        self.ws();
        if self.i < self.b.len() {
            return self.err("unexpected data after the JSON value");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
