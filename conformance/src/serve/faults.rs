//! Scripted, seeded faults, so a client's retry and batching logic can be tested against what
//! X-Ray does under load. The same plan comes from command-line flags or a TOML scenario file
//! with the same names. Decisions depend only on the seed and the call's number, so a run is
//! reproducible.

use serde::Deserialize;

/// The longest `latency_ms`: ten minutes, longer than any client waits for an answer (SDKs and
/// the daemon give up within seconds). A larger figure is taken for a typo: 99999999999 would
/// hold every answer for three years.
pub const MAX_LATENCY_MS: u64 = 600_000;

/// The fault plan. Calls are numbered from 1 in arrival order.
#[derive(Debug, Clone, Default, Deserialize, clap::Args)]
#[serde(deny_unknown_fields, default)]
pub struct Faults {
    /// Throttle the first N PutTraceSegments calls.
    #[arg(long, default_value_t = 0)]
    pub throttle_first: u64,
    /// After those, throttle each call with this probability (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub throttle_rate: f64,
    /// ThrottledException (the modelled error, HTTP 429) or ThrottlingException (what X-Ray
    /// was seen to send, "Rate exceeded"; HTTP 400 here, its real status is unknown).
    #[arg(long, default_value = "ThrottledException")]
    #[serde(default = "default_throttle_type")]
    pub throttle_type: String,
    /// Answer the N calls after the throttled ones with HTTP 500.
    #[arg(long, default_value_t = 0)]
    pub error_first: u64,
    /// Answer each call with HTTP 500 with this probability.
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Report K of every N valid documents as unprocessed ("K/N"), with the trace-size error
    /// X-Ray really returns.
    #[arg(long, value_name = "K/N")]
    pub reject: Option<String>,
    /// Delay every PutTraceSegments answer by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Reset the first N HTTP connections without answering.
    #[arg(long, default_value_t = 0)]
    pub reset_first: u64,
    /// Seed for the rates.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

fn default_throttle_type() -> String {
    "ThrottledException".into()
}

/// What to do with one PutTraceSegments call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallFault {
    None,
    Throttle { error_type: String, status: u16 },
    ServerError,
}

fn unit(seed: u64, n: u64, salt: u64) -> f64 {
    let mut z = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

impl Faults {
    /// Reads a scenario file.
    pub fn from_file(path: &std::path::Path) -> Result<Faults, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let f: Faults = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        f.check()?;
        Ok(f)
    }

    pub fn check(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.throttle_rate) || !(0.0..=1.0).contains(&self.error_rate) {
            return Err("rates must be between 0 and 1".into());
        }
        if self.latency_ms > MAX_LATENCY_MS {
            return Err(format!(
                "latency of {} ms: at most {MAX_LATENCY_MS} (ten minutes)",
                self.latency_ms
            ));
        }
        if !matches!(
            self.throttle_type.as_str(),
            "ThrottledException" | "ThrottlingException"
        ) {
            return Err(format!(
                "throttle type {:?}: ThrottledException or ThrottlingException",
                self.throttle_type
            ));
        }
        self.reject_ratio().map(|_| ())
    }

    fn reject_ratio(&self) -> Result<Option<(u64, u64)>, String> {
        let Some(r) = &self.reject else {
            return Ok(None);
        };
        let bad = || format!("--reject {r:?}: expected K/N with 0 <= K <= N and N > 0");
        let (k, n) = r.split_once('/').ok_or_else(bad)?;
        let (k, n): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if n == 0 || k > n {
            return Err(bad());
        }
        Ok(Some((k, n)))
    }

    /// The fault for call `n`.
    pub fn call(&self, n: u64) -> CallFault {
        let throttle = CallFault::Throttle {
            error_type: self.throttle_type.clone(),
            status: if self.throttle_type == "ThrottledException" {
                429
            } else {
                400
            },
        };
        if n <= self.throttle_first {
            return throttle;
        }
        if n <= self.throttle_first.saturating_add(self.error_first) {
            return CallFault::ServerError;
        }
        if self.throttle_rate > 0.0 && unit(self.seed, n, 1) < self.throttle_rate {
            return throttle;
        }
        if self.error_rate > 0.0 && unit(self.seed, n, 2) < self.error_rate {
            return CallFault::ServerError;
        }
        CallFault::None
    }

    /// Whether valid document number `d` (from 1) is reported as unprocessed.
    pub fn reject_document(&self, d: u64) -> bool {
        match self.reject_ratio() {
            Ok(Some((k, n))) => (d - 1) % n < k,
            _ => false,
        }
    }

    pub fn is_active(&self) -> bool {
        // Each on its own: their sum overflowed for counts near u64::MAX.
        self.throttle_first > 0
            || self.error_first > 0
            || self.latency_ms > 0
            || self.reset_first > 0
            || self.throttle_rate > 0.0
            || self.error_rate > 0.0
            || self.reject.is_some()
    }
}

/// The message X-Ray returns when a trace outgrows its limit (spec 5.2), used for injected
/// rejections because it is the one per-document rejection a valid document can get.
pub const INJECTED_ERROR_CODE: &str = "InvalidSegment";
pub const INJECTED_MESSAGE: &str = "Trace Size Exceeded. Reduce the number of segments per trace and the size of your segment documents.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_is_bounded_at_ten_minutes() {
        let with = |latency_ms| Faults {
            latency_ms,
            throttle_type: "ThrottledException".into(),
            ..Faults::default()
        };
        assert!(with(MAX_LATENCY_MS - 1).check().is_ok());
        assert!(with(MAX_LATENCY_MS).check().is_ok());
        let err = with(MAX_LATENCY_MS + 1).check().unwrap_err();
        assert!(err.contains("600000"), "{err}");
        assert!(with(u64::MAX).check().is_err());
    }

    #[test]
    fn counts_near_the_largest_do_not_overflow() {
        let f = Faults {
            throttle_first: u64::MAX,
            error_first: u64::MAX,
            reset_first: 1,
            throttle_type: "ThrottledException".into(),
            ..Faults::default()
        };
        assert!(f.is_active());
        assert!(matches!(f.call(u64::MAX), CallFault::Throttle { .. }));
        let errors = Faults {
            throttle_first: u64::MAX - 1,
            error_first: u64::MAX,
            ..f
        };
        assert_eq!(errors.call(u64::MAX), CallFault::ServerError);
    }

    #[test]
    fn plans_are_ordered_and_reproducible() {
        let f = Faults {
            throttle_first: 2,
            error_first: 1,
            throttle_type: "ThrottledException".into(),
            ..Faults::default()
        };
        assert!(matches!(f.call(1), CallFault::Throttle { status: 429, .. }));
        assert!(matches!(f.call(2), CallFault::Throttle { .. }));
        assert_eq!(f.call(3), CallFault::ServerError);
        assert_eq!(f.call(4), CallFault::None);
        let r = Faults {
            throttle_rate: 0.5,
            seed: 9,
            throttle_type: "ThrottlingException".into(),
            ..Faults::default()
        };
        let a: Vec<CallFault> = (1..200).map(|n| r.call(n)).collect();
        let b: Vec<CallFault> = (1..200).map(|n| r.call(n)).collect();
        assert_eq!(a, b);
        let throttled = a.iter().filter(|c| **c != CallFault::None).count();
        assert!((60..140).contains(&throttled), "{throttled}");
        let k = Faults {
            reject: Some("1/3".into()),
            ..Faults::default()
        };
        assert_eq!(
            (1..=6).map(|d| k.reject_document(d)).collect::<Vec<_>>(),
            [true, false, false, true, false, false]
        );
        assert!(Faults {
            reject: Some("4/3".into()),
            ..Faults::default()
        }
        .check()
        .is_err());
    }

    #[test]
    fn scenario_files_use_the_flag_names() {
        let f: Faults = toml::from_str(
            "throttle_first = 3\nthrottle_type = \"ThrottlingException\"\nreject = \"1/10\"\n",
        )
        .unwrap();
        assert_eq!(f.throttle_first, 3);
        assert!(f.check().is_ok());
        assert!(toml::from_str::<Faults>("throttle_frist = 3").is_err());
    }
}
