//! The whole annual report on a large register (issue 4): `BENCH_PERSONS` persons (default
//! 100 000) with some 5 000 000 recorded rows, generated once from a fixed seed and cached under
//! the target directory. Times, in alternating runs, the report engine over the shipped
//! definitions (every figure for 2021 and 2020), the same with its breakdowns, and the same
//! figures by hand-written SQL; checks that both give the same values, and prints p50 / min /
//! max and the ratio engine / hand-written.
//!
//! `cargo bench -p passerelle --bench annual_report` (`BENCH_PERSONS=2000` for a quick run,
//! `BENCH_RUNS` for the number of timed runs, default 10; `BENCH_FIGURES=1` to time each
//! figure).

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "annual_report/generate.rs"]
mod generate;
#[path = "annual_report/rows.rs"]
mod rows;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use passerelle_db::{Db, access::structures};
use passerelle_domain::reports::indicator::{IndicatorDef, Measure};
use sqlx::SqlitePool;
use time::{Date, Month};
use uuid::Uuid;

const YEAR: i32 = 2021;
/// The whole report must take less than this on SQLite (issue 4).
const TARGET_MS: f64 = 500.0;

/// The PLIE figures as one would write them by hand on the same schema and indexes: one query
/// per figure and year, with the programme's id as `$1`, the year's first and last days as `$2`
/// and `$3`, the structure's id as `$4`.
const HAND: [(&str, &str); 15] = [
    (
        "plie.accompanied",
        "SELECT COUNT(DISTINCT person_id) FROM enrolments
         WHERE structure_id = $4 AND programme_id = $1 AND entered_on <= $3 AND (exited_on IS NULL OR exited_on >= $2)",
    ),
    (
        "plie.entries",
        "SELECT COUNT(*) FROM enrolments WHERE structure_id = $4 AND programme_id = $1 AND entered_on BETWEEN $2 AND $3",
    ),
    (
        "plie.rsa",
        "SELECT COUNT(DISTINCT e.person_id) FROM enrolments e
         WHERE e.structure_id = $4 AND e.programme_id = $1 AND e.entered_on <= $3 AND (e.exited_on IS NULL OR e.exited_on >= $2)
           AND (SELECT s.receives_rsa FROM person_situations s WHERE s.person_id = e.person_id
                AND s.observed_on <= e.entered_on ORDER BY s.observed_on DESC LIMIT 1) = 1",
    ),
    (
        "plie.upskilling_steps",
        "SELECT COUNT(*) FROM steps
         WHERE structure_id = $4 AND programme_id = $1 AND start_on BETWEEN $2 AND $3
           AND family IN ('qualifying_training', 'pre_qualifying_training', 'certifying_training', 'vae')",
    ),
    (
        "plie.contracts",
        "SELECT COUNT(DISTINCT c.id) FROM enrolments e JOIN employment_contracts c ON c.person_id = e.person_id
           AND c.start_on >= e.entered_on AND (e.exited_on IS NULL OR c.start_on <= e.exited_on)
         WHERE e.structure_id = $4 AND e.programme_id = $1 AND e.entered_on <= $3 AND (e.exited_on IS NULL OR e.exited_on >= $2)
           AND c.start_on BETWEEN $2 AND $3",
    ),
    (
        "plie.exits",
        "SELECT COUNT(*) FROM enrolments WHERE structure_id = $4 AND programme_id = $1 AND exited_on BETWEEN $2 AND $3",
    ),
    (
        "plie.exits_dynamic",
        "SELECT COUNT(*) FROM enrolments WHERE structure_id = $4 AND programme_id = $1 AND exited_on BETWEEN $2 AND $3
           AND exit_category IN ('durable_job', 'transition_job', 'positive_exit')",
    ),
    (
        "plie.exits_durable",
        "SELECT COUNT(*) FROM enrolments WHERE structure_id = $4 AND programme_id = $1 AND exited_on BETWEEN $2 AND $3
           AND exit_category = 'durable_job'",
    ),
    (
        "plie.trainings_obtained",
        "SELECT COUNT(*) FROM steps
         WHERE structure_id = $4 AND programme_id = $1 AND end_on BETWEEN $2 AND $3
           AND family IN ('qualifying_training', 'certifying_training') AND validated = 1",
    ),
    (
        "plie.avg_duration_months",
        "SELECT AVG((julianday(exited_on) - julianday(entered_on)) / 30.4375)
         FROM enrolments WHERE structure_id = $4 AND programme_id = $1 AND exited_on BETWEEN $2 AND $3",
    ),
    (
        "programmes.accompanied",
        "SELECT COUNT(DISTINCT person_id) FROM enrolments
         WHERE structure_id = $4 AND entered_on <= $3 AND (exited_on IS NULL OR exited_on >= $2)",
    ),
    (
        "programmes.entries",
        "SELECT COUNT(*) FROM enrolments WHERE structure_id = $4 AND entered_on BETWEEN $2 AND $3",
    ),
    (
        "plie.active_at_end",
        "SELECT COUNT(*) FROM enrolments
         WHERE structure_id = $4 AND programme_id = $1 AND entered_on <= $3 AND (exited_on IS NULL OR exited_on > $3)",
    ),
    (
        "plie.steps",
        "SELECT COUNT(*) FROM steps WHERE structure_id = $4 AND programme_id = $1 AND start_on BETWEEN $2 AND $3",
    ),
    (
        "plie.committees",
        "SELECT COUNT(*) FROM committee_meetings WHERE structure_id = $4 AND programme_id = $1 AND held_on BETWEEN $2 AND $3",
    ),
];

fn year_bounds(year: i32) -> (Date, Date) {
    (
        Date::from_calendar_date(year, Month::January, 1).unwrap(),
        Date::from_calendar_date(year, Month::December, 31).unwrap(),
    )
}

async fn hand_query(
    pool: &SqlitePool,
    id: &str,
    sql: &'static str,
    (structure, plie): (Uuid, Uuid),
    year: i32,
) -> f64 {
    let (from, to) = year_bounds(year);
    if id == "plie.avg_duration_months" {
        let mean: Option<f64> = sqlx::query_scalar(sql)
            .bind(plie)
            .bind(from)
            .bind(to)
            .bind(structure)
            .fetch_one(pool)
            .await
            .expect(id);
        mean.unwrap_or(0.0)
    } else {
        let count: i64 = sqlx::query_scalar(sql)
            .bind(plie)
            .bind(from)
            .bind(to)
            .bind(structure)
            .fetch_one(pool)
            .await
            .expect(id);
        count as f64
    }
}

/// The report's figures (value, year before) by hand-written SQL, rates from their parts.
async fn hand_report(pool: &SqlitePool, structure: Uuid) -> HashMap<&'static str, (f64, f64)> {
    let plie: Uuid =
        sqlx::query_scalar("SELECT id FROM programmes WHERE structure_id = $1 AND code = 'plie'")
            .bind(structure)
            .fetch_one(pool)
            .await
            .expect("plie");
    // Side by side on the pool's connections, as the engine runs its queries.
    let values = futures_util::future::join_all(HAND.iter().map(|(id, sql)| async move {
        futures_util::future::join(
            hand_query(pool, id, sql, (structure, plie), YEAR),
            hand_query(pool, id, sql, (structure, plie), YEAR - 1),
        )
        .await
    }))
    .await;
    let mut out: HashMap<&'static str, (f64, f64)> =
        HAND.iter().map(|(id, _)| *id).zip(values).collect();
    let rate = |part: (f64, f64), whole: (f64, f64)| {
        let r = |p: f64, w: f64| {
            if w == 0.0 { 0.0 } else { p * 100.0 / w }
        };
        (r(part.0, whole.0), r(part.1, whole.1))
    };
    let exits = out["plie.exits"];
    out.insert(
        "plie.exit_dynamic_rate",
        rate(out["plie.exits_dynamic"], exits),
    );
    out.insert(
        "plie.exit_durable_rate",
        rate(out["plie.exits_durable"], exits),
    );
    let ratio = |part: (f64, f64), whole: (f64, f64)| {
        let r = |p: f64, w: f64| {
            if w == 0.0 { 0.0 } else { p / w }
        };
        (r(part.0, whole.0), r(part.1, whole.1))
    };
    out.insert(
        "plie.steps_per_participant",
        ratio(out["plie.steps"], out["plie.accompanied"]),
    );
    out
}

async fn engine(
    db: &Db,
    structure: Uuid,
    defs: &[IndicatorDef],
    breakdowns: bool,
) -> passerelle_report::Report {
    let mut report = passerelle_report::build(db, structure, defs, YEAR)
        .await
        .expect("report");
    if breakdowns {
        passerelle_report::with_breakdowns(db, structure, defs, &mut report)
            .await
            .expect("breakdowns");
    }
    report
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Fails loudly unless the engine and the hand-written SQL agree on every figure, and every
/// breakdown of a count of records adds up to its figure.
fn check(
    report: &passerelle_report::Report,
    hand: &HashMap<&str, (f64, f64)>,
    defs: &[IndicatorDef],
) {
    let mut wrong = Vec::new();
    for f in &report.figures {
        match hand.get(f.id.as_str()) {
            // Means and rates are exact floats: equal up to the order of the additions.
            Some(&h) if close(h.0, f.value) && close(h.1, f.previous) => {}
            h => wrong.push(format!(
                "{}: engine {:?}, hand-written {h:?}",
                f.id,
                (f.value, f.previous)
            )),
        }
    }
    assert!(
        wrong.is_empty(),
        "the engine and the hand-written SQL differ:\n{}",
        wrong.join("\n")
    );
    assert_eq!(
        report.figures.len(),
        hand.len(),
        "every figure is written by hand"
    );
    for (f, d) in report.figures.iter().zip(defs) {
        for b in &f.breakdowns {
            if d.measure == Measure::Count
                || matches!(b.dimension.as_str(), "commune" | "sex" | "qpv")
            {
                let sum: i64 = b.cells.iter().map(|c| c.value).sum();
                assert_eq!(sum as f64, f.value, "{} by {} adds up", f.id, b.dimension);
            }
        }
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// p50, min, max of a series.
fn summary(times: &mut [f64]) -> (f64, f64, f64) {
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[0], times[times.len() - 1])
}

/// Where the generated database is kept: `target/bench-data`, one directory per size.
fn cache_dir(n: usize) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            // target/release/deps/annual_report-… → target
            std::env::current_exe()
                .ok()?
                .ancestors()
                .nth(3)
                .map(PathBuf::from)
        })
        .unwrap_or_else(std::env::temp_dir);
    target
        .join("bench-data")
        .join(format!("annual-report-v{}-{n}", generate::VERSION))
}

#[tokio::main]
async fn main() {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let n = env("BENCH_PERSONS", 100_000);
    let runs = env("BENCH_RUNS", 10).max(1);
    let dir = cache_dir(n);
    if dir.join("passerelle.db").exists() {
        println!("register of {n} persons reused from {}", dir.display());
    } else {
        let tmp = dir.with_extension("tmp");
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).expect("cache directory");
        let started = Instant::now();
        generate::generate(&tmp.join("passerelle.db"), n)
            .await
            .expect("generation");
        std::fs::rename(&tmp, &dir).expect("cache directory");
        println!(
            "register of {n} persons generated in {:.1} s, kept in {}",
            started.elapsed().as_secs_f64(),
            dir.display()
        );
    }
    // The application's own settings (WAL, page cache, migrations).
    let db = Db::open_data_dir(&dir).await.expect("database");
    let Db::Sqlite(pool) = &db else {
        unreachable!()
    };
    let structure = structures::find(&db, structures::Which::Named(generate::STRUCTURE))
        .await
        .expect("structure")
        .expect("the bench structure")
        .id;

    let tables = [
        "persons",
        "person_situations",
        "enrolments",
        "enrolment_transitions",
        "committee_meetings",
        "committee_decisions",
        "enrolment_referents",
        "follow_ups",
        "steps",
        "employment_contracts",
    ];
    let mut recorded = 0;
    for t in tables {
        let count: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}")))
                .fetch_one(pool)
                .await
                .expect("count");
        if t != "persons" {
            recorded += count;
        }
        println!("  {t:<22} {count:>10}");
    }
    println!(
        "  {:<22} {recorded:>10} recorded rows (all but persons)",
        "total"
    );

    let defs = passerelle_report::shipped_definitions().expect("definitions");
    // Warm-up, and the check that both sides agree.
    let hand = hand_report(pool, structure).await;
    check(&engine(&db, structure, &defs, true).await, &hand, &defs);
    println!(
        "engine and hand-written SQL agree on the {} figures (2021 and 2020)",
        hand.len()
    );

    // Alternating runs, the order turning each time.
    let (mut built, mut broken_down, mut by_hand) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        for k in 0..3 {
            let t = Instant::now();
            match (i + k) % 3 {
                0 => {
                    engine(&db, structure, &defs, false).await;
                    built.push(ms(t));
                }
                1 => {
                    engine(&db, structure, &defs, true).await;
                    broken_down.push(ms(t));
                }
                _ => {
                    hand_report(pool, structure).await;
                    by_hand.push(ms(t));
                }
            }
        }
    }
    let (hand_p50, hand_min, hand_max) = summary(&mut by_hand);
    println!(
        "\nannual report {YEAR} ({} definitions, year and year before), {runs} runs each:",
        defs.len()
    );
    println!(
        "  {:<34} {:>8} {:>8} {:>8} {:>14}",
        "", "p50 ms", "min ms", "max ms", "engine / hand"
    );
    for (name, times) in [
        ("engine build()", &mut built),
        ("engine build() + with_breakdowns()", &mut broken_down),
    ] {
        let (p50, min, max) = summary(times);
        println!(
            "  {name:<34} {p50:>8.1} {min:>8.1} {max:>8.1} {:>14.2}",
            p50 / hand_p50
        );
    }
    println!(
        "  {:<34} {hand_p50:>8.1} {hand_min:>8.1} {hand_max:>8.1}",
        "hand-written SQL"
    );
    let p50 = summary(&mut built).0;
    println!(
        "whole annual report: {p50:.1} ms (target < {TARGET_MS} ms: {})",
        if p50 < TARGET_MS { "met" } else { "NOT met" }
    );

    // Which figures take the time (one run of each, one at a time): the engine's one query
    // for the year and the year before, its breakdowns (the year), the hand-written query (the
    // year).
    if std::env::var_os("BENCH_FIGURES").is_some() {
        let (from, to) = year_bounds(YEAR);
        let both = [year_bounds(YEAR), year_bounds(YEAR - 1)];
        for d in defs
            .iter()
            .filter(|d| !matches!(d.measure, Measure::Percent | Measure::Ratio))
        {
            let t = Instant::now();
            passerelle_db::reports::indicators::evaluate_periods(&db, structure, d, &both)
                .await
                .expect("figure");
            println!("  engine {:<28} {:>8.1} ms (two years)", d.id, ms(t));
            if !d.breakdowns.is_empty() {
                let t = Instant::now();
                passerelle_db::reports::indicators::evaluate_breakdowns(
                    &db,
                    structure,
                    d,
                    &d.breakdowns,
                    from,
                    to,
                )
                .await
                .expect("breakdowns");
                println!(
                    "    its {} breakdowns {:>15.1} ms",
                    d.breakdowns.len(),
                    ms(t)
                );
            }
        }
        let plie: Uuid = sqlx::query_scalar("SELECT id FROM programmes WHERE code = 'plie'")
            .fetch_one(pool)
            .await
            .expect("plie");
        for (id, sql) in HAND {
            let t = Instant::now();
            hand_query(pool, id, sql, (structure, plie), YEAR).await;
            println!("  hand   {id:<28} {:>8.1} ms", ms(t));
        }
    }
    db.close().await;
}
