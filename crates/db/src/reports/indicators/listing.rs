//! The listing pass, "explain this number" for one reader: the records behind a figure that
//! the reader's scope covers, and how many it does not (a number, never names). Filtering is
//! SQL, like the figure.

use std::collections::HashSet;

use passerelle_domain::reports::indicator::{IndicatorDef, Measure, PeriodRule, Population};
use time::Date;
use uuid::Uuid;

use super::compile::{
    filter_conditions, from_clause, programme_condition, scope_conditions, where_clause,
};
use crate::pathways::scope::{Scope, committee_condition, pathway_condition};
use crate::sql::{Sql, bind};
use crate::{Db, DbResult, Dialect, sql, sql_query, with_pool};

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

/// The records a figure lists for one reader: a figure's value is the whole structure's (it is
/// the report), but the names behind it are only those the reader may open.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub records: Vec<CountedRecord>,
    /// How many records of the list lie outside the reader's scope: their number, never who.
    pub outside_scope: i64,
}

/// The reader's scope on the rows of a population: a pathway's, or a committee's programme.
fn reader_condition(def: &IndicatorDef, scope: &Scope) -> Sql {
    match def.population {
        Population::Committees => committee_condition(scope, "m"),
        _ => pathway_condition(scope, "e"),
    }
}

/// The key a listing has one row per: the person for a count of persons.
fn listed_key(def: &IndicatorDef) -> &'static str {
    if def.measure == Measure::DistinctPersons {
        "e.person_id"
    } else {
        from_clause(def.population).1
    }
}

/// The date and the French detail a listing shows of each record.
fn listed_columns(dialect: Dialect, def: &IndicatorDef) -> (&'static str, Sql) {
    match (def.population, def.measure) {
        // A mean lists each pathway with its length.
        (Population::Enrolments, Measure::MeanMonths) => (
            "e.exited_on",
            sql![
                "g.name || COALESCE(' – ' || e.exit_category, '') || ' – ' || ",
                dialect.months_text_expr("e.entered_on", "e.exited_on")
            ],
        ),
        (Population::Committees, _) => ("m.held_on", sql!["g.name"]),
        (_, Measure::DistinctPersons) => ("MIN(e.entered_on)", sql!["MIN(g.name)"]),
        (Population::Enrolments, _) => (
            match def.period {
                PeriodRule::Exited => "e.exited_on",
                _ => "e.entered_on",
            },
            sql!["g.name || COALESCE(' – ' || e.exit_category, '')"],
        ),
        (Population::Steps, _) => ("s.start_on", sql!["s.family || ' – ' || s.title"]),
        // A sum lists each record with what it adds.
        (Population::Contracts, Measure::Sum) => (
            "c.start_on",
            sql![
                "c.kind || ' – ' || c.employer || ' – ' || CAST(c.weekly_hours AS TEXT) || ' h par semaine'"
            ],
        ),
        (Population::Contracts, _) => ("c.start_on", sql!["c.kind || ' – ' || c.employer"]),
    }
}

/// The SELECT listing a definition's records over `where_sql`, one row per listed key, with
/// `reasons` as the last column.
fn listing_sql(dialect: Dialect, def: &IndicatorDef, where_sql: Sql, reasons: Sql) -> Sql {
    let from_sql = from_clause(def.population).0;
    let key = listed_key(def);
    let (on, detail) = listed_columns(dialect, def);
    let (person, name) = match def.population {
        Population::Committees => ("NULL", "NULL"),
        _ => ("p.id", "p.last_name || ' ' || p.first_names"),
    };
    if def.measure == Measure::DistinctPersons {
        sql![
            "SELECT ",
            key,
            " AS key, ",
            person,
            " AS person_id, MIN(",
            name,
            ") AS person_name, ",
            on,
            " AS on_date, ",
            detail,
            " AS detail,
                    MIN(",
            reasons,
            ") AS reasons
             FROM ",
            from_sql,
            " WHERE ",
            where_sql,
            " GROUP BY ",
            key,
            ", ",
            person,
            " ORDER BY person_name, key"
        ]
    } else {
        sql![
            "SELECT DISTINCT ",
            key,
            " AS key, ",
            person,
            " AS person_id, ",
            name,
            " AS person_name, ",
            on,
            " AS on_date, ",
            detail,
            " AS detail,
                    ",
            reasons,
            " AS reasons
             FROM ",
            from_sql,
            " WHERE ",
            where_sql,
            " ORDER BY person_name, on_date, key"
        ]
    }
}

/// The query listing the records a counting definition counts over `[from, to]` that the
/// reader may open.
pub fn counted_sql(
    dialect: Dialect,
    def: &IndicatorDef,
    scope: &Scope,
    from: Date,
    to: Date,
) -> Sql {
    let where_sql = where_clause(def, scope.structure_id(), from, to);
    listing_sql(
        dialect,
        def,
        sql![where_sql, " AND ", reader_condition(def, scope)],
        sql!["''"],
    )
}

/// Lists the records of `where_of` within the reader's scope, and counts those outside it
/// (every listed key minus those shown; one query each, both in the database). `where_of`
/// gives the WHERE clause and the SQL of the reasons column.
async fn scoped_listing(
    db: &Db,
    scope: &Scope,
    def: &IndicatorDef,
    where_of: impl Fn() -> (Sql, Sql),
) -> DbResult<Listing> {
    let (where_sql, reasons) = where_of();
    let sql = listing_sql(
        db.dialect(),
        def,
        sql![where_sql.clone(), " AND ", reader_condition(def, scope)],
        reasons,
    );
    let records: Vec<CountedRecord> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as::<_, CountedRecord>, sql)
            .fetch_all(p)
            .await?
    });
    if scope.is_whole_structure() {
        return Ok(Listing {
            records,
            outside_scope: 0,
        });
    }
    let sql = sql![
        "SELECT COUNT(DISTINCT ",
        listed_key(def),
        ") FROM ",
        from_clause(def.population).0,
        " WHERE ",
        where_sql
    ];
    let all: i64 = with_pool!(db, |p| {
        sql_query!(sqlx::query_scalar::<_, i64>, sql)
            .fetch_one(p)
            .await?
    });
    Ok(Listing {
        outside_scope: (all - records.len() as i64).max(0),
        records,
    })
}

/// The records behind a counting definition over `[from, to]` that the reader may open, by
/// person name: exactly the rows the count reads (distinct persons for a count of persons).
pub async fn counted_records(
    db: &Db,
    scope: &Scope,
    def: &IndicatorDef,
    from: Date,
    to: Date,
) -> DbResult<Listing> {
    let structure_id = scope.structure_id();
    scoped_listing(db, scope, def, || {
        (where_clause(def, structure_id, from, to), sql!["''"])
    })
    .await
}

/// What a filtered count left out, and why: the records of the same population, period and
/// programme that are not counted, each with the filters it fails, within the reader's scope.
/// Empty when the definition has no filter.
pub async fn excluded_records(
    db: &Db,
    scope: &Scope,
    def: &IndicatorDef,
    from: Date,
    to: Date,
) -> DbResult<Listing> {
    if filter_conditions(def).is_empty()
        || !matches!(
            def.measure,
            Measure::Count | Measure::DistinctPersons | Measure::Sum
        )
    {
        return Ok(Listing {
            records: Vec::new(),
            outside_scope: 0,
        });
    }
    let structure_id = scope.structure_id();
    let (from_sql, _) = from_clause(def.population);
    let counted_key = listed_key(def);
    let mut listing = scoped_listing(db, scope, def, || {
        let reasons = Sql::join(
            filter_conditions(def).into_iter().map(|(cond, reason)| {
                sql![
                    "CASE WHEN ",
                    cond,
                    " THEN '' ELSE ",
                    bind(format!("{reason} ; ")),
                    " END"
                ]
            }),
            " || ",
        );
        let figure = Sql::join(scope_conditions(def, structure_id, from, to), " AND ");
        let counted_where = where_clause(def, structure_id, from, to);
        (
            sql![
                figure,
                " AND ",
                counted_key,
                " NOT IN (SELECT ",
                counted_key,
                " FROM ",
                from_sql,
                " WHERE ",
                counted_where,
                ")"
            ],
            reasons,
        )
    })
    .await?;
    for r in &mut listing.records {
        r.reasons = r.reasons.trim_end_matches([' ', ';']).to_owned();
    }
    Ok(listing)
}

/// Of the keys a figure listed (its records, or persons for a count of persons), those the
/// reader's scope covers now, by the population and programme alone: a published figure's
/// records and their changes since show only these.
pub async fn keys_in_scope(
    db: &Db,
    scope: &Scope,
    def: &IndicatorDef,
    keys: &[Uuid],
) -> DbResult<HashSet<Uuid>> {
    if scope.is_whole_structure() {
        return Ok(keys.iter().copied().collect());
    }
    let key = listed_key(def);
    let mut found = HashSet::new();
    for chunk in keys.chunks(500) {
        let mut w = vec![
            sql![key, " IN (", Sql::list(chunk.iter().copied()), ")"],
            reader_condition(def, scope),
        ];
        if let Some(code) = &def.filters.programme {
            w.push(programme_condition(
                def.population,
                scope.structure_id(),
                code,
            ));
        }
        let sql = sql![
            "SELECT DISTINCT ",
            key,
            " FROM ",
            from_clause(def.population).0,
            " WHERE ",
            Sql::join(w, " AND ")
        ];
        let rows: Vec<Uuid> = with_pool!(db, |p| {
            sql_query!(sqlx::query_scalar::<_, Uuid>, sql)
                .fetch_all(p)
                .await?
        });
        found.extend(rows);
    }
    Ok(found)
}
