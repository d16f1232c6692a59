//! How restJson1 clients read an error response (spec 4.3): the error type from the
//! `X-Amzn-Errortype` header, else body `code`/`Code`, else body `__type`; cut at `:`, keep what
//! follows `#`; the message from body `message`, else `Message`.

/// Strips `:...` and `...#` from an error type as every AWS SDK does.
pub fn sanitize_error_type(raw: &str) -> &str {
    let cut = raw.split(':').next().unwrap_or(raw);
    cut.rsplit('#').next().unwrap_or(cut).trim()
}

fn body_json(body: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_slice(body) {
        Ok(serde_json::Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// The error type a restJson1 client reads from a response, if any.
pub fn error_type(header: Option<&str>, body: &[u8]) -> Option<String> {
    if let Some(h) = header.map(sanitize_error_type).filter(|h| !h.is_empty()) {
        return Some(h.to_owned());
    }
    let m = body_json(body)?;
    ["code", "Code", "__type"]
        .iter()
        .find_map(|k| m.get(*k).and_then(|v| v.as_str()))
        .map(|t| sanitize_error_type(t).to_owned())
        .filter(|t| !t.is_empty())
}

/// The error message a restJson1 client reads from a response body, if any.
pub fn error_message(body: &[u8]) -> Option<String> {
    let m = body_json(body)?;
    ["message", "Message"]
        .iter()
        .find_map(|k| m.get(*k).and_then(|v| v.as_str()))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_wins_and_is_sanitised() {
        let body = br#"{"__type":"Other"}"#;
        assert_eq!(
            error_type(Some("ThrottledException:http://internal.amazon.com/"), body).as_deref(),
            Some("ThrottledException")
        );
        assert_eq!(
            error_type(
                None,
                br#"{"__type":"com.amazonaws.xray#InvalidRequestException"}"#
            )
            .as_deref(),
            Some("InvalidRequestException")
        );
        assert_eq!(
            error_type(None, br#"{"code":"A","__type":"B"}"#).as_deref(),
            Some("A")
        );
        assert_eq!(error_type(None, b"not json"), None);
        assert_eq!(error_message(br#"{"Message":"m"}"#).as_deref(), Some("m"));
        assert_eq!(
            error_message(br#"{"message":"a","Message":"b"}"#).as_deref(),
            Some("a")
        );
    }
}
