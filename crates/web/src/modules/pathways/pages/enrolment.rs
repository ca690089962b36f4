//! The enrolment page and its actions.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use passerelle_db::pathways::enrolments::{self, Enrolment};
use passerelle_db::{access::users, pathways::contracts, pathways::steps, persons};
use passerelle_domain::Permission;
use passerelle_domain::french::date as fr;
use passerelle_domain::pathways::duration::{DurationStatus, duration_status};
use passerelle_domain::pathways::employment::ContractKind;
use passerelle_domain::pathways::exit::check_exit_date;
use passerelle_domain::pathways::referent;
use passerelle_domain::pathways::step::{
    AppointmentKind, DiagnosisCriterion, ObjectiveStatus, StepFamily,
};
use passerelle_domain::pathways::workflow::PathwayState;
use passerelle_domain::validation::{Horizon, parse_day};
use time::Date;
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::pages::Choice;
use crate::pages::Notice;
use crate::view::{PageCtx, fr_datetime};
use passerelle_domain::clock::today;

use super::shared::in_user_scope;

pub struct LogRow {
    pub when: String,
    pub what: String,
    pub by: String,
    pub note: String,
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub(super) on: String,
    #[serde(default)]
    pub(super) note: String,
    #[serde(default)]
    pub(super) reason: String,
    #[serde(default)]
    pub(super) proof: String,
    #[serde(default)]
    pub(super) user_id: String,
    #[serde(default)]
    pub(super) theme: String,
    #[serde(default)]
    pub(super) objective: String,
    #[serde(default)]
    pub(super) action: String,
    #[serde(default)]
    pub(super) family: String,
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) provider: String,
    #[serde(default)]
    pub(super) start: String,
    #[serde(default)]
    pub(super) end: String,
    #[serde(default)]
    pub(super) qualifying: Option<String>,
    #[serde(default)]
    pub(super) validated: String,
    #[serde(default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) employer: String,
    #[serde(default)]
    pub(super) weekly_hours: String,
    #[serde(default)]
    pub(super) trial: Option<String>,
    #[serde(default)]
    pub(super) criterion: String,
    #[serde(default)]
    pub(super) attended: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pathways/enrolment.html")]
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
    /// id, type, employer, dates, hours.
    contracts: Vec<(Uuid, String, String, String, String)>,
    proposal: Option<(String, String, String)>,
    /// The day the proposal is computed for (the exit date being entered), in French.
    proposal_on: String,
    /// The same day as the date field wants it (AAAA-MM-JJ).
    proposal_on_iso: String,
    /// (criterion, date, proof, author)
    diagnosis: Vec<(String, String, String, String)>,
    /// (date, kind, held or missed, note, with)
    appointments: Vec<(String, String, String, String, String)>,
    appointment_kinds: Vec<Choice>,
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

pub(super) async fn enrolment_page(
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
    // The proposal at the exit date being entered, else today; a date the exit could not
    // take is said next to the field (unless an action's refusal is already shown).
    let (exit_on, exit_on_error) = match proposal_day(&form.on, &e, on) {
        Ok(d) => (d.unwrap_or(on), None),
        Err(m) => (on, Some(("exit_on".to_owned(), m))),
    };
    let error = error.or(exit_on_error);
    let proposal = if e.state == PathwayState::Entered {
        passerelle_db::pathways::proposal::proposed_exit(&state.db, s, &e, exit_on)
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
        .filter(|u| {
            referent::may_hold(
                referent::Candidate {
                    role: u.role,
                    teams: &u.teams,
                    active: u.active,
                },
                programme.def.team,
            )
        })
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
                    c.id,
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
        proposal_on: fr(exit_on),
        proposal_on_iso: exit_on.to_string(),
        appointments: steps::appointments(&state.db, s, id)
            .await?
            .into_iter()
            .map(|a| {
                (
                    fr(a.held_on),
                    a.kind.label().to_owned(),
                    if a.attended { "honoré" } else { "absence" }.to_owned(),
                    a.note.unwrap_or_default(),
                    a.with.unwrap_or_default(),
                )
            })
            .collect(),
        appointment_kinds: choices(
            AppointmentKind::ALL
                .iter()
                .map(|k| (k.code(), k.label()))
                .collect(),
        ),
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
            programme
                .def
                .exit_reasons
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

/// The exit date being entered, read by the input policy's date parser and checked by the
/// exit's own rule (between the entry and today); `None` when nothing was typed.
fn proposal_day(raw: &str, e: &Enrolment, today: Date) -> Result<Option<Date>, String> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let d = parse_day(raw, today, Horizon::Past).map_err(|err| err.to_string())?;
    check_exit_date(d, e.entered_on.unwrap_or(e.referred_on), today)
        .map(|()| Some(d))
        .map_err(|err| err.to_string())
}

/// `?sortie_le=AAAA-MM-JJ`: the exit date being entered, at which the rules' proposal is
/// computed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExitOn {
    sortie_le: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Query(n): Query<Notice>,
    Query(q): Query<ExitOn>,
) -> AppResult<Response> {
    let form = ActionForm {
        on: q.sortie_le.unwrap_or_default(),
        ..ActionForm::default()
    };
    let mut page = enrolment_page(&state, &user, id, None, form).await?;
    page.ctx = page.ctx.with_notice(n.fait.as_deref());
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, page).into_response())
}
