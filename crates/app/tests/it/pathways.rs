//! A PLIE pathway through the storage layer: referral, committee, referent, steps, contracts,
//! exit by the rules, on both engines.

use passerelle_db::committees::{self, Decision};
use passerelle_db::enrolments::{self, NewReferral, TransitionData};
use passerelle_db::scope::Scope;
use passerelle_db::steps::NewStep;
use passerelle_db::{DbError, contracts, programmes, steps, with_pool};
use passerelle_domain::Role;
use passerelle_domain::audit::Actor;
use passerelle_domain::pathway::employment::{Contract, ContractKind};
use passerelle_domain::pathway::exit::ExitReason;
use passerelle_domain::pathway::step::StepFamily;
use passerelle_domain::pathway::workflow::{PathwayEvent, PathwayState};
use time::macros::date;

use crate::support::{TestApp, on_each_backend, person_form};

fn refused(r: Result<impl std::fmt::Debug, DbError>) -> String {
    match r {
        Err(DbError::Refused(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_leers_resident_enters_the_plie_from_february_2021_and_exits_to_a_durable_job() {
    on_each_backend(|app: TestApp| async move {
        let s = app.structure_id;
        programmes::ensure_defaults(&app.db, s).await.unwrap();
        let plie = programmes::by_code(&app.db, s, "plie").await.unwrap();
        let manager_email = app.staff(Role::Manager).await;
        let manager = passerelle_db::users::by_email(&app.db, &manager_email).await.unwrap().unwrap().0;
        let referent_email = app.staff(Role::Referent).await;
        let referent = passerelle_db::users::by_email(&app.db, &referent_email).await.unwrap().unwrap().0;
        let other_email = app.staff(Role::Referent).await;
        let other = passerelle_db::users::by_email(&app.db, &other_email).await.unwrap().unwrap().0;
        let as_manager = Actor { structure_id: s, user_id: manager.id };
        let as_referent = Actor { structure_id: s, user_id: referent.id };

        let mut input = person_form("Leersoise", "Léa", "1985-05-05");
        input.commune_code = "59339".into();
        input.qpv_code = String::new();
        let fields = input.validate(&*app.state.territory().await, date!(2026 - 01 - 01)).unwrap();
        let person = passerelle_db::persons::create(&app.db, &as_referent, &fields).await.unwrap();

        let referral = NewReferral {
            person_id: person.id,
            programme_id: plie.id,
            prescriber_organisation: "France Travail Roubaix",
            prescriber_name: Some("Conseillère"),
            referred_on: date!(2021 - 01 - 10),
            reason: "Recherche d'emploi depuis deux ans",
        };
        let e = enrolments::refer(&app.db, &as_referent, referral).await.unwrap();
        assert_eq!(e.state, PathwayState::Referred);
        let again = NewReferral {
            person_id: person.id,
            programme_id: plie.id,
            prescriber_organisation: "CCAS",
            prescriber_name: None,
            referred_on: date!(2021 - 01 - 11),
            reason: "Doublon",
        };
        assert!(refused(enrolments::refer(&app.db, &as_referent, again).await).contains("déjà un parcours"));

        // Reception may not propose; the referent may.
        let r = enrolments::transition(&app.db, &as_referent, Role::Reception, e.id, PathwayEvent::ProposeToCommittee, date!(2021 - 01 - 12), TransitionData::default()).await;
        assert!(refused(r).contains("rôle"));
        enrolments::transition(&app.db, &as_referent, Role::Referent, e.id, PathwayEvent::ProposeToCommittee, date!(2021 - 01 - 12), TransitionData::default())
            .await
            .unwrap();

        // January committee: Leers is not open yet.
        let january = committees::create_meeting(&app.db, &as_manager, &Scope::whole_structure(s), plie.id, date!(2021 - 01 - 20), None).await.unwrap();
        assert_eq!(committees::proposals(&app.db, &Scope::whole_structure(s), &january).await.unwrap().len(), 1);
        let d = Decision { admitted: true, reason: "Projet clair", override_reason: None };
        let msg = refused(committees::decide(&app.db, &as_manager, Role::Manager, &Scope::whole_structure(s), january.id, e.id, d).await);
        assert!(msg.contains("qu'à partir du 01/02/2021"), "{msg}");
        let d = Decision { admitted: true, reason: "Projet clair", override_reason: Some("urgence") };
        assert!(refused(committees::decide(&app.db, &as_referent, Role::Referent, &Scope::whole_structure(s), january.id, e.id, d).await).contains("responsable"));
        let d = Decision { admitted: true, reason: "Projet clair", override_reason: None };
        assert!(refused(committees::decide(&app.db, &as_referent, Role::Referent, &Scope::whole_structure(s), january.id, e.id, d).await).contains("Leers"));

        // February committee: entered on the decision date.
        let february = committees::create_meeting(&app.db, &as_manager, &Scope::whole_structure(s), plie.id, date!(2021 - 02 - 05), None).await.unwrap();
        let d = Decision { admitted: true, reason: "Projet clair", override_reason: None };
        let e = committees::decide(&app.db, &as_manager, Role::Manager, &Scope::whole_structure(s), february.id, e.id, d).await.unwrap();
        assert_eq!(e.state, PathwayState::Entered);
        assert_eq!(e.entered_on, Some(date!(2021 - 02 - 05)));

        // One active referent, kept with dates; the database refuses a second one.
        enrolments::assign_referent(&app.db, &as_manager, e.id, other.id, date!(2021 - 02 - 05)).await.unwrap();
        enrolments::assign_referent(&app.db, &as_manager, e.id, referent.id, date!(2021 - 03 - 01)).await.unwrap();
        let periods = enrolments::referents(&app.db, s, e.id).await.unwrap();
        assert_eq!(periods.len(), 2);
        assert_eq!((periods[0].user_id, periods[0].until_date), (referent.id, None));
        assert_eq!(periods[1].until_date, Some(date!(2021 - 02 - 28)));
        let second = with_pool!(&app.db, |p| {
            sqlx::query("INSERT INTO enrolment_referents (id, structure_id, enrolment_id, user_id, from_date) VALUES ($1, $2, $3, $4, $5)")
                .bind(uuid::Uuid::now_v7())
                .bind(s)
                .bind(e.id)
                .bind(other.id)
                .bind(date!(2021 - 04 - 01))
                .execute(p)
                .await
                .map(|_| ())
        });
        assert!(second.is_err(), "a second active referent must be refused by the database");

        // Roadmap, steps and contracts, with their checks.
        steps::add_objective(&app.db, &as_referent, e.id, "Emploi", "Trouver un poste en logistique", "Préparer le CACES", date!(2021 - 02 - 10)).await.unwrap();
        let early = NewStep { family: StepFamily::QualifyingTraining, title: "CACES", provider: None, start_on: date!(2021 - 01 - 15), end_on: None, qualifying: true, validated: None };
        assert!(refused(steps::add(&app.db, &as_referent, e.id, early).await).contains("avant l'entrée"));
        let caces = NewStep { family: StepFamily::QualifyingTraining, title: "CACES R489", provider: Some("AFPA"), start_on: date!(2021 - 02 - 15), end_on: Some(date!(2021 - 03 - 12)), qualifying: true, validated: Some(true) };
        steps::add(&app.db, &as_referent, e.id, caces).await.unwrap();
        let backwards = Contract { kind: ContractKind::Cdd, employer: "Entrepôt".into(), start: date!(2021 - 05 - 01), end: Some(date!(2021 - 04 - 01)), weekly_hours: 35.0 };
        assert!(refused(contracts::add(&app.db, &as_referent, person.id, &backwards, false).await).contains("finir avant"));
        let cdi = Contract { kind: ContractKind::Cdi, employer: "Entrepôt du Nord".into(), start: date!(2021 - 03 - 15), end: None, weekly_hours: 35.0 };
        contracts::add(&app.db, &as_referent, person.id, &cdi, true).await.unwrap();

        // The rules propose a durable job on 15 September 2021, and explain why.
        let proposal = enrolments::proposed_exit(&app.db, s, &e, date!(2021 - 09 - 15)).await.unwrap().unwrap();
        assert_eq!(proposal.reason, ExitReason::DurableJob);
        assert!(proposal.why.contains("Entrepôt du Nord"), "{}", proposal.why);
        let early_exit = TransitionData { exit: Some((ExitReason::DurableJob, "Contrat CDI".into())), ..Default::default() };
        assert!(refused(enrolments::transition(&app.db, &as_referent, Role::Referent, e.id, PathwayEvent::Exit, date!(2021 - 02 - 01), early_exit).await).contains("précéder l'entrée"));
        let no_proof = TransitionData { exit: Some((ExitReason::DurableJob, " ".into())), ..Default::default() };
        assert!(refused(enrolments::transition(&app.db, &as_referent, Role::Referent, e.id, PathwayEvent::Exit, date!(2021 - 09 - 15), no_proof).await).contains("justificatif"));
        // A reason outside the programme's exit typology is refused.
        let mut narrowed = plie.def.clone();
        narrowed.exit_reasons.retain(|r| *r != ExitReason::Health);
        programmes::update(&app.db, &as_manager, plie.id, &narrowed, true).await.unwrap();
        let health = TransitionData { exit: Some((ExitReason::Health, "Certificat".into())), ..Default::default() };
        let msg = refused(enrolments::transition(&app.db, &as_referent, Role::Referent, e.id, PathwayEvent::Exit, date!(2021 - 09 - 15), health).await);
        assert!(msg.contains("n'est pas prévu pour ce dispositif"), "{msg}");
        let exit = TransitionData { exit: Some((ExitReason::DurableJob, "Contrat CDI signé".into())), ..Default::default() };
        let e = enrolments::transition(&app.db, &as_referent, Role::Referent, e.id, PathwayEvent::Exit, date!(2021 - 09 - 15), exit).await.unwrap();
        assert_eq!(e.state, PathwayState::Exited);
        assert_eq!(e.exit_category().map(|c| c.code()), Some("durable_job"));
        let due: Option<time::Date> = with_pool!(&app.db, |p| {
            sqlx::query_scalar("SELECT due_on FROM follow_ups WHERE enrolment_id = $1").bind(e.id).fetch_optional(p).await.unwrap()
        });
        assert_eq!(due, Some(date!(2022 - 03 - 15)), "a 6-month follow-up task is created");

        let log = enrolments::log(&app.db, s, e.id).await.unwrap();
        let events: Vec<&str> = log.iter().map(|t| t.event.as_str()).collect();
        assert_eq!(events, ["propose_to_committee", "committee_admits", "exit"]);
        assert!(log[1].note.as_deref().is_some_and(|n| n.contains("Projet clair")));
        // Recorded work keeps the person in the register.
        let kept = refused(passerelle_db::persons::delete(&app.db, &as_manager, person.id, person.version).await);
        assert!(kept.contains("ne peut pas être supprimée"), "{kept}");
    })
    .await;
}

/// The walkthrough of issue 3 through the pages: the PLIE manager holds a committee that enters
/// a referred person and assigns a referent; the referent adds an objective, a training and a
/// CDI, sees the proposed exit and confirms it; the log shows each step. Another referent
/// cannot even see the pathway.
#[tokio::test]
async fn a_pathway_through_the_pages_from_referral_to_exit() {
    on_each_backend(|app: TestApp| async move {
        let referent_email = app.staff(Role::Referent).await;
        let referent_user = passerelle_db::users::by_email(&app.db, &referent_email)
            .await
            .unwrap()
            .unwrap()
            .0;
        let mut referent = app.browser();
        referent
            .sign_in(&referent_email, crate::support::PASSWORD)
            .await;
        referent.refresh_csrf().await;
        let person = crate::support::create_person(
            &mut referent,
            &person_form("Parcours", "Paula", "1982-02-02"),
        )
        .await;

        let form = referent
            .get(&format!("/parcours/orienter?personne={person}"))
            .await;
        assert_eq!(form.status, axum::http::StatusCode::OK);
        let plie_id = {
            let at = form.body.find("PLIE (Plan local").unwrap();
            let start = form.body[..at].rfind("value=\"").unwrap() + 7;
            form.body[start..start + 36].to_owned()
        };
        let missing = referent
            .post(
                "/parcours",
                &[
                    ("personne", &person.to_string()),
                    ("programme_id", &plie_id),
                    ("referred_on", "2021-01-10"),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(missing.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(missing.body.contains("organisme prescripteur"));
        let created = referent
            .post(
                "/parcours",
                &[
                    ("personne", &person.to_string()),
                    ("programme_id", &plie_id),
                    ("prescriber_organisation", "France Travail"),
                    ("referred_on", "2021-01-10"),
                    ("reason", "Projet logistique"),
                ],
            )
            .await;
        assert_eq!(
            created.status,
            axum::http::StatusCode::SEE_OTHER,
            "{}",
            created.body
        );
        let path = created
            .location
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let enrolment_id = path.trim_start_matches("/parcours/").to_owned();
        assert_eq!(
            referent
                .post(&format!("{path}/proposer"), &[("on", "2021-01-12")])
                .await
                .status,
            axum::http::StatusCode::SEE_OTHER
        );
        assert!(
            referent.get("/comites").await.status == axum::http::StatusCode::FORBIDDEN,
            "referents do not hold committees"
        );

        let mut manager = app.signed_in(Role::Manager).await;
        manager.get("/comites").await;
        let meeting = manager
            .post(
                "/comites",
                &[("programme_id", &plie_id), ("held_on", "2021-01-20")],
            )
            .await;
        let meeting_path = meeting
            .location
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let page = manager.get(&meeting_path).await;
        assert!(page.body.contains("Parcours Paula"));
        let no_reason = manager
            .post(
                &format!("{meeting_path}/decisions"),
                &[
                    ("enrolment_id", &enrolment_id),
                    ("decision", "entree"),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(
            no_reason.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        );
        assert!(no_reason.body.contains("motif de la décision"));
        let admitted = manager
            .post(
                &format!("{meeting_path}/decisions"),
                &[
                    ("enrolment_id", &enrolment_id),
                    ("decision", "entree"),
                    ("reason", "Projet validé"),
                ],
            )
            .await;
        assert_eq!(
            admitted.status,
            axum::http::StatusCode::SEE_OTHER,
            "{}",
            admitted.body
        );
        manager.get(&path).await;
        let assigned = manager
            .post(
                &format!("{path}/referent"),
                &[
                    ("user_id", &referent_user.id.to_string()),
                    ("on", "2021-01-20"),
                ],
            )
            .await;
        assert_eq!(assigned.status, axum::http::StatusCode::SEE_OTHER);

        // Another referent of the team no longer sees it once it has a referent.
        let mut other = app.signed_in(Role::Referent).await;
        assert_eq!(
            other.get(&path).await.status,
            axum::http::StatusCode::NOT_FOUND
        );
        assert!(!other.get("/parcours").await.body.contains("Parcours Paula"));
        let mine = referent.get("/parcours").await;
        assert!(mine.body.contains("Parcours Paula"));
        assert!(
            mine.body
                .contains("Durée maximale dépassée depuis le 20/01/2024"),
            "36-month alert"
        );
        assert!(
            mine.body.contains("Aucun rendez-vous depuis l&#39;entrée")
                || mine.body.contains("Aucun rendez-vous depuis l'entrée"),
            "no-contact alert"
        );
        let today = time::OffsetDateTime::now_utc().date();
        let future = (today + time::Duration::days(3)).to_string();
        let r = referent
            .post(
                &format!("{path}/rendez-vous"),
                &[
                    ("on", future.as_str()),
                    ("kind", "in_person"),
                    ("attended", "oui"),
                ],
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        let r = referent
            .post(
                &format!("{path}/rendez-vous"),
                &[
                    ("on", today.to_string().as_str()),
                    ("kind", "phone"),
                    ("attended", "oui"),
                    ("note", "Point emploi"),
                ],
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER);
        let mine = referent.get("/parcours").await;
        assert!(
            !mine.body.contains("Aucun rendez-vous depuis"),
            "the contact clears the alert"
        );

        referent.get(&path).await;
        let r = referent
            .post(
                &format!("{path}/objectifs"),
                &[
                    ("theme", "Emploi"),
                    ("objective", "Poste en logistique"),
                    ("action", "CACES"),
                ],
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER);
        let page = referent.get(&path).await;
        let at = page.body.find("/objectifs/").unwrap() + "/objectifs/".len();
        let objective = page.body[at..at + 36].to_owned();
        let done = referent
            .post(
                &format!("{path}/objectifs/{objective}/etat"),
                &[("status", "done")],
            )
            .await;
        assert_eq!(done.status, axum::http::StatusCode::SEE_OTHER);
        assert!(
            referent
                .get(&path)
                .await
                .body
                .contains("<option value=\"done\" selected>")
        );
        let no_proof = referent
            .post(
                &format!("{path}/diagnostic"),
                &[("criterion", "rsa"), ("on", "2021-01-05"), ("proof", "")],
            )
            .await;
        assert_eq!(
            no_proof.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        );
        assert!(no_proof.body.contains("preuve du critère"));
        let ok = referent
            .post(
                &format!("{path}/diagnostic"),
                &[
                    ("criterion", "rsa"),
                    ("on", "2021-01-05"),
                    ("proof", "Attestation CAF"),
                ],
            )
            .await;
        assert_eq!(ok.status, axum::http::StatusCode::SEE_OTHER);
        assert!(referent.get(&path).await.body.contains("Attestation CAF"));
        let early = referent
            .post(
                &format!("{path}/etapes"),
                &[
                    ("family", "qualifying_training"),
                    ("title", "CACES"),
                    ("start", "2021-01-05"),
                ],
            )
            .await;
        assert_eq!(early.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.body.contains("avant l&#39;entrée") || early.body.contains("avant l'entrée"));
        assert!(
            early.body.contains("value=\"CACES\""),
            "what was typed is kept"
        );
        let r = referent
            .post(
                &format!("{path}/etapes"),
                &[
                    ("family", "qualifying_training"),
                    ("title", "CACES R489"),
                    ("start", "2021-02-01"),
                    ("end", "2021-02-26"),
                    ("validated", "oui"),
                ],
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER);
        let r = referent
            .post(
                &format!("{path}/contrats"),
                &[
                    ("kind", "cdi"),
                    ("employer", "Entrepôt du Nord"),
                    ("start", "2021-03-15"),
                    ("weekly_hours", "35"),
                ],
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER);

        let page = referent.get(&path).await;
        assert!(
            page.body.contains("Catégorie proposée au ") && page.body.contains(" : Emploi durable"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Entrepôt du Nord"));
        let no_proof = referent
            .post(
                &format!("{path}/sortie"),
                &[
                    ("reason", "durable_job"),
                    ("on", "2021-10-01"),
                    ("proof", ""),
                ],
            )
            .await;
        assert_eq!(
            no_proof.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        );
        let done = referent
            .post(
                &format!("{path}/sortie"),
                &[
                    ("reason", "durable_job"),
                    ("on", "2021-10-01"),
                    ("proof", "Contrat CDI"),
                ],
            )
            .await;
        assert_eq!(
            done.status,
            axum::http::StatusCode::SEE_OTHER,
            "{}",
            done.body
        );
        let caseload = referent.get("/parcours").await;
        assert!(
            caseload
                .body
                .contains("Suivi à 6 mois à faire le 01/04/2022"),
            "the follow-up task shows"
        );
        let page = manager.get(&path).await;
        assert!(page.body.contains("<strong>Sorti</strong>"));
        for step in [
            "Orienté → Proposé au comité",
            "Proposé au comité → Entré",
            "Entré → Sorti",
        ] {
            assert!(page.body.contains(step), "log lacks {step}");
        }
        assert!(page.body.contains("Projet validé"));

        // The next committee reviews the exits since the previous one.
        let october = manager
            .post(
                "/comites",
                &[("programme_id", &plie_id), ("held_on", "2021-10-12")],
            )
            .await;
        let october = october
            .location
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let review = manager.get(&october).await;
        assert!(
            review
                .body
                .contains("sortie le 01/10/2021 : Emploi durable"),
            "{}",
            review.body
        );
        let no_reason = manager
            .post(
                &format!("{october}/sorties"),
                &[
                    ("enrolment_id", &enrolment_id),
                    ("opinion", "valide"),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(
            no_reason.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        );
        let ok = manager
            .post(
                &format!("{october}/sorties"),
                &[
                    ("enrolment_id", &enrolment_id),
                    ("opinion", "valide"),
                    ("reason", "CDI confirmé"),
                ],
            )
            .await;
        assert_eq!(ok.status, axum::http::StatusCode::SEE_OTHER);
        assert!(
            manager
                .get(&october)
                .await
                .body
                .contains("Aucune sortie à examiner")
        );
    })
    .await;
}

#[tokio::test]
async fn an_admin_edits_the_plie_towns_and_the_committee_applies_them() {
    on_each_backend(|app: TestApp| async move {
        let s = app.structure_id;
        programmes::ensure_defaults(&app.db, s).await.unwrap();
        let plie = programmes::by_code(&app.db, s, "plie").await.unwrap();
        let mut admin = app.signed_in(Role::Admin).await;
        let form = admin.get(&format!("/admin/dispositifs/{}", plie.id)).await;
        assert!(
            form.body.contains("59339 01/02/2021"),
            "the Leers opening date is shown"
        );
        let path = format!("/admin/dispositifs/{}", plie.id);
        let fields = |towns: &str| {
            vec![
                ("name", "PLIE".to_owned()),
                ("team", "plie".to_owned()),
                ("towns", towns.to_owned()),
                ("min_age", "18".to_owned()),
                ("max_duration_months", "36".to_owned()),
                ("alert_months", "3".to_owned()),
                ("active", "on".to_owned()),
                ("exit_reason", "durable_job".to_owned()),
                ("exit_reason", "transition_job".to_owned()),
                ("exit_reason", "abandon".to_owned()),
            ]
        };
        let bad = fields("59512 01/01/2015\n59339 bientôt");
        let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let bad_towns = admin.post(&path, &bad).await;
        assert_eq!(
            bad_towns.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        );
        assert!(bad_towns.body.contains("Ligne 2"));
        let good = fields("59512 01/01/2015\n59367 01/01/2015\n59339 01/03/2021");
        let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            admin.post(&path, &good).await.status,
            axum::http::StatusCode::SEE_OTHER
        );
        let edited = programmes::get(&app.db, s, plie.id).await.unwrap();
        let refusals = edited.def.eligibility.refusals(
            "59339",
            "Leers",
            date!(1980 - 01 - 01),
            date!(2021 - 02 - 15),
        );
        assert!(refusals[0].contains("01/03/2021"), "{refusals:?}");
        assert_eq!(edited.def.code, "plie", "the code never changes");
        assert_eq!(
            edited.def.exit_reasons.len(),
            3,
            "the exit typology is data"
        );
        let none: Vec<(&str, &str)> = good
            .iter()
            .copied()
            .filter(|(k, _)| *k != "exit_reason")
            .collect();
        let no_reason = admin.post(&path, &none).await;
        assert!(no_reason.body.contains("au moins un motif de sortie"));

        // Requiring RSA at entry: a person without it is refused at the committee, with why.
        let mut with_rsa: Vec<(&str, &str)> = good.clone();
        with_rsa.push(("situation", "rsa"));
        assert_eq!(
            admin.post(&path, &with_rsa).await.status,
            axum::http::StatusCode::SEE_OTHER
        );
        let plie = programmes::get(&app.db, s, plie.id).await.unwrap();
        assert_eq!(plie.def.eligibility.situation_any.len(), 1);
        let manager = passerelle_db::users::by_email(&app.db, &app.staff(Role::Manager).await)
            .await
            .unwrap()
            .unwrap()
            .0;
        let as_manager = Actor {
            structure_id: s,
            user_id: manager.id,
        };
        let fields = person_form("Sansrsa", "Sam", "1980-01-01")
            .validate(&*app.state.territory().await, date!(2026 - 01 - 01))
            .unwrap();
        let person = passerelle_db::persons::create(&app.db, &as_manager, &fields)
            .await
            .unwrap();
        let referral = NewReferral {
            person_id: person.id,
            programme_id: plie.id,
            prescriber_organisation: "CCAS",
            prescriber_name: None,
            referred_on: date!(2021 - 05 - 01),
            reason: "Test",
        };
        let e = enrolments::refer(&app.db, &as_manager, referral)
            .await
            .unwrap();
        enrolments::transition(
            &app.db,
            &as_manager,
            Role::Manager,
            e.id,
            PathwayEvent::ProposeToCommittee,
            date!(2021 - 05 - 02),
            TransitionData::default(),
        )
        .await
        .unwrap();
        let meeting = committees::create_meeting(
            &app.db,
            &as_manager,
            &Scope::whole_structure(s),
            plie.id,
            date!(2021 - 05 - 11),
            None,
        )
        .await
        .unwrap();
        let d = Decision {
            admitted: true,
            reason: "Projet",
            override_reason: None,
        };
        let msg = refused(
            committees::decide(
                &app.db,
                &as_manager,
                Role::Manager,
                &Scope::whole_structure(s),
                meeting.id,
                e.id,
                d,
            )
            .await,
        );
        assert!(msg.contains("bénéficiaire du RSA"), "{msg}");
    })
    .await;
}
