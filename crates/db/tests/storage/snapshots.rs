//! What each shipped indicator runs, per engine: the SQL compiled for its value (the year, and
//! the year with the year before), its breakdowns and its list of records, compared with the
//! files under `snapshots/`. A change to the compiler shows as a diff to review; run with
//! `UPDATE_SNAPSHOTS=1` to accept it (the files are rewritten, stale ones removed).
//!
//! The definitions are read from the report crate's files as data (TOML into the domain's
//! `IndicatorDef`), so this binary does not depend on that crate.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use passerelle_db::pathways::scope::Scope;
use passerelle_db::reports::indicators::{breakdowns_sql, counted_sql, value_sql};
use passerelle_db::{Dialect, Sql};
use passerelle_domain::reports::indicator::IndicatorDef;
use time::macros::date;
use uuid::Uuid;

#[derive(serde::Deserialize)]
struct DefinitionFile {
    #[serde(default)]
    indicator: Vec<IndicatorDef>,
}

/// Every shipped definition, by id.
fn shipped() -> BTreeMap<String, IndicatorDef> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../report/definitions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut defs = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let parsed: DefinitionFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{} : {e}", file.display()));
        for d in parsed.indicator {
            defs.insert(d.id.clone(), d);
        }
    }
    assert!(defs.len() > 10, "the shipped definitions were not found");
    defs
}

fn section(out: &mut String, title: &str, sql: Result<Sql, passerelle_db::DbError>) {
    let _ = writeln!(out, "-- {title}");
    match sql {
        Ok(sql) => {
            let _ = writeln!(out, "{}", sql.text());
            let values: Vec<String> = sql.values().map(|v| format!("{v:?}")).collect();
            let _ = writeln!(out, "-- values: {}\n", values.join(", "));
        }
        Err(e) => {
            let _ = writeln!(out, "-- none: {e}\n");
        }
    }
}

/// The snapshot of one definition on one engine.
fn compiled(dialect: Dialect, def: &IndicatorDef) -> String {
    let structure = Uuid::from_u128(1);
    let year = (date!(2021 - 01 - 01), date!(2021 - 12 - 31));
    let before = (date!(2020 - 01 - 01), date!(2020 - 12 - 31));
    let mut out = format!(
        "-- {} (version {}) on {}: compiled SQL, checked by tests/storage/snapshots.rs\n\n",
        def.id,
        def.version,
        dialect.name()
    );
    section(
        &mut out,
        "value, 2021",
        value_sql(dialect, def, structure, &[year]),
    );
    section(
        &mut out,
        "values, 2020 and 2021",
        value_sql(dialect, def, structure, &[before, year]),
    );
    let breakdowns = breakdowns_sql(dialect, def, structure, &def.breakdowns, year.0, year.1);
    section(&mut out, "every breakdown, 2021", breakdowns);
    let whole = Scope::whole_structure(structure);
    let counted = counted_sql(dialect, def, &whole, year.0, year.1);
    section(
        &mut out,
        "counted records, whole structure, 2021",
        Ok(counted),
    );
    out
}

/// The lines of `expected` and `actual` that differ, as `-`/`+` lines around their common
/// lines (a longest common subsequence), at most 40 of them.
fn diff(expected: &str, actual: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            (i, j) = (i + 1, j + 1);
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("{:>4} - {}", i + 1, a[i]));
            i += 1;
        } else {
            out.push(format!("{:>4} + {}", j + 1, b[j]));
            j += 1;
        }
    }
    out.truncate(40);
    out.join("\n")
}

#[test]
fn each_shipped_indicator_compiles_to_its_snapshot_on_each_engine() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/storage/snapshots");
    let defs = shipped();
    let mut failures = Vec::new();
    for dialect in Dialect::ALL {
        let dir = root.join(dialect.name());
        std::fs::create_dir_all(&dir).unwrap();
        let mut expected_files = Vec::new();
        for def in defs.values() {
            let path = dir.join(format!("{}.sql", def.id));
            expected_files.push(path.clone());
            let actual = compiled(dialect, def);
            if update {
                std::fs::write(&path, &actual).unwrap();
                continue;
            }
            match std::fs::read_to_string(&path) {
                Err(_) => failures.push(format!(
                    "{}: no snapshot (run with UPDATE_SNAPSHOTS=1 to write it)",
                    path.display()
                )),
                Ok(expected) if expected != actual => failures.push(format!(
                    "{}: the compiled SQL differs (- snapshot, + now; UPDATE_SNAPSHOTS=1 accepts it):\n{}",
                    path.display(),
                    diff(&expected, &actual)
                )),
                Ok(_) => {}
            }
        }
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if !expected_files.contains(&path) {
                if update {
                    std::fs::remove_file(&path).unwrap();
                } else {
                    failures.push(format!("{}: no such indicator any more", path.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn the_diff_names_the_lines_that_changed() {
    let d = diff("a\nb\nc\n", "a\nB\nc\nd\n");
    assert_eq!(d, "   2 - b\n   2 + B\n   4 + d");
}
