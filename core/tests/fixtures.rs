//! One libtest trial per fixture case and variant: `cargo test -p xray-segment -- trace-id/`
//! runs a group. Each single-document case checks the core's verdict and exact codes; every
//! case checks the request semantics against the case's expected outcome. The catalogue's own
//! lints run as trials under `catalogue/`.

use std::collections::BTreeSet;
use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};
use xray_fixtures::{check, Case, Catalogue, Observed, Request};
use xray_segment::request::put_trace_segments;
use xray_segment::{restjson, validate, validate_into, Code, Report};

/// The catalogue must hold at least this many cases (the suite's coverage promise).
const MIN_CASES: usize = 300;

/// Spec areas of sections 1 and 2 that must each have a group.
const GROUPS: &[&str] = &[
    "required",
    "ids",
    "trace-id",
    "times",
    "independent",
    "names",
    "http",
    "aws",
    "sql",
    "cause",
    "annotations",
    "metadata",
    "subsegments",
    "size",
    "not-json",
    "batch",
    "request",
];

fn main() {
    let args = Arguments::from_args();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let catalogue: &'static Catalogue = match Catalogue::load(&dir) {
        Ok(c) => Box::leak(Box::new(c)),
        Err(e) => {
            eprintln!("the fixture catalogue does not load: {e}");
            std::process::exit(101);
        }
    };
    let mut trials: Vec<Trial> = catalogue
        .trials()
        .into_iter()
        .map(|t| {
            let (id, case, request, plain) = (t.id.clone(), t.case, t.request, t.id == t.case.id);
            Trial::test(id, move || run(case, &request, plain)).with_kind(case.level.as_str())
        })
        .collect();
    trials.push(Trial::test("catalogue/enough-cases", || {
        let n = catalogue.cases.len();
        ensure(
            n >= MIN_CASES,
            format!("{n} cases; at least {MIN_CASES} are promised"),
        )
    }));
    trials.push(Trial::test("catalogue/every-area-has-cases", || {
        let groups: BTreeSet<&str> = catalogue.cases.iter().map(|c| c.group.as_str()).collect();
        let missing: Vec<&&str> = GROUPS.iter().filter(|g| !groups.contains(**g)).collect();
        ensure(
            missing.is_empty(),
            format!("groups without cases: {missing:?}"),
        )
    }));
    trials.push(Trial::test("catalogue/every-document-used", || {
        let unused = catalogue.unused_documents();
        ensure(
            unused.is_empty(),
            format!(
                "documents no case sends (move seed-only ones to documents/seeds/): {unused:?}"
            ),
        )
    }));
    trials.push(Trial::test("catalogue/codes-exist", || {
        let unknown: Vec<String> = catalogue
            .cases
            .iter()
            .flat_map(|c| {
                c.core
                    .iter()
                    .flat_map(move |k| k.codes.iter().map(move |code| (c, code)))
            })
            .filter(|(_, code)| Code::from_name(code).is_none())
            .map(|(c, code)| format!("{}: {code}", c.id))
            .collect();
        ensure(
            unknown.is_empty(),
            format!("codes the core does not have: {unknown:?}"),
        )
    }));
    trials.push(Trial::test(
        "catalogue/every-observed-error-code-reproduced",
        || {
            // Every ErrorCode/Message pair X-Ray has really returned (spec 5.2), asserted exactly
            // by at least one aws-level case.
            let observed = [
                (
                    "InvalidTraceId",
                    "Invalid segment. ErrorCode: InvalidTraceId",
                ),
                ("MissingId", "Invalid segment. ErrorCode: MissingId"),
                ("MissingName", "Invalid segment. ErrorCode: MissingName"),
                (
                    "InvalidName",
                    "Invalid subsegment. ErrorCode: InvalidName, Cause: null",
                ),
                (
                    "MissingEndTime",
                    "Invalid subsegment. ErrorCode: MissingEndTime, Cause: null",
                ),
                (
                    "MissingParentId",
                    "Invalid subsegment. ErrorCode: MissingParentId, Cause: null",
                ),
                ("ParseError", "Invalid segment. ErrorCode: ParseError"),
            ];
            let missing: Vec<&str> = observed
                .iter()
                .filter(|(code, msg)| {
                    !catalogue
                        .cases
                        .iter()
                        .any(|c| asserts_exactly(c, code, msg))
                })
                .map(|(code, _)| *code)
                .collect();
            ensure(
                missing.is_empty(),
                format!("no case reproduces exactly: {missing:?}"),
            )
        },
    ));
    libtest_mimic::run(&args, trials).exit();
}

fn asserts_exactly(c: &Case, code: &str, message: &str) -> bool {
    c.outcomes.iter().any(|o| {
        matches!(o, xray_fixtures::Outcome::Processed { unprocessed }
            if unprocessed.iter().any(|(_, e)| e.error_codes == [code] && e.message.as_deref() == Some(message)))
    })
}

fn ensure(ok: bool, why: String) -> Result<(), Failed> {
    if ok {
        Ok(())
    } else {
        Err(why.into())
    }
}

fn outlined(doc: &[u8]) -> Report {
    let mut report = Report::outlining();
    validate_into(doc, &mut report);
    report
}

fn run(case: &Case, request: &Request, plain: bool) -> Result<(), Failed> {
    let mut failures = String::new();
    if let (true, Some(core), Some(doc)) = (plain, &case.core, case.document()) {
        let report = validate(doc);
        let codes: Vec<&str> = report.codes().iter().map(|c| c.as_str()).collect();
        if report.is_accepted() != core.accepted || codes != core.codes {
            let verdict = |a: bool| if a { "accepted" } else { "unprocessed" };
            failures += &format!(
                "core: expected {} with codes {:?}\n      actual   {} with codes {codes:?}\n",
                verdict(core.accepted),
                core.codes,
                verdict(report.is_accepted())
            );
            for d in &report.diagnostics {
                failures += &format!(
                    "        {} {} at {:?}: {}\n",
                    d.severity(),
                    d.code,
                    d.pointer,
                    d.message
                );
            }
        }
        // Read a second time, every entity key is guessed from the first reading's order:
        // the guessed reading must say exactly what the searched one does.
        for new in [report, outlined(doc)] {
            let mut again = new.clone();
            validate_into(doc, &mut again);
            validate_into(doc, &mut again);
            if again != new {
                failures += &format!(
                    "a reused report disagrees with a new one:\n  new:    {new:?}\n  reused: {again:?}\n"
                );
            }
        }
    }
    if !case.core_only {
        let response = put_trace_segments(&request.body(), "fixture-test");
        let observed = Observed::from_http(
            response.status,
            restjson::error_type(response.header("x-amzn-errortype"), &response.body),
            restjson::error_message(&response.body),
            &response.body,
        );
        let ids: Vec<Option<String>> = request
            .documents()
            .iter()
            .map(|d| validate(d).id().map(str::to_owned))
            .collect();
        // The reference must give the case's first outcome exactly.
        if let Err(why) = check(&case.outcomes[..1], &observed, &ids) {
            failures += "request: expected one of:\n";
            for o in &case.outcomes {
                failures += &format!("  {o}\n");
            }
            failures += &format!("  actual: {observed}\n{why}");
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n  requirement: {}\n  source: {} ({})\n{failures}",
            case.id, case.requirement, case.source, case.spec
        )
        .into())
    }
}
