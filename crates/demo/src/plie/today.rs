//! Today's PLIE caseload in the demo: pathways entered since 2025 (two in three with a recent
//! appointment and a roadmap objective, the others raising the no-appointment alert), and a
//! few proposals awaiting the next committee.

use passerelle_domain::Principal;
use passerelle_domain::Role;
use passerelle_domain::pathways::step::AppointmentKind;
use passerelle_domain::pathways::workflow::PathwayEvent;
use passerelle_services::pathways::{
    self as service, NewAppointment, NewObjective, NewReferral, TransitionData,
};
use time::macros::date;
use time::{Date, Duration};

use super::record::Ctx;
use super::{Resident, committee_dates};
use crate::DemoResult;

/// Pathways in progress today, and proposals awaiting the next committee.
const CURRENT: usize = 80;
const WAITING: usize = 5;
/// How many of the residents handed over the caseload uses (the first ones).
pub(super) const USED: usize = CURRENT + WAITING;

pub(super) async fn caseload(ctx: &mut Ctx<'_>, rest: &[&Resident], today: Date) -> DemoResult<()> {
    let db = ctx.db;
    let programme = ctx.programme;
    let n_ref = ctx.referents.len();
    // Today's caseload: pathways entered since 2025, and a few proposals awaiting the next
    // committee.
    let recent = committee_dates(date!(2025 - 01 - 01), today - Duration::days(7));
    let current: Vec<&Resident> = rest.iter().copied().take(CURRENT).collect();
    let waiting: Vec<&Resident> = rest.iter().copied().skip(CURRENT).take(WAITING).collect();
    let themes = [
        (
            "Emploi",
            "Trouver un emploi dans la logistique",
            "Préparer le CACES",
        ),
        (
            "Mobilité",
            "Se déplacer sur la métropole",
            "Passer le permis B",
        ),
        (
            "Formation",
            "Obtenir un titre professionnel",
            "S'inscrire à la session de mars",
        ),
        (
            "Logement",
            "Stabiliser le logement",
            "Rendez-vous avec le bailleur",
        ),
    ];
    for (i, r) in current.iter().enumerate() {
        if recent.is_empty() {
            break;
        }
        let entered = recent[i % recent.len()];
        let id = ctx.enter(r, entered, true, i % n_ref).await?;
        // Two pathways in three had an appointment lately; the others raise the alert.
        if i % 3 != 0 {
            let held = (today - Duration::days(ctx.rng.i64(1..25))).max(entered);
            let appointment = NewAppointment {
                held_on: held,
                kind: AppointmentKind::InPerson,
                attended: true,
                note: Some("Point d'étape"),
            };
            service::add_appointment(db, &ctx.referents[i % n_ref], id, appointment).await?;
            let (theme, objective, action) = themes[i % themes.len()];
            let on = (today - Duration::days(ctx.rng.i64(1..25))).max(entered);
            let line = NewObjective {
                theme,
                objective,
                action,
            };
            service::add_objective(db, &ctx.referents[i % n_ref], id, line, on).await?;
        }
    }
    for (i, r) in waiting.iter().enumerate() {
        let referred_on = today - Duration::days(10 + i as i64);
        let e = service::refer(
            db,
            &ctx.referents[i % n_ref],
            NewReferral {
                person_id: r.id,
                programme_id: programme,
                prescriber_organisation: "France Travail Roubaix",
                prescriber_name: None,
                referred_on,
                reason: "Demandeur d'emploi de longue durée, projet à construire",
            },
        )
        .await?;
        service::transition(
            db,
            &Principal::acting(ctx.referents[i % n_ref], Role::Referent),
            e.id,
            PathwayEvent::ProposeToCommittee,
            referred_on + Duration::days(1),
            TransitionData::default(),
        )
        .await?;
    }
    Ok(())
}
