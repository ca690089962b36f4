//! The indicator engine and the annual report: definitions shipped as versioned files,
//! evaluated by the database for a year and the year before.

pub mod charts;
pub mod fmt;
pub mod layout;
pub mod render;

use passerelle_db::{Db, DbResult};
use passerelle_domain::reports::indicator::{Breakdown, IndicatorDef, Measure};
use passerelle_domain::territory::TerritoryTables;
use time::{Date, Month};
use uuid::Uuid;

pub mod definitions;
mod public;

pub use public::public_json;

pub use definitions::{
    Definitions, Problem, for_structure, parse_definitions, shipped_definitions,
};

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
    /// Why the value is not what it seems (a rate over an empty population).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The same for last year's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_note: Option<String>,
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
    /// The group's name in French (the town's name for a town code).
    #[serde(default)]
    pub label: String,
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

/// The years a report can be asked for, in the interface, the API and the files.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A year's first and last days: the period of its figures.
pub fn year_bounds(year: i32) -> (Date, Date) {
    let from = Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MIN);
    let to = Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MAX);
    (from, to)
}

/// The value of every counting, averaging or summing definition for each year of `years`
/// (`None` for a rate or a ratio): one query per definition, side by side on the pool's
/// connections.
async fn raw_values(
    db: &Db,
    structure_id: Uuid,
    defs: &[IndicatorDef],
    years: &[i32],
) -> DbResult<Vec<Option<Vec<f64>>>> {
    let periods: Vec<(Date, Date)> = years.iter().map(|y| year_bounds(*y)).collect();
    let periods = &periods;
    futures_util::future::try_join_all(defs.iter().map(|d| async move {
        match d.measure {
            Measure::Percent | Measure::Ratio => Ok(None),
            _ => passerelle_db::reports::indicators::evaluate_periods(db, structure_id, d, periods)
                .await
                .map(Some),
        }
    }))
    .await
}

/// Every definition's value for one year from the raw values of its counts; percentages from
/// their two indicators (an empty denominator gives 0, not an error).
fn values(defs: &[IndicatorDef], raw: &[Option<f64>], year: i32) -> Vec<(f64, Option<String>)> {
    let find = |id: &Option<String>| -> f64 {
        id.as_ref()
            .and_then(|id| defs.iter().position(|d| &d.id == id))
            .and_then(|i| raw[i])
            .unwrap_or(0.0)
    };
    defs.iter()
        .zip(raw)
        .map(|(d, v)| match (d.measure, v) {
            (Measure::Percent | Measure::Ratio, _) => {
                let (n, total) = (find(&d.numerator), find(&d.denominator));
                // Exact values: pages and the PDF round for display only (`fmt::value`).
                let (what, value) = if d.measure == Measure::Percent {
                    ("Taux", n * 100.0 / total)
                } else {
                    ("Ratio", n / total)
                };
                if total == 0.0 {
                    let part = d.denominator.as_deref().unwrap_or_default();
                    (
                        0.0,
                        Some(format!(
                            "{what} non calculable en {year} : le dénominateur ({part}) est nul."
                        )),
                    )
                } else {
                    (value, None)
                }
            }
            (_, Some(v)) => (*v, None),
            (_, None) => (0.0, None),
        })
        .collect()
}

/// The report of `year` for a structure, with last year beside each figure.
pub async fn build(
    db: &Db,
    structure_id: Uuid,
    defs: &[IndicatorDef],
    year: i32,
) -> DbResult<Report> {
    let raw = raw_values(db, structure_id, defs, &[year, year - 1]).await?;
    let of_year = |i: usize| -> Vec<Option<f64>> {
        raw.iter()
            .map(|v| v.as_ref().and_then(|v| v.get(i).copied()))
            .collect()
    };
    let (now, before) = (
        values(defs, &of_year(0), year),
        values(defs, &of_year(1), year - 1),
    );
    Ok(Report {
        year,
        figures: defs
            .iter()
            .zip(now.into_iter().zip(before))
            .map(|(d, ((value, note), (previous, previous_note)))| Figure {
                id: d.id.clone(),
                title: d.title.clone(),
                value,
                previous,
                note,
                previous_note,
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
    let territory = passerelle_db::territory::load(db).await?;
    // One query per figure for all its breakdowns; the figures side by side.
    let wanted: Vec<(usize, &IndicatorDef)> = report
        .figures
        .iter()
        .enumerate()
        .filter_map(|(i, f)| defs.iter().find(|d| d.id == f.id).map(|d| (i, d)))
        .filter(|(_, d)| !d.breakdowns.is_empty())
        .collect();
    let results = futures_util::future::try_join_all(wanted.iter().map(|(_, d)| {
        passerelle_db::reports::indicators::evaluate_breakdowns(
            db,
            structure_id,
            d,
            &d.breakdowns,
            from,
            to,
        )
    }))
    .await?;
    let wanted = wanted.into_iter().zip(results).flat_map(|((i, d), all)| {
        d.breakdowns
            .iter()
            .zip(all)
            .map(move |(b, g)| ((i, d, *b), g))
    });
    for ((i, _, b), groups) in wanted {
        let mut cells: Vec<Cell> = groups
            .into_iter()
            .map(|g| Cell {
                label: g
                    .label
                    .unwrap_or_else(|| group_label(&territory, b, &g.key)),
                key: g.key,
                value: g.value,
            })
            .collect();
        cells.sort_by_key(|c| group_rank(b, &c.key));
        report.figures[i].breakdowns.push(BreakdownResult {
            dimension: b.code().to_owned(),
            label: b.label().to_owned(),
            cells,
        });
    }
    Ok(())
}

/// Where a group comes in its breakdown: age bands youngest first, education levels by level,
/// unknown last; other groups by their code.
fn group_rank(b: Breakdown, key: &str) -> (usize, String) {
    let position = match b {
        Breakdown::AgeBand => passerelle_domain::persons::age::AgeBand::ALL
            .iter()
            .position(|a| a.code() == key),
        _ => None,
    };
    match (key, position) {
        ("inconnu" | "aucun", _) => (usize::MAX, String::new()),
        (_, Some(i)) => (i, String::new()),
        _ => (0, key.to_owned()),
    }
}

/// The French name of a breakdown's group from its stored code.
pub fn group_label(territory: &TerritoryTables, b: Breakdown, key: &str) -> String {
    match (b, key) {
        (_, "inconnu") => "Non renseigné".to_owned(),
        (Breakdown::Commune, code) => territory.commune_name(code),
        (Breakdown::Sex, code) => code
            .parse::<passerelle_domain::persons::Sex>()
            .map(|s| s.label().to_owned())
            .unwrap_or_else(|_| code.to_owned()),
        (Breakdown::AgeBand, code) => passerelle_domain::persons::age::AgeBand::from_code(code)
            .map(|b| b.label().to_owned())
            .unwrap_or_else(|| code.to_owned()),
        (Breakdown::EducationLevel, code) => {
            passerelle_domain::persons::situation::EDUCATION_LEVELS
                .iter()
                .find(|(level, _)| level.to_string() == code)
                .map(|(_, label)| (*label).to_owned())
                .unwrap_or_else(|| code.to_owned())
        }
        (Breakdown::ExitCategory, "aucune") => "Pas encore sorti".to_owned(),
        (Breakdown::ExitCategory, code) => code
            .parse::<passerelle_domain::pathways::exit::ExitCategory>()
            .map(|c| c.label().to_owned())
            .unwrap_or_else(|_| code.to_owned()),
        (Breakdown::ContractKind, code) => code
            .parse::<passerelle_domain::pathways::employment::ContractKind>()
            .map(|c| c.label().to_owned())
            .unwrap_or_else(|_| code.to_owned()),
        (Breakdown::Team, code) => code
            .parse::<passerelle_domain::Team>()
            .map(|t| t.label().to_owned())
            .unwrap_or_else(|_| code.to_owned()),
        (_, "oui") => "Oui".to_owned(),
        (_, "non") => "Non".to_owned(),
        (_, other) => other.to_owned(),
    }
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

/// The report of `year` as it stands now, with its breakdowns and counted records: what a
/// publication freezes.
pub async fn snapshot(
    db: &Db,
    structure_id: Uuid,
    defs: &[IndicatorDef],
    year: i32,
) -> DbResult<Snapshot> {
    let mut snap = counted(db, structure_id, defs, year).await?;
    with_breakdowns(db, structure_id, defs, &mut snap.report).await?;
    Ok(snap)
}

/// The figures of `year` as they stand now and the records each count reads, without
/// breakdowns: all that comparing with a publication needs.
pub async fn counted(
    db: &Db,
    structure_id: Uuid,
    defs: &[IndicatorDef],
    year: i32,
) -> DbResult<Snapshot> {
    let report = build(db, structure_id, defs, year).await?;
    let (from, to) = year_bounds(year);
    let counts: Vec<&IndicatorDef> = defs
        .iter()
        .filter(|d| {
            matches!(
                d.measure,
                Measure::Count | Measure::DistinctPersons | Measure::Sum
            )
        })
        .collect();
    // A publication keeps every record of the structure; a reader later sees those in scope.
    let whole = passerelle_db::pathways::scope::Scope::whole_structure(structure_id);
    let listed = futures_util::future::try_join_all(
        counts
            .iter()
            .map(|d| passerelle_db::reports::indicators::counted_records(db, &whole, d, from, to)),
    )
    .await?;
    let records = counts
        .iter()
        .zip(listed)
        .map(|(d, listing)| {
            let kept = listing
                .records
                .into_iter()
                .map(|r| KeptRecord {
                    key: r.key,
                    person: r.person_name,
                    on: r.on_date.map(|d| d.to_string()),
                    detail: r.detail,
                })
                .collect();
            (d.id.clone(), kept)
        })
        .collect();
    Ok(Snapshot { report, records })
}

/// How one figure moved since publication, and the records behind the move.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub published: f64,
    pub now: f64,
    /// The definition's version then and now: a structure may have redefined the figure.
    pub published_version: u32,
    pub now_version: u32,
    pub added: Vec<KeptRecord>,
    pub removed: Vec<KeptRecord>,
}

/// Exact values (a mean, a rate) computed twice over the same records may differ in the last
/// bits with the order of the additions: that is not a move.
fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
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
            let moved = !same_value(p.value, n.value) || p.version != n.version;
            (moved || !added.is_empty() || !removed.is_empty()).then(|| Change {
                id: p.id.clone(),
                title: p.title.clone(),
                unit: p.unit.clone(),
                published: p.value,
                now: n.value,
                published_version: p.version,
                now_version: n.version,
                added,
                removed,
            })
        })
        .collect()
}
