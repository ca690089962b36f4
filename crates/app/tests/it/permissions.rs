//! Every route × every role: the guard lets exactly the roles of the matrix through.

use axum::http::StatusCode;
use passerelle_domain::Role;
use passerelle_web::route_specs;

use crate::support::{Browser, TestApp, create_person, on_each_backend, person_form};

fn concrete(path: &str, person: &str, user: &str, token: &str) -> String {
    if path.starts_with("/admin/utilisateurs/") {
        path.replace("{id}", user)
    } else if path.starts_with("/admin/jetons/") {
        path.replace("{id}", token)
    } else {
        path.replace("{id}", person)
    }
}

async fn request(b: &mut Browser, method: &str, path: &str) -> StatusCode {
    match method {
        "GET" => b.get(path).await.status,
        "POST" => b.post(path, &[]).await.status,
        other => panic!("unexpected method {other}"),
    }
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_matrix_says() {
    on_each_backend(|app: TestApp| async move {
        let mut manager = app.signed_in(Role::Manager).await;
        manager.refresh_csrf().await;
        let person = create_person(&mut manager, &person_form("Matrice", "Test", "1990-01-01"))
            .await
            .to_string();
        let target_user = passerelle_db::users::by_email(&app.db, &app.staff(Role::ReadOnly).await)
            .await
            .unwrap()
            .unwrap()
            .0
            .id
            .to_string();
        let token = uuid::Uuid::now_v7().to_string();
        for role in Role::ALL {
            let mut b = app.signed_in(role).await;
            b.refresh_csrf().await;
            for r in route_specs() {
                // The API is walked with tokens in the API tests; sign-out would end the session.
                if r.path.starts_with("/api/") || r.path == "/deconnexion" || r.permission.is_none()
                {
                    continue;
                }
                let path = concrete(r.path, &person, &target_user, &token);
                let status = request(&mut b, r.method, &path).await;
                let allowed = r.permission.is_some_and(|p| role.allows(p));
                if allowed && r.method == "GET" {
                    assert_eq!(status, StatusCode::OK, "{role:?} should read {path}");
                } else if allowed {
                    assert_ne!(
                        status,
                        StatusCode::FORBIDDEN,
                        "{role:?} refused on {} {path}",
                        r.method
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::FORBIDDEN,
                        "{role:?} not refused on {} {path}",
                        r.method
                    );
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.browser();
        for r in route_specs() {
            if r.permission.is_none() || r.path.starts_with("/api/") {
                continue;
            }
            let path = r.path.replace("{id}", &uuid::Uuid::now_v7().to_string());
            let p = request(&mut b, r.method, &path).await;
            assert_eq!(p, StatusCode::SEE_OTHER, "{} {path}", r.method);
        }
        let public = b.get("/connexion").await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(public.body.contains("Connexion"));
    })
    .await;
}
