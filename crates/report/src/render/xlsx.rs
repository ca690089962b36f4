//! The report as a workbook: one sheet per section (figures as numbers, rates as numbers
//! with a percent format, so that they can be recomputed), and one sheet of breakdowns.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::{Document, FigureView};

/// The breakdowns sheet.
pub const BREAKDOWNS_SHEET: &str = "Répartitions";

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(title: &str, taken: &[String]) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    let clean = clean.trim_matches('\'').trim();
    let base: String = clean.chars().take(28).collect();
    let base = if base.is_empty() {
        "Feuille".to_owned()
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{base} {n}");
        n += 1;
    }
    name
}

struct Formats {
    header: Format,
    count: Format,
    percent: Format,
    decimal: Format,
    wrap: Format,
    note: Format,
}

fn write_figure(
    ws: &mut Worksheet,
    row: u32,
    f: &FigureView,
    fm: &Formats,
) -> Result<(), XlsxError> {
    let fig = &f.figure;
    ws.write_string(row, 0, &fig.title)?;
    let (scale, format) = match fig.unit.as_str() {
        "%" => (100.0, &fm.percent),
        _ if fig.value.fract() != 0.0 || fig.previous.fract() != 0.0 => (1.0, &fm.decimal),
        _ => (1.0, &fm.count),
    };
    ws.write_number_with_format(row, 1, fig.value / scale, format)?;
    ws.write_number_with_format(row, 2, fig.previous / scale, format)?;
    ws.write_string(row, 3, &fig.unit)?;
    ws.write_number(row, 4, fig.version)?;
    ws.write_string_with_format(row, 5, &fig.definition, &fm.wrap)?;
    ws.write_string(row, 6, &fig.id)?;
    Ok(())
}

fn build(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let fm = Formats {
        header: Format::new().set_bold(),
        count: Format::new().set_num_format("#,##0"),
        percent: Format::new().set_num_format("0%"),
        decimal: Format::new().set_num_format("#,##0.0"),
        wrap: Format::new().set_text_wrap(),
        note: Format::new().set_italic(),
    };
    let mut wb = Workbook::new();
    let mut taken: Vec<String> = vec![BREAKDOWNS_SHEET.to_owned()];
    for s in &doc.sections {
        let name = sheet_name(&s.title, &taken);
        taken.push(name.clone());
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        ws.write_string_with_format(0, 0, format!("{} – {}", doc.title, s.title), &fm.header)?;
        let headers = [
            "Indicateur".to_owned(),
            doc.year.to_string(),
            (doc.year - 1).to_string(),
            "Unité".to_owned(),
            "Version".to_owned(),
            "Définition".to_owned(),
            "Identifiant".to_owned(),
        ];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, h, &fm.header)?;
        }
        let mut row = 3;
        for f in &s.figures {
            write_figure(ws, row, f, &fm)?;
            row += 1;
        }
        for n in &s.notes {
            row += 1;
            ws.write_string_with_format(row, 0, n, &fm.note)?;
        }
        ws.set_column_width(0, 42)?;
        ws.set_column_width(5, 90)?;
        ws.set_column_width(6, 26)?;
        ws.set_freeze_panes(3, 1)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name(BREAKDOWNS_SHEET)?;
    for (c, h) in [
        "Indicateur",
        "Répartition",
        "Groupe",
        "Valeur",
        "Identifiant",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &fm.header)?;
    }
    let mut row = 1;
    let mut done: Vec<&str> = Vec::new();
    for f in doc.sections.iter().flat_map(|s| &s.figures) {
        if done.contains(&f.figure.id.as_str()) {
            continue;
        }
        done.push(&f.figure.id);
        for b in &f.breakdowns {
            for (group, value) in &b.cells {
                ws.write_string(row, 0, &f.figure.title)?;
                ws.write_string(row, 1, &b.label)?;
                ws.write_string(row, 2, group)?;
                ws.write_number_with_format(row, 3, *value as f64, &fm.count)?;
                ws.write_string(row, 4, &f.figure.id)?;
                row += 1;
            }
        }
    }
    ws.set_column_width(0, 42)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 26)?;
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

/// The XLSX file.
pub fn xlsx(doc: &Document) -> Result<Vec<u8>, String> {
    build(doc).map_err(|e| format!("rapport XLSX : {e}"))
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader, Xlsx};

    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        assert_eq!(
            sheet_name("Clause : bilan [2021]", &[]),
            "Clause - bilan -2021-"
        );
        assert_eq!(sheet_name("PLIE", &["plie".to_owned()]), "PLIE 2");
        assert!(sheet_name(&"x".repeat(40), &[]).chars().count() <= 31);
    }

    #[test]
    fn numbers_are_numbers_and_rates_are_fractions() {
        let bytes = xlsx(&super::super::tests::sample()).unwrap_or_default();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            book.sheet_names(),
            [
                "Chiffres clés",
                "PLIE",
                "Parcours, tous dispositifs",
                BREAKDOWNS_SHEET
            ]
        );
        let plie = book
            .worksheet_range("PLIE")
            .unwrap_or_else(|e| panic!("{e}"));
        let row = |id: &str| {
            plie.rows()
                .find(|r| r.get(6) == Some(&Data::String(id.to_owned())))
                .map(|r| r.to_vec())
                .unwrap_or_default()
        };
        assert_eq!(row("plie.contracts")[1], Data::Float(414.0));
        assert_eq!(row("plie.contracts")[2], Data::Float(410.0));
        assert_eq!(row("plie.exit_dynamic_rate")[1], Data::Float(0.77));
        let b = book
            .worksheet_range(BREAKDOWNS_SHEET)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(b.rows().any(|r| r.get(3) == Some(&Data::Float(389.0))));
    }
}
