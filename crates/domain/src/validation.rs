//! Field-level validation errors, in French, kept next to the field they concern.

use serde::ser::SerializeMap;

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

#[cfg(test)]
mod tests {
    use super::*;

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
