//! The pathways are written through their services only: no page, API handler, demo, command
//! or test calls a pathways write function of the storage crate (they take the service's
//! transaction), so that every write passes the rules and leaves its audit row.

use std::path::{Path, PathBuf};

/// The storage crate's pathways write functions, as a caller would name them.
const WRITES: &[&str] = &[
    "enrolments::insert(",
    "enrolments::apply_transition(",
    "enrolments::assign_referent(",
    "steps::insert",
    "steps::set_objective_status(",
    "contracts::insert(",
    "contracts::update(",
    "committees::insert_",
    "programmes::update(",
    "programmes::ensure_defaults(",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_services_call_the_pathways_write_functions() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["web/src", "demo/src", "app/src", "app/tests", "app/benches"] {
        rust_files(&crates.join(dir), &mut files);
    }
    assert!(files.len() > 20, "the sources were not found");
    let this = Path::new(file!()).file_name().unwrap();
    let mut offenders = Vec::new();
    for file in files.iter().filter(|f| f.file_name() != Some(this)) {
        let text = std::fs::read_to_string(file).unwrap();
        for write in WRITES {
            if text.contains(write) {
                offenders.push(format!("{} calls {write}", file.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}
