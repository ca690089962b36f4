//! The indicator engine and the annual report: definitions shipped as versioned files,
//! evaluated by the database for a year and the year before.

pub mod charts;
pub mod fmt;
pub mod layout;
pub mod render;

use passerelle_db::{Db, DbResult};
use passerelle_domain::indicator::{IndicatorDef, Measure, rounded};
use time::{Date, Month};
use uuid::Uuid;

/// The definitions shipped with the app.
pub const SHIPPED: &[(&str, &str)] = &[("plie.toml", include_str!("../definitions/plie.toml"))];

#[derive(Debug, serde::Deserialize)]
struct File {
    indicator: Vec<IndicatorDef>,
}

/// Reads and checks a definition file; the message names the file and the indicator.
pub fn parse_definitions(name: &str, text: &str) -> Result<Vec<IndicatorDef>, String> {
    let file: File = toml::from_str(text).map_err(|e| format!("{name} : {e}"))?;
    let ids: Vec<&str> = file.indicator.iter().map(|d| d.id.as_str()).collect();
    let mut seen = Vec::new();
    for d in &file.indicator {
        if seen.contains(&d.id.as_str()) {
            return Err(format!(
                "{name} : l'indicateur {} est défini deux fois",
                d.id
            ));
        }
        seen.push(d.id.as_str());
        d.check(&ids).map_err(|e| format!("{name} : {e}"))?;
    }
    Ok(file.indicator)
}

/// Every shipped definition.
pub fn shipped_definitions() -> Result<Vec<IndicatorDef>, String> {
    let mut all = Vec::new();
    for (name, text) in SHIPPED {
        all.extend(parse_definitions(name, text)?);
    }
    Ok(all)
}

/// One figure of a report: its value for the year, the year before, and the definition that
/// produced both.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figure {
    pub id: String,
    pub title: String,
    #[serde(serialize_with = "whole_when_possible")]
    pub value: f64,
    #[serde(serialize_with = "whole_when_possible")]
    pub previous: f64,
    pub unit: String,
    pub version: u32,
    pub definition: String,
    /// Filled by [`with_breakdowns`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breakdowns: Vec<BreakdownResult>,
}

/// One breakdown of a figure: its value per group.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BreakdownResult {
    pub dimension: String,
    pub label: String,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    pub key: String,
    pub value: i64,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub year: i32,
    pub figures: Vec<Figure>,
}

/// Counts print as `662`, not `662.0`.
fn whole_when_possible<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

fn year_bounds(year: i32) -> (Date, Date) {
    let from = Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MIN);
    let to = Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MAX);
    (from, to)
}

/// The value of every definition for one year; percentages from their two indicators (an
/// empty denominator gives 0, not an error).
async fn values(
    db: &Db,
    structure_id: Uuid,
    defs: &[IndicatorDef],
    year: i32,
) -> DbResult<Vec<f64>> {
    let (from, to) = year_bounds(year);
    let mut raw = Vec::with_capacity(defs.len());
    for d in defs {
        raw.push(match d.measure {
            Measure::Percent => None,
            _ => Some(passerelle_db::indicators::evaluate(db, structure_id, d, from, to).await?),
        });
    }
    let find = |id: &Option<String>| -> f64 {
        id.as_ref()
            .and_then(|id| defs.iter().position(|d| &d.id == id))
            .and_then(|i| raw[i])
            .unwrap_or(0.0)
    };
    Ok(defs
        .iter()
        .zip(&raw)
        .map(|(d, v)| match (d.measure, v) {
            (Measure::Percent, _) => {
                let (n, total) = (find(&d.numerator), find(&d.denominator));
                if total == 0.0 {
                    0.0
                } else {
                    rounded(n * 100.0 / total) as f64
                }
            }
            (Measure::MeanMonths, Some(v)) => rounded(*v) as f64,
            (_, Some(v)) => *v,
            (_, None) => 0.0,
        })
        .collect())
}

/// The report of `year` for a structure, with last year beside each figure.
pub async fn build(
    db: &Db,
    structure_id: Uuid,
    defs: &[IndicatorDef],
    year: i32,
) -> DbResult<Report> {
    let now = values(db, structure_id, defs, year).await?;
    let before = values(db, structure_id, defs, year - 1).await?;
    Ok(Report {
        year,
        figures: defs
            .iter()
            .zip(now.into_iter().zip(before))
            .map(|(d, (value, previous))| Figure {
                id: d.id.clone(),
                title: d.title.clone(),
                value,
                previous,
                unit: d.unit.clone(),
                version: d.version,
                definition: d.definition.clone(),
                breakdowns: Vec::new(),
            })
            .collect(),
    })
}

/// Adds to each figure of `report` the breakdowns its definition allows.
pub async fn with_breakdowns(
    db: &Db,
    structure_id: Uuid,
    defs: &[IndicatorDef],
    report: &mut Report,
) -> DbResult<()> {
    let (from, to) = year_bounds(report.year);
    for (d, f) in defs.iter().zip(report.figures.iter_mut()) {
        for b in &d.breakdowns {
            let cells =
                passerelle_db::indicators::evaluate_breakdown(db, structure_id, d, *b, from, to)
                    .await?;
            f.breakdowns.push(BreakdownResult {
                dimension: b.code().to_owned(),
                label: b.label().to_owned(),
                cells: cells
                    .into_iter()
                    .map(|(key, value)| Cell { key, value })
                    .collect(),
            });
        }
    }
    Ok(())
}

/// The report as a public export: every count under `threshold` hidden, with the cells that
/// would let one recompute it, and a note that says so. Rates are hidden when their
/// denominator is under the threshold.
pub fn public_json(report: &Report, defs: &[IndicatorDef], threshold: i64) -> serde_json::Value {
    use passerelle_domain::suppression::{Published, suppress, total_publishable};
    let value_of = |id: &Option<String>| -> f64 {
        id.as_ref()
            .and_then(|id| report.figures.iter().find(|f| &f.id == id))
            .map(|f| f.value)
            .unwrap_or(0.0)
    };
    let shown = |v: f64| {
        if v.fract() == 0.0 {
            serde_json::json!(v as i64)
        } else {
            serde_json::json!(v)
        }
    };
    let figures: Vec<serde_json::Value> = report
        .figures
        .iter()
        .zip(defs)
        .map(|(f, d)| {
            let visible = match d.measure {
                Measure::Count | Measure::DistinctPersons => total_publishable(f.value as i64, threshold),
                Measure::Percent => total_publishable(value_of(&d.denominator) as i64, threshold),
                Measure::MeanMonths => true,
            };
            let breakdowns: Vec<serde_json::Value> = f
                .breakdowns
                .iter()
                .map(|b| {
                    let values: Vec<i64> = b.cells.iter().map(|c| c.value).collect();
                    let cells: Vec<serde_json::Value> = b
                        .cells
                        .iter()
                        .zip(suppress(&values, threshold))
                        .map(|(c, p)| match p {
                            Published::Shown(v) if visible => serde_json::json!({"key": c.key, "value": v}),
                            _ => serde_json::json!({"key": c.key, "value": null, "hidden": true}),
                        })
                        .collect();
                    serde_json::json!({"dimension": b.dimension, "label": b.label, "cells": cells})
                })
                .collect();
            serde_json::json!({
                "id": f.id,
                "title": f.title,
                "value": if visible { shown(f.value) } else { serde_json::Value::Null },
                "hidden": !visible,
                "previous": if d.measure == Measure::MeanMonths || total_publishable(f.previous as i64, threshold) { shown(f.previous) } else { serde_json::Value::Null },
                "unit": f.unit,
                "version": f.version,
                "breakdowns": breakdowns,
            })
        })
        .collect();
    serde_json::json!({
        "year": report.year,
        "public": true,
        "note": format!(
            "Export public : les effectifs de 1 à {} et les cases qui permettraient de les recalculer sont masqués (valeur null).",
            threshold - 1
        ),
        "figures": figures,
    })
}

/// A record as a published report keeps it: enough to say later what moved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeptRecord {
    pub key: Uuid,
    pub person: Option<String>,
    pub on: Option<String>,
    pub detail: String,
}

/// A report with, for each counting figure, the records it counted.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub report: Report,
    pub records: std::collections::BTreeMap<String, Vec<KeptRecord>>,
}

/// The report of `year` as it stands now, with its breakdowns and counted records.
pub async fn snapshot(
    db: &Db,
    structure_id: Uuid,
    defs: &[IndicatorDef],
    year: i32,
) -> DbResult<Snapshot> {
    let mut report = build(db, structure_id, defs, year).await?;
    with_breakdowns(db, structure_id, defs, &mut report).await?;
    let (from, to) = year_bounds(year);
    let mut records = std::collections::BTreeMap::new();
    for d in defs
        .iter()
        .filter(|d| matches!(d.measure, Measure::Count | Measure::DistinctPersons))
    {
        let rows =
            passerelle_db::indicators::counted_records(db, structure_id, d, from, to).await?;
        records.insert(
            d.id.clone(),
            rows.into_iter()
                .map(|r| KeptRecord {
                    key: r.key,
                    person: r.person_name,
                    on: r.on_date.map(|d| d.to_string()),
                    detail: r.detail,
                })
                .collect(),
        );
    }
    Ok(Snapshot { report, records })
}

/// How one figure moved since publication, and the records behind the move.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    pub id: String,
    pub title: String,
    pub published: f64,
    pub now: f64,
    pub added: Vec<KeptRecord>,
    pub removed: Vec<KeptRecord>,
}

/// The figures whose value or counted records differ between a publication and now.
pub fn changes(published: &Snapshot, now: &Snapshot) -> Vec<Change> {
    published
        .report
        .figures
        .iter()
        .filter_map(|p| {
            let n = now.report.figures.iter().find(|f| f.id == p.id)?;
            let empty = Vec::new();
            let before = published.records.get(&p.id).unwrap_or(&empty);
            let after = now.records.get(&p.id).unwrap_or(&empty);
            let added: Vec<KeptRecord> = after
                .iter()
                .filter(|r| !before.iter().any(|b| b.key == r.key))
                .cloned()
                .collect();
            let removed: Vec<KeptRecord> = before
                .iter()
                .filter(|r| !after.iter().any(|a| a.key == r.key))
                .cloned()
                .collect();
            (p.value != n.value || !added.is_empty() || !removed.is_empty()).then(|| Change {
                id: p.id.clone(),
                title: p.title.clone(),
                published: p.value,
                now: n.value,
                added,
                removed,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_definitions_parse_and_check() {
        let defs = shipped_definitions().unwrap_or_default();
        assert!(defs.iter().any(|d| d.id == "plie.entries"));
        assert!(
            defs.iter()
                .all(|d| d.version >= 1 && !d.definition.is_empty())
        );
    }

    #[test]
    fn a_broken_definition_says_where() {
        let bad = "[[indicator]]\nid = \"x\"\nversion = 1\ntitle = \"X\"\ndefinition = \"X\"\npopulation = \"steps\"\nperiod = \"held\"\nmeasure = \"count\"\n";
        let e = parse_definitions("perso.toml", bad)
            .err()
            .unwrap_or_default();
        assert!(e.contains("perso.toml") && e.contains('x'), "{e}");
        let unknown = "[[indicator]]\nid = \"x\"\nversion = 1\ntitle = \"X\"\ndefinition = \"X\"\npopulation = \"enrolments\"\nperiod = \"active\"\nmeasure = \"count\"\nfilters = { couleur = \"bleu\" }\n";
        let e = parse_definitions("perso.toml", unknown)
            .err()
            .unwrap_or_default();
        assert!(e.contains("couleur"), "{e}");
    }
}
