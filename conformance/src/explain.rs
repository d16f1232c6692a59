//! `list` and `explain`: what the suite holds, without running anything.

use xray_fixtures::Request;

use crate::cli::{ExplainArgs, ListArgs, Selection};
use crate::exit;
use crate::runner::{catalogue, select};

pub fn list(args: &ListArgs) -> u8 {
    let (c, jobs) = match catalogue(&args.selection)
        .and_then(|c| select(&c, &args.selection).map(|j| (c, j)))
    {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    for j in jobs {
        println!("{}\t{}", j.id, c.cases[j.case].level.as_str());
    }
    exit::PASS
}

pub fn explain(args: &ExplainArgs) -> u8 {
    let selection = Selection {
        run: vec![],
        skip: vec![],
        level: crate::cli::LevelArg::Lint,
        strict: true,
        fixtures: args.fixtures.clone(),
    };
    let c = match catalogue(&selection) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let base = args.id.strip_suffix("/mixed").unwrap_or(&args.id);
    let Some(case) = c.case(base) else {
        eprintln!(
            "error: no case {:?} (see `xray-conformance list --strict`)",
            args.id
        );
        return exit::USAGE;
    };
    println!("{}", case.id);
    if !case.aliases.is_empty() {
        println!("  aliases: {}", case.aliases.join(", "));
    }
    println!("  requirement: {}", case.requirement);
    println!("  spec: {}", case.spec);
    println!("  source: {} {}", case.provenance.as_str(), case.source);
    println!("  level: {}", case.level.as_str());
    match case.request() {
        Request::Body(b) => println!("  body: {}", String::from_utf8_lossy(b)),
        Request::Documents(docs) => {
            for (i, (d, p)) in docs
                .iter()
                .zip(case.document_paths.iter().cycle())
                .enumerate()
                .take(5)
            {
                let shown = if d.len() > 400 {
                    format!(
                        "{}... ({} bytes)",
                        String::from_utf8_lossy(&d[..400]),
                        d.len()
                    )
                } else {
                    String::from_utf8_lossy(d).into_owned()
                };
                println!("  document {i} ({p}): {shown}");
            }
            if docs.len() > 5 {
                println!("  ... {} documents in all", docs.len());
            }
        }
    }
    if let Some(core) = &case.core {
        println!(
            "  core: {} with codes {:?}",
            if core.accepted {
                "accepted"
            } else {
                "unprocessed"
            },
            core.codes
        );
    }
    for (i, o) in case.outcomes.iter().enumerate() {
        println!("  {}: {o}", if i == 0 { "expected" } else { "or" });
    }
    if case.has_mixed_variant() {
        println!("  variant {}/mixed: the same, sent with a valid partner document that must be accepted", case.id);
    }
    exit::PASS
}
