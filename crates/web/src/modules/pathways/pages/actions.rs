//! The actions of the enrolment page: each reads the form, runs one pathways service and, when
//! a rule refuses it, shows the page again with the message next to the form and what was
//! typed.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use passerelle_domain::pathways::exit::ExitReason;
use passerelle_domain::pathways::step::{
    AppointmentKind, DiagnosisCriterion, ObjectiveStatus, StepFamily,
};
use passerelle_domain::pathways::workflow::PathwayEvent;
use passerelle_services::pathways::{
    self as service, NewAppointment, NewObjective, NewStep, TransitionData,
};
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::see_other;
use passerelle_domain::clock::today;

use super::enrolment::{ActionForm, enrolment_page};
use super::shared::{contract_from, day, in_user_scope};

/// Runs one action of the enrolment page; a refusal shows the page again with the message
/// next to the form and what was typed.
async fn act(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    section: &str,
    form: ActionForm,
    result: AppResult<()>,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(see_other(&format!("/parcours/{id}"), "enregistre").into_response()),
        Err(AppError::Refused(m)) => {
            let page = enrolment_page(state, user, id, Some((section.to_owned(), m)), form).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
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
        let event = PathwayEvent::ProposeToCommittee;
        service::transition(&state.db, &user.principal(), id, event, on, data).await?;
        Ok(())
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
        let reason: ExitReason = f
            .reason
            .parse()
            .map_err(|_| AppError::Refused("Choisissez le motif de sortie.".into()))?;
        let exit = (reason, f.proof.as_str());
        service::exit(&state.db, &user.principal(), id, on, exit).await?;
        Ok(())
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
            return Err(AppError::Refused(
                "Décrivez la situation de la personne à 6 mois.".into(),
            ));
        }
        service::record_follow_up(&state.db, &user.principal(), id, on, &f.note).await?;
        Ok(())
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
            .map_err(|_| AppError::Refused("Choisissez le référent.".into()))?;
        service::assign_referent(&state.db, &user.actor(), id, referent, from).await?;
        Ok(())
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
        let o = NewObjective {
            theme: &f.theme,
            objective: &f.objective,
            action: &f.action,
        };
        service::add_objective(&state.db, &user.actor(), id, o, today()).await?;
        Ok(())
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
            .map_err(|_| AppError::Refused("Choisissez le type d'étape.".into()))?;
        if f.title.trim().is_empty() || f.title.chars().count() > 200 {
            return Err(AppError::Refused(
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
            qualifying: f.qualifying.is_some() || family.leads_to_qualification(),
            validated: match f.validated.as_str() {
                "oui" => Some(true),
                "non" => Some(false),
                _ => None,
            },
        };
        service::add_step(&state.db, &user.actor(), id, step).await?;
        Ok(())
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
        let c = contract_from(&f.kind, &f.employer, &f.start, &f.end, &f.weekly_hours)?;
        let trial = f.trial.is_some();
        service::add_contract(&state.db, &user.actor(), e.person_id, &c, trial).await?;
        Ok(())
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
            .map_err(|_| AppError::Refused("Choisissez le critère.".into()))?;
        let on = day(&f.on, "la date du critère")?;
        service::add_diagnosis(&state.db, &user.actor(), id, criterion, on, &f.proof).await?;
        Ok(())
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
            .map_err(|_| AppError::Refused("Choisissez l'état de l'action.".into()))?;
        service::set_objective_status(&state.db, &user.actor(), id, objective, status).await?;
        Ok(())
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

pub async fn add_appointment(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    in_user_scope(&state, &user, id).await?;
    let result = async {
        let kind: AppointmentKind = f
            .kind
            .parse()
            .map_err(|_| AppError::Refused("Choisissez le type de rendez-vous.".into()))?;
        let appointment = NewAppointment {
            held_on: day(&f.on, "la date du rendez-vous")?,
            kind,
            attended: f.attended != "non",
            note: Some(f.note.trim()).filter(|n| !n.is_empty()),
        };
        service::add_appointment(&state.db, &user.actor(), id, appointment).await?;
        Ok(())
    }
    .await;
    act(&state, &user, id, "appointment", f, result).await
}
