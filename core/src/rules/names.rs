//! `name` (spec 1.2, 3.3): at most 200 characters of Unicode letters, numbers, separators and
//! `_ . : / % & # = + \ - @`. Length counts code points (the unit is open question Q1).

use unicode_general_category::{get_general_category, GeneralCategory as G};

pub(crate) struct NameCheck {
    pub chars: usize,
    /// The first character that is not allowed.
    pub bad: Option<char>,
    pub backslash: bool,
}

// A class per ASCII byte, as bits: nothing for an allowed character, `BACKSLASH` (allowed by
// the guide, not by the schema) or `NOT_ALLOWED`. An ASCII name's classes are OR-ed in one
// pass, a lookup and an OR per byte, where matching each byte's class cost about six
// instructions per byte. 256 entries, so a byte indexes it without a bounds check.
const BACKSLASH: u8 = 1;
const NOT_ALLOWED: u8 = 2;
static CLASS: [u8; 256] = {
    let mut t = [NOT_ALLOWED; 256];
    let mut c = b'0' as usize;
    while c <= b'9' as usize {
        t[c] = 0;
        c += 1;
    }
    c = b'a' as usize;
    while c <= b'z' as usize {
        t[c] = 0;
        t[c - 32] = 0;
        c += 1;
    }
    let symbols = b" _.:/%&#=+-@";
    let mut i = 0;
    while i < symbols.len() {
        t[symbols[i] as usize] = 0;
        i += 1;
    }
    t[b'\\' as usize] = BACKSLASH;
    t
};

pub(crate) fn check(name: &str) -> NameCheck {
    // Checked first, a word at a time: a name with a multi-byte character is read by
    // character, and the class pass over it would be wasted.
    if name.is_ascii() {
        let class = name.bytes().fold(0, |acc, b| acc | CLASS[b as usize]);
        return NameCheck {
            chars: name.len(),
            bad: (class & NOT_ALLOWED != 0)
                .then(|| name.chars().find(|&c| CLASS[c as usize] == NOT_ALLOWED))
                .flatten(),
            backslash: class & BACKSLASH != 0,
        };
    }
    let mut out = NameCheck {
        chars: 0,
        bad: None,
        backslash: false,
    };
    for c in name.chars() {
        out.chars += 1;
        let ok = if c.is_ascii() {
            match CLASS[c as usize] {
                BACKSLASH => {
                    out.backslash = true;
                    true
                }
                class => class == 0,
            }
        } else {
            allowed_unicode(c)
        };
        if !ok && out.bad.is_none() {
            out.bad = Some(c);
        }
    }
    out
}

fn allowed_unicode(c: char) -> bool {
    matches!(
        get_general_category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
            | G::DecimalNumber
            | G::LetterNumber
            | G::OtherNumber
            | G::SpaceSeparator
            | G::LineSeparator
            | G::ParagraphSeparator
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_numbers_separators_and_symbols() {
        for ok in [
            "svc",
            "a b",
            "x_.:/%&#=+-@",
            "é中Ωмир",
            "a\u{00A0}b\u{3000}c\u{2028}",
            "\u{10400}",
            "٣",
        ] {
            assert!(check(ok).bad.is_none(), "{ok}");
        }
        for (bad, c) in [
            ("a?b", '?'),
            ("t\tab", '\t'),
            ("e\u{301}", '\u{301}'),
            ("smile\u{1F600}", '\u{1F600}'),
        ] {
            assert_eq!(check(bad).bad, Some(c), "{bad}");
        }
        assert!(check("a\\b").backslash);
        assert_eq!(check("\u{10400}\u{10400}").chars, 2);
    }

    proptest::proptest! {
        /// The one-pass class check answers as reading each character on its own does.
        #[test]
        fn classes_agree_with_each_character(name in "[a-zA-Z0-9 _.:/%&#=+@\\\\\t?!~é中\u{1F600}\u{301}-]{0,24}") {
            let allowed = |c: char| {
                c.is_ascii_alphanumeric()
                    || " _.:/%&#=+-@\\".contains(c)
                    || (!c.is_ascii() && allowed_unicode(c))
            };
            let got = check(&name);
            proptest::prop_assert_eq!(got.chars, name.chars().count());
            proptest::prop_assert_eq!(got.bad, name.chars().find(|&c| !allowed(c)));
            proptest::prop_assert_eq!(got.backslash, name.contains('\\'));
        }
    }
}
