//! Storage-level behaviour on both engines: the demo population, search scale, backups.

use passerelle_db::persons;
use passerelle_db::persons::search::{self, PersonFilter};
use passerelle_domain::Role;

use crate::support::{TestApp, databases, on_each_backend};

#[tokio::test]
async fn the_demo_builds_its_population_and_one_account_per_role() {
    for db in databases().await {
        let today = time::macros::date!(2026 - 11 - 29);
        let summary = passerelle_demo::build(&db, 300, today)
            .await
            .unwrap()
            .expect("built");
        assert_eq!(summary.persons, 300);
        assert_eq!(
            persons::count(&db, summary.structure_id).await.unwrap(),
            300
        );
        for role in Role::ALL {
            assert!(
                summary.accounts.iter().any(|(_, r)| *r == role),
                "no demo account for {role:?}"
            );
        }
        // Building again keeps the existing demo.
        assert!(
            passerelle_demo::build(&db, 300, today)
                .await
                .unwrap()
                .is_none()
        );
        let dupont = search::search(
            &db,
            summary.structure_id,
            &PersonFilter {
                query: "DUPONT".into(),
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(dupont.total > 0, "the demo has people called Dupont");
        assert!(dupont.persons.iter().all(|p| {
            p.full_name().to_lowercase().contains("dupon")
                || p.fields
                    .birth_name
                    .as_deref()
                    .is_some_and(|b| b.to_lowercase().contains("dupon"))
        }));
    }
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
        assert!(persons::get(&app.db, app.structure_id, p.id).await.is_err());
        let mut b = app.signed_in(Role::Director).await;
        assert_eq!(
            b.get(&format!("/personnes/{}", p.id)).await.status,
            axum::http::StatusCode::NOT_FOUND
        );
        assert!(!b.get("/personnes?q=voisin").await.body.contains("Voisin"));
    })
    .await;
}

#[tokio::test]
async fn a_sqlite_backup_is_a_readable_copy() {
    let dir = std::env::temp_dir().join(format!("passerelle-backup-{}", uuid::Uuid::now_v7()));
    let db = passerelle_db::Db::open_data_dir(&dir).await.unwrap();
    let today = time::macros::date!(2026 - 11 - 29);
    let summary = passerelle_demo::build(&db, 50, today)
        .await
        .unwrap()
        .unwrap();
    let target = dir.join("copie.db");
    db.backup_sqlite(&target).await.unwrap();
    let copy = passerelle_db::Db::connect(&format!("sqlite://{}", target.display()))
        .await
        .unwrap();
    assert_eq!(
        persons::count(&copy, summary.structure_id).await.unwrap(),
        50
    );
    assert!(
        db.backup_sqlite(&target).await.is_err(),
        "an existing file is never overwritten"
    );
}

#[tokio::test]
async fn search_pages_and_combined_words() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.signed_in(Role::Referent).await;
        b.refresh_csrf().await;
        for (last, first) in [
            ("Martin", "Marie"),
            ("Martin", "Jean"),
            ("Dupont", "Marie"),
            ("Martinez", "Luc"),
        ] {
            crate::support::create_person(
                &mut b,
                &crate::support::person_form(last, first, "1980-01-01"),
            )
            .await;
        }
        let f = |q: &str, limit: i64, offset: i64| PersonFilter {
            query: q.into(),
            limit,
            offset,
            ..Default::default()
        };
        let both = search::search(&app.db, app.structure_id, &f("marie martin", 50, 0))
            .await
            .unwrap();
        assert_eq!(both.total, 1);
        assert_eq!(both.persons[0].full_name(), "Martin Marie");
        let martin = search::search(&app.db, app.structure_id, &f("martin", 50, 0))
            .await
            .unwrap();
        assert_eq!(martin.total, 3, "Martin ×2 and Martinez by prefix");
        assert_eq!(
            martin.persons[2].fields.last_name, "Martinez",
            "exact names first"
        );
        let page2 = search::search(&app.db, app.structure_id, &f("martin", 2, 2))
            .await
            .unwrap();
        assert_eq!((page2.total, page2.persons.len()), (3, 1));
        let past = search::search(&app.db, app.structure_id, &f("martin", 2, 10))
            .await
            .unwrap();
        assert_eq!((past.total, past.persons.len()), (3, 0));
        let none = search::search(&app.db, app.structure_id, &f("zzzz", 50, 0))
            .await
            .unwrap();
        assert_eq!(none.total, 0);
        let all = search::search(&app.db, app.structure_id, &f("", 2, 0))
            .await
            .unwrap();
        assert_eq!((all.total, all.persons.len()), (4, 2));
    })
    .await;
}
