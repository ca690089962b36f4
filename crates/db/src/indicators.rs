//! Compiles an indicator definition to one SQL query, run by the database on either engine:
//! no loop over the records in Rust. Filters are typed and their values bound, so a definition
//! cannot inject SQL.

use passerelle_domain::indicator::{
    Breakdown, IndicatorDef, Measure, PeriodRule, Population, Quantity,
};
use time::Date;
use uuid::Uuid;

use crate::params::{Param, Params};
use crate::{Db, DbError, DbResult, bind_params, with_pool};

mod listing;
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

/// The date a record is attributed at, for dimensions that change over time (the referent):
/// the entry, the exit, the start or end of a step or contract; for a pathway active in the
/// period, its exit or the period's end, whichever is first.
fn record_date(def: &IndicatorDef, to: &str) -> String {
    match (def.population, def.period) {
        (Population::Enrolments, PeriodRule::Entered) => "e.entered_on".to_owned(),
        (Population::Enrolments, PeriodRule::Exited) => "e.exited_on".to_owned(),
        (Population::Enrolments, PeriodRule::ActiveAtEnd) => to.to_owned(),
        (Population::Enrolments, _) => {
            format!(
                "CASE WHEN e.exited_on IS NOT NULL AND e.exited_on < {to} THEN e.exited_on ELSE {to} END"
            )
        }
        (Population::Steps, PeriodRule::Ended) => "s.end_on".to_owned(),
        (Population::Steps, _) => "s.start_on".to_owned(),
        (Population::Contracts, _) => "c.start_on".to_owned(),
        (Population::Committees, _) => "m.held_on".to_owned(),
    }
}

/// The SQL expressions giving a group of a breakdown, and the group's label where only the
/// database knows it (programme names, referents' names), over what a breakdown query knows of
/// each pathway: `e`, `p`, `g`, the counted records' contract type `x.kind` and their referent
/// `u`. The age bands are those of the register's filters.
fn dimension_expr(db: &Db, b: Breakdown) -> (String, String) {
    let at_entry = |column: &str| {
        format!(
            "(SELECT {column} FROM person_situations sit WHERE sit.person_id = e.person_id AND sit.observed_on <= e.entered_on
              ORDER BY sit.observed_on DESC LIMIT 1)"
        )
    };
    let no_label = "NULL".to_owned();
    match b {
        Breakdown::Commune => ("p.commune_code".to_owned(), no_label),
        Breakdown::Sex => ("p.sex".to_owned(), no_label),
        Breakdown::Qpv => (
            "CASE WHEN p.qpv_code IS NULL THEN 'non' ELSE 'oui' END".to_owned(),
            no_label,
        ),
        Breakdown::AgeBand => {
            let age = age_at_entry_expr(db);
            (
                format!(
                    "CASE WHEN {age} < 26 THEN 'moins-26' WHEN {age} < 45 THEN '26-44' WHEN {age} < 50 THEN '45-49' ELSE '50-plus' END"
                ),
                no_label,
            )
        }
        Breakdown::RsaAtEntry => (
            format!(
                "COALESCE({}, 'inconnu')",
                at_entry("CASE WHEN sit.receives_rsa THEN 'oui' ELSE 'non' END")
            ),
            no_label,
        ),
        Breakdown::EducationLevel => (
            format!(
                "COALESCE({}, 'inconnu')",
                at_entry("CAST(sit.education_level AS TEXT)")
            ),
            no_label,
        ),
        Breakdown::Programme => ("g.code".to_owned(), "g.name".to_owned()),
        Breakdown::LongTermJobseeker => {
            let year_before = match db {
                Db::Sqlite(_) => "date(e.entered_on, '-12 months')",
                Db::Postgres(_) => "(e.entered_on - INTERVAL '12 months')",
            };
            (
                format!(
                    "COALESCE({}, 'inconnu')",
                    at_entry(&format!(
                        "CASE WHEN sit.jobseeker_since IS NOT NULL AND sit.jobseeker_since <= {year_before} THEN 'oui' ELSE 'non' END"
                    ))
                ),
                no_label,
            )
        }
        Breakdown::Rqth => (
            format!(
                "COALESCE({}, 'inconnu')",
                at_entry(
                    "CASE sit.rqth WHEN 'yes' THEN 'oui' WHEN 'no' THEN 'non' ELSE 'inconnu' END"
                )
            ),
            no_label,
        ),
        Breakdown::ExitCategory => ("COALESCE(e.exit_category, 'aucune')".to_owned(), no_label),
        Breakdown::ContractKind => ("x.kind".to_owned(), no_label),
        Breakdown::Team => ("g.team".to_owned(), no_label),
        Breakdown::Referent => (
            "COALESCE(u.email, 'aucun')".to_owned(),
            "COALESCE(u.display_name, 'Sans référent')".to_owned(),
        ),
    }
}

/// One group of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Group {
    pub key: String,
    /// Set when the database knows the group's name (programme, referent).
    pub label: Option<String>,
    pub value: i64,
}

/// A counting definition's value per group of a breakdown it allows, over `[from, to]`.
pub async fn evaluate_breakdown(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    breakdown: Breakdown,
    from: Date,
    to: Date,
) -> DbResult<Vec<Group>> {
    let mut all = evaluate_breakdowns(db, structure_id, def, &[breakdown], from, to).await?;
    Ok(all.pop().unwrap_or_default())
}

/// A counting definition's value per group of each breakdown of `breakdowns`, over
/// `[from, to]`, in one query. Each counted record (or person, for a count of persons) falls in
/// exactly one group, so the groups always add up to the figure: a person with several
/// pathways in the period, or a contract that two pathways cover, is attributed to the first
/// pathway entered.
///
/// The query reads the population once, whatever the number of breakdowns: (1) the counted
/// keys with the pathway each is attributed to and its date; (2) their number per pathway (and
/// referent at that date, and contract type); (3) what is known of each pathway (town, sex,
/// situation at entry…) looked up once per pathway, not once per step or contract; (4) one
/// grouping per breakdown.
pub async fn evaluate_breakdowns(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    breakdowns: &[Breakdown],
    from: Date,
    to: Date,
) -> DbResult<Vec<Vec<Group>>> {
    if let Some(b) = breakdowns.iter().find(|b| !def.breakdowns.contains(b)) {
        return Err(DbError::Refused(format!(
            "{} ne se décompose pas par {}",
            def.id,
            b.label()
        )));
    }
    if breakdowns.is_empty() {
        return Ok(Vec::new());
    }
    let counted = match (def.measure, def.population) {
        (_, Population::Committees) => {
            return Err(DbError::Refused(format!("{} ne se décompose pas", def.id)));
        }
        (Measure::Count, _) => from_clause(def.population).1,
        (Measure::DistinctPersons, _) => "e.person_id",
        _ => return Err(DbError::Refused(format!("{} ne se décompose pas", def.id))),
    };
    // Each row of the population is its own key, unless a person or a contract may come with
    // several pathways.
    let unique = def.measure == Measure::Count && def.population != Population::Contracts;
    let (from_sql, pathway) = match value_from(def) {
        ("steps s", _) => ("steps s", "s.enrolment_id"),
        (from_sql, _) => (from_sql, "e.id"),
    };
    let mut params = Params::default();
    let where_sql = where_clause(def, structure_id, from, to, &mut params);
    let by_referent = breakdowns.contains(&Breakdown::Referent);
    // The record's date serves only to find the referent in charge on that day.
    let on = if by_referent {
        record_date(def, &params.push(Param::Date(to)))
    } else {
        "CAST(NULL AS DATE)".to_owned()
    };
    let by_kind = breakdowns.contains(&Breakdown::ContractKind);
    // Typed NULLs: PostgreSQL groups only by columns of a known type.
    let kind = if by_kind {
        "c.kind"
    } else {
        "CAST(NULL AS TEXT)"
    };
    let rank = if unique {
        "1".to_owned()
    } else {
        format!("ROW_NUMBER() OVER (PARTITION BY {counted} ORDER BY e.entered_on, e.id)")
    };
    let referent = if by_referent {
        "(SELECT r.user_id FROM enrolment_referents r WHERE r.enrolment_id = k.eid AND r.from_date <= k.on_date
           AND (r.until_date IS NULL OR r.until_date >= k.on_date) ORDER BY r.from_date DESC LIMIT 1)"
    } else {
        "CAST(NULL AS UUID)"
    };
    let mut groupings = Vec::new();
    let mut dims = Vec::new();
    for (i, b) in breakdowns.iter().enumerate() {
        let (dim, label) = dimension_expr(db, *b);
        dims.push(format!("{dim} AS d{i}, {label} AS l{i}"));
        groupings.push(format!(
            "SELECT CAST({i} AS BIGINT) AS b, d{i} AS grp, MIN(l{i}) AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d{i}"
        ));
    }
    // Each step materialized: SQLite would otherwise flatten `attributed` into its grouping and
    // look the referent up twice per record.
    let sql = format!(
        "WITH keyed AS MATERIALIZED (
           SELECT {pathway} AS eid, {on} AS on_date, {kind} AS kind, {rank} AS rn
           FROM {from_sql} WHERE {where_sql}),
         attributed AS MATERIALIZED (
           SELECT k.eid, {referent} AS referent, k.kind FROM keyed k WHERE k.rn = 1),
         per_pathway AS MATERIALIZED (
           SELECT t.eid, t.referent, t.kind, COUNT(*) AS n FROM attributed t
           GROUP BY t.eid, t.referent, t.kind),
         facts AS MATERIALIZED (
           SELECT x.n, {dims}
           FROM per_pathway x JOIN enrolments e ON e.id = x.eid JOIN persons p ON p.id = e.person_id
             JOIN programmes g ON g.id = e.programme_id LEFT JOIN users u ON u.id = x.referent)
         {}",
        groupings.join(" UNION ALL "),
        dims = dims.join(", "),
    );
    let rows: Vec<(i64, String, Option<String>, i64)> = with_pool!(db, |p| {
        bind_params!(
            sqlx::query_as::<_, (i64, String, Option<String>, i64)>(sqlx::AssertSqlSafe(sql)),
            params
        )
        .fetch_all(p)
        .await?
    });
    let mut out = vec![Vec::new(); breakdowns.len()];
    for (b, key, label, value) in rows {
        if let Some(groups) = usize::try_from(b).ok().and_then(|b| out.get_mut(b)) {
            groups.push(Group { key, label, value });
        }
    }
    for groups in &mut out {
        groups.sort_by(|a, b| a.key.cmp(&b.key));
    }
    Ok(out)
}
