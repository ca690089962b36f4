//! A director adds the structure's own indicators in the interface: checked before saving,
//! explained like the shipped ones, set aside alone when they break, and never opening names
//! to a role that may not see them.

use axum::http::StatusCode;
use passerelle_db::reports::indicator_files;
use passerelle_domain::reports::files::{FileChecks, SaveMode};

/// The checks of a release that knew breakdowns this one no longer does: the file they let
/// through is stored, and breaks later.
const CHECKS_OF_AN_EARLIER_RELEASE: FileChecks = FileChecks {
    name: |_| Ok(()),
    file: |_, _, _| Ok(Vec::new()),
};
use passerelle_domain::Role;

use crate::reports::properties::{Pathway, Person, record};
use crate::support::{TestApp, on_each_backend};

const ROUBAIX_ENTRIES: &str = r#"[[indicator]]
id = "perso.entries_roubaix"
version = 1
title = "Entrées PLIE des Roubaisiens"
definition = "Entrées dans le PLIE des habitants de Roubaix."
population = "enrolments"
period = "entered"
measure = "count"
filters = { programme = "plie", commune = "59512" }
breakdowns = ["sex"]
"#;

const UNKNOWN_BREAKDOWN: &str = r#"[[indicator]]
id = "perso.colour"
version = 1
title = "Par couleur"
definition = "X"
population = "enrolments"
period = "entered"
measure = "count"
breakdowns = ["couleur"]
"#;

/// Two Roubaix residents and one Leers resident enter the PLIE in March 2021.
async fn three_plie_entries(app: &TestApp) {
    let entrant = |commune| Person {
        female: true,
        commune,
        qpv: false,
        birth_year: 1985,
        situations: Vec::new(),
        pathways: vec![Pathway {
            programme: 0,
            entered: Some(800),
            exit: None,
            referents: Vec::new(),
            steps: Vec::new(),
        }],
        contracts: Vec::new(),
    };
    record(
        &app.db,
        app.structure_id,
        &[entrant(0), entrant(0), entrant(1)],
    )
    .await;
}

#[tokio::test]
async fn a_director_adds_an_indicator_and_a_broken_one_is_set_aside() {
    on_each_backend(|app| async move {
        three_plie_entries(&app).await;
        let mut director = app.signed_in(Role::Director).await;
        assert_eq!(
            director.get("/rapports/indicateurs").await.status,
            StatusCode::OK
        );

        let refused = director
            .post(
                "/rapports/indicateurs",
                &[("name", "perso.toml"), ("source", UNKNOWN_BREAKDOWN)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("id=\"source-erreur\""));
        assert!(refused.body.contains("couleur"), "{}", refused.body);
        assert!(
            refused.body.contains("Par couleur"),
            "the typed text is kept"
        );
        assert!(
            indicator_files::list(&app.db, app.structure_id)
                .await
                .unwrap()
                .is_empty()
        );

        let saved = director
            .post(
                "/rapports/indicateurs",
                &[("name", "perso.toml"), ("source", ROUBAIX_ENTRIES)],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let report = director.get("/rapports?annee=2021").await;
        assert!(report.body.contains("Entrées PLIE des Roubaisiens"));
        assert!(report.body.contains("(définition de la structure)"));

        // Explain: the two Roubaix entries, and the Leers one left out with the reason.
        let explain = director.get("/rapports/2021/perso.entries_roubaix").await;
        assert_eq!(explain.status, StatusCode::OK);
        assert!(
            explain.body.contains("Enregistrements comptés (2)"),
            "{}",
            explain.body
        );
        assert!(
            explain
                .body
                .contains("Écartés par les critères de la définition (1)")
        );
        assert!(explain.body.contains("réside dans une autre commune"));

        // A file stored before a change that breaks it: its indicator is set aside, the others
        // are computed.
        passerelle_services::reports::save_indicator_file(
            &app.db,
            &app.server(),
            SaveMode::Create,
            "ancien.toml",
            UNKNOWN_BREAKDOWN,
            CHECKS_OF_AN_EARLIER_RELEASE,
        )
        .await
        .unwrap();
        let report = director.get("/rapports?annee=2021").await;
        assert_eq!(report.status, StatusCode::OK);
        assert!(report.body.contains("Indicateurs de la structure écartés"));
        assert!(report.body.contains("ancien.toml"));
        assert!(report.body.contains("Entrées PLIE des Roubaisiens"));
        assert!(report.body.contains("Entrées dans le PLIE"));

        let mut reader = app.signed_in(Role::ReadOnly).await;
        assert_eq!(
            reader.get("/rapports/indicateurs").await.status,
            StatusCode::FORBIDDEN
        );
        let mut manager = app.signed_in(Role::Manager).await;
        assert_eq!(
            manager.get("/rapports/indicateurs").await.status,
            StatusCode::FORBIDDEN
        );
    })
    .await;
}

#[tokio::test]
async fn a_figures_list_is_kept_to_chosen_roles_and_never_opened_to_read_only() {
    on_each_backend(|app| async move {
        three_plie_entries(&app).await;
        let mut director = app.signed_in(Role::Director).await;
        director.get("/rapports/indicateurs").await;
        let to_read_only = format!("{ROUBAIX_ENTRIES}list_roles = [\"read_only\"]\n");
        let refused = director
            .post(
                "/rapports/indicateurs",
                &[("name", "perso.toml"), ("source", &to_read_only)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("ne peut pas voir les noms"));

        let director_only = format!("{ROUBAIX_ENTRIES}list_roles = [\"director\"]\n");
        let saved = director
            .post(
                "/rapports/indicateurs",
                &[("name", "perso.toml"), ("source", &director_only)],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        let path = "/rapports/2021/perso.entries_roubaix";
        assert_eq!(director.get(path).await.status, StatusCode::OK);
        assert!(
            director
                .get(path)
                .await
                .body
                .contains("Enregistrements comptés (2)")
        );
        // The manager sees the figure and its breakdowns, not the names.
        let mut manager = app.signed_in(Role::Manager).await;
        let kept = manager.get(path).await;
        assert_eq!(kept.status, StatusCode::OK);
        assert!(kept.body.contains("Sexe"));
        assert!(!kept.body.contains("Enregistrements comptés"));
        assert!(kept.body.contains("pas accessible à votre rôle"));
        assert!(
            manager
                .get("/rapports/2021/plie.entries")
                .await
                .body
                .contains("Enregistrements comptés (3)")
        );
        // Read-only accounts: figures and breakdowns, never a list.
        let mut reader = app.signed_in(Role::ReadOnly).await;
        let report = reader.get("/rapports?annee=2021").await;
        assert!(report.body.contains("Entrées PLIE des Roubaisiens"));
        let figure = reader.get("/rapports/2021/plie.entries").await;
        assert_eq!(figure.status, StatusCode::OK);
        assert!(figure.body.contains("Commune"));
        assert!(!figure.body.contains("Enregistrements comptés"));
        assert!(!figure.body.contains("/personnes/"));
        // Each opened list is in the audit trail.
        let views: Vec<_> = passerelle_db::audit::list(
            &app.db,
            app.structure_id,
            &passerelle_db::audit::AuditFilter {
                detail: passerelle_domain::audit::AuditDetail::Full,
                entity_id: Some(app.structure_id),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.entity == "report_figure")
        .collect();
        assert_eq!(views.len(), 3, "{views:?}");
        assert!(views.iter().any(|v| v.changes[0].after.as_deref()
            == Some("plie.entries 2021 : 3 enregistrements listés")));
    })
    .await;
}

#[tokio::test]
async fn two_directors_editing_one_file_never_overwrite_each_other() {
    on_each_backend(|app| async move {
        let mut first = app.signed_in(Role::Director).await;
        first.get("/rapports/indicateurs").await;
        first
            .post(
                "/rapports/indicateurs",
                &[("name", "perso.toml"), ("source", ROUBAIX_ENTRIES)],
            )
            .await;
        let id = indicator_files::list(&app.db, app.structure_id)
            .await
            .unwrap()[0]
            .id;
        let path = format!("/rapports/indicateurs/{id}");
        let mut second = app.signed_in(Role::Director).await;
        assert_eq!(second.get(&path).await.status, StatusCode::OK);
        first.get(&path).await;

        let mine = ROUBAIX_ENTRIES.replace("Roubaisiens", "habitants de Roubaix");
        let theirs = ROUBAIX_ENTRIES.replace("Roubaisiens", "Roubaisiennes et Roubaisiens");
        let saved = first
            .post(
                &path,
                &[("name", "perso.toml"), ("source", &mine), ("version", "1")],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let stale = second
            .post(
                &path,
                &[
                    ("name", "perso.toml"),
                    ("source", &theirs),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(
            stale.body.contains("modifié par quelqu&#39;un d&#39;autre")
                || stale.body.contains("modifié par quelqu'un d'autre")
        );
        assert!(
            stale.body.contains("Roubaisiennes et Roubaisiens"),
            "the typed text is kept"
        );
        let stored = indicator_files::get(&app.db, app.structure_id, id)
            .await
            .unwrap();
        assert!(stored.source.contains("habitants de Roubaix"));
        assert_eq!(stored.version, 2);
    })
    .await;
}

const CONTRACT_HOURS: &str = r#"[[indicator]]
id = "perso.contract_hours"
version = 1
title = "Heures hebdomadaires des contrats"
definition = "Somme des heures par semaine des contrats commençant pendant le parcours PLIE."
population = "contracts"
period = "started"
measure = "sum"
quantity = "weekly_hours"
unit = "h"
filters = { programme = "plie" }
"#;

#[tokio::test]
async fn a_director_adds_up_the_weekly_hours_of_the_participants_contracts() {
    on_each_backend(|app| async move {
        let pathway = |programme, entered| Pathway {
            programme,
            entered: Some(entered),
            exit: None,
            referents: Vec::new(),
            steps: Vec::new(),
        };
        let person = |pathways, contracts| Person {
            female: false,
            commune: 0,
            qpv: false,
            birth_year: 1990,
            situations: Vec::new(),
            pathways,
            contracts,
        };
        // Days from 01/01/2019: 600 is in August 2020, 800 in March 2021. Each contract is of
        // 35 hours a week.
        record(
            &app.db,
            app.structure_id,
            &[
                // One contract in 2020, two in 2021, all during the PLIE pathway.
                person(vec![pathway(0, 600)], vec![650, 850, 900]),
                // Two PLIE pathways cover the contract: it is added once.
                person(vec![pathway(0, 800), pathway(0, 820)], vec![850]),
                // Another programme: not a PLIE contract.
                person(vec![pathway(1, 800)], vec![850]),
            ],
        )
        .await;
        let mut director = app.signed_in(Role::Director).await;
        director.get("/rapports/indicateurs").await;
        let saved = director
            .post(
                "/rapports/indicateurs",
                &[("name", "heures.toml"), ("source", CONTRACT_HOURS)],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

        let defs = passerelle_report::for_structure(&app.db, app.structure_id)
            .await
            .unwrap()
            .defs;
        let report = passerelle_report::build(&app.db, app.structure_id, &defs, 2021)
            .await
            .unwrap();
        let hours = report
            .figures
            .iter()
            .find(|f| f.id == "perso.contract_hours")
            .unwrap();
        assert_eq!((hours.value, hours.previous), (105.0, 35.0));

        // Explain: the three contracts added, each with its hours.
        let explain = director.get("/rapports/2021/perso.contract_hours").await;
        assert_eq!(explain.status, StatusCode::OK);
        assert!(
            explain.body.contains("Enregistrements comptés (3)"),
            "{}",
            explain.body
        );
        assert!(explain.body.contains(" h par semaine"));

        // A sum goes with the count of the same contracts (`plie.contracts`, 3): hidden under
        // a threshold of 5, shown under a threshold of 3.
        let published = |threshold| {
            let public = passerelle_report::public_json(&report, &defs, threshold);
            public["figures"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["id"] == "perso.contract_hours")
                .unwrap()
                .clone()
        };
        assert_eq!(published(5)["value"], serde_json::Value::Null);
        assert_eq!(published(5)["hidden"], true);
        assert_eq!(published(3)["value"], 105);
        assert_eq!(
            published(3)["previous"],
            serde_json::Value::Null,
            "one contract in 2020"
        );
    })
    .await;
}
