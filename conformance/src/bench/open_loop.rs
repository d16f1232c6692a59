//! The open loop's schedule, and what its report says about it.

use std::time::Duration;

use super::MAX_CONCURRENCY;

/// A request that starts later than this after it was due is counted late.
pub const LATE_AFTER: Duration = Duration::from_millis(1);

/// The share of time workers may be busy before the advice to add some. Past about this
/// much, requests wait for a free worker often, and that wait (the generator's, not the
/// target's) grows quickly towards a full queue.
pub const BUSY_LIMIT: f64 = 0.8;

/// When the `k`-th request of an open loop at `rate` per second is due, from the start;
/// `Duration::MAX` when that is beyond any duration (a rate of 1e-300 per second).
pub fn due(k: u64, rate: f64) -> Duration {
    Duration::try_from_secs_f64(k as f64 / rate).unwrap_or(Duration::MAX)
}

/// How many requests an open loop at `rate` has due within `seconds`.
pub fn scheduled(rate: f64, seconds: f64) -> u64 {
    let end = Duration::from_secs_f64(seconds);
    let mut n = (rate * seconds).ceil() as u64;
    // The product may round across a whole number; settle it with `due` itself.
    while n > 0 && due(n - 1, rate) >= end {
        n -= 1;
    }
    while due(n, rate) < end {
        n += 1;
    }
    n
}

/// A rate as text: plain decimals for rates people ask for, an exponent for absurd ones
/// (1e-300 would otherwise print 300 digits).
pub fn rate_text(rate: f64) -> String {
    if (0.001..1e9).contains(&rate) {
        let text = format!("{rate:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{rate:e}")
    }
}

/// Tokio's timer counts in milliseconds, so the requests due within one start together: at
/// 10,000 requests/s, ten at a time.
pub const TIMER_TICK: Duration = Duration::from_millis(1);

/// Requests holding a worker at once, on average.
pub fn in_flight(rate: f64, service_seconds: f64) -> f64 {
    rate * (service_seconds + TIMER_TICK.as_secs_f64())
}

/// The `--concurrency` to advise when the workers were busy more than `BUSY_LIMIT` of the
/// time: enough for them to be busy half of it, at most `MAX_CONCURRENCY`. `None` when
/// there were enough. By Little's law, requests in flight are the rate times the time each
/// one holds a worker: its answer, and up to a timer tick for the others due with it.
pub fn more_workers(rate: f64, concurrency: usize, service_seconds: f64) -> Option<usize> {
    let in_flight = in_flight(rate, service_seconds);
    if in_flight <= BUSY_LIMIT * concurrency as f64 {
        return None;
    }
    let wanted = (2.0 * in_flight).ceil().min(MAX_CONCURRENCY as f64) as usize;
    Some(wanted.max(concurrency))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_counts_exactly_the_requests_due_before_the_end() {
        assert_eq!(scheduled(200.0, 1.0), 200);
        assert_eq!(scheduled(3.0, 0.1), 1);
        assert_eq!(scheduled(1000.0, 0.0), 0);
        // 100 x 1.1 is 110.00000000000001 in doubles: 110 requests are due, not 111.
        assert_eq!(scheduled(100.0, 1.1), 110);
        // A rate so low that the second request is due after the end of time: no panic.
        assert_eq!(scheduled(1e-300, 600.0), 1);
        assert_eq!(due(1, 1e-300), Duration::MAX);
        for rate in [0.5, 1.0, 3.0, 7.0, 10.0, 100.0, 333.3, 1000.0, 49_999.0] {
            for seconds in [0.001, 0.1, 0.3, 1.0, 1.1, 2.5, 7.0] {
                let end = Duration::from_secs_f64(seconds);
                let by_counting = (0..).take_while(|&k| due(k, rate) < end).count() as u64;
                assert_eq!(
                    scheduled(rate, seconds),
                    by_counting,
                    "{rate}/s for {seconds} s"
                );
            }
        }
    }

    #[test]
    fn rates_print_short() {
        assert_eq!(rate_text(100.0), "100");
        assert_eq!(rate_text(2.5), "2.5");
        assert_eq!(rate_text(0.001), "0.001");
        assert_eq!(rate_text(100_000.0), "100000");
        assert_eq!(rate_text(1e-300), "1e-300");
        assert_eq!(rate_text(0.0004), "4e-4");
    }

    #[test]
    fn workers_are_advised_only_past_the_busy_limit() {
        // 8 workers, answers of 1 ms, plus the 1 ms tick: 3,200 requests/s keeps them busy
        // 80% of the time; 1% either side of it decides.
        let at_limit = BUSY_LIMIT * 8.0 / 0.002;
        assert_eq!(more_workers(at_limit * 0.99, 8, 0.001), None);
        assert_eq!(more_workers(at_limit, 8, 0.001), None);
        assert_eq!(more_workers(at_limit * 1.01, 8, 0.001), Some(13));
        // Measured against serve: 10,000/s with 0.5 ms answers had 5,548 of 30,000 requests
        // late with 8 workers, 288 with 16 and 11 with 32. Ten start at each tick, so 15 are
        // in flight; 30 keeps them half busy.
        assert_eq!(more_workers(10_000.0, 8, 0.0005), Some(30));
        assert_eq!(more_workers(10_000.0, 32, 0.0005), None);
        // Never past the most allowed, and never fewer than were used.
        assert_eq!(more_workers(100_000.0, 8, 0.01), Some(MAX_CONCURRENCY));
        assert_eq!(
            more_workers(100_000.0, MAX_CONCURRENCY, 0.01),
            Some(MAX_CONCURRENCY)
        );
        // A zero rate needs no worker, however slow the answers.
        assert_eq!(more_workers(0.0, 1, 10.0), None);
    }
}
