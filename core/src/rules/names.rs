//! `name` (spec 1.2, 3.3): at most 200 characters of Unicode letters, numbers, separators and
//! `_ . : / % & # = + \ - @`. Length counts code points (the unit is open question Q1).

use unicode_general_category::{get_general_category, GeneralCategory as G};

pub(crate) struct NameCheck {
    pub chars: usize,
    /// The first character that is not allowed.
    pub bad: Option<char>,
    pub backslash: bool,
}

// 0 = not allowed, 1 = allowed, 2 = backslash (allowed by the guide, not by the schema).
static ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut c = b'0';
    while c <= b'9' {
        t[c as usize] = 1;
        c += 1;
    }
    c = b'a';
    while c <= b'z' {
        t[c as usize] = 1;
        t[(c - 32) as usize] = 1;
        c += 1;
    }
    let symbols = b" _.:/%&#=+-@";
    let mut i = 0;
    while i < symbols.len() {
        t[symbols[i] as usize] = 1;
        i += 1;
    }
    t[b'\\' as usize] = 2;
    t
};

pub(crate) fn check(name: &str) -> NameCheck {
    let mut out = NameCheck {
        chars: 0,
        bad: None,
        backslash: false,
    };
    if name.is_ascii() {
        out.chars = name.len();
        for &b in name.as_bytes() {
            match ASCII[b as usize] {
                1 => {}
                2 => out.backslash = true,
                _ if out.bad.is_none() => out.bad = Some(char::from(b)),
                _ => {}
            }
        }
        return out;
    }
    for c in name.chars() {
        out.chars += 1;
        let ok = if c.is_ascii() {
            match ASCII[c as usize] {
                2 => {
                    out.backslash = true;
                    true
                }
                v => v == 1,
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
}
