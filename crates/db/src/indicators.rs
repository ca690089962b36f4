//! Compiles an indicator definition to one SQL query, run by the database on either engine:
//! no loop over the records in Rust. Filters are typed and their values bound, so a definition
//! cannot inject SQL.

use passerelle_domain::indicator::{IndicatorDef, Measure, PeriodRule, Population};
use time::Date;
use uuid::Uuid;

use crate::params::{Param, Params};
use crate::{Db, DbError, DbResult, bind_params, with_pool};

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
    match def.population {
        Population::Enrolments => ("enrolments e", true),
        Population::Steps => ("steps s JOIN enrolments e ON e.id = s.enrolment_id", true),
        // A person may have two pathways covering one contract's start: not one row each.
        Population::Contracts => (contracts_in_pathways!(), false),
        Population::Committees => ("committee_meetings m", true),
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

/// The conditions every record of the population meets: the structure, the period and the
/// programme (the scope of the figure, not a reason to exclude).
fn scope_conditions(
    def: &IndicatorDef,
    structure_id: Uuid,
    from: Date,
    to: Date,
    params: &mut Params,
) -> Vec<String> {
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
        PeriodRule::ActiveAtEnd => format!("e.entered_on IS NOT NULL AND e.entered_on <= {b} AND (e.exited_on IS NULL OR e.exited_on > {b})"),
        PeriodRule::Started if def.population == Population::Contracts => format!("c.start_on BETWEEN {a} AND {b}"),
        PeriodRule::Started => format!("s.start_on BETWEEN {a} AND {b}"),
        PeriodRule::Ended => format!("s.end_on BETWEEN {a} AND {b}"),
        PeriodRule::Held => format!("m.held_on BETWEEN {a} AND {b}"),
    });
    if let Some(code) = &def.filters.programme {
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

/// The value of a counting or averaging definition over `[from, to]` for a structure. A
/// percentage is computed by the caller from its two indicators.
pub async fn evaluate(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    from: Date,
    to: Date,
) -> DbResult<f64> {
    let key = from_clause(def.population).1;
    let (from_sql, one_row_per_record) = value_from(def);
    let mut params = Params::default();
    let where_sql = where_clause(def, structure_id, from, to, &mut params);
    match def.measure {
        Measure::Count | Measure::DistinctPersons => {
            let counted = match def.measure {
                Measure::Count if one_row_per_record => "*".to_owned(),
                Measure::Count => format!("DISTINCT {key}"),
                _ => "DISTINCT e.person_id".to_owned(),
            };
            let sql = format!("SELECT COUNT({counted}) FROM {from_sql} WHERE {where_sql}");
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
        Measure::Percent | Measure::Ratio => Err(DbError::Refused(format!(
            "{} : un taux ou un ratio se calcule à partir de deux indicateurs",
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
                "g.name || COALESCE(' – ' || e.exit_category, '') || ' – ' || CAST(CAST({} AS INTEGER) AS TEXT) || ' mois'",
                months_expr(db)
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

/// The records behind a counting definition over `[from, to]`, by person name: exactly the rows
/// the count reads (distinct persons for a count of persons).
pub async fn counted_records(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    from: Date,
    to: Date,
) -> DbResult<Vec<CountedRecord>> {
    let mut params = Params::default();
    let where_sql = where_clause(def, structure_id, from, to, &mut params);
    fetch_listing(db, listing_sql(db, def, &where_sql, "''"), params).await
}

/// What a filtered count left out, and why: the records of the same population, period and
/// programme that are not counted, each with the filters it fails. Empty when the definition
/// has no filter.
pub async fn excluded_records(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    from: Date,
    to: Date,
) -> DbResult<Vec<CountedRecord>> {
    let mut params = Params::default();
    let filters = filter_conditions(def, &mut params);
    if filters.is_empty() || !matches!(def.measure, Measure::Count | Measure::DistinctPersons) {
        return Ok(Vec::new());
    }
    let (from_sql, key) = from_clause(def.population);
    let counted_key = if def.measure == Measure::DistinctPersons {
        "e.person_id"
    } else {
        key
    };
    let reasons = filters
        .iter()
        .map(|(sql, reason)| {
            format!(
                "CASE WHEN {sql} THEN '' ELSE {} END",
                params.push(Param::Text(format!("{reason} ; ")))
            )
        })
        .collect::<Vec<_>>()
        .join(" || ");
    let scope = scope_conditions(def, structure_id, from, to, &mut params).join(" AND ");
    let counted_where = where_clause(def, structure_id, from, to, &mut params);
    let where_sql = format!(
        "{scope} AND {counted_key} NOT IN (SELECT {counted_key} FROM {from_sql} WHERE {counted_where})"
    );
    let mut rows = fetch_listing(db, listing_sql(db, def, &where_sql, &reasons), params).await?;
    for r in &mut rows {
        r.reasons = r.reasons.trim_end_matches([' ', ';']).to_owned();
    }
    Ok(rows)
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

/// The SQL expressions giving a record's group for a breakdown, and the group's label where
/// only the database knows it (programme names, referents' names). The age bands are those of
/// the register's filters.
fn dimension_expr(
    db: &Db,
    def: &IndicatorDef,
    b: passerelle_domain::indicator::Breakdown,
    params: &mut Params,
    to: Date,
) -> (String, String) {
    use passerelle_domain::indicator::Breakdown;
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
        Breakdown::ContractKind => ("c.kind".to_owned(), no_label),
        Breakdown::Team => ("g.team".to_owned(), no_label),
        Breakdown::Referent => {
            let on = record_date(def, &params.push(Param::Date(to)));
            let referent = |column: &str| {
                format!(
                    "(SELECT {column} FROM enrolment_referents r JOIN users u ON u.id = r.user_id
                      WHERE r.enrolment_id = e.id AND r.from_date <= {on} AND (r.until_date IS NULL OR r.until_date >= {on})
                      ORDER BY r.from_date DESC LIMIT 1)"
                )
            };
            (
                format!("COALESCE({}, 'aucun')", referent("u.email")),
                format!("COALESCE({}, 'Sans référent')", referent("u.display_name")),
            )
        }
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

/// A counting definition's value per group of a breakdown it allows, over `[from, to]`. Each
/// counted record (or person, for a count of persons) falls in exactly one group, so the
/// groups always add up to the figure: a person with several pathways in the period is
/// attributed to the first one entered.
pub async fn evaluate_breakdown(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    breakdown: passerelle_domain::indicator::Breakdown,
    from: Date,
    to: Date,
) -> DbResult<Vec<Group>> {
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
    let (dim, label) = dimension_expr(db, def, breakdown, &mut params, to);
    // One row per counted key (its first pathway by entry date), grouped over a derived table:
    // PostgreSQL does not group by a correlated subquery.
    let sql = format!(
        "SELECT t.grp AS key, MIN(t.lbl) AS label, COUNT(*) AS value FROM (
           SELECT {dim} AS grp, {label} AS lbl,
                  ROW_NUMBER() OVER (PARTITION BY {counted} ORDER BY e.entered_on, e.id) AS rn
           FROM {from_sql} WHERE {where_sql}) t
         WHERE t.rn = 1 GROUP BY t.grp ORDER BY t.grp"
    );
    Ok(with_pool!(db, |p| {
        bind_params!(sqlx::query_as::<_, Group>(sqlx::AssertSqlSafe(sql)), params)
            .fetch_all(p)
            .await?
    }))
}
