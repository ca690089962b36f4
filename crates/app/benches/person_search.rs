//! Name search on a large register: loads `BENCH_PERSONS` persons (default 1 000 000) into a
//! fresh SQLite database, then times the register's search as the list page runs it (count and
//! first page of 50), for queries typed the way users type them: exact, upper case, without
//! accents, with one typo, name and first name, prefix. Prints p50 / p95 / p99 / max.
//!
//! `cargo bench -p passerelle --bench person_search` (set `BENCH_PERSONS` for a smaller run).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::Instant;

use passerelle_db::persons;
use passerelle_db::persons::search::{self, PersonFilter};
use passerelle_db::{Db, territory};
use passerelle_domain::persons::PersonFields;

/// A surname as a real register has them: one person in five carries one of a hundred common
/// names (about 0.2 % each, like Martin or Dupont), the others one of some fifty thousand rarer
/// names built from syllables.
fn surname(rng: &mut fastrand::Rng, common: &[&str]) -> String {
    const START: &[&str] = &[
        "Be", "Ca", "De", "Du", "Fa", "Ga", "Ha", "Jo", "La", "Le", "Ma", "Mo", "Na", "Pe", "Ro",
        "Sa", "Ta", "Va", "Wa", "Ya",
    ];
    const MIDDLE: &[&str] = &[
        "l", "r", "n", "m", "ss", "rt", "nd", "ch", "v", "z", "k", "b", "d", "t", "gn",
    ];
    const VOWEL: &[&str] = &["a", "e", "i", "o"];
    const END: &[&str] = &[
        "ier", "and", "ot", "ard", "ens", "elle", "ali", "ez", "aert", "ke", "oux", "in", "eau",
        "y", "ès", "i", "ou", "at",
    ];
    if rng.u32(..100) < 20 {
        return common[rng.usize(..common.len())].to_owned();
    }
    format!(
        "{}{}{}{}{}",
        START[rng.usize(..START.len())],
        MIDDLE[rng.usize(..MIDDLE.len())],
        VOWEL[rng.usize(..VOWEL.len())],
        MIDDLE[rng.usize(..MIDDLE.len())],
        END[rng.usize(..END.len())]
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("BENCH_PERSONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("passerelle-bench-{}", uuid::Uuid::now_v7()));
    let db = Db::open_data_dir(&dir).await.expect("database");
    territory::ensure_default_communes(&db)
        .await
        .expect("communes");
    passerelle_services::territory::install_qpv_list(&db, "demo", &passerelle_demo::demo_qpvs())
        .await
        .expect("qpv");
    let s = passerelle_services::access::create_structure(&db, "Bench")
        .await
        .expect("structure");
    let today = time::macros::date!(2026 - 11 - 29);

    let mut rng = fastrand::Rng::with_seed(7);
    let started = Instant::now();
    let mut names: Vec<String> = Vec::new();
    let chunk = 20_000;
    let mut loaded = 0;
    while loaded < n {
        let size = chunk.min(n - loaded);
        let people: Vec<PersonFields> = passerelle_demo::population(loaded as u64, size, today)
            .into_iter()
            .map(|(mut p, _)| {
                p.last_name = surname(&mut rng, passerelle_demo::COMMON_SURNAMES);
                p.birth_name = None;
                p
            })
            .collect();
        if names.len() < 2000 {
            names.extend(
                people
                    .iter()
                    .take(50)
                    .map(|p| format!("{} {}", p.last_name, p.first_names)),
            );
        }
        persons::bulk_insert(&db, s.id, &people)
            .await
            .expect("insert");
        loaded += size;
    }
    if let Db::Sqlite(p) = &db {
        sqlx::query("ANALYZE").execute(p).await.expect("analyze");
    }
    println!(
        "loaded {n} persons in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Queries as typed: exact, upper case, no accents, a typo, with the first name, a prefix.
    let mut queries = Vec::new();
    for (i, full) in names.iter().enumerate().take(600) {
        let (last, first) = full.split_once(' ').unwrap_or((full, ""));
        let q = match i % 6 {
            0 => last.to_owned(),
            1 => last.to_uppercase(),
            2 => passerelle_domain::persons::name_search::normalise(last),
            3 => {
                let mut c: Vec<char> = last.chars().collect();
                let at = 1 + i % (c.len() - 1);
                c.remove(at);
                c.into_iter().collect()
            }
            4 => format!("{first} {last}"),
            _ => last.chars().take(4).collect(),
        };
        queries.push(q);
    }
    for q in ["dupont", "DUPONT", "dupond", "lefevre", "marie dupont"] {
        queries.push(q.to_owned());
    }

    let mut times = Vec::with_capacity(queries.len());
    let mut by_kind: Vec<Vec<f64>> = vec![Vec::new(); 7];
    let mut total_found = 0i64;
    for (i, q) in queries.iter().enumerate() {
        let filter = PersonFilter {
            query: q.clone(),
            on: Some(today),
            limit: 50,
            ..Default::default()
        };
        let t = Instant::now();
        let page = search::search(&db, s.id, &filter).await.expect("search");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        by_kind[if i < 600 { i % 6 } else { 6 }].push(ms);
        total_found += page.total;
    }
    let kinds = [
        "exact",
        "upper case",
        "no accents",
        "one typo",
        "first name + name",
        "4-letter prefix",
        "common names",
    ];
    for (kind, mut t) in kinds.iter().zip(by_kind) {
        t.sort_by(f64::total_cmp);
        if !t.is_empty() {
            println!(
                "  {kind:<18} p50 {:>7.2} ms  p95 {:>7.2} ms",
                percentile(&t, 0.5),
                percentile(&t, 0.95)
            );
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "name search over {n} persons, {} queries (count + first page of 50; mean {} matches): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        total_found / times.len() as i64,
        percentile(&times, 0.50),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
        times[times.len() - 1]
    );
    db.close().await;
    if std::env::var_os("BENCH_KEEP").is_some() {
        println!("database kept in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
