//! `metadata` (spec 1.8): namespaces of objects; contents are never checked, only skipped.

use crate::codes::Code;
use crate::message::Quoted;
use crate::path::Path;
use crate::scan::{Kind, Stop};
use crate::validator::{decoded, emit, Validator};

impl<'a> Validator<'a, '_> {
    pub(crate) fn metadata(&mut self, path: &Path<'_, 'a>) -> Result<(), Stop> {
        let kind = self.s.kind()?;
        if kind != Kind::Object {
            return self.wrong_type(path, kind, "an object");
        }
        self.s.enter()?;
        let mut first = true;
        while let Some(key) = self.s.next_key(&mut first)? {
            let p = Path::Key(path, key);
            if self.text(key).starts_with("AWS.") {
                let text = decoded(key, &mut self.scratch);
                emit!(
                    self,
                    Code::MetadataReserved,
                    &p,
                    None,
                    Some(key.start),
                    [
                        "namespace ",
                        Quoted(text),
                        " starts with AWS., reserved for AWS SDKs"
                    ]
                );
            }
            let kind = self.s.kind()?;
            let offset = self.s.i;
            self.s.skip()?;
            if kind != Kind::Object {
                emit!(
                    self,
                    Code::MetadataNamespaceType,
                    &p,
                    None,
                    Some(offset),
                    ["a metadata namespace holds an object, found ", kind.name()]
                );
            }
        }
        Ok(())
    }
}
