//! `cause` (spec 1.6): a 16-character exception id, or an object with exceptions and stack
//! frames. The exception id rules are lints: the Ruby SDK omits ids and whether X-Ray rejects
//! that is open question Q7.

use super::fields::Spec::*;
use super::fields::{member, Member};
use super::ids::{id16, HexForm};
use crate::codes::Code;
use crate::message::Quoted;
use crate::path::Path;
use crate::scan::{Kind, Stop};
use crate::validator::{decoded, emit, Validator};

const FRAME: &[Member] = &[
    member("path", Text),
    member("line", IntOrNull),
    member("label", Text),
];

const EXCEPTION: &[Member] = &[
    member("message", Text),
    member("type", Text),
    member("remote", Bool),
    member("truncated", Int),
    member("skipped", Int),
    member("cause", Text),
    member("stack", ObjArray(FRAME)),
];

const CAUSE: &[Member] = &[member("working_directory", Text), member("paths", StrArray)];

impl<'a> Validator<'a, '_> {
    pub(crate) fn cause(&mut self, path: &Path<'_, 'a>) -> Result<(), Stop> {
        match self.s.kind()? {
            Kind::String => {
                let s = self.s.string()?;
                if id16(self.text(s).as_bytes()) == HexForm::Bad {
                    let text = decoded(s, &mut self.scratch);
                    emit!(
                        self,
                        Code::CauseId,
                        path,
                        None,
                        Some(s.start),
                        [
                            "a string cause must be a 16-hex exception id, found ",
                            Quoted(text)
                        ]
                    );
                }
                Ok(())
            }
            Kind::Object => {
                self.s.enter()?;
                let mut first = true;
                while let Some(key) = self.s.next_key(&mut first)? {
                    let p = Path::Key(path, key);
                    if self.text(key) == "exceptions" {
                        self.exceptions(&p)?;
                    } else {
                        match super::fields::lookup(CAUSE, self.text(key).as_bytes()) {
                            Some(spec) => self.check(&p, spec)?,
                            None => self.s.skip()?,
                        }
                    }
                }
                Ok(())
            }
            kind => self.wrong_type(path, kind, "an exception id string or an object"),
        }
    }

    fn exceptions(&mut self, path: &Path<'_, 'a>) -> Result<(), Stop> {
        let kind = self.s.kind()?;
        if kind != Kind::Array {
            return self.wrong_type(path, kind, "an array of exceptions");
        }
        self.s.enter()?;
        let mut first = true;
        let mut i = 0;
        while self.s.next_item(&mut first)? {
            let p = Path::Index(path, i);
            i += 1;
            match self.s.kind()? {
                Kind::Object => self.exception(&p)?,
                kind => self.wrong_type(&p, kind, "an exception object")?,
            }
        }
        Ok(())
    }

    fn exception(&mut self, path: &Path<'_, 'a>) -> Result<(), Stop> {
        let start = self.s.i;
        self.s.enter()?;
        let mut first = true;
        let mut has_id = false;
        while let Some(key) = self.s.next_key(&mut first)? {
            let p = Path::Key(path, key);
            if self.text(key) == "id" {
                has_id = true;
                match self.s.kind()? {
                    Kind::String => {
                        let s = self.s.string()?;
                        if id16(self.text(s).as_bytes()) == HexForm::Bad {
                            let text = decoded(s, &mut self.scratch);
                            emit!(
                                self,
                                Code::ExceptionIdFormat,
                                &p,
                                None,
                                Some(s.start),
                                ["exception id ", Quoted(text), " is not 16 hex digits"]
                            );
                        }
                    }
                    kind => {
                        let offset = self.s.i;
                        self.s.skip()?;
                        emit!(
                            self,
                            Code::ExceptionIdFormat,
                            &p,
                            None,
                            Some(offset),
                            ["exception id must be a string, found ", kind.name()]
                        );
                    }
                }
            } else {
                match super::fields::lookup(EXCEPTION, self.text(key).as_bytes()) {
                    Some(spec) => self.check(&p, spec)?,
                    None => self.s.skip()?,
                }
            }
        }
        if !has_id {
            emit!(
                self,
                Code::ExceptionIdMissing,
                path,
                Some("id"),
                Some(start),
                ["an exception without id"]
            );
        }
        Ok(())
    }
}
