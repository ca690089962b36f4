//! Programmes as data: an admin edits their name, team, eligibility (towns with dates, ages),
//! maximum duration and alert. The defaults ship with the app.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use passerelle_db::pathways::programmes::{self, Programme};
use passerelle_domain::pathways::eligibility::{Eligibility, SituationCriterion};
use passerelle_domain::pathways::exit::ExitReason;
use passerelle_domain::pathways::programme::ProgrammeDef;
use passerelle_domain::{FieldErrors, Team};
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::pages::{Choice, choices};
use crate::pages::{Notice, see_other};
use crate::view::PageCtx;

#[derive(Template, WebTemplate)]
#[template(path = "pathways/programmes.html")]
pub struct ProgrammesPage {
    ctx: PageCtx,
    rows: Vec<Programme>,
}

pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(n): Query<Notice>,
) -> AppResult<ProgrammesPage> {
    let s = user.user.structure_id;
    passerelle_services::pathways::install_default_programmes(&state.db, s).await?;
    Ok(ProgrammesPage {
        ctx: PageCtx::new(&user, "admin").with_notice(n.fait.as_deref()),
        rows: programmes::list(&state.db, s).await?,
    })
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ProgrammeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    towns: String,
    #[serde(default)]
    min_age: String,
    #[serde(default)]
    max_age: String,
    #[serde(default)]
    max_duration_months: String,
    #[serde(default)]
    alert_months: String,
    #[serde(default)]
    transition_window_months: String,
    #[serde(default)]
    active: Option<String>,
    /// Exit reason codes (repeated check boxes, read from the raw body).
    #[serde(skip)]
    exit_reasons: Vec<String>,
    /// Situation criteria codes (repeated check boxes).
    #[serde(skip)]
    situations: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pathways/programme_form.html")]
pub struct ProgrammeFormPage {
    ctx: PageCtx,
    id: Uuid,
    code: String,
    form: ProgrammeForm,
    teams: Vec<Choice>,
    reasons: Vec<Choice>,
    situations: Vec<Choice>,
    errors: FieldErrors,
}

impl ProgrammeFormPage {
    fn has_reason(&self, code: &str) -> bool {
        self.form.exit_reasons.iter().any(|r| r == code)
    }

    fn has_situation(&self, code: &str) -> bool {
        self.form.situations.iter().any(|r| r == code)
    }
}

fn form_of(p: &Programme) -> ProgrammeForm {
    let opt = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    ProgrammeForm {
        name: p.def.name.clone(),
        team: p.def.team.code().to_owned(),
        towns: p.def.eligibility.towns_text(),
        min_age: opt(p.def.eligibility.min_age),
        max_age: opt(p.def.eligibility.max_age),
        max_duration_months: opt(p.def.max_duration_months),
        alert_months: p.def.alert_months.to_string(),
        transition_window_months: p.def.transition_window_months.to_string(),
        active: p.active.then(|| "on".to_owned()),
        exit_reasons: p
            .def
            .exit_reasons
            .iter()
            .map(|r| r.code().to_owned())
            .collect(),
        situations: p
            .def
            .eligibility
            .situation_any
            .iter()
            .map(|c| c.code().to_owned())
            .collect(),
    }
}

fn page(
    user: &CurrentUser,
    p: &Programme,
    form: ProgrammeForm,
    errors: FieldErrors,
) -> ProgrammeFormPage {
    ProgrammeFormPage {
        ctx: PageCtx::new(user, "admin"),
        id: p.id,
        code: p.def.code.clone(),
        form,
        teams: choices::<Team>(),
        situations: choices::<SituationCriterion>(),
        reasons: ExitReason::VARIANTS
            .iter()
            .map(|r| Choice {
                code: r.code().to_owned(),
                label: format!("{} ({})", r.label(), r.category().label()),
            })
            .collect(),
        errors,
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
) -> AppResult<ProgrammeFormPage> {
    let p = programmes::get(&state.db, user.user.structure_id, id).await?;
    Ok(page(&user, &p, form_of(&p), FieldErrors::new()))
}

/// A whole number in a range, or empty; the message says what is expected.
fn number(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    range: std::ops::RangeInclusive<i32>,
) -> Option<i32> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i32>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.add(
                field,
                format!("Un nombre entier de {} à {}.", range.start(), range.end()),
            );
            None
        }
    }
}

pub async fn update(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    body: String,
) -> AppResult<Response> {
    // The exit reasons are repeated check boxes, which the form extractor does not gather.
    let mut f = read_programme_form(&body);
    let repeated = |key: &str| -> Vec<String> {
        form_urlencoded::parse(body.as_bytes())
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .collect()
    };
    f.exit_reasons = repeated("exit_reason");
    f.situations = repeated("situation");
    let p = programmes::get(&state.db, user.user.structure_id, id).await?;
    let territory = state.territory().await;
    let mut e = FieldErrors::new();
    let name = f.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 120 {
        e.add("name", "Le nom est obligatoire (120 caractères au plus).");
    }
    let team = f.team.parse::<Team>().ok();
    if team.is_none() {
        e.add("team", "Choisissez l'équipe qui porte le dispositif.");
    }
    let towns = match Eligibility::parse_towns(&f.towns, |c| territory.commune(c).is_some()) {
        Ok(t) => t,
        Err(m) => {
            e.add("towns", m);
            Vec::new()
        }
    };
    let min_age = number(&mut e, "min_age", &f.min_age, 0..=99);
    let max_age = number(&mut e, "max_age", &f.max_age, 0..=120);
    if let (Some(a), Some(b)) = (min_age, max_age)
        && a > b
    {
        e.add("max_age", "L'âge maximal est inférieur à l'âge minimal.");
    }
    let max_duration_months = number(
        &mut e,
        "max_duration_months",
        &f.max_duration_months,
        1..=120,
    );
    let alert_months = number(&mut e, "alert_months", &f.alert_months, 0..=24).unwrap_or(3);
    let transition_window_months = number(
        &mut e,
        "transition_window_months",
        &f.transition_window_months,
        0..=12,
    )
    .unwrap_or(1);
    let exit_reasons: Vec<ExitReason> = f
        .exit_reasons
        .iter()
        .filter_map(|r| r.parse().ok())
        .collect();
    if exit_reasons.is_empty() {
        e.add("exit_reasons", "Cochez au moins un motif de sortie.");
    }
    if let (Some(team), true) = (team, e.is_empty()) {
        let def = ProgrammeDef {
            code: p.def.code.clone(),
            name,
            team,
            eligibility: Eligibility {
                towns,
                min_age,
                max_age,
                situation_any: f.situations.iter().filter_map(|c| c.parse().ok()).collect(),
            },
            max_duration_months,
            alert_months,
            exit_reasons,
            transition_window_months,
        };
        passerelle_services::pathways::update_programme(
            &state.db,
            &user.actor(),
            id,
            &def,
            f.active.is_some(),
        )
        .await?;
        return Ok(see_other("/admin/dispositifs", "enregistre").into_response());
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&user, &p, f, e)).into_response())
}

/// The single-valued fields of the programme form, read one by one: unknown or repeated keys
/// are ignored.
fn read_programme_form(body: &str) -> ProgrammeForm {
    let mut f = ProgrammeForm::default();
    for (k, v) in form_urlencoded::parse(body.as_bytes()) {
        let v = v.into_owned();
        match k.as_ref() {
            "name" => f.name = v,
            "team" => f.team = v,
            "towns" => f.towns = v,
            "min_age" => f.min_age = v,
            "max_age" => f.max_age = v,
            "max_duration_months" => f.max_duration_months = v,
            "alert_months" => f.alert_months = v,
            "transition_window_months" => f.transition_window_months = v,
            "active" => f.active = Some(v),
            _ => {}
        }
    }
    f
}
