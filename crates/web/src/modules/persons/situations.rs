//! Adding a dated situation to a person's history.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use passerelle_db::persons::{self, situations};
use passerelle_domain::FieldErrors;
use passerelle_domain::persons::situation::{
    Answer, EDUCATION_LEVELS, LabourStatus, SituationInput,
};
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::pages::see_other;
use crate::pages::{Choice, choices};
use crate::view::{PageCtx, fr_date, fr_datetime};
use passerelle_domain::clock::today;

#[derive(Template, WebTemplate)]
#[template(path = "persons/situation_form.html")]
pub struct SituationPage {
    ctx: PageCtx,
    person_id: Uuid,
    person_name: String,
    form: SituationInput,
    errors: FieldErrors,
    statuses: Vec<Choice>,
    levels: Vec<Choice>,
    answers: Vec<Choice>,
    today: String,
}

impl SituationPage {
    fn checked(&self, field: &str) -> bool {
        let f = &self.form;
        let v = match field {
            "receives_rsa" => &f.receives_rsa,
            "receives_ass" => &f.receives_ass,
            "receives_aah" => &f.receives_aah,
            "in_education_or_training" => &f.in_education_or_training,
            "jobless_household" => &f.jobless_household,
            "dependent_children" => &f.dependent_children,
            "single_parent" => &f.single_parent,
            "homeless" => &f.homeless,
            _ => return false,
        };
        v.is_some()
    }

    fn answer_of(&self, field: &str) -> &str {
        match field {
            "rqth" => &self.form.rqth,
            "foreign_background" => &self.form.foreign_background,
            "justice_supervision" => &self.form.justice_supervision,
            _ => "",
        }
    }
}

fn page(
    user: &CurrentUser,
    person_id: Uuid,
    person_name: String,
    form: SituationInput,
    errors: FieldErrors,
) -> SituationPage {
    SituationPage {
        ctx: PageCtx::new(user, "personnes"),
        person_id,
        person_name,
        form,
        errors,
        statuses: choices::<LabourStatus>(),
        levels: EDUCATION_LEVELS
            .iter()
            .map(|(n, l)| Choice {
                code: n.to_string(),
                label: (*l).to_owned(),
            })
            .collect(),
        answers: choices::<Answer>(),
        today: today().to_string(),
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
) -> AppResult<SituationPage> {
    let p = persons::get(&state.db, user.user.structure_id, id).await?;
    let form = SituationInput {
        observed_on: today().to_string(),
        ..Default::default()
    };
    Ok(page(&user, id, p.full_name(), form, FieldErrors::new()))
}

pub async fn create(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(form): Form<SituationInput>,
) -> AppResult<Response> {
    let p = persons::get(&state.db, user.user.structure_id, id).await?;
    match form.validate(p.fields.birth_date, today()) {
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&user, id, p.full_name(), form, errors),
        )
            .into_response()),
        Ok(fields) => {
            passerelle_services::persons::add_situation(&state.db, &user.actor(), id, &fields)
                .await?;
            Ok(see_other(&format!("/personnes/{id}"), "situation").into_response())
        }
    }
}

pub struct SituationView {
    pub observed_on: String,
    pub labour_status: String,
    pub jobseeker_since: String,
    pub benefits: String,
    pub education: String,
    pub household: String,
    pub rqth: String,
    pub foreign_background: String,
    pub justice: String,
    pub health_notes: String,
    pub recorded: String,
}

pub fn situation_view(s: &situations::Situation) -> SituationView {
    use passerelle_domain::persons::situation::{EDUCATION_LEVELS, isced_group};
    let f = &s.fields;
    let mut benefits = Vec::new();
    if f.receives_rsa {
        benefits.push("RSA");
    }
    if f.receives_ass {
        benefits.push("ASS");
    }
    if f.receives_aah {
        benefits.push("AAH");
    }
    let mut household = Vec::new();
    if f.jobless_household {
        household.push("ménage sans emploi");
    }
    if f.dependent_children {
        household.push("enfant(s) à charge");
    }
    if f.single_parent {
        household.push("parent isolé");
    }
    if f.homeless {
        household.push("sans logement ou mal logé");
    }
    if f.in_education_or_training {
        household.push("en études ou en formation");
    }
    let ans = |a: Option<passerelle_domain::persons::situation::Answer>| {
        a.map(|a| a.label().to_owned())
            .unwrap_or_else(|| "Non renseigné".into())
    };
    SituationView {
        observed_on: fr_date(&f.observed_on),
        labour_status: f.labour_status.label().to_owned(),
        jobseeker_since: f
            .jobseeker_since
            .map(|d| fr_date(&d))
            .unwrap_or_else(|| "Non inscrit".into()),
        benefits: if benefits.is_empty() {
            "Aucun".into()
        } else {
            benefits.join(", ")
        },
        education: f
            .education_level
            .and_then(|l| {
                EDUCATION_LEVELS
                    .iter()
                    .find(|(n, _)| *n == l)
                    .map(|(_, label)| format!("{label} ({})", isced_group(l)))
            })
            .unwrap_or_else(|| "Non renseigné".into()),
        household: if household.is_empty() {
            "—".into()
        } else {
            household.join(", ")
        },
        rqth: ans(f.rqth),
        foreign_background: ans(f.foreign_background),
        justice: ans(f.justice_supervision),
        health_notes: f.health_notes.clone().unwrap_or_default(),
        recorded: format!(
            "{}{}",
            fr_datetime(&s.recorded_at),
            s.recorded_by
                .as_deref()
                .map(|n| format!(" par {n}"))
                .unwrap_or_default()
        ),
    }
}
