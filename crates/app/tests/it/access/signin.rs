//! Sign-in, lockout (counted in the database, silent, shared with the password form),
//! sessions (expiry, revocation), CSRF.

use axum::http::StatusCode;
use passerelle_db::audit::{self, AuditFilter};
use passerelle_db::{access::sessions, access::users, with_pool};
use passerelle_domain::Role;
use passerelle_services::access::passwords::verify_password;
use passerelle_web::WebConfig;
use passerelle_web::auth::SESSION_COOKIE;

use crate::support::{PASSWORD, Page, TestApp, databases, extract_csrf, on_each_backend};

#[tokio::test]
async fn a_referent_signs_in_and_out() {
    on_each_backend(|app: TestApp| async move {
        let email = app.staff(Role::Referent).await;
        let mut b = app.browser();
        let res = b.sign_in(&email, PASSWORD).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(b.has_cookie(SESSION_COOKIE));
        let home = b.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("Référent de parcours"));
        let out = b.post("/deconnexion", &[]).await;
        assert_eq!(out.location.as_deref(), Some("/connexion"));
        assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_says_so_in_french_without_revealing_the_account() {
    on_each_backend(|app: TestApp| async move {
        let email = app.staff(Role::Referent).await;
        let mut b = app.browser();
        let wrong = b.sign_in(&email, "pas-le-bon-mot-de-passe").await;
        let unknown = b
            .sign_in("personne@nulle-part.fr", "pas-le-bon-mot-de-passe")
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        assert!(
            wrong
                .body
                .contains("Adresse e-mail ou mot de passe incorrect.")
        );
        assert!(
            unknown
                .body
                .contains("Adresse e-mail ou mot de passe incorrect.")
        );
    })
    .await;
}

/// The page's answer without its one-time form token, to compare two answers.
fn without_form_token(body: &str) -> String {
    match extract_csrf(body) {
        Some(t) => body.replace(&t, "JETON"),
        None => body.to_owned(),
    }
}

#[tokio::test]
async fn ten_failed_sign_ins_lock_the_account_without_saying_so() {
    on_each_backend(|app: TestApp| async move {
        let email = app.staff(Role::Referent).await;
        let mut b = app.browser();
        let first = b.sign_in(&email, "mauvais-mot-de-passe").await;
        assert_eq!(first.status, StatusCode::UNAUTHORIZED);
        for _ in 1..10 {
            assert_eq!(
                b.sign_in(&email, "mauvais-mot-de-passe").await.status,
                StatusCode::UNAUTHORIZED
            );
        }
        let (u, _) = users::by_email(&app.db, &email).await.unwrap().unwrap();
        assert!(u.is_locked(time::OffsetDateTime::now_utc()));
        // Locked: the right password gets the answer of a wrong one, word for word.
        let right = b.sign_in(&email, PASSWORD).await;
        let wrong = b.sign_in(&email, "mauvais-mot-de-passe").await;
        for locked in [&right, &wrong] {
            assert_eq!(locked.status, first.status);
            assert_eq!(
                without_form_token(&locked.body),
                without_form_token(&first.body)
            );
        }
        let unknown = b
            .sign_in("personne@nulle-part.fr", "mauvais-mot-de-passe")
            .await;
        assert_eq!(unknown.status, first.status);
        assert_eq!(
            without_form_token(&unknown.body).replace("personne@nulle-part.fr", &email),
            without_form_token(&first.body)
        );
        let lock = audit::list(
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
        assert!(
            lock.iter()
                .flat_map(|e| &e.changes)
                .any(|c| c.field == "locked_until"),
            "the lock is in the audit trail"
        );
        // Once the window is over, the right password signs in again.
        let past = time::OffsetDateTime::now_utc() - time::Duration::minutes(1);
        with_pool!(&app.db, |p| {
            sqlx::query("UPDATE users SET checks_window_until = $1, locked_until = $1")
                .bind(past)
                .execute(p)
                .await
                .unwrap();
        });
        assert_eq!(
            b.sign_in(&email, PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
    })
    .await;
}

/// An app whose address limit does not get in the way of an attack on one account.
async fn apps_without_address_limit() -> Vec<TestApp> {
    let mut apps = Vec::new();
    for db in databases().await {
        let config = WebConfig {
            ip_failures_per_window: 1000,
            ..WebConfig::default()
        };
        apps.push(TestApp::new(db, config).await);
    }
    apps
}

/// Sends one sign-in per password at the same time, each from its own browser.
async fn parallel_sign_ins(app: &TestApp, email: &str, passwords: Vec<String>) -> Vec<Page> {
    let mut tasks = Vec::new();
    for password in passwords {
        let mut b = app.browser();
        let email = email.to_owned();
        b.get("/connexion").await;
        tasks.push(tokio::spawn(async move {
            b.post("/connexion", &[("email", &email), ("password", &password)])
                .await
        }));
    }
    let mut pages = Vec::new();
    for t in tasks {
        pages.push(t.await.unwrap());
    }
    pages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_parallel_wrong_passwords_get_at_most_ten_checks() {
    for app in apps_without_address_limit().await {
        eprintln!("-- on {}", app.db.backend_name());
        let email = app.staff(Role::Referent).await;
        let wrong = vec!["mauvais-mot-de-passe".to_owned(); 20];
        let pages = parallel_sign_ins(&app, &email, wrong).await;
        assert!(pages.iter().all(|p| p.status == StatusCode::UNAUTHORIZED));
        let (u, _) = users::by_email(&app.db, &email).await.unwrap().unwrap();
        assert_eq!(
            u.failed_logins, 10,
            "each check is reserved in the database first"
        );
        assert!(u.is_locked(time::OffsetDateTime::now_utc()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_right_password_among_parallel_attempts_on_a_locked_account_does_not_sign_in() {
    for app in apps_without_address_limit().await {
        eprintln!("-- on {}", app.db.backend_name());
        let email = app.staff(Role::Referent).await;
        let mut b = app.browser();
        for _ in 0..10 {
            b.sign_in(&email, "mauvais-mot-de-passe").await;
        }
        let mut attempts = vec!["mauvais-mot-de-passe".to_owned(); 15];
        attempts.insert(7, PASSWORD.to_owned());
        let pages = parallel_sign_ins(&app, &email, attempts).await;
        assert!(pages.iter().all(|p| p.status == StatusCode::UNAUTHORIZED));
        let (u, _) = users::by_email(&app.db, &email).await.unwrap().unwrap();
        assert!(u.is_locked(time::OffsetDateTime::now_utc()), "still locked");
        let live = sessions::live_counts(&app.db, app.structure_id)
            .await
            .unwrap();
        assert!(live.iter().all(|(id, _)| *id != u.id), "no session opened");
    }
}

#[tokio::test]
async fn the_password_form_locks_after_ten_wrong_current_passwords() {
    on_each_backend(|app: TestApp| async move {
        let email = app.staff(Role::Referent).await;
        let mut b = app.browser();
        b.sign_in(&email, PASSWORD).await;
        b.refresh_csrf().await;
        let new = "une phrase assez longue";
        for _ in 0..10 {
            let guess = b
                .post(
                    "/compte/mot-de-passe",
                    &[
                        ("current", "devine-peut-etre"),
                        ("password", new),
                        ("confirm", new),
                    ],
                )
                .await;
            assert_eq!(guess.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let right = b
            .post(
                "/compte/mot-de-passe",
                &[("current", PASSWORD), ("password", new), ("confirm", new)],
            )
            .await;
        assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
        let (_, hash) = users::by_email(&app.db, &email).await.unwrap().unwrap();
        assert!(
            verify_password(PASSWORD, &hash),
            "the password did not change"
        );
        // The same counter guards the sign-in.
        let mut other = app.browser();
        assert_eq!(
            other.sign_in(&email, PASSWORD).await.status,
            StatusCode::UNAUTHORIZED
        );
    })
    .await;
}

#[tokio::test]
async fn one_address_is_slowed_down_across_accounts() {
    for db in databases().await {
        let config = WebConfig {
            ip_failures_per_window: 5,
            ..WebConfig::default()
        };
        let app = TestApp::new(db, config).await;
        let mut b = app.browser();
        for i in 0..5 {
            let p = b
                .sign_in(&format!("inconnu{i}@test.fr"), "mauvais-mot-de-passe")
                .await;
            assert_eq!(p.status, StatusCode::UNAUTHORIZED);
        }
        let blocked = b.sign_in("encore@test.fr", "mauvais-mot-de-passe").await;
        assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(blocked.body.contains("Trop de tentatives"));
    }
}

#[tokio::test]
async fn a_post_without_a_valid_csrf_token_is_refused() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.signed_in(Role::Referent).await;
        b.refresh_csrf().await;
        let body =
            "last_name=Forge&first_names=Requete&birth_date=1990-01-01&sex=F&commune_code=59512";
        assert_eq!(
            b.post_raw("/personnes", body).await.status,
            StatusCode::FORBIDDEN
        );
        let forged = format!("{body}&csrf_token=0000");
        assert_eq!(
            b.post_raw("/personnes", &forged).await.status,
            StatusCode::FORBIDDEN
        );
        let genuine = format!("{body}&csrf_token={}", b.csrf);
        assert_eq!(
            b.post_raw("/personnes", &genuine).await.status,
            StatusCode::SEE_OTHER
        );
        // The sign-in form has its own token too.
        let mut anon = app.browser();
        let p = anon.post_raw("/connexion", "email=a@b.fr&password=x").await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn an_idle_session_expires() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.signed_in(Role::Referent).await;
        assert_eq!(b.get("/").await.status, StatusCode::OK);
        let past = time::OffsetDateTime::now_utc() - time::Duration::hours(2);
        with_pool!(&app.db, |p| {
            sqlx::query("UPDATE sessions SET last_seen_at = $1")
                .bind(past)
                .execute(p)
                .await
                .unwrap();
        });
        assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);
    })
    .await;
}

#[tokio::test]
async fn a_session_past_its_absolute_limit_expires() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.signed_in(Role::Referent).await;
        let past = time::OffsetDateTime::now_utc() - time::Duration::minutes(1);
        with_pool!(&app.db, |p| {
            sqlx::query("UPDATE sessions SET expires_at = $1")
                .bind(past)
                .execute(p)
                .await
                .unwrap();
        });
        assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);
    })
    .await;
}

#[tokio::test]
async fn an_admin_revokes_a_users_sessions() {
    on_each_backend(|app: TestApp| async move {
        let email = app.staff(Role::Referent).await;
        let mut referent = app.browser();
        referent.sign_in(&email, PASSWORD).await;
        assert_eq!(referent.get("/").await.status, StatusCode::OK);
        let (u, _) = users::by_email(&app.db, &email).await.unwrap().unwrap();
        let mut admin = app.signed_in(Role::Admin).await;
        let page = admin.get("/admin/utilisateurs").await;
        assert!(page.body.contains(&email));
        let res = admin
            .post(
                &format!("/admin/utilisateurs/{}/revoquer-sessions", u.id),
                &[],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(referent.get("/").await.status, StatusCode::SEE_OTHER);
        assert_eq!(
            sessions::live_counts(&app.db, app.structure_id)
                .await
                .unwrap()
                .iter()
                .find(|(id, _)| *id == u.id),
            None
        );
    })
    .await;
}

#[tokio::test]
async fn changing_ones_password_closes_sessions_and_the_new_one_works() {
    on_each_backend(|app: TestApp| async move {
        let email = app.staff(Role::Reception).await;
        let mut b = app.browser();
        b.sign_in(&email, PASSWORD).await;
        b.refresh_csrf().await;
        let short = b
            .post(
                "/compte/mot-de-passe",
                &[
                    ("current", PASSWORD),
                    ("password", "court"),
                    ("confirm", "court"),
                ],
            )
            .await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(short.body.contains("au moins 12 caractères"));
        let ok = b
            .post(
                "/compte/mot-de-passe",
                &[
                    ("current", PASSWORD),
                    ("password", "une phrase assez longue"),
                    ("confirm", "une phrase assez longue"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);
        assert_eq!(
            b.sign_in(&email, PASSWORD).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            b.sign_in(&email, "une phrase assez longue").await.status,
            StatusCode::SEE_OTHER
        );
    })
    .await;
}
