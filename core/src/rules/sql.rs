//! `sql` (spec 1.9): optional strings; `sanitized_query` has no length guidance because real
//! queries are long; `preparation` is `call` or `statement`.

use super::fields::member;
use super::fields::Spec::{self, *};
use crate::codes::Code;

pub(crate) const SQL: Spec = Obj(&[
    member("connection_string", Str),
    member("url", Str),
    member("sanitized_query", Text),
    member("database_type", Str),
    member("database_version", Str),
    member("driver_version", Str),
    member("user", Str),
    member(
        "preparation",
        OneOf(&["call", "statement"], Code::SqlPreparation),
    ),
]);

/// `service` (spec 1.2): SDKs add `compiler`, `compiler_version` and more; only `version` is
/// documented.
pub(crate) const SERVICE: Spec = Obj(&[member("version", Str)]);
