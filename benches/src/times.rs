//! The corpora with their epoch times written as producers write them. The generator's times
//! have at most 15 digits (as the Node.js SDK's milliseconds), which the validator compares
//! by their text; Python's `time.time()` and Go's float64 seconds give 16 or 17 digits, and
//! X-Ray's guide writes 1.480615200010E9, as Java's `Double.toString` does.

use serde_json::Value;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TimeForm {
    /// As generated: 1700000275.413.
    Short,
    /// Shortest round-trip text of a double with sub-millisecond digits: 1700000275.4130123.
    Long,
    /// `Long` with the point after the first digit: 1.7000002754130123E9.
    Exponent,
}

impl std::str::FromStr for TimeForm {
    type Err = String;
    fn from_str(s: &str) -> Result<TimeForm, String> {
        match s {
            "short" => Ok(TimeForm::Short),
            "long" => Ok(TimeForm::Long),
            "exponent" => Ok(TimeForm::Exponent),
            _ => Err(format!("{s:?} is not a time form: short, long or exponent")),
        }
    }
}

const TIME_KEYS: [&str; 2] = ["start_time", "end_time"];

/// The corpus with every `start_time` and `end_time` written in `form`. `Long` and
/// `Exponent` add under 0.1 ms to each time, less than any gap between a start and its end.
pub fn with_times(corpus: &[Vec<u8>], form: TimeForm) -> Vec<Vec<u8>> {
    let mut count = 0u64;
    corpus
        .iter()
        .map(|d| {
            if form == TimeForm::Short {
                return d.clone();
            }
            let mut v: Value = serde_json::from_slice(d).unwrap_or_default();
            lengthen(&mut v, &mut count);
            let text = serde_json::to_string(&v).unwrap_or_default();
            match form {
                TimeForm::Exponent => with_exponents(&text),
                _ => text,
            }
            .into_bytes()
        })
        .collect()
}

/// Adds up to 0.1 ms to each time, varied from one time to the next, so that its text has 16
/// or 17 digits.
fn lengthen(v: &mut Value, count: &mut u64) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                match x.as_f64() {
                    Some(t) if TIME_KEYS.contains(&k.as_str()) => {
                        *count += 1;
                        // Steps of a quarter of a microsecond, a double's unit there or more.
                        let mut long = t + (*count * 7919 % 397 + 1) as f64 * 2.5e-7;
                        // A few doubles there have a text of 15 digits or fewer: the next one.
                        for _ in 0..10 {
                            if long.to_string().len() > 16 {
                                break;
                            }
                            long = f64::from_bits(long.to_bits() + 1);
                        }
                        *x = serde_json::json!(long);
                    }
                    _ => lengthen(x, count),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| lengthen(x, count)),
        _ => {}
    }
}

/// `text` with each time's number rewritten with its point after the first digit and an
/// exponent: `"start_time":1700000275.4130123` becomes `"start_time":1.7000002754130123E9`.
fn with_exponents(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(at) = TIME_KEYS
        .iter()
        .filter_map(|k| rest.find(&format!("\"{k}\":")).map(|i| i + k.len() + 3))
        .min()
    {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (int, fraction) = rest[..end].split_once('.').unwrap_or((&rest[..end], ""));
        out.push_str(&format!(
            "{}.{}{fraction}E{}",
            &int[..1],
            &int[1..],
            int.len() - 1
        ));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every time in a document, as text.
    fn times(doc: &[u8]) -> Vec<String> {
        let text = std::str::from_utf8(doc).unwrap();
        let mut starts: Vec<usize> = TIME_KEYS
            .iter()
            .flat_map(|k| {
                let key = format!("\"{k}\":");
                text.match_indices(&key)
                    .map(|(i, m)| i + m.len())
                    .collect::<Vec<_>>()
            })
            .collect();
        starts.sort();
        starts
            .into_iter()
            .map(|at| {
                let rest = &text[at..];
                let end = rest.find([',', '}']).unwrap();
                rest[..end].to_string()
            })
            .collect()
    }

    #[test]
    fn times_keep_their_value_and_order_in_each_form() {
        let short = crate::corpus(crate::MEDIUM_BYTES, 42);
        let long = with_times(&short, TimeForm::Long);
        let exponent = with_times(&short, TimeForm::Exponent);
        assert_eq!(with_times(&short, TimeForm::Short), short);
        for ((s, l), e) in short.iter().zip(&long).zip(&exponent) {
            let (ts, tl, te) = (times(s), times(l), times(e));
            assert_eq!(
                (ts.len(), tl.len(), te.len()),
                (ts.len(), ts.len(), ts.len())
            );
            assert!(!ts.is_empty());
            for ((s, l), e) in ts.iter().zip(&tl).zip(&te) {
                let (vs, vl, ve): (f64, f64, f64) =
                    (s.parse().unwrap(), l.parse().unwrap(), e.parse().unwrap());
                assert!(vl > vs && vl - vs < 1e-4, "{s} {l}");
                assert_eq!(vl, ve, "{l} {e}");
                assert!(l.len() >= 17 && !l.contains('E'), "{l}");
                assert!(e.starts_with("1.7") && e.ends_with("E9"), "{e}");
            }
            // Every form validates as the generated one does: no time out of order.
            for d in [l, e] {
                let report = xray_segment::validate(d);
                assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
            }
        }
    }

    #[test]
    fn a_time_form_is_one_of_three_names() {
        assert_eq!("long".parse(), Ok(TimeForm::Long));
        assert_eq!("exponent".parse(), Ok(TimeForm::Exponent));
        assert_eq!("short".parse(), Ok(TimeForm::Short));
        assert!("Long".parse::<TimeForm>().is_err());
    }
}
