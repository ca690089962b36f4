//! The compiling pass: a definition, a dialect, a period and a structure give one SQL query
//! ([`Sql`]) with its bound values, without a database, so that what a figure runs can be
//! read and compared (the storage tests keep a snapshot per shipped definition and engine).
//! Filters are typed and their values bound, so a definition cannot inject SQL.

use passerelle_domain::reports::indicator::{
    IndicatorDef, Measure, PeriodRule, Population, Quantity,
};
use time::Date;
use uuid::Uuid;

use crate::sql::{Sql, bind};
use crate::{DbError, DbResult, Dialect, sql};

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
pub(super) fn from_clause(population: Population) -> (&'static str, &'static str) {
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
pub(super) fn value_from(def: &IndicatorDef) -> (&'static str, bool) {
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

/// The dates a period rule compares with: the period's first and last days, or for the state
/// at the end of the period, its last day twice.
pub(super) fn period_bounds(def: &IndicatorDef, from: Date, to: Date) -> (Date, Date) {
    match def.period {
        PeriodRule::ActiveAtEnd => (to, to),
        _ => (from, to),
    }
}

/// The condition of the definition's period rule between the bounds `a` and `b` (see
/// [`period_bounds`]). With the bounds of several periods' hull, it holds for every record of
/// any of them.
pub(super) fn period_condition(def: &IndicatorDef, a: Date, b: Date) -> Sql {
    let (a, b) = (bind(a), bind(b));
    match def.period {
        PeriodRule::Active => sql![
            "e.entered_on IS NOT NULL AND e.entered_on <= ",
            b,
            " AND (e.exited_on IS NULL OR e.exited_on >= ",
            a,
            ")"
        ],
        PeriodRule::Entered => sql!["e.entered_on BETWEEN ", a, " AND ", b],
        PeriodRule::Exited => sql!["e.exited_on BETWEEN ", a, " AND ", b],
        PeriodRule::ActiveAtEnd => sql![
            "e.entered_on IS NOT NULL AND e.entered_on <= ",
            b,
            " AND (e.exited_on IS NULL OR e.exited_on > ",
            a,
            ")"
        ],
        // The pathway's own period, implied by the join, lets the database read only the
        // pathways of the period and then each one's contracts by person and date.
        PeriodRule::Started if def.population == Population::Contracts => sql![
            "c.start_on BETWEEN ",
            a.clone(),
            " AND ",
            b.clone(),
            " AND e.entered_on <= ",
            b,
            " AND (e.exited_on IS NULL OR e.exited_on >= ",
            a,
            ")"
        ],
        PeriodRule::Started => sql!["s.start_on BETWEEN ", a, " AND ", b],
        PeriodRule::Ended => sql!["s.end_on BETWEEN ", a, " AND ", b],
        PeriodRule::Held => sql!["m.held_on BETWEEN ", a, " AND ", b],
    }
}

/// The column of the population's programme.
pub(super) fn programme_column(population: Population) -> &'static str {
    match population {
        Population::Committees => "m.programme_id",
        Population::Steps => "s.programme_id",
        _ => "e.programme_id",
    }
}

/// `{programme_col} IN (the structure's programme coded `code`)`: through the programme's id
/// rather than `g.code`, so that without table statistics SQLite reads only that programme's
/// records (by date, through the indexes of migrations 0004 and 0008) instead of every record
/// of the structure.
pub(super) fn programme_condition(population: Population, structure_id: Uuid, code: &str) -> Sql {
    sql![
        programme_column(population),
        " IN (SELECT id FROM programmes WHERE structure_id = ",
        bind(structure_id),
        " AND code = ",
        bind(code),
        ")"
    ]
}

/// The conditions every record of the population meets: the structure, the period and the
/// programme (the scope of the figure, not a reason to exclude).
pub(super) fn scope_conditions(
    def: &IndicatorDef,
    structure_id: Uuid,
    from: Date,
    to: Date,
) -> Vec<Sql> {
    let (a, b) = period_bounds(def, from, to);
    scope_between(def, structure_id, a, b)
}

/// [`scope_conditions`] with the period rule's bounds given.
fn scope_between(def: &IndicatorDef, structure_id: Uuid, a: Date, b: Date) -> Vec<Sql> {
    let structure_col = match def.population {
        Population::Committees => "m.structure_id",
        Population::Steps => "s.structure_id",
        _ => "e.structure_id",
    };
    let mut w = vec![
        sql![structure_col, " = ", bind(structure_id)],
        period_condition(def, a, b),
    ];
    if let Some(code) = &def.filters.programme {
        w.push(programme_condition(def.population, structure_id, code));
    }
    w
}

/// The definition's filters: each one's SQL condition, and the reason given in French when a
/// record of the population fails it ("what was excluded and why").
pub(super) fn filter_conditions(def: &IndicatorDef) -> Vec<(Sql, &'static str)> {
    let f = &def.filters;
    let mut w = Vec::new();
    if !f.step_families.is_empty() {
        w.push((
            sql![
                "s.family IN (",
                Sql::list(f.step_families.iter().map(String::as_str)),
                ")"
            ],
            "famille d'étape non retenue",
        ));
    }
    if !f.exit_categories.is_empty() {
        w.push((
            sql![
                "e.exit_category IN (",
                Sql::list(f.exit_categories.iter().map(String::as_str)),
                ")"
            ],
            "catégorie de sortie non retenue",
        ));
    }
    if let Some(v) = f.validated {
        let reason = if v {
            "étape non validée"
        } else {
            "étape validée"
        };
        w.push((sql!["s.validated = ", bind(v)], reason));
    }
    if let Some(v) = f.rsa_at_entry {
        w.push((
            sql![
                "(SELECT sit.receives_rsa FROM person_situations sit WHERE sit.person_id = e.person_id AND sit.observed_on <= e.entered_on
                  ORDER BY sit.observed_on DESC LIMIT 1) = ",
                bind(v)
            ],
            if v {
                "pas au RSA à l'entrée (ou situation non renseignée)"
            } else {
                "au RSA à l'entrée"
            },
        ));
    }
    if let Some(v) = f.qpv {
        w.push(if v {
            (
                sql!["p.qpv_code IS NOT NULL"],
                "ne réside pas en quartier prioritaire",
            )
        } else {
            (sql!["p.qpv_code IS NULL"], "réside en quartier prioritaire")
        });
    }
    if let Some(c) = &f.commune {
        w.push((
            sql!["p.commune_code = ", bind(c.as_str())],
            "réside dans une autre commune",
        ));
    }
    w
}

/// The WHERE clause of a definition over `[from, to]` (without `WHERE`).
pub(super) fn where_clause(def: &IndicatorDef, structure_id: Uuid, from: Date, to: Date) -> Sql {
    let mut w = scope_conditions(def, structure_id, from, to);
    w.extend(filter_conditions(def).into_iter().map(|(sql, _)| sql));
    Sql::join(w, " AND ")
}

/// The query giving a counting, averaging or summing definition's value over each of
/// `periods` (not empty): one column per period, over the records of their hull.
pub fn value_sql(
    dialect: Dialect,
    def: &IndicatorDef,
    structure_id: Uuid,
    periods: &[(Date, Date)],
) -> DbResult<Sql> {
    let bounds: Vec<(Date, Date)> = periods
        .iter()
        .map(|(from, to)| period_bounds(def, *from, *to))
        .collect();
    let (Some(lo), Some(hi)) = (
        bounds.iter().map(|b| b.0).min(),
        bounds.iter().map(|b| b.1).max(),
    ) else {
        return Err(DbError::Refused(format!("{} : aucune période", def.id)));
    };
    let mut w = scope_between(def, structure_id, lo, hi);
    w.extend(filter_conditions(def).into_iter().map(|(sql, _)| sql));
    let where_sql = Sql::join(w, " AND ");
    // With one period the hull is the period: no condition per column.
    let only = bounds.len() == 1;
    let when = |(a, b): (Date, Date), then: Sql| {
        if only {
            then
        } else {
            sql![
                "CASE WHEN ",
                period_condition(def, a, b),
                " THEN ",
                then,
                " END"
            ]
        }
    };
    let (columns, from_sql) = value_columns(dialect, def, &bounds, where_sql, &when)?;
    Ok(sql![
        "SELECT ",
        Sql::join(columns, ", "),
        " FROM ",
        from_sql
    ])
}

/// The value columns of [`value_sql`] (one per period) and what they read from.
fn value_columns(
    dialect: Dialect,
    def: &IndicatorDef,
    bounds: &[(Date, Date)],
    where_sql: Sql,
    when: &dyn Fn((Date, Date), Sql) -> Sql,
) -> DbResult<(Vec<Sql>, Sql)> {
    let key = from_clause(def.population).1;
    let (from_sql, one_row_per_record) = value_from(def);
    let real = dialect.float_type();
    Ok(match def.measure {
        Measure::Count | Measure::DistinctPersons => {
            let (distinct, counted) = match def.measure {
                Measure::Count if one_row_per_record => ("", "1"),
                Measure::Count => ("DISTINCT ", key),
                _ => ("DISTINCT ", "e.person_id"),
            };
            let columns = bounds
                .iter()
                .map(|b| sql!["COUNT(", distinct, when(*b, sql![counted]), ")"])
                .collect();
            (columns, sql![from_sql, " WHERE ", where_sql])
        }
        Measure::MeanMonths => {
            let months = dialect.months_expr("e.entered_on", "e.exited_on");
            let columns = bounds
                .iter()
                .map(|b| sql!["CAST(AVG(", when(*b, months.clone()), ") AS ", real, ")"])
                .collect();
            (columns, sql![from_sql, " WHERE ", where_sql])
        }
        Measure::Sum => {
            let quantity = quantity_expr(def)?;
            // Each record once (a contract that two pathways cover, too), with whether it falls
            // in each period.
            let flags = bounds
                .iter()
                .enumerate()
                .map(|(i, b)| sql!["MAX(", when(*b, sql!["1"]), ") AS f", i]);
            let columns = (0..bounds.len())
                .map(|i| sql!["CAST(SUM(t.q * t.f", i, ") AS ", real, ")"])
                .collect();
            let records = sql![
                "(SELECT ",
                key,
                " AS k, MAX(",
                quantity,
                ") AS q, ",
                Sql::join(flags, ", "),
                " FROM ",
                from_sql,
                " WHERE ",
                where_sql,
                " GROUP BY ",
                key,
                ") t"
            ];
            (columns, records)
        }
        Measure::Percent | Measure::Ratio => {
            return Err(DbError::Refused(format!(
                "{} : un taux ou un ratio se calcule à partir de deux indicateurs",
                def.id
            )));
        }
    })
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
