//! The report as a document: a [`Report`] laid out by a [`Layout`] into sections of figures
//! and charts, then written as HTML, PDF or XLSX. All three read the same [`Document`], so
//! they show the same numbers, the same notes and the same charts.

mod html;
mod pdf;
mod xlsx;

pub use html::html;
pub use pdf::pdf;
pub use xlsx::xlsx;

use passerelle_db::{Db, DbError};
use uuid::Uuid;

use crate::charts::{self, Bar, Pair};
use crate::layout::{ChartSpec, Layout};
use crate::{Figure, Report, fmt};

/// The report ready to write.
#[derive(Debug, Clone)]
pub struct Document {
    /// `Rapport d'activité 2021`.
    pub title: String,
    /// The structure's name.
    pub structure: String,
    pub year: i32,
    pub sections: Vec<SectionView>,
}

#[derive(Debug, Clone)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    /// Key figures shown large rather than in a table.
    pub tiles: bool,
    pub figures: Vec<FigureView>,
    pub charts: Vec<ChartView>,
    /// What could not be shown, and why.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FigureView {
    pub figure: Figure,
    /// `414`, `77 %`.
    pub value_text: String,
    /// `2020 : 410`.
    pub previous_text: String,
    pub breakdowns: Vec<BreakdownView>,
}

#[derive(Debug, Clone)]
pub struct BreakdownView {
    pub label: String,
    /// (group label, value)
    pub cells: Vec<(String, i64)>,
}

#[derive(Debug, Clone)]
pub struct ChartView {
    pub title: String,
    /// The values in words (the SVG's `<desc>`), for the PDF's alternative text.
    pub desc: String,
    pub svg: String,
}

/// A written form of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Pdf,
    Xlsx,
}

impl Format {
    /// `html`, `pdf` or `xlsx`.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext {
            "html" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// `rapport-activite-2021.pdf`.
    pub fn file_name(self, year: i32) -> String {
        format!("rapport-activite-{year}.{}", self.extension())
    }

    /// Writes the document.
    pub fn write(self, doc: &Document) -> Result<Vec<u8>, String> {
        match self {
            Format::Html => html(doc).map(String::into_bytes),
            Format::Pdf => pdf(doc),
            Format::Xlsx => xlsx(doc),
        }
    }
}

/// Why a report file could not be made.
#[derive(Debug)]
pub enum FileError {
    Db(DbError),
    /// A shipped definition or the layout is refused, or a writer failed.
    Render(String),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Db(e) => write!(f, "{e}"),
            FileError::Render(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for FileError {}

impl From<DbError> for FileError {
    fn from(e: DbError) -> Self {
        FileError::Db(e)
    }
}

/// The report of `year` for a structure, over its definitions in force (`for_structure`),
/// computed now with its breakdowns, laid out by the shipped layout and written in `format`.
pub async fn file(
    db: &Db,
    structure_id: Uuid,
    structure: &str,
    resolved: &crate::Definitions,
    year: i32,
    format: Format,
) -> Result<Vec<u8>, FileError> {
    let defs = &resolved.defs;
    let mut layout = crate::layout::shipped_layout(defs).map_err(FileError::Render)?;
    // The structure's own indicators that the layout does not place: a section of their own.
    let placed: Vec<String> = layout
        .sections
        .iter()
        .flat_map(|s| s.figures.iter().cloned())
        .collect();
    let own: Vec<String> = resolved
        .custom
        .iter()
        .filter(|id| !placed.contains(id))
        .cloned()
        .collect();
    if !own.is_empty() {
        layout.sections.push(crate::layout::Section {
            id: "structure".into(),
            title: "Indicateurs de la structure".into(),
            style: crate::layout::SectionStyle::default(),
            figures: own,
            charts: Vec::new(),
        });
    }
    let mut report = crate::build(db, structure_id, defs, year).await?;
    crate::with_breakdowns(db, structure_id, defs, &mut report).await?;
    let doc = document(&report, &layout, structure);
    // Typesetting a PDF is tens of milliseconds of CPU: off the async threads.
    tokio::task::spawn_blocking(move || format.write(&doc))
        .await
        .map_err(|e| FileError::Render(e.to_string()))?
        .map_err(FileError::Render)
}

fn missing(id: &str) -> String {
    format!(
        "L'indicateur « {id} » manque au rapport (sa définition n'a pas pu être évaluée) : il n'est pas affiché."
    )
}

/// Lays `report` out. A figure or chart the layout names but the report lacks is left out with
/// a note in its section; a section left with nothing is dropped.
pub fn document(report: &Report, layout: &Layout, structure: &str) -> Document {
    let find = |id: &str| report.figures.iter().find(|f| f.id == id);
    let mut sections = Vec::new();
    for s in &layout.sections {
        let mut notes = Vec::new();
        let mut figures = Vec::new();
        for id in &s.figures {
            match find(id) {
                Some(f) => figures.push(figure_view(f, report.year)),
                None => notes.push(missing(id)),
            }
        }
        let mut charts = Vec::new();
        for (i, spec) in s.charts.iter().enumerate() {
            let chart_id = format!("{}-g{}", s.id, i + 1);
            match chart(&chart_id, spec, report) {
                Ok(c) => charts.push(c),
                Err(why) => notes.push(format!(
                    "Graphique « {} » non affiché : {why}",
                    spec.title()
                )),
            }
        }
        if figures.is_empty() && charts.is_empty() {
            continue;
        }
        sections.push(SectionView {
            id: s.id.clone(),
            title: s.title.clone(),
            tiles: s.style == crate::layout::SectionStyle::Tiles,
            figures,
            charts,
            notes,
        });
    }
    Document {
        title: format!("{} {}", layout.title, report.year),
        structure: structure.to_owned(),
        year: report.year,
        sections,
    }
}

fn figure_view(f: &Figure, year: i32) -> FigureView {
    FigureView {
        figure: f.clone(),
        value_text: fmt::value(f.value, &f.unit),
        previous_text: format!("{} : {}", year - 1, fmt::value(f.previous, &f.unit)),
        breakdowns: f
            .breakdowns
            .iter()
            .map(|b| BreakdownView {
                label: b.label.clone(),
                cells: b.cells.iter().map(|c| (c.label.clone(), c.value)).collect(),
            })
            .collect(),
    }
}

fn chart(id: &str, spec: &ChartSpec, report: &Report) -> Result<ChartView, String> {
    let find = |id: &str| {
        report
            .figures
            .iter()
            .find(|f| f.id == id)
            .ok_or_else(|| format!("l'indicateur « {id} » manque au rapport."))
    };
    let drawn = match spec {
        ChartSpec::Breakdown {
            title,
            figure,
            dimension,
        } => {
            let f = find(figure)?;
            let b = f
                .breakdowns
                .iter()
                .find(|b| &b.dimension == dimension)
                .ok_or_else(|| format!("la répartition de « {figure} » n'a pas été calculée."))?;
            let mut bars: Vec<Bar> = b
                .cells
                .iter()
                .map(|c| Bar {
                    label: c.label.clone(),
                    value: c.value as f64,
                })
                .collect();
            bars.sort_by(|a, b| b.value.total_cmp(&a.value));
            charts::bars(id, title, &bars, "")
        }
        ChartSpec::Comparison { title, figures } => {
            let found = figures
                .iter()
                .map(|id| find(id))
                .collect::<Result<Vec<_>, _>>()?;
            let unit = found.first().map(|f| f.unit.clone()).unwrap_or_default();
            let pairs: Vec<Pair> = found
                .iter()
                .map(|f| Pair {
                    label: f.title.clone(),
                    now: f.value,
                    before: f.previous,
                })
                .collect();
            charts::comparison(id, title, report.year, &pairs, &unit)
        }
        ChartSpec::Shares {
            title,
            total,
            rest_label,
            parts,
        } => {
            let total = find(total)?.value;
            let mut bars = Vec::new();
            for p in parts {
                let f = find(&p.figure)?;
                let minus = match &p.minus {
                    Some(m) => find(m)?.value,
                    None => 0.0,
                };
                bars.push(Bar {
                    label: p.label.clone().unwrap_or_else(|| f.title.clone()),
                    value: f.value - minus,
                });
            }
            let rest = total - bars.iter().map(|b| b.value).sum::<f64>();
            if rest > 0.0 {
                bars.push(Bar {
                    label: rest_label.clone(),
                    value: rest,
                });
            }
            charts::shares(id, title, &bars)
        }
    };
    Ok(ChartView {
        title: spec.title().to_owned(),
        desc: drawn.desc,
        svg: drawn.svg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> Document {
        let defs = crate::shipped_definitions().unwrap_or_default();
        let layout = crate::layout::shipped_layout(&defs).unwrap_or_else(|e| panic!("{e}"));
        let figures = defs
            .iter()
            .filter(|d| d.id != "plie.rsa")
            .map(|d| Figure {
                id: d.id.clone(),
                title: d.title.clone(),
                value: if d.id == "plie.contracts" {
                    414.0
                } else {
                    77.0
                },
                previous: if d.id == "plie.contracts" {
                    410.0
                } else {
                    70.0
                },
                unit: d.unit.clone(),
                version: d.version,
                definition: d.definition.clone(),
                breakdowns: if d.id == "plie.contracts" {
                    vec![crate::BreakdownResult {
                        dimension: "commune".into(),
                        label: "Commune".into(),
                        cells: vec![
                            crate::Cell {
                                key: "59339".into(),
                                label: "Leers".into(),
                                value: 4,
                            },
                            crate::Cell {
                                key: "59512".into(),
                                label: "Roubaix".into(),
                                value: 389,
                            },
                        ],
                    }]
                } else {
                    Vec::new()
                },
                note: None,
                previous_note: None,
            })
            .collect();
        let report = Report {
            year: 2021,
            figures,
        };
        document(&report, &layout, "MiE du Roubaisis")
    }

    #[test]
    fn a_missing_figure_is_a_note_not_a_crash() {
        let doc = sample();
        let plie = doc.sections.iter().find(|s| s.id == "plie");
        let plie = plie.unwrap_or_else(|| panic!("no PLIE section"));
        assert!(plie.notes.iter().any(|n| n.contains("plie.rsa")));
        assert!(!plie.figures.iter().any(|f| f.figure.id == "plie.rsa"));
        // The accompanied breakdown was not computed: its chart is a note too.
        assert!(plie.notes.iter().any(|n| n.starts_with("Graphique")));
        let contracts = plie
            .figures
            .iter()
            .find(|f| f.figure.id == "plie.contracts");
        assert_eq!(
            contracts.map(|f| f.previous_text.as_str()),
            Some("2020 : 410")
        );
        assert!(
            plie.charts[0]
                .desc
                .starts_with("Roubaix : 389 ; Leers : 4."),
            "{}",
            plie.charts[0].desc
        );
    }
}
