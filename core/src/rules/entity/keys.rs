//! The keys of segments and subsegments: which field each names, and the order in which the
//! documents before had them, to guess the next.

use crate::scan::{KeyGuess, Scanner, Str, NO_SUCCESSOR};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Field {
    Id,
    TraceId,
    ParentId,
    Type,
    Name,
    StartTime,
    EndTime,
    InProgress,
    Error,
    Throttle,
    Fault,
    User,
    Origin,
    ResourceArn,
    Namespace,
    Service,
    Http,
    Aws,
    Sql,
    Cause,
    Annotations,
    Metadata,
    Subsegments,
    PrecursorIds,
    Traced,
}

/// Every field with its key, by discriminant. `field()` says the same as a match, which is
/// faster; a test holds the two together.
const FIELDS: [(Field, &str); FIELD_COUNT] = [
    (Field::Id, "id"),
    (Field::TraceId, "trace_id"),
    (Field::ParentId, "parent_id"),
    (Field::Type, "type"),
    (Field::Name, "name"),
    (Field::StartTime, "start_time"),
    (Field::EndTime, "end_time"),
    (Field::InProgress, "in_progress"),
    (Field::Error, "error"),
    (Field::Throttle, "throttle"),
    (Field::Fault, "fault"),
    (Field::User, "user"),
    (Field::Origin, "origin"),
    (Field::ResourceArn, "resource_arn"),
    (Field::Namespace, "namespace"),
    (Field::Service, "service"),
    (Field::Http, "http"),
    (Field::Aws, "aws"),
    (Field::Sql, "sql"),
    (Field::Cause, "cause"),
    (Field::Annotations, "annotations"),
    (Field::Metadata, "metadata"),
    (Field::Subsegments, "subsegments"),
    (Field::PrecursorIds, "precursor_ids"),
    (Field::Traced, "traced"),
];
const FIELD_COUNT: usize = 25;

static GUESSES: [Option<KeyGuess>; FIELD_COUNT] = {
    let mut g = [const { None }; FIELD_COUNT];
    let mut i = 0;
    while i < FIELD_COUNT {
        g[i] = KeyGuess::new(FIELDS[i].1.as_bytes());
        i += 1;
    }
    g
};

/// The multiplier of the hash that sends the first four bytes of each entity key
/// ([`KeyGuess::prefix`]) to a slot of its own in [`BY_PREFIX`], found by search; a key that
/// would share a slot with another prefix fails the build.
const PREFIX_HASH: u32 = 0x3d91_065b;
const PREFIX_SLOT_BITS: u32 = 5;

#[inline(always)]
const fn prefix_slot(prefix: u32) -> usize {
    (prefix.wrapping_mul(PREFIX_HASH) >> (32 - PREFIX_SLOT_BITS)) as usize
}

/// Each field's [`KeyGuess::prefix`].
static PREFIXES: [u32; FIELD_COUNT] = {
    let mut p = [0; FIELD_COUNT];
    let mut i = 0;
    while i < FIELD_COUNT {
        p[i] = match KeyGuess::new(FIELDS[i].1.as_bytes()) {
            Some(g) => g.prefix(),
            None => panic!("every entity key is guessed"),
        };
        i += 1;
    }
    p
};

/// By slot, the first field (by discriminant) whose prefix hashes there; `NO_SUCCESSOR` for
/// none. And by field, the next field with the same prefix (`name` and `namespace`,
/// `trace_id` and `traced`), or `NO_SUCCESSOR`.
static BY_PREFIX: ([u8; 1 << PREFIX_SLOT_BITS], [u8; FIELD_COUNT]) = {
    let mut slots = [NO_SUCCESSOR; 1 << PREFIX_SLOT_BITS];
    let mut same = [NO_SUCCESSOR; FIELD_COUNT];
    let mut i = FIELD_COUNT;
    // From the last field down, so that each slot ends with its first field.
    while i > 0 {
        i -= 1;
        let slot = prefix_slot(PREFIXES[i]);
        let there = slots[slot] as usize;
        if there != NO_SUCCESSOR as usize {
            assert!(PREFIXES[there] == PREFIXES[i], "two prefixes share a slot");
            same[i] = there as u8;
        }
        slots[slot] = i as u8;
    }
    (slots, same)
};

/// The field whose key is at the cursor (on its quote), found by the key's first four bytes
/// and confirmed whole, without searching for the key's end: for keys that no learnt order
/// foresaw, as in a report's first document. `None`, the cursor unmoved, for any other key.
#[inline(always)]
pub(super) fn by_prefix<'a>(s: &mut Scanner<'a>) -> Option<(Field, Str<'a>)> {
    let prefix = s.key_prefix()?;
    let mut at = usize::from(BY_PREFIX.0[prefix_slot(prefix)]);
    // At most two turns: no three keys share a prefix.
    while let (Some(&p), Some(Some(g))) = (PREFIXES.get(at), GUESSES.get(at)) {
        if p == prefix {
            if let Some(key) = s.guessed_key(g) {
                return Some((FIELDS[at].0, key));
            }
        }
        at = usize::from(BY_PREFIX.1[at]);
    }
    None
}

/// Where an entity's keys start, in [`KeyOrder`]: before its first key.
pub(super) const ENTITY_START: usize = FIELD_COUNT;

/// Per entity key, the entity key that followed it last (by discriminant), for segments and
/// independent subsegments apart from embedded subsegments, whose keys differ. Kept from one
/// document to the next by the report: a producer writes its keys in one order.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct KeyOrder([[u8; FIELD_COUNT + 1]; 2]);

impl Default for KeyOrder {
    fn default() -> KeyOrder {
        KeyOrder([[NO_SUCCESSOR; FIELD_COUNT + 1]; 2])
    }
}

impl KeyOrder {
    /// The key guessed after `prev` (a field's discriminant or `ENTITY_START`).
    #[inline(always)]
    pub(super) fn guess(&self, top: bool, prev: usize) -> Option<(Field, &'static KeyGuess)> {
        let next = usize::from(self.0[usize::from(!top)][prev]);
        let (f, _) = FIELDS.get(next)?;
        Some((*f, GUESSES[next].as_ref()?))
    }

    #[inline(always)]
    pub(super) fn learn(&mut self, top: bool, prev: usize, f: Field) {
        self.0[usize::from(!top)][prev] = f as u8;
    }
}

// Inlined into `entity`, where the match on the key and the match on the field it gives
// become one: 170 fewer instructions per ~1 KB document than a call returning the field.
#[inline(always)]
pub(super) fn field(key: &[u8]) -> Option<Field> {
    Some(match key {
        b"id" => Field::Id,
        b"trace_id" => Field::TraceId,
        b"parent_id" => Field::ParentId,
        b"type" => Field::Type,
        b"name" => Field::Name,
        b"start_time" => Field::StartTime,
        b"end_time" => Field::EndTime,
        b"in_progress" => Field::InProgress,
        b"error" => Field::Error,
        b"throttle" => Field::Throttle,
        b"fault" => Field::Fault,
        b"user" => Field::User,
        b"origin" => Field::Origin,
        b"resource_arn" => Field::ResourceArn,
        b"namespace" => Field::Namespace,
        b"service" => Field::Service,
        b"http" => Field::Http,
        b"aws" => Field::Aws,
        b"sql" => Field::Sql,
        b"cause" => Field::Cause,
        b"annotations" => Field::Annotations,
        b"metadata" => Field::Metadata,
        b"subsegments" => Field::Subsegments,
        b"precursor_ids" => Field::PrecursorIds,
        b"traced" => Field::Traced,
        _ => return None,
    })
}

impl Field {
    pub(super) fn key(self) -> &'static str {
        FIELDS[self as usize].1
    }
    pub(super) fn segment_only(self) -> bool {
        matches!(
            self,
            Field::Service | Field::User | Field::Origin | Field::ResourceArn
        )
    }
    pub(super) fn subsegment_only(self) -> bool {
        matches!(
            self,
            Field::Namespace | Field::PrecursorIds | Field::Sql | Field::Traced
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{by_prefix, field, FIELDS, GUESSES};
    use crate::scan::Scanner;

    /// What `by_prefix` finds at the start of `text`, and where it leaves the cursor.
    fn found(text: &str) -> (Option<&'static str>, usize) {
        let mut s = Scanner::new(text.as_bytes());
        let f = by_prefix(&mut s).map(|(f, key)| {
            assert_eq!(key.raw, f.key().as_bytes());
            f.key()
        });
        (f, s.i)
    }

    #[test]
    fn every_key_is_found_by_its_prefix_and_no_other() {
        for (_, key) in FIELDS {
            let text = format!(r#""{key}":1,"x":2}}               "#);
            assert_eq!(found(&text), (Some(key), key.len() + 3), "{key}");
            // Keys that start alike, or are spaced, escaped or cut short: not found, the
            // cursor unmoved.
            for near in [
                format!(r#""{key}x":1}}                "#),
                format!(r#""{key}" :1}}                "#),
                format!(r#""{}":1}}                "#, &key[..key.len() - 1]),
                format!(r#""{key}\u0041":1}}            "#),
                format!(r#""{key}":"#),
            ] {
                assert_eq!(found(&near), (None, 0), "{near}");
            }
        }
        // Keys that share their first four bytes.
        assert_eq!(
            found(r#""namespace":"aws"}               "#).0,
            Some("namespace")
        );
        assert_eq!(
            found(r#""traced":true}                   "#).0,
            Some("traced")
        );
    }

    #[test]
    fn the_field_table_says_what_the_match_says() {
        for (i, (f, key)) in FIELDS.iter().enumerate() {
            assert_eq!(*f as usize, i, "{f:?} out of place");
            assert_eq!(field(key.as_bytes()), Some(*f));
            assert_eq!(f.key(), *key);
            // Every entity key is short enough to be guessed.
            assert!(GUESSES[i].is_some(), "{f:?}");
        }
    }
}
