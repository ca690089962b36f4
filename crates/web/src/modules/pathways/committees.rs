//! Access committees: hold a meeting, decide on the proposals (entry on the meeting date).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use passerelle_db::pathways::committees;
use passerelle_db::{pathways::programmes, persons};
use passerelle_domain::french::date as fr;
use passerelle_domain::validation::{Horizon, parse_day};
use passerelle_services::pathways::{self as service, DecisionRequest};
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Choice;
use crate::pages::{Notice, see_other};
use crate::view::PageCtx;
use passerelle_domain::clock::today;

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct MeetingForm {
    #[serde(default)]
    programme_id: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    notes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pathways/committees.html")]
pub struct CommitteesPage {
    ctx: PageCtx,
    meetings: Vec<(Uuid, String, String)>,
    programmes: Vec<Choice>,
    form: MeetingForm,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    form: MeetingForm,
    error: Option<String>,
) -> AppResult<CommitteesPage> {
    let s = user.user.structure_id;
    let scope = user.scope();
    service::install_default_programmes(&state.db, s).await?;
    // Only the programmes whose committees this reader holds: their team's.
    let all: Vec<_> = programmes::list(&state.db, s)
        .await?
        .into_iter()
        .filter(|p| scope.covers_programme(p.def.team))
        .collect();
    let name = |id: Uuid| {
        all.iter()
            .find(|p| p.id == id)
            .map(|p| p.def.name.clone())
            .unwrap_or_default()
    };
    Ok(CommitteesPage {
        ctx: PageCtx::new(user, "parcours"),
        meetings: committees::list(&state.db, &scope)
            .await?
            .into_iter()
            .map(|m| (m.id, fr(m.held_on), name(m.programme_id)))
            .collect(),
        programmes: all
            .iter()
            .map(|p| Choice {
                code: p.id.to_string(),
                label: p.def.name.clone(),
            })
            .collect(),
        form,
        error,
    })
}

pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(n): Query<Notice>,
) -> AppResult<CommitteesPage> {
    let mut p = list_page(
        &state,
        &user,
        MeetingForm {
            held_on: today().to_string(),
            ..Default::default()
        },
        None,
    )
    .await?;
    p.ctx = p.ctx.with_notice(n.fait.as_deref());
    Ok(p)
}

pub async fn create(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(f): Form<MeetingForm>,
) -> AppResult<Response> {
    let programme = f.programme_id.parse::<Uuid>().ok();
    let held = parse_day(&f.held_on, today(), Horizon::Planned).ok();
    let error = match (programme, held) {
        (None, _) => Some("Choisissez le dispositif."),
        (_, None) => Some("Indiquez la date du comité (jj/mm/aaaa)."),
        _ if f.notes.chars().count() > 2000 => {
            Some("Notes trop longues (2 000 caractères au plus).")
        }
        _ => None,
    };
    if let (None, Some(programme), Some(held)) = (error, programme, held) {
        let notes = Some(f.notes.trim()).filter(|n| !n.is_empty());
        let m = service::create_meeting(
            &state.db,
            &user.actor(),
            &user.scope(),
            programme,
            held,
            notes,
        )
        .await?;
        return Ok(see_other(&format!("/comites/{}", m.id), "comite").into_response());
    }
    let page = list_page(&state, &user, f, error.map(str::to_owned)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub struct ProposalRow {
    pub enrolment_id: Uuid,
    pub person: String,
    pub referred: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pathways/committee.html")]
pub struct CommitteePage {
    ctx: PageCtx,
    id: Uuid,
    programme: String,
    held_on: String,
    notes: String,
    proposals: Vec<ProposalRow>,
    /// Exits since the previous committee: (enrolment, person, exit summary).
    exits: Vec<ProposalRow>,
    error: Option<(Uuid, String)>,
}

impl CommitteePage {
    fn error_for(&self, id: &Uuid) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(e, _)| e == id)
            .map(|(_, m)| m.as_str())
    }
}

async fn meeting_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    error: Option<(Uuid, String)>,
) -> AppResult<CommitteePage> {
    let s = user.user.structure_id;
    let scope = user.scope();
    let m = committees::get(&state.db, &scope, id).await?;
    let programme = programmes::get(&state.db, s, m.programme_id).await?;
    let mut proposals = Vec::new();
    for e in committees::proposals(&state.db, &scope, &m).await? {
        let p = persons::get(&state.db, s, e.person_id).await?;
        proposals.push(ProposalRow {
            enrolment_id: e.id,
            person: p.full_name(),
            referred: format!(
                "orienté le {} par {} : {}",
                fr(e.referred_on),
                e.prescriber_organisation,
                e.referral_reason
            ),
        });
    }
    let mut exits = Vec::new();
    for e in committees::exits_to_review(&state.db, &scope, &m).await? {
        let p = persons::get(&state.db, s, e.person_id).await?;
        exits.push(ProposalRow {
            enrolment_id: e.id,
            person: p.full_name(),
            referred: format!(
                "sortie le {} : {}",
                e.exited_on.map(fr).unwrap_or_default(),
                e.exit_reason
                    .map(|r| format!("{} ({})", r.label(), r.category().label()))
                    .unwrap_or_default()
            ),
        });
    }
    Ok(CommitteePage {
        ctx: PageCtx::new(user, "parcours"),
        exits,
        id,
        programme: programme.def.name,
        held_on: fr(m.held_on),
        notes: m.notes.unwrap_or_default(),
        proposals,
        error,
    })
}

pub async fn show(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Query(n): Query<Notice>,
) -> AppResult<CommitteePage> {
    let mut p = meeting_page(&state, &user, id, None).await?;
    p.ctx = p.ctx.with_notice(n.fait.as_deref());
    Ok(p)
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    enrolment_id: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    override_reason: String,
}

pub async fn decide(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    committees::get(&state.db, &user.scope(), id).await?;
    let enrolment: Uuid = f.enrolment_id.parse().map_err(|_| AppError::NotFound)?;
    crate::modules::pathways::pages::in_user_scope(&state, &user, enrolment).await?;
    let admitted = match f.decision.as_str() {
        "entree" => true,
        "refus" => false,
        _ => {
            let page = meeting_page(
                &state,
                &user,
                id,
                Some((enrolment, "Choisissez entrée ou non-entrée.".into())),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let d = DecisionRequest {
        admitted,
        reason: &f.reason,
        override_reason: Some(f.override_reason.as_str()).filter(|o| !o.trim().is_empty()),
    };
    let scope = user.scope();
    match service::decide(&state.db, &user.principal(), &scope, id, enrolment, d).await {
        Ok(_) => Ok(see_other(&format!("/comites/{id}"), "decision").into_response()),
        Err(e) if e.is_refusal() => {
            let page = meeting_page(&state, &user, id, Some((enrolment, e.to_string()))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ExitReviewForm {
    #[serde(default)]
    enrolment_id: String,
    #[serde(default)]
    opinion: String,
    #[serde(default)]
    reason: String,
}

pub async fn review_exit(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<ExitReviewForm>,
) -> AppResult<Response> {
    committees::get(&state.db, &user.scope(), id).await?;
    let enrolment: Uuid = f.enrolment_id.parse().map_err(|_| AppError::NotFound)?;
    let validated = f.opinion != "reserve";
    match service::review_exit(
        &state.db,
        &user.actor(),
        &user.scope(),
        id,
        enrolment,
        validated,
        &f.reason,
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!("/comites/{id}"), "decision").into_response()),
        Err(e) if e.is_refusal() => {
            let page = meeting_page(&state, &user, id, Some((enrolment, e.to_string()))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
