//! A diagnostic's message, written piece by piece. Messages were `format_args!`, and on the
//! fixture documents (most with a problem) core::fmt's functions took about 5% of the
//! validator's time (perf); text and integers need none of their machinery.

use std::borrow::Cow;
use std::fmt::{self, Write};

/// One piece of a message.
pub(crate) trait Part {
    fn put(&self, out: &mut String);
}

impl Part for &str {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Part for Cow<'_, str> {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Part for usize {
    fn put(&self, out: &mut String) {
        out.push_str(itoa::Buffer::new().format(*self));
    }
}

/// As `{}` writes it: shortest round trip.
impl Part for f64 {
    fn put(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

/// For what needs a format: a character's escape, a list.
impl Part for fmt::Arguments<'_> {
    fn put(&self, out: &mut String) {
        // Writing to a String cannot fail.
        let _ = out.write_fmt(*self);
    }
}

/// A string in double quotes, escaped exactly as `{:?}` escapes it.
pub(crate) struct Quoted<'a>(pub &'a str);

impl Part for Quoted<'_> {
    fn put(&self, out: &mut String) {
        // Printable ASCII other than `"` and `\` is the only text `{:?}` leaves as it is.
        if self
            .0
            .bytes()
            .all(|b| matches!(b, b' '..=b'~') && b != b'"' && b != b'\\')
        {
            out.reserve(self.0.len() + 2);
            out.push('"');
            out.push_str(self.0);
            out.push('"');
        } else {
            let _ = write!(out, "{:?}", self.0);
        }
    }
}

/// A character as `{c:?} (U+{:04X})` writes it: `'?' (U+003F)`.
pub(crate) struct CodePoint(pub char);

impl Part for CodePoint {
    fn put(&self, out: &mut String) {
        let c = self.0;
        // Printable ASCII other than `'` and `\` is the only text `{:?}` leaves as it is.
        if matches!(c, ' '..='~') && c != '\'' && c != '\\' {
            out.push('\'');
            out.push(c);
            out.push('\'');
        } else {
            let _ = write!(out, "{c:?}");
        }
        out.push_str(" (U+");
        let n = u32::from(c);
        let digits = (32 - n.leading_zeros()).div_ceil(4).max(4);
        for shift in (0..digits).rev() {
            out.push(char::from(
                b"0123456789ABCDEF"[(n >> (4 * shift) & 0xF) as usize],
            ));
        }
        out.push(')');
    }
}

/// What writes a message: `message!("text ", part, ...)`. One closure per message: a slice
/// of `&dyn Part`, a call per part, took more instructions on the fixtures (callgrind,
/// 74.56M against 74.25M).
macro_rules! message {
    ($($part:expr),+ $(,)?) => {
        &|out: &mut String| { $( $crate::message::Part::put(&$part, out); )+ }
    };
}
pub(crate) use message;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(write: &dyn Fn(&mut String)) -> String {
        let mut out = String::new();
        write(&mut out);
        out
    }

    proptest! {
        #[test]
        fn quoted_text_is_what_debug_writes(s in any::<String>(), ascii in "[ -~]{0,40}") {
            prop_assert_eq!(text(message!(Quoted(&s))), format!("{s:?}"));
            prop_assert_eq!(text(message!(Quoted(&ascii))), format!("{ascii:?}"));
        }

        #[test]
        fn code_points_are_what_the_format_writes(c in any::<char>()) {
            let expected = format!("{c:?} (U+{:04X})", c as u32);
            prop_assert_eq!(text(message!(CodePoint(c))), expected);
        }

        #[test]
        fn numbers_are_what_display_writes(n in any::<usize>(), x in any::<f64>()) {
            prop_assert_eq!(text(message!(n, " and ", x)), format!("{n} and {x}"));
        }
    }

    #[test]
    fn code_points_of_every_width_are_written_as_the_format_writes() {
        for c in [
            'a',
            '\'',
            '\\',
            '"',
            '\u{7f}',
            '\0',
            '\u{301}',
            '\u{fff}',
            '\u{1F600}',
            '\u{10FFFF}',
        ] {
            assert_eq!(
                text(message!(CodePoint(c))),
                format!("{c:?} (U+{:04X})", c as u32)
            );
        }
    }

    #[test]
    fn pieces_follow_each_other() {
        let raw = String::from_utf8_lossy(b"1e999");
        let (q, c) = ("q\"\\\u{301}", '\u{7f}');
        assert_eq!(
            text(message!("a ", Quoted(q), raw, format_args!(" {c:?}"))),
            format!("a {q:?}1e999 {c:?}")
        );
    }
}
