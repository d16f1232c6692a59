//! Typed fields that need no rule of their own: checked against small tables, so the http,
//! aws, sql and service blocks are data rather than code.

use crate::codes::Code;
use crate::limits::MAX_STRING_CHARS;
use crate::message::Quoted;
use crate::path::Path;
use crate::scan::{KeyGuess, Kind, Scanner, Stop, Str, NO_SUCCESSOR};
use crate::validator::{decoded, emit, Validator};

/// What a documented field must hold. Anything else is `field.type` (a lint: X-Ray's handling
/// of wrong types in optional fields is unknown).
#[derive(Clone, Copy)]
pub(crate) enum Spec {
    /// A string of at most `MAX_STRING_CHARS` characters (longer: `string.length`).
    Str,
    /// A string with no documented length.
    Text,
    Bool,
    /// A number without fraction or exponent.
    Int,
    /// An integer or null (SDKs send `"line": null`).
    IntOrNull,
    Number,
    /// Any JSON value.
    Any,
    /// An object whose known members follow the table.
    Obj(&'static [Member]),
    /// An array of strings.
    StrArray,
    /// An array of objects following the table.
    ObjArray(&'static [Member]),
    /// A string from a list of documented values; others get the code (a lint).
    OneOf(&'static [&'static str], Code),
}

/// A documented member of an object: its name, a fingerprint for cheap comparison, its spec.
#[derive(Clone, Copy)]
pub(crate) struct Member {
    name: &'static [u8],
    fingerprint: u64,
    /// The name's last eight bytes (names of 8 to 15 bytes: with the fingerprint, all of it).
    tail: u64,
    spec: Spec,
    guess: Option<KeyGuess>,
    /// The guess's first four bytes ([`KeyGuess::prefix`]); 0 without a guess.
    prefix: u32,
}

/// The first seven bytes and the length, packed: equal fingerprints mean equal names up to
/// seven bytes, so most lookups never compare whole names.
const fn fingerprint(b: &[u8]) -> u64 {
    let mut fp = (b.len() as u64) << 56;
    let mut i = 0;
    while i < b.len() && i < 7 {
        fp |= (b[i] as u64) << (8 * i);
        i += 1;
    }
    fp
}

/// The last eight bytes of `b`, or 0 when it is shorter.
const fn tail(b: &[u8]) -> u64 {
    if b.len() < 8 {
        return 0;
    }
    let mut v = 0u64;
    let mut i = 0;
    while i < 8 {
        v |= (b[b.len() - 8 + i] as u64) << (8 * i);
        i += 1;
    }
    v
}

pub(crate) const fn member(name: &'static str, spec: Spec) -> Member {
    let guess = KeyGuess::new(name.as_bytes());
    Member {
        name: name.as_bytes(),
        fingerprint: fingerprint(name.as_bytes()),
        tail: tail(name.as_bytes()),
        spec,
        guess,
        prefix: match guess {
            Some(g) => g.prefix(),
            None => 0,
        },
    }
}

/// Places in [`MemberOrder`]: a table's, by its address, then one per member after it.
const MEMBER_SLOTS: usize = 256;

/// For each table member (and each table, for its first key), the position in its table of
/// the member that followed it last. Kept by the report from one document to the next, as
/// the entity keys' order is. Tables whose slots overlap share them: a guess is only ever a
/// guess, confirmed against the document's bytes before it is used.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct MemberOrder([u8; MEMBER_SLOTS]);

impl Default for MemberOrder {
    fn default() -> MemberOrder {
        MemberOrder([NO_SUCCESSOR; MEMBER_SLOTS])
    }
}

/// The slot of a table, by its address.
#[inline(always)]
fn slot<T>(at: *const T) -> usize {
    let a = at as usize;
    ((a >> 3) ^ (a >> 11)) % MEMBER_SLOTS
}

/// Whether `key`, whose fingerprint equals `m`'s, is `m`'s name. Names of up to 15 bytes are
/// settled by one more word: comparing them byte by byte was a `memcmp` call per member.
#[inline(always)]
fn same_name(m: &Member, key: &[u8]) -> bool {
    match key.len() {
        0..=7 => true,
        8..=15 => {
            let mut w = [0u8; 8];
            w.copy_from_slice(&key[key.len() - 8..]);
            u64::from_le_bytes(w) == m.tail
        }
        _ => m.name == key,
    }
}

/// The fingerprint of a key read straight from the document: one 8-byte load, masked to the
/// key's length, where the document has 8 bytes after the key's start (always, but at its
/// very end).
#[inline]
pub(crate) fn fingerprint_in(doc: &[u8], key: Str<'_>) -> u64 {
    let start = key.start + 1;
    let len = key.raw.len();
    match doc.get(start..start + 8) {
        Some(eight) => {
            let mut w = [0u8; 8];
            w.copy_from_slice(eight);
            // The key's first bytes, up to seven; no branch for empty or long keys.
            let mask = (1u64 << (8 * len.min(7))) - 1;
            (u64::from_le_bytes(w) & mask) | ((len as u64) << 56)
        }
        None => fingerprint(key.raw),
    }
}

#[inline]
pub(crate) fn lookup(table: &'static [Member], key: &[u8]) -> Option<&'static Spec> {
    lookup_fp(table, key, fingerprint(key))
}

#[inline]
pub(crate) fn lookup_fp(table: &'static [Member], key: &[u8], fp: u64) -> Option<&'static Spec> {
    position(table, key, fp).map(|i| &table[i].spec)
}

#[inline]
fn position(table: &'static [Member], key: &[u8], fp: u64) -> Option<usize> {
    table
        .iter()
        .position(|m| m.fingerprint == fp && same_name(m, key))
}

/// The member whose key is at the cursor, found by the key's first four bytes and confirmed
/// whole, without searching for the key's end: for a key after one whose successor no
/// document has shown yet (every key, in a report's first document). `None`, the cursor
/// unmoved, when no member matches.
#[inline(always)]
fn by_prefix<'a>(s: &mut Scanner<'a>, table: &'static [Member]) -> Option<(usize, Str<'a>)> {
    let prefix = s.key_prefix()?;
    // Members that start alike (`container`, `container_id`) are each tried in turn.
    table.iter().enumerate().find_map(|(at, m)| {
        if m.prefix != prefix {
            return None;
        }
        Some((at, s.guessed_key(m.guess.as_ref()?)?))
    })
}

/// Characters in a string, counted only when its byte length could exceed `limit`.
pub(crate) fn over_limit(v: &mut Validator<'_, '_>, s: Str<'_>, limit: usize) -> Option<usize> {
    if s.raw.len() <= limit {
        return None;
    }
    // Long strings are often URLs, SQL or stack text of thousands of bytes: counted with
    // SIMD, where a byte loop was most of such a document's time.
    let chars = if s.escaped {
        crate::scan::unescape_into(s.raw, &mut v.scratch);
        bytecount::num_chars(v.scratch.as_bytes())
    } else {
        bytecount::num_chars(s.raw)
    };
    (chars > limit).then_some(chars)
}

impl<'a> Validator<'a, '_> {
    /// Checks the value under the cursor against `spec`.
    // The spec is passed by reference: copying the enum through the stack cost a
    // store-forwarding stall per member (seen with perf annotate).
    pub(crate) fn check(&mut self, path: &Path<'_, 'a>, spec: &Spec) -> Result<(), Stop> {
        let kind = self.s.kind()?;
        // Matched by reference, spec first: a (Spec, Kind) tuple was a copy of the spec per
        // member (cachegrind: 9% of the validator's instructions).
        match spec {
            Spec::Any => self.s.skip(),
            Spec::Str if kind == Kind::String => {
                self.string_limited(path, MAX_STRING_CHARS).map(drop)
            }
            Spec::Text if kind == Kind::String => self.s.string().map(drop),
            Spec::OneOf(values, code) if kind == Kind::String => {
                let s = self.s.string()?;
                let text = decoded(s, &mut self.scratch);
                if !values.contains(&text) {
                    emit!(
                        self,
                        *code,
                        path,
                        None,
                        Some(s.start),
                        [Quoted(text), " is not one of ", format_args!("{values:?}")]
                    );
                }
                Ok(())
            }
            Spec::Bool if kind == Kind::Bool => self.s.boolean().map(drop),
            Spec::Number if kind == Kind::Number => self.s.number().map(drop),
            Spec::Int | Spec::IntOrNull if kind == Kind::Number => {
                let n = self.s.number()?;
                if !n.integer {
                    self.not_integer(path, n);
                }
                Ok(())
            }
            Spec::IntOrNull if kind == Kind::Null => self.s.null(),
            Spec::Obj(table) if kind == Kind::Object => self.object(path, table),
            Spec::StrArray if kind == Kind::Array => self.array(path, &Spec::Str),
            Spec::ObjArray(table) if kind == Kind::Array => self.array(path, &Spec::Obj(table)),
            _ => self.wrong_type(path, kind, expected(spec)),
        }
    }

    /// Checks the value under the cursor against `spec` like [`Validator::check`], and an
    /// object with one call rather than two: most members that are not strings are objects.
    #[inline(always)]
    pub(crate) fn value(&mut self, path: &Path<'_, 'a>, spec: &Spec) -> Result<(), Stop> {
        match spec {
            Spec::Obj(table) if self.s.peek() == Some(b'{') => self.object(path, table),
            _ => self.check(path, spec),
        }
    }

    /// Reads a string and flags it when longer than `limit` characters.
    pub(crate) fn string_limited(
        &mut self,
        path: &Path<'_, 'a>,
        limit: usize,
    ) -> Result<Str<'a>, Stop> {
        let s = self.s.string()?;
        if let Some(chars) = over_limit(self, s, limit) {
            self.too_long(path, s, chars, limit);
        }
        Ok(s)
    }

    #[cold]
    fn too_long(&mut self, path: &Path<'_, 'a>, s: Str<'a>, chars: usize, limit: usize) {
        emit!(
            self,
            Code::StringLength,
            path,
            None,
            Some(s.start),
            [chars, " characters; the documented limit is ", limit]
        );
    }

    /// An object whose known members follow `table`; unknown members are skipped.
    pub(crate) fn object(
        &mut self,
        path: &Path<'_, 'a>,
        table: &'static [Member],
    ) -> Result<(), Stop> {
        self.s.enter()?;
        let mut first = true;
        let base = slot(table.as_ptr());
        let mut prev = base;
        while self.s.at_key(&mut first)? {
            let learnt = usize::from(self.report.member_order().0[prev]);
            let s = &mut self.s;
            // As for entity keys: the prefix only where no order was learnt.
            let found = match table.get(learnt) {
                Some(m) => m
                    .guess
                    .as_ref()
                    .and_then(|g| Some((learnt, s.guessed_key(g)?))),
                None => by_prefix(s, table),
            };
            let (key, at) = match found {
                Some((at, key)) => (key, Some(at)),
                None => {
                    let key = self.s.key()?;
                    let at = if key.escaped {
                        let text = self.text(key).as_bytes();
                        position(table, text, fingerprint(text))
                    } else {
                        position(table, key.raw, fingerprint_in(self.s.b, key))
                    };
                    (key, at)
                }
            };
            let spec = at.map(|at| {
                if at != learnt {
                    // A table past 254 members would go unguessed past there.
                    self.report.member_order().0[prev] = u8::try_from(at).unwrap_or(NO_SUCCESSOR);
                }
                // Counted from the table's slot, not hashed from the member's address: the
                // next guess waits on this one.
                prev = (base + at + 1) % MEMBER_SLOTS;
                &table[at].spec
            });
            match spec {
                // Most members are strings: read them here, without the call to `check`.
                Some(Spec::Str) if self.s.at_quote() => {
                    let s = self.s.string()?;
                    if let Some(chars) = over_limit(self, s, MAX_STRING_CHARS) {
                        self.too_long(&Path::Key(path, key), s, chars, MAX_STRING_CHARS);
                    }
                }
                // Stack frames are texts and integers only: through `check`, a call each, the
                // ~8 KB documents ran 9% slower (median of seven alternated `compare` pairs on
                // an AMD EPYC Zen 5).
                Some(Spec::Text) if self.s.at_quote() => {
                    self.s.string()?;
                }
                Some(Spec::Int | Spec::IntOrNull) if self.s.at_number() => {
                    let n = self.s.number()?;
                    if !n.integer {
                        self.not_integer(&Path::Key(path, key), n);
                    }
                }
                Some(spec) => self.value(&Path::Key(path, key), spec)?,
                None => self.s.skip()?,
            }
        }
        Ok(())
    }

    #[cold]
    fn not_integer(&mut self, path: &Path<'_, 'a>, n: crate::scan::Num<'a>) {
        emit!(
            self,
            Code::FieldType,
            path,
            None,
            Some(n.start),
            [
                "expected an integer, found ",
                String::from_utf8_lossy(n.raw)
            ]
        );
    }

    /// An array whose items follow `item`.
    pub(crate) fn array(&mut self, path: &Path<'_, 'a>, item: &Spec) -> Result<(), Stop> {
        self.s.enter()?;
        let mut first = true;
        let mut i = 0;
        while self.s.next_item(&mut first)? {
            self.value(&Path::Index(path, i), item)?;
            i += 1;
        }
        Ok(())
    }
}

fn expected(spec: &Spec) -> &'static str {
    match spec {
        Spec::Str | Spec::Text | Spec::OneOf(..) => "a string",
        Spec::Bool => "a boolean",
        Spec::Int => "an integer",
        Spec::IntOrNull => "an integer or null",
        Spec::Number => "a number",
        Spec::Any => "any value",
        Spec::Obj(_) => "an object",
        Spec::StrArray => "an array of strings",
        Spec::ObjArray(_) => "an array of objects",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Names of every length from 1 to 20 bytes, sharing their first bytes.
    const NAMES: [&str; 20] = [
        "a",
        "ab",
        "abc",
        "abcd",
        "abcde",
        "abcdef",
        "abcdefg",
        "abcdefgh",
        "abcdefghi",
        "abcdefghij",
        "abcdefghijk",
        "abcdefghijkl",
        "abcdefghijklm",
        "abcdefghijklmn",
        "abcdefghijklmno",
        "abcdefghijklmnop",
        "abcdefghijklmnopq",
        "abcdefghijklmnopqr",
        "abcdefghijklmnopqrs",
        "abcdefghijklmnopqrst",
    ];
    static TABLE: [Member; 20] = {
        let mut t = [member("", Spec::Any); 20];
        let mut i = 0;
        while i < 20 {
            t[i] = member(NAMES[i], Spec::Any);
            i += 1;
        }
        t
    };

    #[test]
    fn members_are_found_by_their_prefix_and_no_other() {
        let Spec::Obj(aws) = super::super::aws::AWS else {
            panic!("aws is an object")
        };
        let Some(Spec::Obj(ecs)) = lookup(aws, b"ecs") else {
            panic!("ecs is an object")
        };
        for table in [aws, ecs, &TABLE[..]] {
            for (at, m) in table.iter().enumerate() {
                let name = std::str::from_utf8(m.name).unwrap();
                let read = |text: &str| {
                    let mut s = Scanner::new(text.as_bytes());
                    let found =
                        super::by_prefix(&mut s, table).map(|(at, key)| (at, key.raw.to_vec()));
                    (found, s.i)
                };
                let text = format!(r#""{name}":1}}                "#);
                // Members too long to guess are read the ordinary way, and so are names of one
                // byte, whose fourth byte would be the value's.
                let expected = (m.guess.is_some() && name.len() > 1)
                    .then(|| ((at, m.name.to_vec()), name.len() + 3));
                assert_eq!(
                    read(&text),
                    expected.map_or((None, 0), |(f, i)| (Some(f), i)),
                    "{name}"
                );
                for near in [
                    format!(r#""{name}x":1}}                "#),
                    format!(r#""{name}" :1}}                "#),
                    format!(r#""{name}\u0041":1}}            "#),
                ] {
                    // Unless the near name is a member itself (`container` and `container_id`).
                    let (found, i) = read(&near);
                    assert!(
                        found.as_ref().is_none_or(|(other, _)| *other != at),
                        "{near}"
                    );
                    assert_eq!(found.is_none(), i == 0, "{near}");
                }
            }
        }
    }

    #[test]
    fn members_guessed_from_another_order_change_nothing() {
        // Trained on one member order, read in others: reordered, repeated, unknown, escaped
        // and spaced members, and a wrong type where the guess was right before.
        let seg = |http: &str| {
            format!(
                r#"{{"name":"s","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1,"end_time":2,"http":{http},"aws":{{"xray":{{"sdk":"x","sdk_version":"1"}},"ecs":{{"container":"c"}}}}}}"#
            )
        };
        let docs = [
            seg(r#"{"request":{"method":"GET","url":"u"},"response":{"status":200}}"#),
            seg(r#"{"response":{"status":200},"request":{"url":"u","method":"GET"}}"#),
            seg(r#"{"request":{"method":"GET","method":7,"x":1,"url":"u"}}"#),
            seg(r#"{"request":{"m\u0065thod":"GET","url" :"u"},"response":{"status":2.5}}"#),
            seg(r#"{"request":{"method":["GET"],"url":"u"},"response":{"status":"200"}}"#),
            seg(r#"{"request":{"metho":"GET","methods":"GET","url":"u"}}"#),
        ];
        let mut reused = crate::Report::default();
        for _ in 0..2 {
            for doc in &docs {
                crate::validate_into(doc.as_bytes(), &mut reused);
                assert_eq!(reused, crate::validate(doc.as_bytes()), "{doc}");
            }
        }
    }

    #[test]
    fn string_length_counts_characters_at_the_limit() {
        // Two-, three- and four-byte characters, raw and as escapes: over the limit in bytes
        // long before it is in characters.
        for unit in [
            "\u{e9}",
            "\u{65e5}",
            "\u{1F600}",
            "\\u00e9",
            "\\ud83d\\ude00",
            "a",
        ] {
            for n in [MAX_STRING_CHARS - 1, MAX_STRING_CHARS, MAX_STRING_CHARS + 1] {
                let doc = format!(
                    r#"{{"name":"s","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1,"end_time":2,"http":{{"request":{{"url":"{}"}}}}}}"#,
                    unit.repeat(n)
                );
                let codes = crate::validate(doc.as_bytes()).codes();
                let flagged = codes.contains(&crate::Code::StringLength);
                assert_eq!(flagged, n > MAX_STRING_CHARS, "{n} x {unit}: {codes:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn lookup_finds_exactly_the_names_in_the_table(name in 0usize..20, at in 0usize..20, byte in b'a'..=b'z') {
            // A table name, perhaps with one byte changed: found exactly when it is still one.
            let mut key = NAMES[name].as_bytes().to_vec();
            let at = at % key.len();
            key[at] = byte;
            let found = lookup(&TABLE, &key).is_some();
            prop_assert_eq!(found, NAMES.iter().any(|n| n.as_bytes() == key.as_slice()), "{:?}", String::from_utf8_lossy(&key));
        }

        #[test]
        fn a_key_read_in_place_has_the_fingerprint_of_its_text(key in "[a-z_\u{e9}]{0,12}", after in "[\"x:]{0,12}") {
            let doc = format!("\"{key}\"{after}");
            let k = Str { raw: &doc.as_bytes()[1..1 + key.len()], escaped: false, start: 0 };
            prop_assert_eq!(fingerprint_in(doc.as_bytes(), k), fingerprint(key.as_bytes()));
        }
    }
}
