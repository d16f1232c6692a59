//! `http` (spec 1.4): all members optional; the request strings follow the 250-character
//! guidance; `content_length` is typed "any" because SDKs send strings.

use super::fields::Spec::{self, *};
use super::fields::{member, Member};

const REQUEST: &[Member] = &[
    member("method", Str),
    member("url", Str),
    member("user_agent", Str),
    member("client_ip", Str),
    member("x_forwarded_for", Bool),
    member("traced", Bool),
];

const RESPONSE: &[Member] = &[member("status", Int), member("content_length", Any)];

pub(crate) const HTTP: Spec = Obj(&[
    member("request", Obj(REQUEST)),
    member("response", Obj(RESPONSE)),
]);
