//! Breakdowns of a figure: all the breakdowns of a figure in one query over the same FROM and
//! WHERE clauses, each counted key in exactly one group.

use passerelle_domain::reports::indicator::{
    Breakdown, IndicatorDef, Measure, PeriodRule, Population,
};
use time::Date;
use uuid::Uuid;

use super::{from_clause, value_from, where_clause};
use crate::params::{Param, Params};
use crate::{Db, DbError, DbResult, bind_params, with_pool};

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
