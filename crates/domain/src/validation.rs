//! The input policy: field-level validation errors in French, kept next to the field they
//! concern, and the one set of rules every text and date typed into a page or sent to the API
//! goes through (control characters, lengths, plausible dates).

use std::fmt;

use serde::ser::SerializeMap;
use time::{Date, Month};

use crate::french;

/// Errors of a form or an API payload, keyed by field name, in the order the fields are
/// checked (the form's order), so that the summary reads top to bottom. The messages are for
/// the user. Serialized as a JSON object `{field: message}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(String, String)>);

impl serde::Serialize for FieldErrors {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the first error of a field; later ones for the same field are ignored, since the
    /// user fixes one thing at a time.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field.to_owned(), message.into()));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `Ok(value)` when there is no error, else the errors.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// Trims a text input; an empty one becomes `None`.
pub fn optional_text(raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_owned())
    }
}

/// Checks the length of a text in characters (not bytes: names carry accents).
pub fn check_max_len(errors: &mut FieldErrors, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.add(
            field,
            format!("Ce champ ne peut pas dépasser {max} caractères."),
        );
    }
}

/// A deliberately simple e-mail check: one `@`, a non-empty local part, a domain with a dot,
/// no spaces. Full RFC 5322 parsing would accept addresses no user types by mistake.
pub fn is_plausible_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace)
}

/// A French phone number: 10 digits starting with 0, or +33 followed by 9 digits; spaces, dots
/// and dashes are allowed between digits. Returns the digits in the national form.
pub fn normalise_french_phone(value: &str) -> Option<String> {
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}'))
        .collect();
    let national = if let Some(rest) = compact.strip_prefix("+33") {
        format!("0{rest}")
    } else {
        compact
    };
    (national.len() == 10
        && national.starts_with('0')
        && national.chars().all(|c| c.is_ascii_digit()))
    .then_some(national)
}

/// The first character no typed text may hold: control characters (NUL breaks PostgreSQL's
/// text, the others are invisible and come only from tools or attacks). Tab, line feed and
/// carriage return pass here; single-line fields refuse line breaks in [`text`].
pub fn forbidden_control(value: &str) -> Option<char> {
    value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// The French message for a text holding a control character.
pub const CONTROL_MESSAGE: &str = "Ce champ contient un caractère de contrôle (caractère invisible) : retapez-le sans copier-coller.";

/// The shape of a free-text field: how long it may be, and whether it may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    pub max: usize,
    pub multiline: bool,
}

impl TextRule {
    pub const fn line(max: usize) -> TextRule {
        TextRule {
            max,
            multiline: false,
        }
    }

    pub const fn lines(max: usize) -> TextRule {
        TextRule {
            max,
            multiline: true,
        }
    }
}

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    Required,
    Control,
    LineBreak,
    TooLong(usize),
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextError::Required => f.write_str("Ce champ est obligatoire."),
            TextError::Control => f.write_str(CONTROL_MESSAGE),
            TextError::LineBreak => f.write_str("Ce champ tient sur une seule ligne."),
            TextError::TooLong(max) => write!(f, "Ce champ ne peut pas dépasser {max} caractères."),
        }
    }
}

/// An optional free text, trimmed (`None` when empty), checked against its rule.
pub fn text(raw: &str, rule: TextRule) -> Result<Option<String>, TextError> {
    if forbidden_control(raw).is_some() {
        return Err(TextError::Control);
    }
    let t = raw.trim();
    if !rule.multiline && t.contains(['\n', '\r']) {
        return Err(TextError::LineBreak);
    }
    if t.chars().count() > rule.max {
        return Err(TextError::TooLong(rule.max));
    }
    Ok((!t.is_empty()).then(|| t.to_owned()))
}

/// A required free text: as [`text`], and empty is refused.
pub fn required_text(raw: &str, rule: TextRule) -> Result<String, TextError> {
    text(raw, rule)?.ok_or(TextError::Required)
}

/// The French message for a value outside a closed list, with the values allowed.
pub fn unknown_value<'a>(allowed: impl IntoIterator<Item = &'a str>) -> String {
    let list: Vec<&str> = allowed.into_iter().collect();
    format!("Valeur inconnue. Valeurs possibles : {}.", list.join(", "))
}

/// The earliest date any record may carry: before it is a typing error in the year.
pub const EARLIEST_DATE: Date = match Date::from_calendar_date(1900, Month::January, 1) {
    Ok(d) => d,
    Err(_) => Date::MIN,
};

/// How far after today a date may lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    /// Something that happened: a birth, an exit, a follow-up done.
    Past,
    /// Something planned: up to five years ahead (a contract's end, a committee).
    Planned,
}

/// The years a planned date may lie ahead of today.
pub const PLANNED_YEARS: i32 = 5;

impl Horizon {
    /// The latest date allowed on `today`.
    pub fn latest(self, today: Date) -> Date {
        match self {
            Horizon::Past => today,
            Horizon::Planned => {
                // 29 February plans to 28 February.
                let year = today.year() + PLANNED_YEARS;
                today
                    .replace_year(year)
                    .or_else(|_| today.replace_day(28).and_then(|d| d.replace_year(year)))
                    .unwrap_or(today)
            }
        }
    }
}

/// Why a date was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    Unreadable,
    BeforeEarliest,
    InTheFuture,
    TooFarAhead(Date),
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Unreadable => {
                f.write_str("Date invalide : saisissez-la au format jj/mm/aaaa.")
            }
            DateError::BeforeEarliest => {
                f.write_str("Date trop ancienne : vérifiez l'année (1900 au plus tôt).")
            }
            DateError::InTheFuture => f.write_str("Cette date ne peut pas être dans le futur."),
            DateError::TooFarAhead(d) => write!(
                f,
                "Date trop lointaine : le {} au plus tard.",
                french::date(*d)
            ),
        }
    }
}

/// The one date parser of typed input: `jj/mm/aaaa` or `aaaa-mm-jj`, from 1900 to the
/// horizon's latest date on `today`.
pub fn parse_day(raw: &str, today: Date, horizon: Horizon) -> Result<Date, DateError> {
    if forbidden_control(raw).is_some() {
        return Err(DateError::Unreadable);
    }
    let d = french::read_date(raw).ok_or(DateError::Unreadable)?;
    check_day(d, today, horizon)
}

/// Checks an already typed date against the policy.
pub fn check_day(d: Date, today: Date, horizon: Horizon) -> Result<Date, DateError> {
    if d < EARLIEST_DATE {
        return Err(DateError::BeforeEarliest);
    }
    let latest = horizon.latest(today);
    if d > latest {
        return Err(match horizon {
            Horizon::Past => DateError::InTheFuture,
            Horizon::Planned => DateError::TooFarAhead(latest),
        });
    }
    Ok(d)
}

impl FieldErrors {
    /// Checks a free text into `self`; the trimmed value, `None` when empty or refused.
    pub fn text(&mut self, field: &str, raw: &str, rule: TextRule) -> Option<String> {
        text(raw, rule).unwrap_or_else(|e| {
            self.add(field, e.to_string());
            None
        })
    }

    /// Checks a required free text into `self`.
    pub fn required_text(&mut self, field: &str, raw: &str, rule: TextRule) -> Option<String> {
        required_text(raw, rule)
            .map_err(|e| self.add(field, e.to_string()))
            .ok()
    }

    /// Checks a date into `self`.
    pub fn day(&mut self, field: &str, raw: &str, today: Date, horizon: Horizon) -> Option<Date> {
        parse_day(raw, today, horizon)
            .map_err(|e| self.add(field, e.to_string()))
            .ok()
    }

    /// One error, for a single-field refusal.
    pub fn one(field: &str, message: impl Into<String>) -> FieldErrors {
        let mut e = FieldErrors::new();
        e.add(field, message);
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2024 - 06 - 15);

    #[test]
    fn control_characters_are_refused_but_line_breaks_kept_where_they_belong() {
        assert_eq!(text("a\0b", TextRule::lines(10)), Err(TextError::Control));
        assert_eq!(
            text("a\u{1b}b", TextRule::line(10)),
            Err(TextError::Control)
        );
        assert_eq!(
            text("a\u{85}b", TextRule::line(10)),
            Err(TextError::Control)
        );
        assert_eq!(text("a\nb", TextRule::line(10)), Err(TextError::LineBreak));
        assert_eq!(
            text("a\r\n\tb", TextRule::lines(10)),
            Ok(Some("a\r\n\tb".into()))
        );
        assert_eq!(text("  ", TextRule::line(10)), Ok(None));
        assert_eq!(
            required_text(" ", TextRule::line(10)),
            Err(TextError::Required)
        );
        assert_eq!(text("Zoé", TextRule::line(3)), Ok(Some("Zoé".into())));
        assert_eq!(text("Zoée", TextRule::line(3)), Err(TextError::TooLong(3)));
    }

    #[test]
    fn dates_within_the_plausible_range() {
        assert_eq!(parse_day("15/06/2024", TODAY, Horizon::Past), Ok(TODAY));
        assert_eq!(
            parse_day("0000-01-01", TODAY, Horizon::Planned),
            Err(DateError::BeforeEarliest)
        );
        assert_eq!(
            parse_day("1899-12-31", TODAY, Horizon::Planned),
            Err(DateError::BeforeEarliest)
        );
        assert!(parse_day("-0001-01-01", TODAY, Horizon::Planned).is_err());
        assert_eq!(
            parse_day("9999-12-31", TODAY, Horizon::Planned),
            Err(DateError::TooFarAhead(date!(2029 - 06 - 15)))
        );
        assert_eq!(
            parse_day("2029-06-15", TODAY, Horizon::Planned),
            Ok(date!(2029 - 06 - 15))
        );
        assert_eq!(
            parse_day("16/06/2024", TODAY, Horizon::Past),
            Err(DateError::InTheFuture)
        );
        assert_eq!(
            parse_day("1900-01-01", TODAY, Horizon::Past),
            Ok(EARLIEST_DATE)
        );
        assert_eq!(
            parse_day("2024-02-30", TODAY, Horizon::Past),
            Err(DateError::Unreadable)
        );
        assert_eq!(
            parse_day("2024-01-01\0", TODAY, Horizon::Past),
            Err(DateError::Unreadable)
        );
    }

    #[test]
    fn a_leap_day_plans_five_years_ahead() {
        let leap = date!(2024 - 02 - 29);
        assert_eq!(Horizon::Planned.latest(leap), date!(2029 - 02 - 28));
    }

    proptest! {
        #[test]
        fn accepted_texts_hold_no_control_character(s in any::<String>(), multiline in any::<bool>()) {
            if let Ok(Some(t)) = text(&s, TextRule { max: 50, multiline }) {
                prop_assert!(forbidden_control(&t).is_none());
                prop_assert!(t.chars().count() <= 50);
                prop_assert!(multiline || !t.contains('\n'));
            }
        }

        #[test]
        fn accepted_dates_lie_between_1900_and_the_horizon(y in -10_000i32..10_000, m in 1u8..=12, d in 1u8..=31) {
            let raw = format!("{y:04}-{m:02}-{d:02}");
            if let Ok(day) = parse_day(&raw, TODAY, Horizon::Planned) {
                prop_assert!(day >= EARLIEST_DATE && day <= date!(2029 - 06 - 15));
            }
        }
    }

    #[test]
    fn emails() {
        assert!(is_plausible_email("marie.dupont@exemple.fr"));
        assert!(!is_plausible_email("marie.dupont"));
        assert!(!is_plausible_email("marie@exemple"));
        assert!(!is_plausible_email("ma rie@exemple.fr"));
        assert!(!is_plausible_email("@exemple.fr"));
    }

    #[test]
    fn phones() {
        assert_eq!(
            normalise_french_phone("06 12 34 56 78").as_deref(),
            Some("0612345678")
        );
        assert_eq!(
            normalise_french_phone("+33 6 12 34 56 78").as_deref(),
            Some("0612345678")
        );
        assert_eq!(normalise_french_phone("12345"), None);
    }

    #[test]
    fn first_error_of_a_field_wins() {
        let mut e = FieldErrors::new();
        e.add("x", "a");
        e.add("x", "b");
        assert_eq!(e.get("x"), Some("a"));
    }
}
