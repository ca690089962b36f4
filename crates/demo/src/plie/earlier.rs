//! Pathways that ended in 2020, so that the report's "2020" column reads like a real year:
//! entries of 2017–2018, trainings and exits of 2020, follow-ups done. Recorded last, with
//! persons no other part of the demo uses; no contract of theirs starts in 2020 or 2021, so the
//! figures the demo aims at stay as recorded.

use passerelle_domain::Principal;
use passerelle_domain::Role;
use passerelle_domain::pathways::calendar::add_months;
use passerelle_domain::pathways::employment::ContractKind;
use passerelle_domain::pathways::exit::ExitReason;
use passerelle_domain::pathways::step::StepFamily;
use passerelle_domain::pathways::workflow::PathwayEvent;
use passerelle_services::pathways::{self as service, NewStep, TransitionData};
use time::Duration;
use time::macros::date;

use super::record::Ctx;
use super::{Resident, committee_dates};
use crate::DemoResult;

/// How many pathways end in 2020.
const EXITS_2020: usize = 90;

pub(super) async fn exits_of_2020(ctx: &mut Ctx<'_>, residents: &[&Resident]) -> DemoResult<()> {
    let meetings = committee_dates(date!(2017 - 01 - 01), date!(2018 - 06 - 30));
    let n_ref = ctx.referents.len();
    let adults = residents
        .iter()
        .filter(|r| r.birth <= date!(1997 - 01 - 01))
        .take(EXITS_2020);
    for (i, r) in adults.enumerate() {
        let referent = i % n_ref;
        let entered = meetings[i % meetings.len()];
        let enrolment = ctx.enter(r, entered, true, referent).await?;
        // Exits from January to July 2020, a few days apart.
        let exit = date!(2020 - 01 - 13) + Duration::days((i as i64 * 2) % 200);
        let reason = match i % 10 {
            // A CDI signed in 2019, seven months or more before the exit.
            0..=3 => {
                let start = add_months(exit, -7).min(date!(2019 - 12 - 16));
                ctx.contract(r.id, ContractKind::Cdi, start, None, 35.0)
                    .await?;
                ExitReason::DurableJob
            }
            4 | 5 => {
                let start = exit - Duration::days(150);
                let step = NewStep {
                    family: StepFamily::QualifyingTraining,
                    title: "CAP agent d'accompagnement à l'éducation de l'enfant",
                    provider: Some("GRETA Grand Lille"),
                    start_on: start,
                    end_on: Some(exit - Duration::days(10)),
                    qualifying: true,
                    validated: Some(true),
                };
                service::add_step(ctx.db, &ctx.referents[referent], enrolment, step).await?;
                ExitReason::QualifyingTrainingValidated
            }
            6 => ExitReason::OtherInsertionEmployer,
            7 => ExitReason::Reorientation,
            8 => ExitReason::MovedDeathRetirement,
            _ => ExitReason::Abandon,
        };
        if i % 3 == 0 && reason != ExitReason::QualifyingTrainingValidated {
            let start = date!(2020 - 01 - 06).min(exit - Duration::days(7));
            let step = NewStep {
                family: StepFamily::PreQualifyingTraining,
                title: "Remise à niveau savoirs de base",
                provider: Some("Centre social de l'Alma"),
                start_on: start,
                end_on: Some(exit),
                qualifying: false,
                validated: None,
            };
            service::add_step(ctx.db, &ctx.referents[referent], enrolment, step).await?;
        }
        ctx.exit(enrolment, exit, reason, referent).await?;
        let data = TransitionData {
            note: Some(["En emploi", "En formation", "Sans nouvelles"][i % 3].to_owned()),
            ..Default::default()
        };
        service::transition(
            ctx.db,
            &Principal::acting(ctx.referents[referent], Role::Referent),
            enrolment,
            PathwayEvent::RecordFollowUp,
            add_months(exit, 6),
            data,
        )
        .await?;
    }
    Ok(())
}
