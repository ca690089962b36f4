//! The `passerelle` binary's commands, run as an administrator would run them.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn passerelle(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("PASSERELLE_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn an_administrator_sets_up_backs_up_and_imports_reference_data() {
    let dir = std::env::temp_dir().join(format!("passerelle-cli-{}", uuid::Uuid::now_v7()));

    let demo = passerelle(&dir, &["demo", "--no-serve", "--persons", "40"], None);
    assert!(demo.status.success(), "{}", text(&demo));
    assert!(text(&demo).contains("referente.plie@mie-demo.fr"));
    assert!(text(&demo).contains("demo-passerelle"));

    let weak = passerelle(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "nouvelle@mie.fr",
            "--name",
            "Nouvelle",
            "--role",
            "referent",
        ],
        Some("court\n"),
    );
    assert!(!weak.status.success());
    assert!(text(&weak).contains("au moins 12 caractères"));

    let added = passerelle(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "nouvelle@mie.fr",
            "--name",
            "Nouvelle",
            "--role",
            "referent",
            "--team",
            "plie",
        ],
        Some("une phrase de passe solide\n"),
    );
    assert!(added.status.success(), "{}", text(&added));
    let again = passerelle(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "nouvelle@mie.fr",
            "--name",
            "X",
            "--role",
            "referent",
        ],
        Some("une phrase de passe solide\n"),
    );
    assert!(text(&again).contains("déjà"), "{}", text(&again));
    let bad_role = passerelle(
        &dir,
        &[
            "user", "add", "--email", "x@mie.fr", "--name", "X", "--role", "chef",
        ],
        Some("une phrase de passe solide\n"),
    );
    assert!(text(&bad_role).contains("rôle inconnu"));

    let reset = passerelle(
        &dir,
        &["user", "reset-password", "--email", "nouvelle@mie.fr"],
        Some("une autre phrase solide\n"),
    );
    assert!(reset.status.success(), "{}", text(&reset));

    std::fs::write(
        dir.join("qpv.csv"),
        "code;nom;communes\nQN05901X;Quartier test;59512\n",
    )
    .unwrap();
    let qpv = passerelle(
        &dir,
        &[
            "territory",
            "import-qpv",
            "--file",
            dir.join("qpv.csv").to_str().unwrap(),
            "--list-version",
            "2024",
            "--valid-from",
            "2024-01-01",
        ],
        None,
    );
    assert!(qpv.status.success(), "{}", text(&qpv));
    std::fs::write(
        dir.join("bad.csv"),
        "code,nom,communes\nQN1,Ailleurs,99999\n",
    )
    .unwrap();
    let bad = passerelle(
        &dir,
        &[
            "territory",
            "import-qpv",
            "--file",
            dir.join("bad.csv").to_str().unwrap(),
            "--list-version",
            "2024b",
            "--valid-from",
            "2024-01-01",
        ],
        None,
    );
    assert!(!bad.status.success());
    assert!(text(&bad).contains("commune absente"), "{}", text(&bad));

    let backup = passerelle(
        &dir,
        &["backup", "--to", dir.join("copie.db").to_str().unwrap()],
        None,
    );
    assert!(backup.status.success(), "{}", text(&backup));
    assert!(dir.join("copie.db").metadata().unwrap().len() > 0);

    let report = passerelle(
        &dir,
        &["report", "--year", "2021", "--format", "json"],
        None,
    );
    assert!(report.status.success(), "{}", text(&report));
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(json["year"], 2021);
    assert!(
        json["figures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "plie.entries" && f["version"] == 1)
    );
    // The structure's own indicators, from a file: a broken one is refused and nothing saved.
    let broken = dir.join("perso.toml");
    std::fs::write(
        &broken,
        "[[indicator]]\nid = \"perso.x\"\nversion = 1\ntitle = \"X\"\ndefinition = \"X\"\npopulation = \"steps\"\nperiod = \"held\"\nmeasure = \"count\"\n",
    )
    .unwrap();
    let refused = passerelle(
        &dir,
        &["indicators", "import", "--file", broken.to_str().unwrap()],
        None,
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("perso.toml : perso.x"),
        "{}",
        text(&refused)
    );
    std::fs::write(
        &broken,
        "[[indicator]]\nid = \"perso.x\"\nversion = 1\ntitle = \"Étapes commencées\"\ndefinition = \"X\"\npopulation = \"steps\"\nperiod = \"started\"\nmeasure = \"count\"\n",
    )
    .unwrap();
    let imported = passerelle(
        &dir,
        &["indicators", "import", "--file", broken.to_str().unwrap()],
        None,
    );
    assert!(imported.status.success(), "{}", text(&imported));
    let listed = passerelle(&dir, &["indicators", "list"], None);
    assert!(
        text(&listed).contains("perso.x\tv1\tstructure"),
        "{}",
        text(&listed)
    );
    let report = passerelle(
        &dir,
        &["report", "--year", "2021", "--format", "json"],
        None,
    );
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert!(
        json["figures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "perso.x")
    );

    let pdf_file = dir.join("rapport-2021.pdf");
    let pdf = passerelle(
        &dir,
        &[
            "report",
            "--year",
            "2021",
            "--format",
            "pdf",
            "--output",
            pdf_file.to_str().unwrap(),
        ],
        None,
    );
    assert!(pdf.status.success(), "{}", text(&pdf));
    assert!(std::fs::read(&pdf_file).unwrap().starts_with(b"%PDF"));
    let html = passerelle(
        &dir,
        &["report", "--year", "2021", "--format", "html"],
        None,
    );
    assert!(html.status.success(), "{}", text(&html));
    assert!(String::from_utf8_lossy(&html.stdout).contains("<html lang=\"fr\">"));
    let odt = passerelle(&dir, &["report", "--year", "2021", "--format", "odt"], None);
    assert!(!odt.status.success());
    assert!(
        text(&odt).contains("format « odt » inconnu"),
        "{}",
        text(&odt)
    );

    let migrate = passerelle(&dir, &["migrate"], None);
    assert!(migrate.status.success());
}

/// The API's answer to a GET with this token.
async fn api_status(router: &axum::Router, token: &str) -> axum::http::StatusCode {
    use tower::ServiceExt;
    let req = axum::http::Request::get("/api/v1/persons")
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    router.clone().oneshot(req).await.unwrap().status()
}

#[tokio::test]
async fn an_operator_creates_a_token_on_the_command_line_that_works_and_is_audited() {
    use passerelle_db::audit::{self, AuditFilter};
    use passerelle_domain::audit::AuditAction;

    let dir = std::env::temp_dir().join(format!("passerelle-cli-{}", uuid::Uuid::now_v7()));
    let added = passerelle(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "outil@mie.fr",
            "--name",
            "Outil",
            "--role",
            "referent",
            "--team",
            "plie",
        ],
        Some("une phrase de passe solide\n"),
    );
    assert!(added.status.success(), "{}", text(&added));
    let created = passerelle(
        &dir,
        &[
            "token",
            "create",
            "--email",
            "outil@mie.fr",
            "--name",
            "import",
        ],
        None,
    );
    assert!(created.status.success(), "{}", text(&created));
    let token = String::from_utf8_lossy(&created.stdout).trim().to_owned();
    assert!(
        token.starts_with("pas_") && token.len() == 68,
        "only the token on stdout"
    );
    let unknown = passerelle(
        &dir,
        &[
            "token",
            "create",
            "--email",
            "inconnu@mie.fr",
            "--name",
            "x",
        ],
        None,
    );
    assert!(!unknown.status.success());
    assert!(text(&unknown).contains("aucun compte"));

    let db = passerelle_db::Db::open_data_dir(&dir).await.unwrap();
    let state = passerelle_web::AppState::new(db.clone(), passerelle_web::WebConfig::default())
        .await
        .unwrap();
    let router = passerelle_web::build_app(state);
    assert_eq!(
        api_status(&router, &token).await,
        axum::http::StatusCode::OK
    );
    let (owner, _) = passerelle_db::access::users::by_email(&db, "outil@mie.fr")
        .await
        .unwrap()
        .unwrap();
    let rows = audit::list(
        &db,
        owner.structure_id,
        &AuditFilter {
            limit: 50,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let creation = rows
        .iter()
        .find(|r| r.entity == "api_token" && r.action == AuditAction::Create)
        .expect("the token's creation is audited");
    assert_eq!(creation.user_id, None, "done on the server");
    assert!(
        creation
            .changes
            .iter()
            .any(|c| c.field == "user_id" && c.after == Some(owner.id.to_string()))
    );

    let reset = passerelle(
        &dir,
        &["user", "reset-password", "--email", "outil@mie.fr"],
        Some("une autre phrase solide\n"),
    );
    assert!(
        text(&reset).contains("1 jeton(s) d'API révoqué(s)"),
        "{}",
        text(&reset)
    );
    assert_eq!(
        api_status(&router, &token).await,
        axum::http::StatusCode::UNAUTHORIZED
    );
}

/// Writes a file of the operator's into `dir`; its path.
fn operator_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Every write of the command line leaves its audit row, done by the server (no user), in the
/// structure it works on: the structure and the first account, a password reset, the imports
/// of towns and of a QPV list, a structure's indicator file.
#[tokio::test]
async fn every_write_of_the_command_line_is_audited() {
    use passerelle_db::access::structures::{self, Which};
    use passerelle_db::audit::{self, AuditFilter};
    use passerelle_domain::audit::{AuditAction, AuditDetail};

    let dir = std::env::temp_dir().join(format!("passerelle-cli-{}", uuid::Uuid::now_v7()));
    let run = |args: &[&str], stdin: Option<&str>| {
        let out = passerelle(&dir, args, stdin);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
    };
    let password = Some("une phrase de passe solide\n");
    let account = [
        "--email",
        "premier@mie.fr",
        "--name",
        "Premier",
        "--role",
        "admin",
    ];
    run(&[&["user", "add"][..], &account].concat(), password);
    run(
        &["user", "reset-password", "--email", "premier@mie.fr"],
        password,
    );
    std::fs::create_dir_all(&dir).unwrap();
    let towns = "insee_code,name,postal_codes,population\n59512,Roubaix,59100,98000\n";
    let towns = operator_file(&dir, "communes.csv", towns);
    run(&["territory", "import-communes", "--file", &towns], None);
    let qpv = operator_file(
        &dir,
        "qpv.csv",
        "code,nom,communes\nQN05901X,Quartier,59512\n",
    );
    let version = ["--list-version", "2024", "--valid-from", "2024-01-01"];
    run(
        &[&["territory", "import-qpv", "--file", &qpv][..], &version].concat(),
        None,
    );
    let own = "[[indicator]]\nid = \"perso.x\"\nversion = 1\ntitle = \"Étapes\"\ndefinition = \"X\"\npopulation = \"steps\"\nperiod = \"started\"\nmeasure = \"count\"\n";
    let own = operator_file(&dir, "perso.toml", own);
    run(&["indicators", "import", "--file", &own], None);

    let db = passerelle_db::Db::open_data_dir(&dir).await.unwrap();
    let s = structures::find(&db, Which::First).await.unwrap().unwrap();
    let filter = AuditFilter {
        limit: 100,
        detail: AuditDetail::Full,
        ..Default::default()
    };
    let rows = audit::list(&db, s.id, &filter).await.unwrap();
    let by_server = |entity: &str, action: AuditAction, field: &str| {
        rows.iter().any(|r| {
            r.entity == entity
                && r.action == action
                && r.user_id.is_none()
                && r.changes.iter().any(|c| c.field == field)
        })
    };
    assert!(by_server("structure", AuditAction::Create, "name"));
    assert!(by_server("user", AuditAction::Create, "email"));
    assert!(by_server("user", AuditAction::Update, "password"));
    assert!(by_server("territory", AuditAction::Update, "communes"));
    assert!(by_server("territory", AuditAction::Update, "qpv_list"));
    assert!(by_server("indicator_file", AuditAction::Create, "source"));
}
