//! The keys of segments and subsegments: which field each names, and the order in which the
//! documents before had them, to guess the next.

use crate::scan::{KeyGuess, NO_SUCCESSOR};

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
    use super::{field, FIELDS, GUESSES};

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
