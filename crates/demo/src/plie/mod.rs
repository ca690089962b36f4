//! The demo's PLIE activity of 2018 to 2026, recorded through the same repositories as the
//! pages, so that counting the records gives the figures of the MiE's 2021 activity report
//! (FIGURES-2021.md): the generator aims at the figures; counting never knows them.

use std::collections::HashMap;

use passerelle_db::{Db, pathways::programmes, persons::situations};
use passerelle_domain::Role;
use passerelle_domain::audit::Actor;
use passerelle_domain::pathways::calendar::add_months;
use passerelle_domain::pathways::employment::ContractKind;
use passerelle_domain::pathways::exit::ExitReason;
use passerelle_domain::pathways::step::StepFamily;
use passerelle_domain::pathways::workflow::PathwayEvent;
use passerelle_domain::persons::PersonFields;
use passerelle_domain::persons::situation::{LabourStatus, SituationFields};
use passerelle_services::pathways::{self as service, NewStep, TransitionData};
use time::macros::date;
use time::{Date, Duration, Month};
use uuid::Uuid;

mod earlier;
mod record;
mod today;

use record::Ctx;

use crate::DemoResult;

/// What the 2021 report prints, and what the demo's records must count to.
pub struct Targets {
    pub accompanied: usize,
    pub entries: usize,
    pub rsa_at_entry: usize,
    pub upskilling_steps: usize,
    /// Contracts starting in 2021 by town of residence: Roubaix, Lys-lez-Lannoy, Leers.
    pub contracts_2021: [(&'static str, usize); 3],
    pub contracts_2020: usize,
    pub exits: usize,
    pub durable_exits: usize,
    pub other_dynamic_exits: usize,
    pub trainings_obtained: usize,
    pub committees_2021: usize,
}

pub const TARGETS: Targets = Targets {
    accompanied: 662,
    entries: 217,
    rsa_at_entry: 430,
    upskilling_steps: 314,
    contracts_2021: [("59512", 389), ("59367", 21), ("59339", 4)],
    contracts_2020: 410,
    exits: 100,
    durable_exits: 49,
    other_dynamic_exits: 28,
    trainings_obtained: 16,
    committees_2021: 19,
};

pub(crate) const ROUBAIX: &str = "59512";
pub(crate) const LYS: &str = "59367";
pub(crate) const LEERS: &str = "59339";

/// A person of the population, as the generator picks participants.
pub struct Resident {
    pub id: Uuid,
    pub commune: String,
    pub birth: Date,
}

impl Resident {
    pub fn from_fields(id: Uuid, f: &PersonFields) -> Resident {
        Resident {
            id,
            commune: f.commune_code.clone(),
            birth: f.birth_date,
        }
    }
}

/// The second and fourth Tuesdays of each month from `from` to `to`.
fn committee_dates(from: Date, to: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        if d.weekday() == time::Weekday::Tuesday && matches!((d.day() - 1) / 7, 1 | 3) {
            out.push(d);
        }
        d += Duration::days(1);
    }
    out
}

/// The 19 access committees of 2021 (none in August, one in December).
pub(crate) fn committees_2021() -> Vec<Date> {
    committee_dates(date!(2021 - 01 - 01), date!(2021 - 12 - 31))
        .into_iter()
        .filter(|d| d.month() != Month::August && !(d.month() == Month::December && d.day() > 14))
        .filter(|d| !(d.month() == Month::July && d.day() > 14))
        .take(TARGETS.committees_2021)
        .collect()
}

/// One participant's plan for 2021.
struct Participant<'a> {
    resident: &'a Resident,
    enrolment: Uuid,
    entered: Date,
    exit: Option<Date>,
    referent: usize,
}

/// Records the PLIE activity. `population` is the register in insertion order.
pub async fn build(
    db: &Db,
    structure_id: Uuid,
    manager: Uuid,
    referents: &[Uuid],
    population: &[Resident],
) -> DemoResult<()> {
    service::install_default_programmes(db, structure_id).await?;
    let programme = programmes::by_code(
        db,
        structure_id,
        passerelle_domain::pathways::programme::PLIE,
    )
    .await?
    .id;
    let actor = |user_id| Actor {
        structure_id,
        user_id,
    };
    let mut ctx = Ctx {
        db,
        manager: actor(manager),
        referents: referents.iter().map(|u| actor(*u)).collect(),
        rng: fastrand::Rng::with_seed(crate::SEED + 1),
        programme,
        meetings: HashMap::new(),
    };
    let n_ref = referents.len();

    // Who can enter: PLIE towns, adults by 2018.
    let adult = |r: &&Resident| r.birth <= date!(2000 - 01 - 01);
    let roubaix_lys: Vec<&Resident> = population
        .iter()
        .filter(|r| r.commune == ROUBAIX || r.commune == LYS)
        .filter(adult)
        .collect();
    let leers: Vec<&Resident> = population
        .iter()
        .filter(|r| r.commune == LEERS)
        .filter(adult)
        .collect();
    let before_2021 = TARGETS.accompanied - TARGETS.entries;
    let leers_entrants = 6.min(leers.len());
    let mut pool = roubaix_lys.into_iter();

    // Group A: entered 2018–2020, active on 1 January 2021. The first hundred exit in 2021,
    // after 24 or 36 months (mean 30).
    let old_meetings = committee_dates(date!(2018 - 01 - 01), date!(2020 - 12 - 31));
    let mut participants: Vec<Participant> = Vec::new();
    for i in 0..before_2021 {
        let r = pool.next().ok_or_else(|| {
            passerelle_db::DbError::Refused("population trop petite pour la démo PLIE".into())
        })?;
        let (entered, exit) = if i < TARGETS.exits {
            // Half in 2018 for 36 months, half in 2019 for 24: exits spread over 2021.
            let (year, months) = if i % 2 == 0 { (2018, 36) } else { (2019, 24) };
            let candidates: Vec<Date> = old_meetings
                .iter()
                .copied()
                .filter(|d| d.year() == year)
                .collect();
            let entered = candidates[(i / 2) % candidates.len()];
            (entered, Some(add_months(entered, months)))
        } else {
            let entered =
                old_meetings[old_meetings.len() / 3 + ctx.rng.usize(..old_meetings.len() * 2 / 3)];
            (
                entered,
                Some(add_months(entered, 24 + ctx.rng.i32(0..12)).max(date!(2022 - 01 - 10))),
            )
        };
        let referent = i % n_ref;
        let enrolment = ctx.enter(r, entered, true, referent).await?;
        participants.push(Participant {
            resident: r,
            enrolment,
            entered,
            exit,
            referent,
        });
    }

    // Group B: the 217 entries of 2021, Leers residents only from February.
    let meetings_2021 = committees_2021();
    for i in 0..TARGETS.entries {
        let leers_one = i < leers_entrants;
        let r = if leers_one {
            leers[i]
        } else {
            pool.next()
                .ok_or_else(|| passerelle_db::DbError::Refused("population trop petite".into()))?
        };
        let eligible: Vec<Date> = meetings_2021
            .iter()
            .copied()
            .filter(|d| !leers_one || *d >= date!(2021 - 02 - 01))
            .collect();
        let entered = eligible[i % eligible.len()];
        let referent = i % n_ref;
        let enrolment = ctx.enter(r, entered, true, referent).await?;
        let exit = Some(add_months(entered, 18 + ctx.rng.i32(0..18)));
        participants.push(Participant {
            resident: r,
            enrolment,
            entered,
            exit,
            referent,
        });
    }
    // Some candidates are not retained (non-entries).
    for i in 0..12 {
        if let Some(r) = pool.next() {
            ctx.enter(r, meetings_2021[i % meetings_2021.len()], false, i % n_ref)
                .await?;
        }
    }

    // The situation observed at referral: RSA for 430 of them.
    let mut order: Vec<usize> = (0..participants.len()).collect();
    ctx.rng.shuffle(&mut order);
    let mut rsa = vec![false; participants.len()];
    for &i in order.iter().take(TARGETS.rsa_at_entry) {
        rsa[i] = true;
    }
    let observations: Vec<(Uuid, SituationFields)> = participants
        .iter()
        .zip(&rsa)
        .map(|(p, rsa)| {
            (
                p.resident.id,
                SituationFields {
                    observed_on: p.entered - Duration::days(20),
                    labour_status: LabourStatus::Unemployed,
                    jobseeker_since: Some(
                        p.entered - Duration::days(400 + (p.entered.ordinal() as i64)),
                    ),
                    receives_rsa: *rsa,
                    receives_ass: false,
                    receives_aah: false,
                    education_level: Some([2, 3, 3, 4, 3][p.entered.day() as usize % 5]),
                    in_education_or_training: false,
                    jobless_household: *rsa,
                    dependent_children: p.entered.day() % 2 == 0,
                    single_parent: p.entered.day() % 5 == 0,
                    homeless: false,
                    rqth: None,
                    foreign_background: None,
                    justice_supervision: None,
                    health_notes: None,
                },
            )
        })
        .collect();
    situations::bulk_add(db, structure_id, &observations).await?;

    // Exits of 2021 (group A's first hundred): 49 durable jobs, 18 transition jobs, 10 validated
    // qualifying trainings, 23 without result. Contracts and trainings back each of them.
    let mut contracts_2021: HashMap<String, usize> = HashMap::new();
    let mut contracts_2020 = 0usize;
    let mut upskilling_2021 = 0usize;
    let mut trainings_validated_2021 = 0usize;
    let without = [
        ExitReason::MaximumDuration,
        ExitReason::Abandon,
        ExitReason::MovedDeathRetirement,
        ExitReason::Reorientation,
        ExitReason::Health,
    ];
    for i in 0..TARGETS.exits {
        let p = &participants[i];
        let exit = p.exit.unwrap_or(p.entered);
        let town = p.resident.commune.as_str();
        let reason = if i < TARGETS.durable_exits {
            let start = add_months(exit, -7);
            ctx.contract(p.resident.id, ContractKind::Cdi, start, None, 35.0)
                .await?;
            count(start, town, &mut contracts_2021, &mut contracts_2020);
            ExitReason::DurableJob
        } else if i < TARGETS.durable_exits + 18 {
            let start = exit - Duration::days(40);
            ctx.contract(
                p.resident.id,
                ContractKind::Cdd,
                start,
                Some(start + Duration::days(90)),
                35.0,
            )
            .await?;
            count(start, town, &mut contracts_2021, &mut contracts_2020);
            ExitReason::TransitionJob
        } else if i < TARGETS.durable_exits + TARGETS.other_dynamic_exits {
            let start = (exit - Duration::days(120)).max(date!(2021 - 01 - 04));
            let step = NewStep {
                family: StepFamily::QualifyingTraining,
                title: "Titre professionnel agent de propreté et d'hygiène",
                provider: Some("AFPA Roubaix"),
                start_on: start,
                end_on: Some((start + Duration::days(90)).min(exit)),
                qualifying: true,
                validated: Some(true),
            };
            service::add_step(db, &ctx.referents[p.referent], p.enrolment, step).await?;
            upskilling_2021 += 1;
            trainings_validated_2021 += 1;
            ExitReason::QualifyingTrainingValidated
        } else {
            without[i % without.len()]
        };
        let reason = if reason == ExitReason::MaximumDuration
            && (exit - p.entered).whole_days() < 365 * 3 - 5
        {
            ExitReason::Abandon
        } else {
            reason
        };
        ctx.exit(p.enrolment, exit, reason, p.referent).await?;
    }

    // The remaining validated qualifying trainings of 2021, then the other upskilling steps.
    let active_2021: Vec<usize> = (TARGETS.exits..participants.len()).collect();
    let mut k = 0usize;
    while trainings_validated_2021 < TARGETS.trainings_obtained {
        let p = &participants[active_2021[k % active_2021.len()]];
        k += 1;
        let start = p.entered.max(date!(2021 - 01 - 04)) + Duration::days(10);
        if start > date!(2021 - 09 - 01) {
            continue;
        }
        let step = NewStep {
            family: StepFamily::QualifyingTraining,
            title: "CACES R489 (chariots élévateurs)",
            provider: Some("AFT Lesquin"),
            start_on: start,
            end_on: Some(start + Duration::days(30)),
            qualifying: true,
            validated: Some(true),
        };
        service::add_step(db, &ctx.referents[p.referent], p.enrolment, step).await?;
        upskilling_2021 += 1;
        trainings_validated_2021 += 1;
    }
    let families = [
        StepFamily::PreQualifyingTraining,
        StepFamily::CertifyingTraining,
        StepFamily::Vae,
        StepFamily::QualifyingTraining,
    ];
    while upskilling_2021 < TARGETS.upskilling_steps {
        let p = &participants[active_2021[k % active_2021.len()]];
        k += 1;
        let start = p.entered.max(date!(2021 - 01 - 04)) + Duration::days(ctx.rng.i64(5..120));
        if start > date!(2021 - 12 - 20) {
            continue;
        }
        let family = families[ctx.rng.usize(..families.len())];
        let step = NewStep {
            family,
            title: match family {
                StepFamily::PreQualifyingTraining => "Remise à niveau savoirs de base",
                StepFamily::CertifyingTraining => "CléA",
                StepFamily::Vae => "VAE Titre pro",
                _ => "Formation qualifiante en cours",
            },
            provider: Some("Organisme de formation"),
            start_on: start,
            // Qualifying trainings still running at the end of 2021 are not yet validated.
            end_on: (family != StepFamily::QualifyingTraining).then(|| start + Duration::days(60)),
            qualifying: family == StepFamily::QualifyingTraining,
            validated: None,
        };
        service::add_step(db, &ctx.referents[p.referent], p.enrolment, step).await?;
        upskilling_2021 += 1;
    }
    // Workshops and immersions, for a lifelike pathway (not upskilling).
    for (n, &i) in active_2021.iter().enumerate().take(150) {
        let p = &participants[i];
        let start = p.entered + Duration::days(20 + (n as i64 % 60));
        let family = if n % 2 == 0 {
            StepFamily::Workshop
        } else {
            StepFamily::Immersion
        };
        let step = NewStep {
            family,
            title: family.label(),
            provider: None,
            start_on: start,
            end_on: Some(start + Duration::days(5)),
            qualifying: false,
            validated: None,
        };
        service::add_step(db, &ctx.referents[p.referent], p.enrolment, step).await?;
    }

    // Contracts of 2020 and 2021 while enrolled: short missions and CDDs, town by town.
    let by_town = |town: &str| -> Vec<usize> {
        (TARGETS.exits..participants.len())
            .filter(|&i| participants[i].resident.commune == town)
            .collect()
    };
    for (town, target) in TARGETS.contracts_2021 {
        let candidates = by_town(town);
        let mut j = 0usize;
        while contracts_2021.get(town).copied().unwrap_or(0) < target {
            if candidates.is_empty() {
                break;
            }
            let p = &participants[candidates[j % candidates.len()]];
            j += 1;
            let start = p.entered.max(date!(2021 - 01 - 01)) + Duration::days(ctx.rng.i64(1..60));
            if start.year() != 2021 {
                continue;
            }
            let kind = if j.is_multiple_of(3) {
                ContractKind::Cdd
            } else {
                ContractKind::TemporaryMission
            };
            let end = start + Duration::days(ctx.rng.i64(5..60));
            ctx.contract(
                p.resident.id,
                kind,
                start,
                Some(end),
                [35.0, 24.0, 28.0][j % 3],
            )
            .await?;
            *contracts_2021.entry(town.to_owned()).or_insert(0) += 1;
        }
    }
    let enrolled_2020: Vec<usize> = (TARGETS.exits..participants.len())
        .filter(|&i| participants[i].entered.year() <= 2020)
        .collect();
    let mut j = 0usize;
    while contracts_2020 < TARGETS.contracts_2020 {
        let p = &participants[enrolled_2020[j % enrolled_2020.len()]];
        j += 1;
        let start = p.entered.max(date!(2020 - 01 - 01)) + Duration::days(ctx.rng.i64(1..90));
        if start.year() != 2020 {
            continue;
        }
        let end = start + Duration::days(ctx.rng.i64(5..30));
        ctx.contract(
            p.resident.id,
            ContractKind::TemporaryMission,
            start,
            Some(end),
            35.0,
        )
        .await?;
        contracts_2020 += 1;
    }

    // Later exits (2022 on): a durable job backed by a CDI started seven months before when
    // that CDI falls after 2021 (so the 2021 figures stay as recorded), else an exit without
    // result.
    let today = passerelle_domain::clock::today();
    for (n, p) in participants.iter().enumerate().skip(TARGETS.exits) {
        let Some(exit) = p.exit.filter(|d| *d <= today) else {
            continue;
        };
        let cdi_start = add_months(exit, -7);
        let reason = if n % 2 == 0 && cdi_start.year() >= 2022 {
            ctx.contract(p.resident.id, ContractKind::Cdi, cdi_start, None, 35.0)
                .await?;
            ExitReason::DurableJob
        } else {
            [
                ExitReason::Abandon,
                ExitReason::Reorientation,
                ExitReason::MovedDeathRetirement,
            ][n % 3]
        };
        ctx.exit(p.enrolment, exit, reason, p.referent).await?;
    }

    // Follow-ups done when they fell due, except the last months' (still on the caseloads).
    for (n, p) in participants.iter().enumerate() {
        let Some(due) = p
            .exit
            .map(|e| add_months(e, 6))
            .filter(|d| *d <= today - Duration::days(45))
        else {
            continue;
        };
        let note = [
            "En emploi",
            "En formation",
            "Toujours en recherche d'emploi",
            "Sans nouvelles",
        ][n % 4];
        let data = TransitionData {
            note: Some(note.to_owned()),
            ..Default::default()
        };
        service::transition(
            db,
            &ctx.referents[p.referent],
            Role::Referent,
            p.enrolment,
            PathwayEvent::RecordFollowUp,
            due,
            data,
        )
        .await?;
    }

    let rest: Vec<&Resident> = pool.collect();
    today::caseload(&mut ctx, &rest, today).await?;
    earlier::exits_of_2020(&mut ctx, rest.get(today::USED..).unwrap_or_default()).await
}

fn count(start: Date, town: &str, y2021: &mut HashMap<String, usize>, y2020: &mut usize) {
    match start.year() {
        2021 => *y2021.entry(town.to_owned()).or_insert(0) += 1,
        2020 => *y2020 += 1,
        _ => {}
    }
}
