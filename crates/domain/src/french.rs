//! French formats for dates and numbers: the one place numbers are written the French way
//! (pages, report files and charts call these).

use time::Date;
use time::macros::format_description;

/// `15/03/2021`.
pub fn date(d: Date) -> String {
    d.format(format_description!("[day]/[month]/[year]"))
        .unwrap_or_default()
}

/// Reads a date typed the French way (`15/03/2021`) or as an HTML date input sends it
/// (`2021-03-15`), from 1900 to 2100: outside, it is a typing error whatever the record. Typed
/// input with a known "today" goes through `validation::parse_day`, which says why.
pub fn parse_date(input: &str) -> Option<Date> {
    read_date(input).filter(|d| (1900..=2100).contains(&d.year()))
}

/// Reads a date in either form, any year the format allows.
pub(crate) fn read_date(input: &str) -> Option<Date> {
    let s = input.trim();
    Date::parse(s, format_description!("[year]-[month]-[day]"))
        .or_else(|_| Date::parse(s, format_description!("[day]/[month]/[year]")))
        .ok()
}

/// An integer with a narrow no-break space between thousands: `1 500`, `12 345`.
pub fn integer(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A number rounded to one decimal, as figures are read: thousands with a narrow no-break
/// space, a decimal comma when not whole (`1 304`, `2,5`).
pub fn number(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 && r.abs() < 9.0e15 {
        integer(r as i64)
    } else {
        format!("{r:.1}").replace('.', ",")
    }
}

/// « a », « a ou b », « a, b ou c ».
pub fn list_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} ou {last}", init.join(", ")),
    }
}

/// A French phone number in pairs of digits, as people read it: `06 12 34 56 78`.
pub fn phone(national: &str) -> String {
    if national.len() != 10 || !national.chars().all(|c| c.is_ascii_digit()) {
        return national.to_owned();
    }
    national
        .as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn formats() {
        assert_eq!(date(date!(2021 - 03 - 05)), "05/03/2021");
        assert_eq!(integer(1500), "1\u{202f}500");
        assert_eq!(integer(662), "662");
        assert_eq!(integer(-1234567), "-1\u{202f}234\u{202f}567");
        assert_eq!(phone("0612345678"), "06 12 34 56 78");
        assert_eq!(phone("123"), "123");
        assert_eq!(number(1304.0), "1\u{202f}304");
        assert_eq!(number(2.54), "2,5");
        assert_eq!(number(-0.04), "0");
        assert_eq!(list_or(&["a", "b", "c"]), "a, b ou c");
        assert_eq!(list_or(&["a"]), "a");
    }

    #[test]
    fn parses_both_forms() {
        assert_eq!(parse_date("05/03/2021"), Some(date!(2021 - 03 - 05)));
        assert_eq!(parse_date("2021-03-05"), Some(date!(2021 - 03 - 05)));
        assert_eq!(parse_date("31/02/2021"), None);
        assert_eq!(parse_date("hier"), None);
        assert_eq!(parse_date("0000-01-01"), None);
        assert_eq!(parse_date("9999-12-31"), None);
    }
}
