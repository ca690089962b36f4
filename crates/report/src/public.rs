//! The public export: figures and breakdowns without any count a person could be recognised
//! by. Small counts are hidden with the cells that would let one recompute them, within a
//! breakdown and across figures that overlap (a total and its sub-total); rates follow the
//! counts they divide, means and sums the count of their records.

use passerelle_domain::reports::indicator::{Breakdown, IndicatorDef, Measure};
use passerelle_domain::reports::suppression::{
    CountTable, Published, TableShown, suppress_tables, total_publishable,
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

/// The report's counts as tables for the suppression, and what it leaves shown.
struct Export<'a> {
    report: &'a Report,
    defs: &'a [IndicatorDef],
    threshold: i64,
    /// The count figures, in the report's order.
    counts: Vec<&'a Figure>,
    /// Each count's total and public breakdowns.
    tables: Vec<CountTable>,
    /// What the suppression shows of each table.
    shown: Vec<TableShown>,
}

impl<'a> Export<'a> {
    fn new(report: &'a Report, defs: &'a [IndicatorDef], threshold: i64) -> Export<'a> {
        let def_of = |f: &Figure| defs.iter().find(|d| d.id == f.id);
        let counts: Vec<&Figure> = report
            .figures
            .iter()
            .filter(|f| {
                def_of(f)
                    .is_some_and(|d| matches!(d.measure, Measure::Count | Measure::DistinctPersons))
            })
            .collect();
        let tables: Vec<CountTable> = counts.iter().map(|f| count_table(f)).collect();
        // Which count narrows which (a sub-total and its total).
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
        Export {
            report,
            defs,
            threshold,
            counts,
            tables,
            shown,
        }
    }

    fn def_of(&self, f: &Figure) -> Option<&'a IndicatorDef> {
        self.defs.iter().find(|d| d.id == f.id)
    }

    fn figure(&self, id: &Option<String>) -> Option<&'a Figure> {
        id.as_ref()
            .and_then(|id| self.report.figures.iter().find(|f| &f.id == id))
    }

    fn count_shown(&self, id: &Option<String>) -> bool {
        id.as_ref()
            .and_then(|id| self.counts.iter().position(|f| &f.id == id))
            .is_some_and(|i| self.shown[i].total)
    }

    /// A mean or a sum over a few records tells each one's value: it is published with the
    /// count of the same records, and kept inside when no figure counts them.
    fn base_count(&self, d: &IndicatorDef) -> Option<usize> {
        self.counts
            .iter()
            .position(|c| self.def_of(c).is_some_and(|count| d.counted_by(count)))
    }

    fn publishable(&self, n: f64) -> bool {
        total_publishable(n as i64, self.threshold)
    }

    /// Whether a figure that is not a count shows this year's value.
    fn derived_visible(&self, d: &IndicatorDef) -> bool {
        let value = |id: &Option<String>| self.figure(id).map_or(0.0, |f| f.value);
        match d.measure {
            Measure::Percent => {
                self.publishable(value(&d.denominator))
                    && self.count_shown(&d.numerator)
                    && self.count_shown(&d.denominator)
            }
            Measure::Ratio => self.publishable(value(&d.denominator)),
            Measure::MeanMonths | Measure::Sum => {
                self.base_count(d).is_some_and(|i| self.shown[i].total)
            }
            Measure::Count | Measure::DistinctPersons => true,
        }
    }

    /// Whether a figure shows last year's value.
    fn previous_visible(&self, f: &Figure, d: &IndicatorDef) -> bool {
        let previous = |id: &Option<String>| self.figure(id).map_or(0.0, |f| f.previous);
        match d.measure {
            Measure::Count | Measure::DistinctPersons => self.publishable(f.previous),
            Measure::Percent => {
                self.publishable(previous(&d.denominator))
                    && self.publishable(previous(&d.numerator))
            }
            Measure::Ratio => self.publishable(previous(&d.denominator)),
            Measure::MeanMonths | Measure::Sum => self
                .base_count(d)
                .is_some_and(|i| self.publishable(self.counts[i].previous)),
        }
    }

    /// The public breakdowns of the `i`-th count, hidden cells as `null`.
    fn breakdowns(&self, i: usize, f: &Figure) -> Vec<Value> {
        self.tables[i]
            .breakdowns
            .iter()
            .zip(&self.shown[i].cells)
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
                            Published::Shown(v) => json!({"key": key, "label": label, "value": v}),
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
            .collect()
    }

    fn figure_json(&self, f: &Figure) -> Option<Value> {
        let d = self.def_of(f)?;
        let (visible, breakdowns) = match self.counts.iter().position(|c| c.id == f.id) {
            Some(i) => (self.shown[i].total, self.breakdowns(i, f)),
            None => (self.derived_visible(d), Vec::new()),
        };
        let previous_visible = self.previous_visible(f, d);
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
    }
}

/// A count's total and its public breakdowns, as the suppression reads them.
fn count_table(f: &Figure) -> CountTable {
    CountTable {
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
    }
}

/// The report as a public export: every count under `threshold` hidden, with the cells that
/// would let one recompute it, and a note that says so. Rates are hidden when their
/// denominator is under the threshold or one of their parts is hidden.
pub fn public_json(report: &Report, defs: &[IndicatorDef], threshold: i64) -> Value {
    let export = Export::new(report, defs, threshold);
    let figures: Vec<Value> = report
        .figures
        .iter()
        .filter_map(|f| export.figure_json(f))
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
