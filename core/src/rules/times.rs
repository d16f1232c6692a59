//! Epoch times (spec 1.2): `start_time` and `end_time` are numbers of seconds, positive, and
//! the end is not before the start. Times are compared far more often than their values are
//! needed, so a plain decimal is kept as text.

use crate::codes::Code;
use crate::path::Path;
use crate::scan::{parsed, Decimal, Kind, Num, Stop};
use crate::validator::{emit, Validator};

/// A time that is a finite double: kept as its text when that is a decimal of at most 15
/// digits, which compares without converting (`Num::cmp_plain`); held exactly when it is a
/// longer number of at least 1, perhaps with a positive exponent (`Num::exact`), which
/// compares exactly when far enough apart (`Decimal::cmp`); converted otherwise.
#[derive(Clone, Copy)]
pub(crate) enum Time<'a> {
    Text(Num<'a>),
    /// Read once, when the time is: its text is kept for the rare value past a double's
    /// exact integers.
    Exact(Decimal, &'a [u8]),
    Double(f64),
}

impl<'a> Time<'a> {
    pub fn value(&self) -> f64 {
        match self {
            // Times kept as text or held exactly always convert; NaN is never reached.
            Time::Text(n) => n.to_f64().unwrap_or(f64::NAN),
            Time::Exact(d, raw) => d.to_f64().or_else(|| parsed(raw)).unwrap_or(f64::NAN),
            Time::Double(v) => *v,
        }
    }

    fn exact(&self) -> Option<Decimal> {
        match self {
            Time::Text(n) => n.exact(),
            Time::Exact(d, _) => Some(*d),
            Time::Double(_) => None,
        }
    }

    pub fn before(&self, other: &Time<'_>) -> bool {
        if let (Time::Text(a), Time::Text(b)) = (self, other) {
            if let Some(order) = a.cmp_plain(*b) {
                return order.is_lt();
            }
        }
        if let (Some(a), Some(b)) = (self.exact(), other.exact()) {
            if let Some(order) = a.cmp(b) {
                return order.is_lt();
            }
        }
        self.value() < other.value()
    }
}

impl<'a> Validator<'a, '_> {
    /// A time in epoch seconds; `out` becomes it when its value is a finite double, else
    /// `None`. Written in place rather than returned: the returned `Option<Time>` was copied
    /// in overlapping 16-byte pieces just after it was stored field by field, a
    /// store-forwarding stall per time (perf annotate; about 2% of the validator's time).
    pub(crate) fn time(
        &mut self,
        p: &Path<'_, 'a>,
        code: Code,
        out: &mut Option<Time<'a>>,
    ) -> Result<(), Stop> {
        *out = None;
        let kind = self.s.kind()?;
        if kind != Kind::Number {
            return self.wrong_kind(p, kind, code, "a number");
        }
        let n: Num<'a> = self.s.decimal()?;
        let (time, at_most_zero) = if n.plain {
            (Time::Text(n), n.plain_at_most_zero())
        } else if let Some(d) = n.exact() {
            (Time::Exact(d, n.raw), false)
        } else {
            let Some(v) = n.to_f64() else {
                emit!(
                    self,
                    code,
                    p,
                    None,
                    Some(n.start),
                    [
                        String::from_utf8_lossy(n.raw),
                        " is outside the range of a double"
                    ]
                );
                return Ok(());
            };
            (Time::Double(v), v <= 0.0)
        };
        if at_most_zero {
            emit!(
                self,
                Code::TimeRange,
                p,
                None,
                Some(n.start),
                [
                    String::from_utf8_lossy(n.raw),
                    " is not a positive epoch time"
                ]
            );
        }
        *out = Some(time);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::codes::Code;
    use crate::diagnostic::Report;
    use crate::validator::validate_into;
    use proptest::prelude::*;

    /// Whether end is before start, and the two values, as the validator finds them in a
    /// segment.
    fn read(start: &str, end: &str) -> (bool, Option<f64>, Option<f64>) {
        let doc = format!(
            r#"{{"name":"n","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":{start},"end_time":{end}}}"#
        );
        let mut report = Report::outlining();
        validate_into(doc.as_bytes(), &mut report);
        let o = &report.outline()[0];
        (
            report.codes().contains(&Code::TimeOrder),
            o.start_time,
            o.end_time,
        )
    }

    /// Decimals as SDKs write epoch times: up to 20 digits, most of them ten before the point.
    fn decimal() -> impl Strategy<Value = String> {
        let integer = prop_oneof![
            3 => Just(1_700_000_000u64),
            2 => 1u64..10_000_000_000,
            1 => 0u64..1000,
        ];
        (integer, 0usize..11, any::<u64>()).prop_map(|(int, width, fraction)| match width {
            0 => int.to_string(),
            _ => format!("{int}.{:0width$}", fraction % 10u64.pow(width as u32)),
        })
    }

    /// The decimal `text` as is (form 0), or with its point moved left `moved` places and an
    /// exponent that moves it back, as in X-Ray's guide (1.480615200010E9).
    fn with_exponent(text: &str, (moved, form): (usize, usize)) -> String {
        let (int, fraction) = text.split_once('.').unwrap_or((text, ""));
        let moved = moved.min(int.len() - 1);
        if form == 0 {
            return text.to_string();
        }
        let (head, tail) = int.split_at(int.len() - moved);
        let e = ["", "e", "E+", "E0"][form];
        let dot = if tail.is_empty() && fraction.is_empty() {
            ""
        } else {
            "."
        };
        format!("{head}{dot}{tail}{fraction}{e}{moved}")
    }

    /// Another time near `a`: a digit longer, its last digit moved by one, or the same.
    fn neighbour(a: String) -> impl Strategy<Value = (String, String)> {
        let longer = if a.contains('.') {
            format!("{a}7")
        } else {
            format!("{a}.7")
        };
        let mut bumped = a.clone().into_bytes();
        if let Some(last) = bumped.last_mut() {
            *last = if *last == b'9' { b'8' } else { *last + 1 };
        }
        let bumped = String::from_utf8(bumped).unwrap_or_default();
        let b = prop_oneof![decimal(), Just(longer), Just(bumped), Just(a.clone())];
        (Just(a), b)
    }

    /// Two near times, each perhaps written with an exponent.
    fn times() -> impl Strategy<Value = (String, String)> {
        let form = (0usize..12, 0usize..4);
        (decimal().prop_flat_map(neighbour), form.clone(), form)
            .prop_map(|((a, b), fa, fb)| (with_exponent(&a, fa), with_exponent(&b, fb)))
    }

    proptest! {
        #[test]
        fn times_order_and_convert_as_their_doubles_do((a, b) in times()) {
            let (fa, fb) = (a.parse::<f64>().unwrap(), b.parse::<f64>().unwrap());
            prop_assert_eq!(read(&a, &b), (fb < fa, Some(fa), Some(fb)), "{} {}", a, b);
            prop_assert_eq!(read(&b, &a), (fa < fb, Some(fb), Some(fa)), "{} {}", b, a);
        }
    }
}
