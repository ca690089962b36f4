//! The audit trail: views and changes are recorded, shown to the director in full and to the
//! admin without the register's names and values, and cannot be altered.

use axum::http::StatusCode;
use passerelle_db::audit::{self, AuditFilter};
use passerelle_db::with_pool;
use passerelle_domain::Role;
use passerelle_domain::audit::{AuditAction, AuditDetail};

use crate::support::{TestApp, create_person, on_each_backend, person_fields, person_form};

#[tokio::test]
async fn views_and_changes_are_audited_field_by_field_and_shown_to_the_director() {
    on_each_backend(|app: TestApp| async move {
        let mut referent = app.signed_in(Role::Referent).await;
        referent.refresh_csrf().await;
        let id = create_person(&mut referent, &person_form("Audit", "Agnès", "1975-05-05")).await;
        referent.get(&format!("/personnes/{id}")).await;
        let mut edited = person_form("Audit", "Agnès", "1975-05-05");
        edited.address = "3 rue du Collège".into();
        let fields = person_fields(&edited);
        let mut refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        refs.push(("version", "1"));
        assert_eq!(
            referent
                .post(&format!("/personnes/{id}"), &refs)
                .await
                .status,
            StatusCode::SEE_OTHER
        );

        let entries = audit::list(
            &app.db,
            app.structure_id,
            &AuditFilter {
                detail: passerelle_domain::audit::AuditDetail::Full,
                entity_id: Some(id),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let actions: Vec<AuditAction> = entries.iter().map(|e| e.action).collect();
        assert!(actions.contains(&AuditAction::Create));
        assert!(actions.contains(&AuditAction::View));
        let update = entries
            .iter()
            .find(|e| e.action == AuditAction::Update)
            .expect("update audited");
        assert_eq!(update.changes.len(), 1, "only the changed field is logged");
        assert_eq!(update.changes[0].field, "address");
        assert_eq!(update.changes[0].after.as_deref(), Some("3 rue du Collège"));

        let mut director = app.signed_in(Role::Director).await;
        let page = director.get(&format!("/admin/journal?record={id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Consultation")
                && page.body.contains("Modification")
                && page.body.contains("Création")
        );
        assert!(page.body.contains("3 rue du Collège"));
        let only_views = director
            .get(&format!("/admin/journal?record={id}&action=view"))
            .await;
        assert!(
            only_views.body.contains("Consultation")
                && !only_views.body.contains("<td>Modification</td>")
        );
        let bad = director.get("/admin/journal?record=pas-un-id").await;
        assert!(bad.body.contains("Identifiant invalide"));
    })
    .await;
}

#[tokio::test]
async fn the_database_refuses_to_alter_or_delete_audit_rows() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.signed_in(Role::Referent).await;
        b.refresh_csrf().await;
        create_person(&mut b, &person_form("Trace", "Tom", "1980-01-01")).await;
        let update = with_pool!(&app.db, |p| sqlx::query(
            "UPDATE audit_log SET action = 'view'"
        )
        .execute(p)
        .await
        .map(|_| ()));
        assert!(update.is_err(), "audit rows must not be updated");
        let delete = with_pool!(&app.db, |p| sqlx::query("DELETE FROM audit_log")
            .execute(p)
            .await
            .map(|_| ()));
        assert!(delete.is_err(), "audit rows must not be deleted");
    })
    .await;
}

#[tokio::test]
async fn a_deletion_keeps_its_trace() {
    on_each_backend(|app: TestApp| async move {
        let mut manager = app.signed_in(Role::Manager).await;
        manager.refresh_csrf().await;
        let id = create_person(&mut manager, &person_form("Efface", "Eve", "1980-01-01")).await;
        let res = manager
            .post(&format!("/personnes/{id}/supprimer"), &[("version", "1")])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(
            manager.get(&format!("/personnes/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        let entries = audit::list(
            &app.db,
            app.structure_id,
            &AuditFilter {
                detail: passerelle_domain::audit::AuditDetail::Full,
                entity_id: Some(id),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let deletion = entries
            .iter()
            .find(|e| e.action == AuditAction::Delete)
            .expect("deletion audited");
        assert!(
            deletion
                .changes
                .iter()
                .any(|c| c.field == "last_name" && c.before.as_deref() == Some("Efface"))
        );
    })
    .await;
}

#[tokio::test]
async fn account_changes_are_audited_without_secrets() {
    on_each_backend(|app: TestApp| async move {
        let email = app.staff(Role::Reception).await;
        let (u, _) = passerelle_db::access::users::by_email(&app.db, &email)
            .await
            .unwrap()
            .unwrap();
        let mut admin = app.signed_in(Role::Admin).await;
        admin.get("/admin/utilisateurs").await;
        let res = admin
            .post(
                &format!("/admin/utilisateurs/{}", u.id),
                &[("role", "referent"), ("team", "plie"), ("active", "on")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let res = admin
            .post(
                &format!("/admin/utilisateurs/{}/mot-de-passe", u.id),
                &[
                    ("password", "nouvelle phrase secrète"),
                    ("confirm", "nouvelle phrase secrète"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let entries = audit::list(
            &app.db,
            app.structure_id,
            &AuditFilter {
                entity_id: Some(u.id),
                limit: 20,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let role = entries
            .iter()
            .flat_map(|e| &e.changes)
            .find(|c| c.field == "role")
            .expect("role change audited");
        assert_eq!(
            (role.before.as_deref(), role.after.as_deref()),
            (Some("reception"), Some("referent"))
        );
        let pw = entries
            .iter()
            .flat_map(|e| &e.changes)
            .find(|c| c.field == "password")
            .expect("password change audited");
        assert_eq!(pw.after.as_deref(), Some("changé"));
        let page = admin.get(&format!("/admin/journal?record={}", u.id)).await;
        assert!(page.body.contains("Rôle") && page.body.contains(&email));
        assert!(!page.body.contains("nouvelle phrase secrète"));
        assert!(!page.body.contains("argon2"));
    })
    .await;
}

#[tokio::test]
async fn the_admin_reads_who_did_what_in_the_trail_but_never_a_persons_name_or_values() {
    on_each_backend(|app: TestApp| async move {
        let mut referent = app.signed_in(Role::Referent).await;
        referent.refresh_csrf().await;
        let mut p = person_form("Zanzibar", "Ysolde", "1975-05-05");
        p.address = "7 impasse Quetzal".into();
        let id = create_person(&mut referent, &p).await;
        referent.get(&format!("/personnes/{id}")).await;

        let mut director = app.signed_in(Role::Director).await;
        let full = director.get("/admin/journal").await;
        assert_eq!(full.status, StatusCode::OK);
        for value in ["Zanzibar", "Ysolde", "7 impasse Quetzal"] {
            assert!(full.body.contains(value), "the director reads {value}");
        }

        let mut admin = app.signed_in(Role::Admin).await;
        for path in [
            "/admin/journal".to_owned(),
            format!("/admin/journal?record={id}"),
        ] {
            let page = admin.get(&path).await;
            assert_eq!(page.status, StatusCode::OK);
            for value in ["Zanzibar", "Ysolde", "7 impasse Quetzal", "1975-05-05"] {
                assert!(
                    !page.body.contains(value),
                    "the admin must not read {value}"
                );
            }
            assert!(
                page.body.contains(&id.to_string()),
                "who did what on which record"
            );
            assert!(page.body.contains("Consultation") && page.body.contains("Création"));
        }
        // The access events are there in full: the sign-ins as sessions, with their account.
        let page = admin.get("/admin/journal").await;
        assert!(page.body.contains("Session"));

        // The filter is in the query: the rows themselves carry nothing of the person.
        let rows = audit::list(
            &app.db,
            app.structure_id,
            &AuditFilter {
                entity_id: Some(id),
                limit: 50,
                detail: AuditDetail::AccessOnly,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(!rows.is_empty());
        assert!(
            rows.iter()
                .all(|r| r.changes.is_empty() && r.entity_label.is_none())
        );
    })
    .await;
}
