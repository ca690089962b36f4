//! The enrolment page and its actions.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use passerelle_db::enrolments::{self, Enrolment, TransitionData};
use passerelle_db::steps::NewStep;
use passerelle_db::{DbError, contracts, persons, steps, users};
use passerelle_domain::french::{date as fr, parse_date};
use passerelle_domain::pathway::duration::{DurationStatus, duration_status};
use passerelle_domain::pathway::employment::{Contract, ContractKind};
use passerelle_domain::pathway::exit::ExitReason;
use passerelle_domain::pathway::step::{DiagnosisCriterion, ObjectiveStatus, StepFamily};
use passerelle_domain::pathway::workflow::{PathwayEvent, PathwayState};
use passerelle_domain::{Permission, Role};
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::pages::persons::{Choice, today};
use crate::pages::{Notice, see_other};
use crate::view::{PageCtx, fr_datetime};

use super::in_user_scope;

pub struct LogRow {
    pub when: String,
    pub what: String,
    pub by: String,
    pub note: String,
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    proof: String,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    objective: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    family: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    qualifying: Option<String>,
    #[serde(default)]
    validated: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    employer: String,
    #[serde(default)]
    weekly_hours: String,
    #[serde(default)]
    trial: Option<String>,
    #[serde(default)]
    criterion: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "enrolment.html")]
pub struct EnrolmentPage {
    ctx: PageCtx,
    e: Enrolment,
    person_name: String,
    programme_name: String,
    state: String,
    referred_on: String,
    entered_on: String,
    exited_on: String,
    exit_reason: String,
    referents: Vec<(String, String)>,
    log: Vec<LogRow>,
    /// (id, theme, objective, action, status code)
    objectives: Vec<(Uuid, String, String, String, String)>,
    statuses: Vec<Choice>,
    steps: Vec<(String, String, String, String)>,
    contracts: Vec<(String, String, String, String)>,
    proposal: Option<(String, String, String)>,
    /// (criterion, date, proof, author)
    diagnosis: Vec<(String, String, String, String)>,
    criteria: Vec<Choice>,
    reasons: Vec<Choice>,
    families: Vec<Choice>,
    kinds: Vec<Choice>,
    staff: Vec<Choice>,
    duration: String,
    can_write: bool,
    can_assign: bool,
    /// The form that failed, its message, and what was typed.
    error: Option<(String, String)>,
    form: ActionForm,
    today: String,
}

impl EnrolmentPage {
    fn is(&self, s: &str) -> bool {
        self.e.state.code() == s
    }
    /// The exit reason to preselect: what the user chose, or else the rules' proposal.
    fn reason_selected(&self, code: &str) -> bool {
        if self.form.reason.is_empty() {
            self.proposal.as_ref().is_some_and(|p| p.0 == code)
        } else {
            self.form.reason == code
        }
    }

    fn error_for(&self, section: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(s, _)| s == section)
            .map(|(_, m)| m.as_str())
    }
}

async fn enrolment_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    error: Option<(String, String)>,
    form: ActionForm,
) -> AppResult<EnrolmentPage> {
    let s = user.user.structure_id;
    let (e, programme) = in_user_scope(state, user, id).await?;
    let person = persons::get(&state.db, s, e.person_id).await?;
    let on = today();
    let log = enrolments::log(&state.db, s, id)
        .await?
        .into_iter()
        .map(|t| LogRow {
            when: fr(t.occurred_on),
            what: format!(
                "{} → {}",
                t.from_state
                    .parse::<PathwayState>()
                    .map(|s| s.label())
                    .unwrap_or("?"),
                t.to_state
                    .parse::<PathwayState>()
                    .map(|s| s.label())
                    .unwrap_or("?")
            ),
            by: format!(
                "{} ({})",
                t.user_name.unwrap_or_else(|| "système".into()),
                fr_datetime(&t.at)
            ),
            note: t.note.unwrap_or_default(),
        })
        .collect();
    let proposal = if e.state == PathwayState::Entered {
        enrolments::proposed_exit(&state.db, s, &e, on)
            .await?
            .map(|p| {
                (
                    p.reason.code().to_owned(),
                    p.reason.label().to_owned(),
                    p.why,
                )
            })
    } else {
        None
    };
    let duration = match (e.entered_on, programme.def.max_duration_months, e.state) {
        (Some(entered), Some(max), PathwayState::Entered) => {
            match duration_status(entered, on, max, programme.def.alert_months) {
                DurationStatus::Within { ends_on } => {
                    format!("Durée maximale : {max} mois, jusqu'au {}.", fr(ends_on))
                }
                DurationStatus::Approaching { ends_on } => format!(
                    "Attention : la durée maximale de {max} mois est atteinte le {}.",
                    fr(ends_on)
                ),
                DurationStatus::Reached { ends_on } => format!(
                    "Durée maximale de {max} mois dépassée depuis le {}.",
                    fr(ends_on)
                ),
            }
        }
        _ => String::new(),
    };
    let staff = users::list(&state.db, s)
        .await?
        .into_iter()
        .filter(|u| u.active && matches!(u.role, Role::Referent | Role::Manager))
        .map(|u| Choice {
            code: u.id.to_string(),
            label: u.display_name,
        })
        .collect();
    let choices = |v: Vec<(&str, &str)>| {
        v.into_iter()
            .map(|(c, l)| Choice {
                code: c.to_owned(),
                label: l.to_owned(),
            })
            .collect()
    };
    Ok(EnrolmentPage {
        ctx: PageCtx::new(user, "parcours"),
        person_name: person.full_name(),
        programme_name: programme.def.name.clone(),
        state: e.state.label().to_owned(),
        referred_on: fr(e.referred_on),
        entered_on: e.entered_on.map(fr).unwrap_or_default(),
        exited_on: e.exited_on.map(fr).unwrap_or_default(),
        exit_reason: e
            .exit_reason
            .map(|r| format!("{} ({})", r.label(), r.category().label()))
            .unwrap_or_default(),
        referents: enrolments::referents(&state.db, s, id)
            .await?
            .into_iter()
            .map(|r| {
                (
                    r.display_name,
                    match r.until_date {
                        None => format!("depuis le {}", fr(r.from_date)),
                        Some(u) => format!("du {} au {}", fr(r.from_date), fr(u)),
                    },
                )
            })
            .collect(),
        log,
        objectives: steps::objectives(&state.db, s, id)
            .await?
            .into_iter()
            .map(|o| {
                (
                    o.id,
                    o.theme,
                    o.objective,
                    o.action,
                    o.status.code().to_owned(),
                )
            })
            .collect(),
        steps: steps::of_enrolment(&state.db, s, id)
            .await?
            .into_iter()
            .map(|st| {
                let outcome = match st.validated {
                    Some(true) => "validée",
                    Some(false) => "non validée",
                    None => "",
                };
                (
                    st.family.label().to_owned(),
                    format!(
                        "{}{}",
                        st.title,
                        st.provider.map(|p| format!(" ({p})")).unwrap_or_default()
                    ),
                    format!(
                        "{}{}",
                        fr(st.start_on),
                        st.end_on
                            .map(|d| format!(" → {}", fr(d)))
                            .unwrap_or_default()
                    ),
                    outcome.to_owned(),
                )
            })
            .collect(),
        contracts: contracts::of_person(&state.db, s, e.person_id)
            .await?
            .into_iter()
            .map(|c| {
                let c2 = c.contract;
                (
                    c2.kind.label().to_owned(),
                    c2.employer,
                    format!(
                        "{}{}",
                        fr(c2.start),
                        c2.end
                            .map(|d| format!(" → {}", fr(d)))
                            .unwrap_or_else(|| " (en cours)".into())
                    ),
                    format!(
                        "{} h/sem.{}",
                        c2.weekly_hours,
                        if c.trial_period_validated {
                            ", période d'essai validée"
                        } else {
                            ""
                        }
                    ),
                )
            })
            .collect(),
        proposal,
        diagnosis: steps::diagnosis(&state.db, s, id)
            .await?
            .into_iter()
            .map(|d| {
                (
                    d.criterion.label().to_owned(),
                    fr(d.observed_on),
                    d.proof,
                    d.author.unwrap_or_default(),
                )
            })
            .collect(),
        statuses: choices(
            ObjectiveStatus::ALL
                .iter()
                .map(|c| (c.code(), c.label()))
                .collect(),
        ),
        criteria: choices(
            DiagnosisCriterion::ALL
                .iter()
                .map(|c| (c.code(), c.label()))
                .collect(),
        ),
        reasons: choices(
            ExitReason::VARIANTS
                .iter()
                .map(|r| (r.code(), r.label()))
                .collect(),
        ),
        families: choices(
            StepFamily::ALL
                .iter()
                .map(|f| (f.code(), f.label()))
                .collect(),
        ),
        kinds: choices(
            ContractKind::VARIANTS
                .iter()
                .map(|k| (k.code(), k.label()))
                .collect(),
        ),
        staff,
        duration,
        can_write: user.can(Permission::PathwayWrite),
        can_assign: user.can(Permission::ReferentAssign),
        error,
        form,
        today: on.to_string(),
        e,
    })
}

pub async fn show(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Query(n): Query<Notice>,
) -> AppResult<EnrolmentPage> {
    let mut page = enrolment_page(&state, &user, id, None, ActionForm::default()).await?;
    page.ctx = page.ctx.with_notice(n.fait.as_deref());
    Ok(page)
}

/// Runs one action of the enrolment page; a refusal shows the page again with the message
/// next to the form and what was typed.
async fn act(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    section: &str,
    form: ActionForm,
    result: Result<(), DbError>,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(see_other(&format!("/parcours/{id}"), "enregistre").into_response()),
        Err(DbError::Refused(m)) => {
            let page = enrolment_page(state, user, id, Some((section.to_owned(), m)), form).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn day(raw: &str, what: &str) -> Result<time::Date, DbError> {
    match parse_date(raw) {
        Some(d) => Ok(d),
        None => Err(DbError::Refused(format!("Indiquez {what} (jj/mm/aaaa)."))),
    }
}

pub async fn propose(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    in_user_scope(&state, &user, id).await?;
    let result = async {
        let on = day(&f.on, "la date")?;
        let data = TransitionData {
            note: Some(f.note.trim().to_owned()).filter(|n| !n.is_empty()),
            ..Default::default()
        };
        enrolments::transition(
            &state.db,
            &user.actor(),
            user.user.role,
            id,
            PathwayEvent::ProposeToCommittee,
            on,
            data,
        )
        .await
        .map(|_| ())
    }
    .await;
    act(&state, &user, id, "propose", f, result).await
}

pub async fn exit(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    in_user_scope(&state, &user, id).await?;
    let result = async {
        let on = day(&f.on, "la date de sortie")?;
        if on > today() {
            return Err(DbError::Refused(
                "La sortie ne peut pas être datée dans le futur.".into(),
            ));
        }
        let reason: ExitReason = f
            .reason
            .parse()
            .map_err(|_| DbError::Refused("Choisissez le motif de sortie.".into()))?;
        let data = TransitionData {
            exit: Some((
                reason,
                f.proof.trim().to_owned(),
                f.explanation.trim().to_owned(),
            )),
            ..Default::default()
        };
        enrolments::transition(
            &state.db,
            &user.actor(),
            user.user.role,
            id,
            PathwayEvent::Exit,
            on,
            data,
        )
        .await
        .map(|_| ())
    }
    .await;
    act(&state, &user, id, "exit", f, result).await
}

pub async fn follow_up(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    in_user_scope(&state, &user, id).await?;
    let result = async {
        let on = day(&f.on, "la date du suivi")?;
        if f.note.trim().is_empty() {
            return Err(DbError::Refused(
                "Décrivez la situation de la personne à 6 mois.".into(),
            ));
        }
        let data = TransitionData {
            note: Some(f.note.trim().to_owned()),
            ..Default::default()
        };
        enrolments::transition(
            &state.db,
            &user.actor(),
            user.user.role,
            id,
            PathwayEvent::RecordFollowUp,
            on,
            data,
        )
        .await
        .map(|_| ())
    }
    .await;
    act(&state, &user, id, "follow_up", f, result).await
}

pub async fn assign(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    in_user_scope(&state, &user, id).await?;
    let result = async {
        let from = day(&f.on, "la date de début")?;
        let referent: Uuid = f
            .user_id
            .parse()
            .map_err(|_| DbError::Refused("Choisissez le référent.".into()))?;
        enrolments::assign_referent(&state.db, &user.actor(), id, referent, from).await
    }
    .await;
    act(&state, &user, id, "assign", f, result).await
}

pub async fn add_objective(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    in_user_scope(&state, &user, id).await?;
    let result = async {
        let (t, o, a) = (f.theme.trim(), f.objective.trim(), f.action.trim());
        if t.is_empty() || o.is_empty() || a.is_empty() {
            return Err(DbError::Refused(
                "Indiquez le thème, l'objectif et l'action.".into(),
            ));
        }
        if [t, o, a].iter().any(|x| x.chars().count() > 300) {
            return Err(DbError::Refused(
                "Chaque champ est limité à 300 caractères.".into(),
            ));
        }
        steps::add_objective(&state.db, &user.actor(), id, t, o, a, today())
            .await
            .map(|_| ())
    }
    .await;
    act(&state, &user, id, "objective", f, result).await
}

pub async fn add_step(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    in_user_scope(&state, &user, id).await?;
    let result = async {
        let family: StepFamily = f
            .family
            .parse()
            .map_err(|_| DbError::Refused("Choisissez le type d'étape.".into()))?;
        if f.title.trim().is_empty() || f.title.chars().count() > 200 {
            return Err(DbError::Refused(
                "Donnez un intitulé à l'étape (200 caractères au plus).".into(),
            ));
        }
        let start = day(&f.start, "la date de début")?;
        let end = match f.end.trim() {
            "" => None,
            raw => Some(day(raw, "une date de fin valide")?),
        };
        let step = NewStep {
            family,
            title: f.title.trim(),
            provider: Some(f.provider.trim()).filter(|p| !p.is_empty()),
            start_on: start,
            end_on: end,
            qualifying: f.qualifying.is_some() || family == StepFamily::QualifyingTraining,
            validated: match f.validated.as_str() {
                "oui" => Some(true),
                "non" => Some(false),
                _ => None,
            },
        };
        steps::add(&state.db, &user.actor(), id, step)
            .await
            .map(|_| ())
    }
    .await;
    act(&state, &user, id, "step", f, result).await
}

pub async fn add_contract(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    let (e, _) = in_user_scope(&state, &user, id).await?;
    let result = async {
        let kind: ContractKind = f
            .kind
            .parse()
            .map_err(|_| DbError::Refused("Choisissez le type de contrat.".into()))?;
        let start = day(&f.start, "la date de début du contrat")?;
        let end = match f.end.trim() {
            "" => None,
            raw => Some(day(raw, "une date de fin valide")?),
        };
        let hours: f64 = f
            .weekly_hours
            .trim()
            .replace(',', ".")
            .parse()
            .map_err(|_| {
                DbError::Refused(
                    "Indiquez la durée hebdomadaire en heures (par exemple 35 ou 24,5).".into(),
                )
            })?;
        let c = Contract {
            kind,
            employer: f.employer.trim().to_owned(),
            start,
            end,
            weekly_hours: hours,
        };
        contracts::add(&state.db, &user.actor(), e.person_id, &c, f.trial.is_some())
            .await
            .map(|_| ())
    }
    .await;
    act(&state, &user, id, "contract", f, result).await
}

pub async fn add_diagnosis(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    in_user_scope(&state, &user, id).await?;
    let result = async {
        let criterion: DiagnosisCriterion = f
            .criterion
            .parse()
            .map_err(|_| DbError::Refused("Choisissez le critère.".into()))?;
        let on = day(&f.on, "la date du critère")?;
        if on > today() {
            return Err(DbError::Refused(
                "Un critère ne peut pas être daté dans le futur.".into(),
            ));
        }
        steps::add_diagnosis(&state.db, &user.actor(), id, criterion, on, &f.proof).await
    }
    .await;
    act(&state, &user, id, "diagnosis", f, result).await
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

pub async fn set_objective_status(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((id, objective)): Path<(Uuid, Uuid)>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    in_user_scope(&state, &user, id).await?;
    let result = async {
        let status: ObjectiveStatus = f
            .status
            .parse()
            .map_err(|_| DbError::Refused("Choisissez l'état de l'action.".into()))?;
        steps::set_objective_status(&state.db, &user.actor(), id, objective, status).await
    }
    .await;
    act(
        &state,
        &user,
        id,
        "objective",
        ActionForm::default(),
        result,
    )
    .await
}
