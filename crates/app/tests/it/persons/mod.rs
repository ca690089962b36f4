//! The person register through its pages: create, search, view, edit, conflicts, validation,
//! duplicates, sensitive fields.

use axum::http::StatusCode;
use passerelle_domain::Role;

use crate::support::{TestApp, create_person, on_each_backend, person_fields, person_form};

#[tokio::test]
async fn a_referent_registers_a_person_then_finds_her_whatever_the_accents_case_or_typo() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.signed_in(Role::Referent).await;
        b.refresh_csrf().await;
        let mut marie = person_form("Dupont-Lefèvre", "Marie Héloïse", "1985-04-12");
        marie.email = "marie.dupont@exemple.fr".into();
        let id = create_person(&mut b, &marie).await;
        create_person(&mut b, &person_form("Martin", "Jean", "1970-01-01")).await;
        for q in [
            "dupont",
            "DUPONT",
            "Dùpont",
            "lefevre",
            "dupond",
            "heloise",
            "dup",
            "marie dupont",
        ] {
            let page = b.get(&format!("/personnes?q={}", urlencode(q))).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(
                page.body.contains(&id.to_string()),
                "« {q} » does not find Marie"
            );
            assert!(
                !page.body.contains("Martin Jean"),
                "« {q} » finds Jean Martin"
            );
        }
        let nobody = b.get("/personnes?q=durand").await;
        assert!(nobody.body.contains("Aucune personne ne correspond"));
        let view = b.get(&format!("/personnes/{id}")).await;
        assert!(view.body.contains("Dupont-Lefèvre Marie Héloïse"));
        assert!(view.body.contains("12/04/1985"));
        assert!(view.body.contains("L&#39;Alma") || view.body.contains("L'Alma"));
    })
    .await;
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn filters_by_town_qpv_and_age_band() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.signed_in(Role::Referent).await;
        b.refresh_csrf().await;
        let young = create_person(
            &mut b,
            &person_form(
                "Jeune",
                "Alice",
                &(passerelle_domain::clock::today() - time::Duration::days(365 * 20)).to_string(),
            ),
        )
        .await;
        let mut leers = person_form("Ailleurs", "Bruno", "1960-05-05");
        leers.commune_code = "59339".into();
        leers.qpv_code = String::new();
        let old = create_person(&mut b, &leers).await;
        let by_town = b.get("/personnes?commune=59339").await;
        assert!(
            by_town.body.contains(&old.to_string()) && !by_town.body.contains(&young.to_string())
        );
        let in_qpv = b.get("/personnes?qpv=oui").await;
        assert!(
            in_qpv.body.contains(&young.to_string()) && !in_qpv.body.contains(&old.to_string())
        );
        let under_26 = b.get("/personnes?age=moins-26").await;
        assert!(
            under_26.body.contains(&young.to_string()) && !under_26.body.contains(&old.to_string())
        );
        let over_50 = b.get("/personnes?age=50-plus").await;
        assert!(
            over_50.body.contains(&old.to_string()) && !over_50.body.contains(&young.to_string())
        );
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_shown_again_with_french_messages_and_nothing_is_saved() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.signed_in(Role::Reception).await;
        b.refresh_csrf().await;
        let mut p = person_form("", "Jean", "2099-01-01");
        p.email = "pas-un-email".into();
        p.commune_code = "99999".into();
        p.phone = "12".into();
        p.first_names = "J".repeat(150);
        let fields = person_fields(&p);
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = b.post("/personnes", &refs).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        for msg in [
            "Le nom est obligatoire.",
            "La date de naissance ne peut pas être dans le futur.",
            "Adresse e-mail invalide",
            "Commune inconnue",
            "Numéro invalide",
            "ne peut pas dépasser 100 caractères",
        ] {
            assert!(res.body.contains(msg), "missing message « {msg} »");
        }
        assert!(
            res.body.contains("value=\"pas-un-email\""),
            "typed value lost"
        );
        assert!(res.body.contains("aria-invalid=\"true\""));
        assert_eq!(
            passerelle_db::persons::count(&app.db, app.structure_id)
                .await
                .unwrap(),
            0
        );
        let mut old = person_form("Ancien", "Paul", "1890-01-01");
        old.qpv_code = "QPV-INCONNU".into();
        let fields = person_fields(&old);
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = b.post("/personnes", &refs).await;
        assert!(res.body.contains("plus de 120 ans"));
        assert!(
            res.body
                .contains("Ce quartier prioritaire n&#39;existe pas")
                || res.body.contains("Ce quartier prioritaire n'existe pas")
        );
    })
    .await;
}

#[tokio::test]
async fn registering_a_look_alike_warns_and_links_to_the_existing_record() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.signed_in(Role::Reception).await;
        b.refresh_csrf().await;
        let first = create_person(&mut b, &person_form("Benali", "Samira", "1988-03-02")).await;
        let twin = person_form("BENALI", "samira", "1988-03-02");
        let fields = person_fields(&twin);
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let warned = b.post("/personnes", &refs).await;
        assert_eq!(warned.status, StatusCode::CONFLICT);
        assert!(warned.body.contains("ressemble à une fiche existante"));
        assert!(warned.body.contains(&format!("/personnes/{first}")));
        assert_eq!(
            passerelle_db::persons::count(&app.db, app.structure_id)
                .await
                .unwrap(),
            1
        );
        // Same phone, other name: also a look-alike.
        let mut phone_a = person_form("Autre", "Nom", "1990-01-01");
        phone_a.phone = "0611223344".into();
        create_person(&mut b, &phone_a).await;
        let mut phone_b = person_form("Encore", "Autre", "1991-01-01");
        phone_b.phone = "06 11 22 33 44".into();
        let fields = person_fields(&phone_b);
        let mut refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            b.post("/personnes", &refs).await.status,
            StatusCode::CONFLICT
        );
        refs.push(("not_a_duplicate", "on"));
        assert_eq!(
            b.post("/personnes", &refs).await.status,
            StatusCode::SEE_OTHER
        );
    })
    .await;
}

#[tokio::test]
async fn two_referents_edit_the_same_person_and_the_second_sees_the_conflict() {
    on_each_backend(|app: TestApp| async move {
        let mut anne = app.signed_in(Role::Referent).await;
        let mut paul = app.signed_in(Role::Referent).await;
        anne.refresh_csrf().await;
        let id = create_person(&mut anne, &person_form("Conflit", "Claire", "1980-02-02")).await;
        // Both open the form at version 1.
        anne.get(&format!("/personnes/{id}/modifier")).await;
        let form = paul.get(&format!("/personnes/{id}/modifier")).await;
        assert!(form.body.contains("name=\"version\" value=\"1\""));
        let mut a = person_form("Conflit", "Claire", "1980-02-02");
        a.phone = "0600000001".into();
        let fields = person_fields(&a);
        let mut refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        refs.push(("version", "1"));
        assert_eq!(
            anne.post(&format!("/personnes/{id}"), &refs).await.status,
            StatusCode::SEE_OTHER
        );
        let mut p = person_form("Conflit", "Claire", "1980-02-02");
        p.address = "12 rue de Lannoy".into();
        let fields = person_fields(&p);
        let mut refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        refs.push(("version", "1"));
        let clash = paul.post(&format!("/personnes/{id}"), &refs).await;
        assert_eq!(clash.status, StatusCode::CONFLICT);
        assert!(
            clash
                .body
                .contains("Quelqu&#39;un a enregistré cette fiche")
                || clash.body.contains("Quelqu'un a enregistré cette fiche")
        );
        assert!(
            clash.body.contains("0600000001"),
            "the other's change is shown"
        );
        assert!(
            clash.body.contains("12 rue de Lannoy"),
            "paul's input is kept"
        );
        assert!(clash.body.contains("name=\"version\" value=\"2\""));
        let saved = passerelle_db::persons::get(&app.db, app.structure_id, id)
            .await
            .unwrap();
        assert_eq!(saved.fields.phone.as_deref(), Some("0600000001"));
        assert_eq!(saved.fields.address, None);
        // Paul saves again knowingly, against version 2.
        refs.retain(|(k, _)| *k != "version");
        refs.push(("version", "2"));
        assert_eq!(
            paul.post(&format!("/personnes/{id}"), &refs).await.status,
            StatusCode::SEE_OTHER
        );
    })
    .await;
}

#[tokio::test]
async fn sensitive_fields_are_hidden_from_reception() {
    on_each_backend(|app: TestApp| async move {
        let mut referent = app.signed_in(Role::Referent).await;
        referent.refresh_csrf().await;
        let id = create_person(&mut referent, &person_form("Sensible", "Sam", "1979-07-07")).await;
        let res = referent
            .post(
                &format!("/personnes/{id}/situations"),
                &[
                    ("observed_on", "2021-03-01"),
                    ("labour_status", "unemployed"),
                    ("jobseeker_since", "2019-01-15"),
                    ("receives_rsa", "on"),
                    ("education_level", "3"),
                    ("rqth", "yes"),
                    ("justice_supervision", "yes"),
                    ("health_notes", "Suivi médical régulier"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let seen = referent.get(&format!("/personnes/{id}")).await;
        assert!(seen.body.contains("RQTH") && seen.body.contains("Suivi médical régulier"));
        assert!(seen.body.contains("RSA"));
        let mut reception = app.signed_in(Role::Reception).await;
        let hidden = reception.get(&format!("/personnes/{id}")).await;
        assert_eq!(hidden.status, StatusCode::OK);
        assert!(hidden.body.contains("RSA"));
        assert!(!hidden.body.contains("RQTH</dt>"));
        assert!(!hidden.body.contains("Suivi médical régulier"));
        assert!(!hidden.body.contains("Sous main de justice</dt>"));
        assert!(hidden.body.contains("ne sont pas visibles avec votre rôle"));
        // A situation is history: a second one does not replace the first.
        let again = referent
            .post(
                &format!("/personnes/{id}/situations"),
                &[("observed_on", "2022-01-10"), ("labour_status", "employed")],
            )
            .await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        let history = passerelle_db::persons::situations::history(&app.db, app.structure_id, id)
            .await
            .unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(
            history[0].fields.observed_on,
            time::macros::date!(2022 - 01 - 10)
        );
    })
    .await;
}

#[tokio::test]
async fn a_situation_with_bad_dates_is_refused_in_french() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.signed_in(Role::Referent).await;
        b.refresh_csrf().await;
        let id = create_person(&mut b, &person_form("Dates", "Dora", "1990-01-01")).await;
        let res = b
            .post(
                &format!("/personnes/{id}/situations"),
                &[
                    ("observed_on", "1980-01-01"),
                    ("labour_status", "inactive"),
                    ("jobseeker_since", "1979-01-01"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("précède la naissance"));
        assert!(
            passerelle_db::persons::situations::history(&app.db, app.structure_id, id)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn records_of_another_structure_are_invisible() {
    on_each_backend(|app: TestApp| async move {
        let other = passerelle_services::access::create_structure(&app.db, "Autre MiE")
            .await
            .unwrap();
        let actor = passerelle_domain::audit::Actor {
            structure_id: other.id,
            user_id: uuid::Uuid::now_v7(),
        };
        let input = crate::support::person_form("Voisin", "Victor", "1980-01-01");
        let fields = input
            .validate(
                &*app.state.territory().await,
                time::macros::date!(2026 - 01 - 01),
            )
            .unwrap();
        let p = app.register(&actor, &fields).await;
        assert!(
            passerelle_db::persons::get(&app.db, app.structure_id, p.id)
                .await
                .is_err()
        );
        let mut b = app.signed_in(Role::Director).await;
        assert_eq!(
            b.get(&format!("/personnes/{}", p.id)).await.status,
            axum::http::StatusCode::NOT_FOUND
        );
        assert!(!b.get("/personnes?q=voisin").await.body.contains("Voisin"));
    })
    .await;
}
