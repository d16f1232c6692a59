//! `http` (spec 1.4): all members optional; the request strings follow the 250-character
//! guidance; `content_length` is typed "any" because SDKs send strings.

use super::fields::Spec::{self, *};

const REQUEST: &[(&str, Spec)] = &[
    ("method", Str),
    ("url", Str),
    ("user_agent", Str),
    ("client_ip", Str),
    ("x_forwarded_for", Bool),
    ("traced", Bool),
];

const RESPONSE: &[(&str, Spec)] = &[("status", Int), ("content_length", Any)];

pub(crate) const HTTP: Spec = Obj(&[("request", Obj(REQUEST)), ("response", Obj(RESPONSE))]);
