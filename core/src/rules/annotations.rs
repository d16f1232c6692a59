//! `annotations` (spec 1.7): keys of letters, digits and `_` (others are dropped by X-Ray;
//! dots accepted since 2024), values string, number or boolean.

use crate::codes::Code;
use crate::limits::{MAX_ANNOTATIONS, MAX_ANNOTATION_KEY_CHARS, MAX_ANNOTATION_VALUE_CHARS};
use crate::message::Quoted;
use crate::path::Path;
use crate::scan::{Kind, Stop, Str};
use crate::validator::{decoded, emit, Validator};

#[derive(PartialEq)]
enum KeyForm {
    Valid,
    Dotted,
    Invalid,
}

// Each byte's class as a bit: 0 for letters, digits and `_`, DOT for `.`, BAD for the rest.
// One OR per byte and one test at the end: the loop has no branch.
const DOT: u8 = 1;
const BAD: u8 = 2;
static KEY_CLASS: [u8; 256] = {
    let mut t = [BAD; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || b == b'_' {
            t[c] = 0;
        }
        c += 1;
    }
    t[b'.' as usize] = DOT;
    t
};

fn key_form(key: &[u8]) -> KeyForm {
    let class = key.iter().fold(0, |acc, &b| acc | KEY_CLASS[b as usize]);
    if key.is_empty() || class & BAD != 0 {
        KeyForm::Invalid
    } else if class & DOT != 0 {
        KeyForm::Dotted
    } else {
        KeyForm::Valid
    }
}

impl<'a> Validator<'a, '_> {
    pub(crate) fn annotations(&mut self, path: &Path<'_, 'a>) -> Result<(), Stop> {
        let kind = self.s.kind()?;
        if kind != Kind::Object {
            return self.wrong_type(path, kind, "an object");
        }
        self.s.enter()?;
        let mut first = true;
        while let Some(key) = self.s.next_key(&mut first)? {
            let p = Path::Key(path, key);
            self.annotation_key(&p, key);
            self.annotations += 1;
            if self.annotations == MAX_ANNOTATIONS + 1 {
                emit!(
                    self,
                    Code::AnnotationCount,
                    &p,
                    None,
                    Some(key.start),
                    [
                        "more than ",
                        MAX_ANNOTATIONS,
                        " annotations; X-Ray indexes ",
                        MAX_ANNOTATIONS,
                        " per trace"
                    ]
                );
            }
            match self.s.kind()? {
                Kind::String => {
                    let s = self.s.string()?;
                    if let Some(n) = super::fields::over_limit(self, s, MAX_ANNOTATION_VALUE_CHARS)
                    {
                        emit!(
                            self,
                            Code::AnnotationValueLength,
                            &p,
                            None,
                            Some(s.start),
                            [
                                "annotation value of ",
                                n,
                                " characters; the limit is ",
                                MAX_ANNOTATION_VALUE_CHARS
                            ]
                        );
                    }
                }
                Kind::Number => {
                    let n = self.s.decimal()?;
                    // A plain number is a finite double; only others need converting.
                    if !n.plain && n.to_f64().is_none() {
                        emit!(
                            self,
                            Code::NumberRange,
                            &p,
                            None,
                            Some(n.start),
                            [
                                String::from_utf8_lossy(n.raw),
                                " is outside the range of a double"
                            ]
                        );
                    }
                }
                Kind::Bool => {
                    self.s.boolean()?;
                }
                kind => {
                    let offset = self.s.i;
                    self.s.skip()?;
                    emit!(
                        self,
                        Code::AnnotationValueType,
                        &p,
                        None,
                        Some(offset),
                        [
                            "annotation values are strings, numbers or booleans, found ",
                            kind.name()
                        ]
                    );
                }
            }
        }
        Ok(())
    }

    fn annotation_key(&mut self, p: &Path<'_, 'a>, key: Str<'a>) {
        let form = if key.escaped {
            key_form(self.text(key).as_bytes())
        } else {
            key_form(key.raw)
        };
        match form {
            KeyForm::Valid => {}
            KeyForm::Dotted => {
                let text = decoded(key, &mut self.scratch);
                emit!(
                    self,
                    Code::AnnotationKeyDot,
                    p,
                    None,
                    Some(key.start),
                    [
                        "annotation key ",
                        Quoted(text),
                        " has dots: accepted by X-Ray since 2024, dropped before"
                    ]
                );
            }
            KeyForm::Invalid => {
                let text = decoded(key, &mut self.scratch);
                emit!(
                    self,
                    Code::AnnotationKey,
                    p,
                    None,
                    Some(key.start),
                    [
                        "annotation key ",
                        Quoted(text),
                        " has characters other than letters, digits and _; X-Ray drops it"
                    ]
                );
            }
        }
        if let Some(n) = super::fields::over_limit(self, key, MAX_ANNOTATION_KEY_CHARS) {
            emit!(
                self,
                Code::AnnotationKeyLength,
                p,
                None,
                Some(key.start),
                [
                    "annotation key of ",
                    n,
                    " characters; the limit is ",
                    MAX_ANNOTATION_KEY_CHARS
                ]
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The documented rule, byte by byte.
    fn by_rule(key: &[u8]) -> KeyForm {
        if key.is_empty()
            || !key
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            KeyForm::Invalid
        } else if key.contains(&b'.') {
            KeyForm::Dotted
        } else {
            KeyForm::Valid
        }
    }

    #[test]
    fn every_byte_has_its_documented_class() {
        for b in 0..=255u8 {
            for key in [vec![b], vec![b'a', b], vec![b'.', b, b'z']] {
                assert!(key_form(&key) == by_rule(&key), "{key:?}");
            }
        }
        assert!(key_form(b"") == KeyForm::Invalid);
    }

    proptest! {
        #[test]
        fn key_form_follows_the_rule(key in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'Z'), Just(b'5'), Just(b'_'), Just(b'.'), Just(b'-'), Just(b' '), any::<u8>()], 0..24)) {
            prop_assert!(key_form(&key) == by_rule(&key));
        }
    }
}
