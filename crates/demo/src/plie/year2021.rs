//! The PLIE's 2021 as the demo records it, phase by phase: who entered before and during the
//! year, their situations at referral, the exits of 2021 with what backs them, trainings,
//! contracts, later exits and follow-ups. Phases run in this order so that the seeded draws,
//! and so the figures, stay the same.

use super::*;
use passerelle_domain::Principal;

/// What the 2021 plan has recorded so far, counted against its targets.
#[derive(Default)]
pub(super) struct Tally {
    contracts_2021: HashMap<String, usize>,
    contracts_2020: usize,
    upskilling_2021: usize,
    trainings_validated_2021: usize,
}

impl Tally {
    /// Counts a contract starting on `start` in `town` for its year.
    fn count(&mut self, start: Date, town: &str) {
        match start.year() {
            2021 => *self.contracts_2021.entry(town.to_owned()).or_insert(0) += 1,
            2020 => self.contracts_2020 += 1,
            _ => {}
        }
    }
}

/// Group A: entered 2018–2020, active on 1 January 2021. The first hundred exit in 2021,
/// after 24 or 36 months (mean 30).
pub(super) async fn enter_group_a<'r>(
    ctx: &mut Ctx<'_>,
    pool: &mut impl Iterator<Item = &'r Resident>,
    n_ref: usize,
) -> DemoResult<Vec<Participant<'r>>> {
    let before_2021 = TARGETS.accompanied - TARGETS.entries;
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
    Ok(participants)
}

/// Group B: the 217 entries of 2021, Leers residents only from February; then some candidates
/// not retained (non-entries).
pub(super) async fn enter_group_b<'r>(
    ctx: &mut Ctx<'_>,
    pool: &mut impl Iterator<Item = &'r Resident>,
    leers: &[&'r Resident],
    n_ref: usize,
    participants: &mut Vec<Participant<'r>>,
) -> DemoResult<()> {
    let leers_entrants = 6.min(leers.len());
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
    Ok(())
}

/// The situation observed at referral: RSA for 430 of them.
pub(super) async fn observe_situations(
    ctx: &mut Ctx<'_>,
    participants: &[Participant<'_>],
) -> DemoResult<()> {
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
    situations::bulk_add(ctx.db, ctx.manager.structure_id, &observations).await?;
    Ok(())
}

/// Exits of 2021 (group A's first hundred): 49 durable jobs, 18 transition jobs, 10 validated
/// qualifying trainings, 23 without result. Contracts and trainings back each of them.
pub(super) async fn exits_2021(
    ctx: &mut Ctx<'_>,
    participants: &[Participant<'_>],
    tally: &mut Tally,
) -> DemoResult<()> {
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
            tally.count(start, town);
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
            tally.count(start, town);
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
            service::add_step(ctx.db, &ctx.referents[p.referent], p.enrolment, step).await?;
            tally.upskilling_2021 += 1;
            tally.trainings_validated_2021 += 1;
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
    Ok(())
}

/// The remaining validated qualifying trainings of 2021, then the other upskilling steps, then
/// workshops and immersions for a lifelike pathway (not upskilling).
pub(super) async fn trainings_2021(
    ctx: &mut Ctx<'_>,
    participants: &[Participant<'_>],
    tally: &mut Tally,
) -> DemoResult<()> {
    let active_2021: Vec<usize> = (TARGETS.exits..participants.len()).collect();
    let mut k = 0usize;
    while tally.trainings_validated_2021 < TARGETS.trainings_obtained {
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
        service::add_step(ctx.db, &ctx.referents[p.referent], p.enrolment, step).await?;
        tally.upskilling_2021 += 1;
        tally.trainings_validated_2021 += 1;
    }
    let families = [
        StepFamily::PreQualifyingTraining,
        StepFamily::CertifyingTraining,
        StepFamily::Vae,
        StepFamily::QualifyingTraining,
    ];
    while tally.upskilling_2021 < TARGETS.upskilling_steps {
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
        service::add_step(ctx.db, &ctx.referents[p.referent], p.enrolment, step).await?;
        tally.upskilling_2021 += 1;
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
        service::add_step(ctx.db, &ctx.referents[p.referent], p.enrolment, step).await?;
    }
    Ok(())
}

/// Contracts of 2020 and 2021 while enrolled: short missions and CDDs, town by town.
pub(super) async fn contracts(
    ctx: &mut Ctx<'_>,
    participants: &[Participant<'_>],
    tally: &mut Tally,
) -> DemoResult<()> {
    let by_town = |town: &str| -> Vec<usize> {
        (TARGETS.exits..participants.len())
            .filter(|&i| participants[i].resident.commune == town)
            .collect()
    };
    for (town, target) in TARGETS.contracts_2021 {
        let candidates = by_town(town);
        let mut j = 0usize;
        while tally.contracts_2021.get(town).copied().unwrap_or(0) < target {
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
            *tally.contracts_2021.entry(town.to_owned()).or_insert(0) += 1;
        }
    }
    let enrolled_2020: Vec<usize> = (TARGETS.exits..participants.len())
        .filter(|&i| participants[i].entered.year() <= 2020)
        .collect();
    let mut j = 0usize;
    while tally.contracts_2020 < TARGETS.contracts_2020 {
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
        tally.contracts_2020 += 1;
    }
    Ok(())
}

/// Later exits (2022 on): a durable job backed by a CDI started seven months before when
/// that CDI falls after 2021 (so the 2021 figures stay as recorded), else an exit without
/// result.
pub(super) async fn later_exits(
    ctx: &mut Ctx<'_>,
    participants: &[Participant<'_>],
    today: Date,
) -> DemoResult<()> {
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
    Ok(())
}

/// Follow-ups done when they fell due, except the last months' (still on the caseloads).
pub(super) async fn follow_ups(
    ctx: &mut Ctx<'_>,
    participants: &[Participant<'_>],
    today: Date,
) -> DemoResult<()> {
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
            ctx.db,
            &Principal::acting(ctx.referents[p.referent], Role::Referent),
            p.enrolment,
            PathwayEvent::RecordFollowUp,
            due,
            data,
        )
        .await?;
    }
    Ok(())
}
