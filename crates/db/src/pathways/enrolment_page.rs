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

use passerelle_domain::pathways::exit::{ExitReason, ExitRules, Proposal};
use passerelle_domain::pathways::referent::{Candidate, may_hold};
use passerelle_domain::{Role, Team};
use time::Date;
use uuid::Uuid;

use crate::pathways::contracts::{self, StoredContract};
use crate::pathways::enrolments::{self, Enrolment, LoggedTransition, ReferentPeriod, state_of_e};
use crate::pathways::scope::{Scope, pathway_condition};
use crate::pathways::steps::{self, Appointment, DiagnosisEntry, Objective, Step};
use crate::pathways::{programmes, proposal};
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
        let (e, rules) = (&self.enrolment, &self.programme.exit_rules);
        proposal::propose_from(e, &self.contracts, &self.steps, rules, on)
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
        referents: enrolments::referents(&mut tx, s, id).await?,
        log: enrolments::log(&mut tx, s, id).await?,
        objectives: steps::objectives(&mut tx, s, id).await?,
        steps: steps::of_enrolment(&mut tx, s, id).await?,
        contracts: contracts::of_person(&mut tx, s, person_id).await?,
        appointments: steps::appointments(&mut tx, s, id).await?,
        diagnosis: steps::diagnosis(&mut tx, s, id).await?,
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
    #[sqlx(flatten)]
    enrolment: enrolments::Row,
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
        exit_reasons: programmes::exit_reasons(&r.exit_reasons)?,
        exit_rules: ExitRules {
            transition_window_months: r.transition_window_months as i32,
            ..ExitRules::default()
        },
    };
    let enrolment = Enrolment::try_from(r.enrolment)?;
    let person_name = format!("{} {}", r.last_name, r.first_names);
    Ok((enrolment, person_name, programme))
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
