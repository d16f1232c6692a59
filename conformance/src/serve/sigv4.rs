//! Optional SigV4 checking for `serve --check-signature KEY:SECRET`: the signature is computed
//! again over exactly the headers the client signed, and compared. Without credentials any
//! signature, or none, is accepted (the X-Ray SDKs call the sampling API unsigned).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use axum::http::HeaderMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    pub access_key: String,
    pub secret_key: String,
}

impl std::str::FromStr for Keys {
    type Err = String;
    fn from_str(s: &str) -> Result<Keys, String> {
        match s.split_once(':') {
            Some((a, k)) if !a.is_empty() && !k.is_empty() => Ok(Keys {
                access_key: a.into(),
                secret_key: k.into(),
            }),
            _ => Err("expected ACCESS_KEY:SECRET_KEY".into()),
        }
    }
}

/// Why a request was refused, as the error type AWS uses and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub error_type: &'static str,
    pub message: String,
}

fn refuse(error_type: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        error_type,
        message: message.into(),
    }
}

/// `20261124T184500Z` as a time.
fn amz_date(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    // Days from the civil date (proleptic Gregorian), as in Howard Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hh * 3600 + mm * 60 + ss;
    u64::try_from(secs)
        .ok()
        .map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

/// Checks the request's `Authorization` header against `keys`.
pub fn verify(
    keys: &Keys,
    method: &str,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Refusal> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let auth = header("authorization").ok_or_else(|| {
        refuse(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        )
    })?;
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256 ").ok_or_else(|| {
        refuse(
            "IncompleteSignatureException",
            "not an AWS4-HMAC-SHA256 signature",
        )
    })?;
    let field = |name: &str| {
        rest.split(',')
            .map(str::trim)
            .find_map(|p| p.strip_prefix(name))
            .map(str::to_owned)
    };
    let (credential, signed, signature) = match (
        field("Credential="),
        field("SignedHeaders="),
        field("Signature="),
    ) {
        (Some(c), Some(h), Some(s)) => (c, h, s),
        _ => {
            return Err(refuse(
                "IncompleteSignatureException",
                "the Authorization header lacks Credential, SignedHeaders or Signature",
            ))
        }
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key, _, region, service, _] = scope[..] else {
        return Err(refuse(
            "IncompleteSignatureException",
            format!("malformed credential scope {credential:?}"),
        ));
    };
    if access_key != keys.access_key {
        return Err(refuse(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ));
    }
    let time = header("x-amz-date").and_then(amz_date).ok_or_else(|| {
        refuse(
            "IncompleteSignatureException",
            "missing or malformed X-Amz-Date",
        )
    })?;
    let host = header("host").unwrap_or("localhost");
    let url = format!("http://{host}{path}");
    // Every signed header but the date, which the signer writes itself from `time`.
    let signed_headers: Vec<(&str, &str)> = signed
        .split(';')
        .filter(|h| *h != "x-amz-date")
        .filter_map(|h| headers.get(h).and_then(|v| v.to_str().ok()).map(|v| (h, v)))
        .collect();
    let identity: Identity =
        Credentials::new(&keys.access_key, &keys.secret_key, None, None, "serve").into();
    let mut settings = SigningSettings::default();
    settings.excluded_headers = None;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| refuse("IncompleteSignatureException", e.to_string()))?
        .into();
    let request = SignableRequest::new(
        method,
        url,
        signed_headers.into_iter(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| refuse("IncompleteSignatureException", e.to_string()))?;
    let (_, expected) = sign(request, &params)
        .map_err(|e| refuse("IncompleteSignatureException", e.to_string()))?
        .into_parts();
    if expected != signature {
        return Err(refuse(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse() {
        assert_eq!(amz_date("19700101T000000Z"), Some(UNIX_EPOCH));
        assert_eq!(
            amz_date("20261124T184500Z"),
            Some(UNIX_EPOCH + Duration::from_secs(1_795_545_900))
        );
        assert_eq!(amz_date("2026-11-24"), None);
    }

    #[test]
    fn keys_parse() {
        assert_eq!(
            "a:b".parse::<Keys>(),
            Ok(Keys {
                access_key: "a".into(),
                secret_key: "b".into()
            })
        );
        assert!("ab".parse::<Keys>().is_err());
    }
}
