//! The demo on both engines: its population and one account per role.

use passerelle_db::persons;
use passerelle_db::persons::search::{self, PersonFilter};
use passerelle_domain::Role;

use crate::support::databases;

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
