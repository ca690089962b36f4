//! A structure where scope matters: the PLIE team's pathway and committee, La Fabrik's (another
//! team's), and a PLIE pathway followed by another referent; staff of every role in the PLIE
//! team, each with a browser and an API token.

use passerelle_db::pathways::programmes;
use passerelle_db::pathways::scope::Scope;
use passerelle_domain::Principal;
use passerelle_domain::audit::Actor;
use passerelle_domain::pathways::employment::{Contract, ContractKind};
use passerelle_domain::pathways::workflow::PathwayEvent;
use passerelle_domain::{Role, Team};
use time::macros::date;
use uuid::Uuid;

use crate::support::{Browser, TestApp, person_form};
use passerelle_services::pathways as service;

/// One pathway and what hangs on it: its person, a contract, a roadmap objective, and the
/// committee of its programme that entered it.
#[derive(Debug, Clone)]
pub struct Case {
    pub person: Uuid,
    pub enrolment: Uuid,
    pub contract: Uuid,
    pub objective: Uuid,
    pub meeting: Uuid,
    pub programme: Uuid,
    pub team: Team,
    /// The referent in charge (`None`: waiting for one).
    pub referent: Option<Uuid>,
    /// The persons' last names, as lists would show them.
    pub names: Vec<String>,
}

impl Case {
    /// The ids that must never appear on a page or answer of a reader outside this case.
    pub fn ids(&self) -> Vec<String> {
        [self.enrolment, self.contract, self.objective]
            .iter()
            .map(Uuid::to_string)
            .collect()
    }
}

pub struct World {
    /// PLIE, waiting for a referent: in every PLIE staff member's scope.
    pub plie: Case,
    /// La Fabrik (team fabrik), waiting for a referent, with La Fabrik's committee.
    pub fabrik: Case,
    /// PLIE, followed by another referent: outside a PLIE referent's caseload.
    pub colleague: Case,
    pub publication: Uuid,
    pub indicator_file: Uuid,
    /// An account the admin routes act on (not one that walks).
    pub target_user: Uuid,
}

pub async fn user_id(app: &TestApp, email: &str) -> Uuid {
    passerelle_db::access::users::by_email(&app.db, email)
        .await
        .unwrap()
        .unwrap()
        .0
        .id
}

/// A person entered in `programme` by `meeting` on 10/03/2021, with a contract and an
/// objective.
async fn pathway(
    app: &TestApp,
    actor: &Actor,
    programme: Uuid,
    meeting: Uuid,
    last_name: &str,
) -> (Uuid, Uuid, Uuid, Uuid) {
    let whole = Scope::whole_structure(app.structure_id);
    let fields = person_form(last_name, "Camille", "1990-01-01")
        .validate(&*app.state.territory().await, date!(2026 - 01 - 01))
        .unwrap();
    let person = app.register(actor, &fields).await.id;
    let referral = service::NewReferral {
        person_id: person,
        programme_id: programme,
        prescriber_organisation: "France Travail",
        prescriber_name: None,
        referred_on: date!(2021 - 03 - 01),
        reason: "Recherche d'emploi",
    };
    let e = service::refer(&app.db, actor, referral).await.unwrap().id;
    service::transition(
        &app.db,
        &Principal::acting(*actor, Role::Director),
        e,
        PathwayEvent::ProposeToCommittee,
        date!(2021 - 03 - 02),
        service::TransitionData::default(),
    )
    .await
    .unwrap();
    let d = service::DecisionRequest {
        admitted: true,
        reason: "Projet validé",
        override_reason: Some("Test de périmètre"),
    };
    service::decide(
        &app.db,
        &Principal::acting(*actor, Role::Director),
        &whole,
        meeting,
        e,
        d,
    )
    .await
    .unwrap();
    let contract = Contract {
        kind: ContractKind::Cdi,
        employer: "Employeur".into(),
        start: date!(2021 - 04 - 01),
        end: None,
        weekly_hours: 35.0,
    };
    let contract = service::add_contract(&app.db, actor, person, &contract, false)
        .await
        .unwrap();
    let objective = service::add_objective(
        &app.db,
        actor,
        e,
        service::NewObjective {
            theme: "Emploi",
            objective: "Trouver un poste",
            action: "Candidatures",
        },
        date!(2021 - 03 - 15),
    )
    .await
    .unwrap();
    (person, e, contract, objective)
}

async fn case(
    app: &TestApp,
    actor: &Actor,
    code: &str,
    meeting: Option<Uuid>,
    last_name: &str,
) -> Case {
    let whole = Scope::whole_structure(app.structure_id);
    let programme = programmes::by_code(&app.db, app.structure_id, code)
        .await
        .unwrap();
    let meeting = match meeting {
        Some(m) => m,
        None => {
            service::create_meeting(
                &app.db,
                actor,
                &whole,
                programme.id,
                date!(2021 - 03 - 10),
                None,
            )
            .await
            .unwrap()
            .id
        }
    };
    let (person, enrolment, contract, objective) =
        pathway(app, actor, programme.id, meeting, last_name).await;
    Case {
        person,
        enrolment,
        contract,
        objective,
        meeting,
        programme: programme.id,
        team: programme.def.team,
        referent: None,
        names: vec![last_name.to_owned()],
    }
}

/// Builds the three cases, publishes the 2021 report as the director, then records one more
/// La Fabrik pathway (so that the publication lists it as counted since).
pub async fn world(app: &TestApp) -> World {
    let s = app.structure_id;
    service::install_default_programmes(&app.db, s)
        .await
        .unwrap();
    let director_email = app.staff(Role::Director).await;
    let director = Actor {
        structure_id: s,
        user_id: user_id(app, &director_email).await,
    };
    let plie = case(app, &director, "plie", None, "Dedansplie").await;
    let fabrik = case(app, &director, "fabrik", None, "Dehorsfabrik").await;
    let mut colleague = case(app, &director, "plie", Some(plie.meeting), "Collegueplie").await;
    let other_referent = user_id(app, &app.staff(Role::Referent).await).await;
    service::assign_referent(
        &app.db,
        &director,
        colleague.enrolment,
        other_referent,
        date!(2021 - 03 - 10),
    )
    .await
    .unwrap();
    colleague.referent = Some(other_referent);

    let mut b = app.browser();
    b.sign_in(&director_email, crate::support::PASSWORD).await;
    b.refresh_csrf().await;
    let published = b.post("/rapports/2021/publier", &[]).await;
    assert_eq!(published.status, axum::http::StatusCode::SEE_OTHER);
    let publication = passerelle_db::reports::publications::list(&app.db, s)
        .await
        .unwrap()[0]
        .id;
    let mut fabrik = fabrik;
    pathway(
        app,
        &director,
        fabrik.programme,
        fabrik.meeting,
        "Ajoutfabrik",
    )
    .await;
    fabrik.names.push("Ajoutfabrik".to_owned());

    let indicator_file = passerelle_services::reports::save_indicator_file(
        &app.db,
        &passerelle_services::By::Staff(director),
        passerelle_domain::reports::files::SaveMode::Create,
        "perso.toml",
        "[[indicator]]\nid = \"perso.x\"\nversion = 1\ntitle = \"X\"\ndefinition = \"X\"\npopulation = \"steps\"\nperiod = \"started\"\nmeasure = \"count\"\n",
        passerelle_report::definitions::CHECKS,
    )
    .await
    .unwrap()
    .id;
    World {
        plie,
        fabrik,
        colleague,
        publication,
        indicator_file,
        target_user: user_id(app, &app.staff(Role::ReadOnly).await).await,
    }
}

/// A signed-in walker of one role (team PLIE), with an API token of their own.
pub struct Walker {
    pub role: Role,
    pub id: Uuid,
    pub browser: Browser,
    pub token: String,
}

pub async fn walker(app: &TestApp, role: Role) -> Walker {
    let email = app.staff(role).await;
    let id = user_id(app, &email).await;
    let mut browser = app.browser();
    browser.sign_in(&email, crate::support::PASSWORD).await;
    browser.refresh_csrf().await;
    let token = format!("pas_{}", passerelle_web::auth::random_token().unwrap());
    passerelle_services::access::create_token(
        &app.db,
        &app.server(),
        id,
        "parcours du périmètre",
        &passerelle_web::auth::token_hash(&token),
    )
    .await
    .unwrap();
    Walker {
        role,
        id,
        browser,
        token,
    }
}
