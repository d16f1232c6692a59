#![no_main]
// The body lives in xray_segment::fuzzing so that `cargo test` replays the same code on stable.
libfuzzer_sys::fuzz_target!(|data: &[u8]| xray_segment::fuzzing::differential_schema(data));
