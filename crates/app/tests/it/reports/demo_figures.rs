//! The demo's recorded PLIE work, counted with plain queries, gives the figures of the MiE's
//! 2021 activity report (FIGURES-2021.md). The report engine comes next; these queries are the
//! definitions written by hand, and the generator never hands over its totals.

use passerelle_db::{Db, with_pool};
use passerelle_domain::pathways::calendar::months_between;
use time::Date;
use time::macros::date;
use uuid::Uuid;

use crate::support::databases;

const ACTIVE_2021: &str =
    "e.programme_id = $1 AND e.entered_on <= $3 AND (e.exited_on IS NULL OR e.exited_on >= $2)";

async fn count(db: &Db, sql: &str, plie: Uuid, from: Date, to: Date) -> i64 {
    with_pool!(db, |p| {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
            .bind(plie)
            .bind(from)
            .bind(to)
            .bind(true)
            .fetch_one(p)
            .await
            .unwrap()
    })
}

fn percent(part: i64, whole: i64) -> i64 {
    ((part as f64) * 100.0 / (whole as f64)).round() as i64
}

#[tokio::test]
async fn the_demo_plie_activity_gives_the_2021_report_figures() {
    for db in databases().await {
        let summary = passerelle_demo::build(
            &db,
            passerelle_demo::DEFAULT_POPULATION,
            passerelle_domain::clock::today(),
        )
        .await
        .unwrap()
        .unwrap();
        let plie = passerelle_db::pathways::programmes::by_code(&db, summary.structure_id, "plie")
            .await
            .unwrap()
            .id;
        let (y1, y2) = (date!(2021 - 01 - 01), date!(2021 - 12 - 31));
        let q = |sql: String| {
            let db = db.clone();
            async move { count(&db, &sql, plie, y1, y2).await }
        };

        let accompanied = q(format!(
            "SELECT COUNT(DISTINCT e.person_id) FROM enrolments e WHERE {ACTIVE_2021} AND $4"
        ))
        .await;
        assert_eq!(accompanied, 662, "plie.accompanied");
        let entries = q("SELECT COUNT(*) FROM enrolments e WHERE e.programme_id = $1 AND e.entered_on BETWEEN $2 AND $3 AND $4".into()).await;
        assert_eq!(entries, 217, "plie.entries");
        let rsa = q(format!(
            "SELECT COUNT(DISTINCT e.person_id) FROM enrolments e WHERE {ACTIVE_2021}
               AND (SELECT s.receives_rsa FROM person_situations s WHERE s.person_id = e.person_id AND s.observed_on <= e.entered_on
                    ORDER BY s.observed_on DESC LIMIT 1) = $4"
        ))
        .await;
        assert_eq!(rsa, 430, "plie.rsa");
        let upskilling = q("SELECT COUNT(*) FROM steps s JOIN enrolments e ON e.id = s.enrolment_id WHERE e.programme_id = $1
               AND s.family IN ('qualifying_training', 'pre_qualifying_training', 'certifying_training', 'vae')
               AND s.start_on BETWEEN $2 AND $3 AND $4"
            .into())
        .await;
        assert_eq!(upskilling, 314, "plie.upskilling_steps");
        let contracts = |town: Option<&str>| {
            format!(
                "SELECT COUNT(DISTINCT c.id) FROM employment_contracts c
                 JOIN enrolments e ON e.person_id = c.person_id AND e.programme_id = $1
                 JOIN persons p ON p.id = c.person_id
                 WHERE c.start_on BETWEEN $2 AND $3 AND c.start_on >= e.entered_on
                   AND (e.exited_on IS NULL OR c.start_on <= e.exited_on) AND $4{}",
                town.map(|t| format!(" AND p.commune_code = '{t}'"))
                    .unwrap_or_default()
            )
        };
        assert_eq!(q(contracts(None)).await, 414, "plie.contracts");
        assert_eq!(
            q(contracts(Some("59512"))).await,
            389,
            "plie.contracts Roubaix"
        );
        assert_eq!(
            q(contracts(Some("59367"))).await,
            21,
            "plie.contracts Lys-lez-Lannoy"
        );
        assert_eq!(q(contracts(Some("59339"))).await, 4, "plie.contracts Leers");
        let contracts_2020 = count(
            &db,
            &contracts(None),
            plie,
            date!(2020 - 01 - 01),
            date!(2020 - 12 - 31),
        )
        .await;
        assert_eq!(contracts_2020, 410, "plie.contracts 2020");

        let exits = q("SELECT COUNT(*) FROM enrolments e WHERE e.programme_id = $1 AND e.exited_on BETWEEN $2 AND $3 AND $4".into()).await;
        let dynamic = q("SELECT COUNT(*) FROM enrolments e WHERE e.programme_id = $1 AND e.exited_on BETWEEN $2 AND $3
               AND e.exit_category IN ('durable_job', 'transition_job', 'positive_exit') AND $4"
            .into())
        .await;
        let durable = q("SELECT COUNT(*) FROM enrolments e WHERE e.programme_id = $1 AND e.exited_on BETWEEN $2 AND $3
               AND e.exit_category = 'durable_job' AND $4"
            .into())
        .await;
        assert_eq!(percent(dynamic, exits), 77, "plie.exit_dynamic_rate");
        assert_eq!(percent(durable, exits), 49, "plie.exit_durable_rate");
        let trainings = q("SELECT COUNT(*) FROM steps s JOIN enrolments e ON e.id = s.enrolment_id WHERE e.programme_id = $1
               AND s.family IN ('qualifying_training', 'certifying_training') AND s.validated = $4 AND s.end_on BETWEEN $2 AND $3"
            .into())
        .await;
        assert_eq!(trainings, 16, "plie.trainings_obtained");
        let committees = q("SELECT COUNT(*) FROM committee_meetings m WHERE m.programme_id = $1 AND m.held_on BETWEEN $2 AND $3 AND $4".into()).await;
        assert_eq!(committees, 19, "plie.committees");

        let spans: Vec<(Date, Date)> = with_pool!(&db, |p| {
            sqlx::query_as("SELECT entered_on, exited_on FROM enrolments WHERE programme_id = $1 AND exited_on BETWEEN $2 AND $3")
                .bind(plie)
                .bind(y1)
                .bind(y2)
                .fetch_all(p)
                .await
                .unwrap()
        });
        let mean = spans
            .iter()
            .map(|(a, b)| f64::from(months_between(*a, *b)))
            .sum::<f64>()
            / spans.len() as f64;
        assert_eq!(mean.round() as i64, 30, "plie.avg_duration_months");

        // The demo structure's own file adds its indicators, all of which check, and its count
        // is the plain query's.
        let own = passerelle_report::for_structure(&db, summary.structure_id)
            .await
            .unwrap();
        assert!(own.problems.is_empty(), "{:?}", own.problems);
        let qpv_entries = q("SELECT COUNT(*) FROM enrolments e JOIN persons p ON p.id = e.person_id
             WHERE e.programme_id = $1 AND e.entered_on BETWEEN $2 AND $3 AND p.qpv_code IS NOT NULL AND $4".into()).await;
        let own_report = passerelle_report::build(&db, summary.structure_id, &own.defs, 2021)
            .await
            .unwrap();
        let own_figure = |id: &str| {
            own_report
                .figures
                .iter()
                .find(|f| f.id == id)
                .unwrap()
                .value
        };
        assert!(qpv_entries > 0);
        assert_eq!(own_figure("mie.plie_entries_qpv"), qpv_entries as f64);
        let share = own_figure("mie.plie_entries_qpv_share");
        assert!((share - qpv_entries as f64 * 100.0 / entries as f64).abs() < 1e-9);
        assert_eq!(share.round(), percent(qpv_entries, entries) as f64);

        // The report engine, from the shipped definitions, gives the same figures and last
        // year's beside them; an empty year gives zeros.
        let defs = passerelle_report::shipped_definitions().unwrap();
        let report = passerelle_report::build(&db, summary.structure_id, &defs, 2021)
            .await
            .unwrap();
        let figure = |id: &str| {
            report
                .figures
                .iter()
                .find(|f| f.id == id)
                .unwrap_or_else(|| panic!("no figure {id}"))
                .clone()
        };
        let expected = [
            ("plie.accompanied", 662.0),
            ("plie.entries", 217.0),
            ("plie.rsa", 430.0),
            ("plie.upskilling_steps", 314.0),
            ("plie.contracts", 414.0),
            ("plie.exit_dynamic_rate", 77.0),
            ("plie.exit_durable_rate", 49.0),
            ("plie.trainings_obtained", 16.0),
            ("plie.avg_duration_months", 30.0),
            ("plie.committees", 19.0),
        ];
        for (id, value) in expected {
            // Rates and means are exact; the report prints them whole, as FIGURES-2021 does.
            assert_eq!(figure(id).value.round(), value, "{id}");
            let def = defs.iter().find(|d| d.id == id).unwrap();
            assert_eq!(figure(id).version, def.version);
        }
        assert_eq!(
            figure("plie.contracts").previous,
            410.0,
            "plie.contracts 2020"
        );
        let json = serde_json::to_value(&report).unwrap();
        let accompanied = json["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == "plie.accompanied")
            .unwrap();
        assert_eq!(accompanied["value"], 662);
        // Explain this number: the records behind a figure are exactly those it counts.
        let entries_def = defs.iter().find(|d| d.id == "plie.entries").unwrap();
        let counted = passerelle_db::reports::indicators::counted_records(
            &db,
            &passerelle_db::pathways::scope::Scope::whole_structure(summary.structure_id),
            entries_def,
            y1,
            y2,
        )
        .await
        .unwrap()
        .records;
        assert_eq!(counted.len(), 217);
        assert!(
            counted
                .iter()
                .all(|r| r.on_date.is_some_and(|d| d.year() == 2021))
        );
        // A mean lists its pathways with their lengths, which average to the figure.
        let duration_def = defs
            .iter()
            .find(|d| d.id == "plie.avg_duration_months")
            .unwrap();
        let lengths: Vec<f64> = passerelle_db::reports::indicators::counted_records(
            &db,
            &passerelle_db::pathways::scope::Scope::whole_structure(summary.structure_id),
            duration_def,
            y1,
            y2,
        )
        .await
        .unwrap()
        .records
        .iter()
        .map(|r| {
            let months = r.detail.rsplit(" – ").next().unwrap();
            months
                .trim_end_matches(" mois")
                .replace(',', ".")
                .parse::<f64>()
                .unwrap()
        })
        .collect();
        assert_eq!(lengths.len(), 100);
        assert_eq!(
            (lengths.iter().sum::<f64>() / lengths.len() as f64).round(),
            30.0
        );
        let people_def = defs.iter().find(|d| d.id == "plie.accompanied").unwrap();
        assert_eq!(
            passerelle_db::reports::indicators::counted_records(
                &db,
                &passerelle_db::pathways::scope::Scope::whole_structure(summary.structure_id),
                people_def,
                y1,
                y2
            )
            .await
            .unwrap()
            .records
            .len(),
            662
        );
        // Breakdowns: contracts by town as printed, and every breakdown of a count of records,
        // or of persons by a person's own attribute, adds up to its total.
        let mut with = report.clone();
        passerelle_report::with_breakdowns(&db, summary.structure_id, &defs, &mut with)
            .await
            .unwrap();
        let contracts = with
            .figures
            .iter()
            .find(|f| f.id == "plie.contracts")
            .unwrap();
        let towns = contracts
            .breakdowns
            .iter()
            .find(|b| b.dimension == "commune")
            .unwrap();
        let cell = |k: &str| towns.cells.iter().find(|c| c.key == k).map(|c| c.value);
        assert_eq!(
            (cell("59512"), cell("59367"), cell("59339")),
            (Some(389), Some(21), Some(4))
        );
        for (f, d) in with.figures.iter().zip(&defs) {
            for b in &f.breakdowns {
                let person_level = matches!(b.dimension.as_str(), "commune" | "sex" | "qpv");
                if d.measure == passerelle_domain::reports::indicator::Measure::Count
                    || person_level
                {
                    let sum: i64 = b.cells.iter().map(|c| c.value).sum();
                    assert_eq!(sum as f64, f.value, "{} by {} adds up", f.id, b.dimension);
                }
            }
        }
        let empty = passerelle_report::build(&db, summary.structure_id, &defs, 1990)
            .await
            .unwrap();
        assert!(
            empty
                .figures
                .iter()
                .all(|f| f.value == 0.0 && f.previous == 0.0)
        );
        let rate = empty
            .figures
            .iter()
            .find(|f| f.id == "plie.exit_dynamic_rate")
            .unwrap();
        assert!(
            rate.note.as_deref().unwrap().contains("plie.exits"),
            "an empty denominator says so"
        );

        // Publication freezes the report; a later correction shows as a difference with the
        // record that moved, and the published copy stays as it was.
        let published = passerelle_report::snapshot(&db, summary.structure_id, &defs, 2021)
            .await
            .unwrap();
        let (user_id,): (Uuid,) =
            with_pool!(&db, |p| sqlx::query_as("SELECT id FROM users LIMIT 1")
                .fetch_one(p)
                .await
                .unwrap());
        let actor = passerelle_domain::audit::Actor {
            structure_id: summary.structure_id,
            user_id,
        };
        let pub_id = passerelle_services::reports::publish(
            &db,
            &actor,
            2021,
            &serde_json::to_string(&published.report).unwrap(),
            &serde_json::to_string(&published.records).unwrap(),
        )
        .await
        .unwrap();
        let moved: Uuid = published.records["plie.contracts"][0].key;
        with_pool!(&db, |p| {
            sqlx::query(
                "UPDATE employment_contracts SET start_on = $2, end_on = NULL WHERE id = $1",
            )
            .bind(moved)
            .bind(date!(2022 - 01 - 15))
            .execute(p)
            .await
            .unwrap();
        });
        let now = passerelle_report::snapshot(&db, summary.structure_id, &defs, 2021)
            .await
            .unwrap();
        let stored = passerelle_db::reports::publications::get(&db, summary.structure_id, pub_id)
            .await
            .unwrap();
        let frozen = passerelle_report::Snapshot {
            report: serde_json::from_str(&stored.content).unwrap(),
            records: serde_json::from_str(&stored.record_keys).unwrap(),
        };
        assert_eq!(
            frozen
                .report
                .figures
                .iter()
                .find(|f| f.id == "plie.contracts")
                .unwrap()
                .value,
            414.0,
            "the published report is unchanged"
        );
        let changes = passerelle_report::changes(&frozen, &now);
        let contracts = changes
            .iter()
            .find(|c| c.id == "plie.contracts")
            .expect("the correction shows");
        assert_eq!((contracts.published, contracts.now), (414.0, 413.0));
        assert_eq!(
            contracts.removed.iter().map(|r| r.key).collect::<Vec<_>>(),
            vec![moved]
        );
        assert!(contracts.added.is_empty());
    }
}

/// A public export never shows a count of 1 to 4, nor the cell that would give it back.
#[tokio::test]
async fn the_public_export_hides_small_counts() {
    let db = databases().await.remove(0);
    let summary = passerelle_demo::build(
        &db,
        passerelle_demo::DEFAULT_POPULATION,
        passerelle_domain::clock::today(),
    )
    .await
    .unwrap()
    .unwrap();
    let defs = passerelle_report::shipped_definitions().unwrap();
    let mut report = passerelle_report::build(&db, summary.structure_id, &defs, 2021)
        .await
        .unwrap();
    passerelle_report::with_breakdowns(&db, summary.structure_id, &defs, &mut report)
        .await
        .unwrap();
    let public = passerelle_report::public_json(&report, &defs, 5);
    assert!(public["note"].as_str().unwrap().contains("masqués"));
    for f in public["figures"].as_array().unwrap() {
        if let Some(v) = f["value"].as_i64() {
            assert!(v == 0 || v >= 5 || f["unit"] != "", "{} shows {v}", f["id"]);
        }
        for b in f["breakdowns"].as_array().unwrap() {
            let cells = b["cells"].as_array().unwrap();
            for c in cells {
                if let Some(v) = c["value"].as_i64() {
                    assert!(
                        v == 0 || v >= 5,
                        "{} by {} shows {v}",
                        f["id"],
                        b["dimension"]
                    );
                }
            }
            let hidden = cells.iter().filter(|c| c["value"].is_null()).count();
            // A hidden figure hides all its cells; a shown one never leaves a lone hidden cell.
            if f["hidden"] == false {
                assert_ne!(
                    hidden, 1,
                    "{} by {}: a single hidden cell could be recomputed",
                    f["id"], b["dimension"]
                );
            }
        }
    }
    let contracts = public["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "plie.contracts")
        .unwrap();
    let towns = contracts["breakdowns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["dimension"] == "commune")
        .unwrap();
    let leers = towns["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "59339")
        .unwrap();
    assert!(leers["value"].is_null(), "Leers' 4 contracts are hidden");
    // The mean duration goes with the count of the same exits, published here.
    let mean = public["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "plie.avg_duration_months")
        .unwrap();
    assert_eq!(mean["value"].as_f64().map(f64::round), Some(30.0), "{mean}");

    // Overlapping figures: no shown total or cell of a sub-total is within 4 of its total's.
    let figure = |id: &str| {
        public["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap()
            .clone()
    };
    let small = |a: &serde_json::Value, b: &serde_json::Value| match (a.as_i64(), b.as_i64()) {
        (Some(a), Some(b)) => (1..5).contains(&(a - b).abs()),
        _ => false,
    };
    for (sub, parent) in [
        ("plie.exits_dynamic", "plie.exits"),
        ("plie.exits_durable", "plie.exits"),
        ("plie.exits_durable", "plie.exits_dynamic"),
        ("plie.rsa", "plie.accompanied"),
    ] {
        let (s, p) = (figure(sub), figure(parent));
        assert!(!small(&s["value"], &p["value"]), "{sub} / {parent}");
        for b in s["breakdowns"].as_array().unwrap() {
            let pb = p["breakdowns"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["dimension"] == b["dimension"])
                .unwrap();
            for c in b["cells"].as_array().unwrap() {
                let pc = pb["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["key"] == c["key"]);
                if let Some(pc) = pc {
                    assert!(
                        !small(&c["value"], &pc["value"]),
                        "{sub} / {parent} by {} {}",
                        b["dimension"],
                        c["key"]
                    );
                }
            }
        }
    }
    assert!(
        public["figures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["breakdowns"]
                .as_array()
                .unwrap()
                .iter()
                .all(|b| b["dimension"] != "referent")),
        "staff names stay inside"
    );
}
