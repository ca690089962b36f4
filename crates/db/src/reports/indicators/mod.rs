//! Compiles an indicator definition to one SQL query, run by the database on either engine:
//! no loop over the records in Rust. Filters are typed and their values bound, so a definition
//! cannot inject SQL.

use passerelle_domain::reports::indicator::{
    IndicatorDef, Measure, PeriodRule, Population, Quantity,
};
use time::Date;
use uuid::Uuid;

use crate::params::{Param, Params};
use crate::{Db, DbError, DbResult, bind_params, with_pool};

mod breakdowns;
mod listing;

pub use breakdowns::{Group, evaluate_breakdown, evaluate_breakdowns};
pub use listing::{Listing, counted_records, excluded_records, keys_in_scope};

/// Contracts joined to the pathway the person was in when each started (a macro, so that both
/// FROM clauses below are literals).
macro_rules! contracts_in_pathways {
    () => {
        "employment_contracts c JOIN enrolments e ON e.person_id = c.person_id
           AND e.entered_on IS NOT NULL AND c.start_on >= e.entered_on
           AND (e.exited_on IS NULL OR c.start_on <= e.exited_on)"
    };
}

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
            concat!(
                contracts_in_pathways!(),
                " JOIN programmes g ON g.id = e.programme_id JOIN persons p ON p.id = c.person_id"
            ),
            "c.id",
        ),
        Population::Committees => ("committee_meetings m JOIN programmes g ON g.id = m.programme_id", "m.id"),
    }
}

/// The FROM clause of a figure's value: the population's tables only, without the person and
/// the programme when no filter reads them (two lookups fewer per record on a large base),
/// and whether each row is then a distinct record (so a plain `COUNT(*)` counts it).
fn value_from(def: &IndicatorDef) -> (&'static str, bool) {
    let reads_person = def.filters.commune.is_some() || def.filters.qpv.is_some();
    if reads_person {
        return (from_clause(def.population).0, false);
    }
    let reads_pathway =
        def.filters.rsa_at_entry.is_some() || !def.filters.exit_categories.is_empty();
    match def.population {
        Population::Enrolments => ("enrolments e", true),
        // A step carries its structure and programme: the year's steps are one index range.
        Population::Steps if !reads_pathway && def.measure == Measure::Count => ("steps s", true),
        Population::Steps => ("steps s JOIN enrolments e ON e.id = s.enrolment_id", true),
        // A person may have two pathways covering one contract's start: not one row each.
        Population::Contracts => (contracts_in_pathways!(), false),
        Population::Committees => ("committee_meetings m", true),
    }
}

/// A pathway's length in months from entry to exit, computed from days (÷ 30.4375, the mean
/// length of a month over four years), so that a mean is not biased by truncated months.
fn months_expr(db: &Db) -> &'static str {
    match db {
        Db::Sqlite(_) => "((julianday(e.exited_on) - julianday(e.entered_on)) / 30.4375)",
        Db::Postgres(_) => "(CAST(e.exited_on - e.entered_on AS DOUBLE PRECISION) / 30.4375)",
    }
}

/// The same length as French text with one decimal ("30,2 mois"), for the explain lists.
fn months_text_expr(db: &Db) -> String {
    let months = months_expr(db);
    match db {
        Db::Sqlite(_) => format!("REPLACE(printf('%.1f', {months}), '.', ',') || ' mois'"),
        Db::Postgres(_) => {
            format!("REPLACE(to_char({months}, 'FM9999990.0'), '.', ',') || ' mois'")
        }
    }
}

/// The dates a period rule compares with: the period's first and last days, or for the state
/// at the end of the period, its last day twice.
fn period_bounds(def: &IndicatorDef, from: Date, to: Date) -> (Date, Date) {
    match def.period {
        PeriodRule::ActiveAtEnd => (to, to),
        _ => (from, to),
    }
}

/// The condition of the definition's period rule between the bound parameters `a` and `b`
/// (see [`period_bounds`]). With the bounds of several periods' hull, it holds for every record
/// of any of them.
fn period_condition(def: &IndicatorDef, a: &str, b: &str) -> String {
    match def.period {
        PeriodRule::Active => format!(
            "e.entered_on IS NOT NULL AND e.entered_on <= {b} AND (e.exited_on IS NULL OR e.exited_on >= {a})"
        ),
        PeriodRule::Entered => format!("e.entered_on BETWEEN {a} AND {b}"),
        PeriodRule::Exited => format!("e.exited_on BETWEEN {a} AND {b}"),
        PeriodRule::ActiveAtEnd => format!(
            "e.entered_on IS NOT NULL AND e.entered_on <= {b} AND (e.exited_on IS NULL OR e.exited_on > {a})"
        ),
        // The pathway's own period, implied by the join, lets the database read only the
        // pathways of the period and then each one's contracts by person and date.
        PeriodRule::Started if def.population == Population::Contracts => format!(
            "c.start_on BETWEEN {a} AND {b} AND e.entered_on <= {b} AND (e.exited_on IS NULL OR e.exited_on >= {a})"
        ),
        PeriodRule::Started => format!("s.start_on BETWEEN {a} AND {b}"),
        PeriodRule::Ended => format!("s.end_on BETWEEN {a} AND {b}"),
        PeriodRule::Held => format!("m.held_on BETWEEN {a} AND {b}"),
    }
}

/// The conditions every record of the population meets: the structure, the period and the
/// programme (the scope of the figure, not a reason to exclude).
fn scope_conditions(
    def: &IndicatorDef,
    structure_id: Uuid,
    from: Date,
    to: Date,
    params: &mut Params,
) -> Vec<String> {
    let (a, b) = period_bounds(def, from, to);
    scope_between(def, structure_id, a, b, params)
}

/// [`scope_conditions`] with the period rule's bounds given.
fn scope_between(
    def: &IndicatorDef,
    structure_id: Uuid,
    a: Date,
    b: Date,
    params: &mut Params,
) -> Vec<String> {
    let (structure_col, programme_col) = match def.population {
        Population::Committees => ("m.structure_id", "m.programme_id"),
        Population::Steps => ("s.structure_id", "s.programme_id"),
        _ => ("e.structure_id", "e.programme_id"),
    };
    let structure = params.push(Param::Uuid(structure_id));
    let mut w = vec![format!("{structure_col} = {structure}")];
    let (a, b) = (params.push(Param::Date(a)), params.push(Param::Date(b)));
    w.push(period_condition(def, &a, &b));
    if let Some(code) = &def.filters.programme {
        // Through the programme's id rather than `g.code`: without table statistics, SQLite then
        // reads only that programme's records (by date, through the indexes of migrations 0004
        // and 0008) instead of every record of the structure.
        w.push(format!(
            "{programme_col} IN (SELECT id FROM programmes WHERE structure_id = {structure} AND code = {})",
            params.push(Param::Text(code.clone()))
        ));
    }
    w
}

/// The definition's filters: each one's SQL condition, and the reason given in French when a
/// record of the population fails it ("what was excluded and why").
fn filter_conditions(def: &IndicatorDef, params: &mut Params) -> Vec<(String, String)> {
    let f = &def.filters;
    let list = |params: &mut Params, values: &[String]| -> String {
        values
            .iter()
            .map(|v| params.push(Param::Text(v.clone())))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut w = Vec::new();
    if !f.step_families.is_empty() {
        w.push((
            format!("s.family IN ({})", list(params, &f.step_families)),
            "famille d'étape non retenue".to_owned(),
        ));
    }
    if !f.exit_categories.is_empty() {
        w.push((
            format!("e.exit_category IN ({})", list(params, &f.exit_categories)),
            "catégorie de sortie non retenue".to_owned(),
        ));
    }
    if let Some(v) = f.validated {
        w.push((
            format!("s.validated = {}", params.push(Param::Bool(v))),
            if v {
                "étape non validée"
            } else {
                "étape validée"
            }
            .to_owned(),
        ));
    }
    if let Some(v) = f.rsa_at_entry {
        w.push((
            format!(
                "(SELECT sit.receives_rsa FROM person_situations sit WHERE sit.person_id = e.person_id AND sit.observed_on <= e.entered_on
                  ORDER BY sit.observed_on DESC LIMIT 1) = {}",
                params.push(Param::Bool(v))
            ),
            if v {
                "pas au RSA à l'entrée (ou situation non renseignée)"
            } else {
                "au RSA à l'entrée"
            }
            .to_owned(),
        ));
    }
    if let Some(v) = f.qpv {
        w.push((
            format!("p.qpv_code IS {}NULL", if v { "NOT " } else { "" }),
            if v {
                "ne réside pas en quartier prioritaire"
            } else {
                "réside en quartier prioritaire"
            }
            .to_owned(),
        ));
    }
    if let Some(c) = &f.commune {
        w.push((
            format!("p.commune_code = {}", params.push(Param::Text(c.clone()))),
            "réside dans une autre commune".to_owned(),
        ));
    }
    w
}

/// The WHERE clause of a definition over `[from, to]`.
fn where_clause(
    def: &IndicatorDef,
    structure_id: Uuid,
    from: Date,
    to: Date,
    params: &mut Params,
) -> String {
    let mut w = scope_conditions(def, structure_id, from, to, params);
    w.extend(
        filter_conditions(def, params)
            .into_iter()
            .map(|(sql, _)| sql),
    );
    w.join(" AND ")
}

/// The value of a counting, averaging or summing definition over `[from, to]` for a
/// structure. A percentage is computed by the caller from its two indicators.
pub async fn evaluate(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    from: Date,
    to: Date,
) -> DbResult<f64> {
    let values = evaluate_periods(db, structure_id, def, &[(from, to)]).await?;
    Ok(values.first().copied().unwrap_or(0.0))
}

/// The values of a counting, averaging or summing definition over several periods (the year
/// and the year before). When each record costs a lookup (a contract's pathway, the situation at
/// entry), one pass over the records of the periods' hull reads a pathway active in both years
/// once; a plain index range is cheaper counted once per period, side by side (both measured
/// by the `annual_report` benchmark).
pub async fn evaluate_periods(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    periods: &[(Date, Date)],
) -> DbResult<Vec<f64>> {
    let looks_up = def.population == Population::Contracts || def.filters.rsa_at_entry.is_some();
    if looks_up || periods.len() < 2 {
        return evaluate_together(db, structure_id, def, periods).await;
    }
    let each = futures_util::future::try_join_all(
        periods
            .iter()
            .map(|p| evaluate_together(db, structure_id, def, std::slice::from_ref(p))),
    )
    .await?;
    Ok(each.into_iter().flatten().collect())
}

/// [`evaluate_periods`] in one query: one column per period.
async fn evaluate_together(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    periods: &[(Date, Date)],
) -> DbResult<Vec<f64>> {
    let key = from_clause(def.population).1;
    let (from_sql, one_row_per_record) = value_from(def);
    let bounds: Vec<(Date, Date)> = periods
        .iter()
        .map(|(from, to)| period_bounds(def, *from, *to))
        .collect();
    let (Some(lo), Some(hi)) = (
        bounds.iter().map(|b| b.0).min(),
        bounds.iter().map(|b| b.1).max(),
    ) else {
        return Ok(Vec::new());
    };
    let mut params = Params::default();
    let mut w = scope_between(def, structure_id, lo, hi, &mut params);
    w.extend(
        filter_conditions(def, &mut params)
            .into_iter()
            .map(|(sql, _)| sql),
    );
    let where_sql = w.join(" AND ");
    // With one period the hull is the period: no condition per column.
    let only = bounds.len() == 1;
    let when = |params: &mut Params, (a, b): (Date, Date), then: &str| {
        if only {
            then.to_owned()
        } else {
            let (a, b) = (params.push(Param::Date(a)), params.push(Param::Date(b)));
            format!(
                "CASE WHEN {} THEN {then} END",
                period_condition(def, &a, &b)
            )
        }
    };
    let real = match db {
        Db::Sqlite(_) => "REAL",
        Db::Postgres(_) => "DOUBLE PRECISION",
    };
    let (columns, from_sql): (Vec<String>, String) = match def.measure {
        Measure::Count | Measure::DistinctPersons => {
            let (distinct, counted) = match def.measure {
                Measure::Count if one_row_per_record => ("", "1"),
                Measure::Count => ("DISTINCT ", key),
                _ => ("DISTINCT ", "e.person_id"),
            };
            let columns = bounds
                .iter()
                .map(|b| format!("COUNT({distinct}{})", when(&mut params, *b, counted)))
                .collect();
            (columns, format!("{from_sql} WHERE {where_sql}"))
        }
        Measure::MeanMonths => {
            let months = months_expr(db);
            let columns = bounds
                .iter()
                .map(|b| format!("CAST(AVG({}) AS {real})", when(&mut params, *b, months)))
                .collect();
            (columns, format!("{from_sql} WHERE {where_sql}"))
        }
        Measure::Sum => {
            let quantity = quantity_expr(def)?;
            // Each record once (a contract that two pathways cover, too), with whether it falls
            // in each period.
            let flags: Vec<String> = bounds
                .iter()
                .enumerate()
                .map(|(i, b)| format!("MAX({}) AS f{i}", when(&mut params, *b, "1")))
                .collect();
            let columns = (0..bounds.len())
                .map(|i| format!("CAST(SUM(t.q * t.f{i}) AS {real})"))
                .collect();
            let records = format!(
                "(SELECT {key} AS k, MAX({quantity}) AS q, {} FROM {from_sql} WHERE {where_sql} GROUP BY {key}) t",
                flags.join(", ")
            );
            (columns, records)
        }
        Measure::Percent | Measure::Ratio => {
            return Err(DbError::Refused(format!(
                "{} : un taux ou un ratio se calcule à partir de deux indicateurs",
                def.id
            )));
        }
    };
    let sql = format!("SELECT {} FROM {from_sql}", columns.join(", "));
    let n = columns.len();
    let real_valued = matches!(def.measure, Measure::MeanMonths | Measure::Sum);
    Ok(with_pool!(db, |p| {
        use sqlx::Row;
        let row = bind_params!(sqlx::query(sqlx::AssertSqlSafe(sql)), params)
            .fetch_one(p)
            .await?;
        let mut values = Vec::with_capacity(n);
        for i in 0..n {
            values.push(if real_valued {
                row.try_get::<Option<f64>, _>(i)?.unwrap_or(0.0)
            } else {
                row.try_get::<i64, _>(i)? as f64
            });
        }
        values
    }))
}

/// The column a sum adds up.
fn quantity_expr(def: &IndicatorDef) -> DbResult<&'static str> {
    match def.quantity {
        Some(Quantity::WeeklyHours) if def.population == Population::Contracts => {
            Ok("c.weekly_hours")
        }
        _ => Err(DbError::Refused(format!(
            "{} : cette somme n'a pas de quantité dans sa population",
            def.id
        ))),
    }
}

/// One record an indicator counts (or leaves out), for "explain this number".
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CountedRecord {
    pub key: Uuid,
    pub person_id: Option<Uuid>,
    pub person_name: Option<String>,
    pub on_date: Option<Date>,
    pub detail: String,
    /// For a record left out: the filters it fails, in French, separated by " ; ".
    pub reasons: String,
}

/// The SELECT listing a definition's records, one row per counted key, with `reasons` as the
/// last column.
fn listing_sql(db: &Db, def: &IndicatorDef, where_sql: &str, reasons: &str) -> String {
    let (from_sql, key) = from_clause(def.population);
    let (key, on, detail) = match (def.population, def.measure) {
        // A mean lists each pathway with its length.
        (Population::Enrolments, Measure::MeanMonths) => (
            key,
            "e.exited_on",
            format!(
                "g.name || COALESCE(' – ' || e.exit_category, '') || ' – ' || {}",
                months_text_expr(db)
            ),
        ),
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
        // A sum lists each record with what it adds.
        (Population::Contracts, Measure::Sum) => (
            key,
            "c.start_on",
            "c.kind || ' – ' || c.employer || ' – ' || CAST(c.weekly_hours AS TEXT) || ' h par semaine'"
                .to_owned(),
        ),
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
    if def.measure == Measure::DistinctPersons {
        format!(
            "SELECT {key} AS key, {person} AS person_id, MIN({name}) AS person_name, {on} AS on_date, {detail} AS detail,
                    MIN({reasons}) AS reasons
             FROM {from_sql} WHERE {where_sql} GROUP BY {key}, {person} ORDER BY person_name, key"
        )
    } else {
        format!(
            "SELECT DISTINCT {key} AS key, {person} AS person_id, {name} AS person_name, {on} AS on_date, {detail} AS detail,
                    {reasons} AS reasons
             FROM {from_sql} WHERE {where_sql} ORDER BY person_name, on_date, key"
        )
    }
}

async fn fetch_listing(db: &Db, sql: String, params: Params) -> DbResult<Vec<CountedRecord>> {
    Ok(with_pool!(db, |p| {
        bind_params!(
            sqlx::query_as::<_, CountedRecord>(sqlx::AssertSqlSafe(sql)),
            params
        )
        .fetch_all(p)
        .await?
    }))
}
