//! The enrolment page: the pathway's read model (`passerelle_db::pathways::enrolment_page`,
//! read at once) turned into what the template shows, in French.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use passerelle_db::pathways::contracts::StoredContract;
use passerelle_db::pathways::enrolment_page::{self, EnrolmentPage as PageModel, ProgrammeFacts};
use passerelle_db::pathways::enrolments::{Enrolment, LoggedTransition, ReferentPeriod};
use passerelle_db::pathways::steps::{Appointment, DiagnosisEntry, Objective, Step};
use passerelle_domain::Permission;
use passerelle_domain::french::date as fr;
use passerelle_domain::pathways::duration::{DurationStatus, duration_status};
use passerelle_domain::pathways::employment::ContractKind;
use passerelle_domain::pathways::exit::check_exit_date;
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
use crate::pages::Notice;
use crate::pages::{Choice, choices, choices_of};
use crate::view::{PageCtx, fr_datetime};
use passerelle_domain::clock::today;

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

/// The page of pathway `id` as `user` may see it, with the refusal of a failed action (its
/// section and message) and what was typed: one read of the page's model, then its view.
pub(super) async fn enrolment_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    error: Option<(String, String)>,
    form: ActionForm,
) -> AppResult<EnrolmentPage> {
    let model = enrolment_page::read(&state.db, &user.scope(), id).await?;
    Ok(EnrolmentPage::of(model, user, error, form, today()))
}

impl EnrolmentPage {
    /// The view of the page's model on `on` (today).
    fn of(
        m: PageModel,
        user: &CurrentUser,
        error: Option<(String, String)>,
        form: ActionForm,
        on: Date,
    ) -> EnrolmentPage {
        // The proposal at the exit date being entered, else today; a date the exit could not
        // take is said next to the field (unless an action's refusal is already shown).
        let (exit_on, exit_on_error) = match proposal_day(&form.on, &m.enrolment, on) {
            Ok(d) => (d.unwrap_or(on), None),
            Err(msg) => (on, Some(("exit_on".to_owned(), msg))),
        };
        let proposal = (m.enrolment.state == PathwayState::Entered)
            .then(|| m.proposed_exit(exit_on))
            .flatten()
            .map(|p| {
                (
                    p.reason.code().to_owned(),
                    p.reason.label().to_owned(),
                    p.why,
                )
            });
        let e = m.enrolment;
        EnrolmentPage {
            ctx: PageCtx::new(user, "parcours"),
            person_name: m.person_name,
            state: e.state.label().to_owned(),
            referred_on: fr(e.referred_on),
            entered_on: e.entered_on.map(fr).unwrap_or_default(),
            exited_on: e.exited_on.map(fr).unwrap_or_default(),
            exit_reason: e
                .exit_reason
                .map(|r| format!("{} ({})", r.label(), r.category().label()))
                .unwrap_or_default(),
            duration: duration(&e, &m.programme, on),
            referents: m.referents.into_iter().map(referent_row).collect(),
            log: m.log.into_iter().map(log_row).collect(),
            objectives: m.objectives.into_iter().map(objective_row).collect(),
            steps: m.steps.into_iter().map(step_row).collect(),
            contracts: m.contracts.into_iter().map(contract_row).collect(),
            appointments: m.appointments.into_iter().map(appointment_row).collect(),
            diagnosis: m.diagnosis.into_iter().map(diagnosis_row).collect(),
            proposal,
            proposal_on: fr(exit_on),
            proposal_on_iso: exit_on.to_string(),
            staff: m
                .referent_candidates
                .into_iter()
                .map(|u| Choice {
                    code: u.id.to_string(),
                    label: u.display_name,
                })
                .collect(),
            reasons: choices_of(m.programme.exit_reasons.iter().copied()),
            programme_name: m.programme.name,
            statuses: choices::<ObjectiveStatus>(),
            appointment_kinds: choices::<AppointmentKind>(),
            criteria: choices::<DiagnosisCriterion>(),
            families: choices::<StepFamily>(),
            kinds: choices::<ContractKind>(),
            can_write: user.can(Permission::PathwayWrite),
            can_assign: user.can(Permission::ReferentAssign),
            error: error.or(exit_on_error),
            form,
            today: on.to_string(),
            e,
        }
    }
}

/// The maximum duration of a pathway in progress and how close it is, or nothing.
fn duration(e: &Enrolment, programme: &ProgrammeFacts, on: Date) -> String {
    let (Some(entered), Some(max), PathwayState::Entered) =
        (e.entered_on, programme.max_duration_months, e.state)
    else {
        return String::new();
    };
    match duration_status(entered, on, max, programme.alert_months) {
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

fn state_label(code: &str) -> &'static str {
    code.parse::<PathwayState>()
        .map(|s| s.label())
        .unwrap_or("?")
}

fn log_row(t: LoggedTransition) -> LogRow {
    LogRow {
        when: fr(t.occurred_on),
        what: format!(
            "{} → {}",
            state_label(&t.from_state),
            state_label(&t.to_state)
        ),
        by: format!(
            "{} ({})",
            t.user_name.unwrap_or_else(|| "système".into()),
            fr_datetime(&t.at)
        ),
        note: t.note.unwrap_or_default(),
    }
}

/// (name, period).
fn referent_row(r: ReferentPeriod) -> (String, String) {
    let period = match r.until_date {
        None => format!("depuis le {}", fr(r.from_date)),
        Some(u) => format!("du {} au {}", fr(r.from_date), fr(u)),
    };
    (r.display_name, period)
}

fn objective_row(o: Objective) -> (Uuid, String, String, String, String) {
    let status = o.status.code().to_owned();
    (o.id, o.theme, o.objective, o.action, status)
}

/// (family, title and provider, dates, outcome).
fn step_row(st: Step) -> (String, String, String, String) {
    let outcome = match st.validated {
        Some(true) => "validée",
        Some(false) => "non validée",
        None => "",
    };
    let provider = st.provider.map(|p| format!(" ({p})")).unwrap_or_default();
    let end = st
        .end_on
        .map(|d| format!(" → {}", fr(d)))
        .unwrap_or_default();
    (
        st.family.label().to_owned(),
        format!("{}{provider}", st.title),
        format!("{}{end}", fr(st.start_on)),
        outcome.to_owned(),
    )
}

/// (id, type, employer, dates, hours).
fn contract_row(c: StoredContract) -> (Uuid, String, String, String, String) {
    let trial = if c.trial_period_validated {
        ", période d'essai validée"
    } else {
        ""
    };
    let k = c.contract;
    let end = k
        .end
        .map(|d| format!(" → {}", fr(d)))
        .unwrap_or_else(|| " (en cours)".into());
    (
        c.id,
        k.kind.label().to_owned(),
        k.employer,
        format!("{}{end}", fr(k.start)),
        format!("{} h/sem.{trial}", k.weekly_hours),
    )
}

/// (date, kind, held or missed, note, with).
fn appointment_row(a: Appointment) -> (String, String, String, String, String) {
    let attended = if a.attended { "honoré" } else { "absence" };
    (
        fr(a.held_on),
        a.kind.label().to_owned(),
        attended.to_owned(),
        a.note.unwrap_or_default(),
        a.with.unwrap_or_default(),
    )
}

/// (criterion, date, proof, author).
fn diagnosis_row(d: DiagnosisEntry) -> (String, String, String, String) {
    (
        d.criterion.label().to_owned(),
        fr(d.observed_on),
        d.proof,
        d.author.unwrap_or_default(),
    )
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
