//! `xray-segment`: one executable definition of what AWS X-Ray does with a segment document
//! and with a `PutTraceSegments` request.
//!
//! - [`validate`] checks a document in one pass over its bytes, without building a tree, and
//!   reports every problem as a [`Diagnostic`] with a stable [`Code`], severity, JSON pointer,
//!   message and offset. A valid document allocates nothing.
//! - [`validate_into`] does the same into a [`Report`] kept from one document to the next. Its
//!   buffers are reused, and so is the order in which earlier documents had their keys: a key
//!   found in that order is confirmed by one comparison (about 1.2x faster on ~1 KB documents
//!   from one producer than with no order learnt). To validate many documents, keep one
//!   report per thread:
//!
//! ```
//! use xray_segment::{validate_into, Code, Report};
//!
//! let docs: [&[u8]; 2] = [
//!     br#"{"name":"checkout","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1478293361.271,"end_time":1478293361.449}"#,
//!     br#"{"id":"70de5b6f19ff9a0b","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1478293361.271,"end_time":1478293361.449}"#,
//! ];
//! let mut report = Report::default();
//! let mut accepted = 0;
//! for doc in docs {
//!     validate_into(doc, &mut report);
//!     if report.is_accepted() {
//!         accepted += 1;
//!     } else {
//!         assert_eq!(report.codes(), [Code::NameMissing]);
//!         assert_eq!(report.id(), Some("70de5b6f19ff9a0b"));
//!     }
//! }
//! assert_eq!(accepted, 1);
//! ```
//! - [`verdict`] turns a report into X-Ray's answer: accepted, or unprocessed with the `Id`,
//!   `ErrorCode` and `Message` X-Ray really returns.
//! - [`request::put_trace_segments`] answers a whole request body as the service does.
//! - [`outline`]: on request, the same pass also notes each entity's ids, name and times
//!   (byte ranges, no copies) for checks across documents.
//! - [`model`] holds serde types for reading and writing documents (not used for validation).
//!
//! The rules follow the project's sourced specification; `RULES.md` beside this crate lists
//! them, and [`Code::ALL`] carries each rule's section and provenance.

mod codes;
pub mod daemon;
mod diagnostic;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod limits;
mod message;
pub mod model;
pub mod outline;
mod path;
pub mod request;
pub mod restjson;
mod rules;
mod scan;
pub mod schema;
#[cfg(feature = "strategies")]
pub mod strategies;
mod validator;
mod verdict;

pub use codes::{Code, Provenance, Severity};
pub use diagnostic::{line_col, Diagnostic, Report};
pub use validator::{scan_only, validate, validate_into};
pub use verdict::{verdict, Unprocessed, Verdict};
