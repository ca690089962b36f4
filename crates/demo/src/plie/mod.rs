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
mod year2021;

use record::Ctx;
use year2021::{
    Tally, contracts, enter_group_a, enter_group_b, exits_2021, follow_ups, later_exits,
    observe_situations, trainings_2021,
};

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
    let mut pool = roubaix_lys.into_iter();
    let mut participants = enter_group_a(&mut ctx, &mut pool, n_ref).await?;
    enter_group_b(&mut ctx, &mut pool, &leers, n_ref, &mut participants).await?;
    observe_situations(&mut ctx, &participants).await?;
    let mut tally = Tally::default();
    exits_2021(&mut ctx, &participants, &mut tally).await?;
    trainings_2021(&mut ctx, &participants, &mut tally).await?;
    contracts(&mut ctx, &participants, &mut tally).await?;
    let today = passerelle_domain::clock::today();
    later_exits(&mut ctx, &participants, today).await?;
    follow_ups(&mut ctx, &participants, today).await?;
    let rest: Vec<&Resident> = pool.collect();
    today::caseload(&mut ctx, &rest, today).await?;
    earlier::exits_of_2020(&mut ctx, rest.get(today::USED..).unwrap_or_default()).await
}
