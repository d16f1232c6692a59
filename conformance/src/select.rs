//! Choosing cases by id: `*` matches within one segment, `**` across segments, `@FILE` reads
//! one pattern per line. A pattern that matches nothing is an error, never a silent no-op.

use globset::{GlobBuilder, GlobMatcher};

#[derive(Debug)]
pub struct Pattern {
    pub text: String,
    matcher: GlobMatcher,
}

impl Pattern {
    pub fn new(text: &str) -> Result<Pattern, String> {
        let glob = GlobBuilder::new(text)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("bad pattern {text:?}: {e}"))?;
        Ok(Pattern {
            text: text.to_owned(),
            matcher: glob.compile_matcher(),
        })
    }

    pub fn matches(&self, id: &str) -> bool {
        self.matcher.is_match(id)
    }
}

/// Compiles patterns, expanding `@FILE` (blank lines and `#` comments ignored).
pub fn compile(patterns: &[String]) -> Result<Vec<Pattern>, String> {
    let mut out = Vec::new();
    for p in patterns {
        if let Some(file) = p.strip_prefix('@') {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read pattern file {file}: {e}"))?;
            for line in text.lines() {
                let line = line.split('#').next().unwrap_or("").trim();
                if !line.is_empty() {
                    out.push(Pattern::new(line)?);
                }
            }
        } else {
            out.push(Pattern::new(p)?);
        }
    }
    Ok(out)
}

/// Whether any of the trial's names (its id, or an alias with the same variant suffix) matches.
pub fn any_match(patterns: &[Pattern], names: &[String]) -> bool {
    patterns.iter().any(|p| names.iter().any(|n| p.matches(n)))
}

/// The patterns that match none of the names.
pub fn unmatched<'p>(patterns: &'p [Pattern], all_names: &[Vec<String>]) -> Vec<&'p str> {
    patterns
        .iter()
        .filter(|p| !all_names.iter().flatten().any(|n| p.matches(n)))
        .map(|p| p.text.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_stays_within_a_segment() {
        let one = Pattern::new("names/*").unwrap();
        assert!(one.matches("names/missing"));
        assert!(!one.matches("names/missing/mixed"));
        let all = Pattern::new("names/**").unwrap();
        assert!(all.matches("names/missing/mixed"));
        assert!(!all.matches("ids/missing"));
    }
}
