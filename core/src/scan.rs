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
mod string;
mod unescape;

pub(crate) use guess::{KeyGuess, NO_SUCCESSOR};
pub(crate) use number::{parsed, Decimal, Num};
#[cfg(target_arch = "x86_64")]
use search::short_number;
use search::{skip_digits, skip_whitespace};
pub(crate) use unescape::unescape_into;

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

    /// Whether the next value is a number, after skipping whitespace.
    #[inline(always)]
    pub fn at_number(&mut self) -> bool {
        matches!(self.peek(), Some(b'-' | b'0'..=b'9'))
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

    /// Reads a number; the cursor is on its first byte. `plain` is left false: see
    /// [`Scanner::decimal`].
    pub fn number(&mut self) -> Result<Num<'a>, Stop> {
        self.number_with::<false>()
    }

    /// Reads a number like [`Scanner::number`], also finding whether it is plain and where
    /// its integer part ends, for a value that will be compared or converted. Kept apart:
    /// most numbers are only checked, and the extra work slowed every one of them.
    // Inlined: returned through memory, the number's two flags were stored a byte each and
    // read back by the caller as one word, a store-forwarding stall per time (perf annotate,
    // over half of `time`'s samples on the fixture documents).
    #[inline(always)]
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

    /// The number at the cursor when `short_number` leaves it: near the end of the input, past
    /// 16 bytes, with an exponent, and every invalid one. Times among them (`decimal`) are
    /// first tried in a window of 32 bytes.
    fn number_bytewise<const DETAIL: bool>(&mut self) -> Result<Num<'a>, Stop> {
        #[cfg(target_arch = "x86_64")]
        if DETAIL {
            if let Some((end, point, mantissa)) = search::long_number(self.b, self.i) {
                let start = self.i;
                self.i = start + end as usize;
                let negative = self.b[start] == b'-';
                let fraction = mantissa != point;
                let exponent = end != mantissa;
                let digits = mantissa as usize - usize::from(negative) - usize::from(fraction);
                return Ok(Num {
                    raw: &self.b[start..self.i],
                    integer: !fraction && !exponent,
                    plain: !exponent && digits <= 15,
                    point,
                    start,
                });
            }
        }
        self.number_bytes::<DETAIL>()
    }

    /// The number at the cursor read a byte at a time.
    fn number_bytes<const DETAIL: bool>(&mut self) -> Result<Num<'a>, Stop> {
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
    #[inline(always)]
    pub fn next_key_guess(
        &mut self,
        first: &mut bool,
        guess: Option<&KeyGuess>,
    ) -> Result<Option<(Str<'a>, bool)>, Stop> {
        if !self.at_key(first)? {
            return Ok(None);
        }
        if let Some(key) = guess.and_then(|g| self.guessed_key(g)) {
            return Ok(Some((key, true)));
        }
        Ok(Some((self.key()?, false)))
    }

    /// Moves to the next key of an object entered with `enter`, past a `,`: the cursor ends
    /// on the key's opening quote. `false` once the closing `}` is consumed. `first` starts
    /// true for each object.
    #[inline(always)]
    pub fn at_key(&mut self, first: &mut bool) -> Result<bool, Stop> {
        let c = self.peek();
        let c = match c {
            Some(b'}') => {
                self.i += 1;
                self.depth -= 1;
                return Ok(false);
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
        Ok(true)
    }

    /// The key at the cursor (on its opening quote) and the colon after it, when that key is
    /// `g`'s; `None`, the cursor unmoved, otherwise. The search for a string's end is the
    /// link that each read waits on in turn, and a guessed key skips it: the cursor moves by
    /// the guess's length, which does not wait on the document's bytes, while the comparison
    /// that confirms it runs beside the next reads.
    #[inline(always)]
    pub fn guessed_key(&mut self, g: &KeyGuess) -> Option<Str<'a>> {
        let start = self.i;
        if !g.is_at(self.b, start + 1) {
            return None;
        }
        self.i = start + g.len() + 3;
        Some(Str {
            raw: &self.b[start + 1..start + 1 + g.len()],
            escaped: false,
            start,
        })
    }

    /// The first four bytes after the cursor's quote, as a little-endian word: what
    /// [`KeyGuess::prefix`] is compared with, to choose a guess for a key not yet read.
    #[inline(always)]
    pub fn key_prefix(&self) -> Option<u32> {
        let four = self.b.get(self.i + 1..self.i + 5)?;
        Some(u32::from_le_bytes([four[0], four[1], four[2], four[3]]))
    }

    /// The key at the cursor, read whole, and the colon after it.
    #[inline(always)]
    pub fn key(&mut self) -> Result<Str<'a>, Stop> {
        let key = self.string()?;
        if self.peek() != Some(b':') {
            return self.err("expected ':' after an object key");
        }
        self.i += 1;
        Ok(key)
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

    /// Skips one value of any kind, checking its syntax. A loop, not a recursion: arbitrary
    /// JSON (`metadata`, fields the rules do not know) is most of some documents. On the
    /// fixtures' array of 550 objects the recursive walk took 135 instructions a value and
    /// the loop takes 114 (callgrind), and the document's time fell by a fifth. The open
    /// containers are a stack of bits, which the depth limit keeps within 128.
    pub fn skip(&mut self) -> Result<(), Stop> {
        const { assert!(MAX_DEPTH <= 128, "the open containers must fit in a u128") };
        let base = self.depth;
        // One bit per container open below the value, the innermost lowest: 1 for an object.
        let mut objects: u128 = 0;
        loop {
            // A value is due.
            match self.kind()? {
                Kind::Object => {
                    self.enter()?;
                    let mut first = true;
                    if self.at_key(&mut first)? {
                        objects = objects << 1 | 1;
                        self.key()?;
                        continue;
                    }
                }
                Kind::Array => {
                    self.enter()?;
                    let mut first = true;
                    if self.next_item(&mut first)? {
                        objects <<= 1;
                        continue;
                    }
                }
                Kind::String => {
                    self.string()?;
                }
                Kind::Number => {
                    self.number_with::<false>()?;
                }
                Kind::Bool => {
                    self.boolean()?;
                }
                Kind::Null => self.null()?,
            }
            // A value ended: close containers until one has another member.
            loop {
                if self.depth == base {
                    return Ok(());
                }
                let mut first = false;
                if objects & 1 == 1 {
                    if self.at_key(&mut first)? {
                        self.key()?;
                        break;
                    }
                } else if self.next_item(&mut first)? {
                    break;
                }
                objects >>= 1;
            }
        }
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
