//! The request bodies `bench` sends, prepared before the clock starts so that the figures
//! measure the target, not the generator: generated documents, or a directory's.

use super::{documents, BenchArgs, BODIES, MAX_PREPARED_BYTES};
use crate::client::Payload;

/// A valid segment of about `bytes` bytes with the given ids.
pub fn document(n: u64, bytes: usize) -> String {
    let base = format!(
        r#"{{"name":"bench-service","id":"{n:016x}","trace_id":"1-{:08x}-{n:024x}","start_time":1700000000.125,"end_time":1700000000.5,"http":{{"request":{{"method":"GET","url":"https://example.com/orders"}},"response":{{"status":200}}}},"annotations":{{"tier":"gold"}},"metadata":{{"default":{{"pad":""}}}}}}"#,
        1_700_000_000u64
    );
    let pad = bytes.saturating_sub(base.len());
    base.replacen(r#""pad":"""#, &format!(r#""pad":"{}""#, "x".repeat(pad)), 1)
}

/// The bodies worker `worker` sends, in order, of `bodies`. Workers take turns through the
/// bodies, so all of them together send a body again only after every body was sent: had each
/// worker gone through every body, all of them would send the same ids within a few
/// requests, which a receiver that tracks traces sees as documents sent twice.
pub fn body_order(worker: usize, concurrency: usize, bodies: usize) -> impl Iterator<Item = usize> {
    (worker..)
        .step_by(concurrency.max(1))
        .map(move |i| i % bodies.max(1))
}

/// The request bodies, prepared before the clock starts, and what the report says of them.
pub struct Load {
    pub bodies: Vec<Payload>,
    pub document_bytes: usize,
    pub documents_from: Option<String>,
}

/// The bodies of generated documents, or of the documents of `--documents`.
pub fn prepare(args: &BenchArgs) -> Result<Load, String> {
    let body = |docs: &[&str]| {
        Payload::new(
            serde_json::to_vec(&serde_json::json!({ "TraceSegmentDocuments": docs }))
                .unwrap_or_default(),
        )
    };
    let Some(dir) = &args.documents else {
        let bodies = (0..BODIES as u64)
            .map(|r| {
                let docs: Vec<String> = (0..args.batch as u64)
                    .map(|k| document(r << 20 | k, args.document_bytes))
                    .collect();
                body(&docs.iter().map(String::as_str).collect::<Vec<_>>())
            })
            .collect();
        return Ok(Load {
            bodies,
            document_bytes: args.document_bytes,
            documents_from: None,
        });
    };
    let docs = documents::load(dir, MAX_PREPARED_BYTES)?;
    let bodies = documents::bodies(&docs, args.batch, dir, MAX_PREPARED_BYTES)?;
    Ok(Load {
        bodies: bodies.iter().map(|b| body(b)).collect(),
        document_bytes: documents::mean_bytes(&docs),
        documents_from: Some(dir.display().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_send_a_body_again_only_after_every_body_was_sent() {
        for concurrency in [1, 3, 8, BODIES, BODIES + 1] {
            // Workers in turn, one request each: the n-th request overall sends body n mod BODIES.
            let mut workers: Vec<_> = (0..concurrency)
                .map(|w| body_order(w, concurrency, BODIES))
                .collect();
            let sent: Vec<usize> = (0..2 * BODIES + 5)
                .map(|n| workers[n % concurrency].next().unwrap())
                .collect();
            let expected: Vec<usize> = (0..2 * BODIES + 5).map(|n| n % BODIES).collect();
            assert_eq!(sent, expected, "concurrency {concurrency}");
        }
    }

    #[test]
    fn documents_are_valid_and_sized() {
        let smallest = document(42, 0).len();
        for bytes in [0, 300, 1000, 8000] {
            let d = document(42, bytes);
            assert!(
                xray_segment::validate(d.as_bytes()).diagnostics.is_empty(),
                "{d}"
            );
            assert_eq!(d.len(), bytes.max(smallest));
        }
    }
}
