//! The MiE's other programmes in the demo: a dozen pathways each.

use std::collections::HashMap;

use passerelle_db::Db;
use passerelle_db::pathways::programmes;
use passerelle_db::pathways::scope::Scope;
use passerelle_domain::Principal;
use passerelle_domain::audit::Actor;
use passerelle_domain::pathways::employment::{Contract, ContractKind};
use passerelle_domain::pathways::exit::ExitReason;
use passerelle_domain::pathways::workflow::PathwayEvent;
use passerelle_domain::{Role, Team};
use passerelle_services::pathways::{
    self as service, DecisionRequest, NewReferral, TransitionData,
};
use time::macros::date;
use time::{Date, Duration};
use uuid::Uuid;

use crate::DemoResult;
use crate::plie::{LEERS, LYS, ROUBAIX, Resident, committees_2021};

/// The MiE's other programmes: a dozen pathways each in 2021, some ended, for a lifelike
/// register (their own figures come with later issues).
pub async fn other_programmes(
    db: &Db,
    structure_id: Uuid,
    manager: Uuid,
    referents: &[(Uuid, &[Team])],
    population: &[Resident],
) -> DemoResult<()> {
    let actor = |user_id| Actor {
        structure_id,
        user_id,
    };
    let all = programmes::list(db, structure_id).await?;
    let mut rng = fastrand::Rng::with_seed(crate::SEED + 2);
    let meetings = committees_2021();
    // Residents of the other towns: never PLIE participants, so the PLIE figures stay as recorded.
    let mut next_person = population.iter().filter(|r| {
        ![ROUBAIX, LYS, LEERS].contains(&r.commune.as_str()) && r.birth <= date!(2003 - 01 - 01)
    });
    for (k, programme) in all
        .iter()
        .filter(|p| p.def.code != passerelle_domain::pathways::programme::PLIE)
        .enumerate()
    {
        // Each programme's pathways are held by its own team's referents.
        let referents: Vec<Uuid> = referents
            .iter()
            .filter(|(_, teams)| teams.contains(&programme.def.team))
            .map(|(id, _)| *id)
            .collect();
        if referents.is_empty() {
            continue;
        }
        let mut run = ProgrammeRun {
            db,
            manager: actor(manager),
            programme_id: programme.id,
            held: HashMap::new(),
        };
        for i in 0..12 {
            let Some(r) = next_person.next() else {
                return Ok(());
            };
            let referent = actor(referents[(k + i) % referents.len()]);
            let committee = meetings[(k * 3 + i) % meetings.len()];
            run.pathway(&mut rng, r, referent, committee, i).await?;
        }
    }
    Ok(())
}

/// One programme's pathways as the demo records them, with the committees already held.
struct ProgrammeRun<'a> {
    db: &'a Db,
    manager: Actor,
    programme_id: Uuid,
    held: HashMap<Date, Uuid>,
}

impl ProgrammeRun<'_> {
    /// One resident referred by `referent`, admitted by the committee of `committee`, held by
    /// the referent; one in two exits some months later.
    async fn pathway(
        &mut self,
        rng: &mut fastrand::Rng,
        r: &Resident,
        referent: Actor,
        committee: Date,
        i: usize,
    ) -> DemoResult<()> {
        let referred_on = committee - Duration::days(10 + rng.i64(0..20));
        let e = service::refer(
            self.db,
            &referent,
            NewReferral {
                person_id: r.id,
                programme_id: self.programme_id,
                prescriber_organisation: [
                    "Pôle emploi Roubaix",
                    "Mission locale",
                    "Bailleur social",
                    "CCAS",
                ][i % 4],
                prescriber_name: None,
                referred_on,
                reason: "Orientation vers l'action",
            },
        )
        .await?;
        service::transition(
            self.db,
            &Principal::acting(referent, Role::Referent),
            e.id,
            PathwayEvent::ProposeToCommittee,
            referred_on + Duration::days(1),
            TransitionData::default(),
        )
        .await?;
        let meeting = self.meeting(committee).await?;
        let d = DecisionRequest {
            admitted: true,
            reason: "Entrée dans l'action",
            override_reason: None,
        };
        let whole = Scope::whole_structure(self.manager.structure_id);
        service::decide(
            self.db,
            &Principal::acting(self.manager, Role::Manager),
            &whole,
            meeting,
            e.id,
            d,
        )
        .await?;
        service::assign_referent(self.db, &self.manager, e.id, referent.user_id, committee).await?;
        if i.is_multiple_of(2) {
            let exit = committee + Duration::days(60 + rng.i64(0..120));
            self.exit(r, referent, e.id, exit, i).await?;
        }
        Ok(())
    }

    /// The committee of `committee` for this programme, held once.
    async fn meeting(&mut self, committee: Date) -> DemoResult<Uuid> {
        Ok(match self.held.get(&committee) {
            Some(m) => *m,
            None => {
                let m = service::create_meeting(
                    self.db,
                    &self.manager,
                    &Scope::whole_structure(self.manager.structure_id),
                    self.programme_id,
                    committee,
                    None,
                )
                .await?
                .id;
                self.held.insert(committee, m);
                m
            }
        })
    }

    /// Exits the pathway on `exit`: a transition job backed by a CDD, a reorientation or an
    /// abandon, in turn.
    async fn exit(
        &self,
        r: &Resident,
        referent: Actor,
        enrolment: Uuid,
        exit: Date,
        i: usize,
    ) -> DemoResult<()> {
        let reason = [
            ExitReason::TransitionJob,
            ExitReason::Reorientation,
            ExitReason::Abandon,
        ][i % 3];
        if reason == ExitReason::TransitionJob {
            let c = Contract {
                kind: ContractKind::Cdd,
                employer: "Entreprise partenaire".into(),
                start: exit - Duration::days(10),
                end: Some(exit + Duration::days(80)),
                weekly_hours: 28.0,
            };
            service::add_contract(self.db, &referent, r.id, &c, true).await?;
        }
        let data = TransitionData {
            exit: Some((reason, "Compte rendu".to_owned())),
            ..Default::default()
        };
        service::transition(
            self.db,
            &Principal::acting(referent, Role::Referent),
            enrolment,
            PathwayEvent::Exit,
            exit,
            data,
        )
        .await?;
        Ok(())
    }
}
