//! Figures written the French way, the same in every output: `1 304`, `77 %`, `30,2 mois`.
//! Figures are stored and exported exact (JSON, XLSX, API); only what is read is rounded:
//! a percentage to the whole percent, as the activity report prints it, anything else to one
//! decimal.

use passerelle_domain::french;

/// A number rounded to one decimal, written the French way ([`french::number`]).
pub fn number(v: f64) -> String {
    french::number(v)
}

/// The number as shown for a figure of `unit`: a whole percent, else one decimal.
pub fn shown(v: f64, unit: &str) -> String {
    if unit == "%" {
        number(v.round())
    } else {
        number(v)
    }
}

/// A number with its unit, never broken across lines: `77 %` (narrow no-break space, as
/// French typography puts before `%`), `30 mois` (no-break space).
pub fn value(v: f64, unit: &str) -> String {
    match unit {
        "" => shown(v, unit),
        "%" => format!("{}\u{202f}%", shown(v, unit)),
        u => format!("{}\u{a0}{u}", shown(v, unit)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_forms() {
        assert_eq!(number(1304.0), "1\u{202f}304");
        assert_eq!(number(2.5), "2,5");
        assert_eq!(value(77.0, "%"), "77\u{202f}%");
        assert_eq!(value(30.0, "mois"), "30\u{a0}mois");
        assert_eq!(value(414.0, ""), "414");
        // Exact values are rounded only for display.
        assert_eq!(value(74.137, "%"), "74\u{202f}%");
        assert_eq!(value(29.96, "mois"), "30\u{a0}mois");
        assert_eq!(value(30.24, "mois"), "30,2\u{a0}mois");
        assert_eq!(shown(0.4836, ""), "0,5");
    }
}
