//! The rules, one module per area of the specification.

mod annotations;
mod aws;
mod cause;
mod entity;
pub(crate) use entity::KeyOrder;
pub(crate) mod fields;
mod http;
pub(crate) mod ids;
mod metadata;
mod names;
mod sql;
mod times;
