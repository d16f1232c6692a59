//! `xray-segment`: one executable definition of what AWS X-Ray does with a segment document
//! and with a `PutTraceSegments` request.
//!
//! - [`validate`] checks a document in one pass over its bytes, without building a tree, and
//!   reports every problem as a [`Diagnostic`] with a stable [`Code`], severity, JSON pointer,
//!   message and offset. A valid document allocates nothing.
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
