//! proptest strategies that generate valid documents exercising every field kind. Behind the
//! `strategies` feature so the fuzz targets and benches can reuse them.

use crate::model::*;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::{Map, Value};

pub fn hex(len: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[0-9a-f]{{{len}}}")).expect("valid regex")
}

pub fn trace_id() -> impl Strategy<Value = String> {
    (hex(8), hex(24)).prop_map(|(a, b)| format!("1-{a}-{b}"))
}

/// Names from the allowed set: letters (some non-ASCII), digits, separators and the symbols.
pub fn name() -> impl Strategy<Value = String> {
    proptest::string::string_regex(r"[A-Za-z0-9 _.:/%&#=+@\-éß中Ωж]{1,40}").expect("valid regex")
}

fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex(r"[ -~]{0,40}").expect("valid regex")
}

fn annotation_value() -> impl Strategy<Value = AnnotationValue> {
    prop_oneof![
        any::<bool>().prop_map(AnnotationValue::Bool),
        any::<i64>().prop_map(|n| AnnotationValue::Number(n.into())),
        (-1e12f64..1e12).prop_map(|f| AnnotationValue::Number(
            serde_json::Number::from_f64(f).unwrap_or(0.into())
        )),
        text().prop_map(AnnotationValue::String),
    ]
}

fn metadata() -> impl Strategy<Value = Map<String, Value>> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    let value = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map("[a-z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    btree_map("[a-z]{1,8}", btree_map("[a-z]{1,8}", value, 0..4), 0..3).prop_map(|m| {
        m.into_iter()
            .map(|(k, v)| (k, Value::Object(v.into_iter().collect())))
            .collect()
    })
}

fn http() -> impl Strategy<Value = Http> {
    (
        option::of(prop::sample::select(vec!["GET", "POST", "PUT"])),
        option::of(text()),
        option::of(100i64..600),
    )
        .prop_map(|(method, url, status)| Http {
            request: Some(HttpRequest {
                method: method.map(str::to_owned),
                url,
                ..Default::default()
            }),
            response: status.map(|s| HttpResponse {
                status: Some(s),
                content_length: Some(Value::from(12)),
            }),
        })
}

fn cause() -> impl Strategy<Value = Cause> {
    let frame = (
        option::of(text()),
        option::of(1i64..5000),
        option::of(text()),
    )
        .prop_map(|(path, line, label)| StackFrame { path, line, label });
    let exception =
        (hex(16), option::of(text()), vec(frame, 0..4)).prop_map(|(id, message, stack)| {
            Exception {
                id: Some(id),
                message,
                kind: Some("Error".into()),
                stack: Some(stack),
                ..Default::default()
            }
        });
    prop_oneof![
        hex(16).prop_map(Cause::Id),
        vec(exception, 0..3).prop_map(|e| Cause::Details(CauseDetails {
            working_directory: Some("/app".into()),
            paths: None,
            exceptions: Some(e)
        })),
    ]
}

fn sql() -> impl Strategy<Value = Sql> {
    (
        option::of(text()),
        option::of(prop::sample::select(vec!["call", "statement"])),
    )
        .prop_map(|(q, p)| Sql {
            sanitized_query: q,
            database_type: Some("PostgreSQL".into()),
            preparation: p.map(str::to_owned),
            ..Default::default()
        })
}

/// Fields every entity may carry, valid for both segments and subsegments.
fn body(depth: u32) -> BoxedStrategy<Entity> {
    let times = (1.0e9f64..2.0e9, 0.0f64..100.0, any::<bool>());
    let parts = (
        name(),
        hex(16),
        times,
        (
            any::<Option<bool>>(),
            any::<Option<bool>>(),
            any::<Option<bool>>(),
        ),
        option::of(http()),
        option::of(cause()),
        option::of(btree_map("[A-Za-z0-9_]{1,12}", annotation_value(), 0..6)),
        option::of(metadata()),
    );
    let base = parts.prop_map(
        |(
            name,
            id,
            (start, dur, in_progress),
            (error, fault, throttle),
            http,
            cause,
            annotations,
            metadata,
        )| Entity {
            name,
            id,
            start_time: start,
            end_time: (!in_progress).then_some(start + dur),
            in_progress: in_progress.then_some(true),
            error,
            fault,
            throttle,
            http,
            cause,
            annotations,
            metadata,
            ..Default::default()
        },
    );
    if depth == 0 {
        return base.boxed();
    }
    (base, vec(subsegment(depth - 1), 0..3))
        .prop_map(|(mut e, subs)| {
            if !subs.is_empty() {
                e.subsegments = Some(subs);
            }
            e
        })
        .boxed()
}

fn subsegment(depth: u32) -> BoxedStrategy<Entity> {
    (
        body(depth),
        option::of(sql()),
        option::of(prop::sample::select(vec!["aws", "remote"])),
    )
        .prop_map(|(mut e, sql, ns)| {
            e.sql = sql;
            e.namespace = ns.map(str::to_owned);
            e
        })
        .boxed()
}

/// A valid top-level segment with up to three levels of subsegments.
pub fn segment() -> impl Strategy<Value = Entity> {
    (body(3), trace_id(), option::of(text()), any::<bool>()).prop_map(
        |(mut e, trace, user, with_aws)| {
            e.trace_id = Some(trace);
            e.user = user;
            if with_aws {
                e.aws = Some(Aws {
                    account_id: Some("123456789012".into()),
                    ..Default::default()
                });
                e.origin = Some("AWS::EC2::Instance".into());
            }
            e.extra.insert("notTraced".into(), Value::Bool(false));
            e
        },
    )
}

/// A valid independent subsegment.
pub fn independent_subsegment() -> impl Strategy<Value = Entity> {
    (subsegment(1), trace_id(), hex(16)).prop_map(|(mut e, trace, parent)| {
        e.trace_id = Some(trace);
        e.parent_id = Some(parent);
        e.kind = Some("subsegment".into());
        e
    })
}
