//! SVG charts of the report, one source for the HTML page and the PDF (Typst draws SVG).
//!
//! Written here rather than with `plotters`: the report needs three plain chart shapes, and
//! accessibility is the point: each chart is `role="img"` with a `<title>` and a `<desc>` that
//! gives every value in French, so a screen reader (and the PDF's alternative text) reads the
//! same numbers as the eye. plotters writes neither, formats numbers the English way, and
//! would add a dependency for about 200 lines of string writing.
//!
//! Text uses the generic `sans-serif` family: the browser picks its own, and Typst falls back
//! to the document's font, which has the accents and the narrow no-break space.

use std::fmt::Write;

use crate::fmt;

const WIDTH: f64 = 720.0;
const LABEL_W: f64 = 270.0;
const VALUE_W: f64 = 90.0;
const ROW_H: f64 = 26.0;
const TOP: f64 = 12.0;
/// The year's colour and last year's: dark and light blue, told apart in grey too.
const NOW: &str = "#1f4e79";
const BEFORE: &str = "#9dc3e6";
const PARTS: [&str; 5] = ["#1f4e79", "#2e75b6", "#9dc3e6", "#c9c9c9", "#7f7f7f"];

/// One labelled value.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
}

/// A figure for the year and the year before.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub label: String,
    pub now: f64,
    pub before: f64,
}

/// A chart: its SVG, and its values in words (also the SVG's `<desc>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    pub svg: String,
    pub desc: String,
}

fn close(mut svg: String, desc: String) -> Drawn {
    svg.push_str("</svg>");
    Drawn { svg, desc }
}

/// Escapes text for XML content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn open(id: &str, title: &str, desc: &str, height: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" font-family=\"sans-serif\" font-size=\"13\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(title),
        escape(desc)
    )
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, s: &str) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" fill=\"#222\">{}</text>",
        escape(s)
    );
}

/// Nothing for an empty bar (a zero-width rectangle is invalid SVG to some readers).
fn rect(out: &mut String, x: f64, y: f64, w: f64, h: f64, fill: &str) {
    if w <= 0.0 {
        return;
    }
    let _ = write!(
        out,
        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{fill}\"/>"
    );
}

/// Length of a bar of `v` when `max` fills the plot area.
fn scale(v: f64, max: f64) -> f64 {
    let area = WIDTH - LABEL_W - VALUE_W;
    if max > 0.0 {
        v.max(0.0) / max * area
    } else {
        0.0
    }
}

/// `Roubaix : 389 ; Leers : 4.`
fn listing<'a>(items: impl Iterator<Item = (&'a str, String)>) -> String {
    let parts: Vec<String> = items.map(|(l, v)| format!("{l} : {v}")).collect();
    format!("{}.", parts.join(" ; "))
}

/// Horizontal bars, one per value (a breakdown by town, sex…).
pub fn bars(id: &str, title: &str, bars: &[Bar], unit: &str) -> Drawn {
    let height = TOP * 2.0 + ROW_H * bars.len() as f64;
    let desc = listing(
        bars.iter()
            .map(|b| (b.label.as_str(), fmt::value(b.value, unit))),
    );
    let mut out = open(id, title, &desc, height);
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        text(&mut out, LABEL_W - 8.0, y + 17.0, "end", &b.label);
        let w = scale(b.value, max);
        rect(&mut out, LABEL_W, y + 4.0, w, ROW_H - 8.0, NOW);
        text(
            &mut out,
            LABEL_W + w + 6.0,
            y + 17.0,
            "start",
            &fmt::value(b.value, unit),
        );
    }
    close(out, desc)
}

/// Each figure for the year (dark) and the year before (light), with a legend.
pub fn comparison(id: &str, title: &str, year: i32, pairs: &[Pair], unit: &str) -> Drawn {
    let group = ROW_H * 2.0 + 8.0;
    let legend = 24.0;
    let height = TOP * 2.0 + legend + group * pairs.len() as f64;
    let desc = listing(pairs.iter().map(|p| {
        (
            p.label.as_str(),
            format!(
                "{} en {year}, {} en {}",
                fmt::value(p.now, unit),
                fmt::value(p.before, unit),
                year - 1
            ),
        )
    }));
    let mut out = open(id, title, &desc, height);
    rect(&mut out, LABEL_W, TOP, 12.0, 12.0, NOW);
    text(
        &mut out,
        LABEL_W + 18.0,
        TOP + 11.0,
        "start",
        &year.to_string(),
    );
    rect(&mut out, LABEL_W + 80.0, TOP, 12.0, 12.0, BEFORE);
    text(
        &mut out,
        LABEL_W + 98.0,
        TOP + 11.0,
        "start",
        &(year - 1).to_string(),
    );
    let max = pairs
        .iter()
        .flat_map(|p| [p.now, p.before])
        .fold(0.0, f64::max);
    for (i, p) in pairs.iter().enumerate() {
        let y = TOP + legend + group * i as f64;
        text(&mut out, LABEL_W - 8.0, y + ROW_H + 4.0, "end", &p.label);
        for (row, (v, fill)) in [(p.now, NOW), (p.before, BEFORE)].into_iter().enumerate() {
            let ry = y + ROW_H * row as f64;
            let w = scale(v, max);
            rect(&mut out, LABEL_W, ry + 3.0, w, ROW_H - 6.0, fill);
            text(
                &mut out,
                LABEL_W + w + 6.0,
                ry + 17.0,
                "start",
                &fmt::value(v, unit),
            );
        }
    }
    close(out, desc)
}

/// Parts of a whole in one stacked bar, each with its count and share in the legend.
pub fn shares(id: &str, title: &str, parts: &[Bar]) -> Drawn {
    let total: f64 = parts.iter().map(|p| p.value.max(0.0)).sum();
    let share = |v: f64| {
        if total > 0.0 {
            fmt::value((v.max(0.0) * 100.0 / total).round(), "%")
        } else {
            fmt::value(0.0, "%")
        }
    };
    let bar_h = 34.0;
    let height = TOP * 3.0 + bar_h + ROW_H * parts.len() as f64;
    let desc = listing(parts.iter().map(|p| {
        (
            p.label.as_str(),
            format!("{} ({})", fmt::number(p.value), share(p.value)),
        )
    }));
    let mut out = open(id, title, &desc, height);
    let full = WIDTH - 2.0 * TOP;
    let mut x = TOP;
    for (i, p) in parts.iter().enumerate() {
        let w = if total > 0.0 {
            p.value.max(0.0) / total * full
        } else {
            0.0
        };
        rect(&mut out, x, TOP, w, bar_h, PARTS[i % PARTS.len()]);
        x += w;
        let y = TOP * 2.0 + bar_h + ROW_H * i as f64;
        rect(&mut out, TOP, y + 5.0, 14.0, 14.0, PARTS[i % PARTS.len()]);
        text(
            &mut out,
            TOP + 22.0,
            y + 17.0,
            "start",
            &format!(
                "{} : {} ({})",
                p.label,
                fmt::number(p.value),
                share(p.value)
            ),
        );
    }
    close(out, desc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn towns() -> Vec<Bar> {
        [("Roubaix", 389.0), ("Lys-lez-Lannoy", 21.0), ("Leers", 4.0)]
            .into_iter()
            .map(|(l, v)| Bar {
                label: l.to_owned(),
                value: v,
            })
            .collect()
    }

    #[test]
    fn a_bar_chart_has_one_bar_per_value_and_the_values_in_its_description() {
        let svg = bars("c1", "Contrats par commune", &towns(), "").svg;
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"c1-t\">Contrats par commune</title>"));
        assert!(
            svg.contains(
                "<desc id=\"c1-d\">Roubaix : 389 ; Lys-lez-Lannoy : 21 ; Leers : 4.</desc>"
            ),
            "{svg}"
        );
    }

    #[test]
    fn numbers_are_french_and_text_is_escaped() {
        let big = [Bar {
            label: "A & <B>".to_owned(),
            value: 1304.0,
        }];
        let svg = bars("c2", "T", &big, "").svg;
        assert!(svg.contains("1\u{202f}304"));
        assert!(svg.contains("A &amp; &lt;B&gt;") && !svg.contains("<B>"));
        let pairs = [Pair {
            label: "Taux".to_owned(),
            now: 77.0,
            before: 70.0,
        }];
        let svg = comparison("c3", "T", 2021, &pairs, "%").svg;
        assert!(
            svg.contains("Taux : 77\u{202f}% en 2021, 70\u{202f}% en 2020."),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect").count(), 2 + 2);
    }

    #[test]
    fn shares_give_counts_and_percentages() {
        let svg = shares("c4", "Sorties", &towns()).svg;
        assert!(svg.contains("Roubaix : 389 (94\u{202f}%)"), "{svg}");
        let empty = shares("c5", "Sorties", &[]);
        assert!(empty.svg.ends_with("</svg>"));
        assert!(
            !bars(
                "c6",
                "T",
                &[Bar {
                    label: "x".into(),
                    value: 0.0
                }],
                ""
            )
            .svg
            .contains("NaN")
        );
    }
}
