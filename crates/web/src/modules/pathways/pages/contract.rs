//! Correcting a contract (a wrong date, type or employer): the form shows the stored values; a
//! stale edit shows both versions and saves nothing. Figures computed after the correction
//! count it at once; a published report keeps what it counted and lists the move.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use passerelle_db::pathways::contracts::{self, StoredContract};
use passerelle_domain::pathways::employment::ContractKind;
use passerelle_services::pathways::{self as service, PathwaysError};
use uuid::Uuid;

use super::shared::{contract_from, in_user_scope};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::see_other;
use crate::pages::{Choice, choices};
use crate::view::{PageCtx, fr_date};

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ContractForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    employer: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    weekly_hours: String,
    #[serde(default)]
    trial: Option<String>,
    #[serde(default)]
    version: String,
}

fn form_of(c: &StoredContract) -> ContractForm {
    ContractForm {
        kind: c.contract.kind.code().to_owned(),
        employer: c.contract.employer.clone(),
        start: c.contract.start.to_string(),
        end: c.contract.end.map(|d| d.to_string()).unwrap_or_default(),
        weekly_hours: c.contract.weekly_hours.to_string().replace('.', ","),
        trial: c.trial_period_validated.then(|| "on".to_owned()),
        version: c.version.to_string(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pathways/contract_form.html")]
pub struct ContractPage {
    ctx: PageCtx,
    enrolment: Uuid,
    id: Uuid,
    form: ContractForm,
    kinds: Vec<Choice>,
    error: Option<String>,
    /// On a conflict: the contract as saved meanwhile, in words.
    saved_meanwhile: Option<String>,
}

fn page(
    user: &CurrentUser,
    enrolment: Uuid,
    id: Uuid,
    form: ContractForm,
    error: Option<String>,
    saved_meanwhile: Option<String>,
) -> ContractPage {
    ContractPage {
        ctx: PageCtx::new(user, "parcours"),
        enrolment,
        id,
        form,
        kinds: choices::<ContractKind>(),
        error,
        saved_meanwhile,
    }
}

/// The contract, if it belongs to the person of a pathway in the user's scope.
async fn in_scope(
    state: &AppState,
    user: &CurrentUser,
    enrolment: Uuid,
    id: Uuid,
) -> AppResult<StoredContract> {
    let (e, _) = in_user_scope(state, user, enrolment).await?;
    let c = contracts::get(&state.db, user.user.structure_id, id).await?;
    if c.person_id != e.person_id {
        return Err(AppError::NotFound);
    }
    Ok(c)
}

pub async fn edit(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((enrolment, id)): Path<(Uuid, Uuid)>,
) -> AppResult<ContractPage> {
    let c = in_scope(&state, &user, enrolment, id).await?;
    Ok(page(&user, enrolment, id, form_of(&c), None, None))
}

pub async fn update(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((enrolment, id)): Path<(Uuid, Uuid)>,
    Form(f): Form<ContractForm>,
) -> AppResult<Response> {
    in_scope(&state, &user, enrolment, id).await?;
    let version = f.version.trim().parse::<i64>().unwrap_or(0);
    let refused = |f: ContractForm, m: String| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&user, enrolment, id, f, Some(m), None),
        )
            .into_response()
    };
    let saved = match contract_from(&f.kind, &f.employer, &f.start, &f.end, &f.weekly_hours) {
        Ok(c) => {
            let trial = f.trial.is_some();
            service::update_contract(&state.db, &user.actor(), (id, version), &c, trial).await
        }
        Err(AppError::Refused(m)) => return Ok(refused(f, m)),
        Err(e) => return Err(e),
    };
    match saved {
        Ok(()) => Ok(see_other(&format!("/parcours/{enrolment}"), "enregistre").into_response()),
        Err(e) if e.is_refusal() => Ok(refused(f, e.to_string())),
        // A stale edit: both versions side by side, nothing saved.
        Err(PathwaysError::Conflict) => {
            let stored = contracts::get(&state.db, user.user.structure_id, id).await?;
            let c = &stored.contract;
            let saved = format!(
                "{} chez {}, du {}{}, {} h par semaine",
                c.kind.label(),
                c.employer,
                fr_date(&c.start),
                c.end
                    .map(|d| format!(" au {}", fr_date(&d)))
                    .unwrap_or_default(),
                c.weekly_hours.to_string().replace('.', ",")
            );
            let f = ContractForm {
                version: stored.version.to_string(),
                ..f
            };
            let message = "Ce contrat a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert : rien n'est enregistré. Vos valeurs sont conservées ci-dessous ; comparez avec l'enregistrement actuel, puis enregistrez à nouveau.".to_owned();
            Ok((
                StatusCode::CONFLICT,
                page(&user, enrolment, id, f, Some(message), Some(saved)),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
