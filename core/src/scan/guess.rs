//! Keys guessed before they are read. Producers write an object's keys in the same order
//! every time (each SDK serializes its own structures), so the key that followed one last
//! time is a good guess for the next.

/// In an order table (the key that followed each key last): no key has followed this one yet.
pub(crate) const NO_SUCCESSOR: u8 = u8::MAX;

/// The longest key a guess can hold: with its closing quote and the colon, one 16-byte block.
pub(crate) const MAX_GUESSED_KEY_BYTES: usize = 14;

/// A key expected next, as it stands in the document when it holds no escape and no
/// whitespace comes before the colon: its bytes, its closing quote and the colon.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyGuess {
    pattern: [u8; 16],
    /// A bit per byte of `pattern` that counts.
    mask: u32,
    len: u8,
}

impl KeyGuess {
    /// A guess for `key`; `None` when it is longer than [`MAX_GUESSED_KEY_BYTES`] or holds a
    /// byte that is not plain ASCII text (a quote, a backslash, a control character, a byte of
    /// a multi-byte character), which the document may not hold as it stands or which the
    /// scan must look at.
    pub const fn new(key: &[u8]) -> Option<KeyGuess> {
        if key.len() > MAX_GUESSED_KEY_BYTES {
            return None;
        }
        let mut pattern = [0u8; 16];
        let mut i = 0;
        while i < key.len() {
            if key[i] == b'"' || key[i] == b'\\' || key[i] < 0x20 || key[i] >= 0x80 {
                return None;
            }
            pattern[i] = key[i];
            i += 1;
        }
        pattern[i] = b'"';
        pattern[i + 1] = b':';
        Some(KeyGuess {
            pattern,
            mask: (1 << (key.len() + 2)) - 1,
            len: key.len() as u8,
        })
    }

    /// The first four bytes the guess expects (with the closing quote and the colon when the
    /// key is shorter), as a little-endian word: equal to the document's
    /// ([`Scanner::key_prefix`](super::Scanner::key_prefix)) for the guess's key and for keys
    /// that start like it.
    pub const fn prefix(&self) -> u32 {
        let p = &self.pattern;
        u32::from_le_bytes([p[0], p[1], p[2], p[3]])
    }

    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether `b` holds the key, its closing quote and a colon from `at` on. The quote
    /// after the key closes the string: no byte of the key is a backslash.
    #[inline(always)]
    pub fn is_at(&self, b: &[u8], at: usize) -> bool {
        let Some(block) = b.get(at..at + 16) else {
            // Near the end of the input: the ordinary read.
            return false;
        };
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::*;
            // SAFETY: both loads read the 16 bytes of a 16-byte slice or array; SSE2 is part
            // of x86_64.
            let same = unsafe {
                let x = _mm_loadu_si128(block.as_ptr() as *const __m128i);
                let y = _mm_loadu_si128(self.pattern.as_ptr() as *const __m128i);
                _mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) as u32
            };
            same & self.mask == self.mask
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let n = self.len() + 2;
            block[..n] == self.pattern[..n]
        }
    }
}
