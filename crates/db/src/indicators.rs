//! Compiles an indicator definition to one SQL query, run by the database on either engine:
//! no loop over the records in Rust. Filters are typed and their values bound, so a definition
//! cannot inject SQL.

use passerelle_domain::indicator::{IndicatorDef, Measure, PeriodRule, Population};
use time::Date;
use uuid::Uuid;

use crate::params::{Param, Params};
use crate::{Db, DbError, DbResult, bind_params, with_pool};

/// The FROM clause and the record key of each population.
fn from_clause(population: Population) -> (&'static str, &'static str) {
    match population {
        Population::Enrolments => (
            "enrolments e JOIN programmes g ON g.id = e.programme_id JOIN persons p ON p.id = e.person_id",
            "e.id",
        ),
        Population::Steps => (
            "steps s JOIN enrolments e ON e.id = s.enrolment_id JOIN programmes g ON g.id = e.programme_id
             JOIN persons p ON p.id = e.person_id",
            "s.id",
        ),
        // A contract counts for a programme when it starts while the person is in it.
        Population::Contracts => (
            "employment_contracts c JOIN enrolments e ON e.person_id = c.person_id
               AND e.entered_on IS NOT NULL AND c.start_on >= e.entered_on
               AND (e.exited_on IS NULL OR c.start_on <= e.exited_on)
             JOIN programmes g ON g.id = e.programme_id JOIN persons p ON p.id = c.person_id",
            "c.id",
        ),
        Population::Committees => ("committee_meetings m JOIN programmes g ON g.id = m.programme_id", "m.id"),
    }
}

/// Whole calendar months from entry to exit, by day of month (a dialect-specific expression).
fn months_expr(db: &Db) -> &'static str {
    match db {
        Db::Sqlite(_) => {
            "((CAST(strftime('%Y', e.exited_on) AS INTEGER) * 12 + CAST(strftime('%m', e.exited_on) AS INTEGER))
              - (CAST(strftime('%Y', e.entered_on) AS INTEGER) * 12 + CAST(strftime('%m', e.entered_on) AS INTEGER))
              - CASE WHEN CAST(strftime('%d', e.exited_on) AS INTEGER) < CAST(strftime('%d', e.entered_on) AS INTEGER) THEN 1 ELSE 0 END)"
        }
        Db::Postgres(_) => {
            "((EXTRACT(YEAR FROM e.exited_on) * 12 + EXTRACT(MONTH FROM e.exited_on))
              - (EXTRACT(YEAR FROM e.entered_on) * 12 + EXTRACT(MONTH FROM e.entered_on))
              - CASE WHEN EXTRACT(DAY FROM e.exited_on) < EXTRACT(DAY FROM e.entered_on) THEN 1 ELSE 0 END)"
        }
    }
}

/// The WHERE clause of a definition over `[from, to]`.
fn where_clause(
    def: &IndicatorDef,
    structure_id: Uuid,
    from: Date,
    to: Date,
    params: &mut Params,
) -> String {
    let structure_col = match def.population {
        Population::Committees => "m.structure_id",
        _ => "e.structure_id",
    };
    let structure = params.push(Param::Uuid(structure_id));
    let mut w = vec![format!("{structure_col} = {structure}")];
    let (a, b) = (params.push(Param::Date(from)), params.push(Param::Date(to)));
    w.push(match def.period {
        PeriodRule::Active => format!("e.entered_on IS NOT NULL AND e.entered_on <= {b} AND (e.exited_on IS NULL OR e.exited_on >= {a})"),
        PeriodRule::Entered => format!("e.entered_on BETWEEN {a} AND {b}"),
        PeriodRule::Exited => format!("e.exited_on BETWEEN {a} AND {b}"),
        PeriodRule::Started if def.population == Population::Contracts => format!("c.start_on BETWEEN {a} AND {b}"),
        PeriodRule::Started => format!("s.start_on BETWEEN {a} AND {b}"),
        PeriodRule::Ended => format!("s.end_on BETWEEN {a} AND {b}"),
        PeriodRule::Held => format!("m.held_on BETWEEN {a} AND {b}"),
    });
    let f = &def.filters;
    if let Some(code) = &f.programme {
        // Through the programme's id rather than `g.code`: without table statistics, SQLite then
        // reads only that programme's records (by date, through the indexes of migration 0004)
        // instead of every record of the structure.
        let programme_col = match def.population {
            Population::Committees => "m.programme_id",
            _ => "e.programme_id",
        };
        w.push(format!(
            "{programme_col} IN (SELECT id FROM programmes WHERE structure_id = {structure} AND code = {})",
            params.push(Param::Text(code.clone()))
        ));
    }
    let list = |params: &mut Params, values: &[String]| -> String {
        values
            .iter()
            .map(|v| params.push(Param::Text(v.clone())))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !f.step_families.is_empty() {
        w.push(format!("s.family IN ({})", list(params, &f.step_families)));
    }
    if !f.exit_categories.is_empty() {
        w.push(format!(
            "e.exit_category IN ({})",
            list(params, &f.exit_categories)
        ));
    }
    if let Some(v) = f.validated {
        w.push(format!("s.validated = {}", params.push(Param::Bool(v))));
    }
    if let Some(v) = f.rsa_at_entry {
        w.push(format!(
            "(SELECT sit.receives_rsa FROM person_situations sit WHERE sit.person_id = e.person_id AND sit.observed_on <= e.entered_on
              ORDER BY sit.observed_on DESC LIMIT 1) = {}",
            params.push(Param::Bool(v))
        ));
    }
    if let Some(c) = &f.commune {
        w.push(format!(
            "p.commune_code = {}",
            params.push(Param::Text(c.clone()))
        ));
    }
    w.join(" AND ")
}

/// The value of a counting or averaging definition over `[from, to]` for a structure. A
/// percentage is computed by the caller from its two indicators.
pub async fn evaluate(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    from: Date,
    to: Date,
) -> DbResult<f64> {
    let (from_sql, key) = from_clause(def.population);
    let mut params = Params::default();
    let where_sql = where_clause(def, structure_id, from, to, &mut params);
    match def.measure {
        Measure::Count | Measure::DistinctPersons => {
            let counted = if def.measure == Measure::Count {
                key
            } else {
                "e.person_id"
            };
            let sql = format!("SELECT COUNT(DISTINCT {counted}) FROM {from_sql} WHERE {where_sql}");
            let n: i64 = with_pool!(db, |p| {
                bind_params!(
                    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)),
                    params
                )
                .fetch_one(p)
                .await?
            });
            Ok(n as f64)
        }
        Measure::MeanMonths => {
            let months = months_expr(db);
            let cast = match db {
                Db::Sqlite(_) => "REAL",
                Db::Postgres(_) => "DOUBLE PRECISION",
            };
            let sql =
                format!("SELECT CAST(AVG({months}) AS {cast}) FROM {from_sql} WHERE {where_sql}");
            let v: Option<f64> = with_pool!(db, |p| {
                bind_params!(
                    sqlx::query_scalar::<_, Option<f64>>(sqlx::AssertSqlSafe(sql)),
                    params
                )
                .fetch_one(p)
                .await?
            });
            Ok(v.unwrap_or(0.0))
        }
        Measure::Percent => Err(DbError::Refused(format!(
            "{} : un pourcentage se calcule à partir de deux indicateurs",
            def.id
        ))),
    }
}

/// One record an indicator counts, for "explain this number".
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CountedRecord {
    pub key: Uuid,
    pub person_id: Option<Uuid>,
    pub person_name: Option<String>,
    pub on_date: Option<Date>,
    pub detail: String,
}

/// The records behind a counting definition over `[from, to]`, by person name: exactly the rows
/// the count reads (distinct persons for a count of persons).
pub async fn counted_records(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    from: Date,
    to: Date,
) -> DbResult<Vec<CountedRecord>> {
    let (from_sql, key) = from_clause(def.population);
    let mut params = Params::default();
    let where_sql = where_clause(def, structure_id, from, to, &mut params);
    let (key, on, detail) = match (def.population, def.measure) {
        (Population::Committees, _) => (key, "m.held_on", "g.name".to_owned()),
        (_, Measure::DistinctPersons) => {
            ("e.person_id", "MIN(e.entered_on)", "MIN(g.name)".to_owned())
        }
        (Population::Enrolments, _) => (
            key,
            match def.period {
                PeriodRule::Exited => "e.exited_on",
                _ => "e.entered_on",
            },
            "g.name || COALESCE(' – ' || e.exit_category, '')".to_owned(),
        ),
        (Population::Steps, _) => (key, "s.start_on", "s.family || ' – ' || s.title".to_owned()),
        (Population::Contracts, _) => (
            key,
            "c.start_on",
            "c.kind || ' – ' || c.employer".to_owned(),
        ),
    };
    let person = match def.population {
        Population::Committees => "NULL",
        _ => "p.id",
    };
    let name = match def.population {
        Population::Committees => "NULL",
        _ => "p.last_name || ' ' || p.first_names",
    };
    let grouped = def.measure == Measure::DistinctPersons;
    let sql = if grouped {
        format!(
            "SELECT {key} AS key, {person} AS person_id, MIN({name}) AS person_name, {on} AS on_date, {detail} AS detail
             FROM {from_sql} WHERE {where_sql} GROUP BY {key}, {person} ORDER BY person_name, key"
        )
    } else {
        format!(
            "SELECT DISTINCT {key} AS key, {person} AS person_id, {name} AS person_name, {on} AS on_date, {detail} AS detail
             FROM {from_sql} WHERE {where_sql} ORDER BY person_name, on_date, key"
        )
    };
    Ok(with_pool!(db, |p| {
        bind_params!(
            sqlx::query_as::<_, CountedRecord>(sqlx::AssertSqlSafe(sql)),
            params
        )
        .fetch_all(p)
        .await?
    }))
}

/// Age in whole years at the entry into the pathway (dialect-specific).
fn age_at_entry_expr(db: &Db) -> &'static str {
    match db {
        Db::Sqlite(_) => {
            "(CAST(strftime('%Y', e.entered_on) AS INTEGER) - CAST(strftime('%Y', p.birth_date) AS INTEGER)
              - CASE WHEN strftime('%m-%d', e.entered_on) < strftime('%m-%d', p.birth_date) THEN 1 ELSE 0 END)"
        }
        Db::Postgres(_) => {
            "(EXTRACT(YEAR FROM e.entered_on) - EXTRACT(YEAR FROM p.birth_date)
              - CASE WHEN to_char(e.entered_on, 'MM-DD') < to_char(p.birth_date, 'MM-DD') THEN 1 ELSE 0 END)"
        }
    }
}

/// The SQL expression giving a record's group for a breakdown; the age bands are those of the
/// register's filters.
fn dimension_expr(db: &Db, b: passerelle_domain::indicator::Breakdown) -> String {
    use passerelle_domain::indicator::Breakdown;
    match b {
        Breakdown::Commune => "p.commune_code".to_owned(),
        Breakdown::Sex => "p.sex".to_owned(),
        Breakdown::Qpv => "CASE WHEN p.qpv_code IS NULL THEN 'non' ELSE 'oui' END".to_owned(),
        Breakdown::AgeBand => {
            let age = age_at_entry_expr(db);
            format!(
                "CASE WHEN {age} < 26 THEN 'moins-26' WHEN {age} < 45 THEN '26-44' WHEN {age} < 50 THEN '45-49' ELSE '50-plus' END"
            )
        }
        Breakdown::RsaAtEntry => "COALESCE((SELECT CASE WHEN sit.receives_rsa THEN 'oui' ELSE 'non' END FROM person_situations sit
              WHERE sit.person_id = e.person_id AND sit.observed_on <= e.entered_on ORDER BY sit.observed_on DESC LIMIT 1), 'inconnu')"
            .to_owned(),
    }
}

/// A counting definition's value per group of a breakdown it allows, over `[from, to]`. For a
/// count of records the groups add up to the total; for a count of persons too when the
/// dimension belongs to the person (town, sex, QPV).
pub async fn evaluate_breakdown(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    breakdown: passerelle_domain::indicator::Breakdown,
    from: Date,
    to: Date,
) -> DbResult<Vec<(String, i64)>> {
    if !def.breakdowns.contains(&breakdown) {
        return Err(DbError::Refused(format!(
            "{} ne se décompose pas par {}",
            def.id,
            breakdown.label()
        )));
    }
    let (from_sql, key) = from_clause(def.population);
    let counted = match def.measure {
        Measure::Count => key,
        Measure::DistinctPersons => "e.person_id",
        _ => return Err(DbError::Refused(format!("{} ne se décompose pas", def.id))),
    };
    let mut params = Params::default();
    let where_sql = where_clause(def, structure_id, from, to, &mut params);
    let dim = dimension_expr(db, breakdown);
    // Grouped over a derived table: PostgreSQL does not group by a correlated subquery.
    let sql = format!(
        "SELECT t.grp, COUNT(DISTINCT t.k) AS n FROM (SELECT {dim} AS grp, {counted} AS k FROM {from_sql} WHERE {where_sql}) t
         GROUP BY t.grp ORDER BY t.grp"
    );
    Ok(with_pool!(db, |p| {
        bind_params!(
            sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql)),
            params
        )
        .fetch_all(p)
        .await?
    }))
}
