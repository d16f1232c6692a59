//! `--known-failing FILE`: one pattern per line, each with a required `# reason`. A listed case
//! that passes fails the run (a stale entry), as does a pattern that matches nothing.

use crate::select::Pattern;

#[derive(Debug)]
pub struct Entry {
    pub pattern: Pattern,
    pub reason: String,
    pub line: usize,
}

pub fn parse(text: &str, file: &str) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (pattern, reason) = match line.split_once('#') {
            Some((p, r)) if !p.trim().is_empty() && !r.trim().is_empty() => (p.trim(), r.trim()),
            _ => {
                return Err(format!(
                    "{file}:{}: each line needs a pattern and a `# reason`",
                    i + 1
                ))
            }
        };
        out.push(Entry {
            pattern: Pattern::new(pattern)?,
            reason: reason.to_owned(),
            line: i + 1,
        });
    }
    Ok(out)
}

pub fn load(path: &std::path::Path) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_required() {
        let ok = parse("# header\nnames/** # no name checks\n\n", "f").unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].reason, "no name checks");
        assert!(parse("names/**\n", "f").unwrap_err().contains("f:1"));
        assert!(parse("names/** #   \n", "f").is_err());
    }
}
