//! The benchmark's register: persons through the register's bulk load, then their pathways
//! from 2015 to 2026 (situations, enrolments with their transition log, committee meetings and
//! decisions, referents, follow-ups, steps, employment contracts), generated from a fixed seed
//! and written in multi-row INSERTs inside one transaction.

use std::path::Path;

use passerelle_db::{Db, pathways::programmes, persons, territory};
use passerelle_domain::access::accounts::AccountRequest;
use passerelle_domain::pathways::calendar::add_months;
use passerelle_domain::pathways::employment::ContractKind;
use passerelle_domain::pathways::exit::ExitReason;
use passerelle_domain::pathways::step::StepFamily;
use passerelle_domain::{Role, Team};
use passerelle_services::{By, access};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use time::macros::{date, time};
use time::{Date, Duration};
use uuid::Uuid;

use crate::rows::{Table, V, day, id, weighted};
use passerelle_services::pathways as service;

/// The day the register is observed; referrals stop a month before.
pub const TODAY: Date = date!(2026 - 11 - 29);
pub const STRUCTURE: &str = "Bench";
/// Raise when the generator changes, so that a cached database is not reused.
pub const VERSION: u32 = 2;
const FIRST_DAY: Date = date!(2015 - 01 - 01);
const PLIE_TOWNS: [&str; 3] = ["59512", "59367", "59339"];
const REFERENTS: usize = 12;
const PERSONS_PER_FLUSH: usize = 2_000;

const EXIT_REASONS: [(ExitReason, u32); 11] = [
    (ExitReason::DurableJob, 30),
    (ExitReason::BusinessCreation, 3),
    (ExitReason::TransitionJob, 15),
    (ExitReason::QualifyingTrainingValidated, 8),
    (ExitReason::OtherInsertionEmployer, 5),
    (ExitReason::Abandon, 12),
    (ExitReason::MovedDeathRetirement, 6),
    (ExitReason::Health, 5),
    (ExitReason::Reorientation, 8),
    (ExitReason::MaximumDuration, 4),
    (ExitReason::Other, 4),
];

const FAMILIES: [(StepFamily, u32); 12] = [
    (StepFamily::QualifyingTraining, 6),
    (StepFamily::PreQualifyingTraining, 6),
    (StepFamily::CertifyingTraining, 5),
    (StepFamily::Vae, 2),
    (StepFamily::Immersion, 10),
    (StepFamily::Workshop, 25),
    (StepFamily::Coaching, 15),
    (StepFamily::InsertionJob, 8),
    (StepFamily::Childcare, 5),
    (StepFamily::Mobility, 7),
    (StepFamily::Housing, 5),
    (StepFamily::Health, 6),
];

const CONTRACTS: [(ContractKind, u32); 9] = [
    (ContractKind::TemporaryMission, 45),
    (ContractKind::Cdd, 25),
    (ContractKind::Cddi, 8),
    (ContractKind::Cdi, 6),
    (ContractKind::Pec, 5),
    (ContractKind::Apprenticeship, 3),
    (ContractKind::Professionalisation, 3),
    (ContractKind::Seasonal, 4),
    (ContractKind::BusinessCreation, 1),
];

const EMPLOYERS: [&str; 6] = [
    "Intérim Roubaix",
    "Logistique du Nord",
    "Chantier d'insertion Alma",
    "Hôpital de Roubaix",
    "Commerce de la Grand-Place",
    "Entreprise de nettoyage",
];

const PRESCRIBERS: [&str; 5] = [
    "France Travail Roubaix",
    "Mission locale",
    "CCAS de Roubaix",
    "Département du Nord (UTPAS)",
    "Centre social",
];

/// The second and fourth Tuesdays of each month, from 2015 to the end of 2026.
fn committee_days() -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = FIRST_DAY;
    while d <= date!(2026 - 12 - 31) {
        if d.weekday() == time::Weekday::Tuesday && matches!((d.day() - 1) / 7, 1 | 3) {
            out.push(d);
        }
        d += Duration::days(1);
    }
    out
}

/// Every table the generator writes, in foreign-key order.
struct Tables {
    situations: Table,
    enrolments: Table,
    transitions: Table,
    decisions: Table,
    referents: Table,
    follow_ups: Table,
    steps: Table,
    contracts: Table,
}

impl Tables {
    fn new() -> Tables {
        Tables {
            situations: Table::new(
                "person_situations",
                "id, structure_id, person_id, observed_on, labour_status, receives_rsa, receives_ass, receives_aah,
                 in_education_or_training, jobless_household, dependent_children, single_parent, homeless, recorded_at",
            ),
            enrolments: Table::new(
                "enrolments",
                "id, structure_id, person_id, programme_id, prescriber_organisation, referred_on, referral_reason,
                 entered_on, exited_on, exit_reason, exit_category, exit_proof, created_at",
            ),
            transitions: Table::new(
                "enrolment_transitions",
                "id, structure_id, enrolment_id, event, from_state, to_state, occurred_on, user_id, at",
            ),
            decisions: Table::new(
                "committee_decisions",
                "id, structure_id, meeting_id, enrolment_id, kind, admitted, reason",
            ),
            referents: Table::new(
                "enrolment_referents",
                "id, structure_id, enrolment_id, user_id, from_date, until_date",
            ),
            follow_ups: Table::new(
                "follow_ups",
                "id, structure_id, enrolment_id, due_on, done_on, situation",
            ),
            steps: Table::new(
                "steps",
                "id, structure_id, enrolment_id, programme_id, family, title, provider, start_on, end_on, qualifying, validated, outcome",
            ),
            contracts: Table::new(
                "employment_contracts",
                "id, structure_id, person_id, kind, employer, start_on, end_on, weekly_hours, trial_period_validated",
            ),
        }
    }

    fn all(&mut self) -> [&mut Table; 8] {
        [
            &mut self.situations,
            &mut self.enrolments,
            &mut self.transitions,
            &mut self.decisions,
            &mut self.referents,
            &mut self.follow_ups,
            &mut self.steps,
            &mut self.contracts,
        ]
    }
}

/// What the pathway generator needs besides the rows.
struct Ctx {
    rng: fastrand::Rng,
    structure: Uuid,
    /// The PLIE first, then the other programmes.
    programmes: Vec<Uuid>,
    committee_days: Vec<Date>,
    referents: Vec<Uuid>,
    t: Tables,
}

impl Ctx {
    fn meeting(&self, programme: usize, day: usize) -> Uuid {
        id(2, (programme * self.committee_days.len() + day) as u64)
    }

    fn transition(
        &mut self,
        e: Uuid,
        event: &'static str,
        from: &'static str,
        to: &'static str,
        on: Date,
    ) {
        let n = self.t.transitions.rows;
        let referent = self.referents[self.rng.usize(..REFERENTS)];
        let at =
            on.with_time(time!(10:00)).assume_utc() + Duration::seconds(self.rng.i64(0..28_800));
        let s = self.structure;
        self.t.transitions.push([
            V::Id(id(4, n)),
            V::Id(s),
            V::Id(e),
            V::Text(event),
            V::Text(from),
            V::Text(to),
            V::Day(on),
            V::Id(referent),
            V::At(at),
        ]);
    }

    fn situation(&mut self, person: Uuid, on: Date, rsa: bool) {
        let n = self.t.situations.rows;
        let r = &mut self.rng;
        let status = weighted(r, &[("unemployed", 82), ("employed", 9), ("inactive", 9)]);
        let row = [
            V::Id(id(1, n)),
            V::Id(self.structure),
            V::Id(person),
            V::Day(on),
            V::Text(status),
            V::Int(i64::from(rsa)),
            V::Int(i64::from(r.u32(..100) < 6)),
            V::Int(i64::from(r.u32(..100) < 4)),
            V::Int(0),
            V::Int(i64::from(r.u32(..100) < 45)),
            V::Int(i64::from(r.u32(..100) < 50)),
            V::Int(i64::from(r.u32(..100) < 18)),
            V::Int(i64::from(r.u32(..100) < 5)),
            V::At(on.midnight().assume_utc()),
        ];
        self.t.situations.push(row);
    }

    /// One pathway referred on `referred`; returns the day it ended (refusal or exit), `None`
    /// while it is still open.
    fn pathway(&mut self, person: Uuid, programme: usize, referred: Date) -> Option<Date> {
        let e = id(3, self.t.enrolments.rows);
        let (mut entered, mut exited, mut reason) = (None, None, None);
        let mut ended = Some(referred + Duration::days(30));
        if self.rng.u32(..100) < 95 {
            self.transition(
                e,
                "propose_to_committee",
                "referred",
                "proposed_to_committee",
                referred + Duration::days(2),
            );
            let first = referred + Duration::days(14);
            let k = self.committee_days.partition_point(|d| *d < first);
            ended = match self.committee_days.get(k).filter(|d| **d <= TODAY) {
                None => None,
                Some(&on) => {
                    let admitted = self.rng.u32(..100) < 88;
                    let n = self.t.decisions.rows;
                    let reason_text = if admitted {
                        "Projet professionnel validé"
                    } else {
                        "Orientation plus adaptée"
                    };
                    let row = [
                        V::Id(id(5, n)),
                        V::Id(self.structure),
                        V::Id(self.meeting(programme, k)),
                        V::Id(e),
                        V::Text("entry"),
                        V::Int(i64::from(admitted)),
                        V::Text(reason_text),
                    ];
                    self.t.decisions.push(row);
                    if admitted {
                        self.transition(
                            e,
                            "committee_admits",
                            "proposed_to_committee",
                            "entered",
                            on,
                        );
                        entered = Some(on);
                        self.enter(e, on, programme, &mut exited, &mut reason)
                    } else {
                        self.transition(
                            e,
                            "committee_refuses",
                            "proposed_to_committee",
                            "refused",
                            on,
                        );
                        Some(on)
                    }
                }
            };
        }
        let row = [
            V::Id(e),
            V::Id(self.structure),
            V::Id(person),
            V::Id(self.programmes[programme]),
            V::Text(PRESCRIBERS[self.rng.usize(..PRESCRIBERS.len())]),
            V::Day(referred),
            V::Text("Accompagnement renforcé vers l'emploi"),
            day(entered),
            day(exited),
            reason.map_or(V::Null, |r: ExitReason| V::Text(r.code())),
            reason.map_or(V::Null, |r| V::Text(r.category().code())),
            reason.map_or(V::Null, |_| V::Text("Contrat de travail ou attestation")),
            V::At(referred.midnight().assume_utc()),
        ];
        self.t.enrolments.push(row);
        ended
    }

    /// The pathway from its entry: referents, steps, and its exit and follow-up when they are
    /// past. Returns the exit day.
    fn enter(
        &mut self,
        e: Uuid,
        entered: Date,
        programme: usize,
        exited: &mut Option<Date>,
        reason: &mut Option<ExitReason>,
    ) -> Option<Date> {
        let max_days = if programme == 0 { 1_100 } else { 400 };
        let exit =
            Some(entered + Duration::days(self.rng.i64(60..max_days))).filter(|d| *d <= TODAY);
        let s = self.structure;
        // Referents: one, or two when the caseload changed hands half-way.
        let last = exit.unwrap_or(TODAY);
        let mut from = entered;
        if self.rng.u32(..100) < 20 {
            let mid = entered + (last - entered) / 2;
            let n = self.t.referents.rows;
            let user = self.referents[self.rng.usize(..REFERENTS)];
            self.t.referents.push([
                V::Id(id(6, n)),
                V::Id(s),
                V::Id(e),
                V::Id(user),
                V::Day(from),
                V::Day(mid - Duration::days(1)),
            ]);
            from = mid;
        }
        let n = self.t.referents.rows;
        let user = self.referents[self.rng.usize(..REFERENTS)];
        self.t.referents.push([
            V::Id(id(6, n)),
            V::Id(s),
            V::Id(e),
            V::Id(user),
            V::Day(from),
            day(exit),
        ]);
        // Steps within the pathway.
        let span = (last - entered).whole_days().max(1);
        for _ in 0..6 + self.rng.usize(..20) {
            let family = weighted(&mut self.rng, &FAMILIES);
            let start = entered + Duration::days(self.rng.i64(0..span));
            let long = if family.is_upskilling() { 300 } else { 60 };
            let end = Some(start + Duration::days(self.rng.i64(1..long))).filter(|d| *d <= TODAY);
            let validated = match (family.is_upskilling(), end, self.rng.u32(..100)) {
                (true, Some(_), 0..55) => Some(true),
                (true, Some(_), 55..80) => Some(false),
                _ => None,
            };
            let qualifying = matches!(
                family,
                StepFamily::QualifyingTraining | StepFamily::CertifyingTraining
            );
            let n = self.t.steps.rows;
            let row = [
                V::Id(id(7, n)),
                V::Id(s),
                V::Id(e),
                V::Id(self.programmes[programme]),
                V::Text(family.code()),
                V::Text(family.label()),
                if self.rng.bool() {
                    V::Text("AFPA Roubaix")
                } else {
                    V::Null
                },
                V::Day(start),
                day(end),
                V::Int(i64::from(qualifying)),
                validated.map_or(V::Null, |v| V::Int(i64::from(v))),
                match validated {
                    Some(true) => V::Text("Titre obtenu"),
                    Some(false) => V::Text("Non obtenu"),
                    None => V::Null,
                },
            ];
            self.t.steps.push(row);
        }
        let exit = exit?;
        let why = weighted(&mut self.rng, &EXIT_REASONS);
        *exited = Some(exit);
        *reason = Some(why);
        self.transition(e, "exit", "entered", "exited", exit);
        let due = add_months(exit, 6);
        let done = Some(due + Duration::days(self.rng.i64(0..20)))
            .filter(|d| *d <= TODAY && self.rng.u32(..100) < 70);
        let n = self.t.follow_ups.rows;
        let situation = done.map_or(V::Null, |_| V::Text("En emploi"));
        self.t.follow_ups.push([
            V::Id(id(8, n)),
            V::Id(s),
            V::Id(e),
            V::Day(due),
            day(done),
            situation,
        ]);
        if let Some(done) = done {
            self.transition(e, "record_follow_up", "exited", "followed_up", done);
        }
        Some(exit)
    }

    fn contracts(&mut self, person: Uuid) {
        for _ in 0..4 + self.rng.usize(..22) {
            let kind = weighted(&mut self.rng, &CONTRACTS);
            let start = date!(2014 - 01 - 01) + Duration::days(self.rng.i64(0..4_716));
            let end = match kind {
                ContractKind::Cdi | ContractKind::BusinessCreation => None,
                _ => Some(start + Duration::days(self.rng.i64(5..400))),
            };
            let n = self.t.contracts.rows;
            let row = [
                V::Id(id(9, n)),
                V::Id(self.structure),
                V::Id(person),
                V::Text(kind.code()),
                V::Text(EMPLOYERS[self.rng.usize(..EMPLOYERS.len())]),
                V::Day(start),
                day(end),
                V::Real([35.0, 35.0, 28.0, 24.0, 20.0, 17.5][self.rng.usize(..6)]),
                V::Int(i64::from(self.rng.bool())),
            ];
            self.t.contracts.push(row);
        }
    }

    /// A person's situations, pathways one after the other, and contracts.
    fn person(&mut self, person: Uuid, plie_town: bool) {
        let receives_rsa = self.rng.u32(..100) < 40;
        let mut referred = FIRST_DAY + Duration::days(self.rng.i64(0..365 * 10));
        for _ in 0..3 {
            if referred > TODAY - Duration::days(30) {
                break;
            }
            // The situation known at the referral (RSA changes now and then).
            if self.rng.u32(..100) < 90 {
                let rsa = receives_rsa != (self.rng.u32(..100) < 12);
                let on = referred - Duration::days(self.rng.i64(0..60));
                self.situation(person, on, rsa);
            }
            let plie_share = if plie_town { 65 } else { 8 };
            let programme = if self.rng.u32(..100) < plie_share {
                0
            } else {
                1 + self.rng.usize(..self.programmes.len() - 1)
            };
            match self.pathway(person, programme, referred) {
                Some(end) => referred = end + Duration::days(self.rng.i64(180..1_500)),
                None => break,
            }
        }
        if self.rng.bool() {
            let on = FIRST_DAY + Duration::days(self.rng.i64(0..4_300));
            self.situation(person, on, receives_rsa);
        }
        self.contracts(person);
    }
}

/// Generates the register of `n` persons into a new SQLite database at `path`.
pub async fn generate(path: &Path, n: usize) -> anyhow::Result<()> {
    // A generation-only connection: no journal, no sync, a large page cache. The benchmark
    // reopens the file with the application's settings.
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Off)
        .synchronous(SqliteSynchronous::Off)
        .foreign_keys(true)
        .pragma("cache_size", "-524288");
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await?;
    let db = Db::Sqlite(pool.clone());
    db.migrate().await?;
    territory::ensure_default_communes(&db).await?;
    passerelle_services::territory::install_qpv_list(&db, "demo", &passerelle_demo::demo_qpvs())
        .await?;
    let structure = passerelle_services::access::create_structure(&db, STRUCTURE)
        .await?
        .id;
    let by = By::Server {
        structure_id: structure,
    };
    service::install_default_programmes(&db, structure).await?;
    let programmes: Vec<Uuid> = programmes::list(&db, structure)
        .await?
        .iter()
        .map(|p| p.id)
        .collect();
    let mut referents = Vec::new();
    for i in 0..REFERENTS {
        let email = format!("referent{i}@bench.invalid");
        let request = AccountRequest {
            email: &email,
            display_name: "Référent",
            role: Some(Role::Referent),
            teams: vec![Team::Plie],
            password: "mot-de-passe-du-banc",
            confirm: "mot-de-passe-du-banc",
        };
        referents.push(access::create_account(&db, &by, &request).await?.id);
    }

    // Persons, as the register loads them (name-search tokens included).
    let mut persons_loaded: Vec<(Uuid, bool)> = Vec::with_capacity(n);
    while persons_loaded.len() < n {
        let size = 20_000.min(n - persons_loaded.len());
        let people: Vec<_> = passerelle_demo::population(persons_loaded.len() as u64, size, TODAY)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        let ids = persons::bulk_insert(&db, structure, &people).await?;
        persons_loaded.extend(
            ids.into_iter().zip(
                people
                    .iter()
                    .map(|p| PLIE_TOWNS.contains(&p.commune_code.as_str())),
            ),
        );
    }

    let mut ctx = Ctx {
        rng: fastrand::Rng::with_seed(2021),
        structure,
        programmes,
        committee_days: committee_days(),
        referents,
        t: Tables::new(),
    };
    let mut tx = pool.begin().await?;
    let mut meetings = Table::new(
        "committee_meetings",
        "id, structure_id, programme_id, held_on",
    );
    for (p, programme) in ctx.programmes.iter().enumerate() {
        for (k, on) in ctx.committee_days.iter().enumerate() {
            meetings.push([
                V::Id(ctx.meeting(p, k)),
                V::Id(structure),
                V::Id(*programme),
                V::Day(*on),
            ]);
        }
    }
    meetings.flush(&mut tx).await?;
    for chunk in persons_loaded.chunks(PERSONS_PER_FLUSH) {
        for (person, plie_town) in chunk {
            ctx.person(*person, *plie_town);
        }
        for table in ctx.t.all() {
            table.flush(&mut tx).await?;
        }
    }
    tx.commit().await?;
    pool.close().await;
    Ok(())
}
