//! The structure of the printed report as data (`definitions/layout.toml`): sections, the
//! figures each one lists, and its charts. Checked against the definitions when read, so a
//! typo in an id is refused with the file and section, not shown as an empty page.

use passerelle_domain::reports::indicator::IndicatorDef;

/// The layout shipped with the app.
pub const SHIPPED_LAYOUT: (&str, &str) =
    ("layout.toml", include_str!("../definitions/layout.toml"));

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Document title; the year is added after it.
    pub title: String,
    #[serde(rename = "section")]
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    /// `tiles` for key figures shown large, `table` (default) for a table of figures.
    #[serde(default)]
    pub style: SectionStyle,
    pub figures: Vec<String>,
    #[serde(default, rename = "chart")]
    pub charts: Vec<ChartSpec>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionStyle {
    #[default]
    Table,
    Tiles,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChartSpec {
    /// One bar per group of one breakdown of a figure.
    Breakdown {
        title: String,
        figure: String,
        dimension: String,
    },
    /// Each figure for the year and the year before.
    Comparison { title: String, figures: Vec<String> },
    /// Parts of a total in one stacked bar; what the parts leave is `rest_label`.
    Shares {
        title: String,
        total: String,
        rest_label: String,
        parts: Vec<Part>,
    },
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub figure: String,
    /// A figure counted inside `figure` and shown as its own part.
    #[serde(default)]
    pub minus: Option<String>,
    /// Defaults to the figure's title.
    #[serde(default)]
    pub label: Option<String>,
}

impl ChartSpec {
    pub fn title(&self) -> &str {
        match self {
            ChartSpec::Breakdown { title, .. }
            | ChartSpec::Comparison { title, .. }
            | ChartSpec::Shares { title, .. } => title,
        }
    }

    /// Every figure id the chart reads.
    pub fn figure_ids(&self) -> Vec<&str> {
        match self {
            ChartSpec::Breakdown { figure, .. } => vec![figure],
            ChartSpec::Comparison { figures, .. } => figures.iter().map(String::as_str).collect(),
            ChartSpec::Shares { total, parts, .. } => std::iter::once(total.as_str())
                .chain(
                    parts
                        .iter()
                        .flat_map(|p| std::iter::once(p.figure.as_str()).chain(p.minus.as_deref())),
                )
                .collect(),
        }
    }
}

/// Reads a layout and checks every id it names against `defs`; the message says where.
pub fn parse_layout(name: &str, text: &str, defs: &[IndicatorDef]) -> Result<Layout, String> {
    let layout: Layout = toml::from_str(text).map_err(|e| format!("{name} : {e}"))?;
    let mut seen: Vec<&str> = Vec::new();
    for s in &layout.sections {
        let at = format!("{name}, section « {} »", s.id);
        if seen.contains(&s.id.as_str()) {
            return Err(format!("{at} : section définie deux fois"));
        }
        seen.push(&s.id);
        if s.figures.is_empty() && s.charts.is_empty() {
            return Err(format!("{at} : section vide"));
        }
        let known = |id: &str| defs.iter().find(|d| d.id == id);
        for id in &s.figures {
            known(id).ok_or_else(|| format!("{at} : indicateur inconnu « {id} »"))?;
        }
        for c in &s.charts {
            let chart_at = format!("{at}, graphique « {} »", c.title());
            for id in c.figure_ids() {
                known(id).ok_or_else(|| format!("{chart_at} : indicateur inconnu « {id} »"))?;
            }
            match c {
                ChartSpec::Breakdown {
                    figure, dimension, ..
                } => {
                    let allowed = known(figure).is_some_and(|d| {
                        d.breakdowns.iter().any(|b| b.code() == dimension.as_str())
                    });
                    if !allowed {
                        return Err(format!(
                            "{chart_at} : {figure} ne se décompose pas par « {dimension} »"
                        ));
                    }
                }
                ChartSpec::Comparison { figures, .. } if figures.is_empty() => {
                    return Err(format!("{chart_at} : aucun indicateur"));
                }
                ChartSpec::Shares { parts, .. } if parts.is_empty() => {
                    return Err(format!("{chart_at} : aucune part"));
                }
                _ => {}
            }
        }
    }
    Ok(layout)
}

/// The shipped layout, checked against the shipped definitions.
pub fn shipped_layout(defs: &[IndicatorDef]) -> Result<Layout, String> {
    parse_layout(SHIPPED_LAYOUT.0, SHIPPED_LAYOUT.1, defs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs() -> Vec<IndicatorDef> {
        crate::shipped_definitions().unwrap_or_default()
    }

    #[test]
    fn the_shipped_layout_checks() {
        let layout = shipped_layout(&defs());
        assert!(layout.is_ok(), "{layout:?}");
        let layout = layout.unwrap_or_else(|_| unreachable!());
        assert_eq!(layout.sections[0].title, "Chiffres clés");
        assert!(layout.sections.iter().any(|s| s.id == "plie"));
    }

    #[test]
    fn an_unknown_figure_is_refused_with_where() {
        let text = "title = \"R\"\n[[section]]\nid = \"plie\"\ntitle = \"PLIE\"\nfigures = [\"plie.entries\", \"plie.inconnu\"]\n";
        let e = parse_layout("perso.toml", text, &defs())
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("perso.toml") && e.contains("« plie »") && e.contains("plie.inconnu"),
            "{e}"
        );
        let chart = "title = \"R\"\n[[section]]\nid = \"cles\"\ntitle = \"C\"\nfigures = []\n[[section.chart]]\nkind = \"comparison\"\ntitle = \"G\"\nfigures = [\"x.y\"]\n";
        let e = parse_layout("perso.toml", chart, &defs())
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("« cles »") && e.contains("« G »") && e.contains("x.y"),
            "{e}"
        );
    }

    #[test]
    fn a_breakdown_the_figure_lacks_is_refused() {
        let text = "title = \"R\"\n[[section]]\nid = \"p\"\ntitle = \"P\"\nfigures = []\n[[section.chart]]\nkind = \"breakdown\"\ntitle = \"G\"\nfigure = \"plie.avg_duration_months\"\ndimension = \"commune\"\n";
        let e = parse_layout("perso.toml", text, &defs())
            .err()
            .unwrap_or_default();
        assert!(e.contains("ne se décompose pas"), "{e}");
    }
}
