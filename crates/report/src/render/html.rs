//! The report as one standalone HTML file (inline CSS and SVG, no external asset), readable
//! on screen, printable, and safe to mail.

use askama::Template;

use super::Document;

#[derive(Template)]
#[template(path = "report.html")]
struct ReportHtml<'a> {
    doc: &'a Document,
}

/// The HTML document.
pub fn html(doc: &Document) -> Result<String, String> {
    ReportHtml { doc }
        .render()
        .map_err(|e| format!("rapport HTML : {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn standalone_french_html_with_last_year_and_definitions() {
        let html = super::html(&super::super::tests::sample()).unwrap_or_default();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<html lang=\"fr\">"));
        assert!(
            html.contains("<h1>Rapport d&#39;activité 2021</h1>")
                || html.contains("Rapport d&#x27;activité 2021"),
            "{}",
            &html[..600]
        );
        assert!(html.contains("2020 : 410"));
        assert!(html.contains("<details>"));
        assert!(html.contains("<svg") && html.contains("<title id="));
        assert!(!html.contains("&lt;svg"), "the charts are not escaped");
        assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
        assert!(
            html.contains("plie.rsa"),
            "the note about the missing figure is shown"
        );
    }
}
