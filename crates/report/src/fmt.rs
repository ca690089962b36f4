//! Figures written the French way, the same in every output: `1 304`, `77 %`, `30 mois`.

use passerelle_domain::french;

/// A number: thousands with a narrow no-break space, a decimal comma when not whole.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        french::integer(v as i64)
    } else {
        format!("{v:.1}").replace('.', ",")
    }
}

/// A number with its unit, never broken across lines: `77 %` (narrow no-break space, as
/// French typography puts before `%`), `30 mois` (no-break space).
pub fn value(v: f64, unit: &str) -> String {
    match unit {
        "" => number(v),
        "%" => format!("{}\u{202f}%", number(v)),
        u => format!("{}\u{a0}{u}", number(v)),
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
    }
}
