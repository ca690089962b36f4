//! The report as PDF, typeset inside the binary by Typst (no external tool, nothing
//! downloaded): a fixed template (`templates/report.typ`) fed the [`Document`] as
//! `sys.inputs`, with the fonts Typst ships (Libertinus Serif has the French accents and the
//! narrow no-break space) and the same SVG charts as the HTML.

use std::sync::LazyLock;

use typst::foundations::{Array, Bytes, Dict, IntoValue, Value};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

use super::{Document, FigureView};

static TEMPLATE: &str = include_str!("../../templates/report.typ");

/// Built once: parsing the fonts is the slow part.
static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder()
        .main_file(TEMPLATE)
        .fonts(typst_assets::fonts())
        .build()
});

fn dict<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    let mut d = Dict::new();
    for (k, v) in pairs {
        d.insert(k.into(), v);
    }
    Value::Dict(d)
}

fn text(s: &str) -> Value {
    s.into_value()
}

fn figure(f: &FigureView) -> Value {
    dict([
        ("id", text(&f.figure.id)),
        ("title", text(&f.figure.title)),
        ("value", text(&f.value_text)),
        ("previous", text(&f.previous_text)),
        ("version", (f.figure.version as i64).into_value()),
        ("definition", text(&f.figure.definition)),
    ])
}

/// The document as Typst values.
fn inputs(doc: &Document) -> Dict {
    let sections: Array = doc
        .sections
        .iter()
        .map(|s| {
            dict([
                ("title", text(&s.title)),
                ("tiles", s.tiles.into_value()),
                (
                    "notes",
                    s.notes
                        .iter()
                        .map(|n| text(n))
                        .collect::<Array>()
                        .into_value(),
                ),
                (
                    "figures",
                    s.figures.iter().map(figure).collect::<Array>().into_value(),
                ),
                (
                    "charts",
                    s.charts
                        .iter()
                        .map(|c| {
                            dict([
                                ("title", text(&c.title)),
                                ("desc", text(&c.desc)),
                                ("svg", Bytes::new(c.svg.clone().into_bytes()).into_value()),
                            ])
                        })
                        .collect::<Array>()
                        .into_value(),
                ),
            ])
        })
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    let definitions: Array = doc
        .sections
        .iter()
        .flat_map(|s| &s.figures)
        .filter(|f| {
            let new = !seen.contains(&f.figure.id.as_str());
            seen.push(&f.figure.id);
            new
        })
        .map(figure)
        .collect();
    let mut d = Dict::new();
    d.insert("title".into(), text(&doc.title));
    d.insert("structure".into(), text(&doc.structure));
    d.insert("year".into(), (doc.year as i64).into_value());
    d.insert("sections".into(), sections.into_value());
    d.insert("definitions".into(), definitions.into_value());
    d
}

/// Lays the document out in pages.
fn typeset(doc: &Document) -> Result<PagedDocument, String> {
    ENGINE
        .compile_with_input(inputs(doc))
        .output
        .map_err(|e| format!("rapport PDF : mise en page impossible ({e})"))
}

/// The PDF file.
pub fn pdf(doc: &Document) -> Result<Vec<u8>, String> {
    let paged = typeset(doc)?;
    typst_pdf::pdf(&paged, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        let messages: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        format!("rapport PDF : {}", messages.join(" ; "))
    })
}

#[cfg(test)]
mod tests {
    use typst::layout::{Frame, FrameItem};

    use super::*;

    /// The text Typst laid out, page after page (what a PDF reader extracts).
    fn laid_out_text(frame: &Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => laid_out_text(&g.frame, out),
                FrameItem::Text(t) => {
                    out.push_str(t.text.as_str());
                    out.push(' ');
                }
                _ => {}
            }
        }
    }

    #[test]
    fn the_pdf_says_its_french_title_and_figures() {
        let doc = super::super::tests::sample();
        let paged = typeset(&doc).unwrap_or_else(|e| panic!("{e}"));
        let mut text = String::new();
        for p in paged.pages() {
            laid_out_text(&p.frame, &mut text);
        }
        assert!(
            text.contains("Rapport d’activité 2021") || text.contains("Rapport d'activité 2021"),
            "{text}"
        );
        assert!(
            text.contains("Chiffres clés") && text.contains("2020 : 410"),
            "{text}"
        );
        assert!(text.contains("77\u{202f}%"), "{text}");
        assert!(text.contains("Définitions des indicateurs"));
        let bytes = pdf(&doc).unwrap_or_default();
        assert!(bytes.starts_with(b"%PDF"));
    }
}
