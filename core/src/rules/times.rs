//! Epoch times (spec 1.2): `start_time` and `end_time` are numbers of seconds, positive, and
//! the end is not before the start. Times are compared far more often than their values are
//! needed, so a plain decimal is kept as text.

use crate::codes::Code;
use crate::path::Path;
use crate::scan::{Kind, Num, Stop};
use crate::validator::Validator;

/// A time that is a finite double: kept as its text when that is a plain decimal, which
/// compares without converting (`Num::cmp_plain`); converted when read otherwise.
#[derive(Clone, Copy)]
pub(crate) enum Time<'a> {
    Text(Num<'a>),
    Double(f64),
}

impl Time<'_> {
    pub fn value(self) -> f64 {
        match self {
            // A plain number always converts; NaN is never reached.
            Time::Text(n) => n.to_f64().unwrap_or(f64::NAN),
            Time::Double(v) => v,
        }
    }

    pub fn before(self, other: Time<'_>) -> bool {
        if let (Time::Text(a), Time::Text(b)) = (self, other) {
            if let Some(order) = a.cmp_plain(b) {
                return order.is_lt();
            }
        }
        self.value() < other.value()
    }
}

impl<'a> Validator<'a, '_> {
    /// A time in epoch seconds; returns it when its value is a finite double.
    pub(crate) fn time(&mut self, p: &Path<'_, 'a>, code: Code) -> Result<Option<Time<'a>>, Stop> {
        let kind = self.s.kind()?;
        if kind != Kind::Number {
            return self.wrong_kind(p, kind, code, "a number").map(|()| None);
        }
        let n: Num<'a> = self.s.decimal()?;
        let (time, at_most_zero) = if n.plain {
            (Time::Text(n), n.plain_at_most_zero())
        } else {
            let Some(v) = n.to_f64() else {
                let msg = format!(
                    "{} is outside the range of a double",
                    String::from_utf8_lossy(n.raw)
                );
                self.emit(code, p, None, Some(n.start), msg);
                return Ok(None);
            };
            (Time::Double(v), v <= 0.0)
        };
        if at_most_zero {
            let msg = format!(
                "{} is not a positive epoch time",
                String::from_utf8_lossy(n.raw)
            );
            self.emit(Code::TimeRange, p, None, Some(n.start), msg);
        }
        Ok(Some(time))
    }
}
