//! `--fresh-ids`: gives each case its own trace and segment ids so a target that stores
//! documents cannot carry state from one case into another. Ids are found as quoted tokens in
//! the text (16 lower-case hex digits; `1-xxxxxxxx-` + 24 hex) and replaced consistently, so a
//! `parent_id` still points at its parent. Upper-case ids and the trace id's epoch part are
//! left alone: cases test them.

use std::collections::HashMap;

pub struct Rewriter {
    seed: u64,
    counter: u64,
    map: HashMap<Vec<u8>, Vec<u8>>,
}

fn is_lower_hex(b: &[u8]) -> bool {
    b.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

impl Rewriter {
    /// `seed` should differ per case and per run.
    pub fn new(seed: u64) -> Rewriter {
        Rewriter {
            seed,
            counter: 0,
            map: HashMap::new(),
        }
    }

    fn next_hex(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            self.counter += 1;
            // splitmix64: well spread, no dependency needed for ids that only must differ.
            let mut z = self
                .seed
                .wrapping_add(self.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            out.extend_from_slice(format!("{z:016x}").as_bytes());
        }
        out.truncate(len);
        out
    }

    fn replacement(&mut self, old: &[u8]) -> Vec<u8> {
        if let Some(new) = self.map.get(old) {
            return new.clone();
        }
        let new = if old.len() == 16 {
            self.next_hex(16)
        } else {
            let mut t = old[..11].to_vec();
            t.extend(self.next_hex(24));
            t
        };
        self.map.insert(old.to_vec(), new.clone());
        new
    }

    /// Rewrites every id token in `text`.
    pub fn rewrite(&mut self, text: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        let mut i = 0;
        while i < text.len() {
            if text[i] == b'"' {
                let rest = &text[i + 1..];
                let token = [16usize, 35].into_iter().find(|&n| {
                    rest.len() > n
                        && (rest[n] == b'"' || (rest[n] == b'\\' && rest.get(n + 1) == Some(&b'"')))
                        && match n {
                            16 => is_lower_hex(&rest[..16]),
                            _ => {
                                rest.starts_with(b"1-")
                                    && rest[10] == b'-'
                                    && is_lower_hex(&rest[2..10])
                                    && is_lower_hex(&rest[11..35])
                            }
                        }
                });
                if let Some(n) = token {
                    out.push(b'"');
                    let new = self.replacement(&rest[..n]);
                    out.extend_from_slice(&new);
                    i += 1 + n;
                    continue;
                }
            }
            out.push(text[i]);
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_change_consistently_and_shapes_stay() {
        let doc = br#"{"id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","subsegments":[{"id":"1111111111111111","parent_id":"70de5b6f19ff9a0a"}],"x":"ABCDEF0123456789"}"#;
        let mut r = Rewriter::new(7);
        let out = String::from_utf8(r.rewrite(doc)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_ne!(v["id"], "70de5b6f19ff9a0a");
        assert_eq!(v["id"], v["subsegments"][0]["parent_id"]);
        let trace = v["trace_id"].as_str().unwrap();
        assert!(
            trace.starts_with("1-581cf771-")
                && trace.len() == 35
                && trace != "1-581cf771-a006649127e371903a2de979"
        );
        assert_eq!(v["x"], "ABCDEF0123456789");
        // Inside an escaped body too.
        let body = br#"{"TraceSegmentDocuments":["{\"id\":\"70de5b6f19ff9a0a\"}"]}"#;
        let rewritten = String::from_utf8(Rewriter::new(7).rewrite(body)).unwrap();
        assert!(!rewritten.contains("70de5b6f19ff9a0a"));
    }
}
