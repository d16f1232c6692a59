//! Latencies kept in an HDR histogram rather than as samples.

use std::time::Duration;

use serde::Serialize;

use super::{MAX_DURATION_SECS, REQUEST_TIMEOUT};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
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
        let ms = |us: u64| us as f64 / 1000.0;
        if h.is_empty() {
            return Latency {
                p50: 0.0,
                p90: 0.0,
                p99: 0.0,
                max: 0.0,
                mean: 0.0,
            };
        }
        Latency {
            p50: ms(h.value_at_quantile(0.50)),
            p90: ms(h.value_at_quantile(0.90)),
            p99: ms(h.value_at_quantile(0.99)),
            max: ms(h.max()),
            mean: h.mean() / 1000.0,
        }
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
}
