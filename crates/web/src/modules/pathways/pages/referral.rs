//! Referring a person to a programme.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use passerelle_db::pathways::programmes::{self};
use passerelle_db::persons;
use passerelle_domain::french::parse_date;
use passerelle_services::pathways::NewReferral;
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Choice;
use crate::pages::see_other;
use crate::view::PageCtx;
use passerelle_domain::clock::today;

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ReferralForm {
    #[serde(default)]
    personne: String,
    #[serde(default)]
    programme_id: String,
    #[serde(default)]
    prescriber_organisation: String,
    #[serde(default)]
    prescriber_name: String,
    #[serde(default)]
    referred_on: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pathways/referral_form.html")]
pub struct ReferralPage {
    ctx: PageCtx,
    person_name: String,
    form: ReferralForm,
    programmes: Vec<Choice>,
    error: Option<String>,
}

async fn referral_page(
    state: &AppState,
    user: &CurrentUser,
    form: ReferralForm,
    error: Option<String>,
) -> AppResult<ReferralPage> {
    let s = user.user.structure_id;
    let person_id: Uuid = form.personne.parse().map_err(|_| AppError::NotFound)?;
    let person = persons::get(&state.db, s, person_id).await?;
    passerelle_services::pathways::install_default_programmes(&state.db, s).await?;
    let programmes = programmes::list(&state.db, s)
        .await?
        .into_iter()
        .filter(|p| p.active)
        .map(|p| Choice {
            code: p.id.to_string(),
            label: p.def.name,
        })
        .collect();
    Ok(ReferralPage {
        ctx: PageCtx::new(user, "parcours"),
        person_name: person.full_name(),
        form,
        programmes,
        error,
    })
}

pub async fn referral_form(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(mut f): Query<ReferralForm>,
) -> AppResult<ReferralPage> {
    f.referred_on = today().to_string();
    referral_page(&state, &user, f, None).await
}

pub async fn refer(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(f): Form<ReferralForm>,
) -> AppResult<Response> {
    let problem = match (f.programme_id.parse::<Uuid>(), parse_date(&f.referred_on)) {
        (Err(_), _) => Some("Choisissez le dispositif."),
        (_, None) => Some("Indiquez la date de l'orientation (jj/mm/aaaa)."),
        (_, Some(d)) if d > today() => Some("L'orientation ne peut pas être datée dans le futur."),
        _ if f.prescriber_organisation.trim().is_empty() => {
            Some("Indiquez l'organisme prescripteur.")
        }
        _ if f.reason.trim().is_empty() => Some("Indiquez le motif de l'orientation."),
        _ if f.reason.chars().count() > 2000 || f.prescriber_organisation.chars().count() > 200 => {
            Some("Texte trop long.")
        }
        _ => None,
    };
    let result = match problem {
        Some(p) => Err(AppError::Refused(p.to_owned())),
        None => {
            let referral = NewReferral {
                person_id: f.personne.parse().map_err(|_| AppError::NotFound)?,
                programme_id: f.programme_id.parse().map_err(|_| AppError::NotFound)?,
                prescriber_organisation: f.prescriber_organisation.trim(),
                prescriber_name: Some(f.prescriber_name.trim()).filter(|n| !n.is_empty()),
                referred_on: parse_date(&f.referred_on).unwrap_or_else(today),
                reason: f.reason.trim(),
            };
            passerelle_services::pathways::refer(&state.db, &user.actor(), referral)
                .await
                .map_err(AppError::from)
        }
    };
    match result {
        // A pathway referred to another team's programme is theirs: back to the person.
        Ok(e) if super::in_user_scope(&state, &user, e.id).await.is_err() => {
            Ok(see_other(&format!("/personnes/{}", e.person_id), "oriente").into_response())
        }
        Ok(e) => Ok(see_other(&format!("/parcours/{}", e.id), "oriente").into_response()),
        Err(AppError::Refused(m)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            referral_page(&state, &user, f, Some(m)).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}
