//! `sql` (spec 1.9): optional strings; `sanitized_query` has no length guidance because real
//! queries are long; `preparation` is `call` or `statement`.

use super::fields::Spec::{self, *};
use crate::codes::Code;

pub(crate) const SQL: Spec = Obj(&[
    ("connection_string", Str),
    ("url", Str),
    ("sanitized_query", Text),
    ("database_type", Str),
    ("database_version", Str),
    ("driver_version", Str),
    ("user", Str),
    (
        "preparation",
        OneOf(&["call", "statement"], Code::SqlPreparation),
    ),
]);

/// `service` (spec 1.2): SDKs add `compiler`, `compiler_version` and more; only `version` is
/// documented.
pub(crate) const SERVICE: Spec = Obj(&[("version", Str)]);
