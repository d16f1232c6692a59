//! JSON pointers. The validator keeps the path to the current value as a linked list on the
//! stack, so nothing is allocated until a diagnostic needs its pointer.

use crate::scan::{unescape_into, Kind, Scanner, Str};

#[derive(Clone, Copy)]
pub(crate) enum Path<'p, 'a> {
    Root,
    Key(&'p Path<'p, 'a>, Str<'a>),
    Index(&'p Path<'p, 'a>, usize),
}

impl Path<'_, '_> {
    /// The RFC 6901 pointer, with `field` appended when given (for a missing member).
    pub fn render(&self, field: Option<&str>) -> String {
        let mut segments: Vec<String> = Vec::new();
        let mut at = self;
        loop {
            match at {
                Path::Root => break,
                Path::Key(parent, key) => {
                    let mut s = String::new();
                    unescape_into(key.raw, &mut s);
                    segments.push(s);
                    at = parent;
                }
                Path::Index(parent, i) => {
                    segments.push(i.to_string());
                    at = parent;
                }
            }
        }
        let mut out = String::new();
        for seg in segments.iter().rev().map(String::as_str).chain(field) {
            out.push('/');
            push_escaped(&mut out, seg);
        }
        out
    }
}

fn push_escaped(out: &mut String, seg: &str) {
    for c in seg.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// The pointer to the innermost value that starts at or contains `target`, for diagnostics
/// found by the scanner itself (which does not track paths). `doc` must be valid JSON.
pub(crate) fn pointer_to(doc: &[u8], target: usize) -> String {
    let mut s = Scanner::new(doc);
    let mut out = String::new();
    let mut key = String::new();
    'descend: loop {
        let Ok(kind) = s.kind() else { return out };
        if s.i >= target || !matches!(kind, Kind::Object | Kind::Array) {
            return out;
        }
        if s.enter().is_err() {
            return out;
        }
        let mut first = true;
        let mut index = 0usize;
        loop {
            let name = match kind {
                Kind::Object => match s.next_key(&mut first) {
                    Ok(Some(k)) => {
                        unescape_into(k.raw, &mut key);
                        Some(k)
                    }
                    _ => return out,
                },
                _ => match s.next_item(&mut first) {
                    Ok(true) => None,
                    _ => return out,
                },
            };
            s.ws();
            let value_start = s.i;
            if s.skip().is_err() {
                return out;
            }
            if value_start <= target && target < s.i {
                out.push('/');
                match name {
                    Some(_) => push_escaped(&mut out, &key),
                    None => out.push_str(&index.to_string()),
                }
                s.i = value_start;
                continue 'descend;
            }
            index += 1;
        }
    }
}
