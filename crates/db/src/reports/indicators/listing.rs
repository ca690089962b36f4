//! "Explain this number" for one reader: the records behind a figure that the reader's scope
//! covers, and how many it does not (a number, never names). Filtering is SQL, like the figure.

use std::collections::HashSet;

use passerelle_domain::reports::indicator::{IndicatorDef, Measure, Population};
use time::Date;
use uuid::Uuid;

use super::{
    CountedRecord, fetch_listing, filter_conditions, from_clause, listing_sql, scope_conditions,
    where_clause,
};
use crate::params::{Param, Params};
use crate::pathways::scope::{Scope, committee_condition, pathway_condition};
use crate::{Db, DbResult, bind_params, with_pool};

/// The records a figure lists for one reader: a figure's value is the whole structure's (it is
/// the report), but the names behind it are only those the reader may open.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub records: Vec<CountedRecord>,
    /// How many records of the list lie outside the reader's scope: their number, never who.
    pub outside_scope: i64,
}

/// The reader's scope on the rows of a population: a pathway's, or a committee's programme.
fn reader_condition(def: &IndicatorDef, scope: &Scope, params: &mut Params) -> String {
    match def.population {
        Population::Committees => committee_condition(scope, "m", params),
        _ => pathway_condition(scope, "e", params),
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

/// Lists the records of `where_of` within the reader's scope, and counts those outside it
/// (every listed key minus those shown; one query each, both in the database). `where_of`
/// gives the WHERE clause and, when asked, the SQL of the reasons column.
async fn scoped_listing(
    db: &Db,
    scope: &Scope,
    def: &IndicatorDef,
    where_of: impl Fn(&mut Params, bool) -> (String, String),
) -> DbResult<Listing> {
    let mut params = Params::default();
    let (where_sql, reasons) = where_of(&mut params, true);
    let reader = reader_condition(def, scope, &mut params);
    let sql = listing_sql(db, def, &format!("{where_sql} AND {reader}"), &reasons);
    let records = fetch_listing(db, sql, params).await?;
    if scope.is_whole_structure() {
        return Ok(Listing {
            records,
            outside_scope: 0,
        });
    }
    let mut params = Params::default();
    let (where_sql, _) = where_of(&mut params, false);
    let sql = format!(
        "SELECT COUNT(DISTINCT {}) FROM {} WHERE {where_sql}",
        listed_key(def),
        from_clause(def.population).0
    );
    let all: i64 = with_pool!(db, |p| {
        bind_params!(
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)),
            params
        )
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
    scoped_listing(db, scope, def, |params, _| {
        (
            where_clause(def, structure_id, from, to, params),
            "''".to_owned(),
        )
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
    if filter_conditions(def, &mut Params::default()).is_empty()
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
    let mut listing = scoped_listing(db, scope, def, |params, with_reasons| {
        let reasons = if with_reasons {
            filter_conditions(def, params)
                .iter()
                .map(|(sql, reason)| {
                    format!(
                        "CASE WHEN {sql} THEN '' ELSE {} END",
                        params.push(Param::Text(format!("{reason} ; ")))
                    )
                })
                .collect::<Vec<_>>()
                .join(" || ")
        } else {
            String::new()
        };
        let figure = scope_conditions(def, structure_id, from, to, params).join(" AND ");
        let counted_where = where_clause(def, structure_id, from, to, params);
        (
            format!(
                "{figure} AND {counted_key} NOT IN (SELECT {counted_key} FROM {from_sql} WHERE {counted_where})"
            ),
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
        let mut params = Params::default();
        let listed = chunk
            .iter()
            .map(|k| params.push(Param::Uuid(*k)))
            .collect::<Vec<_>>()
            .join(", ");
        let mut w = vec![
            format!("{key} IN ({listed})"),
            reader_condition(def, scope, &mut params),
        ];
        if let Some(code) = &def.filters.programme {
            let programme_col = match def.population {
                Population::Committees => "m.programme_id",
                Population::Steps => "s.programme_id",
                _ => "e.programme_id",
            };
            w.push(format!(
                "{programme_col} IN (SELECT id FROM programmes WHERE structure_id = {} AND code = {})",
                params.push(Param::Uuid(scope.structure_id())),
                params.push(Param::Text(code.clone()))
            ));
        }
        let sql = format!(
            "SELECT DISTINCT {key} FROM {} WHERE {}",
            from_clause(def.population).0,
            w.join(" AND ")
        );
        let rows: Vec<Uuid> = with_pool!(db, |p| {
            bind_params!(
                sqlx::query_scalar::<_, Uuid>(sqlx::AssertSqlSafe(sql)),
                params
            )
            .fetch_all(p)
            .await?
        });
        found.extend(rows);
    }
    Ok(found)
}
