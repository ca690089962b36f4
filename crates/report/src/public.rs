//! The public export: figures and breakdowns without any count a person could be recognised
//! by. Small counts are hidden with the cells that would let one recompute them, within a
//! breakdown and across figures that overlap (a total and its sub-total); rates follow the
//! counts they divide, means and sums the count of their records.

use passerelle_domain::reports::indicator::{Breakdown, IndicatorDef, Measure};
use passerelle_domain::reports::suppression::{
    CountTable, Published, suppress_tables, total_publishable,
};
use serde_json::{Value, json};

use crate::{Figure, Report};

fn number(v: f64) -> Value {
    if v.fract() == 0.0 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// Breakdowns whose groups name staff stay inside the structure.
fn public_breakdown(dimension: &str) -> bool {
    dimension
        .parse::<Breakdown>()
        .map(|b| !b.names_staff())
        .unwrap_or(false)
}

/// The report as a public export: every count under `threshold` hidden, with the cells that
/// would let one recompute it, and a note that says so. Rates are hidden when their
/// denominator is under the threshold or one of their parts is hidden.
pub fn public_json(report: &Report, defs: &[IndicatorDef], threshold: i64) -> Value {
    let def_of = |f: &Figure| defs.iter().find(|d| d.id == f.id);
    let is_count = |f: &Figure| {
        def_of(f).is_some_and(|d| matches!(d.measure, Measure::Count | Measure::DistinctPersons))
    };
    // The counts, as tables, and which one narrows which.
    let counts: Vec<&Figure> = report.figures.iter().filter(|f| is_count(f)).collect();
    let tables: Vec<CountTable> = counts
        .iter()
        .map(|f| CountTable {
            total: f.value as i64,
            breakdowns: f
                .breakdowns
                .iter()
                .filter(|b| public_breakdown(&b.dimension))
                .map(|b| {
                    (
                        b.dimension.clone(),
                        b.cells.iter().map(|c| (c.key.clone(), c.value)).collect(),
                    )
                })
                .collect(),
        })
        .collect();
    let mut nested = Vec::new();
    for (i, sub) in counts.iter().enumerate() {
        for (j, parent) in counts.iter().enumerate() {
            if let (Some(s), Some(p)) = (def_of(sub), def_of(parent))
                && s.narrows(p)
            {
                nested.push((i, j));
            }
        }
    }
    let shown = suppress_tables(&tables, &nested, threshold);
    let count_shown = |id: &Option<String>| -> bool {
        id.as_ref()
            .and_then(|id| counts.iter().position(|f| &f.id == id))
            .is_some_and(|i| shown[i].total)
    };
    // A mean or a sum over a few records tells each one's value: it is published with the
    // count of the same records, and kept inside when no figure counts them.
    let base_count = |d: &IndicatorDef| -> Option<usize> {
        counts
            .iter()
            .position(|c| def_of(c).is_some_and(|count| d.counted_by(count)))
    };
    let value_of = |id: &Option<String>| -> f64 {
        id.as_ref()
            .and_then(|id| report.figures.iter().find(|f| &f.id == id))
            .map(|f| f.value)
            .unwrap_or(0.0)
    };
    let figures: Vec<Value> = report
        .figures
        .iter()
        .filter_map(|f| {
            let d = def_of(f)?;
            let (visible, breakdowns) = match counts.iter().position(|c| c.id == f.id) {
                Some(i) => {
                    let breakdowns: Vec<Value> = tables[i]
                        .breakdowns
                        .iter()
                        .zip(&shown[i].cells)
                        .map(|((dimension, groups), cells)| {
                            let source = f.breakdowns.iter().find(|b| &b.dimension == dimension);
                            let cells: Vec<Value> = groups
                                .iter()
                                .zip(cells)
                                .map(|((key, _), p)| {
                                    let label = source
                                        .and_then(|b| b.cells.iter().find(|c| &c.key == key))
                                        .map(|c| c.label.clone())
                                        .unwrap_or_default();
                                    match p {
                                        Published::Shown(v) => {
                                            json!({"key": key, "label": label, "value": v})
                                        }
                                        Published::Hidden(_) => {
                                            json!({"key": key, "label": label, "value": null, "hidden": true})
                                        }
                                    }
                                })
                                .collect();
                            json!({
                                "dimension": dimension,
                                "label": source.map(|b| b.label.clone()).unwrap_or_default(),
                                "cells": cells,
                            })
                        })
                        .collect();
                    (shown[i].total, breakdowns)
                }
                None => {
                    let visible = match d.measure {
                        Measure::Percent => {
                            total_publishable(value_of(&d.denominator) as i64, threshold)
                                && count_shown(&d.numerator)
                                && count_shown(&d.denominator)
                        }
                        Measure::Ratio => {
                            total_publishable(value_of(&d.denominator) as i64, threshold)
                        }
                        Measure::MeanMonths | Measure::Sum => {
                            base_count(d).is_some_and(|i| shown[i].total)
                        }
                        Measure::Count | Measure::DistinctPersons => true,
                    };
                    (visible, Vec::new())
                }
            };
            let previous_of = |id: &Option<String>| -> i64 {
                id.as_ref()
                    .and_then(|id| report.figures.iter().find(|f| &f.id == id))
                    .map(|f| f.previous as i64)
                    .unwrap_or(0)
            };
            let previous_visible = match d.measure {
                Measure::Count | Measure::DistinctPersons => {
                    total_publishable(f.previous as i64, threshold)
                }
                Measure::Percent => {
                    total_publishable(previous_of(&d.denominator), threshold)
                        && total_publishable(previous_of(&d.numerator), threshold)
                }
                Measure::Ratio => total_publishable(previous_of(&d.denominator), threshold),
                Measure::MeanMonths | Measure::Sum => base_count(d)
                    .is_some_and(|i| total_publishable(counts[i].previous as i64, threshold)),
            };
            Some(json!({
                "id": f.id,
                "title": f.title,
                "value": if visible { number(f.value) } else { Value::Null },
                "hidden": !visible,
                "previous": if previous_visible { number(f.previous) } else { Value::Null },
                "unit": f.unit,
                "version": f.version,
                "breakdowns": breakdowns,
            }))
        })
        .collect();
    json!({
        "year": report.year,
        "public": true,
        "note": format!(
            "Export public : les effectifs de 1 à {} sont masqués (valeur null), ainsi que les cases et les chiffres qui permettraient de les recalculer, y compris par différence entre un total et un sous-total. Une moyenne ou une somme n'est publiée qu'avec le comptage des mêmes enregistrements. Les répartitions par référent ne sont pas publiées.",
            threshold - 1
        ),
        "figures": figures,
    })
}
