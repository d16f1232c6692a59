//! Sending PutTraceSegments as real clients do: `POST /TraceSegments`, a JSON content type,
//! SigV4-signed for the `xray` service (moto and LocalStack route by the signature).

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use sha2::{Digest, Sha256};

/// The SigV4 service name of X-Ray (spec 4.1).
pub const SIGNING_NAME: &str = "xray";
pub const PUT_PATH: &str = "/TraceSegments";
pub const CONTENT_TYPE: &str = "application/json";

#[derive(Clone, Debug)]
pub struct Signer {
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
}

/// A request body and its SHA-256 (hex), which SigV4 signs. Hashing once per body, not once per
/// send, keeps a load run's generator from spending a third of its time in SHA-256.
#[derive(Clone, Debug)]
pub struct Payload {
    pub bytes: Bytes,
    sha256: String,
}

impl Payload {
    pub fn new(body: impl Into<Bytes>) -> Payload {
        let bytes = body.into();
        let sha256 = hex::encode(Sha256::digest(&bytes));
        Payload { bytes, sha256 }
    }
}

impl Signer {
    fn headers(&self, url: &str, payload: &Payload) -> Result<Vec<(String, String)>, String> {
        let identity: Identity = Credentials::new(
            &self.access_key,
            &self.secret_key,
            None,
            None,
            "xray-conformance",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(SIGNING_NAME)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let request = SignableRequest::new(
            "POST",
            url,
            [("content-type", CONTENT_TYPE)].into_iter(),
            SignableBody::Precomputed(payload.sha256.clone()),
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(request, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        Ok(instructions
            .headers()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect())
    }
}

/// One request and what came back, kept for `--trace`.
#[derive(Clone, Debug, Default)]
pub struct Exchange {
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: Bytes,
    pub status: u16,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Vec<u8>,
}

impl Exchange {
    pub fn response_header(&self, name: &str) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The whole exchange, and a curl line that sends the same body.
    pub fn render(&self, signer: Option<&Signer>) -> String {
        let mut out = format!("> POST {}\n", self.url);
        for (k, v) in &self.request_headers {
            out += &format!("> {k}: {v}\n");
        }
        out += &format!(">\n> {}\n", String::from_utf8_lossy(&self.request_body));
        out += &format!("< HTTP {}\n", self.status);
        for (k, v) in &self.response_headers {
            out += &format!("< {k}: {v}\n");
        }
        out += &format!("<\n< {}\n", String::from_utf8_lossy(&self.response_body));
        let body = String::from_utf8_lossy(&self.request_body).replace('\'', r"'\''");
        let sign = match signer {
            Some(s) => format!(" --aws-sigv4 'aws:amz:{}:{SIGNING_NAME}' --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\"", s.region),
            None => String::new(),
        };
        out += &format!("reproduce: curl -sS -i -X POST '{}' -H 'content-type: {CONTENT_TYPE}'{sign} --data-binary '{body}'\n", self.url);
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    Timeout,
    /// The target could not be reached or broke the connection.
    Transport(String),
}

/// An implementation under test.
#[derive(Clone)]
pub struct Target {
    pub base: String,
    pub signer: Option<Signer>,
    client: reqwest::Client,
}

impl Target {
    pub fn new(base: &str, signer: Option<Signer>) -> Result<Target, String> {
        let base = base.trim_end_matches('/').to_owned();
        let parsed =
            reqwest::Url::parse(&base).map_err(|e| format!("invalid endpoint {base:?}: {e}"))?;
        if parsed.scheme() != "http" {
            return Err(format!(
                "endpoint {base:?}: only http:// endpoints are supported (this build has no TLS)"
            ));
        }
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Target {
            base,
            signer,
            client,
        })
    }

    pub fn url(&self) -> String {
        format!("{}{PUT_PATH}", self.base)
    }

    /// Whether something accepts TCP connections at the endpoint.
    pub async fn reachable(&self) -> bool {
        let Ok(url) = reqwest::Url::parse(&self.base) else {
            return false;
        };
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return false;
        };
        let connect = tokio::net::TcpStream::connect((host, port));
        matches!(
            tokio::time::timeout(Duration::from_secs(5), connect).await,
            Ok(Ok(_))
        )
    }

    /// Sends one PutTraceSegments body.
    pub async fn put(&self, payload: &Payload, timeout: Duration) -> Result<Exchange, SendError> {
        let url = self.url();
        let mut headers = vec![("content-type".to_owned(), CONTENT_TYPE.to_owned())];
        if let Some(s) = &self.signer {
            headers.extend(s.headers(&url, payload).map_err(SendError::Transport)?);
        }
        let body = payload.bytes.clone();
        let mut req = self.client.post(&url).timeout(timeout);
        for (k, v) in &headers {
            req = req.header(k, v);
        }
        let result = req.body(body.clone()).send().await;
        let resp = match result {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Err(SendError::Timeout),
            Err(e) => return Err(SendError::Transport(error_chain(&e))),
        };
        let status = resp.status().as_u16();
        let response_headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let response_body = match resp.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) if e.is_timeout() => return Err(SendError::Timeout),
            Err(e) => return Err(SendError::Transport(error_chain(&e))),
        };
        Ok(Exchange {
            url,
            request_headers: headers,
            request_body: body,
            status,
            response_headers,
            response_body,
        })
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s += &format!(": {inner}");
        src = inner.source();
    }
    s
}
