//! An administrator imports a dated QPV list; referents then record people in it.

use axum::http::StatusCode;
use passerelle_domain::Role;

use crate::support::{TestApp, create_person, on_each_backend, person_form};

#[tokio::test]
async fn an_admin_imports_a_qpv_list_that_referents_can_use_at_once() {
    on_each_backend(|app: TestApp| async move {
        let mut admin = app.signed_in(Role::Admin).await;
        admin.get("/admin/territoire").await;
        let bad = admin
            .post(
                "/admin/territoire/qpv",
                &[
                    ("list_version", "2024"),
                    ("valid_from", "2024-01-01"),
                    ("csv", "code,nom,communes\nQN1,Ailleurs,99999\n"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("absente de la table des communes"));
        let no_date = admin
            .post(
                "/admin/territoire/qpv",
                &[
                    ("list_version", "2024"),
                    ("csv", "code,nom,communes\nQN1,X,59512\n"),
                ],
            )
            .await;
        assert!(
            no_date.body.contains("date d&#39;entrée en vigueur")
                || no_date.body.contains("date d'entrée en vigueur")
        );
        let ok = admin
            .post(
                "/admin/territoire/qpv",
                &[
                    ("list_version", "2024"),
                    ("valid_from", "2024-01-01"),
                    (
                        "csv",
                        "code;nom;communes\nQN05999T;Quartier des tests;59512\n",
                    ),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let page = admin.get("/admin/territoire?fait=qpv").await;
        assert!(
            page.body
                .contains("<td>2024</td><td>1</td><td>01/01/2024</td>"),
            "{}",
            page.body
        );

        let mut referent = app.signed_in(Role::Referent).await;
        let form = referent.get("/personnes/nouvelle").await;
        assert!(form.body.contains("QN05999T"));
        let mut p = person_form("Quartier", "Quentin", "1990-01-01");
        p.qpv_code = "QN05999T".into();
        let id = create_person(&mut referent, &p).await;
        let shown = referent.get(&format!("/personnes/{id}")).await;
        assert!(shown.body.contains("Quartier des tests"));
    })
    .await;
}
