//! In the interface: a director publishes the 2021 report, a referent corrects a contract's
//! date, the report of today moves, the published one does not, and its page lists the
//! contract that moved.

use axum::http::StatusCode;
use passerelle_db::with_pool;
use passerelle_domain::Role;
use uuid::Uuid;

use crate::reports::properties::{Pathway, Person, record};
use crate::support::{TestApp, on_each_backend};

async fn first_id(app: &TestApp, table: &str) -> Uuid {
    let sql = format!("SELECT id FROM {table} WHERE structure_id = $1");
    with_pool!(&app.db, |p| {
        sqlx::query_scalar::<_, Uuid>(sqlx::AssertSqlSafe(sql))
            .bind(app.structure_id)
            .fetch_one(p)
            .await
            .unwrap()
    })
}

fn figure_cell(body: &str, title: &str) -> String {
    let at = body
        .find(title)
        .unwrap_or_else(|| panic!("{title} not on the page"));
    let rest = &body[at..];
    let link = rest.find("<strong><a href=").unwrap();
    let rest = &rest[link..];
    let start = rest.find('>').unwrap() + 1;
    let rest = &rest[start..];
    let start = rest.find('>').unwrap() + 1;
    rest[start..start + rest[start..].find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn a_correction_after_publication_moves_today_s_figure_not_the_published_one() {
    on_each_backend(|app| async move {
        // A PLIE participant entered in March 2021, with a contract from 1 July 2021.
        let participant = Person {
            female: false,
            commune: 0,
            qpv: true,
            birth_year: 1979,
            situations: Vec::new(),
            pathways: vec![Pathway {
                programme: 0,
                entered: Some(800),
                exit: None,
                referents: Vec::new(),
                steps: Vec::new(),
            }],
            contracts: vec![912],
        };
        record(&app.db, app.structure_id, &[participant]).await;
        let enrolment = first_id(&app, "enrolments").await;
        let contract = first_id(&app, "employment_contracts").await;

        let mut director = app.signed_in(Role::Director).await;
        let report = director.get("/rapports?annee=2021").await;
        assert_eq!(
            figure_cell(&report.body, "Contrats de travail des participants"),
            "1"
        );
        let listed = director.get("/rapports/2021/plie.contracts").await;
        assert!(listed.body.contains("Enregistrements comptés (1)"));
        assert!(listed.body.contains("Personne0"));
        let published = director.post("/rapports/2021/publier", &[]).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER);
        let publication = passerelle_db::reports::publications::list(&app.db, app.structure_id)
            .await
            .unwrap()[0]
            .id;

        // The correction, through the pathway page.
        let pathway = director.get(&format!("/parcours/{enrolment}")).await;
        let edit = format!("/parcours/{enrolment}/contrats/{contract}");
        assert!(pathway.body.contains(&edit));
        let form = director.get(&edit).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("value=\"2021-07-01\""));
        let fields = |start: &'static str, version: &'static str| {
            vec![
                ("kind", "cdd"),
                ("employer", "Employeur"),
                ("start", start),
                ("end", ""),
                ("weekly_hours", "35"),
                ("version", version),
            ]
        };
        let bad = director.post(&edit, &fields("31/02/2021", "1")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("date de début"));
        let saved = director.post(&edit, &fields("10/01/2022", "1")).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let stale = director.post(&edit, &fields("15/01/2022", "1")).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(
            stale.body.contains("value=\"15/01/2022\""),
            "the typed value is kept"
        );
        assert!(
            stale.body.contains("10/01/2022"),
            "the saved value is shown"
        );

        // Today's report moves at once; the published one does not, and says what moved.
        let report = director.get("/rapports?annee=2021").await;
        assert_eq!(
            figure_cell(&report.body, "Contrats de travail des participants"),
            "0"
        );
        let page = director
            .get(&format!("/rapports/publications/{publication}"))
            .await;
        assert!(
            page.body
                .contains("Contrats de travail des participants : 1 publiés, 0 aujourd&#39;hui")
                || page
                    .body
                    .contains("Contrats de travail des participants : 1 publiés, 0 aujourd'hui"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Plus comptés"));
        assert!(page.body.contains("Personne0"));
        let frozen = director
            .get(&format!(
                "/rapports/publications/{publication}/plie.contracts"
            ))
            .await;
        assert_eq!(frozen.status, StatusCode::OK);
        assert!(frozen.body.contains("Personne0") && frozen.body.contains("01/07/2021"));
    })
    .await;
}
