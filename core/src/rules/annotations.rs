//! `annotations` (spec 1.7): keys of letters, digits and `_` (others are dropped by X-Ray;
//! dots accepted since 2024), values string, number or boolean.

use crate::codes::Code;
use crate::limits::{MAX_ANNOTATIONS, MAX_ANNOTATION_KEY_CHARS, MAX_ANNOTATION_VALUE_CHARS};
use crate::path::Path;
use crate::scan::{Kind, Stop, Str};
use crate::validator::Validator;

#[derive(PartialEq)]
enum KeyForm {
    Valid,
    Dotted,
    Invalid,
}

fn key_form(key: &[u8]) -> KeyForm {
    let mut dotted = false;
    for &b in key {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => {}
            b'.' => dotted = true,
            _ => return KeyForm::Invalid,
        }
    }
    match (key.is_empty(), dotted) {
        (true, _) => KeyForm::Invalid,
        (false, true) => KeyForm::Dotted,
        (false, false) => KeyForm::Valid,
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
                let msg = format!("more than {MAX_ANNOTATIONS} annotations; X-Ray indexes {MAX_ANNOTATIONS} per trace");
                self.emit(Code::AnnotationCount, &p, None, Some(key.start), msg);
            }
            match self.s.kind()? {
                Kind::String => {
                    let s = self.s.string()?;
                    if let Some(n) = super::fields::over_limit(self, s, MAX_ANNOTATION_VALUE_CHARS)
                    {
                        let msg = format!("annotation value of {n} characters; the limit is {MAX_ANNOTATION_VALUE_CHARS}");
                        self.emit(Code::AnnotationValueLength, &p, None, Some(s.start), msg);
                    }
                }
                Kind::Number => {
                    let n = self.s.number()?;
                    if n.to_f64().is_none() {
                        let msg = format!(
                            "{} is outside the range of a double",
                            String::from_utf8_lossy(n.raw)
                        );
                        self.emit(Code::NumberRange, &p, None, Some(n.start), msg);
                    }
                }
                Kind::Bool => {
                    self.s.boolean()?;
                }
                kind => {
                    let offset = self.s.i;
                    self.s.skip()?;
                    let msg = format!(
                        "annotation values are strings, numbers or booleans, found {}",
                        kind.name()
                    );
                    self.emit(Code::AnnotationValueType, &p, None, Some(offset), msg);
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
                let msg = format!(
                    "annotation key {:?} has dots: accepted by X-Ray since 2024, dropped before",
                    self.text(key)
                );
                self.emit(Code::AnnotationKeyDot, p, None, Some(key.start), msg);
            }
            KeyForm::Invalid => {
                let msg = format!("annotation key {:?} has characters other than letters, digits and _; X-Ray drops it", self.text(key));
                self.emit(Code::AnnotationKey, p, None, Some(key.start), msg);
            }
        }
        if let Some(n) = super::fields::over_limit(self, key, MAX_ANNOTATION_KEY_CHARS) {
            let msg = format!(
                "annotation key of {n} characters; the limit is {MAX_ANNOTATION_KEY_CHARS}"
            );
            self.emit(Code::AnnotationKeyLength, p, None, Some(key.start), msg);
        }
    }
}
