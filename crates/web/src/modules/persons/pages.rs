//! The person register's pages: list and search, create (with duplicate warning), view
//! (audited), edit (with conflict detection), delete.

use crate::pages::{Choice, choices};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use passerelle_db::audit::record_view;
use passerelle_db::persons;
use passerelle_db::persons::search::{self, PersonFilter};
use passerelle_db::persons::situations;

use super::situations::{SituationView, situation_view};
use passerelle_domain::clock::today;
use passerelle_domain::persons::PERSON;
use passerelle_domain::persons::age::AgeBand;
use passerelle_domain::persons::{Person, PersonFields, PersonInput, Sex, field_label};
use passerelle_domain::territory::TerritoryTables;
use passerelle_domain::{FieldErrors, Permission};
use passerelle_services::persons::{self as persons_service, Duplicates, PersonsError};
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::{Notice, see_other};
use crate::view::{PageCtx, fr_date, fr_datetime};

pub const PAGE_SIZE: i64 = 50;

/// A person as a list row or a summary.
pub struct PersonRow {
    pub id: Uuid,
    pub name: String,
    pub birth: String,
    pub age: i32,
    pub commune: String,
    pub qpv: String,
}

pub fn person_row(p: &Person, t: &TerritoryTables) -> PersonRow {
    PersonRow {
        id: p.id,
        name: p.full_name(),
        birth: fr_date(&p.fields.birth_date),
        age: p.age_on(today()),
        commune: t.commune_name(&p.fields.commune_code),
        qpv: p
            .fields
            .qpv_code
            .as_deref()
            .map(|c| {
                t.qpv(c)
                    .map(|q| q.name.clone())
                    .unwrap_or_else(|| c.to_owned())
            })
            .unwrap_or_default(),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub commune: String,
    #[serde(default)]
    pub qpv: String,
    #[serde(default)]
    pub age: String,
    #[serde(default)]
    pub page: Option<i64>,
    pub fait: Option<String>,
}

impl ListQuery {
    /// The checked filter (`age_field`: the age band's name in the caller's query string).
    pub fn filter(
        &self,
        page_size: i64,
        t: &TerritoryTables,
        age_field: &str,
    ) -> Result<PersonFilter, FieldErrors> {
        let typed = crate::filters::Typed {
            q: &self.q,
            commune: &self.commune,
            qpv: &self.qpv,
            age: &self.age,
            age_field,
            page: self.page,
        };
        crate::filters::person_filter(&typed, page_size, t, today())
    }

    fn url_for_page(&self, page: i64) -> String {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &self.q)
            .append_pair("commune", &self.commune)
            .append_pair("qpv", &self.qpv)
            .append_pair("age", &self.age)
            .append_pair("page", &page.to_string())
            .finish();
        format!("/personnes?{q}")
    }
}

fn commune_choices(t: &TerritoryTables) -> Vec<Choice> {
    t.communes
        .iter()
        .map(|c| Choice {
            code: c.code.clone(),
            label: c.name.clone(),
        })
        .collect()
}

fn qpv_choices(t: &TerritoryTables) -> Vec<Choice> {
    t.qpvs_on(today())
        .into_iter()
        .map(|q| Choice {
            code: q.code.clone(),
            label: format!(
                "{} – {} ({})",
                t.commune_name(q.commune_codes.first().map(String::as_str).unwrap_or("")),
                q.name,
                q.code
            ),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/list.html")]
pub struct ListPage {
    ctx: PageCtx,
    query: ListQuery,
    rows: Vec<PersonRow>,
    total: String,
    communes: Vec<Choice>,
    qpvs: Vec<Choice>,
    age_bands: Vec<Choice>,
    previous: Option<String>,
    /// The filters refused, by field.
    errors: FieldErrors,
    next: Option<String>,
    page: i64,
    pages: i64,
    can_create: bool,
}

/// The register's list. A filter it cannot apply is shown next to its field, above an empty
/// list (422), rather than silently ignored.
pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let t = state.territory().await;
    let (page, errors) = match query.filter(PAGE_SIZE, &t, "age") {
        Ok(filter) => (
            search::search(&state.db, user.user.structure_id, &filter).await?,
            FieldErrors::new(),
        ),
        Err(errors) => (search::PersonPage::default(), errors),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let current = query.page.unwrap_or(1).max(1);
    let pages = ((page.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let list = ListPage {
        ctx: PageCtx::new(&user, "personnes").with_notice(query.fait.as_deref()),
        rows: page.persons.iter().map(|p| person_row(p, &t)).collect(),
        total: passerelle_domain::french::integer(page.total),
        communes: commune_choices(&t),
        qpvs: qpv_choices(&t),
        age_bands: choices::<AgeBand>(),
        previous: (current > 1).then(|| query.url_for_page(current - 1)),
        next: (current < pages).then(|| query.url_for_page(current + 1)),
        page: current,
        pages,
        can_create: user.can(Permission::PersonWrite),
        query,
        errors,
    };
    Ok((status, list).into_response())
}

/// A field whose saved value differs from what the user typed, on an edit conflict.
pub struct ConflictRow {
    pub label: String,
    pub saved: String,
    pub yours: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/form.html")]
pub struct FormPage {
    ctx: PageCtx,
    title: String,
    action: String,
    cancel: String,
    form: PersonInput,
    version: i64,
    errors: FieldErrors,
    communes: Vec<Choice>,
    qpvs: Vec<Choice>,
    sexes: Vec<Choice>,
    duplicates: Vec<PersonRow>,
    conflict: Vec<ConflictRow>,
    today: String,
}

fn form_page(
    user: &CurrentUser,
    t: &TerritoryTables,
    edit: Option<(Uuid, i64)>,
    form: PersonInput,
) -> FormPage {
    let (title, action, cancel, version) = match edit {
        None => (
            "Inscrire une personne".to_owned(),
            "/personnes".to_owned(),
            "/personnes".to_owned(),
            0,
        ),
        Some((id, v)) => (
            "Modifier la fiche".to_owned(),
            format!("/personnes/{id}"),
            format!("/personnes/{id}"),
            v,
        ),
    };
    FormPage {
        ctx: PageCtx::new(user, "personnes"),
        title,
        action,
        cancel,
        form,
        version,
        errors: FieldErrors::new(),
        communes: commune_choices(t),
        qpvs: qpv_choices(t),
        sexes: choices::<Sex>(),
        duplicates: Vec::new(),
        conflict: Vec::new(),
        today: today().to_string(),
    }
}

#[derive(serde::Deserialize)]
pub struct PersonForm {
    #[serde(flatten)]
    input: PersonInput,
    #[serde(default)]
    version: i64,
    /// Ticked when the user confirms that a look-alike is another person.
    #[serde(default)]
    not_a_duplicate: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> FormPage {
    form_page(
        &user,
        &*state.territory().await,
        None,
        PersonInput::default(),
    )
}

/// Whether the user confirmed that a look-alike is another person.
fn duplicates(f: &PersonForm) -> Duplicates {
    if f.not_a_duplicate.is_some() {
        Duplicates::Allow
    } else {
        Duplicates::Warn
    }
}

/// The fields as the domain validates them, or the form shown again with the errors.
async fn validated(
    state: &AppState,
    user: &CurrentUser,
    edit: Option<(Uuid, i64)>,
    f: &PersonForm,
) -> Result<PersonFields, Box<FormPage>> {
    let t = state.territory().await;
    f.input.validate(&t, today()).map_err(|errors| {
        let mut page = form_page(user, &t, edit, f.input.clone());
        page.errors = errors;
        Box::new(page)
    })
}

/// The form shown again with the look-alikes the user is asked about.
async fn looks_like(
    state: &AppState,
    user: &CurrentUser,
    edit: Option<(Uuid, i64)>,
    f: &PersonForm,
    found: &[Person],
) -> Response {
    let t = state.territory().await;
    let mut page = form_page(user, &t, edit, f.input.clone());
    page.duplicates = found.iter().map(|p| person_row(p, &t)).collect();
    again(page)
}

fn again(page: FormPage) -> Response {
    let status = if page.duplicates.is_empty() && page.conflict.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CONFLICT
    };
    (status, page).into_response()
}

pub async fn create(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(f): Form<PersonForm>,
) -> AppResult<Response> {
    let fields = match validated(&state, &user, None, &f).await {
        Ok(fields) => fields,
        Err(page) => return Ok(again(*page)),
    };
    match persons_service::register(&state.db, &user.actor(), &fields, duplicates(&f)).await {
        Ok(p) => Ok(see_other(&format!("/personnes/{}", p.id), "cree").into_response()),
        Err(PersonsError::LooksLike(found)) => {
            Ok(looks_like(&state, &user, None, &f, &found).await)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/show.html")]
pub struct ShowPage {
    ctx: PageCtx,
    p: Person,
    row: PersonRow,
    sex: String,
    birth_name: String,
    phone: String,
    email: String,
    address: String,
    situations: Vec<SituationView>,
    show_sensitive: bool,
    can_edit: bool,
    can_delete: bool,
    can_add_situation: bool,
    can_pathways: bool,
    can_audit: bool,
    can_refer: bool,
    /// (enrolment id, programme, state, dates)
    pathways: Vec<(Uuid, String, String, String)>,
    created: String,
    updated: String,
}

pub async fn show(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Query(n): Query<Notice>,
) -> AppResult<ShowPage> {
    let s = user.user.structure_id;
    let p = persons::get(&state.db, s, id).await?;
    record_view(&state.db, &user.actor(), PERSON.code, id).await?;
    let history = situations::history(&state.db, s, id).await?;
    let mut pathways = Vec::new();
    if user.can(Permission::PathwayRead) {
        let programmes = passerelle_db::pathways::programmes::list(&state.db, s).await?;
        // Only the pathways this reader may open: a person's other pathways stay unseen.
        for e in
            passerelle_db::pathways::enrolments::of_person(&state.db, &user.scope(), id).await?
        {
            let name = programmes
                .iter()
                .find(|p| p.id == e.programme_id)
                .map(|p| p.def.name.clone())
                .unwrap_or_default();
            let dates = match (e.entered_on, e.exited_on) {
                (Some(a), Some(b)) => format!("du {} au {}", fr_date(&a), fr_date(&b)),
                (Some(a), None) => format!("depuis le {}", fr_date(&a)),
                _ => format!("orienté le {}", fr_date(&e.referred_on)),
            };
            pathways.push((e.id, name, e.state.label().to_owned(), dates));
        }
    }
    let t = state.territory().await;
    let none = || "—".to_owned();
    Ok(ShowPage {
        ctx: PageCtx::new(&user, "personnes").with_notice(n.fait.as_deref()),
        row: person_row(&p, &t),
        sex: p.fields.sex.label().to_owned(),
        birth_name: p.fields.birth_name.clone().unwrap_or_else(none),
        phone: p
            .fields
            .phone
            .as_deref()
            .map(passerelle_domain::french::phone)
            .unwrap_or_else(none),
        email: p.fields.email.clone().unwrap_or_else(none),
        address: p.fields.address.clone().unwrap_or_else(none),
        situations: history.iter().map(situation_view).collect(),
        show_sensitive: user.can(Permission::SensitiveRead),
        can_edit: user.can(Permission::PersonWrite),
        can_delete: user.can(Permission::PersonDelete),
        can_add_situation: user.can(Permission::SituationWrite),
        can_pathways: user.can(Permission::PathwayRead),
        can_audit: user.can(Permission::AuditRead),
        can_refer: user.can(Permission::PathwayWrite),
        pathways,
        created: fr_datetime(&p.created_at),
        updated: fr_datetime(&p.updated_at),
        p,
    })
}

pub async fn edit_form(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
) -> AppResult<FormPage> {
    let p = persons::get(&state.db, user.user.structure_id, id).await?;
    Ok(form_page(
        &user,
        &*state.territory().await,
        Some((id, p.version)),
        PersonInput::from(&p.fields),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<PersonForm>,
) -> AppResult<Response> {
    let edit = Some((id, f.version));
    let fields = match validated(&state, &user, edit, &f).await {
        Ok(fields) => fields,
        Err(page) => return Ok(again(*page)),
    };
    let actor = user.actor();
    match persons_service::update(&state.db, &actor, id, f.version, &fields, duplicates(&f)).await {
        Ok(_) => Ok(see_other(&format!("/personnes/{id}"), "enregistre").into_response()),
        Err(PersonsError::LooksLike(found)) => {
            Ok(looks_like(&state, &user, edit, &f, &found).await)
        }
        Err(PersonsError::Conflict) => conflict(&state, &user, id, &f, &fields).await,
        Err(e) => Err(e.into()),
    }
}

/// Someone saved first: shows what is saved now beside what this user typed, keeps their
/// input, and lets them save again knowingly against the new version.
async fn conflict(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    f: &PersonForm,
    fields: &PersonFields,
) -> AppResult<Response> {
    let current = persons::get(&state.db, user.user.structure_id, id).await?;
    let saved = current.fields.audit_values();
    let yours = fields.audit_values();
    let conflict = saved
        .iter()
        .zip(yours.iter())
        .filter(|(a, b)| a.1 != b.1)
        .map(|((field, s), (_, y))| ConflictRow {
            label: field_label(field).to_owned(),
            saved: s.clone(),
            yours: y.clone(),
        })
        .collect();
    let mut page = form_page(
        user,
        &*state.territory().await,
        Some((id, current.version)),
        f.input.clone(),
    );
    page.conflict = conflict;
    Ok(again(page))
}

#[derive(serde::Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    version: i64,
}

pub async fn delete(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<DeleteForm>,
) -> AppResult<Response> {
    match persons_service::delete(&state.db, &user.actor(), id, f.version).await {
        Ok(()) => Ok(see_other("/personnes", "supprime").into_response()),
        Err(PersonsError::Conflict) => Err(AppError::Conflict(
            "La fiche a été modifiée depuis son affichage : rouvrez-la et vérifiez avant de supprimer.".into(),
        )),
        Err(e) => Err(e.into()),
    }
}
