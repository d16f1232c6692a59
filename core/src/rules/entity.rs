//! Segments and subsegments (spec 1.2, 1.3): required fields, ids, times, type and placement.
//! The top-level object is a segment, or an independent subsegment when it says
//! `"type": "subsegment"`; objects in `subsegments` arrays are embedded subsegments.

use super::fields::Spec;
use super::ids::{id16, trace_id, HexForm, ID_BYTES, TRACE_ID_BYTES};
use super::times::Time;
use crate::codes::Code;
use crate::limits::MAX_NAME_CHARS;
use crate::message::{CodePoint, Quoted};
use crate::outline::{EntityOutline, TextAt};
use crate::path::Path;
use crate::scan::{Kind, Stop, Str};
use crate::validator::{decoded, emit, Validator};
pub(crate) use keys::KeyOrder;
use keys::{by_prefix, field, Field, ENTITY_START};

mod keys;

/// Documented `origin` values and those AWS's own SDKs and collector emit (spec 1.2).
const ORIGINS: &[&str] = &[
    "AWS::EC2::Instance",
    "AWS::ECS::Container",
    "AWS::ElasticBeanstalk::Environment",
    "AWS::EKS::Container",
    "AWS::ECS::EC2",
    "AWS::ECS::Fargate",
    "AWS::AppRunner::Service",
    "AWS::Lambda::Function",
];

/// Members documented for segments only or subsegments only that are noted per entity, to be
/// judged at its end. There are eight such fields, so only repeated keys go past the limit, and
/// those are not judged again.
const MAX_PLACED: usize = 8;

#[derive(Default)]
struct Entity<'a> {
    /// A bit per `Field` met, by its discriminant.
    seen: u32,
    start_time: Option<Time<'a>>,
    end_time: Option<Time<'a>>,
    // Also what the validator checks in_progress and type with.
    o: EntityOutline,
    // Placement depends on `type`, which may come last, so it is judged at the end.
    placed: [Option<(Field, usize)>; MAX_PLACED],
    placed_len: usize,
}

impl Entity<'_> {
    fn has(&self, f: Field) -> bool {
        self.seen & (1 << f as u32) != 0
    }
}

/// Where a string's text stands in the document.
fn at(s: Str<'_>) -> TextAt {
    let from = s.start + 1;
    TextAt {
        range: from..from + s.raw.len(),
        escaped: s.escaped,
    }
}

impl<'a> Validator<'a, '_> {
    /// Validates one segment or subsegment; the cursor is on its `{`.
    pub(crate) fn entity(&mut self, path: &Path<'_, 'a>, top: bool) -> Result<(), Stop> {
        let outer = self.entity_index;
        self.entity_index = self.entities;
        self.entities += 1;
        if self.report.outlining {
            // Its place is kept in document order; it is filled when the entity ends.
            self.report.outline.push(EntityOutline::default());
        }
        let start = self.s.i;
        self.s.enter()?;
        let mut e = Entity::default();
        let mut first = true;
        let mut prev = ENTITY_START;
        while self.s.at_key(&mut first)? {
            let guess = self.report.key_order().guess(top, prev);
            let s = &mut self.s;
            // A learnt order that guessed wrong reads the key whole: tried first, the prefix
            // made documents whose order was learnt 1-3% slower (three `compare` runs).
            let learnt = guess.and_then(|(f, g)| Some((f, s.guessed_key(g)?)));
            let found = if guess.is_none() {
                by_prefix(s)
            } else {
                learnt
            };
            let (key, f) = match found {
                Some((f, key)) => (key, Some(f)),
                None => {
                    let key = self.s.key()?;
                    let f = if key.escaped {
                        field(self.text(key).as_bytes())
                    } else {
                        field(key.raw)
                    };
                    (key, f)
                }
            };
            let Some(f) = f else {
                self.s.skip()?;
                continue;
            };
            if learnt.is_none() {
                self.report.key_order().learn(top, prev, f);
            }
            prev = f as usize;
            let p = Path::Key(path, key);
            if e.has(f) {
                self.duplicate(&p, key);
            }
            e.seen |= 1 << f as u32;
            if f.segment_only() || f.subsegment_only() {
                if let Some(slot) = e.placed.get_mut(e.placed_len) {
                    *slot = Some((f, key.start));
                    e.placed_len += 1;
                }
            }
            self.member(&p, f, top, &mut e)?;
        }
        self.finish(path, top, start, &e);
        if self.report.outlining {
            e.o.parent = (!top).then_some(outer as usize);
            e.o.start_time = e.start_time.as_ref().map(Time::value);
            e.o.end_time = e.end_time.as_ref().map(Time::value);
            if let Some(slot) = self.report.outline.get_mut(self.entity_index as usize) {
                *slot = e.o;
            }
        }
        self.entity_index = outer;
        Ok(())
    }

    fn member(
        &mut self,
        p: &Path<'_, 'a>,
        f: Field,
        top: bool,
        e: &mut Entity<'a>,
    ) -> Result<(), Stop> {
        match f {
            Field::Id => self.id(p, top, e),
            Field::TraceId => self.hex(
                p,
                Code::TraceIdFormat,
                (trace_id, TRACE_ID_BYTES),
                "a trace id (1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx)",
                &mut e.o.trace_id,
            ),
            Field::ParentId => self.hex(
                p,
                Code::ParentIdFormat,
                (id16, ID_BYTES),
                "16 hex digits",
                &mut e.o.parent_id,
            ),
            Field::Type => self.kind_of(p, e),
            Field::Name => {
                e.o.name = self.name(p)?;
                Ok(())
            }
            Field::StartTime => self.time(p, Code::StartTimeType, &mut e.start_time),
            Field::EndTime => self.time(p, Code::EndTimeType, &mut e.end_time),
            Field::InProgress => match self.s.kind()? {
                Kind::Bool => {
                    e.o.in_progress = self.s.boolean()?;
                    Ok(())
                }
                kind => {
                    e.o.in_progress = false;
                    self.wrong_type(p, kind, "a boolean")
                }
            },
            Field::Error | Field::Throttle | Field::Fault | Field::Traced => {
                self.check(p, &Spec::Bool)
            }
            Field::User => self.check(p, &Spec::Str),
            Field::Origin => self.check(p, &Spec::OneOf(ORIGINS, Code::OriginValue)),
            Field::ResourceArn => self.check(p, &Spec::Text),
            Field::Namespace => {
                self.check(p, &Spec::OneOf(&["aws", "remote"], Code::NamespaceValue))
            }
            Field::Service => self.value(p, &super::sql::SERVICE),
            Field::Http => self.value(p, &super::http::HTTP),
            Field::Aws => self.value(p, &super::aws::AWS),
            Field::Sql => self.value(p, &super::sql::SQL),
            Field::Cause => self.cause(p),
            Field::Annotations => self.annotations(p),
            Field::Metadata => self.metadata(p),
            Field::Subsegments => self.subsegments(p),
            Field::PrecursorIds => self.precursor_ids(p),
        }
    }

    fn id(&mut self, p: &Path<'_, 'a>, top: bool, e: &mut Entity) -> Result<(), Stop> {
        match self.s.kind()? {
            Kind::String => {
                let s = match self.s.fixed(ID_BYTES, |r| id16(r) == HexForm::Lower) {
                    Some(s) => s,
                    None => {
                        let s = self.s.string()?;
                        self.hex_form(p, s, Code::IdFormat, id16, "16 hex digits");
                        s
                    }
                };
                e.o.id = Some(at(s));
                if top {
                    let id = crate::validator::decoded(s, &mut self.scratch);
                    self.report.set_id(Some(id));
                }
                Ok(())
            }
            kind => {
                e.o.id = None;
                if top {
                    self.report.set_id(None);
                }
                self.wrong_kind(p, kind, Code::IdFormat, "a string")
            }
        }
    }

    /// A string that must have a hex form; other kinds get `code` too. `out` becomes where
    /// the string is, when it is one. Written in place rather than returned: the returned
    /// `Result<Option<TextAt>, _>` was stored field by field, then read back in wider pieces,
    /// a store-forwarding stall per trace id (perf annotate).
    fn hex(
        &mut self,
        p: &Path<'_, 'a>,
        code: Code,
        (form, len): (fn(&[u8]) -> HexForm, usize),
        what: &str,
        out: &mut Option<TextAt>,
    ) -> Result<(), Stop> {
        *out = None;
        match self.s.kind()? {
            Kind::String => {
                if let Some(s) = self.s.fixed(len, |r| form(r) == HexForm::Lower) {
                    *out = Some(at(s));
                    return Ok(());
                }
                let s = self.s.string()?;
                self.hex_form(p, s, code, form, what);
                *out = Some(at(s));
                Ok(())
            }
            kind => self.wrong_kind(p, kind, code, "a string"),
        }
    }

    fn hex_form(
        &mut self,
        p: &Path<'_, 'a>,
        s: Str<'a>,
        code: Code,
        form: fn(&[u8]) -> HexForm,
        what: &str,
    ) {
        let f = if s.escaped {
            form(self.text(s).as_bytes())
        } else {
            form(s.raw)
        };
        match f {
            HexForm::Lower => {}
            HexForm::Upper => {
                let text = decoded(s, &mut self.scratch);
                emit!(
                    self,
                    Code::HexUppercase,
                    p,
                    None,
                    Some(s.start),
                    [Quoted(text), " has upper-case hex digits"]
                );
            }
            HexForm::Bad => {
                let text = decoded(s, &mut self.scratch);
                emit!(
                    self,
                    code,
                    p,
                    None,
                    Some(s.start),
                    [Quoted(text), " is not ", what]
                );
            }
        }
    }

    fn kind_of(&mut self, p: &Path<'_, 'a>, e: &mut Entity) -> Result<(), Stop> {
        match self.s.kind()? {
            Kind::String => {
                let s = self.s.string()?;
                e.o.subsegment_type = self.text(s) == "subsegment";
                if !e.o.subsegment_type {
                    let text = decoded(s, &mut self.scratch);
                    emit!(
                        self,
                        Code::TypeValue,
                        p,
                        None,
                        Some(s.start),
                        ["type ", Quoted(text), " is not \"subsegment\""]
                    );
                }
                Ok(())
            }
            kind => {
                e.o.subsegment_type = false;
                self.wrong_type(p, kind, "a string")
            }
        }
    }

    fn name(&mut self, p: &Path<'_, 'a>) -> Result<Option<TextAt>, Stop> {
        let kind = self.s.kind()?;
        if kind != Kind::String {
            return self
                .wrong_kind(p, kind, Code::NameType, "a string")
                .map(|()| None);
        }
        let s = self.s.string()?;
        let check = super::names::check(self.text(s));
        if check.chars == 0 || check.chars > MAX_NAME_CHARS {
            emit!(
                self,
                Code::NameLength,
                p,
                None,
                Some(s.start),
                [
                    "name has ",
                    check.chars,
                    " characters; it must have 1 to ",
                    MAX_NAME_CHARS
                ]
            );
        }
        if let Some(c) = check.bad {
            emit!(
                self,
                Code::NameCharset,
                p,
                None,
                Some(s.start),
                [
                    "name has ",
                    CodePoint(c),
                    ", which is not a letter, number, whitespace or one of ",
                    "_ . : / % & # = + \\ - @"
                ]
            );
        }
        if check.backslash {
            emit!(
                self,
                Code::NameBackslash,
                p,
                None,
                Some(s.start),
                ["name has a backslash: the guide allows it, AWS's schema does not"]
            );
        }
        Ok(Some(at(s)))
    }

    fn subsegments(&mut self, p: &Path<'_, 'a>) -> Result<(), Stop> {
        let kind = self.s.kind()?;
        if kind != Kind::Array {
            return self.wrong_type(p, kind, "an array of subsegments");
        }
        self.s.enter()?;
        let mut first = true;
        let mut i = 0;
        while self.s.next_item(&mut first)? {
            let ip = Path::Index(p, i);
            i += 1;
            match self.s.kind()? {
                Kind::Object => {
                    self.entity_depth += 1;
                    self.entity(&ip, false)?;
                    self.entity_depth -= 1;
                }
                kind => self.wrong_type(&ip, kind, "a subsegment object")?,
            }
        }
        Ok(())
    }

    fn precursor_ids(&mut self, p: &Path<'_, 'a>) -> Result<(), Stop> {
        let kind = self.s.kind()?;
        if kind != Kind::Array {
            return self.wrong_type(p, kind, "an array of ids");
        }
        self.s.enter()?;
        let mut first = true;
        let mut i = 0;
        while self.s.next_item(&mut first)? {
            let ip = Path::Index(p, i);
            i += 1;
            match self.s.kind()? {
                Kind::String => {
                    let s = self.s.string()?;
                    self.hex_form(&ip, s, Code::PrecursorIdFormat, id16, "16 hex digits");
                }
                kind => self.wrong_type(&ip, kind, "a string")?,
            }
        }
        Ok(())
    }

    fn finish(&mut self, path: &Path<'_, 'a>, top: bool, start: usize, e: &Entity<'a>) {
        let subsegment = !top || e.o.subsegment_type;
        if top {
            self.report.independent_subsegment = e.o.subsegment_type;
        }
        // Every required field at once; the checks that name what lacks are out of line.
        let bit = |f: Field| 1u32 << f as u32;
        let mut required = bit(Field::Id) | bit(Field::Name) | bit(Field::StartTime);
        if top {
            required |= bit(Field::TraceId);
            if e.o.subsegment_type {
                required |= bit(Field::ParentId);
            }
        }
        if !e.o.in_progress {
            required |= bit(Field::EndTime);
        }
        if e.seen & required != required || (e.o.in_progress && e.has(Field::EndTime)) {
            self.required(path, top, start, e);
        }
        // Read in place: a copy of the two times was made in overlapping 16-byte pieces, and
        // reading its fields stalled store forwarding (perf annotate).
        if let (Some(s), Some(t)) = (&e.start_time, &e.end_time) {
            if t.before(s) {
                self.time_order(path, start, s.value(), t.value());
            }
        }
        for &(f, offset) in e.placed[..e.placed_len].iter().flatten() {
            let misplaced =
                (f.segment_only() && subsegment) || (f.subsegment_only() && !subsegment);
            if misplaced {
                let place = if subsegment {
                    "segments"
                } else {
                    "subsegments"
                };
                emit!(
                    self,
                    Code::FieldPlacement,
                    path,
                    Some(f.key()),
                    Some(offset),
                    [f.key(), " is documented for ", place, " only"]
                );
            }
        }
    }

    /// Out of the key loop, as the diagnostics below are out of `finish`: code a document
    /// rarely reaches (with the messages' change, the fixtures ran 3.3% faster; README).
    #[cold]
    #[inline(never)]
    fn duplicate(&mut self, p: &Path<'_, 'a>, key: Str<'a>) {
        let text = decoded(key, &mut self.scratch);
        emit!(
            self,
            Code::DuplicateKey,
            p,
            None,
            Some(key.start),
            [Quoted(text), " appears twice; the last one counts"]
        );
    }

    #[cold]
    #[inline(never)]
    fn time_order(&mut self, path: &Path<'_, 'a>, start: usize, s: f64, t: f64) {
        emit!(
            self,
            Code::TimeOrder,
            path,
            Some("end_time"),
            Some(start),
            ["end_time ", t, " is before start_time ", s]
        );
    }

    /// The diagnostics for required fields that lack, or for an end time beside
    /// `in_progress`.
    #[cold]
    #[inline(never)]
    fn required(&mut self, path: &Path<'_, 'a>, top: bool, start: usize, e: &Entity<'a>) {
        let at = Some(start);
        let missing = |v: &mut Self, code: Code, field: &str| {
            emit!(v, code, path, Some(field), at, [field, " is required"]);
        };
        if !e.has(Field::Id) {
            missing(self, Code::IdMissing, "id");
        }
        if top && !e.has(Field::TraceId) {
            missing(self, Code::TraceIdMissing, "trace_id");
        }
        if top && e.o.subsegment_type && !e.has(Field::ParentId) {
            missing(self, Code::ParentIdMissing, "parent_id");
        }
        if !e.has(Field::Name) {
            missing(self, Code::NameMissing, "name");
        }
        if !e.has(Field::StartTime) {
            missing(self, Code::StartTimeMissing, "start_time");
        }
        if !e.o.in_progress && !e.has(Field::EndTime) {
            emit!(
                self,
                Code::EndTimeMissing,
                path,
                Some("end_time"),
                at,
                ["end_time is required unless in_progress is true"]
            );
        }
        if e.o.in_progress && e.has(Field::EndTime) {
            emit!(
                self,
                Code::InProgressWithEndTime,
                path,
                Some("in_progress"),
                at,
                ["in_progress is true but end_time is set"]
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MAX_PLACED;
    use crate::{validate, validate_into, Code, Report};

    #[test]
    fn keys_guessed_from_another_order_or_unknown_keys_change_nothing() {
        // Trained on one key order, read in others: guesses that are wrong, keys with spaces
        // or escapes where a guess expects none, unknown keys between known ones.
        let id = r#""id":"70de5b6f19ff9a0a""#;
        let trace = r#""trace_id":"1-581cf771-a006649127e371903a2de979""#;
        let times = r#""start_time":1,"end_time":2"#;
        let docs = [
            format!(r#"{{"name":"s",{id},{trace},{times}}}"#),
            format!(r#"{{{id},"name":"s",{trace},{times},"x":1}}"#),
            format!(r#"{{"name" :"s",{id},{trace},{times}}}"#),
            format!(r#"{{"n\u0061me":"s",{id},{trace},{times}}}"#),
            format!(r#"{{"name":"s","other":[],{id},"nam":1,{trace},{times},"name2":"x"}}"#),
            format!(r#"{{"name":"s",{id},{trace},{times},"name":"s"}}"#),
            format!(r#"{{"name":"s","id":7,{trace},{times}}}"#),
        ];
        let mut reused = Report::default();
        for _ in 0..2 {
            for doc in &docs {
                validate_into(doc.as_bytes(), &mut reused);
                assert_eq!(reused, validate(doc.as_bytes()), "{doc}");
            }
        }
    }

    #[test]
    fn placement_is_judged_for_at_most_max_placed_members() {
        for n in [MAX_PLACED - 1, MAX_PLACED, MAX_PLACED + 1] {
            // An embedded subsegment with `user`, a segment-only field, n times.
            let users = vec![r#""user":"u""#; n].join(",");
            let doc = format!(
                r#"{{"name":"s","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1,"end_time":2,"subsegments":[{{"name":"c","id":"70de5b6f19ff9a0b","start_time":1,"end_time":2,{users}}}]}}"#
            );
            let report = validate(doc.as_bytes());
            let count = |code| report.diagnostics.iter().filter(|d| d.code == code).count();
            assert_eq!(count(Code::FieldPlacement), n.min(MAX_PLACED), "{n} users");
            assert_eq!(count(Code::DuplicateKey), n - 1, "{n} users");
        }
    }
}
