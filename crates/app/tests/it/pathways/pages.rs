//! A pathway walked through the pages, from referral to the committee's exit review.

use passerelle_domain::Role;

use crate::support::{TestApp, on_each_backend, person_form};

/// The walkthrough of issue 3 through the pages: the PLIE manager holds a committee that enters
/// a referred person and assigns a referent; the referent adds an objective, a training and a
/// CDI, sees the proposed exit and confirms it; the log shows each step. Another referent
/// cannot even see the pathway.
#[tokio::test]
async fn a_pathway_through_the_pages_from_referral_to_exit() {
    on_each_backend(|app: TestApp| async move {
        let referent_email = app.staff(Role::Referent).await;
        let referent_user = passerelle_db::access::users::by_email(&app.db, &referent_email)
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
        let today = passerelle_domain::clock::today();
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
