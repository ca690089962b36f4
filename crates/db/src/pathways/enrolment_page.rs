//! The enrolment page's read model: everything the page shows about one pathway (the pathway
//! with its person and programme, referents, transition log, roadmap, steps, contracts,
//! appointments, diagnosis, and who may become its referent), read in one go on one
//! connection, inside one transaction so that SQLite shows the sections as of one moment.
//!
//! The page used to call a dozen repository functions one after the other, each on a
//! connection of its own, plus one query per staff member for their teams and three more for
//! the exit proposal. Here the pathway, its person and programme are one join, the staff with
//! their teams one query, and the exit proposal is computed from the contracts and steps
//! already read: nine queries on one connection, whatever the size of the staff.

use passerelle_domain::pathways::employment::Contract;
use passerelle_domain::pathways::exit::{ExitReason, ExitRules, Proposal, propose};
use passerelle_domain::pathways::referent::{Candidate, may_hold};
use passerelle_domain::{Role, Team};
use time::Date;
use uuid::Uuid;

use crate::pathways::contracts::StoredContract;
use crate::pathways::enrolments::{Enrolment, LoggedTransition, ReferentPeriod, state_of_e};
use crate::pathways::scope::{Scope, pathway_condition};
use crate::pathways::steps::{self, Appointment, DiagnosisEntry, Objective, Step};
use crate::{Db, DbError, DbResult, Tx, parse_code, with_tx};

/// What the page shows of the pathway's programme.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeFacts {
    pub name: String,
    pub team: Team,
    pub max_duration_months: Option<i32>,
    pub alert_months: i32,
    /// The exit reasons it records, in the order of its typology.
    pub exit_reasons: Vec<ExitReason>,
    pub exit_rules: ExitRules,
}

/// A staff member who may become the pathway's referent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: Uuid,
    pub display_name: String,
}

/// Everything the enrolment page shows, as plain data.
#[derive(Debug, Clone)]
pub struct EnrolmentPage {
    pub enrolment: Enrolment,
    /// « NOM Prénoms », as `Person::full_name` writes it.
    pub person_name: String,
    pub programme: ProgrammeFacts,
    /// The current referent first.
    pub referents: Vec<ReferentPeriod>,
    /// The transition log, oldest first.
    pub log: Vec<LoggedTransition>,
    pub objectives: Vec<Objective>,
    pub steps: Vec<Step>,
    /// The person's contracts (all of them: the page lists them, the exit proposal keeps those
    /// of the pathway's time).
    pub contracts: Vec<StoredContract>,
    /// The latest first.
    pub appointments: Vec<Appointment>,
    pub diagnosis: Vec<DiagnosisEntry>,
    /// The structure's staff who may hold this programme's pathways, by name.
    pub referent_candidates: Vec<StaffMember>,
}

impl EnrolmentPage {
    /// What the rules propose as the exit on `on`, from the contracts held during the pathway
    /// and its trainings, as `enrolments::proposed_exit` computes it (without reading again).
    pub fn proposed_exit(&self, on: Date) -> Option<Proposal> {
        let e = &self.enrolment;
        let since = e.entered_on.unwrap_or(e.referred_on);
        let contracts: Vec<Contract> = self
            .contracts
            .iter()
            .map(|c| c.contract.clone())
            .filter(|c| c.end.is_none_or(|end| end >= since))
            .collect();
        propose(
            &contracts,
            &steps::trainings(&self.steps),
            on,
            &self.programme.exit_rules,
        )
    }
}

/// Reads the page of pathway `id` if `scope` covers it; [`DbError::NotFound`] otherwise, as if
/// it did not exist.
pub async fn read(db: &Db, scope: &Scope, id: Uuid) -> DbResult<EnrolmentPage> {
    let s = scope.structure_id();
    let mut tx = db.begin().await?;
    let (enrolment, person_name, programme) = head(&mut tx, scope, id).await?;
    let person_id = enrolment.person_id;
    let team = programme.team;
    let page = EnrolmentPage {
        referents: referents(&mut tx, s, id).await?,
        log: log(&mut tx, s, id).await?,
        objectives: objectives(&mut tx, s, id).await?,
        steps: steps_of(&mut tx, s, id).await?,
        contracts: contracts(&mut tx, s, person_id).await?,
        appointments: appointments(&mut tx, s, id).await?,
        diagnosis: diagnosis(&mut tx, s, id).await?,
        referent_candidates: candidates(&mut tx, s, team).await?,
        enrolment,
        person_name,
        programme,
    };
    tx.rollback().await?;
    Ok(page)
}

#[derive(sqlx::FromRow)]
struct HeadRow {
    id: Uuid,
    person_id: Uuid,
    programme_id: Uuid,
    prescriber_organisation: String,
    prescriber_name: Option<String>,
    referred_on: Date,
    referral_reason: String,
    entered_on: Option<Date>,
    exited_on: Option<Date>,
    exit_reason: Option<String>,
    exit_proof: Option<String>,
    exit_explanation: Option<String>,
    state: Option<String>,
    version: i64,
    last_name: String,
    first_names: String,
    programme_name: String,
    team: String,
    exit_reasons: String,
    max_duration_months: Option<i64>,
    alert_months: i64,
    transition_window_months: i64,
}

/// The pathway in the scope, with its person's name and its programme: one join.
async fn head(
    tx: &mut Tx,
    scope: &Scope,
    id: Uuid,
) -> DbResult<(Enrolment, String, ProgrammeFacts)> {
    let sql = crate::sql![
        concat!(
            "SELECT e.id, e.person_id, e.programme_id, e.prescriber_organisation, e.prescriber_name,
            e.referred_on, e.referral_reason, e.entered_on, e.exited_on, e.exit_reason, e.exit_proof,
            e.exit_explanation, e.version, ",
            state_of_e!(),
            " AS state,
            p.last_name, p.first_names, g.name AS programme_name, g.team, g.exit_reasons,
            g.max_duration_months, g.alert_months, g.transition_window_months
         FROM enrolments e
         JOIN persons p ON p.id = e.person_id AND p.structure_id = e.structure_id
         JOIN programmes g ON g.id = e.programme_id AND g.structure_id = e.structure_id
         WHERE "
        ),
        pathway_condition(scope, "e"),
        " AND e.id = ",
        crate::sql::bind(id)
    ];
    let row: Option<HeadRow> = with_tx!(tx, |c| {
        crate::sql_query!(sqlx::query_as::<_, HeadRow>, sql)
            .fetch_optional(&mut *c)
            .await?
    });
    let r = row.ok_or(DbError::NotFound)?;
    let programme = ProgrammeFacts {
        name: r.programme_name,
        team: parse_code(&r.team)?,
        max_duration_months: r.max_duration_months.map(|m| m as i32),
        alert_months: r.alert_months as i32,
        exit_reasons: exit_reasons(&r.exit_reasons)?,
        exit_rules: ExitRules {
            transition_window_months: r.transition_window_months as i32,
            ..ExitRules::default()
        },
    };
    let enrolment = Enrolment {
        id: r.id,
        person_id: r.person_id,
        programme_id: r.programme_id,
        prescriber_organisation: r.prescriber_organisation,
        prescriber_name: r.prescriber_name,
        referred_on: r.referred_on,
        referral_reason: r.referral_reason,
        entered_on: r.entered_on,
        exited_on: r.exited_on,
        exit_reason: r.exit_reason.map(|c| parse_code(&c)).transpose()?,
        exit_proof: r.exit_proof,
        exit_explanation: r.exit_explanation,
        state: match r.state {
            Some(s) => parse_code(&s)?,
            None => passerelle_domain::pathways::workflow::PathwayState::Referred,
        },
        version: r.version,
    };
    let person_name = format!("{} {}", r.last_name, r.first_names);
    Ok((enrolment, person_name, programme))
}

/// A programme's stored exit typology: codes separated by spaces, every reason when empty (as
/// `programmes` reads it).
fn exit_reasons(stored: &str) -> DbResult<Vec<ExitReason>> {
    if stored.trim().is_empty() {
        return Ok(ExitReason::VARIANTS.to_vec());
    }
    stored.split_whitespace().map(parse_code).collect()
}

async fn referents(tx: &mut Tx, s: Uuid, id: Uuid) -> DbResult<Vec<ReferentPeriod>> {
    Ok(with_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT r.user_id, u.display_name, r.from_date, r.until_date
             FROM enrolment_referents r JOIN users u ON u.id = r.user_id
             WHERE r.structure_id = $1 AND r.enrolment_id = $2
             ORDER BY CASE WHEN r.until_date IS NULL THEN 0 ELSE 1 END, r.from_date DESC",
        )
        .bind(s)
        .bind(id)
        .fetch_all(&mut *c)
        .await?
    }))
}

async fn log(tx: &mut Tx, s: Uuid, id: Uuid) -> DbResult<Vec<LoggedTransition>> {
    Ok(with_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT t.event, t.from_state, t.to_state, t.occurred_on, t.note, u.display_name AS user_name, t.at
             FROM enrolment_transitions t LEFT JOIN users u ON u.id = t.user_id
             WHERE t.structure_id = $1 AND t.enrolment_id = $2 ORDER BY t.at, t.id",
        )
        .bind(s)
        .bind(id)
        .fetch_all(&mut *c)
        .await?
    }))
}

async fn objectives(tx: &mut Tx, s: Uuid, id: Uuid) -> DbResult<Vec<Objective>> {
    let rows: Vec<(Uuid, String, String, String, String)> = with_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT id, theme, objective, action, status FROM objectives
             WHERE structure_id = $1 AND enrolment_id = $2 ORDER BY theme, created_on, id",
        )
        .bind(s)
        .bind(id)
        .fetch_all(&mut *c)
        .await?
    });
    rows.into_iter()
        .map(|(id, theme, objective, action, status)| {
            Ok(Objective {
                id,
                theme,
                objective,
                action,
                status: parse_code(&status)?,
            })
        })
        .collect()
}

/// id, family, title, provider, start, end, qualifying, validated.
type StepRow = (
    Uuid,
    String,
    String,
    Option<String>,
    Date,
    Option<Date>,
    bool,
    Option<bool>,
);

async fn steps_of(tx: &mut Tx, s: Uuid, id: Uuid) -> DbResult<Vec<Step>> {
    let rows: Vec<StepRow> = with_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT id, family, title, provider, start_on, end_on, qualifying, validated FROM steps
             WHERE structure_id = $1 AND enrolment_id = $2 ORDER BY start_on, id",
        )
        .bind(s)
        .bind(id)
        .fetch_all(&mut *c)
        .await?
    });
    rows.into_iter()
        .map(
            |(id, family, title, provider, start_on, end_on, qualifying, validated)| {
                Ok(Step {
                    id,
                    family: parse_code(&family)?,
                    title,
                    provider,
                    start_on,
                    end_on,
                    qualifying,
                    validated,
                })
            },
        )
        .collect()
}

/// id, person, kind, employer, start, end, weekly hours, trial period validated, version.
type ContractRow = (
    Uuid,
    Uuid,
    String,
    String,
    Date,
    Option<Date>,
    f64,
    bool,
    i64,
);

async fn contracts(tx: &mut Tx, s: Uuid, person_id: Uuid) -> DbResult<Vec<StoredContract>> {
    let rows: Vec<ContractRow> = with_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT id, person_id, kind, employer, start_on, end_on, weekly_hours, trial_period_validated, version
             FROM employment_contracts WHERE structure_id = $1 AND person_id = $2 ORDER BY start_on, id",
        )
        .bind(s)
        .bind(person_id)
        .fetch_all(&mut *c)
        .await?
    });
    rows.into_iter()
        .map(
            |(id, person_id, kind, employer, start, end, weekly_hours, trial, version)| {
                Ok(StoredContract {
                    id,
                    person_id,
                    contract: Contract {
                        kind: parse_code(&kind)?,
                        employer,
                        start,
                        end,
                        weekly_hours,
                    },
                    trial_period_validated: trial,
                    version,
                })
            },
        )
        .collect()
}

/// held on, kind, attended, note, staff member.
type AppointmentRow = (Date, String, bool, Option<String>, Option<String>);

async fn appointments(tx: &mut Tx, s: Uuid, id: Uuid) -> DbResult<Vec<Appointment>> {
    let rows: Vec<AppointmentRow> = with_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT a.held_on, a.kind, a.attended, a.note, u.display_name FROM appointments a
             LEFT JOIN users u ON u.id = a.user_id
             WHERE a.structure_id = $1 AND a.enrolment_id = $2 ORDER BY a.held_on DESC, a.recorded_at DESC",
        )
        .bind(s)
        .bind(id)
        .fetch_all(&mut *c)
        .await?
    });
    rows.into_iter()
        .map(|(held_on, kind, attended, note, with)| {
            Ok(Appointment {
                held_on,
                kind: parse_code(&kind)?,
                attended,
                note,
                with,
            })
        })
        .collect()
}

async fn diagnosis(tx: &mut Tx, s: Uuid, id: Uuid) -> DbResult<Vec<DiagnosisEntry>> {
    let rows: Vec<(String, Date, String, Option<String>)> = with_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT d.criterion, d.observed_on, d.proof, u.display_name FROM diagnosis_criteria d
             LEFT JOIN users u ON u.id = d.author_id
             WHERE d.structure_id = $1 AND d.enrolment_id = $2 ORDER BY d.observed_on, d.recorded_at",
        )
        .bind(s)
        .bind(id)
        .fetch_all(&mut *c)
        .await?
    });
    rows.into_iter()
        .map(|(c, observed_on, proof, author)| {
            Ok(DiagnosisEntry {
                criterion: parse_code(&c)?,
                observed_on,
                proof,
                author,
            })
        })
        .collect()
}

/// id, name, role, active, one of the teams (none: no team).
type StaffRow = (Uuid, String, String, bool, Option<String>);

/// The structure's staff who may hold a pathway of `team` (`referent::may_hold`), by name: the
/// accounts and their teams in one query, one row per team.
async fn candidates(tx: &mut Tx, s: Uuid, team: Team) -> DbResult<Vec<StaffMember>> {
    let rows: Vec<StaffRow> = with_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT u.id, u.display_name, u.role, u.active, t.team
             FROM users u LEFT JOIN user_teams t ON t.user_id = u.id
             WHERE u.structure_id = $1 ORDER BY u.display_name, u.email, u.id, t.team",
        )
        .bind(s)
        .fetch_all(&mut *c)
        .await?
    });
    let mut staff: Vec<(StaffMember, Role, bool, Vec<Team>)> = Vec::new();
    for (id, display_name, role, active, t) in rows {
        if staff.last().is_none_or(|(m, ..)| m.id != id) {
            let member = StaffMember { id, display_name };
            staff.push((member, parse_code(&role)?, active, Vec::new()));
        }
        if let (Some(t), Some((.., teams))) = (t, staff.last_mut()) {
            teams.push(parse_code(&t)?);
        }
    }
    Ok(staff
        .into_iter()
        .filter(|(_, role, active, teams)| {
            let candidate = Candidate {
                role: *role,
                teams,
                active: *active,
            };
            may_hold(candidate, team)
        })
        .map(|(member, ..)| member)
        .collect())
}
