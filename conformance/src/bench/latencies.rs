//! Latencies kept in an HDR histogram rather than as samples.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;

use super::{MAX_DURATION_SECS, REQUEST_TIMEOUT};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p99_9: f64,
    pub max: f64,
    pub mean: f64,
}

/// The longest latency told apart, in microseconds: a request due at the start of the longest
/// run and answered at its timeout after the end. Longer ones count as this.
pub const LATENCY_CEILING_US: u64 =
    (MAX_DURATION_SECS as u64 + REQUEST_TIMEOUT.as_secs()) * 1_000_000;

/// Latencies in an HDR histogram: three significant digits (0.1%), and the same few hundred
/// KB for a 1 s run as for 10 minutes at 100,000 requests/s, which as a list of samples would
/// be 480 MB.
pub struct Latencies(hdrhistogram::Histogram<u64>);

impl Default for Latencies {
    fn default() -> Self {
        Latencies(
            hdrhistogram::Histogram::new_with_bounds(1, LATENCY_CEILING_US, 3)
                .expect("constant bounds, valid for hdrhistogram"),
        )
    }
}

impl Latencies {
    pub fn record(&mut self, latency: Duration) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.0.saturating_record(us);
    }

    pub fn add(&mut self, other: &Latencies) {
        // Same bounds on both sides, so adding cannot fail.
        let _ = self.0.add(&other.0);
    }

    /// Percentiles, maximum and mean in milliseconds; all zero without a sample.
    pub fn summary(&self) -> Latency {
        let h = &self.0;
        if h.is_empty() {
            return Latency {
                p50: 0.0,
                p90: 0.0,
                p99: 0.0,
                p99_9: 0.0,
                max: 0.0,
                mean: 0.0,
            };
        }
        Latency {
            p50: ms(h.value_at_quantile(0.50)),
            p90: ms(h.value_at_quantile(0.90)),
            p99: ms(h.value_at_quantile(0.99)),
            p99_9: ms(h.value_at_quantile(0.999)),
            max: ms(h.max()),
            mean: h.mean() / 1000.0,
        }
    }
}

/// Microseconds, as the histogram counts them, in milliseconds.
fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// Quantile steps per halving of the distance to 100%: five, as HdrHistogram's own tools print.
const TICKS_PER_HALF_DISTANCE: u32 = 5;

impl Latencies {
    /// The distribution in HdrHistogram's percentile text (an `.hgrm` file, in milliseconds),
    /// as wrk2 prints it and HdrHistogram's plotter reads it: value, percentile, count so far
    /// and 1/(1-percentile) at quantile steps, then mean, deviation, maximum and count.
    pub fn write_hgrm(&self, out: &mut impl Write) -> std::io::Result<()> {
        let h = &self.0;
        writeln!(
            out,
            "{:>12} {:>14} {:>10} {:>14}\n",
            "Value", "Percentile", "TotalCount", "1/(1-Percentile)"
        )?;
        let mut total = 0u64;
        for v in h.iter_quantiles(TICKS_PER_HALF_DISTANCE) {
            total += v.count_since_last_iteration();
            let q = v.quantile_iterated_to();
            let value = ms(v.value_iterated_to());
            if q < 1.0 {
                writeln!(
                    out,
                    "{value:12.3} {q:2.12} {total:10} {:14.2}",
                    1.0 / (1.0 - q)
                )?;
            } else {
                writeln!(out, "{value:12.3} {q:2.12} {total:10}")?;
            }
        }
        writeln!(
            out,
            "#[Mean    = {:12.3}, StdDeviation   = {:12.3}]",
            h.mean() / 1000.0,
            h.stdev() / 1000.0
        )?;
        writeln!(
            out,
            "#[Max     = {:12.3}, Total count    = {:12}]",
            ms(h.max()),
            h.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_to_three_digits_up_to_the_ceiling() {
        let mut l = Latencies::default();
        assert_eq!(
            l.summary(),
            Latency {
                p50: 0.0,
                p90: 0.0,
                p99: 0.0,
                p99_9: 0.0,
                max: 0.0,
                mean: 0.0
            }
        );
        for ms in 1..=100 {
            l.record(Duration::from_millis(ms));
        }
        let s = l.summary();
        let near = |got: f64, want: f64| (got - want).abs() <= want / 1000.0;
        assert!(
            near(s.p50, 50.0) && near(s.p90, 90.0) && near(s.p99, 99.0),
            "{s:?}"
        );
        assert!(near(s.max, 100.0) && near(s.mean, 50.5), "{s:?}");
        // Two workers' histograms add up to what one would have recorded.
        let mut other = Latencies::default();
        other.record(Duration::from_millis(1000));
        l.add(&other);
        assert!(near(l.summary().max, 1000.0), "{:?}", l.summary());
        // At the ceiling and past it, a latency counts as the ceiling.
        let ceiling = Duration::from_micros(LATENCY_CEILING_US);
        for (latency, want) in [
            (ceiling - Duration::from_micros(1), LATENCY_CEILING_US - 1),
            (ceiling, LATENCY_CEILING_US),
            (ceiling + Duration::from_micros(1), LATENCY_CEILING_US),
            (Duration::MAX, LATENCY_CEILING_US),
        ] {
            let mut one = Latencies::default();
            one.record(latency);
            let max = one.summary().max * 1000.0;
            assert!(
                (max - want as f64).abs() <= want as f64 / 1000.0,
                "{latency:?}: {max}"
            );
        }
    }

    /// The `.hgrm` text, read back: (value, percentile, total count) per line, and the
    /// maximum and count of the footer.
    fn read_hgrm(l: &Latencies) -> (Vec<(f64, f64, u64)>, f64, u64) {
        let mut out = Vec::new();
        l.write_hgrm(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert!(
            lines.next().unwrap().trim_start().starts_with("Value"),
            "{text}"
        );
        assert_eq!(lines.next(), Some(""), "{text}");
        let mut rows = Vec::new();
        let (mut max, mut count) = (f64::NAN, u64::MAX);
        for line in lines {
            if let Some(rest) = line.strip_prefix("#[Max     = ") {
                let (m, c) = rest
                    .trim_end_matches(']')
                    .split_once(", Total count    = ")
                    .unwrap();
                (max, count) = (m.trim().parse().unwrap(), c.trim().parse().unwrap());
            } else if !line.starts_with('#') {
                let f: Vec<&str> = line.split_whitespace().collect();
                assert!(f.len() == 4 || f.len() == 3, "{line}");
                rows.push((
                    f[0].parse().unwrap(),
                    f[1].parse().unwrap(),
                    f[2].parse().unwrap(),
                ));
            }
        }
        (rows, max, count)
    }

    #[test]
    fn the_hgrm_file_climbs_to_every_latency_recorded() {
        let mut l = Latencies::default();
        for ms in 1..=100 {
            l.record(Duration::from_millis(ms));
        }
        let (rows, max, count) = read_hgrm(&l);
        assert!(rows.len() > 10, "{rows:?}");
        assert!(
            rows.windows(2)
                .all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1 && w[0].2 <= w[1].2),
            "{rows:?}"
        );
        let last = rows.last().unwrap();
        assert_eq!((last.1, last.2), (1.0, 100), "{rows:?}");
        assert!(
            (last.0 - 100.0).abs() <= 0.1 && (max - 100.0).abs() <= 0.1,
            "{rows:?}"
        );
        assert_eq!(count, 100);
        // The median row reads about 50 ms, to the histogram's 0.1%.
        let median = rows.iter().find(|r| r.1 >= 0.5).unwrap();
        assert!((median.0 - 50.0).abs() <= 0.05, "{median:?}");
        // Nothing recorded: the header and the footer, no row.
        let (rows, _, count) = read_hgrm(&Latencies::default());
        assert!(rows.is_empty() && count == 0, "{rows:?}");
    }
}
