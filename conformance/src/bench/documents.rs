//! `bench --documents DIR`: a user's own documents as the load, instead of generated ones, so
//! that the figures hold for what their producers send.

use std::path::Path;

use xray_fixtures::json_files::json_files;

/// The `*.json` files below `dir`, each as text, in name order. A file that is not UTF-8 is
/// left out with a note on stderr: a document travels inside a JSON string, which cannot hold
/// it. A missing or unreadable directory or file, no document at all, or more than `limit`
/// bytes in all is an error naming it.
pub fn load(dir: &Path, limit: usize) -> Result<Vec<String>, String> {
    if !dir.is_dir() {
        return Err(format!("--documents {}: not a directory", dir.display()));
    }
    let mut docs = Vec::new();
    let mut total = 0usize;
    for path in json_files(dir) {
        let path = path.map_err(|e| format!("--documents: {e}"))?;
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let Ok(text) = String::from_utf8(bytes) else {
            eprintln!(
                "note: {} left out: it is not UTF-8, so no JSON string can carry it",
                path.display()
            );
            continue;
        };
        total += text.len();
        if total > limit {
            return Err(too_much(dir, limit));
        }
        docs.push(text);
    }
    if docs.is_empty() {
        return Err(format!("no UTF-8 *.json file below {}", dir.display()));
    }
    Ok(docs)
}

fn too_much(dir: &Path, limit: usize) -> String {
    format!(
        "the documents below {} come to more than {} MiB in the bodies to prepare; use fewer files or a smaller --batch",
        dir.display(),
        limit >> 20
    )
}

/// Bodies of `batch` documents, taking the documents in turn: as many bodies as it takes to
/// send each document once, the last one filled from the first documents again (and each
/// body, when there are fewer documents than `batch`). An error when they would hold more
/// than `limit` bytes of documents.
pub fn bodies<'d>(
    docs: &'d [String],
    batch: usize,
    dir: &Path,
    limit: usize,
) -> Result<Vec<Vec<&'d str>>, String> {
    let count = docs.len().div_ceil(batch.max(1));
    let mut bytes = 0usize;
    let mut bodies = Vec::with_capacity(count);
    for b in 0..count {
        let body: Vec<&str> = (0..batch)
            .map(|k| docs[(b * batch + k) % docs.len()].as_str())
            .collect();
        bytes = body.iter().fold(bytes, |n, d| n.saturating_add(d.len()));
        if bytes > limit {
            return Err(too_much(dir, limit));
        }
        bodies.push(body);
    }
    Ok(bodies)
}

/// The mean size of `docs` in bytes, for the report.
pub fn mean_bytes(docs: &[String]) -> usize {
    docs.iter().map(String::len).sum::<usize>() / docs.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn json_files_at_any_depth_in_name_order() {
        let dir = dir_with(&[
            ("b.json", b"2"),
            ("a/z.json", b"1"),
            ("c.txt", b"x"),
            ("d.json", b"3"),
        ]);
        assert_eq!(load(dir.path(), 100).unwrap(), ["1", "2", "3"]);
    }

    #[test]
    fn each_document_is_sent_once_a_cycle() {
        let docs: Vec<String> = (0..5).map(|n| n.to_string()).collect();
        let at = Path::new("d");
        let bodies = bodies(&docs, 2, at, 100).unwrap();
        assert_eq!(bodies, [vec!["0", "1"], vec!["2", "3"], vec!["4", "0"]]);
        // Fewer documents than a batch: one body, the documents repeated.
        let one = super::bodies(&docs[..2], 5, at, 100).unwrap();
        assert_eq!(one, [vec!["0", "1", "0", "1", "0"]]);
    }

    #[test]
    fn the_byte_limit_holds_at_its_edge() {
        // Ten documents of ten bytes in bodies of four: 12 documents prepared, 120 bytes.
        let docs: Vec<String> = (0..10).map(|n| format!("{n:010}")).collect();
        let at = Path::new("d");
        assert!(bodies(&docs, 4, at, 119).is_err());
        assert_eq!(bodies(&docs, 4, at, 120).unwrap().len(), 3);
        assert_eq!(bodies(&docs, 4, at, 121).unwrap().len(), 3);
        let dir = dir_with(&[("a.json", b"12345"), ("b.json", b"12345")]);
        assert!(load(dir.path(), 9).unwrap_err().contains("MiB"));
        assert_eq!(load(dir.path(), 10).unwrap().len(), 2);
        assert_eq!(load(dir.path(), 11).unwrap().len(), 2);
    }

    #[test]
    fn bad_directories_and_files_are_errors_naming_them() {
        let empty = dir_with(&[("notes.txt", b"x")]);
        let e = load(empty.path(), 100).unwrap_err();
        assert!(e.contains("*.json file"), "{e}");
        let missing = empty.path().join("missing");
        let e = load(&missing, 100).unwrap_err();
        assert!(
            e.contains("not a directory") && e.contains("missing"),
            "{e}"
        );
        // A file that is not UTF-8 is left out, and with nothing else there is nothing to send.
        let latin1 = dir_with(&[("bad.json", b"{\"name\":\"caf\xe9\"}"), ("ok.json", b"1")]);
        assert_eq!(load(latin1.path(), 100).unwrap(), ["1"]);
        std::fs::remove_file(latin1.path().join("ok.json")).unwrap();
        assert!(load(latin1.path(), 100).is_err());
    }
}
