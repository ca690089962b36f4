#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The storage write functions of persons, access, territory and reports are called by the
//! services only: a page, the API, the command line, the demo or a test that called one would
//! skip the rules, the transaction or the audit row. This walks the other crates' sources.

use std::path::{Path, PathBuf};

/// `module::function(` of the storage writes that take a service's transaction.
const WRITES: &[&str] = &[
    "persons::insert(",
    "persons::update(",
    "persons::delete(",
    "situations::insert(",
    "users::insert(",
    "users::set_password(",
    "users::update_rights(",
    "sessions::revoke_all_of_user(",
    "api_tokens::insert(",
    "api_tokens::revoke(",
    "structures::insert(",
    "territory::upsert_communes(",
    "territory::replace_qpv_version(",
    "indicator_files::insert(",
    "indicator_files::update(",
    "indicator_files::delete(",
    "publications::insert(",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether what precedes `module::function(` makes it the storage function: not a longer name
/// (`persons_service::update(`), not the service of the same name
/// (`passerelle_services::persons::delete(`).
fn is_storage_call(before: &str) -> bool {
    !before.ends_with(|c: char| c.is_alphanumeric() || c == '_')
        && !before.ends_with("passerelle_services::")
}

#[test]
fn no_caller_outside_the_services_writes_through_storage() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "web/src",
        "app/src",
        "app/tests",
        "app/benches",
        "demo/src",
        "report/src",
    ] {
        rust_files(&crates.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the walk found the sources");
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for w in WRITES {
                if line
                    .match_indices(w)
                    .any(|(at, _)| is_storage_call(&line[..at]))
                {
                    found.push(format!("{}:{} calls {w}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "call the service instead:\n{}",
        found.join("\n")
    );
}
