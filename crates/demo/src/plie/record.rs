//! Recording one pathway's events through the pathways services, as the pages would: committee
//! meetings, referrals and decisions, steps, contracts, exits.

use std::collections::HashMap;

use passerelle_db::Db;
use passerelle_db::pathways::scope::Scope;
use passerelle_domain::Principal;
use passerelle_domain::Role;
use passerelle_domain::audit::Actor;
use passerelle_domain::pathways::employment::{Contract, ContractKind};
use passerelle_domain::pathways::exit::ExitReason;
use passerelle_domain::pathways::workflow::PathwayEvent;
use passerelle_services::pathways::{
    self as service, DecisionRequest, NewReferral, TransitionData,
};
use time::{Date, Duration};
use uuid::Uuid;

use super::Resident;
use crate::DemoResult;

pub(super) struct Ctx<'a> {
    pub(super) db: &'a Db,
    pub(super) manager: Actor,
    pub(super) referents: Vec<Actor>,
    pub(super) rng: fastrand::Rng,
    pub(super) programme: Uuid,
    pub(super) meetings: HashMap<Date, Uuid>,
}

impl Ctx<'_> {
    /// The demo records the whole structure's work, as its manager.
    fn whole(&self) -> Scope {
        Scope::whole_structure(self.manager.structure_id)
    }

    pub(super) async fn meeting(&mut self, on: Date) -> DemoResult<Uuid> {
        if let Some(id) = self.meetings.get(&on) {
            return Ok(*id);
        }
        let m = service::create_meeting(
            self.db,
            &self.manager,
            &self.whole(),
            self.programme,
            on,
            None,
        )
        .await?;
        self.meetings.insert(on, m.id);
        Ok(m.id)
    }

    /// Referral a few weeks before the committee, proposal, decision; returns the enrolment.
    pub(super) async fn enter(
        &mut self,
        r: &Resident,
        committee: Date,
        admitted: bool,
        referent: usize,
    ) -> DemoResult<Uuid> {
        let referred_on = committee - Duration::days(15 + self.rng.i64(0..30));
        let prescribers = [
            "France Travail Roubaix",
            "Mission locale",
            "CCAS de Roubaix",
            "Département du Nord (UTPAS)",
            "Centre social",
        ];
        let e = service::refer(
            self.db,
            &self.referents[referent],
            NewReferral {
                person_id: r.id,
                programme_id: self.programme,
                prescriber_organisation: prescribers[self.rng.usize(..prescribers.len())],
                prescriber_name: None,
                referred_on,
                reason: "Accompagnement renforcé vers l'emploi",
            },
        )
        .await?;
        service::transition(
            self.db,
            &Principal::acting(self.referents[referent], Role::Referent),
            e.id,
            PathwayEvent::ProposeToCommittee,
            referred_on + Duration::days(2),
            TransitionData::default(),
        )
        .await?;
        let meeting = self.meeting(committee).await?;
        let reason = if admitted {
            "Projet professionnel validé"
        } else {
            "Orientation vers un accompagnement plus adapté"
        };
        service::decide(
            self.db,
            &Principal::acting(self.manager, Role::Manager),
            &self.whole(),
            meeting,
            e.id,
            DecisionRequest {
                admitted,
                reason,
                override_reason: None,
            },
        )
        .await?;
        if admitted {
            service::assign_referent(
                self.db,
                &self.manager,
                e.id,
                self.referents[referent].user_id,
                committee,
            )
            .await?;
        }
        Ok(e.id)
    }

    pub(super) async fn exit(
        &mut self,
        id: Uuid,
        on: Date,
        reason: ExitReason,
        referent: usize,
    ) -> DemoResult<()> {
        let proof = match reason.category() {
            passerelle_domain::pathways::exit::ExitCategory::WithoutResult => {
                "Compte rendu d'entretien"
            }
            _ => "Contrat de travail ou attestation",
        };
        let data = TransitionData {
            exit: Some((reason, proof.to_owned())),
            ..Default::default()
        };
        service::transition(
            self.db,
            &Principal::acting(self.referents[referent], Role::Referent),
            id,
            PathwayEvent::Exit,
            on,
            data,
        )
        .await?;
        Ok(())
    }

    pub(super) async fn contract(
        &mut self,
        person: Uuid,
        kind: ContractKind,
        start: Date,
        end: Option<Date>,
        hours: f64,
    ) -> DemoResult<()> {
        let employers = [
            "Entrepôt du Nord",
            "Propreté Roubaisienne",
            "Transports Lys",
            "Restaurant La Fabrique",
            "Intérim Flandres",
            "Aide à domicile Métropole",
            "BTP Réhabilitation",
        ];
        let c = Contract {
            kind,
            employer: employers[self.rng.usize(..employers.len())].to_owned(),
            start,
            end,
            weekly_hours: hours,
        };
        service::add_contract(self.db, &self.referents[0], person, &c, true).await?;
        Ok(())
    }
}
