//! The activity report's figures, and behind each one the records it counts ("explain this
//! number"). Figures are computed on request from the recorded work: no nightly rebuild.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use passerelle_db::indicators::{CountedRecord, counted_records};
use passerelle_domain::Permission;
use passerelle_domain::indicator::{IndicatorDef, Measure};
use passerelle_report::Figure;
use time::{Date, Month};

use super::persons::today;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::view::{PageCtx, fr_date};

fn definitions() -> AppResult<Vec<IndicatorDef>> {
    passerelle_report::shipped_definitions().map_err(AppError::Internal)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct YearQuery {
    annee: Option<i32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports.html")]
pub struct ReportPage {
    ctx: PageCtx,
    year: i32,
    figures: Vec<Figure>,
    can_explain: bool,
}

fn shown(v: f64) -> String {
    if v.fract() == 0.0 {
        passerelle_domain::french::integer(v as i64)
    } else {
        format!("{v:.1}").replace('.', ",")
    }
}

impl ReportPage {
    fn value(&self, f: &Figure) -> String {
        shown(f.value)
    }
    fn previous(&self, f: &Figure) -> String {
        shown(f.previous)
    }
}

pub async fn show(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(q): Query<YearQuery>,
) -> AppResult<ReportPage> {
    let year = q.annee.unwrap_or(today().year() - 1).clamp(2000, 2100);
    let report =
        passerelle_report::build(&state.db, user.user.structure_id, &definitions()?, year).await?;
    Ok(ReportPage {
        ctx: PageCtx::new(&user, "rapports"),
        year,
        figures: report.figures,
        can_explain: user.can(Permission::ReportExplain),
    })
}

pub struct Listed {
    pub title: String,
    pub rows: Vec<(Option<uuid::Uuid>, String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "report_explain.html")]
pub struct ExplainPage {
    ctx: PageCtx,
    year: i32,
    def: IndicatorDef,
    value: String,
    lists: Vec<Listed>,
    /// (dimension label, [(group label, value)])
    breakdowns: Vec<(String, Vec<(String, String)>)>,
}

/// The stored codes of a record's detail, in French.
fn french_detail(detail: &str) -> String {
    use passerelle_domain::pathway::employment::ContractKind;
    use passerelle_domain::pathway::exit::ExitCategory;
    use passerelle_domain::pathway::step::StepFamily;
    detail
        .split(" – ")
        .map(|part| {
            if let Ok(c) = part.parse::<ExitCategory>() {
                c.label().to_owned()
            } else if let Ok(f) = part.parse::<StepFamily>() {
                f.label().to_owned()
            } else if let Ok(k) = part.parse::<ContractKind>() {
                k.label().to_owned()
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" – ")
}

fn rows(records: Vec<CountedRecord>) -> Vec<(Option<uuid::Uuid>, String, String, String)> {
    records
        .into_iter()
        .map(|r| {
            (
                r.person_id,
                r.person_name.unwrap_or_else(|| "—".into()),
                r.on_date.map(|d| fr_date(&d)).unwrap_or_default(),
                french_detail(&r.detail),
            )
        })
        .collect()
}

pub async fn explain(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((year, id)): Path<(i32, String)>,
) -> AppResult<ExplainPage> {
    let defs = definitions()?;
    let def = defs
        .iter()
        .find(|d| d.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let from = Date::from_calendar_date(year, Month::January, 1).map_err(|_| AppError::NotFound)?;
    let to = Date::from_calendar_date(year, Month::December, 31).map_err(|_| AppError::NotFound)?;
    let s = user.user.structure_id;
    let mut lists = Vec::new();
    if def.measure == Measure::Percent {
        for (label, part) in [
            ("Numérateur", &def.numerator),
            ("Dénominateur", &def.denominator),
        ] {
            let Some(part) = defs.iter().find(|d| Some(&d.id) == part.as_ref()) else {
                continue;
            };
            let records = counted_records(&state.db, s, part, from, to).await?;
            lists.push(Listed {
                title: format!("{label} : {} ({})", part.title, records.len()),
                rows: rows(records),
            });
        }
    } else {
        let records = counted_records(&state.db, s, &def, from, to).await?;
        lists.push(Listed {
            title: format!("Enregistrements comptés ({})", records.len()),
            rows: rows(records),
        });
    }
    // The whole report gives this figure (a percentage needs its two parts); only this
    // figure's breakdowns are computed.
    let all = passerelle_report::build(&state.db, s, &defs, year).await?;
    let mut all = passerelle_report::Report {
        year,
        figures: all.figures.into_iter().filter(|f| f.id == def.id).collect(),
    };
    passerelle_report::with_breakdowns(&state.db, s, std::slice::from_ref(&def), &mut all).await?;
    let territory = state.territory().await;
    let group_label = |dimension: &str, key: &str| -> String {
        match (dimension, key) {
            ("commune", code) => territory.commune_name(code),
            ("sex", code) => code
                .parse::<passerelle_domain::person::Sex>()
                .map(|s| s.label().to_owned())
                .unwrap_or_else(|_| code.to_owned()),
            ("age_band", code) => passerelle_domain::age::AgeBand::from_code(code)
                .map(|b| b.label().to_owned())
                .unwrap_or_else(|| code.to_owned()),
            (_, "oui") => "Oui".to_owned(),
            (_, "non") => "Non".to_owned(),
            (_, "inconnu") => "Non renseigné".to_owned(),
            (_, other) => other.to_owned(),
        }
    };
    let breakdowns = all
        .figures
        .iter()
        .find(|f| f.id == def.id)
        .map(|f| {
            f.breakdowns
                .iter()
                .map(|b| {
                    (
                        b.label.clone(),
                        b.cells
                            .iter()
                            .map(|c| (group_label(&b.dimension, &c.key), shown(c.value as f64)))
                            .collect(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let value = all
        .figures
        .iter()
        .find(|f| f.id == def.id)
        .map(|f| shown(f.value))
        .unwrap_or_default();
    Ok(ExplainPage {
        ctx: PageCtx::new(&user, "rapports"),
        year,
        value,
        lists,
        breakdowns,
        def,
    })
}
