//! `/api/v1` for pathways: programmes, referrals, enrolments with their log, steps, contracts,
//! committee decisions and exits. Same permissions, record scope and audit as the pages.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use passerelle_db::pathways::committees;
use passerelle_db::pathways::enrolments::{self, Enrolment};
use passerelle_db::pathways::{programmes, proposal, steps};
use passerelle_domain::FieldErrors;
use passerelle_domain::pathways::employment::{Contract, ContractKind};
use passerelle_domain::pathways::exit::{ExitReason, check_exit_date};
use passerelle_domain::pathways::step::StepFamily;
use passerelle_domain::pathways::workflow::PathwayEvent;
use passerelle_domain::validation::{Horizon, parse_day, unknown_value};
use passerelle_services::pathways::{
    self as service, DecisionRequest, NewReferral, NewStep, TransitionData,
};
use serde_json::{Value, json};
use std::str::FromStr;
use time::Date;
use uuid::Uuid;

use crate::AppState;
use crate::api::parse_json;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, AppError};
use crate::modules::pathways::pages::in_user_scope;
use passerelle_domain::clock::today;

fn api(e: impl Into<AppError>) -> ApiError {
    ApiError::from(e.into())
}

fn enrolment_json(e: &Enrolment) -> Value {
    json!({
        "id": e.id,
        "person_id": e.person_id,
        "programme_id": e.programme_id,
        "state": e.state.code(),
        "prescriber_organisation": e.prescriber_organisation,
        "prescriber_name": e.prescriber_name,
        "referred_on": e.referred_on.to_string(),
        "referral_reason": e.referral_reason,
        "entered_on": e.entered_on.map(|d| d.to_string()),
        "exited_on": e.exited_on.map(|d| d.to_string()),
        "exit_reason": e.exit_reason.map(|r| r.code()),
        "exit_category": e.exit_category().map(|c| c.code()),
        "version": e.version,
    })
}

pub async fn programmes_list(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> ApiResult<Json<Value>> {
    let s = user.user.structure_id;
    service::install_default_programmes(&state.db, s)
        .await
        .map_err(api)?;
    let list = programmes::list(&state.db, s).await.map_err(api)?;
    Ok(Json(Value::Array(
        list.into_iter()
            .map(|p| json!({"id": p.id, "code": p.def.code, "name": p.def.name, "team": p.def.team.code(),
                "eligibility": p.def.eligibility, "max_duration_months": p.def.max_duration_months,
                "alert_months": p.def.alert_months, "transition_window_months": p.def.transition_window_months, "active": p.active}))
            .collect(),
    )))
}

/// A person's pathways within the caller's scope.
pub async fn of_person(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Value>> {
    // An unknown person is a 404, not an empty list.
    passerelle_db::persons::get(&state.db, user.user.structure_id, id)
        .await
        .map_err(api)?;
    let list = enrolments::of_person(&state.db, &user.scope(), id)
        .await
        .map_err(api)?;
    Ok(Json(Value::Array(
        list.iter().map(enrolment_json).collect(),
    )))
}

/// `?on=AAAA-MM-JJ`: the exit date being entered, at which the exit is proposed (today by
/// default).
#[derive(Debug, Default, serde::Deserialize)]
pub struct ProposalOn {
    on: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Query(q): Query<ProposalOn>,
) -> ApiResult<Json<Value>> {
    let s = user.user.structure_id;
    let (e, _) = in_user_scope(&state, &user, id).await?;
    // An exit date as it could be recorded: between the entry and today.
    let on = match q.on.as_deref() {
        None => today(),
        Some(raw) => {
            let on = day(raw, "on", Horizon::Past)?;
            check_exit_date(on, e.entered_on.unwrap_or(e.referred_on), today())
                .map_err(|err| AppError::Invalid(FieldErrors::one("on", err.to_string())))?;
            on
        }
    };
    let log = enrolments::log(&state.db, s, id).await.map_err(api)?;
    let steps = steps::of_enrolment(&state.db, s, id).await.map_err(api)?;
    let referents = enrolments::referents(&state.db, s, id).await.map_err(api)?;
    let proposal = proposal::proposed_exit(&state.db, s, &e, on)
        .await
        .map_err(api)?;
    let mut v = enrolment_json(&e);
    v["log"] = Value::Array(
        log.iter()
            .map(|t| json!({"event": t.event, "from": t.from_state, "to": t.to_state, "on": t.occurred_on.to_string(), "note": t.note, "by": t.user_name}))
            .collect(),
    );
    v["steps"] = Value::Array(
        steps
            .iter()
            .map(|st| json!({"id": st.id, "family": st.family.code(), "title": st.title, "provider": st.provider,
                "start_on": st.start_on.to_string(), "end_on": st.end_on.map(|d| d.to_string()), "validated": st.validated}))
            .collect(),
    );
    v["referents"] = Value::Array(
        referents
            .iter()
            .map(|r| json!({"user_id": r.user_id, "name": r.display_name, "from": r.from_date.to_string(), "until": r.until_date.map(|d| d.to_string())}))
            .collect(),
    );
    v["proposed_exit"] = match proposal {
        Some(p) => {
            json!({"on": on.to_string(), "reason": p.reason.code(), "category": p.reason.category().code(), "why": p.why})
        }
        None => Value::Null,
    };
    Ok(Json(v))
}

/// A date of the body under the input policy (1900 to the horizon), or 422 naming the field.
fn day(raw: &str, field: &str, horizon: Horizon) -> ApiResult<Date> {
    parse_day(raw, today(), horizon)
        .map_err(|e| AppError::Invalid(FieldErrors::one(field, e.to_string())).into())
}

/// A code of a closed list, or 422 naming the field and the values allowed.
fn code<T: FromStr + Copy>(
    raw: &str,
    field: &str,
    all: &[T],
    code: fn(T) -> &'static str,
) -> ApiResult<T> {
    raw.parse().map_err(|_| {
        let message = unknown_value(all.iter().map(|v| code(*v)));
        AppError::Invalid(FieldErrors::one(field, message)).into()
    })
}

#[derive(serde::Deserialize)]
struct ReferralBody {
    person_id: Uuid,
    programme_id: Uuid,
    prescriber_organisation: String,
    #[serde(default)]
    prescriber_name: Option<String>,
    referred_on: String,
    reason: String,
}

pub async fn refer(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    body: Bytes,
) -> ApiResult<Response> {
    let b: ReferralBody = parse_json(&body)?;
    let referred_on = day(&b.referred_on, "referred_on", Horizon::Past)?;
    let e = service::refer(
        &state.db,
        &user.actor(),
        NewReferral {
            person_id: b.person_id,
            programme_id: b.programme_id,
            prescriber_organisation: b.prescriber_organisation.trim(),
            prescriber_name: b.prescriber_name.as_deref(),
            referred_on,
            reason: b.reason.trim(),
        },
    )
    .await
    .map_err(api)?;
    Ok((StatusCode::CREATED, Json(enrolment_json(&e))).into_response())
}

#[derive(serde::Deserialize)]
struct TransitionBody {
    /// propose_to_committee, exit or record_follow_up (committee decisions go through
    /// `/committees/{id}/decisions`).
    event: String,
    on: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    exit_reason: Option<String>,
    #[serde(default)]
    proof: Option<String>,
}

pub async fn transition(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    in_user_scope(&state, &user, id).await?;
    let b: TransitionBody = parse_json(&body)?;
    let allowed = [
        PathwayEvent::ProposeToCommittee,
        PathwayEvent::Exit,
        PathwayEvent::RecordFollowUp,
    ];
    let event = code(&b.event, "event", &allowed, PathwayEvent::code)?;
    if matches!(
        event,
        PathwayEvent::CommitteeAdmits | PathwayEvent::CommitteeRefuses
    ) {
        return Err(AppError::Refused(
            "Les décisions se prennent en comité : POST /committees/{id}/decisions.".into(),
        )
        .into());
    }
    // An exit or a follow-up is recorded once it happened; a proposal may be planned.
    let horizon = match event {
        PathwayEvent::ProposeToCommittee => Horizon::Planned,
        _ => Horizon::Past,
    };
    let on = day(&b.on, "on", horizon)?;
    let exit = match (event, b.exit_reason.as_deref()) {
        (PathwayEvent::Exit, Some(r)) => {
            let reason = code(r, "exit_reason", ExitReason::VARIANTS, ExitReason::code)?;
            Some((reason, b.proof.clone().unwrap_or_default()))
        }
        _ => None,
    };
    let e = service::transition(
        &state.db,
        &user.principal(),
        id,
        event,
        on,
        TransitionData {
            note: b.note,
            exit,
            decision: None,
        },
    )
    .await
    .map_err(api)?;
    Ok(Json(enrolment_json(&e)))
}

#[derive(serde::Deserialize)]
struct StepBody {
    family: String,
    title: String,
    #[serde(default)]
    provider: Option<String>,
    start_on: String,
    #[serde(default)]
    end_on: Option<String>,
    #[serde(default)]
    qualifying: bool,
    #[serde(default)]
    validated: Option<bool>,
}

pub async fn add_step(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> ApiResult<Response> {
    in_user_scope(&state, &user, id).await?;
    let b: StepBody = parse_json(&body)?;
    let family = code(&b.family, "family", StepFamily::VARIANTS, StepFamily::code)?;
    let end_on = match &b.end_on {
        Some(raw) => Some(day(raw, "end_on", Horizon::Planned)?),
        None => None,
    };
    let step = NewStep {
        family,
        title: b.title.trim(),
        provider: b.provider.as_deref(),
        start_on: day(&b.start_on, "start_on", Horizon::Planned)?,
        end_on,
        qualifying: b.qualifying,
        validated: b.validated,
    };
    let step_id = service::add_step(&state.db, &user.actor(), id, step)
        .await
        .map_err(api)?;
    Ok((StatusCode::CREATED, Json(json!({"id": step_id}))).into_response())
}

#[derive(serde::Deserialize)]
struct ContractBody {
    kind: String,
    employer: String,
    start_on: String,
    #[serde(default)]
    end_on: Option<String>,
    weekly_hours: f64,
    #[serde(default)]
    trial_period_validated: bool,
}

/// Contracts are recorded on a pathway the caller follows, for its person.
pub async fn add_contract(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> ApiResult<Response> {
    let (e, _) = in_user_scope(&state, &user, id).await?;
    let b: ContractBody = parse_json(&body)?;
    let kind = code(&b.kind, "kind", ContractKind::VARIANTS, ContractKind::code)?;
    let end = match &b.end_on {
        Some(raw) => Some(day(raw, "end_on", Horizon::Planned)?),
        None => None,
    };
    let c = Contract {
        kind,
        employer: b.employer.trim().to_owned(),
        start: day(&b.start_on, "start_on", Horizon::Planned)?,
        end,
        weekly_hours: b.weekly_hours,
    };
    let contract_id = service::add_contract(
        &state.db,
        &user.actor(),
        e.person_id,
        &c,
        b.trial_period_validated,
    )
    .await
    .map_err(api)?;
    Ok((StatusCode::CREATED, Json(json!({"id": contract_id}))).into_response())
}

#[derive(serde::Deserialize)]
struct MeetingBody {
    programme_id: Uuid,
    held_on: String,
    #[serde(default)]
    notes: Option<String>,
}

pub async fn create_meeting(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    body: Bytes,
) -> ApiResult<Response> {
    let b: MeetingBody = parse_json(&body)?;
    let m = service::create_meeting(
        &state.db,
        &user.actor(),
        &user.scope(),
        b.programme_id,
        day(&b.held_on, "held_on", Horizon::Planned)?,
        b.notes.as_deref(),
    )
    .await
    .map_err(api)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": m.id, "programme_id": m.programme_id, "held_on": m.held_on.to_string()})),
    )
        .into_response())
}

#[derive(serde::Deserialize)]
struct DecisionBody {
    enrolment_id: Uuid,
    admitted: bool,
    reason: String,
    #[serde(default)]
    eligibility_override: Option<String>,
}

pub async fn decide(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let scope = user.scope();
    committees::get(&state.db, &scope, id).await.map_err(api)?;
    let b: DecisionBody = parse_json(&body)?;
    let (e, _) = in_user_scope(&state, &user, b.enrolment_id).await?;
    let d = DecisionRequest {
        admitted: b.admitted,
        reason: &b.reason,
        override_reason: b.eligibility_override.as_deref(),
    };
    let moved = service::decide(&state.db, &user.principal(), &scope, id, e.id, d)
        .await
        .map_err(api)?;
    Ok(Json(enrolment_json(&moved)))
}
