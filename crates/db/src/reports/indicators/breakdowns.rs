//! Breakdowns of a figure: all the breakdowns of a figure in one query over the same FROM and
//! WHERE clauses, each counted key in exactly one group.

use passerelle_domain::reports::indicator::{
    Breakdown, IndicatorDef, Measure, PeriodRule, Population,
};
use time::Date;
use uuid::Uuid;

use super::compile::{from_clause, value_from, where_clause};
use crate::sql::{Sql, bind};
use crate::{Db, DbError, DbResult, Dialect, sql, sql_query, with_pool};

/// The date a record is attributed at, for dimensions that change over time (the referent):
/// the entry, the exit, the start or end of a step or contract; for a pathway active in the
/// period, its exit or the period's end, whichever is first.
fn record_date(def: &IndicatorDef, to: Date) -> Sql {
    match (def.population, def.period) {
        (Population::Enrolments, PeriodRule::Entered) => sql!["e.entered_on"],
        (Population::Enrolments, PeriodRule::Exited) => sql!["e.exited_on"],
        (Population::Enrolments, PeriodRule::ActiveAtEnd) => sql![bind(to)],
        (Population::Enrolments, _) => sql![
            "CASE WHEN e.exited_on IS NOT NULL AND e.exited_on < ",
            bind(to),
            " THEN e.exited_on ELSE ",
            bind(to),
            " END"
        ],
        (Population::Steps, PeriodRule::Ended) => sql!["s.end_on"],
        (Population::Steps, _) => sql!["s.start_on"],
        (Population::Contracts, _) => sql!["c.start_on"],
        (Population::Committees, _) => sql!["m.held_on"],
    }
}

/// A column of the person's situation known at the entry into the pathway.
fn at_entry(column: Sql) -> Sql {
    sql![
        "COALESCE((SELECT ", column,
        " FROM person_situations sit WHERE sit.person_id = e.person_id AND sit.observed_on <= e.entered_on
              ORDER BY sit.observed_on DESC LIMIT 1), 'inconnu')"
    ]
}

/// The SQL expressions giving a group of a breakdown, and the group's label where only the
/// database knows it (programme names, referents' names), over what a breakdown query knows of
/// each pathway: `e`, `p`, `g`, the counted records' contract type `x.kind` and their referent
/// `u`. The age bands are those of the register's filters.
fn dimension_expr(dialect: Dialect, b: Breakdown) -> (Sql, &'static str) {
    let no_label = "NULL";
    match b {
        Breakdown::Commune => (sql!["p.commune_code"], no_label),
        Breakdown::Sex => (sql!["p.sex"], no_label),
        Breakdown::Qpv => (
            sql!["CASE WHEN p.qpv_code IS NULL THEN 'non' ELSE 'oui' END"],
            no_label,
        ),
        Breakdown::AgeBand => {
            let age = dialect.age_at_expr("p.birth_date", "e.entered_on");
            (
                sql![
                    "CASE WHEN ",
                    age.clone(),
                    " < 26 THEN 'moins-26' WHEN ",
                    age.clone(),
                    " < 45 THEN '26-44' WHEN ",
                    age,
                    " < 50 THEN '45-49' ELSE '50-plus' END"
                ],
                no_label,
            )
        }
        Breakdown::RsaAtEntry => (
            at_entry(sql!["CASE WHEN sit.receives_rsa THEN 'oui' ELSE 'non' END"]),
            no_label,
        ),
        Breakdown::EducationLevel => (
            at_entry(sql!["CAST(sit.education_level AS TEXT)"]),
            no_label,
        ),
        Breakdown::Programme => (sql!["g.code"], "g.name"),
        Breakdown::LongTermJobseeker => (
            at_entry(sql![
                "CASE WHEN sit.jobseeker_since IS NOT NULL AND sit.jobseeker_since <= ",
                dialect.year_before_expr("e.entered_on"),
                " THEN 'oui' ELSE 'non' END"
            ]),
            no_label,
        ),
        Breakdown::Rqth => (
            at_entry(sql![
                "CASE sit.rqth WHEN 'yes' THEN 'oui' WHEN 'no' THEN 'non' ELSE 'inconnu' END"
            ]),
            no_label,
        ),
        Breakdown::ExitCategory => (sql!["COALESCE(e.exit_category, 'aucune')"], no_label),
        Breakdown::ContractKind => (sql!["x.kind"], no_label),
        Breakdown::Team => (sql!["g.team"], no_label),
        Breakdown::Referent => (
            sql!["COALESCE(u.email, 'aucun')"],
            "COALESCE(u.display_name, 'Sans référent')",
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
/// `[from, to]`, in one query (see [`breakdowns_sql`]). Each counted record (or person, for a
/// count of persons) falls in exactly one group, so the groups always add up to the figure: a
/// person with several pathways in the period, or a contract that two pathways cover, is
/// attributed to the first pathway entered.
pub async fn evaluate_breakdowns(
    db: &Db,
    structure_id: Uuid,
    def: &IndicatorDef,
    breakdowns: &[Breakdown],
    from: Date,
    to: Date,
) -> DbResult<Vec<Vec<Group>>> {
    check_allowed(def, breakdowns)?;
    if breakdowns.is_empty() {
        return Ok(Vec::new());
    }
    let sql = breakdowns_sql(db.dialect(), def, structure_id, breakdowns, from, to)?;
    let rows: Vec<(i64, String, Option<String>, i64)> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as::<_, (i64, String, Option<String>, i64)>, sql)
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

/// Refuses a breakdown the definition does not allow.
fn check_allowed(def: &IndicatorDef, breakdowns: &[Breakdown]) -> DbResult<()> {
    match breakdowns.iter().find(|b| !def.breakdowns.contains(b)) {
        Some(b) => Err(DbError::Refused(format!(
            "{} ne se décompose pas par {}",
            def.id,
            b.label()
        ))),
        None => Ok(()),
    }
}

/// The query of [`evaluate_breakdowns`]: rows `(breakdown index, group, label, value)`.
///
/// It reads the population once, whatever the number of breakdowns: (1) the counted keys with
/// the pathway each is attributed to and its date; (2) their number per pathway (and referent
/// at that date, and contract type); (3) what is known of each pathway (town, sex, situation
/// at entry…) looked up once per pathway, not once per step or contract; (4) one grouping per
/// breakdown.
pub fn breakdowns_sql(
    dialect: Dialect,
    def: &IndicatorDef,
    structure_id: Uuid,
    breakdowns: &[Breakdown],
    from: Date,
    to: Date,
) -> DbResult<Sql> {
    check_allowed(def, breakdowns)?;
    let rank = rank_expr(def)?;
    let (from_sql, pathway) = match value_from(def) {
        ("steps s", _) => ("steps s", "s.enrolment_id"),
        (from_sql, _) => (from_sql, "e.id"),
    };
    let by_referent = breakdowns.contains(&Breakdown::Referent);
    // The record's date serves only to find the referent in charge on that day.
    let on = if by_referent {
        record_date(def, to)
    } else {
        sql!["CAST(NULL AS DATE)"]
    };
    // Typed NULLs: PostgreSQL groups only by columns of a known type.
    let kind = if breakdowns.contains(&Breakdown::ContractKind) {
        "c.kind"
    } else {
        "CAST(NULL AS TEXT)"
    };
    let referent = if by_referent {
        "(SELECT r.user_id FROM enrolment_referents r WHERE r.enrolment_id = k.eid AND r.from_date <= k.on_date
           AND (r.until_date IS NULL OR r.until_date >= k.on_date) ORDER BY r.from_date DESC LIMIT 1)"
    } else {
        "CAST(NULL AS UUID)"
    };
    let where_sql = where_clause(def, structure_id, from, to);
    // Each step materialized: SQLite would otherwise flatten `attributed` into its grouping and
    // look the referent up twice per record.
    Ok(sql![
        "WITH keyed AS MATERIALIZED (
           SELECT ",
        pathway,
        " AS eid, ",
        on,
        " AS on_date, ",
        kind,
        " AS kind, ",
        rank,
        " AS rn
           FROM ",
        from_sql,
        " WHERE ",
        where_sql,
        "),
         attributed AS MATERIALIZED (
           SELECT k.eid, ",
        referent,
        " AS referent, k.kind FROM keyed k WHERE k.rn = 1),
         per_pathway AS MATERIALIZED (
           SELECT t.eid, t.referent, t.kind, COUNT(*) AS n FROM attributed t
           GROUP BY t.eid, t.referent, t.kind),
         facts AS MATERIALIZED (
           SELECT x.n, ",
        dimensions(dialect, breakdowns),
        "
           FROM per_pathway x JOIN enrolments e ON e.id = x.eid JOIN persons p ON p.id = e.person_id
             JOIN programmes g ON g.id = e.programme_id LEFT JOIN users u ON u.id = x.referent)
         ",
        groupings(breakdowns.len())
    ])
}

/// Numbers the rows of each counted key (1 for the one attributed, on the first pathway
/// entered), or refuses a figure that does not break down.
fn rank_expr(def: &IndicatorDef) -> DbResult<Sql> {
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
    Ok(if unique {
        sql!["1"]
    } else {
        sql![
            "ROW_NUMBER() OVER (PARTITION BY ",
            counted,
            " ORDER BY e.entered_on, e.id)"
        ]
    })
}

/// The columns `d{i}` (group) and `l{i}` (label) of each breakdown.
fn dimensions(dialect: Dialect, breakdowns: &[Breakdown]) -> Sql {
    Sql::join(
        breakdowns.iter().enumerate().map(|(i, b)| {
            let (dim, label) = dimension_expr(dialect, *b);
            sql![dim, " AS d", i, ", ", label, " AS l", i]
        }),
        ", ",
    )
}

/// One grouping per breakdown, over the facts.
fn groupings(n: usize) -> Sql {
    Sql::join(
        (0..n).map(|i| {
            sql![
                "SELECT CAST(",
                i,
                " AS BIGINT) AS b, d",
                i,
                " AS grp, MIN(l",
                i,
                ") AS label, CAST(SUM(n) AS BIGINT) AS value FROM facts GROUP BY d",
                i
            ]
        }),
        " UNION ALL ",
    )
}
