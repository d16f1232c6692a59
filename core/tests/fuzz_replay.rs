//! Replays every fuzz regression and every seed (the fixture documents) through the fuzz
//! targets' own functions, so `cargo test` on stable catches what the fuzzers once found.

use std::path::Path;

use xray_segment::fuzzing;

type Target = fn(&[u8]);

const TARGETS: &[(&str, Target)] = &[
    ("validate_bytes", fuzzing::validate_bytes),
    ("segment_structured", fuzzing::segment_structured),
    ("put_request", fuzzing::put_request),
    ("udp_datagram", fuzzing::udp_datagram),
    ("differential_schema", fuzzing::differential_schema),
];

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_none_or(|x| x != "md") {
            out.push(p);
        }
    }
}

#[test]
fn regressions_and_seeds_pass_every_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut seeds = Vec::new();
    files(&root.join("fixtures/documents"), &mut seeds);
    assert!(seeds.len() > 300, "the seed corpus is missing");
    for (name, target) in TARGETS {
        let mut inputs = seeds.clone();
        files(&root.join("fuzz/regressions").join(name), &mut inputs);
        for input in &inputs {
            let data = std::fs::read(input).unwrap();
            target(&data);
            // The same seed as a datagram and as a raw body.
            if *name == "udp_datagram" {
                let mut d = b"{\"format\":\"json\",\"version\":1}\n".to_vec();
                d.extend_from_slice(&data);
                target(&d);
            }
        }
    }
}
