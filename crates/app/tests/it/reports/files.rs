//! The activity report as files (HTML, PDF, XLSX) from the demo's recorded 2021 work, as a
//! read-only account downloads them from the *Rapports* page.

use axum::http::{StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use passerelle_web::{AppState, WebConfig, build_app};

use crate::support::{TestApp, databases};

#[tokio::test]
async fn a_read_only_account_downloads_the_2021_report_as_html_pdf_and_xlsx() {
    for db in databases().await {
        eprintln!("-- on {}", db.backend_name());
        let today = passerelle_domain::clock::today();
        let summary = passerelle_demo::build(&db, passerelle_demo::DEFAULT_POPULATION, today)
            .await
            .unwrap()
            .unwrap();
        let state = AppState::new(db.clone(), WebConfig::default())
            .await
            .unwrap();
        let app = TestApp {
            router: build_app(state.clone()),
            db: db.clone(),
            state,
            structure_id: summary.structure_id,
        };
        let mut b = app.browser();
        let signed = b
            .sign_in("lecture@mie-demo.fr", passerelle_demo::DEMO_PASSWORD)
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        let page = b.get("/rapports?annee=2021").await;
        assert!(page.body.contains("href=\"/rapports/2021/rapport.pdf\""));

        let (status, headers, html) = b.download("/rapports/2021/rapport.html").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .starts_with("default-src 'none'"),
            "its inline styles are allowed, and nothing else"
        );
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("<html lang=\"fr\">"));
        assert!(html.contains("<strong>414</strong>"), "the 2021 contracts");
        assert!(
            html.contains("2020 : 410"),
            "the 2020 contracts beside them"
        );
        assert!(
            html.contains("<title id=\"plie-g1-t\">"),
            "the charts are accessible"
        );
        assert!(html.contains("Roubaix : 389 ; Lys-lez-Lannoy : 21 ; Leers : 4."));
        // The structure's own indicators get a section of their own.
        assert!(html.contains("Indicateurs de la structure"));
        assert!(html.contains("Entrées PLIE des habitants des quartiers prioritaires"));
        assert!(
            !html.contains("manque au rapport"),
            "every figure of the layout is there"
        );

        let (status, headers, pdf) = b.download("/rapports/2021/rapport.pdf").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
        assert_eq!(
            headers[header::CONTENT_DISPOSITION],
            "attachment; filename=\"rapport-activite-2021.pdf\""
        );
        assert!(pdf.starts_with(b"%PDF"));

        let (status, headers, xlsx) = b.download("/rapports/2021/rapport.xlsx").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
        let mut book = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
        assert_eq!(
            book.sheet_names(),
            [
                "Chiffres clés",
                "PLIE",
                "Parcours, tous dispositifs",
                "Indicateurs de la structure",
                "Répartitions"
            ]
        );
        let plie = book.worksheet_range("PLIE").unwrap();
        let contracts = plie
            .rows()
            .find(|r| r.get(6) == Some(&Data::String("plie.contracts".into())))
            .unwrap()
            .to_vec();
        assert_eq!(contracts[1], Data::Float(414.0));
        assert_eq!(contracts[2], Data::Float(410.0));

        // A year that is not a number is not a report.
        let (status, _, _) = b.download("/rapports/deux-mille/rapport.pdf").await;
        assert_ne!(status, StatusCode::OK);
    }
}
