//! PutTraceSegments as a pure function from a request body to a response (spec 4): restJson1,
//! as real SDKs parse it.

use crate::diagnostic::Report;
use crate::limits::MAX_DOCUMENTS_PER_REQUEST;
use crate::scan::{unescape_into, Kind, Scanner, Stop};
use crate::validator::validate_into;
use crate::verdict::{verdict, Unprocessed, Verdict};
use serde::Serialize;
use std::ops::Range;

/// The request member that holds the documents.
pub const DOCUMENTS_MEMBER: &str = "TraceSegmentDocuments";
pub const INVALID_REQUEST: &str = "InvalidRequestException";
pub const THROTTLED: &str = "ThrottledException";

/// An HTTP response as the service sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A whole-request failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    pub error_type: &'static str,
    pub status: u16,
    pub message: String,
}

impl RequestError {
    fn invalid(message: impl Into<String>) -> Self {
        RequestError {
            error_type: INVALID_REQUEST,
            status: 400,
            message: message.into(),
        }
    }
}

/// The outcome of a request whose envelope was valid.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Processed {
    #[serde(skip)]
    pub documents: usize,
    /// Rejected documents, in request order.
    #[serde(rename = "UnprocessedTraceSegments")]
    pub unprocessed: Vec<Unprocessed>,
}

/// What the handler learned about one document of the request.
pub struct DocumentEvent<'d> {
    pub index: usize,
    pub document: &'d [u8],
    pub report: &'d Report,
    pub verdict: &'d Verdict,
}

/// Handles a PutTraceSegments body and answers with the full HTTP response.
pub fn put_trace_segments(body: &[u8], request_id: &str) -> HttpResponse {
    match process(body, |_| {}) {
        Ok(p) => success_response(&p, request_id),
        Err(e) => error_response(e.error_type, e.status, &e.message, request_id),
    }
}

/// Checks the envelope, then validates each document in order, telling `on_document` about it.
pub fn process(
    body: &[u8],
    on_document: impl FnMut(DocumentEvent<'_>),
) -> Result<Processed, RequestError> {
    process_with(body, &mut Report::default(), on_document)
}

/// Like [`process`], validating into `report` (made with [`Report::outlining`] to get each
/// document's outline in the event). A report kept from one request to the next allocates
/// less and guesses the keys of the first document too (see [`validate_into`]).
pub fn process_with(
    body: &[u8],
    report: &mut Report,
    mut on_document: impl FnMut(DocumentEvent<'_>),
) -> Result<Processed, RequestError> {
    let members = locate_documents(body)?;
    if members.count > MAX_DOCUMENTS_PER_REQUEST {
        // The exact message X-Ray returned (spec 5.2); the error type is inferred (Q12).
        return Err(RequestError::invalid(format!(
            "Exceeding maximum segment count: {MAX_DOCUMENTS_PER_REQUEST}"
        )));
    }
    let mut out = Processed {
        documents: members.count,
        unprocessed: Vec::new(),
    };
    for (index, place) in members.documents.iter().enumerate() {
        let doc = match place {
            Place::Body(r) => &body[r.clone()],
            Place::Decoded(r) => &members.text[r.clone()],
        };
        validate_into(doc, report);
        let v = verdict(report);
        on_document(DocumentEvent {
            index,
            document: doc,
            report,
            verdict: &v,
        });
        if let Verdict::Unprocessed(u) = v {
            out.unprocessed.push(u);
        }
    }
    Ok(out)
}

/// The members of the last `TraceSegmentDocuments` array: how many, and (up to one past the
/// limit, so a huge array costs no memory) each one decoded, so the body is read once.
struct Members {
    count: usize,
    /// The documents that held escapes, decoded, one after the other.
    text: Vec<u8>,
    documents: Vec<Place>,
}

/// Where a document's text is: in the body when it has no escapes (read in place), else in
/// `Members::text`.
enum Place {
    Body(Range<usize>),
    Decoded(Range<usize>),
}

/// Finds the last `TraceSegmentDocuments` array (later duplicates win, as in most JSON readers)
/// and checks that the body is JSON and every member a string.
fn locate_documents(body: &[u8]) -> Result<Members, RequestError> {
    if simdutf8::basic::from_utf8(body).is_err() {
        return Err(RequestError::invalid(
            "The request body is not valid UTF-8.",
        ));
    }
    let syntax = |stop: Stop| match stop {
        Stop::Syntax { offset, message } => RequestError::invalid(format!(
            "The request body is not valid JSON: {message} at byte {offset}."
        )),
        Stop::Depth { offset } => RequestError::invalid(format!(
            "The request body nests too deeply at byte {offset}."
        )),
    };
    let mut s = Scanner::new(body);
    if s.kind().map_err(syntax)? != Kind::Object {
        s.skip().and_then(|_| s.end()).map_err(syntax)?;
        return Err(RequestError::invalid(
            "The request body must be a JSON object.",
        ));
    }
    s.enter().map_err(syntax)?;
    let mut found: Option<Members> = None;
    let mut shape_error: Option<RequestError> = None;
    let mut first = true;
    let mut key_buf = String::new();
    while let Some(key) = s.next_key(&mut first).map_err(syntax)? {
        let is_documents = if key.escaped {
            unescape_into(key.raw, &mut key_buf);
            key_buf == DOCUMENTS_MEMBER
        } else {
            key.raw == DOCUMENTS_MEMBER.as_bytes()
        };
        if !is_documents {
            s.skip().map_err(syntax)?;
            continue;
        }
        match s.kind().map_err(syntax)? {
            Kind::Array => {
                s.enter().map_err(syntax)?;
                let mut m = Members {
                    count: 0,
                    text: Vec::new(),
                    documents: Vec::new(),
                };
                let mut item_first = true;
                let mut all_strings = true;
                while s.next_item(&mut item_first).map_err(syntax)? {
                    if s.kind().map_err(syntax)? == Kind::String {
                        if m.documents.len() <= MAX_DOCUMENTS_PER_REQUEST {
                            let from = m.text.len();
                            let raw = s.string_decoded(&mut m.text).map_err(syntax)?;
                            m.documents.push(if raw.escaped {
                                Place::Decoded(from..m.text.len())
                            } else {
                                Place::Body(raw.start + 1..raw.start + 1 + raw.raw.len())
                            });
                        } else {
                            s.string().map_err(syntax)?;
                        }
                    } else {
                        all_strings = false;
                        s.skip().map_err(syntax)?;
                    }
                    m.count += 1;
                }
                found = Some(m);
                shape_error = (!all_strings).then(|| {
                    RequestError::invalid(format!(
                        "Every member of {DOCUMENTS_MEMBER} must be a string."
                    ))
                });
            }
            Kind::Null => {
                s.null().map_err(syntax)?;
                found = None;
                shape_error = None;
            }
            _ => {
                s.skip().map_err(syntax)?;
                found = None;
                shape_error = Some(RequestError::invalid(format!(
                    "{DOCUMENTS_MEMBER} must be a list of strings."
                )));
            }
        }
    }
    s.end().map_err(syntax)?;
    if let Some(e) = shape_error {
        return Err(e);
    }
    found.ok_or_else(|| RequestError::invalid(format!("{DOCUMENTS_MEMBER} is required.")))
}

/// HTTP 200 with `UnprocessedTraceSegments` (an empty list when all were accepted).
pub fn success_response(p: &Processed, request_id: &str) -> HttpResponse {
    let body =
        serde_json::to_vec(p).unwrap_or_else(|_| b"{\"UnprocessedTraceSegments\":[]}".to_vec());
    HttpResponse {
        status: 200,
        headers: vec![
            ("content-type", "application/json".into()),
            ("x-amzn-requestid", request_id.into()),
        ],
        body,
    }
}

/// A restJson1 error: the type in the `x-amzn-ErrorType` header and as `__type` in the body,
/// with `message`, so every SDK reads the same type and text.
pub fn error_response(
    error_type: &str,
    status: u16,
    message: &str,
    request_id: &str,
) -> HttpResponse {
    let body = serde_json::json!({ "__type": error_type, "message": message });
    HttpResponse {
        status,
        headers: vec![
            ("content-type", "application/json".into()),
            ("x-amzn-errortype", error_type.into()),
            ("x-amzn-requestid", request_id.into()),
        ],
        body: body.to_string().into_bytes(),
    }
}
