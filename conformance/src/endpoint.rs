//! The reference endpoint: the core's request semantics behind a real HTTP server.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{to_bytes, Body};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use xray_segment::request::{error_response, put_trace_segments, HttpResponse, INVALID_REQUEST};

/// Largest request body read. X-Ray documents none (open question Q11); 50 documents of
/// 64 KiB, JSON-escaped, fit well within it.
pub const MAX_REQUEST_BYTES: usize = 8 * 1024 * 1024;

static REQUESTS: AtomicU64 = AtomicU64::new(0);

/// A request id in the shape AWS uses (a UUID), unique within the process.
pub fn request_id() -> String {
    let n = REQUESTS.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    format!("{pid:08x}-0000-4000-8000-{n:012x}")
}

/// Converts the core's response into an HTTP response.
pub fn into_http(r: HttpResponse) -> Response {
    let mut resp = Response::new(Body::from(r.body));
    *resp.status_mut() =
        StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in r.headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}

/// Reads a body up to the limit; a larger one gets a clear 413 instead of using memory.
pub async fn read_body(body: Body) -> Result<axum::body::Bytes, Response> {
    to_bytes(body, MAX_REQUEST_BYTES).await.map_err(|_| {
        let msg = format!("The request body is larger than {MAX_REQUEST_BYTES} bytes.");
        into_http(error_response(INVALID_REQUEST, 413, &msg, &request_id()))
    })
}

async fn put(body: Body) -> Response {
    match read_body(body).await {
        Ok(bytes) => into_http(put_trace_segments(&bytes, &request_id())),
        Err(resp) => resp,
    }
}

/// The router of the plain reference: PutTraceSegments only.
pub fn reference_router() -> Router {
    Router::new().route(xray_segment_path(), post(put))
}

fn xray_segment_path() -> &'static str {
    crate::client::PUT_PATH
}

/// Starts the reference on an ephemeral 127.0.0.1 port; it runs until the runtime stops.
pub async fn start_reference() -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, reference_router()).await;
    });
    Ok(addr)
}
