//! Deterministic corpora for the benchmarks: realistic segments (http, aws, annotations,
//! metadata, sql, causes with stack frames, nested subsegments) of about 1 KB, 8 KB and 60 KB,
//! plus the fixture documents. No randomness source is needed beyond a fixed-seed generator.

pub mod peers;
pub mod times;

use serde_json::{json, Value};

/// Document sizes the benchmarks compare.
pub const SMALL_BYTES: usize = 1_000;
pub const MEDIUM_BYTES: usize = 8_000;
pub const LARGE_BYTES: usize = 60_000;

/// Bytes of documents per corpus: enough to amortise per-iteration overhead, small enough
/// for criterion to sample quickly.
pub const CORPUS_BYTES: usize = 2_000_000;

/// splitmix64: a fixed-seed generator, so every run measures the same bytes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn hex(&mut self, n: usize) -> String {
        let mut s = String::new();
        while s.len() < n {
            s += &format!("{:016x}", self.next_u64());
        }
        s.truncate(n);
        s
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "orders",
    "checkout",
    "inventory",
    "payments",
    "users",
    "search",
    "cart",
    "catalog",
];

fn subsegment(rng: &mut Rng, start: f64, depth: u32) -> Value {
    let name = WORDS[rng.below(WORDS.len() as u64) as usize];
    let mut s = json!({
        "id": rng.hex(16),
        "name": format!("{name}-{}", rng.below(100)),
        "start_time": start,
        "end_time": start + 0.001 * (1 + rng.below(50)) as f64,
        "namespace": if rng.below(2) == 0 { "aws" } else { "remote" },
        "http": {"request": {"method": "GET", "url": format!("https://{name}.internal/api/v1/{}", rng.hex(8))},
                 "response": {"status": 200, "content_length": rng.below(10_000)}},
        "aws": {"operation": "GetItem", "region": "eu-west-1", "request_id": rng.hex(32), "table_name": name, "retries": 0},
    });
    // One subsegment in eight is annotated, so large documents stay under the 50 per trace.
    if rng.below(8) == 0 {
        s["annotations"] =
            json!({"tenant": format!("t{}", rng.below(1000)), "cached": rng.below(2) == 0});
    }
    match rng.below(3) {
        0 => {
            s["sql"] = json!({"url": "jdbc:postgresql://db.internal:5432/app", "sanitized_query": "SELECT * FROM orders WHERE id = ?",
                              "database_type": "PostgreSQL", "database_version": "15.4", "driver_version": "42.6.0",
                              "user": "app", "preparation": "statement"});
        }
        1 => {
            let frames: Vec<Value> = (0..8).map(|i| json!({"path": format!("src/{name}/handler.py"), "line": 10 + i * 7, "label": format!("handle_{i}")})).collect();
            s["fault"] = json!(true);
            s["cause"] = json!({"working_directory": "/srv/app", "exceptions": [{"id": rng.hex(16), "message": "connection reset by peer", "type": "ConnectionError", "stack": frames}]});
        }
        _ => {
            s["metadata"] = json!({"default": {"payload": {"items": [1, 2, 3], "note": "cache miss", "ratio": 0.25}}});
        }
    }
    if depth > 0 && rng.below(3) == 0 {
        s["subsegments"] = json!([subsegment(rng, start + 0.0005, depth - 1)]);
    }
    s
}

/// One segment document of about `target` bytes.
pub fn segment(rng: &mut Rng, target: usize) -> Vec<u8> {
    let start = 1_700_000_000.0 + rng.below(1_000_000) as f64 / 1000.0;
    let mut doc = json!({
        "name": "checkout-service",
        "id": rng.hex(16),
        "trace_id": format!("1-{}-{}", rng.hex(8), rng.hex(24)),
        "start_time": start,
        "end_time": start + 0.25,
        "origin": "AWS::ECS::Container",
        "http": {"request": {"method": "POST", "url": "https://shop.example.com/checkout", "user_agent": "Mozilla/5.0", "client_ip": "203.0.113.7"},
                 "response": {"status": 200, "content_length": 512}},
        "aws": {"account_id": "123456789012", "ecs": {"container": "checkout-7d9f", "container_id": rng.hex(32)},
                "xray": {"sdk": "X-Ray for Python", "sdk_version": "2.14.0", "auto_instrumentation": false}},
        "service": {"version": "1.4.2"},
        "annotations": {"customer_tier": "gold", "order_total": 99.95, "retry": false},
        "metadata": {"default": {"cart": {"items": 3, "currency": "EUR"}}},
        "subsegments": [],
    });
    loop {
        let text = serde_json::to_vec(&doc).unwrap_or_default();
        if text.len() >= target.saturating_sub(300) {
            return text;
        }
        let sub = subsegment(rng, start + 0.01, 2);
        if let Some(a) = doc["subsegments"].as_array_mut() {
            a.push(sub);
        }
        if serde_json::to_vec(&doc)
            .map(|t| t.len() > target)
            .unwrap_or(true)
        {
            if let Some(a) = doc["subsegments"].as_array_mut() {
                a.pop();
            }
            return serde_json::to_vec(&doc).unwrap_or_default();
        }
    }
}

/// About `CORPUS_BYTES` of documents near `target` bytes each.
pub fn corpus(target: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let mut total = 0;
    while total < CORPUS_BYTES {
        let d = segment(&mut rng, target);
        total += d.len();
        out.push(d);
    }
    out
}

/// String values whose form a rule checks: kept as they are by `non_ascii`.
const FORMED: &[&str] = &[
    "id",
    "trace_id",
    "parent_id",
    "origin",
    "namespace",
    "preparation",
    "type",
];

/// The corpus with every other string value prefixed with Japanese text: UTF-8 is checked as
/// strings are read, so non-ASCII text has a cost of its own to measure. Keys stay ASCII.
pub fn non_ascii(corpus: &[Vec<u8>]) -> Vec<Vec<u8>> {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    match x {
                        Value::String(s) if !FORMED.contains(&k.as_str()) => {
                            *s = format!("日本語のテキスト{s}")
                        }
                        _ => walk(x),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    corpus
        .iter()
        .map(|d| {
            let mut v: Value = serde_json::from_slice(d).unwrap_or_default();
            walk(&mut v);
            serde_json::to_vec(&v).unwrap_or_default()
        })
        .collect()
}

/// Every `*.json` file below `dir`, in name order, with its path: a user's own documents for
/// `compare`, `excess` and `profile`, the files `validate DIR` reads
/// (`xray_fixtures::json_files`). An unreadable directory or file, or none to read, is an
/// error naming it.
pub fn documents_in(dir: &str) -> Result<Vec<(std::path::PathBuf, Vec<u8>)>, String> {
    let mut docs = Vec::new();
    for path in xray_fixtures::json_files::json_files(dir.as_ref()) {
        let path = path.map_err(|e| e.to_string())?;
        let doc = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        docs.push((path, doc));
    }
    if docs.is_empty() {
        return Err(format!("no *.json file below {dir}"));
    }
    Ok(docs)
}

pub fn bytes(corpus: &[Vec<u8>]) -> u64 {
    corpus.iter().map(|d| d.len() as u64).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_in_reads_every_json_file_below_a_directory_in_name_order() {
        let dir = std::env::temp_dir().join(format!("xray-benches-docs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("b")).unwrap();
        std::fs::write(dir.join("b/2.json"), "{\"n\":2}").unwrap();
        std::fs::write(dir.join("a.json"), "{\"n\":1}").unwrap();
        std::fs::write(dir.join("notes.txt"), "not a document").unwrap();
        let found = documents_in(dir.to_str().unwrap()).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|(p, d)| (p.strip_prefix(&dir).unwrap().to_owned(), d.clone()))
            .collect();
        assert_eq!(
            names,
            [
                ("a.json".into(), b"{\"n\":1}".to_vec()),
                (std::path::PathBuf::from("b/2.json"), b"{\"n\":2}".to_vec()),
            ]
        );
        std::fs::remove_file(dir.join("a.json")).unwrap();
        std::fs::remove_file(dir.join("b/2.json")).unwrap();
        let none = documents_in(dir.to_str().unwrap()).unwrap_err();
        assert!(none.starts_with("no *.json file below"), "{none}");
        std::fs::remove_dir_all(&dir).unwrap();
        let missing = documents_in(dir.to_str().unwrap()).unwrap_err();
        assert!(missing.contains("xray-benches-docs"), "{missing}");
    }

    #[test]
    fn corpora_are_valid_and_near_their_size() {
        for target in [SMALL_BYTES, MEDIUM_BYTES, LARGE_BYTES] {
            let mut rng = Rng::new(1);
            for _ in 0..5 {
                let d = segment(&mut rng, target);
                let report = xray_segment::validate(&d);
                assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
                assert!(
                    d.len() <= target && d.len() * 10 >= target * 6,
                    "{} for {target}",
                    d.len()
                );
            }
        }
        assert_eq!(corpus(SMALL_BYTES, 3), corpus(SMALL_BYTES, 3));
    }

    #[test]
    fn the_non_ascii_corpus_is_valid_and_mostly_non_ascii() {
        let docs = non_ascii(&corpus(SMALL_BYTES, 3)[..20]);
        for d in &docs {
            let report = xray_segment::validate(d);
            assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
            let high = d.iter().filter(|&&b| b >= 0x80).count();
            assert!(high * 4 > d.len(), "{high} of {} bytes", d.len());
        }
    }
}
