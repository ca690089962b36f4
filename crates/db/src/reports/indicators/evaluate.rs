//! The evaluating pass: a figure's value, computed by the database on either engine from the
//! query [`super::compile`] gives; no loop over the records in Rust.

use passerelle_domain::reports::indicator::{IndicatorDef, Measure, Population};
use time::Date;
use uuid::Uuid;

use super::compile::value_sql;
use crate::{Db, DbResult, sql_query, with_pool};

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
    if periods.is_empty() {
        return Ok(Vec::new());
    }
    let sql = value_sql(db.dialect(), def, structure_id, periods)?;
    let n = periods.len();
    let real_valued = matches!(def.measure, Measure::MeanMonths | Measure::Sum);
    Ok(with_pool!(db, |p| {
        use sqlx::Row;
        let row = sql_query!(sqlx::query, sql).fetch_one(p).await?;
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
