//! The crate's top-level modules use each other one way: this test reads every source file,
//! draws the graph of `crate::…` paths between top-level modules (a folder is one module; the
//! crate root only declares and re-exports, so its re-exports count for the module they name)
//! and fails on a cycle, naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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

/// The top-level module a file belongs to (`modules/persons/api.rs` → `modules`).
fn owner(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The first segment of every path after `crate::` (`crate::{a, b::c}` gives `a` and `b`).
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(inner.split(',').map(|i| ident(i.trim()).to_owned()));
        } else {
            out.push(ident(rest).to_owned());
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// What the crate root re-exports, by the module that defines it (`AppState` → `state`).
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.strip_prefix("pub use ") else {
            continue;
        };
        let module = ident(rest).to_owned();
        let items = rest[module.len()..].trim_start_matches("::");
        let items = items.trim_end_matches(';').trim_matches(['{', '}']);
        for item in items.split(',') {
            map.insert(ident(item.trim()).to_owned(), module.clone());
        }
    }
    map
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let reexports = root_reexports(&lib);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| owner(&src, f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = owner(&src, file);
        if from == "lib" || from == "layers" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for seg in crate_paths(&text) {
            let to = reexports.get(&seg).cloned().unwrap_or(seg);
            if to != from && modules.contains(&to) {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    edges
}

/// A cycle through `node`, if its walk meets a module on the current path.
fn find_cycle(
    node: &str,
    edges: &BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|n| n == node) {
        let mut cycle = path[at..].to_vec();
        cycle.push(node.to_owned());
        return Some(cycle);
    }
    if done.contains(node) {
        return None;
    }
    path.push(node.to_owned());
    for next in edges.get(node).into_iter().flatten() {
        if let Some(c) = find_cycle(next, edges, path, done) {
            return Some(c);
        }
    }
    path.pop();
    done.insert(node.to_owned());
    None
}

#[test]
fn the_shared_modules_use_each_other_one_way() {
    let edges = graph();
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        let cycle = find_cycle(node, &edges, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "import cycle: {}",
            cycle.unwrap().join(" → ")
        );
    }
}

#[test]
fn the_graph_sees_the_uses_it_must_see() {
    let edges = graph();
    let uses = |a: &str, b: &str| edges.get(a).is_some_and(|s| s.contains(b));
    assert!(uses("error", "view"), "the error page is rendered by view");
    assert!(uses("auth", "state"), "crate::AppState is state's");
    assert!(uses("modules", "auth"));
    assert!(uses("routes", "modules"));
    assert!(!uses("view", "auth"));
}

#[test]
fn paths_are_read_in_groups_and_alone() {
    assert_eq!(
        crate_paths("use crate::{AppState, api::x};\nlet a = crate::view::fr_date(d);"),
        vec!["AppState", "api", "view"]
    );
}
