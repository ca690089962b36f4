//! Adding a dated situation to a person's history.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use passerelle_db::persons;
use passerelle_domain::FieldErrors;
use passerelle_domain::persons::situation::{
    Answer, EDUCATION_LEVELS, LabourStatus, SituationInput,
};
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::pages::Choice;
use crate::pages::see_other;
use crate::view::PageCtx;
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
    let choices = |v: Vec<(&str, &str)>| {
        v.into_iter()
            .map(|(c, l)| Choice {
                code: c.to_owned(),
                label: l.to_owned(),
            })
            .collect()
    };
    SituationPage {
        ctx: PageCtx::new(user, "personnes"),
        person_id,
        person_name,
        form,
        errors,
        statuses: choices(
            LabourStatus::ALL
                .iter()
                .map(|s| (s.code(), s.label()))
                .collect(),
        ),
        levels: EDUCATION_LEVELS
            .iter()
            .map(|(n, l)| Choice {
                code: n.to_string(),
                label: (*l).to_owned(),
            })
            .collect(),
        answers: choices(Answer::ALL.iter().map(|a| (a.code(), a.label())).collect()),
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
