//! Which files of a directory are segment documents: its `*.json` files at any depth, in name
//! order. `validate DIR` and `bench --documents DIR` read the same ones.

use std::path::{Path, PathBuf};

/// The `*.json` files below `dir`, or the errors met walking it, in name order.
pub fn json_files(dir: &Path) -> impl Iterator<Item = Result<PathBuf, walkdir::Error>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|entry| match entry {
            Ok(e) if e.file_type().is_file() && e.path().extension() == Some("json".as_ref()) => {
                Some(Ok(e.into_path()))
            }
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
}
