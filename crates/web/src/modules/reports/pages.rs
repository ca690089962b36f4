//! The activity report's figures, and behind each one the records it counts ("explain this
//! number"). Figures are computed on request from the recorded work: no nightly rebuild.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use passerelle_db::reports::indicators::{CountedRecord, counted_records, excluded_records};
use passerelle_domain::Permission;
use passerelle_domain::reports::indicator::{IndicatorDef, Measure};
use passerelle_report::{Definitions, Figure};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::view::{PageCtx, fr_date};
use passerelle_domain::clock::today;

/// The definitions in force for the user's structure (shipped, then its own files).
async fn definitions(state: &AppState, user: &CurrentUser) -> AppResult<Definitions> {
    Ok(passerelle_report::for_structure(&state.db, user.user.structure_id).await?)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct YearQuery {
    annee: Option<i32>,
    fait: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/reports.html")]
pub struct ReportPage {
    ctx: PageCtx,
    year: i32,
    figures: Vec<Figure>,
    /// Per figure: defined by the structure.
    custom: Vec<bool>,
    /// The structure's indicators set aside, with why.
    problems: Vec<String>,
    can_manage_indicators: bool,
    can_explain: bool,
    can_publish: bool,
    /// (id, published at, by)
    publications: Vec<(uuid::Uuid, String, String)>,
}

/// A figure's value as read on a page: exact in the data, rounded here (whole percent, else one
/// decimal).
fn shown(v: f64, unit: &str) -> String {
    passerelle_report::fmt::shown(v, unit)
}

impl ReportPage {
    fn value(&self, f: &Figure) -> String {
        shown(f.value, &f.unit)
    }
    fn previous(&self, f: &Figure) -> String {
        shown(f.previous, &f.unit)
    }
}

pub async fn show(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(q): Query<YearQuery>,
) -> AppResult<ReportPage> {
    let years = passerelle_report::YEARS;
    let year = q.annee.unwrap_or(today().year() - 1);
    if !years.contains(&year) {
        let message = format!("Année de {} à {}.", years.start(), years.end());
        return Err(AppError::Invalid(passerelle_domain::FieldErrors::one(
            "annee", message,
        )));
    }
    let defs = definitions(&state, &user).await?;
    let report =
        passerelle_report::build(&state.db, user.user.structure_id, &defs.defs, year).await?;
    let publications =
        passerelle_db::reports::publications::list(&state.db, user.user.structure_id)
            .await?
            .into_iter()
            .filter(|p| p.year == year)
            .map(|p| {
                (
                    p.id,
                    crate::view::fr_datetime(&p.published_at),
                    p.published_by.unwrap_or_default(),
                )
            })
            .collect();
    Ok(ReportPage {
        ctx: PageCtx::new(&user, "rapports").with_notice(q.fait.as_deref()),
        year,
        custom: report
            .figures
            .iter()
            .map(|f| defs.is_custom(&f.id))
            .collect(),
        figures: report.figures,
        problems: defs.problems.into_iter().map(|p| p.message).collect(),
        can_manage_indicators: user.can(Permission::IndicatorManage),
        can_explain: user.can(Permission::ReportExplain),
        can_publish: user.can(Permission::ReportPublish),
        publications,
    })
}

pub struct Listed {
    pub title: String,
    pub rows: Vec<Row>,
    /// Records left out, with a column for the reason.
    pub with_reasons: bool,
    /// Records of this list outside the reader's scope: counted, never named.
    pub outside_scope: i64,
}

/// A listed record: the person (link), the date, the detail, and why it was left out.
pub struct Row {
    pub person: Option<uuid::Uuid>,
    pub name: String,
    pub on: String,
    pub detail: String,
    pub reasons: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/report_explain.html")]
pub struct ExplainPage {
    ctx: PageCtx,
    /// Whether this user may see the names behind the figure.
    may_list: bool,
    year: i32,
    def: IndicatorDef,
    value: String,
    lists: Vec<Listed>,
    /// (dimension label, [(group label, value)])
    breakdowns: Vec<(String, Vec<(String, String)>)>,
}

/// The stored codes of a record's detail, in French.
fn french_detail(detail: &str) -> String {
    use passerelle_domain::pathways::employment::ContractKind;
    use passerelle_domain::pathways::exit::ExitCategory;
    use passerelle_domain::pathways::step::StepFamily;
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

fn rows(records: Vec<CountedRecord>) -> Vec<Row> {
    records
        .into_iter()
        .map(|r| Row {
            person: r.person_id,
            name: r.person_name.unwrap_or_else(|| "—".into()),
            on: r.on_date.map(|d| fr_date(&d)).unwrap_or_default(),
            detail: french_detail(&r.detail),
            reasons: r.reasons,
        })
        .collect()
}

pub async fn explain(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((year, id)): Path<(i32, String)>,
) -> AppResult<ExplainPage> {
    let defs = definitions(&state, &user).await?.defs;
    let def = defs
        .iter()
        .find(|d| d.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    // Everyone who reads reports gets the figure and its breakdowns; the names behind it only
    // for the roles its definition allows, and each such view is in the audit trail.
    let may_list = def.lists_for(user.user.role);
    if !passerelle_report::YEARS.contains(&year) {
        return Err(AppError::NotFound);
    }
    let lists = if may_list {
        let lists = listed_records(&state, &user, &defs, &def, year).await?;
        let listed: usize = lists.iter().map(|l| l.rows.len()).sum();
        passerelle_db::audit::record_list_view(
            &state.db,
            &user.actor(),
            &format!("{} {year} : {listed} enregistrements listés", def.id),
        )
        .await?;
        lists
    } else {
        Vec::new()
    };
    let (value, breakdowns) = figure(&state, user.user.structure_id, &defs, &def, year).await?;
    Ok(ExplainPage {
        ctx: PageCtx::new(&user, "rapports"),
        may_list,
        year,
        value,
        lists,
        breakdowns,
        def,
    })
}

/// The records behind figure `def` in `user`'s scope: for a rate or ratio, those of each part
/// the user may list; otherwise those counted and those its filters left out, with why.
async fn listed_records(
    state: &AppState,
    user: &CurrentUser,
    defs: &[IndicatorDef],
    def: &IndicatorDef,
    year: i32,
) -> AppResult<Vec<Listed>> {
    let (from, to) = passerelle_report::year_bounds(year);
    let scope = user.scope();
    let mut lists = Vec::new();
    if matches!(def.measure, Measure::Percent | Measure::Ratio) {
        for (label, part) in [
            ("Numérateur", &def.numerator),
            ("Dénominateur", &def.denominator),
        ] {
            let Some(part) = defs
                .iter()
                .find(|d| Some(&d.id) == part.as_ref() && d.lists_for(user.user.role))
            else {
                continue;
            };
            let listing = counted_records(&state.db, &scope, part, from, to).await?;
            lists.push(Listed {
                title: format!("{label} : {} ({})", part.title, listing.records.len()),
                rows: rows(listing.records),
                with_reasons: false,
                outside_scope: listing.outside_scope,
            });
        }
        return Ok(lists);
    }
    let listing = counted_records(&state.db, &scope, def, from, to).await?;
    lists.push(Listed {
        title: format!("Enregistrements comptés ({})", listing.records.len()),
        rows: rows(listing.records),
        with_reasons: false,
        outside_scope: listing.outside_scope,
    });
    let excluded = excluded_records(&state.db, &scope, def, from, to).await?;
    if !excluded.records.is_empty() || excluded.outside_scope > 0 {
        lists.push(Listed {
            title: format!(
                "Écartés par les critères de la définition ({}), avec la raison",
                excluded.records.len()
            ),
            rows: rows(excluded.records),
            with_reasons: true,
            outside_scope: excluded.outside_scope,
        });
    }
    Ok(lists)
}

/// A breakdown as the page shows it: its label and (group, value) cells.
type ShownBreakdown = (String, Vec<(String, String)>);

/// Figure `def` of `year` as shown, with its breakdowns: only this figure and, for a rate, its
/// two parts are computed, nothing else of the report.
async fn figure(
    state: &AppState,
    s: uuid::Uuid,
    defs: &[IndicatorDef],
    def: &IndicatorDef,
    year: i32,
) -> AppResult<(String, Vec<ShownBreakdown>)> {
    let needed: Vec<IndicatorDef> = defs
        .iter()
        .filter(|d| {
            d.id == def.id
                || def.numerator.as_ref() == Some(&d.id)
                || def.denominator.as_ref() == Some(&d.id)
        })
        .cloned()
        .collect();
    let all = passerelle_report::build(&state.db, s, &needed, year).await?;
    let mut all = passerelle_report::Report {
        year,
        figures: all.figures.into_iter().filter(|f| f.id == def.id).collect(),
    };
    passerelle_report::with_breakdowns(&state.db, s, std::slice::from_ref(def), &mut all).await?;
    let Some(f) = all.figures.iter().find(|f| f.id == def.id) else {
        return Ok((String::new(), Vec::new()));
    };
    let breakdowns = f
        .breakdowns
        .iter()
        .map(|b| {
            let cells = b
                .cells
                .iter()
                .map(|c| (c.label.clone(), shown(c.value as f64, "")))
                .collect();
            (b.label.clone(), cells)
        })
        .collect();
    Ok((shown(f.value, &f.unit), breakdowns))
}

/// Freezes the report of `year`: figures, definition versions, the records counted, and now as
/// the data cut-off.
pub async fn publish(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(year): Path<i32>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    if !passerelle_report::YEARS.contains(&year) {
        return Err(AppError::NotFound);
    }
    let s = user.user.structure_id;
    let defs = definitions(&state, &user).await?.defs;
    let snap = passerelle_report::snapshot(&state.db, s, &defs, year).await?;
    let content =
        serde_json::to_string(&snap.report).map_err(|e| AppError::Internal(e.to_string()))?;
    let records =
        serde_json::to_string(&snap.records).map_err(|e| AppError::Internal(e.to_string()))?;
    passerelle_services::reports::publish(&state.db, &user.actor(), year, &content, &records)
        .await?;
    Ok(crate::pages::see_other(&format!("/rapports?annee={year}"), "publie").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/publication.html")]
pub struct PublicationPage {
    ctx: PageCtx,
    year: i32,
    published_at: String,
    published_by: String,
    id: uuid::Uuid,
    figures: Vec<PublishedFigure>,
    /// Each figure that moved, with how many of its moved records lie outside the reader's
    /// scope (counted, never named).
    changes: Vec<(passerelle_report::Change, usize)>,
}

pub struct PublishedFigure {
    id: String,
    title: String,
    value: String,
    unit: String,
    version: u32,
    /// The publication kept the records this figure counted.
    kept: bool,
}

impl PublicationPage {
    fn num(&self, v: &f64, unit: &str) -> String {
        shown(*v, unit)
    }
}

pub async fn publication(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<uuid::Uuid>,
) -> AppResult<PublicationPage> {
    let s = user.user.structure_id;
    let p = passerelle_db::reports::publications::get(&state.db, s, id).await?;
    let bad = |e: serde_json::Error| AppError::Internal(e.to_string());
    let frozen = passerelle_report::Snapshot {
        report: serde_json::from_str(&p.content).map_err(bad)?,
        records: serde_json::from_str(&p.record_keys).map_err(bad)?,
    };
    let defs = definitions(&state, &user).await?;
    let now = passerelle_report::counted(&state.db, s, &defs.defs, p.year).await?;
    let scope = user.scope();
    let mut changes = Vec::new();
    for mut c in passerelle_report::changes(&frozen, &now) {
        let def = defs.get(&c.id);
        let hidden = keep_in_scope(&state, &scope, def, &mut c.added).await?
            + keep_in_scope(&state, &scope, def, &mut c.removed).await?;
        for r in c.added.iter_mut().chain(c.removed.iter_mut()) {
            r.detail = french_detail(&r.detail);
            r.on =
                r.on.as_deref()
                    .and_then(passerelle_domain::french::parse_date)
                    .map(|d| fr_date(&d));
        }
        changes.push((c, hidden));
    }
    Ok(PublicationPage {
        ctx: PageCtx::new(&user, "rapports"),
        year: p.year,
        published_at: crate::view::fr_datetime(&p.published_at),
        published_by: p.published_by.unwrap_or_default(),
        id,
        figures: frozen
            .report
            .figures
            .iter()
            .map(|f| PublishedFigure {
                id: f.id.clone(),
                title: f.title.clone(),
                value: shown(f.value, &f.unit),
                unit: f.unit.clone(),
                version: f.version,
                kept: frozen.records.contains_key(&f.id),
            })
            .collect(),
        changes,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/publication_figure.html")]
pub struct PublishedFigurePage {
    ctx: PageCtx,
    id: uuid::Uuid,
    year: i32,
    published_at: String,
    figure: Figure,
    rows: Vec<passerelle_report::KeptRecord>,
    /// Records the figure counted that lie outside the reader's scope: counted, never named.
    outside_scope: usize,
}

/// The records a published figure counted, as the publication kept them.
pub async fn published_figure(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((id, figure)): Path<(uuid::Uuid, String)>,
) -> AppResult<PublishedFigurePage> {
    let s = user.user.structure_id;
    let p = passerelle_db::reports::publications::get(&state.db, s, id).await?;
    let bad = |e: serde_json::Error| AppError::Internal(e.to_string());
    let report: passerelle_report::Report = serde_json::from_str(&p.content).map_err(bad)?;
    let mut records: std::collections::BTreeMap<String, Vec<passerelle_report::KeptRecord>> =
        serde_json::from_str(&p.record_keys).map_err(bad)?;
    let f = report
        .figures
        .into_iter()
        .find(|f| f.id == figure)
        .ok_or(AppError::NotFound)?;
    // A figure whose list the structure keeps to some roles stays so in its publications.
    let defs = definitions(&state, &user).await?;
    if defs
        .get(&figure)
        .is_some_and(|d| !d.lists_for(user.user.role))
    {
        return Err(AppError::Forbidden);
    }
    let mut rows = records.remove(&figure).ok_or(AppError::NotFound)?;
    let outside_scope = keep_in_scope(&state, &user.scope(), defs.get(&figure), &mut rows).await?;
    for r in &mut rows {
        r.detail = french_detail(&r.detail);
        r.on =
            r.on.as_deref()
                .and_then(passerelle_domain::french::parse_date)
                .map(|d| fr_date(&d));
    }
    passerelle_db::audit::record_list_view(
        &state.db,
        &user.actor(),
        &format!(
            "{figure} {} publié : {} enregistrements listés",
            p.year,
            rows.len()
        ),
    )
    .await?;
    Ok(PublishedFigurePage {
        ctx: PageCtx::new(&user, "rapports"),
        id,
        year: p.year,
        published_at: crate::view::fr_datetime(&p.published_at),
        figure: f,
        rows,
        outside_scope,
    })
}

/// Keeps of a published figure's records those the reader's scope covers now (by the
/// figure's population and programme); returns how many it left out. A figure whose
/// definition is gone shows its records to the whole-structure readers only.
async fn keep_in_scope(
    state: &AppState,
    scope: &passerelle_db::pathways::scope::Scope,
    def: Option<&IndicatorDef>,
    records: &mut Vec<passerelle_report::KeptRecord>,
) -> AppResult<usize> {
    if scope.is_whole_structure() || records.is_empty() {
        return Ok(0);
    }
    let before = records.len();
    let covered = match def {
        Some(d) => {
            let keys: Vec<uuid::Uuid> = records.iter().map(|r| r.key).collect();
            passerelle_db::reports::indicators::keys_in_scope(&state.db, scope, d, &keys).await?
        }
        None => Default::default(),
    };
    records.retain(|r| covered.contains(&r.key));
    Ok(before - records.len())
}
